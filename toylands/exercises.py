"""Exercises that check themselves, and the student version of a lesson.

In a lesson, an exercise is a solution between ``### BEGIN SOLUTION`` and ``### END SOLUTION``
(nbgrader's markers), followed by ``check("02.1", answer)``. The check says what is off and gives a
hint, never the answer. Set ``TOYLANDS_STRICT=1`` (CI does) and a wrong answer raises instead.

``python -m toylands assign lessons/ OUTDIR`` writes the student versions: every solution block
becomes a stub that keeps the notebook runnable (``answer = ...  # YOUR CODE HERE``, or a function
that raises ``NotImplementedError``), so each check fails until the student fills it in.
"""

from __future__ import annotations

import ast
import json
import os
import re
import shutil
from pathlib import Path

import numpy as np

__all__ = ["check", "evaluate", "ExerciseError", "CHECKS", "exercise", "student_source", "assign", "strict"]

BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
CHECKS: dict = {}


class ExerciseError(AssertionError):
    """A wrong (or missing) answer, raised in strict mode."""


class Wrong(Exception):
    """Raised inside a checker: the message says what is off and how to think about it."""


def strict() -> bool:
    return os.environ.get("TOYLANDS_STRICT", "").lower() in ("1", "true", "yes")


def exercise(key: str, title: str):
    """Register a checker ``fn(*answers)`` for exercise ``key``: it returns a message when right, raises ``Wrong`` when not."""

    def register(fn):
        CHECKS[key] = (title, fn)
        return fn

    return register


def check(key: str, *answers) -> None:
    """Check the answer(s) to exercise ``key`` and print the verdict; in strict mode raise when it is wrong."""
    ok, message = evaluate(key, *answers)
    title = CHECKS[key][0]
    print(f"{'✓' if ok else '✗'} Exercise {key} ({title}): {message or 'correct.'}")
    if not ok and strict():
        raise ExerciseError(f"exercise {key}: {message}")


def evaluate(key: str, *answers) -> tuple[bool, str]:
    """``(right?, feedback)`` for the answer(s) to exercise ``key``, without printing anything."""
    from . import checks  # noqa: F401  (registers the lessons' checkers)

    if key not in CHECKS:
        raise KeyError(f"no exercise {key!r}; known: {', '.join(sorted(CHECKS))}")
    title, fn = CHECKS[key]
    try:
        if any(a is Ellipsis for a in answers):
            raise Wrong("not answered yet: replace the `...` with your answer.")
        message = fn(*answers)
    except Wrong as w:
        message, ok = str(w), False
    except Exception as e:  # the student's own code failed inside the check
        if _caused_by(e, NotImplementedError):
            message = "not answered yet: your function still raises NotImplementedError."
        else:
            message = f"your answer raised {type(e).__name__}: {e}"
        ok = False
    else:
        ok = True
    return ok, message


def _caused_by(e, kind) -> bool:
    while e is not None:
        if isinstance(e, kind):
            return True
        e = e.__cause__ or e.__context__
    return False


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


def _stub(block: str, used: set | None = None) -> str:
    """What a student sees instead of a solution: the names the check needs, and functions to write.

    Only assignments to names in ``used`` (the names the rest of the cell uses) are kept, so the
    stub does not give away the solution's intermediate steps.
    """
    try:
        tree = ast.parse(block)
    except SyntaxError:
        return "# YOUR CODE HERE\n"
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
    return "\n".join(lines or ["# YOUR CODE HERE"]) + "\n"


def student_source(source: str) -> str:
    """A cell's source with every solution block replaced by its stub (indentation kept)."""
    pattern = re.compile(rf"^([ \t]*){re.escape(BEGIN)}[^\n]*\n(.*?)^[ \t]*{re.escape(END)}[^\n]*\n?", re.S | re.M)

    def replace(m):
        indent, block = m.group(1), m.group(2)
        body = "\n".join(line[len(indent) :] if line.startswith(indent) else line for line in block.splitlines())
        used = set(re.findall(r"[A-Za-z_]\w*", source[m.end() :]))
        return "".join(indent + line + "\n" for line in _stub(body, used).splitlines())

    out = pattern.sub(replace, source)
    if BEGIN in out or END in out:
        raise ValueError("unbalanced ### BEGIN SOLUTION / ### END SOLUTION markers")
    return out


def assign(src, out) -> list[Path]:
    """Write the student version of every notebook in ``src`` to ``out`` (outputs cleared); copy other files."""
    src, out = Path(src), Path(out)
    if not src.is_dir():
        raise FileNotFoundError(f"{src} is not a folder of lessons")
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for path in sorted(src.iterdir()):
        if path.name.startswith(".") or path.is_dir():
            continue
        target = out / path.name
        if path.suffix != ".ipynb":
            shutil.copy(path, target)
            continue
        nb = json.loads(path.read_text())
        for cell in nb["cells"]:
            if cell["cell_type"] == "code":
                source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
                cell["source"] = student_source(source)
                cell["outputs"], cell["execution_count"] = [], None
        target.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n")
        written.append(target)
    return written
