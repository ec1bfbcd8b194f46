"""Exercises that check themselves, and the student versions of a course.

In a lesson, an exercise is a solution between ``### BEGIN SOLUTION`` and ``### END SOLUTION``
(nbgrader's markers), followed by ``check("02.1", threshold)``. The check says what is off and where
to look, never the answer; it only prints (Run All never stops), unless ``TOYLANDS_STRICT=1`` (CI)
or, for ``check(..., graded=True)``, nbgrader's own execution (``NBGRADER_EXECUTION``).

This module is the machinery. A course's exercises live with its lessons, in a ``checks.py`` that
``check`` finds the first time it meets a key it does not know: ``TOYLANDS_COURSE`` (a path), else
``checks.py`` in the working folder, its parent or its grandparent. A definition is one function::

    from toylands.exercises import exercise, Wrong, number

    @exercise("my.1", "the stability threshold", points=2, answer=number)
    def _(threshold):
        if abs(threshold - 0.04) > 1e-6:
            raise Wrong("compare the learning rate with 2 / lambda_max")
        return "right: the steep direction sets the limit."

``python -m toylands assign [--self-study] LESSONS OUTDIR`` writes the student versions (every solution
block becomes a stub that keeps the names: ``threshold = ...  # YOUR CODE HERE``), and
``python -m toylands assign --nbgrader [--feedback format] LESSONS COURSE`` an nbgrader course.
"""

from __future__ import annotations

import ast
import contextlib
import importlib.util
import inspect
import json
import math
import os
import re
import signal
import sys
import threading
from pathlib import Path

import numpy as np

from ._files import OutputError, _content, write_files

__all__ = ["check", "evaluate", "predict", "exercise", "format_only", "Wrong", "close", "same_word", "ExerciseError",
           "CourseError", "AssignError", "strict", "audit", "load_course", "find_course", "time_limit_seconds",
           "Format", "number", "count", "yes_no", "point", "array", "word", "words", "function", "landscape",
           "optimizer", "anything", "format_only_source", "assign", "out_of_date", "assign_nbgrader",
           "nbgrader_notebook", "student_notebook", "student_source", "CHECKS", "SPECS", "TIME_LIMIT"]  # fmt: skip

BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
CHECKS: dict = {}
#: How each exercise is registered: kind, points, answer formats, argument names, time budget, choices, wrong answers.
SPECS: dict = {}
#: The predictions written down with ``predict``, by exercise.
PREDICTIONS: dict = {}
#: The last answers each exercise was checked with (so that a test can audit the feedback of a run lesson).
ANSWERS: dict = {}
KINDS = ("predict", "measure", "explain", "challenge")
#: Seconds a check may take before it is stopped (a student's endless loop), unless its definition gives its own
#: ``seconds``; the environment variable TOYLANDS_CHECK_SECONDS overrides both.
TIME_LIMIT = 60.0
#: The name of a course's file of exercise definitions, and the module name it is loaded under.
COURSE_FILE, COURSE_MODULE = "checks.py", "toylands_course"


class ExerciseError(AssertionError):
    """A wrong (or missing) answer, raised in strict mode or by a graded check under nbgrader."""


class Wrong(Exception):
    """Raised inside a checker (or by an answer format): the message says what is off and how to think about it."""


class CourseError(LookupError):
    """An exercise that cannot be checked as things are set up: no course found, an unknown key, a setting not
    understood. ``check`` prints it (and raises it only where a wrong answer would raise)."""


class AssignError(OutputError):
    """Student versions that cannot be written as asked (nothing is written then)."""


_TRUE, _FALSE = ("1", "true", "yes", "on"), ("", "0", "false", "no", "off")


def strict() -> bool:
    """Whether ``TOYLANDS_STRICT`` asks wrong answers to raise: 1/true/yes/on, or 0/false/no/off/unset."""
    raw = os.environ.get("TOYLANDS_STRICT", "")
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ValueError(
        f"TOYLANDS_STRICT={raw!r} is not understood: set it to 1 (or true, yes, on) for checks that raise on a "
        "wrong answer, or 0 (false, no, off) or leave it unset for checks that only print"
    )


def _grading() -> bool:
    """Whether nbgrader itself is executing the notebook (autograde or validate): graded checks raise then."""
    return bool(os.environ.get("NBGRADER_EXECUTION"))


### answer formats: what form an answer takes, checked before (or, in a format-only course, instead of) the checker


def _shown(value) -> str:
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape}"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _norm(word: str) -> str:
    """A word as answers compare it: case, spaces, ``-`` and ``_`` do not matter ("lbfgs" is "L-BFGS")."""
    return re.sub(r"[\s_-]+", "", str(word).lower())


class Format:
    """The form of one answer (a number, a point, one of some words ...): ``check(value, what)`` raises ``Wrong``
    saying what is off (``threshold should be a number; got 'abc'``), ``str()`` describes it (``a number``) and
    ``repr()`` is the code that makes it again (``point(2)``), so that a format-only checks.py can be written."""

    def __init__(self, name: str, description: str, test, args: tuple | None = None):
        """``args``: the arguments of the function ``name`` that makes this format, or None for a format that is an
        object of its own (``number``)."""
        self.name, self.description, self._test, self.args = name, description, test, args

    def check(self, value, what: str = "the answer") -> None:
        """Raise ``Wrong`` unless ``value`` has this form (``what`` names it in the message)."""
        problem = self._test(value)
        if problem and value is None:
            raise Wrong(f"{what} should be {self.description}; got None, a value that was never set (a run that never "
                        "got there, such as a record's generalized_at, or a function that returns nothing).")
        if problem:
            raise Wrong(f"{what} should be {self.description}; got {_shown(value)}{problem if isinstance(problem, str) else ''}.")

    def __str__(self) -> str:
        return self.description

    def __repr__(self) -> str:
        return self.name if self.args is None else f"{self.name}({', '.join(map(repr, self.args))})"

    def __eq__(self, other) -> bool:
        return isinstance(other, Format) and repr(self) == repr(other)

    def __hash__(self) -> int:
        return hash(repr(self))


def _not_a_number(v) -> bool:
    if isinstance(v, (str, bytes, bool, np.bool_)) or np.ndim(v) != 0:
        return True
    try:
        return not math.isfinite(float(v))
    except (TypeError, ValueError):
        return True


def _not_numbers(v, shape, finite: bool):
    if isinstance(v, (str, bytes)):
        return True
    try:
        a = np.asarray(v, dtype=float)
    except (TypeError, ValueError):
        return True
    if shape is not None and (a.ndim != len(shape) or any(n is not None and n != m for n, m in zip(shape, a.shape, strict=True))):
        return f" (shape {a.shape})" if not isinstance(v, np.ndarray) else True
    return finite and not np.all(np.isfinite(a))


def _isinstance_of(module: str, name: str):
    def test(v):
        return not isinstance(v, getattr(importlib.import_module(module), name))

    return test


number = Format("number", "a number", _not_a_number)
count = Format("count", "a whole number", lambda v: _not_a_number(v) or not float(v).is_integer())
yes_no = Format("yes_no", "True or False", lambda v: not isinstance(v, (bool, np.bool_)))
function = Format("function", "a function", lambda v: not callable(v) or isinstance(v, type))
landscape = Format("landscape", "a tl.Landscape", _isinstance_of("toylands.landscape", "Landscape"))
optimizer = Format("optimizer", "an optimizer (such as tl.gd(0.1))", _isinstance_of("toylands.optim", "Optimizer"))
anything = Format("anything", "anything", lambda v: False)


def point(dim: int) -> Format:
    """A point with ``dim`` finite coordinates, like ``(1.0, 2.0)``."""
    _whole(dim, "point(dim)")
    example = "(" + ", ".join(f"{k + 1}.0" for k in range(min(dim, 3))) + (", ..." if dim > 3 else "") + ")"
    return Format("point", f"a point with {dim} coordinates, like {example}", lambda v: _not_numbers(v, (dim,), True), (dim,))


def array(shape: tuple | None = None) -> Format:
    """An array of numbers, of ``shape`` if given (``None`` in it: any length along that axis)."""
    if shape is not None:
        shape = tuple(shape)
        for n in shape:
            if n is not None:
                _whole(n, "array(shape)", low=0)
    described = "an array of numbers" + (f" of shape {shape}".replace("None", "any") if shape is not None else "")
    return Format("array", described, lambda v: _not_numbers(v, shape, False), (shape,) if shape is not None else ())


def _words_described(choices) -> str:
    return ", ".join(repr(c) for c in choices)


def word(choices=None) -> Format:
    """A word (a str), one of ``choices`` if given (compared without case, spaces, ``-`` or ``_`` mattering)."""
    choices = _choices(choices)
    allowed = {_norm(c) for c in choices or ()}

    def test(v):
        if not isinstance(v, str):
            return True
        if allowed and _norm(v) not in allowed:
            return ", a spelling this exercise does not know (case, spaces, '-' and '_' do not matter)"
        return False

    described = f"one of the words {_words_described(choices)}" if choices else "a word (a str)"
    return Format("word", described, test, (choices,) if choices else ())


def words(n: int | None = None, choices=None) -> Format:
    """A list of ``n`` words (any number if ``None``), each one of ``choices`` if given."""
    if n is not None:
        _whole(n, "words(n)")
    choices = _choices(choices)
    one = word(choices)

    def test(v):
        if isinstance(v, (str, bytes)) or not isinstance(v, (list, tuple, np.ndarray)) or n is not None and len(v) != n:
            return True
        return any(one._test(w) for w in v)

    described = f"a list of {n if n is not None else 'some'} words"
    described += f", each one of {_words_described(choices)}" if choices else ""
    return Format("words", described, test, (n, choices) if choices else (n,) if n is not None else ())


def _whole(n, what: str, low: int = 1) -> None:
    if isinstance(n, (bool, np.bool_)) or not isinstance(n, (int, np.integer)) or n < low:
        raise ValueError(f"{what} must be a whole number >= {low}; got {n!r}")


def _choices(choices) -> tuple | None:
    if choices is None:
        return None
    if isinstance(choices, str) or not all(isinstance(c, str) for c in choices) or not choices:
        raise ValueError(f"choices must be a list of words (str); got {choices!r}")
    return tuple(choices)


def _formats(answer, names: tuple | None, key: str) -> tuple:
    """``answer`` (None, one Format, or one per argument) as a tuple of Formats, one per argument in ``names``."""
    if answer is None:
        return (anything,) * len(names) if names is not None else ()
    single = isinstance(answer, Format)
    formats = (answer,) if single else tuple(answer) if isinstance(answer, (tuple, list)) else None
    if formats is None or not all(isinstance(f, Format) for f in formats):
        raise ValueError(f"exercise {key!r}: answer must be a format (number, point(2), word(...), ...) or a tuple of "
                         f"them, one per argument of the checker; got {answer!r}")  # fmt: skip
    if names is not None and len(formats) != len(names):
        if single and answer is anything:
            return (anything,) * len(names)
        raise ValueError(f"exercise {key!r}: answer gives {len(formats)} format(s) but the checker takes {len(names)} "
                         f"answer(s) ({', '.join(names)}): give one format per argument")  # fmt: skip
    return formats


def _argument_names(fn) -> tuple | None:
    """The names of a checker's answers, or None when it takes any number (``*answers``)."""
    try:
        params = list(inspect.signature(fn).parameters.values())
    except (TypeError, ValueError):
        return None
    if any(p.kind is p.VAR_POSITIONAL for p in params):
        return None
    return tuple(p.name for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD))


### registering exercises


def _positive_seconds(value, what: str) -> float:
    """``value`` as a positive, finite number of seconds, or a ValueError naming ``what`` and what is allowed."""
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        seconds = math.nan
    if isinstance(value, (bool, np.bool_)) or not (math.isfinite(seconds) and seconds > 0):
        raise ValueError(f"{what}={value!r} is not a time limit: give a positive number of seconds (e.g. 120); "
                         "a check always has a limit, so that an endless loop cannot hang the notebook")  # fmt: skip
    return seconds


def _register(key, title, fn, *, kind, points, answer, names, seconds, replace, module, choices=None, wrong=None,
              unique=True, format_only=False):  # fmt: skip
    if not isinstance(key, str) or not key:
        raise ValueError(f"an exercise's key must be a non-empty str, like '02.1'; got {key!r}")
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}; got {kind!r}")
    if isinstance(points, (bool, np.bool_)) or not isinstance(points, (int, np.integer)) or points < 1:
        raise ValueError(f"exercise {key!r}: points must be a whole number >= 1; got {points!r}")
    if seconds is not None:
        seconds = _positive_seconds(seconds, f"exercise {key!r}: seconds")
    formats = _formats(answer, names, key)
    if key in CHECKS and not replace:
        old = SPECS[key]
        rerun = (old["module"], old["qualname"]) == (module, getattr(fn, "__qualname__", None))
        if old["module"] == COURSE_MODULE and module != COURSE_MODULE or not rerun and module != COURSE_MODULE:
            raise ValueError(
                f"exercise {key!r} is already registered ({CHECKS[key][0]!r}): choose another id, "
                "or pass replace=True to replace it on purpose"
            )
    CHECKS[key] = (title, fn)
    SPECS[key] = {"kind": kind, "points": int(points), "answer": formats, "names": names, "seconds": seconds,
                  "choices": _choices(choices), "wrong": wrong, "unique": unique, "format_only": format_only,
                  "module": module, "qualname": getattr(fn, "__qualname__", None)}  # fmt: skip


def exercise(key: str, title: str, *, kind: str = "measure", points: int = 1, answer=None, seconds: float | None = None,
             choices=None, wrong=None, unique: bool = True, replace: bool = False):  # fmt: skip
    """Register a checker ``fn(*answers)`` for exercise ``key``: it returns a message when right, raises ``Wrong`` when not.

    - ``kind``: what the exercise asks: ``predict`` then check, ``measure``, ``explain`` (or transfer), or an
      optional ``challenge`` (never graded, not in nbgrader's ``max_score``).
    - ``points``: what the exercise is worth in nbgrader (a whole number >= 1; ignored for a challenge).
    - ``answer``: the form of the answer, one format per argument of the checker (``(point(2), number)``; a single
      format for one argument). It is checked before the checker runs, and is all that a format-only course checks.
      Default: ``anything``.
    - ``seconds``: how long the check may run (default ``TIME_LIMIT``, 60 s): more for a check that trains a network.
    - ``choices`` lists the allowed words of a word answer; ``wrong(*answers)`` returns wrong answers (tuples of
      arguments) with which ``audit`` tests the feedback, where the generic ones do not fit; ``unique=False`` says
      that many answers are right (any learning rate that converges), so no one value is *the* answer.

    An id that is taken stays taken, so that a teacher's exercise cannot silently replace one of the course's:
    choose another id, or pass ``replace=True`` to replace it on purpose. Running the same notebook cell again
    (the same function redefined) is fine.
    """

    def register(fn):
        _register(key, title, fn, kind=kind, points=points, answer=answer, names=_argument_names(fn),
                  seconds=seconds, replace=replace, module=getattr(fn, "__module__", None), choices=choices,
                  wrong=wrong, unique=unique)  # fmt: skip
        return fn

    if kind not in KINDS:  # say so at once, not when the function comes
        raise ValueError(f"kind must be one of {KINDS}; got {kind!r}")
    return register


def format_only(key: str, title: str, *, kind: str = "measure", points: int = 1, answer=None, names=None,
                seconds: float | None = None) -> None:  # fmt: skip
    """Register exercise ``key`` without its reference answer: its check says only whether the answer has the form
    ``answer`` (one format per name in ``names``). What ``format_only_source`` writes, for a graded assignment whose
    ``check()`` must not be an oracle."""
    names = tuple(names) if names is not None else None
    _register(key, title, None, kind=kind, points=points, answer=answer, names=names, seconds=seconds, replace=False,
              module=COURSE_MODULE, format_only=True)  # fmt: skip


def format_only_source(keys=None) -> str:
    """The text of a checks.py that registers the exercises ``keys`` (default: all registered) with their titles,
    kinds, points and answer formats, but no reference computation (``format_only``)."""
    keys = sorted(CHECKS) if keys is None else list(keys)
    used = sorted({f.name for k in keys for f in SPECS[k]["answer"]} | {"format_only"})
    lines = [
        '"""The course\'s exercises without their answers: check() says only whether an answer has the right form',
        "(a number, a point, ...); it is graded when you hand it in. Written by python -m toylands assign --nbgrader",
        '--feedback format."""',
        "",
        f"from toylands.exercises import {', '.join(used)}",
        "",
    ]
    for k in keys:
        title, s = CHECKS[k][0], SPECS[k]
        answer = s["answer"][0] if len(s["answer"]) == 1 else s["answer"]
        extra = f", seconds={s['seconds']!r}" if s["seconds"] else ""
        lines.append(f"format_only({k!r}, {title!r}, kind={s['kind']!r}, points={s['points']}, answer={answer!r}, "
                     f"names={s['names']!r}{extra})")  # fmt: skip
    return "\n".join(lines) + "\n"


### finding the course's definitions

#: The course file loaded in this process (None until one is).
_LOADED: dict = {"path": None}


def _course_candidates(start=None) -> list[Path]:
    here = Path(start) if start is not None else Path.cwd()
    return [folder / COURSE_FILE for folder in (here, *list(here.parents)[:2])]


def find_course(start=None) -> Path:
    """The course's checks.py: ``TOYLANDS_COURSE`` if set, else ``checks.py`` in ``start`` (default: the working
    folder), its parent or its grandparent. A ``CourseError`` says where it looked when there is none."""
    env = os.environ.get("TOYLANDS_COURSE", "").strip()
    if env:
        path = Path(env).expanduser()
        if not path.is_file():
            raise CourseError(f"TOYLANDS_COURSE={env!r} is not a file: set it to the path of the course's checks.py, "
                              "or unset it to use the checks.py beside this notebook")  # fmt: skip
        return path
    tried = _course_candidates(start)
    for path in tried:
        if path.is_file():
            return path
    raise CourseError(
        f"the course's exercise definitions were not found: looked for {', '.join(str(p) for p in tried)}. Download "
        "checks.py from the course and put it beside this notebook, or set TOYLANDS_COURSE to its path."
    )


def load_course(path=None) -> Path:
    """Run the course's checks.py (``path``, or ``find_course()``) as the module ``toylands_course``, which registers
    its exercises. Returns its path; a ``CourseError`` names the file when it fails (nothing of it stays registered)."""
    path = Path(path) if path is not None else find_course()
    before = set(CHECKS)
    spec = importlib.util.spec_from_file_location(COURSE_MODULE, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[COURSE_MODULE] = module
    try:
        spec.loader.exec_module(module)
    except Exception as e:
        sys.modules.pop(COURSE_MODULE, None)
        for key in set(CHECKS) - before:
            CHECKS.pop(key), SPECS.pop(key)
        raise CourseError(f"the course's exercise definitions in {path} could not be loaded: {type(e).__name__}: {e}") from e
    _LOADED["path"] = path
    return path


def _ensure(key: str) -> None:
    """Load the course the first time an unknown key is met; a CourseError if ``key`` is still unknown."""
    if key in CHECKS:
        return
    if _LOADED["path"] is None:
        load_course()
        if key in CHECKS:
            return
    raise CourseError(f"no exercise {key!r} in {_LOADED['path']}; it defines {', '.join(sorted(CHECKS)) or 'none'}. "
                      "Is this notebook from the same course (and version) as that checks.py?")  # fmt: skip


### checking


def time_limit_seconds(key: str | None = None) -> float:
    """How long the check of ``key`` may run: TOYLANDS_CHECK_SECONDS if set, else the exercise's own ``seconds``,
    else ``TIME_LIMIT``. A setting that is not a positive number of seconds is a CourseError, never a limit off."""
    raw = os.environ.get("TOYLANDS_CHECK_SECONDS")
    if raw is not None and raw.strip():
        try:
            return _positive_seconds(raw.strip(), "TOYLANDS_CHECK_SECONDS")
        except ValueError as e:
            raise CourseError(str(e)) from None
    return (SPECS.get(key) or {}).get("seconds") or TIME_LIMIT


def predict(key: str, prediction) -> None:
    """Write down what you expect before you run the experiment; ``check(key, ...)`` shows it beside the result.

    A prediction is not graded: committing to one first is what makes the result teach something.
    """
    if prediction is Ellipsis:
        print(f"✎ Exercise {key}: no prediction yet. Replace the `...` with what you expect, then run this cell again.")
        return
    PREDICTIONS[key] = prediction
    print(f"✎ Exercise {key}: your prediction, {prediction!r}, is written down. Now run the experiment below.")


#: The last check's verdict, so that a graded check right after a visible one of the same answers does not run twice.
_LAST: dict = {}


def check(key: str, *answers, graded: bool = False) -> None:
    """Check the answer(s) to exercise ``key`` and print the verdict.

    It never raises, so that Run All goes on, except in strict mode (``TOYLANDS_STRICT``), and, with
    ``graded=True`` (nbgrader's hidden tests), under nbgrader's own execution (``NBGRADER_EXECUTION``), where a
    wrong or missing answer must raise to score nothing.
    """
    raising = strict() or graded and _grading()
    try:
        _ensure(key)
        if graded and SPECS[key]["format_only"] and _grading():
            raise CourseError(f"the checks.py loaded ({_LOADED['path']}) holds only the answers' formats, so it cannot "
                              "grade: set TOYLANDS_COURSE to the course's answer key (the nbgrader_config.py that "
                              "python -m toylands assign --nbgrader writes does)")  # fmt: skip
        last = _LAST.get(key)
        if graded and last and len(last[0]) == len(answers) and all(a is b for a, b in zip(last[0], answers, strict=True)):
            ok, message = last[1]
        else:
            ok, message = evaluate(key, *answers)
    except CourseError as e:
        print(f"⚠ Exercise {key} cannot be checked: {e}")
        if raising:
            raise
        return
    _LAST[key] = (answers, (ok, message))
    title, spec = CHECKS[key][0], SPECS[key]
    if not any(a is Ellipsis for a in answers):
        ANSWERS[key] = answers
    mark = "○" if message.startswith("not answered yet") else "•" if ok and spec["format_only"] else "✓" if ok else "✗"
    print(f"{mark} Exercise {key} ({title}): {message or 'correct.'}")
    if spec["kind"] == "predict" and mark in "✓✗":
        if key in PREDICTIONS:
            print(f"  You predicted {PREDICTIONS[key]!r}." + (" Was it right?" if ok else " Compare it with what you measured."))
        else:
            print("  No prediction was written down for this one: next time, predict(...) first.")
    if not ok and raising:
        raise ExerciseError(f"exercise {key}: {message}")


def evaluate(key: str, *answers, seconds: float | None = None) -> tuple[bool, str]:
    """``(right?, feedback)`` for the answer(s) to exercise ``key``, without printing anything.

    The answers' formats are checked first; then the checker runs at most ``seconds`` (default
    ``time_limit_seconds(key)``): a student's function that never returns is stopped, and the feedback says so.
    Whatever the student's code raises (SystemExit included) becomes feedback; only a KeyboardInterrupt (the
    user's, or nbgrader's on a cell's time-out) goes through. A CourseError when the exercise cannot be found.
    """
    _ensure(key)
    title, fn = CHECKS[key]
    spec = SPECS[key]
    limit = time_limit_seconds(key) if seconds is None else _positive_seconds(seconds, "seconds")
    if any(a is Ellipsis for a in answers):
        return False, "not answered yet: replace the `...` with your answer."
    names, formats = spec["names"], spec["answer"]
    labels = names or tuple(f"answer {i + 1}" for i in range(len(answers)))
    if names is not None and len(answers) != len(names):
        return False, (f"this check takes {len(names)} answer(s), ({', '.join(names)}); got {len(answers)}: "
                       f"check({key!r}, {', '.join(names)})")  # fmt: skip
    try:
        for value, fmt, name in zip(answers, formats, labels, strict=False):
            fmt.check(value, name)
        if spec["format_only"]:
            described = "; ".join(f"{n}: {f}" for n, f in zip(labels, formats, strict=False))
            described = described if len(formats) > 1 else formats[0] if formats else anything
            return True, f"the format is right ({described}); it is graded when you hand in."
        with time_limit(limit):
            message = fn(*answers)
    except Wrong as w:
        return False, str(w)
    except TimeUp:
        yours = "your function may never return (an endless loop?), or " if any(callable(a) for a in answers) else ""
        return False, (f"the check ran out of time after {limit:g} s; {yours}the machine may be busy: run the cell again, "
                       "or set TOYLANDS_CHECK_SECONDS to a larger limit")  # fmt: skip
    except KeyboardInterrupt:
        raise
    except BaseException as e:  # the student's own code failed inside the check (SystemExit would end the kernel)
        if _caused_by(e, NotImplementedError):
            return False, "not answered yet: your function still raises NotImplementedError."
        return False, f"your answer raised {type(e).__name__}" + (f": {e}" if str(e) else "")
    return True, message


class TimeUp(BaseException):
    """Raised inside a check that ran out of time (a BaseException, so that a student's ``except Exception``
    cannot swallow it)."""


@contextlib.contextmanager
def time_limit(seconds: float):
    """Stop the code inside after ``seconds`` with ``TimeUp`` (on the main thread of a Unix process; elsewhere no limit)."""
    usable = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if not usable:
        yield
        return

    def stop(signum, frame):
        raise TimeUp()

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _caused_by(e, kind) -> bool:
    while e is not None:
        if isinstance(e, kind):
            return True
        e = e.__cause__ or e.__context__
    return False


### a missing answer in IPython: a friendly message, not a NameError


def not_defined(error: NameError, key: str) -> None:
    """What a ``check``/``predict`` cell says when a name it passes is not defined (the answer cell was not run, or
    its line was deleted). Re-raises where a wrong answer would raise (strict mode, nbgrader's execution)."""
    if strict() or _grading():
        raise error
    name = getattr(error, "name", None) or str(error)
    if name in ("check", "predict"):
        print(f"⚠ Exercise {key}: `{name}` is not defined: run the notebook's first cells (the imports) first.")
    else:
        print(f"○ Exercise {key}: `{name}` is not defined yet: write your answer in the cell above and run it, then "
              "this one.")  # fmt: skip


class _GuardNames(ast.NodeTransformer):
    """IPython AST transformer: a cell's top-level ``check("key", ...)``/``predict("key", ...)`` statement runs inside
    ``try: ... except NameError``, which ``not_defined`` turns into a friendly message."""

    def visit_Module(self, node):
        node.body = [self._guard(s) for s in node.body]
        return node

    @staticmethod
    def _guard(stmt):
        call = stmt.value if isinstance(stmt, ast.Expr) else None
        if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id in ("check", "predict")
                and call.args and isinstance(call.args[0], ast.Constant) and isinstance(call.args[0].value, str)):  # fmt: skip
            return stmt
        key = call.args[0].value
        handler = ast.parse(f"__import__('toylands.exercises').exercises.not_defined(_toylands_missing, {key!r})").body
        caught = ast.ExceptHandler(ast.Name("NameError", ast.Load()), "_toylands_missing", handler)
        guarded = ast.Try(body=[stmt], handlers=[caught], orelse=[], finalbody=[])
        return ast.fix_missing_locations(ast.copy_location(guarded, stmt))


def _guard_names_in_ipython() -> None:
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    if shell is not None and not any(isinstance(t, _GuardNames) for t in shell.ast_transformers):
        shell.ast_transformers.append(_GuardNames())


_guard_names_in_ipython()


### auditing the feedback: wrong answers are refused, and no feedback gives the answer away

_NUMBER = re.compile(r"(?<![\w.])-?\d+(?:\.\d+)?(?:e[-+]?\d+)?(?![\w])")


def _numbers_in(text: str) -> list[float]:
    return [float(m) for m in _NUMBER.findall(text)]


def _wrong_versions(key: str, answers: tuple) -> list[tuple]:
    """Wrong answers for exercise ``key`` near the right ones: from its ``wrong``, or perturbing the last answer."""
    spec = SPECS.get(key, {})
    if spec.get("wrong"):
        return [tuple(w) if isinstance(w, tuple) else (*answers[:-1], w) for w in spec["wrong"](*answers)]
    *context, a = answers
    if spec.get("choices"):
        norm = str(a).strip().lower()
        return [(*context, c) for c in spec["choices"] if c.strip().lower() != norm]
    if isinstance(a, (bool, np.bool_)):
        return [(*context, not a)]
    if isinstance(a, (int, np.integer)):
        return [(*context, int(a) + 1), (*context, int(a) - 1)]
    if isinstance(a, (float, np.floating)):
        v = float(a)
        return [(*context, v * 1.5 + (v == 0) * 0.1), (*context, v * 0.5 - (v == 0) * 0.1)]
    try:
        arr = np.asarray(a, dtype=float)
    except (TypeError, ValueError):
        return []
    if arr.size and np.all(np.isfinite(arr)):
        return [(*context, arr + 0.3 * (1 + np.abs(arr))), (*context, arr * 0.6 - 0.2)]
    return []


def _leaks(message: str, right, solution: str) -> list[str]:
    """What of the right answer, or of its solution's code, a message shows."""
    found = []
    values = []
    if isinstance(right, (bool, np.bool_)):
        values = []
    elif isinstance(right, (list, tuple)) and right and all(isinstance(w, str) for w in right):
        for w in set(right):
            if re.search(rf"(?<!\w){re.escape(w.strip().lower())}(?!\w)", message.lower()):
                found.append(f"the word {w!r}")
    elif isinstance(right, str):
        if re.search(rf"(?<!\w){re.escape(right.strip().lower())}(?!\w)", message.lower()):
            found.append(f"the word {right!r}")
    else:
        try:
            values = [float(v) for v in np.ravel(np.asarray(right, dtype=float))]
        except (TypeError, ValueError):
            values = []
    for v in values if len(values) <= 8 else ():  # a parameter vector's entries would match any number by chance
        if not np.isfinite(v):
            continue
        for m in _numbers_in(message):
            if abs(m - v) <= 5e-3 * max(abs(v), 1e-12) and not (v == 0 and m == 0):
                found.append(f"the number {m:g} (the answer is {v:g})")
    for line in solution.splitlines():
        line = line.strip()
        if len(line) > 8 and not line.startswith(("#", "def ", '"""')) and line in message:
            found.append(f"the solution's line {line!r}")
    return found


def _words(a) -> bool:
    return isinstance(a, (list, tuple)) and bool(a) and all(isinstance(w, str) for w in a)


def audit(key: str, answers: tuple | None = None, solution: str = "") -> list[str]:
    """Problems with the feedback of exercise ``key``, tried on wrong answers near the right ``answers`` (default: the
    last answers it was checked with): a wrong answer accepted, or a message that shows the right answer or a line of
    ``solution``. An empty list is a clean bill."""
    _ensure(key)
    answers = ANSWERS.get(key) if answers is None else answers
    if answers is None:
        return [f"exercise {key} was never checked, so it cannot be audited"]
    problems = []
    right = answers[-1]
    for wrong in _wrong_versions(key, answers):
        ok, message = evaluate(key, *wrong)
        shown = ", ".join(repr(w)[:40] for w in wrong[-1:])
        if ok:
            problems.append(f"exercise {key} accepts the wrong answer {shown}")
        # a list of words may name a right word wherever the student's is right too; only the others would leak
        hidden = [r for r, w in zip(right, wrong[-1], strict=False) if r != w] if _words(right) and _words(wrong[-1]) else right
        for leak in _leaks(message, hidden, solution):
            problems.append(f"exercise {key}: for the wrong answer {shown} the feedback shows {leak}: {message!r}")
    return problems


### helpers for checkers


def close(value, target, rel: float, what: str, hint: str):
    """Raise Wrong unless ``value`` is within ``rel`` of ``target``, never revealing the target, and saying how far off
    only coarsely, so that the target cannot be found by bisection: the wrong sign, or more than ten times too large
    or too small, is said; a value nearer than that is told only that it is not within the tolerance."""
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise Wrong(f"{what} should be a number; got {type(value).__name__}.") from None
    if not np.isfinite(v):
        raise Wrong(f"{what} is not finite: {hint}")
    if abs(v - target) <= rel * abs(target):
        return
    if v * target < 0:
        how = "has the wrong sign"
    elif v != 0 and target != 0 and not 0.1 <= v / target <= 10:
        how = f"is far off (more than ten times too {'large' if abs(v) > abs(target) else 'small'})"
    else:
        how = _not_within(rel)
    raise Wrong(f"{what} = {v:.4g} {how}: {hint}")


def _not_within(rel: float) -> str:
    """A value outside the relative tolerance ``rel``, in words: "is not within 2% of the right value", or for a tiny
    tolerance "does not agree with the right value to about 9 digits"."""
    if rel >= 1e-4:
        return f"is not within {rel * 100:g}% of the right value"
    return f"does not agree with the right value to about {round(-np.log10(rel))} digits"


def same_word(value, allowed: set, what: str, hint: str, known=None):
    """Wrong unless ``value`` is one of ``allowed`` (without case, spaces, ``-`` or ``_`` mattering). With ``known``
    (all the words the exercise understands), a word outside it is told as an unknown spelling, with the list."""
    word = _norm(value)
    if known is not None and word not in {_norm(k) for k in known}:
        raise Wrong(f"{what} = {value!r} is a spelling this exercise does not know: write one of "
                    f"{_words_described(known)} (case, spaces, '-' and '_' do not matter).")
    if word not in {_norm(a) for a in allowed}:
        raise Wrong(f"{what} = {value!r} is not right: {hint}")



### student versions

_CODE_PATTERN = re.compile(rf"^([ \t]*){re.escape(BEGIN)}[^\n]*\n(.*?)^[ \t]*{re.escape(END)}[^\n]*(?:\n|$)", re.S | re.M)
#: What a student sees in a markdown or raw cell in place of the teacher's solution (nbgrader's words).
ANSWER_HERE = "YOUR ANSWER HERE"


def _stub(block: str, used: set | None = None) -> str:
    """What a student sees instead of a solution: the names the check needs, and functions to write.

    Only assignments to names in ``used`` (the names the rest of the cell uses) are kept, so the
    stub does not give away the solution's intermediate steps. It is always a statement, so that a
    stub inside an indented block (a loop, a function) still compiles.
    """
    try:
        tree = ast.parse(block)
    except SyntaxError:
        return "pass  # YOUR CODE HERE\n"
    lines, seen = [], set()
    for node in tree.body:
        if isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names = [n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)]
            if used and not set(names) & used or set(names) <= seen:
                continue
            seen.update(names)

            def show(t):
                return ", ".join(ast.unparse(e) for e in t.elts) if isinstance(t, ast.Tuple) else ast.unparse(t)

            t = targets[-1]
            value = ", ".join(["..."] * len(t.elts)) if isinstance(t, ast.Tuple) else "..."
            lines.append(f"{' = '.join(show(t) for t in targets)} = {value}  # YOUR CODE HERE")
        elif isinstance(node, ast.FunctionDef):
            doc = ast.get_docstring(node)
            head = f"def {node.name}({ast.unparse(node.args)}):"
            body = [f'    """{doc}"""'] if doc else []
            lines += [head, *body, "    # YOUR CODE HERE", "    raise NotImplementedError()"]
    return "\n".join(lines or ["pass  # YOUR CODE HERE"]) + "\n"


def student_source(source: str, cell_type: str = "code") -> str:
    """A cell's source with every solution block replaced: by its stub in code (indentation kept), by
    ``YOUR ANSWER HERE`` in markdown and raw cells."""

    def replace(m):
        indent, block = m.group(1), m.group(2)
        if cell_type != "code":
            return f"{indent}{ANSWER_HERE}\n"
        body = "\n".join(line[len(indent) :] if line.startswith(indent) else line for line in block.splitlines())
        used = set(re.findall(r"[A-Za-z_]\w*", source[m.end() :]))
        return "".join(indent + line + "\n" for line in _stub(body, used).splitlines())

    out = _CODE_PATTERN.sub(replace, source)
    if BEGIN in out or END in out:
        raise ValueError("unbalanced ### BEGIN SOLUTION / ### END SOLUTION markers")
    return out


def _compiles(source: str) -> str | None:
    """None if the cell's Python compiles (IPython's % and ! lines set aside), else the error."""
    python = "\n".join("pass" if line.lstrip().startswith(("%", "!")) else line for line in source.splitlines())
    try:
        ast.parse(python)
    except SyntaxError as e:
        return f"line {e.lineno}: {e.msg}"
    return None


def _read_notebook(path: Path) -> dict:
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise AssignError(f"{path}: not a readable notebook ({type(e).__name__}: {e})") from None
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        what = type(nb).__name__ if not isinstance(nb, dict) else "a JSON object without a list of 'cells'"
        raise AssignError(f"{path}: not a Jupyter notebook (the file holds {what})")
    return nb


_CHECK_CALL = re.compile(r"""^check\((['"])([\w.]+)\1""", re.M)


def _shown_solution(source: str) -> str:
    """The code a student may ask to see: from the first solution marker to the last, the marker lines dropped."""
    lines = source.splitlines()
    marks = [i for i, line in enumerate(lines) if BEGIN in line or END in line]
    indent = re.match(r"[ \t]*", lines[marks[0]]).group(0)
    kept = [line for line in lines[marks[0] : marks[-1] + 1] if BEGIN not in line and END not in line]
    return "\n".join(line[len(indent) :] if line.startswith(indent) else line for line in kept).strip("\n")


#: The summary line of the collapsed cell that shows a solution in a self-study notebook.
SHOW_SOLUTION = "Show a solution (try first)"


def _solution_cell(cell: dict, code: str) -> dict:
    """A collapsed markdown cell that shows ``code`` on request (Neuromatch's "click for solution")."""
    new = {"cell_type": "markdown", "metadata": {},
           "source": f"<details>\n<summary>{SHOW_SOLUTION}</summary>\n\n```python\n{code}\n```\n\n</details>"}  # fmt: skip
    if "id" in cell:
        new["id"] = f"{cell['id']}-solution"[:64]
    return new


def student_notebook(nb: dict, name: str = "notebook", self_study: bool = False) -> dict:
    """The student version of a notebook (a dict, as read from JSON): solutions replaced, outputs cleared; with
    ``self_study``, each exercise's check cell is followed by a collapsed cell that shows a solution on request."""
    nb = json.loads(json.dumps(nb))  # a deep copy
    cells = []
    for k, cell in enumerate(nb["cells"]):
        if not isinstance(cell, dict) or "cell_type" not in cell:
            raise AssignError(f"{name}: cell {k} is not a notebook cell")
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else str(source)
        try:
            new = student_source(source, cell["cell_type"])
        except ValueError as e:
            raise AssignError(f"{name}: cell {k}: {e}") from None
        if cell["cell_type"] == "code":
            error = _compiles(new)
            if error and not _compiles(source):
                raise AssignError(f"{name}: cell {k}: the student version does not compile ({error})")
            cell["outputs"], cell["execution_count"] = [], None
        cell["source"] = new
        cells.append(cell)
        if self_study and cell["cell_type"] == "code" and new != source and _CHECK_CALL.search(source.rsplit(END, 1)[-1]):
            cells.append(_solution_cell(cell, _shown_solution(source)))
    nb["cells"] = cells
    return nb


def _files(src: Path):
    """The files of a lessons folder, as ``(path, path relative to src)``: hidden ones and caches left out."""
    for path in sorted(src.rglob("*")):
        rel = path.relative_to(src)
        if path.is_file() and not any(part.startswith(".") or part == "__pycache__" for part in rel.parts):
            yield path, rel


def _lines(source) -> list[str]:
    """A cell's source as Jupyter stores it: a list of lines, each with its newline."""
    return ("".join(source) if isinstance(source, list) else str(source)).splitlines(keepends=True)


def _notebook_bytes(nb: dict) -> bytes:
    """A notebook as Jupyter writes it (sorted keys, one-space indent, sources as lists of lines), so that a student
    who opens and saves it changes nothing."""
    cells = [{**cell, "source": _lines(cell.get("source", ""))} for cell in nb["cells"]]
    return (json.dumps({**nb, "cells": cells}, sort_keys=True, indent=1, ensure_ascii=False) + "\n").encode("utf-8")


def _course_file(src: Path) -> Path | None:
    """The course's checks.py for a folder of lessons: in it, or in its parent (``lessons/solutions`` -> ``lessons``)."""
    for folder in (src, src.parent):
        if (folder / COURSE_FILE).is_file():
            return folder / COURSE_FILE
    return None


def _plan(src: Path, out: Path, self_study: bool = False) -> dict[Path, bytes | Path]:
    """Every file of the student folder: notebooks as their new bytes, other files as the path to copy, and the
    course's checks.py (unless the student folder is where it already is)."""
    plan = {out / rel: _notebook_bytes(student_notebook(_read_notebook(path), str(path), self_study))
            if path.suffix == ".ipynb" else path for path, rel in _files(src)}  # fmt: skip
    course = _course_file(src)
    if course is not None and (out / COURSE_FILE).resolve() != course.resolve():
        plan[out / COURSE_FILE] = course
    return plan


def _folders(src, out, what: str) -> tuple[Path, Path]:
    """``src`` and ``out`` as Paths, or an AssignError when ``src`` is not a folder or ``out`` would overwrite it."""
    src, out = Path(src), Path(out)
    if not src.is_dir():
        raise AssignError(f"{src} is not a folder of lessons")
    real_src, real_out = src.resolve(), out.resolve()
    if real_out == real_src or real_src in real_out.parents:
        raise AssignError(
            f"the {what} {out} is {'the lessons folder itself' if real_out == real_src else 'inside the lessons folder'} "
            f"({real_src}): writing there would overwrite the teacher's solutions. Choose a folder outside it."
        )
    return src, out


def _outside_sources(plan: dict, src: Path) -> None:
    """Refuse a plan that would write inside the lessons folder or over one of its files (``out`` may be its parent)."""
    real_src = src.resolve()
    sources = {p.resolve() for p, _ in _files(src)}
    bad = [p for p in plan if (r := p.resolve()) in sources or real_src == r or real_src in r.parents]
    if bad:
        raise AssignError(f"{len(bad)} of the files to write ({', '.join(map(str, bad[:3]))}) would land inside the "
                          f"lessons folder {src} and overwrite the teacher's solutions; nothing was written")  # fmt: skip


def assign(src, out, force: bool = False, self_study: bool = False) -> list[Path]:
    """Write the student version of every notebook under ``src`` to ``out`` (outputs cleared), copy every other
    file (``images/`` and such) beside them, and the course's checks.py (found in ``src`` or its parent). With
    ``self_study``, each exercise offers its solution in a collapsed cell. Returns the notebooks written.

    ``out`` may be ``src``'s parent (``lessons/solutions`` -> ``lessons``), but nothing is written inside ``src``
    or over one of its files. Unless ``force``, files in ``out`` whose contents differ from what would be written
    (a student's edits) are refused. Every notebook is read and converted before anything is written.
    """
    src, out = _folders(src, out, "student folder")
    plan = _plan(src, out, self_study)
    if not any(p.suffix == ".ipynb" for p in plan):
        raise AssignError(f"{src} holds no notebooks (.ipynb)")
    _outside_sources(plan, src)
    try:
        written = write_files(plan, force, "student files")
    except OutputError as e:
        raise AssignError(str(e)) from None
    return [p for p in written if p.suffix == ".ipynb"]


def out_of_date(src, out, self_study: bool = False) -> list[Path]:
    """The files of the student folder ``out`` that differ from what ``assign(src, out, self_study=...)`` would
    write (or are missing), and its notebooks that no source makes any more. Empty when it is up to date."""
    src, out = _folders(src, out, "student folder")
    plan = _plan(src, out, self_study)
    stale = [p for p, item in plan.items() if not p.is_file() or p.read_bytes() != _content(item)]
    real_src = src.resolve()
    orphans = [p for p in sorted(out.rglob("*.ipynb")) if p not in plan and real_src not in p.resolve().parents
               and not any(part.startswith(".") for part in p.relative_to(out).parts)]  # fmt: skip
    return stale + orphans


### nbgrader

#: The configuration of a course written by ``assign --nbgrader``.
NBGRADER_CONFIG = """\
# nbgrader configuration of a toylands course (written by python -m toylands assign --nbgrader).
import os

c = get_config()
# The hidden tests grade against the course's own exercise definitions (answer_key/checks.py), whatever checks.py a
# release or a submission holds: nbgrader's kernels (autograde, validate) inherit this environment.
os.environ["TOYLANDS_COURSE"] = os.path.join(os.path.dirname(os.path.abspath(__file__)), "answer_key", "checks.py")
# Each solution keeps the names its check needs (the stub lines above it), so what nbgrader clears is left empty.
c.ClearSolutions.code_stub = {"python": ""}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"
# A lesson cell may train a small network for tens of seconds, and a check runs up to its exercise's time budget; a
# student's endless loop is stopped after this many seconds, which costs that exercise, not the notebook (nbgrader
# runs on past a cell's error).
c.Execute.timeout = {timeout}
c.Execute.interrupt_on_timeout = True
"""
FEEDBACKS = ("full", "format")
#: How long one cell may run under nbgrader, at least: more when a check's budget needs it (its seconds + 60).
CELL_SECONDS = 180
HIDDEN_BEGIN, HIDDEN_END = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"


def _nbgrader(cell: dict, grade_id: str, *, solution=False, grade=False, locked=False, points=None) -> dict:
    meta = {"grade": grade, "grade_id": grade_id, "locked": locked, "schema_version": 3, "solution": solution}
    if grade:
        meta["points"] = points
    cell.setdefault("metadata", {})["nbgrader"] = meta
    return cell


def _stubs_above(source: str) -> str:
    """``source`` with each solution block's stub written just above it, so that nbgrader's release, which clears
    the block, keeps the names the check needs (``threshold = ...  # YOUR CODE HERE``)."""

    def replace(m):
        indent, block = m.group(1), m.group(2)
        body = "\n".join(line[len(indent) :] if line.startswith(indent) else line for line in block.splitlines())
        used = set(re.findall(r"[A-Za-z_]\w*", source[m.end() :]))
        return "".join(indent + line + "\n" for line in _stub(body, used).splitlines()) + m.group(0)

    return _CODE_PATTERN.sub(replace, source)


def nbgrader_notebook(nb: dict, name: str = "notebook") -> dict:
    """The nbgrader source version of a lesson (a dict, as read from JSON), outputs cleared; the course's exercises
    must be registered (``load_course``), for their kinds and points.

    Each exercise cell is split in two: its solution (an ungraded nbgrader solution cell, with the stub lines above
    the solution, which nbgrader clears) and its check, a read-only test cell. The test cell of a graded exercise
    is worth the exercise's points: the visible ``check(...)`` prints, and the hidden test
    ``check(..., graded=True)``, which the release does not hold, raises under autograding when the answer is
    wrong or missing. A challenge's check is not graded; a prediction is an ungraded solution cell. Every other
    cell is read-only.
    """
    nb = json.loads(json.dumps(nb))
    cells = []
    for k, cell in enumerate(nb["cells"]):
        if not isinstance(cell, dict) or "cell_type" not in cell:
            raise AssignError(f"{name}: cell {k} is not a notebook cell")
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else str(source)
        try:
            student_source(source, cell["cell_type"])  # refuses a block without its END (or BEGIN)
        except ValueError as e:
            raise AssignError(f"{name}: cell {k}: {e}") from None
        cell["source"] = source
        if cell["cell_type"] == "code":
            cell["outputs"], cell["execution_count"] = [], None
        if END not in source:
            cells.append(_nbgrader(cell, f"cell-{k}", locked=True))
            continue
        if cell["cell_type"] != "code":  # an answer in words
            cells.append(_nbgrader(cell, f"answer-{k}", solution=True))
            continue
        source = _stubs_above(source)
        head, tail = source.rsplit(END, 1)
        line_end = tail.find("\n")
        solution = head + END + (tail[:line_end] if line_end >= 0 else tail)
        rest = tail[line_end + 1 :] if line_end >= 0 else ""
        checked = _CHECK_CALL.search(rest)
        if not checked:  # a prediction
            cell["source"] = source
            cells.append(_nbgrader(cell, f"answer-{k}", solution=True))
            continue
        key = checked.group(2)
        if key not in SPECS:
            raise AssignError(f"{name}: cell {k} checks exercise {key!r}, which the course's checks.py does not define")
        spec, ident = SPECS[key], re.sub(r"\W", "_", key)
        cell["source"] = (solution + "\n" + rest[: checked.start()]).rstrip("\n")  # with any code before the check
        cells.append(_nbgrader(cell, f"exercise-{ident}", solution=True))
        call = rest[checked.start() :].strip("\n")
        if not re.fullmatch(r"check\(.*\)\s*", call, re.S):
            raise AssignError(f"{name}: cell {k}: the check of exercise {key} must end the cell: {call!r}")
        test = {"cell_type": "code", "execution_count": None, "id": f"check-{ident}", "metadata": {}, "outputs": [],
                "source": call.rstrip()}  # fmt: skip
        if spec["kind"] == "challenge":  # optional: its check only prints, and it is not in max_score
            cells.append(_nbgrader(test, f"check-{ident}", locked=True))
            continue
        graded = re.sub(r"\)\s*$", ", graded=True)", call.rstrip())
        test["source"] = f"{call.rstrip()}\n{HIDDEN_BEGIN}\n{graded}\n{HIDDEN_END}"
        cells.append(_nbgrader(test, f"check-{ident}", grade=True, locked=True, points=spec["points"]))
    nb["cells"] = cells
    return nb


def assign_nbgrader(src, course, force: bool = False, feedback: str = "full") -> list[Path]:
    """Write the lessons under ``src`` as an nbgrader course: ``course/source/<lesson>/<lesson>.ipynb`` (each lesson
    an assignment, with the files beside the lessons copied into every one, and a checks.py), the course's full
    definitions in ``course/answer_key/checks.py``, and ``course/nbgrader_config.py``, which points
    TOYLANDS_COURSE at that answer key for nbgrader's kernels. Returns the notebooks written.

    ``feedback="full"``: the releases carry the course's checks.py, so check() says what is off, as in self-study.
    ``feedback="format"``: they carry a generated checks.py that checks only each answer's form, so that check() is
    no oracle during a graded assignment; autograding still grades with the answer key.

    Then, in ``course``: ``nbgrader generate_assignment <lesson>``, and after the students hand in, ``nbgrader
    autograde <lesson>`` and ``nbgrader export``.
    """
    if feedback not in FEEDBACKS:
        raise AssignError(f"feedback must be one of {', '.join(FEEDBACKS)}; got {feedback!r}")
    src, course = _folders(src, course, "course folder")
    lessons = sorted(p for p in src.glob("*.ipynb") if re.match(r"\d\d-", p.name))
    if not lessons:
        raise AssignError(f"{src} holds no numbered lessons (NN-name.ipynb)")
    definitions = _course_file(src)
    if definitions is None:
        raise AssignError(f"no {COURSE_FILE} in {src} or {src.parent}: the exercises' kinds and points come from the "
                          "course's definitions")  # fmt: skip
    try:
        load_course(definitions)
    except CourseError as e:
        raise AssignError(str(e)) from None
    keys = [k for k, s in SPECS.items() if s["module"] == COURSE_MODULE and not s["format_only"]]
    checks = format_only_source(keys).encode() if feedback == "format" else definitions
    extras = [(path, rel) for path, rel in _files(src) if path.suffix != ".ipynb"]
    timeout = max([CELL_SECONDS] + [math.ceil(SPECS[k]["seconds"] or TIME_LIMIT) + 60 for k in keys])
    config = NBGRADER_CONFIG.replace("{timeout}", str(timeout))
    plan: dict[Path, bytes | Path] = {course / "nbgrader_config.py": config.encode(),
                                      course / "answer_key" / COURSE_FILE: definitions}  # fmt: skip
    for path in lessons:
        folder = course / "source" / path.stem
        plan[folder / path.name] = _notebook_bytes(nbgrader_notebook(_read_notebook(path), str(path)))
        plan.update({folder / rel: extra for extra, rel in extras})
        plan[folder / COURSE_FILE] = checks
    _outside_sources(plan, src)
    try:
        written = write_files(plan, force, "course files")
    except OutputError as e:
        raise AssignError(str(e)) from None
    return [p for p in written if p.suffix == ".ipynb"]
