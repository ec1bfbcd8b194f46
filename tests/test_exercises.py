"""The exercise machinery on small courses of its own: answer formats, finding a course's checks.py, checks that never
stop a Run All, time limits that are never silently off, student versions (self-study) and nbgrader sources."""

import io
import json
import math
import signal
import sys
import time
from contextlib import redirect_stdout
from pathlib import Path

import numpy as np
import pytest

import toylands as tl
from toylands import exercises as ex
from toylands.exercises import (AssignError, CourseError, ExerciseError, Wrong, anything, array, assign, check, count,
                                evaluate, exercise, format_only_source, function, landscape, load_course, nbgrader_notebook,
                                number, optimizer, out_of_date, point, same_word, word, words, yes_no)  # fmt: skip

COURSE = '''
from toylands.exercises import Wrong, exercise, number, point, word, function

@exercise("t.1", "a threshold", kind="predict", points=2, answer=number)
def _t1(threshold):
    if abs(threshold - 0.04) > 1e-9:
        raise Wrong("compare it with 2 / lambda_max")
    return "right."

@exercise("t.2", "a direction and a word", answer=(point(2), word(("min", "saddle"))))
def _t2(direction, kind):
    if kind != "saddle" or direction[0] <= 0:
        raise Wrong("look again")
    return "right."

@exercise("t.3", "your function", answer=function, seconds=0.5)
def _t3(fn):
    return f"it returned {fn()}"

@exercise("t.4", "a challenge", kind="challenge", points=3, answer=number)
def _t4(x):
    if x != 1:
        raise Wrong("no")
    return "right."
'''


@pytest.fixture(autouse=True)
def registry(monkeypatch):
    """Each test registers into a registry of its own, in an environment without strict mode or nbgrader."""
    for name in ("TOYLANDS_STRICT", "TOYLANDS_COURSE", "TOYLANDS_CHECK_SECONDS", "NBGRADER_EXECUTION"):
        monkeypatch.delenv(name, raising=False)
    saved = [dict(d) for d in (ex.CHECKS, ex.SPECS, ex._LOADED, ex._LAST)], sys.modules.get(ex.COURSE_MODULE)
    for d in (ex.CHECKS, ex.SPECS, ex._LAST):
        d.clear()
    ex._LOADED["path"] = None
    yield
    for d, old in zip((ex.CHECKS, ex.SPECS, ex._LOADED, ex._LAST), saved[0], strict=True):
        d.clear()
        d.update(old)
    if saved[1] is not None:
        sys.modules[ex.COURSE_MODULE] = saved[1]


def printed(fn, *args, **kw) -> str:
    out = io.StringIO()
    with redirect_stdout(out):
        fn(*args, **kw)
    return out.getvalue()


@pytest.fixture
def course(tmp_path):
    path = tmp_path / "course" / "checks.py"
    path.parent.mkdir()
    path.write_text(COURSE)
    load_course(path)
    return path


# ---------------------------------------------------------------------------------------------
# Answer formats


@pytest.mark.parametrize("fmt, good, bad", [
    (number, [0.04, 3, np.float64(2.5), np.array(1.5)], ["0.04", True, [1.0], float("nan"), None]),
    (count, [110, 110.0, np.int64(3)], [1.5, True, "3", float("inf")]),
    (yes_no, [True, np.bool_(False)], [1, "yes", None]),
    (point(2), [(1.0, 2.0), np.zeros(2), [1, 2]], [(1.0,), [1, 2, 3], "ab", [np.nan, 1.0], [[1, 2]]]),
    (array((None, 2)), [np.zeros((5, 2)), [[1, 2]]], [np.zeros((5, 3)), np.zeros(2), "x", [["a", "b"]]]),
    (array(), [np.zeros((2, 3, 4)), 1.0, [np.inf]], ["x", [[1, 2], [3]]]),
    (word(("min", "saddle")), ["min", " Saddle ", "SADDLE"], ["max", 1, ["min"]]),
    (word(), ["anything at all"], [1, None]),
    (words(3, ("converged", "resting")), [["converged", "resting", "converged"], ("resting",) * 3],
     [["converged"] * 2, "converged", ["converged", "resting", "moving"], [1, 2, 3]]),
    (function, [len, lambda: 1], [1, "f", int]),
    (landscape, [tl.bowl], [lambda p: p, "bowl"]),
    (optimizer, [tl.gd(0.1)], [0.1, "gd"]),
    (anything, [None, "x", 1], []),
])  # fmt: skip
def test_a_format_accepts_its_form_and_says_what_is_off_otherwise(fmt, good, bad):
    for value in good:
        fmt.check(value, "answer")
    for value in bad:
        with pytest.raises(Wrong, match=rf"^answer should be {__import__('re').escape(str(fmt))}; got "):
            fmt.check(value, "answer")


@pytest.mark.parametrize("fmt", [number, count, yes_no, point(3), array((None, 2)), array(), word(("a", "b")), word(),
                                 words(2, ("a", "b")), words(), function, landscape, optimizer, anything])  # fmt: skip
def test_a_format_is_written_back_as_the_code_that_makes_it(fmt):
    again = eval(repr(fmt), vars(ex))
    assert again == fmt and str(again) == str(fmt)


def test_format_messages_name_the_answer_and_show_what_came():
    with pytest.raises(Wrong, match=r"threshold should be a number; got 'abc'\."):
        number.check("abc", "threshold")
    with pytest.raises(Wrong, match=r"p should be a point with 2 coordinates, like \(1.0, 2.0\); got \[1, 2, 3\] \(shape \(3,\)\)\."):  # noqa: E501
        point(2).check([1, 2, 3], "p")
    with pytest.raises(ValueError, match=r"point\(dim\) must be a whole number >= 1; got 0"):
        point(0)
    with pytest.raises(ValueError, match="choices must be a list of words"):
        word("min")


# ---------------------------------------------------------------------------------------------
# Defining exercises


def test_an_exercise_declares_its_points_formats_and_time(course):
    spec = ex.SPECS["t.2"]
    assert spec["answer"] == (point(2), word(("min", "saddle"))) and spec["names"] == ("direction", "kind")
    assert ex.SPECS["t.1"]["points"] == 2 and ex.SPECS["t.3"]["seconds"] == 0.5 and ex.SPECS["t.4"]["kind"] == "challenge"


@pytest.mark.parametrize("kw, what", [
    ({"points": 0}, "points must be a whole number >= 1; got 0"),
    ({"points": 1.5}, "points must be a whole number"),
    ({"points": True}, "points must be a whole number"),
    ({"kind": "quiz"}, "kind must be one of"),
    ({"answer": (number, number)}, r"answer gives 2 format\(s\) but the checker takes 1 answer\(s\) \(x\)"),
    ({"answer": "number"}, "answer must be a format"),
    ({"seconds": 0}, "seconds=0 is not a time limit: give a positive number of seconds"),
    ({"seconds": float("inf")}, "is not a time limit"),
])  # fmt: skip
def test_a_definition_that_makes_no_sense_is_refused_at_once(kw, what):
    with pytest.raises(ValueError, match=what):

        @exercise("bad.1", "bad", **kw)
        def _(x):
            return "ok"


def test_a_course_exercise_cannot_be_replaced_by_accident_but_a_cell_can_be_run_again(course):
    with pytest.raises(ValueError, match="exercise 't.1' is already registered"):

        @exercise("t.1", "mine")
        def mine(x):
            return "ok"

    assert evaluate("t.1", 0.04)[0], "the course's checker is still the one used"
    for text in ("first", "second"):  # the same notebook cell, run twice
        exec(f"@exercise('mine.1', 'mine')\ndef again(x):\n    return {text!r}", {"exercise": exercise, "__name__": "__main__"})

    assert evaluate("mine.1", 1) == (True, "second")


# ---------------------------------------------------------------------------------------------
# Finding the course


def test_the_course_is_found_beside_the_notebook_or_up_to_two_folders_up(tmp_path, monkeypatch):
    (tmp_path / "checks.py").write_text(COURSE)
    deep = tmp_path / "lessons" / "solutions"
    deep.mkdir(parents=True)
    monkeypatch.chdir(deep)
    assert ex.find_course() == tmp_path / "checks.py"
    assert evaluate("t.1", 0.04) == (True, "right.")
    assert ex._LOADED["path"] == tmp_path / "checks.py"


def test_toylands_course_wins_and_must_name_a_file(tmp_path, monkeypatch):
    (tmp_path / "checks.py").write_text("raise RuntimeError('the wrong course was loaded')")
    (tmp_path / "key.py").write_text(COURSE)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TOYLANDS_COURSE", str(tmp_path / "key.py"))
    assert evaluate("t.1", 0.04)[0]
    monkeypatch.setenv("TOYLANDS_COURSE", str(tmp_path / "nowhere.py"))
    with pytest.raises(CourseError, match="TOYLANDS_COURSE=.*nowhere.py' is not a file"):
        ex.find_course()


def test_no_course_is_a_friendly_message_that_says_where_it_looked(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    text = printed(check, "t.1", 0.04)
    assert text.startswith("⚠ Exercise t.1 cannot be checked: the course's exercise definitions were not found")
    assert str(tmp_path / "checks.py") in text and "TOYLANDS_COURSE" in text and "beside this notebook" in text
    monkeypatch.setenv("TOYLANDS_STRICT", "1")
    with pytest.raises(CourseError):
        printed(check, "t.1", 0.04)


def test_a_broken_course_is_named_and_leaves_nothing_registered(tmp_path):
    path = tmp_path / "checks.py"
    path.write_text(COURSE + "\nimport no_such_module_here\n")
    with pytest.raises(CourseError, match=r"checks.py could not be loaded: ModuleNotFoundError"):
        load_course(path)
    assert not ex.CHECKS and ex.COURSE_MODULE not in sys.modules
    path.write_text(COURSE)  # fixed: it loads
    load_course(path)
    assert set(ex.CHECKS) == {"t.1", "t.2", "t.3", "t.4"}


def test_an_unknown_key_says_which_file_was_read(course):
    with pytest.raises(CourseError, match=r"no exercise '9.9' in .*checks.py; it defines t.1, t.2, t.3, t.4"):
        evaluate("9.9", 1)


# ---------------------------------------------------------------------------------------------
# Run All never stops


def test_check_prints_and_never_raises_outside_strict_mode_and_nbgrader(course):
    assert printed(check, "t.1", 0.04).startswith("✓ Exercise t.1 (a threshold): right.")
    assert printed(check, "t.1", 0.05).startswith("✗ Exercise t.1 (a threshold): compare it with 2 / lambda_max")
    assert printed(check, "t.1", 0.05, graded=True).startswith("✗"), "graded, but not under nbgrader: it only prints"
    assert printed(check, "t.1", ...).startswith("○ Exercise t.1 (a threshold): not answered yet")
    assert "threshold should be a number; got 'abc'" in printed(check, "t.1", "abc")


def test_a_graded_check_raises_under_nbgrader_and_in_strict_mode(course, monkeypatch):
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    printed(check, "t.1", 0.05)  # the visible check still only prints
    with pytest.raises(ExerciseError, match="exercise t.1: compare it"):
        printed(check, "t.1", 0.05, graded=True)
    with pytest.raises(ExerciseError, match="not answered yet"):
        printed(check, "t.1", ..., graded=True)
    printed(check, "t.1", 0.04, graded=True)
    monkeypatch.delenv("NBGRADER_EXECUTION")
    monkeypatch.setenv("TOYLANDS_STRICT", "1")
    with pytest.raises(ExerciseError):
        printed(check, "t.1", 0.05)


def test_a_graded_check_right_after_the_visible_one_does_not_run_the_checker_again(tmp_path, monkeypatch):
    calls = []

    @exercise("count.1", "counted")
    def _(x):
        calls.append(x)
        raise Wrong("no")

    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    answer = [1.0]
    printed(check, "count.1", answer)
    with pytest.raises(ExerciseError):
        printed(check, "count.1", answer, graded=True)
    assert len(calls) == 1
    with pytest.raises(ExerciseError):
        printed(check, "count.1", [1.0], graded=True)  # another answer: checked
    assert len(calls) == 2


def test_a_function_left_as_its_stub_is_not_answered_yet(course):
    def stub():
        raise NotImplementedError()

    assert evaluate("t.3", stub) == (False, "not answered yet: your function still raises NotImplementedError.")


class Custom(BaseException):
    pass


@pytest.mark.parametrize("raised, name", [(SystemExit(3), "SystemExit: 3"), (SystemExit(), "SystemExit"),
                                          (Custom("boom"), "Custom: boom"), (GeneratorExit(), "GeneratorExit"),
                                          (ZeroDivisionError("by zero"), "ZeroDivisionError: by zero")])  # fmt: skip
def test_whatever_an_answer_raises_is_its_feedback_and_the_kernel_lives_on(course, raised, name):
    def answer():
        raise raised

    assert evaluate("t.3", answer) == (False, f"your answer raised {name}")


def test_an_interrupt_still_interrupts(course):
    def answer():
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        evaluate("t.3", answer)


def test_a_missing_answer_in_ipython_is_a_friendly_message_not_a_name_error(course, monkeypatch):
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    ex._guard_names_in_ipython()
    ex._guard_names_in_ipython()  # once is enough
    assert sum(isinstance(t, ex._GuardNames) for t in shell.ast_transformers) == 1
    shell.user_ns.update(check=check)
    out = io.StringIO()
    with redirect_stdout(out):
        ok = shell.run_cell('check("t.1", threshold)').success
        shell.run_cell('check("t.1", 0.04)\nx = 1')
    assert ok and out.getvalue().startswith("○ Exercise t.1: `threshold` is not defined yet: write your answer in the "
                                            "cell above and run it, then this one.")  # fmt: skip
    assert "✓ Exercise t.1" in out.getvalue() and shell.user_ns["x"] == 1
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")  # graded: the cell must fail, to score nothing
    with redirect_stdout(io.StringIO()):
        result = shell.run_cell('check("t.1", threshold, graded=True)')
    assert isinstance(result.error_in_exec, NameError)
    shell.ast_transformers[:] = [t for t in shell.ast_transformers if not isinstance(t, ex._GuardNames)]


# ---------------------------------------------------------------------------------------------
# Time limits: never silently off, scaled to the check


@pytest.mark.parametrize("value", ["0", "-1", "nan", "inf", "ten", "1e400"])
def test_a_time_limit_that_is_not_a_positive_number_of_seconds_is_refused_clearly(course, monkeypatch, value):
    monkeypatch.setenv("TOYLANDS_CHECK_SECONDS", value)
    with pytest.raises(CourseError, match=rf"TOYLANDS_CHECK_SECONDS='{value}' is not a time limit: give a positive "
                                          "number of seconds"):  # fmt: skip
        ex.time_limit_seconds("t.1")
    assert "TOYLANDS_CHECK_SECONDS" in printed(check, "t.1", 0.04), "check says so, and does not raise"


def test_the_limit_is_the_exercises_own_unless_the_environment_says_otherwise(course, monkeypatch):
    assert ex.time_limit_seconds("t.1") == ex.TIME_LIMIT == 60 and ex.time_limit_seconds("t.3") == 0.5
    monkeypatch.setenv("TOYLANDS_CHECK_SECONDS", " 2.5 ")
    assert ex.time_limit_seconds("t.1") == ex.time_limit_seconds("t.3") == 2.5


def test_a_check_that_runs_too_long_is_stopped_with_what_to_do(course):
    def endless():
        while True:
            pass

    t = time.perf_counter()
    ok, message = evaluate("t.3", endless)  # its own budget: 0.5 s
    assert time.perf_counter() - t < 5
    assert not ok and message == ("the check ran out of time after 0.5 s; your function may never return (an endless "
                                  "loop?), or the machine may be busy: run the cell again, or set TOYLANDS_CHECK_SECONDS "
                                  "to a larger limit")  # fmt: skip
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0), "the alarm is switched off again"


# ---------------------------------------------------------------------------------------------
# Format-only courses


def test_a_format_only_course_checks_the_form_alone_and_refuses_to_grade(course, tmp_path, monkeypatch):
    text = format_only_source(["t.1", "t.2", "t.4"])
    assert "def " not in text and "0.04" not in text
    fmt = tmp_path / "format" / "checks.py"
    fmt.parent.mkdir()
    fmt.write_text(text)
    ex.CHECKS.clear(), ex.SPECS.clear()
    load_course(fmt)
    assert set(ex.CHECKS) == {"t.1", "t.2", "t.4"} and ex.SPECS["t.1"]["points"] == 2 and ex.SPECS["t.4"]["kind"] == "challenge"
    right, wrong = evaluate("t.2", (1.0, 0.0), "saddle"), evaluate("t.2", (-1.0, 0.0), "min")
    assert right == wrong == (True, "the format is right (direction: a point with 2 coordinates, like (1.0, 2.0); "
                                    "kind: one of the words 'min', 'saddle'); it is graded when you hand in.")  # fmt: skip
    assert evaluate("t.1", 0.05) == (True, "the format is right (a number); it is graded when you hand in.")
    assert evaluate("t.2", (1.0, 0.0), "max") == (False, "kind should be one of the words 'min', 'saddle'; got 'max', a "
                                                         "spelling this exercise does not know (case, spaces, '-' and '_' "
                                                         "do not matter).")  # fmt: skip
    assert printed(check, "t.1", 0.05).startswith("• Exercise t.1 (a threshold): the format is right")
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    with pytest.raises(CourseError, match="holds only the answers' formats, so it cannot grade: set TOYLANDS_COURSE"):
        printed(check, "t.1", 0.04, graded=True)


# ---------------------------------------------------------------------------------------------
# Student versions


def notebook(*cells) -> dict:
    return {"nbformat": 4, "nbformat_minor": 5, "metadata": {"kernelspec": {"name": "python3", "language": "python"}},
            "cells": [{"cell_type": t, "id": f"c{i}", "metadata": {}, "source": s, **({"outputs": [], "execution_count": None}
                       if t == "code" else {})} for i, (t, s) in enumerate(cells)]}  # fmt: skip


LESSON = notebook(
    ("markdown", "# A lesson"),
    ("code", "from toylands.exercises import check, predict"),
    ("code", "### BEGIN SOLUTION\nmy_prediction = 0.04\n### END SOLUTION\npredict('t.1', my_prediction)"),
    ("code", "### BEGIN SOLUTION\nlam = 50.0\nthreshold = 2 / lam\n### END SOLUTION\ncheck('t.1', threshold)"),
    ("code", "### BEGIN SOLUTION\ndirection, kind = (1.0, 0.0), 'saddle'\n### END SOLUTION\nnote = 1\n"
             "check('t.2', direction, kind)"),
    ("code", "### BEGIN SOLUTION\ndef fn():\n    return 3\n### END SOLUTION\ncheck('t.3', fn)"),
    ("code", "### BEGIN SOLUTION\nx = 1\n### END SOLUTION\ncheck('t.4', x)"),
)


@pytest.fixture
def lessons(tmp_path, course):
    src = tmp_path / "lessons" / "solutions"
    src.mkdir(parents=True)
    (src / "01-a.ipynb").write_text(json.dumps(LESSON))
    (src / "LICENSE.md").write_text("CC-BY")
    (tmp_path / "lessons" / "checks.py").write_text(course.read_text())
    return src


def sources(path: Path) -> list[tuple[str, str]]:
    return [(c["cell_type"], "".join(c["source"])) for c in json.loads(path.read_text())["cells"]]


def test_self_study_versions_keep_the_names_and_offer_each_solution_collapsed(lessons, tmp_path):
    out = tmp_path / "student"
    assert assign(lessons, out, self_study=True) == [out / "01-a.ipynb"]
    cells = sources(out / "01-a.ipynb")
    assert cells[2] == ("code", "my_prediction = ...  # YOUR CODE HERE\npredict('t.1', my_prediction)")
    assert cells[3] == ("code", "threshold = ...  # YOUR CODE HERE\ncheck('t.1', threshold)")
    assert cells[4] == ("markdown", "<details>\n<summary>Show a solution (try first)</summary>\n\n```python\nlam = 50.0\n"
                                    "threshold = 2 / lam\n```\n\n</details>")  # fmt: skip
    assert [t for t, _ in cells] == ["markdown", "code", "code", "code", "markdown", "code", "markdown", "code", "markdown",
                                     "code", "markdown"], "a solution after each check, none after the prediction"  # fmt: skip
    assert "def fn():\n    # YOUR CODE HERE\n    raise NotImplementedError()" in cells[7][1]
    ids = [c["id"] for c in json.loads((out / "01-a.ipynb").read_text())["cells"]]
    assert ids[4] == "c3-solution" and len(set(ids)) == len(ids)
    assert (out / "checks.py").read_text() == (lessons.parent / "checks.py").read_text(), "the course's checks.py comes along"
    assert not any("Show a solution" in s for _, s in sources(assign(lessons, tmp_path / "plain", force=True)[0]))


def test_the_student_folder_may_be_the_parent_of_the_sources_but_nothing_lands_inside_them(lessons):
    parent = lessons.parent
    before = {p: p.read_bytes() for p in parent.rglob("*") if p.is_file()}
    assign(lessons, parent, self_study=True)
    assert (parent / "01-a.ipynb").exists() and (parent / "LICENSE.md").read_text() == "CC-BY"
    assert all(p.read_bytes() == b for p, b in before.items()), "a source (or the course's checks.py) was changed"
    (lessons / "solutions").mkdir()
    (lessons / "solutions" / "01-b.ipynb").write_text(json.dumps(LESSON))  # it would be written to lessons/solutions/
    with pytest.raises(AssignError, match="would land inside the lessons folder"):
        assign(lessons, parent, self_study=True, force=True)
    with pytest.raises(AssignError, match="overwrite the teacher's solutions"):
        assign(lessons, lessons / "out", self_study=True)


def test_out_of_date_lists_what_assign_would_change(lessons, tmp_path):
    out = tmp_path / "student"
    assert out_of_date(lessons, out, self_study=True) == [out / "01-a.ipynb", out / "LICENSE.md", out / "checks.py"]
    assign(lessons, out, self_study=True)
    assert out_of_date(lessons, out, self_study=True) == []
    assert out_of_date(lessons, out) == [out / "01-a.ipynb"], "the plain version has no solution cells"
    nb = json.loads((lessons / "01-a.ipynb").read_text())
    nb["cells"][0]["source"] = "# A lesson, edited"
    (lessons / "01-a.ipynb").write_text(json.dumps(nb))
    (out / "99-gone.ipynb").write_text(json.dumps(LESSON))
    assert out_of_date(lessons, out, self_study=True) == [out / "01-a.ipynb", out / "99-gone.ipynb"]


def test_a_solution_without_its_end_marker_is_refused_by_both_versions(lessons, tmp_path):
    broken = notebook(("code", "### BEGIN SOLUTION\nthreshold = 0.04\ncheck('t.1', threshold)"))
    (lessons / "02-b.ipynb").write_text(json.dumps(broken))
    with pytest.raises(AssignError, match=r"02-b.ipynb: cell 0: unbalanced"):
        assign(lessons, tmp_path / "student")
    with pytest.raises(AssignError, match=r"02-b.ipynb: cell 0: unbalanced"):
        ex.assign_nbgrader(lessons, tmp_path / "nbgrader")
    assert not (tmp_path / "student").exists() and not (tmp_path / "nbgrader").exists()


# ---------------------------------------------------------------------------------------------
# nbgrader sources


def test_an_nbgrader_source_keeps_the_names_hides_the_graded_check_and_takes_points_from_the_definitions(course):
    nb = nbgrader_notebook(LESSON, "01-a")
    meta = [c["metadata"]["nbgrader"] for c in nb["cells"]]
    text = ["".join(c["source"]) for c in nb["cells"]]
    assert text[2].startswith("my_prediction = ...  # YOUR CODE HERE\n### BEGIN SOLUTION") and not meta[2]["grade"]
    assert text[3] == "threshold = ...  # YOUR CODE HERE\n### BEGIN SOLUTION\nlam = 50.0\nthreshold = 2 / lam\n### END SOLUTION"
    assert meta[3]["solution"] and not meta[3]["grade"]
    assert text[4] == ("check('t.1', threshold)\n### BEGIN HIDDEN TESTS\ncheck('t.1', threshold, graded=True)\n"
                       "### END HIDDEN TESTS")  # fmt: skip
    assert meta[4]["grade"] and meta[4]["locked"] and meta[4]["points"] == 2
    assert text[5].endswith("### END SOLUTION\nnote = 1"), "code between the solution and its check stays with the solution"
    challenge = [(t, m) for t, m in zip(text, meta, strict=True) if t.startswith("check('t.4'")]
    assert challenge == [("check('t.4', x)", {**challenge[0][1], "grade": False, "locked": True})]
    assert sum(m.get("points", 0) for m in meta if m["grade"]) == 2 + 1 + 1, "the challenge is not in max_score"


def test_a_slow_check_gets_a_cell_time_under_nbgrader_that_fits_its_budget(lessons, tmp_path):
    (lessons.parent / "checks.py").write_text(COURSE.replace("seconds=0.5", "seconds=300.5"))
    ex.assign_nbgrader(lessons, tmp_path / "nbgrader")
    assert "c.Execute.timeout = 361\n" in (tmp_path / "nbgrader" / "nbgrader_config.py").read_text()


def test_an_nbgrader_course_carries_the_answer_key_and_the_feedback_asked_for(lessons, tmp_path):
    ex.assign_nbgrader(lessons, tmp_path / "full")
    ex.assign_nbgrader(lessons, tmp_path / "format", feedback="format")
    key = (lessons.parent / "checks.py").read_text()
    for name in ("full", "format"):
        assert (tmp_path / name / "answer_key" / "checks.py").read_text() == key
        config = (tmp_path / name / "nbgrader_config.py").read_text()
        assert 'os.environ["TOYLANDS_COURSE"]' in config and '"answer_key", "checks.py"' in config
        assert "c.Execute.timeout = 180\n" in config, "the default cell time: the course's budgets are all small"
    assert (tmp_path / "full" / "source" / "01-a" / "checks.py").read_text() == key
    released = (tmp_path / "format" / "source" / "01-a" / "checks.py").read_text()
    assert released == format_only_source(["t.1", "t.2", "t.3", "t.4"]) and "0.04" not in released
    with pytest.raises(AssignError, match="feedback must be one of full, format; got 'none'"):
        ex.assign_nbgrader(lessons, tmp_path / "x", feedback="none")
    assert math.isfinite(ex.TIME_LIMIT)


def test_a_missing_value_is_named_as_such():
    """None is what a record holds when a run never got there (generalized_at): say that, not only the form."""
    from toylands.exercises import Wrong, count

    with pytest.raises(Wrong, match="grok_step should be a whole number; got None, a value that was never set"):
        count.check(None, "grok_step")


# ---------------------------------------------------------------------------------------------
# Feedback a student will not trip on (issue 22, class 5)


def test_a_whole_number_written_as_a_float_is_a_count():
    @exercise("c.1", "a grok step", answer=count)
    def _c1(step):
        return f"step {int(step)}."

    assert evaluate("c.1", 110.0) == (True, "step 110.")
    assert evaluate("c.1", 110.5) == (False, "step should be a whole number; got 110.5.")


def test_an_unknown_spelling_of_a_word_is_told_as_such_with_the_allowed_words():
    @exercise("w.1", "the best method", answer=word(("L-BFGS", "Adam", "GD")))
    def _w1(best):
        same_word(best, {"L-BFGS"}, "best", "read the table's lowest median.")
        return "right."

    @exercise("w.2", "the best method, any word", answer=word())
    def _w2(best):
        same_word(best, {"L-BFGS"}, "best", "read the table's lowest median.", known=("L-BFGS", "Adam", "GD"))
        return "right."

    assert evaluate("w.1", "l_bfgs") == evaluate("w.2", " L BFGS ") == (True, "right.")
    assert evaluate("w.1", "lbfgs") == evaluate("w.2", "LBFGS") == (True, "right.")  # as the message says: '-' does not matter
    assert evaluate("w.1", "bfgs") == (False, "best should be one of the words 'L-BFGS', 'Adam', 'GD'; got 'bfgs', a "
                                              "spelling this exercise does not know (case, spaces, '-' and '_' do not "
                                              "matter).")  # fmt: skip
    assert evaluate("w.2", "bfgs") == (False, "best = 'bfgs' is a spelling this exercise does not know: write one of "
                                              "'L-BFGS', 'Adam', 'GD' (case, spaces, '-' and '_' do not matter).")  # fmt: skip
    assert evaluate("w.2", "adam") == (False, "best = 'adam' is not right: read the table's lowest median.")


def test_close_says_how_far_off_only_coarsely_so_that_bisection_finds_nothing():
    """Within ten times the answer the feedback names no direction: a student who halves the interval on "too large"
    and "too small" learns nothing, and the messages for values on either side of the answer are the same."""
    from toylands.exercises import close

    def said(v, target=0.45, rel=0.01):
        try:
            close(v, target, rel, "b2", "measure it.")
        except Wrong as e:
            return str(e).replace(f"{v:.4g}", "v")
        return "right"

    assert said(0.4525) == "right"
    near = {said(v) for v in (0.05, 0.2, 0.44, 0.46, 0.9, 4.4)}
    assert near == {"b2 = v is not within 1% of the right value: measure it."}
    assert said(0.04) == "b2 = v is far off (more than ten times too small): measure it."
    assert said(5.0) == "b2 = v is far off (more than ten times too large): measure it."
    assert said(-0.45) == "b2 = v has the wrong sign: measure it."
    assert said(0.3, rel=1e-9) == "b2 = v does not agree with the right value to about 9 digits: measure it."
    assert said(float("nan")) == "b2 is not finite: measure it."
