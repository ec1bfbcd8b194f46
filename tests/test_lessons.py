"""The course: every lesson runs top to bottom (strict: every solution passes), within 60 s and 500 MB; the
index links every lesson; the student versions keep no solution and fail every check until filled in."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from toylands.exercises import BEGIN, END, assign, student_source

ROOT = Path(__file__).resolve().parents[1]
LESSONS = ROOT / "lessons"
NOTEBOOKS = sorted(LESSONS.glob("*.ipynb"))
NUMBERED = [p for p in NOTEBOOKS if re.match(r"\d\d-[a-z0-9-]+\.ipynb$", p.name)]


def execute(path: Path, *extra) -> dict:
    env = {**os.environ, "TOYLANDS_STRICT": "1"}
    env.pop("MPLBACKEND", None)
    out = subprocess.run([sys.executable, str(ROOT / "tests" / "run_notebook.py"), str(path), *extra],
                         capture_output=True, text=True, env=env, timeout=600)  # fmt: skip
    assert out.returncode == 0, out.stderr[-2000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_the_course_has_its_lessons_in_order():
    numbers = [int(p.name[:2]) for p in NUMBERED]
    assert numbers == list(range(11))
    assert (LESSONS / "index.ipynb").exists()


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_lesson_runs_top_to_bottom_in_strict_mode(path):
    r = execute(path)
    assert r["error"] is None, r["error"]
    assert r["seconds"] < 60, f"{path.name} took {r['seconds']:.0f} s"
    assert r["peak_mb"] < 500, f"{path.name} peaked at {r['peak_mb']:.0f} MB"
    checks = [c for c in r["cells"] if "check(" in c["source"]]
    assert all(c["stdout"].startswith("✓") for c in checks)
    noisy = [(c["index"], c["stderr"][:300]) for c in r["cells"] if c["stderr"]]
    assert not noisy, f"warnings in {path.name}: {noisy}"


@pytest.mark.parametrize("path", NUMBERED, ids=[p.stem for p in NUMBERED])
def test_lesson_structure(path):
    nb = nbformat.read(path, as_version=4)
    first = nb.cells[0].source
    assert first.startswith(f"# {int(path.name[:2])}.") and "**What you will learn.**" in first and "**Time:**" in first
    code = [c.source for c in nb.cells if c.cell_type == "code"]
    assert code[0].startswith("%matplotlib widget") and "import toylands as tl" in code[0]
    assert sum("import " in c for c in code) == 1, "one import cell"
    exercises = [c for c in code if BEGIN in c]
    assert 2 <= len(exercises) <= 4
    assert all(END in c and "check(" in c.split(END)[1] for c in exercises)
    assert "## Summary" in nb.cells[-1].source
    assert any("widgets." in c for c in code) or path.name.startswith(("07", "08", "09")), "a slider to play with"


def test_every_link_resolves_and_the_index_links_every_lesson():
    linked = set()
    for path in NOTEBOOKS:
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "markdown":
                for target in re.findall(r"\]\(([^)#]+\.ipynb)\)", cell.source):
                    assert (LESSONS / target).exists(), f"{path.name} links to missing {target}"
                    if path.name == "index.ipynb":
                        linked.add(target)
    assert linked == {p.name for p in NUMBERED}


def test_student_versions_keep_no_solution(tmp_path):
    written = assign(LESSONS, tmp_path)
    assert {p.name for p in written} == {p.name for p in NOTEBOOKS}
    assert (tmp_path / "LICENSE.md").exists()
    for path in NOTEBOOKS:
        teacher = nbformat.read(path, as_version=4)
        student = (tmp_path / path.name).read_text()
        assert BEGIN not in student and END not in student
        for cell in teacher.cells:
            for block in re.findall(rf"{re.escape(BEGIN)}\n(.*?){re.escape(END)}", cell.source, re.S):
                for line in block.splitlines():
                    s = line.strip()
                    if s and not s.startswith(("def ", '"""')):
                        assert s not in student, f"{path.name}: the student version shows {s!r}"


@pytest.mark.parametrize("path", NUMBERED, ids=[p.stem for p in NUMBERED])
def test_student_checks_fail_until_filled_in(path, tmp_path):
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.source = student_source(cell.source)
    student = tmp_path / path.name
    nbformat.write(nb, student)
    r = execute(student, "--allow-errors")
    for c in r["cells"]:
        if "check(" in c["source"]:
            assert c["error"] == "ExerciseError" and c["stdout"].startswith("✗"), c
        else:
            assert c["error"] is None, c


def test_stub_shapes():
    src = f"{BEGIN}\na, b = 1, 2\nhelper = 3\nanswer = helper + a\n{END}\ncheck('x', answer)\n"
    assert student_source(src) == "answer = ...  # YOUR CODE HERE\ncheck('x', answer)\n"
    src = f"{BEGIN}\nlam, vec = f()\n{END}\ncheck('x', lam, vec)\n"
    assert student_source(src).startswith("lam, vec = ..., ...  # YOUR CODE HERE")
    src = f'{BEGIN}\ndef rule(g, s, lr=0.1):\n    """Doc."""\n    return -lr * g, s\n{END}\ncheck("x", rule)\n'
    out = student_source(src)
    assert 'def rule(g, s, lr=0.1):\n    """Doc."""\n    # YOUR CODE HERE\n    raise NotImplementedError()' in out
    with pytest.raises(ValueError, match="unbalanced"):
        student_source(f"{BEGIN}\nx = 1\n")


def test_assign_command(tmp_path):
    from toylands.__main__ import main

    assert main(["assign", str(LESSONS), str(tmp_path / "student")]) == 0
    assert len(list((tmp_path / "student").glob("*.ipynb"))) == len(NOTEBOOKS)


def test_checks_give_feedback_without_the_answer(capsys, monkeypatch):
    from toylands.checks import check, evaluate
    from toylands.exercises import ExerciseError

    monkeypatch.delenv("TOYLANDS_STRICT", raising=False)
    assert check("02.1", 0.05) is None
    out = capsys.readouterr().out
    assert out.startswith("✗") and "too large" in out and "0.04" not in out
    check("02.1", ...)
    assert "not answered yet" in capsys.readouterr().out
    assert evaluate("02.1", 0.04)[0] and not evaluate("02.1", 0.05)[0]
    monkeypatch.setenv("TOYLANDS_STRICT", "1")
    with pytest.raises(ExerciseError, match="exercise 02.1"):
        check("02.1", 0.05)
    capsys.readouterr()
    check("02.1", 0.04)
    assert capsys.readouterr().out.startswith("✓")
