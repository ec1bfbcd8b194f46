"""The course: every lesson runs top to bottom (strict: every solution passes), within 60 s and 500 MB; what its text
claims holds for what it computed; its exercises refuse wrong answers without giving the right one away; the index
links every lesson; the student versions keep no solution and fail every check until filled in."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

sys.path.insert(0, str(Path(__file__).parent))
from claims import CLAIMS  # noqa: E402

from toylands.exercises import BEGIN, END, _numbers_in, assign, student_source  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
LESSONS = ROOT / "lessons"
NOTEBOOKS = sorted(LESSONS.glob("*.ipynb"))
NUMBERED = [p for p in NOTEBOOKS if re.match(r"\d\d-[a-z0-9-]+\.ipynb$", p.name)]
CHECK = re.compile(r"""check\(\s*["']([\w.]+)["']""")
PREDICT = re.compile(r"""predict\(\s*["']([\w.]+)["']""")


def execute(path: Path, *extra, claims: dict | None = None, tmp: Path | None = None) -> dict:
    env = {**os.environ, "TOYLANDS_STRICT": "1"}
    env.pop("MPLBACKEND", None)
    args = [sys.executable, str(ROOT / "tests" / "run_notebook.py"), str(path), *extra]
    if claims is not None:
        spec = tmp / f"{path.stem}.claims.json"
        spec.write_text(json.dumps(claims))
        args += ["--claims", str(spec)]
    out = subprocess.run(args, capture_output=True, text=True, env=env, timeout=900)
    assert out.returncode == 0, out.stderr[-2000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


def solutions(nb) -> dict:
    """Each exercise's solution code: the solution block in the cell that checks it."""
    out = {}
    for cell in nb.cells:
        if cell.cell_type == "code" and BEGIN in cell.source:
            blocks = re.findall(rf"{re.escape(BEGIN)}\n(.*?){re.escape(END)}", cell.source, re.S)
            for key in CHECK.findall(cell.source):
                out[key] = "\n".join(blocks)
    return out


def test_the_course_has_its_lessons_in_order():
    numbers = [int(p.name[:2]) for p in NUMBERED]
    assert numbers == list(range(len(numbers)))
    assert (LESSONS / "index.ipynb").exists()


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_lesson_runs_top_to_bottom_and_its_claims_hold(path, tmp_path, executed_lessons):
    nb = nbformat.read(path, as_version=4)
    executed = executed_lessons / path.name  # kept for tests/test_site.py, which builds the website from it
    r = execute(path, "--out", str(executed), claims={"claims": CLAIMS.get(path.stem, []), "solutions": solutions(nb)},
                tmp=tmp_path)  # fmt: skip
    assert r["error"] is None, r["error"]
    assert r["seconds"] < 60, f"{path.name} took {r['seconds']:.0f} s"
    assert r["peak_mb"] < 500, f"{path.name} peaked at {r['peak_mb']:.0f} MB"
    checks = [c for c in r["cells"] if "check(" in c["source"]]
    assert all("✓ Exercise" in c["stdout"] and "✗" not in c["stdout"] for c in checks), [c["stdout"][:200] for c in checks]
    noisy = [(c["index"], c["stderr"][:300]) for c in r["cells"] if c["stderr"]]
    assert not noisy, f"warnings in {path.name}: {noisy}"
    assert "error" not in r["claims"], r["claims"]
    false = [f"{sentence!r}: {expr} gave {value}" for sentence, expr, ok, value in r["claims"]["claims"] if not ok]
    assert not false, "claims the lesson makes that its own results do not bear out:\n" + "\n".join(false)
    assert not r["claims"]["audit"], "\n".join(r["claims"]["audit"])
    if path in NUMBERED:
        assert len(CLAIMS.get(path.stem, [])) >= 3, "every lesson's results are claims with tests"
        shown_above = _answers_shown_above(nbformat.read(executed, as_version=4), r["claims"]["answers"])
        assert not shown_above, "\n".join(shown_above)


def _answers_shown_above(nb, answers: dict) -> list[str]:
    """Exercises whose (distinctive) numeric answer appears in a text or an output above them."""
    problems, shown = [], ""
    for cell in nb.cells:
        for key in CHECK.findall(cell.source) if cell.cell_type == "code" and BEGIN in cell.source else ():
            answer = answers.get(key, [])
            if answer and not all(_round(v) for v in answer) and _appears_in(answer, _numbers_in(shown)):
                problems.append(f"exercise {key}: its answer {', '.join(f'{v:g}' for v in answer)} is shown above it")
        if cell.cell_type == "markdown":
            shown += cell.source + "\n"
        elif cell.cell_type == "code" and not PREDICT.search(cell.source):  # a prediction echoed is the student's own
            for o in cell.outputs:
                shown += o.get("text", "") + str(o.get("data", {}).get("text/plain", "")) + "\n"
    return problems


def _appears_in(answer: list[float], numbers: list[float]) -> bool:
    """Whether the answer (a number, or a point's coordinates in order) is among the numbers, each within 0.5%."""
    near = [[abs(m - v) <= 5e-3 * abs(v) or (v == 0 and m == 0) for m in numbers] for v in answer]
    return any(all(near[i][j + i] for i in range(len(answer))) for j in range(len(numbers) - len(answer) + 1))


def _round(v: float) -> bool:
    """Small whole numbers and their simple fractions (a count of 2, a rate of 0.5), and measurements within half a
    percent of them, appear in any text; only distinctive values can give an answer away."""
    return v == 0 or (abs(v) <= 12 and abs(v * 2 - round(v * 2)) <= 5e-3 * max(abs(v * 2), 1))


@pytest.mark.parametrize("path", NUMBERED, ids=[p.stem for p in NUMBERED])
def test_lesson_structure(path):
    from toylands import checks  # noqa: F401  (registers the course's exercises)
    from toylands.exercises import CHECKS, SPECS

    nb = nbformat.read(path, as_version=4)
    first = nb.cells[0].source
    assert first.startswith(f"# {int(path.name[:2])}.") and "**What you will learn.**" in first and "**Time:**" in first
    code = [c.source for c in nb.cells if c.cell_type == "code"]
    assert code[0].startswith("%matplotlib widget") and "import toylands as tl" in code[0]
    assert sum("import " in c for c in code) == 1, "one import cell"
    exercises = [c for c in code if BEGIN in c and "check(" in c]
    assert 3 <= len(exercises) <= 6
    assert all(END in c and "check(" in c.split(END)[1] for c in exercises)
    keys = [k for c in code for k in CHECK.findall(c)]
    assert all(k.startswith(path.name[:2] + ".") and k in CHECKS for k in keys), keys
    kinds = {SPECS[k]["kind"] for k in keys}
    assert {"predict", "measure", "explain"} <= kinds, f"{path.name} has exercises of kinds {kinds}"
    for k in keys:
        if SPECS[k]["kind"] == "predict":
            where = [i for i, c in enumerate(code) if k in PREDICT.findall(c)]
            checked = min(i for i, c in enumerate(code) if k in CHECK.findall(c))
            assert where and where[0] < checked, f"{k}: the prediction is written down before the experiment"
        assert not re.search(r"\d", CHECKS[k][0]), f"{k}: a title with a number may give the answer away"
    assert "## Summary" in nb.cells[-1].source
    assert any("widgets." in c for c in code), "a slider to play with"


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


def test_student_checks_fail_until_filled_in(tmp_path):
    """Every lesson's student version runs top to bottom, and each of its checks says "not answered yet". Two
    lessons run at a time, one per core: these runs keep no time limit, and so take half the time."""
    from concurrent.futures import ThreadPoolExecutor

    def problems(path):
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "code":
                cell.source = student_source(cell.source)
        student = tmp_path / path.name
        nbformat.write(nb, student)
        r = execute(student, "--allow-errors")
        out = []
        for c in r["cells"]:
            if "check(" in c["source"]:
                if c["error"] != "ExerciseError" or not c["stdout"].startswith("✗"):
                    out.append(f"{path.name}, cell {c['index']}: a check that does not fail: {c}")
            elif c["error"] is not None:
                out.append(f"{path.name}, cell {c['index']}: {c['error']}: {c['evalue']}")
        return out

    with ThreadPoolExecutor(2) as pool:
        found = [line for lines in pool.map(problems, NUMBERED[::-1]) for line in lines]  # the long, late ones first
    assert not found, "\n".join(found)


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
