"""Grading with nbgrader, the real one: ``python -m toylands assign --nbgrader`` writes a course that nbgrader
releases without solutions or hidden tests, that a student can Run All untouched, and that nbgrader autogrades to
the marks each submission deserves, with points from the exercises' definitions and challenges ungraded."""

import csv
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from toylands.exercises import BEGIN, END, HIDDEN_BEGIN, SPECS, anything, assign_nbgrader

ROOT = Path(__file__).resolve().parent.parent
#: The solved sources: lessons/solutions (lessons/ until they moved there).
LESSONS = ROOT / "lessons" / "solutions" if (ROOT / "lessons" / "solutions").is_dir() else ROOT / "lessons"
NUMBERED = sorted(p for p in LESSONS.glob("[0-9][0-9]-*.ipynb"))
FAST = "00-welcome"  # the lesson whose submissions are autograded (about 5 s a run)

try:
    import nbgrader  # noqa: F401

    MISSING = ""
except ImportError:
    MISSING = "nbgrader is not installed (pip install -e '.[test]')"
if MISSING and os.environ.get("CI"):
    raise RuntimeError(f"the nbgrader tests must run in CI, but {MISSING}")
pytestmark = pytest.mark.skipif(bool(MISSING), reason=MISSING or "")


def clean_env() -> dict:
    """The environment of a student's or nbgrader's process: none of the test run's toylands or nbgrader settings."""
    env = dict(os.environ)
    for name in ("TOYLANDS_STRICT", "TOYLANDS_COURSE", "NBGRADER_EXECUTION", "TOYLANDS_CHECK_SECONDS"):
        env.pop(name, None)
    return env


def nbgrader_cli(course: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**clean_env(), "JUPYTER_CONFIG_DIR": str(course / ".jupyter"), "JUPYTER_DATA_DIR": str(course / ".data")}
    r = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course, env=env, capture_output=True, text=True,
                       timeout=900)  # fmt: skip
    assert r.returncode == 0, f"nbgrader {' '.join(args)} failed:\n{r.stdout[-3000:]}\n{r.stderr[-3000:]}"
    return r


def cells(path: Path) -> list[dict]:
    return json.loads(path.read_text())["cells"]


def source(cell: dict) -> str:
    return "".join(cell["source"])


def keys_checked(lesson: Path) -> list[str]:
    """The exercises a solved lesson checks, in order (read from its cells, not from what assign wrote)."""
    return re.findall(r"""^check\(["']([\w.]+)["']""", "\n".join(source(c) for c in cells(lesson)), re.M)


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    course = tmp_path_factory.mktemp("course")
    written = assign_nbgrader(LESSONS, course)
    assert len(written) == len(NUMBERED)
    return course


def solution_lines(text: str) -> list[str]:
    """The lines between the solution markers that a student must not see (lines a stub might also hold aside)."""
    out = []
    for block in re.findall(rf"{re.escape(BEGIN)}\n(.*?){re.escape(END)}", text, re.S):
        out += [line.strip() for line in block.splitlines() if len(line.strip()) > 12]
    return out


def _outside_solutions(lesson: Path) -> str:
    """The lesson without its solutions (the narrative may use the same code as a solution)."""
    return re.sub(rf"{re.escape(BEGIN)}.*?{re.escape(END)}", "", lesson.read_text(), flags=re.S)


def test_every_lesson_is_released_without_its_solutions_or_hidden_tests(course, monkeypatch):
    from nbgrader.apps import NbGraderAPI
    from traitlets.config.loader import PyFileConfigLoader

    monkeypatch.setenv("TOYLANDS_COURSE", "")  # restored after: the course's configuration sets it
    config = PyFileConfigLoader("nbgrader_config.py", path=str(course)).load_config()
    assert Path(os.environ["TOYLANDS_COURSE"]) == course / "answer_key" / "checks.py"
    config.CourseDirectory.root = str(course)
    monkeypatch.chdir(course)
    api = NbGraderAPI(config=config)  # nbgrader generate_assignment, in one process for all the lessons
    for lesson in NUMBERED:
        result = api.generate_assignment(lesson.stem, force=True)
        assert result["success"], result["log"][-3000:]
        release = course / "release" / lesson.stem / lesson.name
        assert release.exists(), f"nbgrader released no {release}"
        text = release.read_text()
        assert BEGIN not in text and END not in text
        assert HIDDEN_BEGIN not in text and "graded=True" not in text, f"{lesson.name}: the release holds hidden tests"
        hidden = solution_lines(lesson.read_text())
        narrative = _outside_solutions(lesson)
        shown = [line for line in hidden if line in text and text.count(line) > narrative.count(line)]
        assert not shown, f"{lesson.name}: the release shows solution lines {shown[:3]}"
        keys = keys_checked(lesson)
        graded = [c for c in cells(release) if c["metadata"].get("nbgrader", {}).get("grade")]
        required = [k for k in keys if SPECS[k]["kind"] != "challenge"]
        assert [re.match(r"check\(['\"]([\w.]+)", source(c)).group(1) for c in graded] == required, lesson.name
        assert [c["metadata"]["nbgrader"]["points"] for c in graded] == [SPECS[k]["points"] for k in required]
        answers = [c for c in cells(release) if c["metadata"].get("nbgrader", {}).get("solution")]
        assert all("YOUR CODE HERE" in source(c) or "YOUR ANSWER HERE" in source(c) for c in answers)
        assert "raise NotImplementedError()\n" not in "".join(source(c) for c in answers if "def " not in source(c))
    assert (course / "release" / FAST / "checks.py").read_bytes() == (course / "answer_key" / "checks.py").read_bytes()


def run_all(notebook: Path) -> list[str]:
    """Run every cell of ``notebook`` as a student would (in its folder, no nbgrader, no strict mode): what each code
    cell printed. Fails on any cell that raised."""
    import nbformat
    from nbclient import NotebookClient

    from toylands.site import _kernel_manager_class

    nb = nbformat.read(notebook, as_version=4)
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(clean_env())
    try:
        NotebookClient(nb, kernel_name="python3", kernel_manager_class=_kernel_manager_class(), timeout=120,
                       resources={"metadata": {"path": str(notebook.parent)}}).execute()  # fmt: skip
    finally:
        os.environ.clear()
        os.environ.update(saved)
    printed = []
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert not [o for o in cell.outputs if o.output_type == "error"], cell.source
            printed.append("".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream"))
    return printed


def verdicts(printed: list[str]) -> list[str]:
    return [line for text in printed for line in text.splitlines() if re.match(r"[✓✗○•⚠✎] Exercise", line)]


@pytest.fixture(scope="module")
def released(course):
    """The course, with FAST released by nbgrader's command line."""
    nbgrader_cli(course, "generate_assignment", FAST, "--force")
    return course


def test_run_all_on_an_untouched_release_completes_and_says_not_answered_yet(released):
    course = released
    printed = run_all(course / "release" / FAST / f"{FAST}.ipynb")
    lines = verdicts(printed)
    assert len(lines) == len(keys_checked(LESSONS / f"{FAST}.ipynb")) + 1, lines  # the checks and one prediction
    assert all(line.startswith(("○", "✎")) and ("not answered yet" in line or "no prediction yet" in line)
               for line in lines), lines  # fmt: skip
    assert "Traceback" not in "".join(printed)


def _submit(course: Path, student: str, replaced: dict[int, str | None]):
    """Hand in the release of FAST with the cells ``replaced`` (cell index -> new source; None: the teacher's)."""
    folder = course / "submitted" / student / FAST
    folder.mkdir(parents=True, exist_ok=True)
    nb = json.loads((course / "release" / FAST / f"{FAST}.ipynb").read_text())
    solved = cells(course / "source" / FAST / f"{FAST}.ipynb")
    for i, text in replaced.items():
        nb["cells"][i]["source"] = source(solved[i]) if text is None else text
    (folder / f"{FAST}.ipynb").write_text(json.dumps(nb, indent=1))


def _exercise_cells(course: Path) -> dict[str, int]:
    """Exercise key -> the index of its answer cell (the cell before its check cell)."""
    nb = cells(course / "source" / FAST / f"{FAST}.ipynb")
    return {re.match(r"check\(['\"]([\w.]+)", source(c)).group(1): i - 1 for i, c in enumerate(nb)
            if c["metadata"]["nbgrader"]["grade_id"].startswith("check-")}  # fmt: skip


def _grades(course: Path) -> dict[str, tuple[float, float]]:
    nbgrader_cli(course, "export")
    with open(course / "grades.csv") as f:
        return {row["student_id"]: (float(row["score"]), float(row["max_score"])) for row in csv.DictReader(f)
                if row["assignment"] == FAST}  # fmt: skip


def test_submissions_autograde_to_the_marks_they_deserve(released):
    """Every required answer right and no challenge: full marks. Untouched: 0. One right, one wrong, one crashing,
    the challenge left as the stub: the right one's points. An endless loop in one exercise: that exercise's points
    lost, the rest kept. Challenges are not in max_score; the points are the definitions'."""
    course = released
    where = _exercise_cells(course)
    required = [k for k in where if SPECS[k]["kind"] != "challenge"]
    challenges = [k for k in where if SPECS[k]["kind"] == "challenge"]
    assert len(required) == 3 and len(challenges) == 1, where
    points = {k: SPECS[k]["points"] for k in required}
    first, second, third = required
    _submit(course, "ada", {where[k]: None for k in required})  # every required answer right, no challenge
    _submit(course, "dan", {})  # untouched
    solved = cells(course / "source" / FAST / f"{FAST}.ipynb")
    _submit(course, "bob", {where[first]: None, where[second]: source(solved[where[second]]) + "\nminimum = [5.0, 5.0]",
                            where[third]: "fastest, slope = 1 / 0, 0"})  # fmt: skip
    _submit(course, "cy", {**{where[k]: None for k in required}, where[first]: "while True:\n    pass"})
    nbgrader_cli(course, "autograde", FAST, "--force", "--Execute.timeout=10")  # lesson 0's longest cell takes 2 s
    total = float(sum(points.values()))
    assert _grades(course) == {"ada": (total, total), "dan": (0.0, total), "bob": (points[first], total),
                               "cy": (total - points[first], total)}  # fmt: skip


@pytest.fixture(scope="module")
def format_course(tmp_path_factory):
    course = tmp_path_factory.mktemp("format-course")
    assign_nbgrader(LESSONS, course, feedback="format")
    nbgrader_cli(course, "generate_assignment", FAST, "--force")
    return course


def test_a_format_only_release_gives_format_feedback_and_autograde_uses_the_answer_key(format_course):
    release = format_course / "release" / FAST
    checks = (release / "checks.py").read_text()
    assert "def " not in checks and "format_only(" in checks, "the release's checks.py holds reference computations"
    probe = """
import json, sys
import numpy as np
from toylands.exercises import evaluate, CHECKS
g = np.array([-2.0, 3.0])  # any direction: the format-only check must not know the right one
right, wrong = evaluate("00.3", -g / np.linalg.norm(g), -3.6), evaluate("00.3", g / np.linalg.norm(g), 3.6)
print(json.dumps([right, wrong, evaluate("00.3", "north", 1.0), CHECKS["00.3"][1] is None]))
"""
    r = subprocess.run([sys.executable, "-c", probe], cwd=release, env=clean_env(), capture_output=True, text=True,
                       timeout=120)  # fmt: skip
    assert r.returncode == 0, r.stderr[-2000:]
    right, wrong, malformed, no_checker = json.loads(r.stdout.splitlines()[-1])
    assert right == wrong and right[0] and "the format is right" in right[1] and "graded when you hand in" in right[1]
    assert no_checker
    if SPECS["00.3"]["answer"][0] is not anything:  # a direction is a point: a word is not one
        assert not malformed[0] and "fastest should be" in malformed[1], malformed
    where = _exercise_cells(format_course)
    required = [k for k in where if SPECS[k]["kind"] != "challenge"]
    solved = cells(format_course / "source" / FAST / f"{FAST}.ipynb")
    second = required[1]  # right answers and one wrong but well formed: the hidden tests must know which is which
    _submit(format_course, "bob", {**{where[k]: None for k in required},
                                   where[second]: source(solved[where[second]]) + "\nminimum = [5.0, 5.0]"})  # fmt: skip
    tampered = "from toylands.exercises import exercise\nfor key in %r:\n    exercise(key, 'all right')(lambda *a: 'right')\n"
    (format_course / "submitted" / "bob" / FAST / "checks.py").write_text(tampered % list(where))  # a student's own key
    nbgrader_cli(format_course, "autograde", FAST, "--force")
    total = float(sum(SPECS[k]["points"] for k in required))
    assert _grades(format_course) == {"bob": (total - SPECS[second]["points"], total)}
    graded = format_course / "autograded" / "bob" / FAST / "checks.py"
    assert graded.read_text() == checks, "autograde puts the source's checks.py back over the student's"
