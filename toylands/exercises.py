"""Exercises that check themselves, and the student version of a lesson.

In a lesson, an exercise is a solution between ``### BEGIN SOLUTION`` and ``### END SOLUTION``
(nbgrader's markers), followed by ``check("02.1", answer)``. The check says what is off and where
to look, never the answer. Set ``TOYLANDS_STRICT=1`` (CI does) and a wrong answer raises instead.

This module is the machinery; the course's own checkers live in ``toylands.checks``, which
registers them (lessons import ``check`` from there). A teacher's exercise is one function::

    from toylands.exercises import exercise, Wrong

    @exercise("my.1", "the stability threshold")
    def _(threshold):
        if abs(threshold - 0.04) > 1e-6:
            raise Wrong("compare the learning rate with 2 / lambda_max")
        return "right: the steep direction sets the limit."

``python -m toylands assign lessons/ OUTDIR`` writes the student versions: every solution block
becomes a stub that keeps the notebook runnable (``answer = ...  # YOUR CODE HERE``, or a function
that raises ``NotImplementedError``), so each check fails until the student fills it in.
"""

from __future__ import annotations

import ast
import contextlib
import json
import os
import re
import signal
import threading
from pathlib import Path

import numpy as np

from ._files import OutputError, write_files

__all__ = ["check", "evaluate", "predict", "ExerciseError", "Wrong", "CHECKS", "exercise", "student_source", "assign",
           "strict", "AssignError", "TIME_LIMIT", "audit", "assign_nbgrader", "nbgrader_notebook"]  # fmt: skip

BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
CHECKS: dict = {}
#: How each exercise is registered: its kind, its choices and how to make wrong answers (for audits).
SPECS: dict = {}
#: The predictions written down with ``predict``, by exercise.
PREDICTIONS: dict = {}
#: The last answers each exercise was checked with (so that a test can audit the feedback of a run lesson).
ANSWERS: dict = {}
KINDS = ("predict", "measure", "explain", "challenge")
#: Seconds a check may take before it is stopped (a student's endless loop); TOYLANDS_CHECK_SECONDS overrides it.
TIME_LIMIT = 60.0


class ExerciseError(AssertionError):
    """A wrong (or missing) answer, raised in strict mode."""


class Wrong(Exception):
    """Raised inside a checker: the message says what is off and how to think about it."""


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


def exercise(key: str, title: str, *, replace: bool = False, kind: str = "measure", choices=None, wrong=None,
             unique: bool = True):  # fmt: skip
    """Register a checker ``fn(*answers)`` for exercise ``key``: it returns a message when right, raises ``Wrong`` when not.

    ``kind`` says what the exercise asks (``predict`` then check, ``measure``, ``explain`` or transfer, an
    optional ``challenge``); ``choices`` lists the allowed words of a word answer; ``wrong(*answers)``
    returns wrong answers (tuples of arguments) with which ``audit`` tests the feedback, where the
    generic ones (a number off by half, another choice, ...) do not fit; ``unique=False`` says that
    many answers are right (any learning rate that converges), so no one value is *the* answer.

    An id that is taken stays taken, so that a teacher's exercise cannot silently replace one of the
    course's: choose another id, or pass ``replace=True`` to replace it on purpose. Running the same
    notebook cell again (the same function redefined) is fine.
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}; got {kind!r}")

    def register(fn):
        if key in CHECKS and not replace:
            old = CHECKS[key][1]
            rerun = (old.__module__, old.__qualname__) == (fn.__module__, fn.__qualname__)
            if not rerun or old.__module__ == "toylands.checks":
                raise ValueError(
                    f"exercise {key!r} is already registered ({CHECKS[key][0]!r}): choose another id, "
                    "or pass replace=True to replace it on purpose"
                )
        CHECKS[key] = (title, fn)
        SPECS[key] = {"kind": kind, "choices": tuple(choices) if choices else None, "wrong": wrong, "unique": unique}
        return fn

    return register


def predict(key: str, prediction) -> None:
    """Write down what you expect before you run the experiment; ``check(key, ...)`` shows it beside the result.

    A prediction is not graded: committing to one first is what makes the result teach something.
    """
    if prediction is Ellipsis:
        print(f"✎ Exercise {key}: no prediction yet. Replace the `...` with what you expect, then run this cell again.")
        return
    PREDICTIONS[key] = prediction
    print(f"✎ Exercise {key}: your prediction, {prediction!r}, is written down. Now run the experiment below.")


def check(key: str, *answers, graded: bool = False) -> None:
    """Check the answer(s) to exercise ``key`` and print the verdict; raise when it is wrong in strict mode, or when
    ``graded`` (an autograder's test cell, which scores a cell that raises as wrong)."""
    ok, message = evaluate(key, *answers)
    title = CHECKS[key][0]
    if not any(a is Ellipsis for a in answers):
        ANSWERS[key] = answers
    print(f"{'✓' if ok else '✗'} Exercise {key} ({title}): {message or 'correct.'}")
    if SPECS.get(key, {}).get("kind") == "predict":
        if key in PREDICTIONS:
            print(f"  You predicted {PREDICTIONS[key]!r}." + (" Was it right?" if ok else " Compare it with what you measured."))
        else:
            print("  No prediction was written down for this one: next time, predict(...) first.")
    if not ok and (graded or strict()):
        raise ExerciseError(f"exercise {key}: {message}")


def evaluate(key: str, *answers, seconds: float | None = None) -> tuple[bool, str]:
    """``(right?, feedback)`` for the answer(s) to exercise ``key``, without printing anything.

    The checker runs at most ``seconds`` (default ``TIME_LIMIT``, or ``TOYLANDS_CHECK_SECONDS``): a
    student's function that never returns is stopped, and the feedback says so.
    """
    if key not in CHECKS:
        hint = " The course's exercises are registered by toylands.checks: from toylands.checks import check."
        raise KeyError(f"no exercise {key!r}; known: {', '.join(sorted(CHECKS)) or 'none yet'}.{hint}")
    title, fn = CHECKS[key]
    limit = float(os.environ.get("TOYLANDS_CHECK_SECONDS", TIME_LIMIT)) if seconds is None else seconds
    try:
        if any(a is Ellipsis for a in answers):
            raise Wrong("not answered yet: replace the `...` with your answer.")
        with time_limit(limit):
            message = fn(*answers)
    except Wrong as w:
        message, ok = str(w), False
    except TimeUp:
        message = f"the check was stopped after {limit:g} s: your answer never finished (is there a loop that never ends?)."
        ok = False
    except Exception as e:  # the student's own code failed inside the check
        if _caused_by(e, NotImplementedError):
            message = "not answered yet: your function still raises NotImplementedError."
        else:
            message = f"your answer raised {type(e).__name__}: {e}"
        ok = False
    else:
        ok = True
    return ok, message


class TimeUp(BaseException):
    """Raised inside a check that ran out of time (a BaseException, so that a student's ``except Exception``
    cannot swallow it)."""


@contextlib.contextmanager
def time_limit(seconds: float):
    """Stop the code inside after ``seconds`` with ``TimeUp`` (on the main thread of a Unix process; elsewhere no limit)."""
    usable = seconds and seconds > 0 and hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
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
    """Raise Wrong unless ``value`` is within ``rel`` of ``target`` (never revealing the target)."""
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise Wrong(f"{what} should be a number; got {type(value).__name__}.") from None
    if not np.isfinite(v):
        raise Wrong(f"{what} is not finite: {hint}")
    if abs(v - target) > rel * abs(target):
        direction = "too large" if v > target else "too small"
        raise Wrong(f"{what} = {v:.4g} is {direction}: {hint}")


def same_word(value, allowed: set, what: str, hint: str):
    word = str(value).strip().lower().replace("-", " ").replace("_", " ")
    if word not in allowed:
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


def student_notebook(nb: dict, name: str = "notebook") -> dict:
    """The student version of a notebook (a dict, as read from JSON): solutions replaced, outputs cleared."""
    nb = json.loads(json.dumps(nb))  # a deep copy
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
    return nb


def _files(src: Path):
    """The files of a lessons folder, as ``(path, path relative to src)``: hidden ones and caches left out."""
    for path in sorted(src.rglob("*")):
        rel = path.relative_to(src)
        if path.is_file() and not any(part.startswith(".") or part == "__pycache__" for part in rel.parts):
            yield path, rel


def _notebook_bytes(nb: dict) -> bytes:
    return (json.dumps(nb, indent=1, ensure_ascii=False) + "\n").encode("utf-8")


def _plan(src: Path, out: Path) -> dict[Path, bytes | Path]:
    """Every file of the student folder: notebooks as their new bytes, other files as the path to copy."""
    return {out / rel: _notebook_bytes(student_notebook(_read_notebook(path), str(path))) if path.suffix == ".ipynb"
            else path for path, rel in _files(src)}  # fmt: skip


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


def assign(src, out, force: bool = False) -> list[Path]:
    """Write the student version of every notebook under ``src`` to ``out`` (outputs cleared), and copy every other
    file (``images/`` and such) beside them. Returns the notebooks written.

    Refuses an ``out`` that is ``src`` or lies inside it (it would overwrite the teacher's solutions), and,
    unless ``force``, files in ``out`` whose contents differ from what would be written (a student's edits).
    Every notebook is read and converted before anything is written: a broken one stops it all.
    """
    src, out = _folders(src, out, "student folder")
    plan = _plan(src, out)
    if not any(p.suffix == ".ipynb" for p in plan):
        raise AssignError(f"{src} holds no notebooks (.ipynb)")
    try:
        written = write_files(plan, force, "student files")
    except OutputError as e:
        raise AssignError(str(e)) from None
    return [p for p in written if p.suffix == ".ipynb"]


### nbgrader

#: nbgrader's own stub for a cleared solution (its default), and how long one cell may run when it autogrades.
NBGRADER_CONFIG = """\
# nbgrader configuration of a toylands course (written by python -m toylands assign --nbgrader).
c = get_config()
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"
# A lesson cell may train a small network for tens of seconds; a student's endless loop is stopped after this
# many seconds, which costs that exercise, not the notebook (nbgrader runs on past a cell's error).
c.Execute.timeout = 180
c.Execute.interrupt_on_timeout = True
"""


def _nbgrader(cell: dict, grade_id: str, *, solution=False, grade=False, locked=False, points=None) -> dict:
    meta = {"grade": grade, "grade_id": grade_id, "locked": locked, "schema_version": 3, "solution": solution}
    if grade:
        meta["points"] = points
    cell.setdefault("metadata", {})["nbgrader"] = meta
    return cell


_CHECK_CALL = re.compile(r"""^check\((['"])([\w.]+)\1""", re.M)


def nbgrader_notebook(nb: dict, name: str = "notebook", points: int = 1) -> dict:
    """The nbgrader source version of a lesson (a dict, as read from JSON), outputs cleared.

    Each exercise cell is split in two: its solution (an nbgrader solution cell, which nbgrader clears to a stub)
    and its ``check(...)``, now an autograded, read-only test cell worth ``points`` that calls
    ``check(..., graded=True)`` so that a wrong or missing answer raises and scores nothing. A prediction is a
    solution cell that is not graded. Every other cell is read-only.
    """
    nb = json.loads(json.dumps(nb))
    cells = []
    for k, cell in enumerate(nb["cells"]):
        if not isinstance(cell, dict) or "cell_type" not in cell:
            raise AssignError(f"{name}: cell {k} is not a notebook cell")
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else str(source)
        cell["source"] = source
        if cell["cell_type"] == "code":
            cell["outputs"], cell["execution_count"] = [], None
        if END not in source:
            cells.append(_nbgrader(cell, f"cell-{k}", locked=True))
            continue
        head, tail = source.rsplit(END, 1)
        line_end = tail.find("\n")
        solution = head + END + (tail[:line_end] if line_end >= 0 else tail)
        rest = tail[line_end + 1 :] if line_end >= 0 else ""
        checked = _CHECK_CALL.search(rest)
        if cell["cell_type"] != "code" or not checked:  # a prediction, or an answer in words
            cells.append(_nbgrader(cell, f"answer-{k}", solution=True))
            continue
        key = checked.group(2)
        ident = re.sub(r"\W", "_", key)
        cell["source"] = solution.rstrip("\n")
        cells.append(_nbgrader(cell, f"exercise-{ident}", solution=True))
        call = rest.strip("\n")
        graded = re.sub(r"\)\s*$", ", graded=True)", call) if call.rstrip().endswith(")") else call
        if "graded=True" not in graded:
            raise AssignError(f"{name}: cell {k}: the check of exercise {key} must end the cell: {call!r}")
        test = {"cell_type": "code", "execution_count": None, "id": f"check-{ident}", "metadata": {}, "outputs": [],
                "source": graded}  # fmt: skip
        cells.append(_nbgrader(test, f"check-{ident}", grade=True, locked=True, points=points))
    nb["cells"] = cells
    return nb


def assign_nbgrader(src, course, force: bool = False) -> list[Path]:
    """Write the lessons under ``src`` as an nbgrader course: ``course/source/<lesson>/<lesson>.ipynb`` (each lesson
    an assignment, with the files beside the lessons copied into every one) and ``course/nbgrader_config.py``.
    Then, in ``course``: ``nbgrader generate_assignment <lesson>``, and after the students hand in, ``nbgrader
    autograde <lesson>`` and ``nbgrader export``. Returns the notebooks written."""
    src, course = _folders(src, course, "course folder")
    lessons = sorted(p for p in src.glob("*.ipynb") if re.match(r"\d\d-", p.name))
    if not lessons:
        raise AssignError(f"{src} holds no numbered lessons (NN-name.ipynb)")
    extras = [(path, rel) for path, rel in _files(src) if path.suffix != ".ipynb"]
    plan: dict[Path, bytes | Path] = {course / "nbgrader_config.py": NBGRADER_CONFIG.encode()}
    for path in lessons:
        folder = course / "source" / path.stem
        plan[folder / path.name] = _notebook_bytes(nbgrader_notebook(_read_notebook(path), str(path)))
        plan.update({folder / rel: extra for extra, rel in extras})
    try:
        written = write_files(plan, force, "course files")
    except OutputError as e:
        raise AssignError(str(e)) from None
    return [p for p in written if p.suffix == ".ipynb"]
