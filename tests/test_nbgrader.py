"""Grading with nbgrader, the real one: ``python -m toylands assign --nbgrader`` writes a course that nbgrader
releases without solutions and autogrades to the marks each submission deserves."""

import csv
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from toylands.exercises import BEGIN, END, assign_nbgrader

LESSONS = Path(__file__).resolve().parent.parent / "lessons"
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


def nbgrader_cli(course: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(course / ".jupyter"), "JUPYTER_DATA_DIR": str(course / ".data")}
    env.pop("TOYLANDS_STRICT", None)
    r = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course, env=env, capture_output=True, text=True,
                       timeout=900)  # fmt: skip
    assert r.returncode == 0, f"nbgrader {' '.join(args)} failed:\n{r.stdout[-3000:]}\n{r.stderr[-3000:]}"
    return r


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    course = tmp_path_factory.mktemp("course")
    written = assign_nbgrader(LESSONS, course)
    assert len(written) == len(NUMBERED)
    return course


def cells(path: Path) -> list[dict]:
    return json.loads(path.read_text())["cells"]


def solution_lines(source: str) -> list[str]:
    """The lines between the solution markers that a student must not see (lines a stub might also hold aside)."""
    out = []
    for block in re.findall(rf"{re.escape(BEGIN)}\n(.*?){re.escape(END)}", source, re.S):
        out += [line.strip() for line in block.splitlines() if len(line.strip()) > 12]
    return out


def test_every_lesson_is_released_by_nbgrader_without_its_solutions(course, monkeypatch):
    from nbgrader.apps import NbGraderAPI
    from traitlets.config import Config

    config = Config()
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
        hidden = solution_lines(lesson.read_text())
        narrative = _outside_solutions(lesson)
        shown = [line for line in hidden if line in text and text.count(line) > narrative.count(line)]
        assert not shown, f"{lesson.name}: the release shows solution lines {shown[:3]}"
        graded = [c for c in cells(release) if c["metadata"].get("nbgrader", {}).get("grade")]
        assert len(graded) >= 3 and all("graded=True" in "".join(c["source"]) for c in graded)


def _outside_solutions(lesson: Path) -> str:
    """The lesson without its solutions (the narrative may use the same code as a solution)."""
    return re.sub(rf"{re.escape(BEGIN)}.*?{re.escape(END)}", "", lesson.read_text(), flags=re.S)


def _submit(course: Path, student: str, nb_cells: list[dict]):
    folder = course / "submitted" / student / FAST
    folder.mkdir(parents=True, exist_ok=True)
    nb = json.loads((course / "release" / FAST / f"{FAST}.ipynb").read_text())
    nb["cells"] = nb_cells
    (folder / f"{FAST}.ipynb").write_text(json.dumps(nb, indent=1))


def test_submissions_autograde_to_the_marks_they_deserve(course):
    """Every answer right: full marks. One right, one wrong, one crashing, one left as the stub: one mark. An
    endless loop in one exercise: that exercise's mark lost, the rest kept. nbgrader export writes the gradebook."""
    nbgrader_cli(course, "generate_assignment", FAST, "--force")
    source = cells(course / "source" / FAST / f"{FAST}.ipynb")
    release = cells(course / "release" / FAST / f"{FAST}.ipynb")
    exercises = [i for i, c in enumerate(source) if c["metadata"]["nbgrader"]["grade_id"].startswith("exercise-")]
    assert len(exercises) == 4
    def answered(i, text=None):  # the release's cell i, with the teacher's solution (or ``text``) written in
        return {**release[i], "source": "".join(source[i]["source"]) if text is None else text}

    right = [answered(i) if i in exercises else c for i, c in enumerate(release)]  # every answer right
    _submit(course, "ada", right)
    first, second, third, _ = exercises
    partial = list(release)  # the fourth is left as nbgrader's stub
    partial[first] = answered(first)  # right
    partial[second] = answered(second, "".join(source[second]["source"]) + "\nminimum = [5.0, 5.0]")  # wrong
    partial[third] = answered(third, "fastest = 1 / 0")  # crashes
    _submit(course, "bob", partial)
    looping = list(right)
    looping[first] = answered(first, "while True:\n    pass")
    _submit(course, "cy", looping)
    nbgrader_cli(course, "autograde", FAST, "--force", "--Execute.timeout=15")
    nbgrader_cli(course, "export")
    with open(course / "grades.csv") as f:
        scores = {row["student_id"]: (float(row["score"]), float(row["max_score"])) for row in csv.DictReader(f)
                  if row["assignment"] == FAST}  # fmt: skip
    assert scores == {"ada": (4.0, 4.0), "bob": (1.0, 4.0), "cy": (3.0, 4.0)}, scores
    shutil.rmtree(course / "autograded", ignore_errors=True)
