"""What ``pip install toylands`` installs: the engine and the checking machinery, and none of the course's answers.

The wheel is built the way pip builds it (in an isolated build environment), from a copy of the source tree, so that
nothing is written into the clone. The course's exercise definitions (``lessons/checks.py``: the reference
computations) stay with the lessons.
"""

import ast
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
COURSE = ROOT / "lessons" / "checks.py"
#: What a clone holds that is not source: version control, environments, caches, build output, generated folders.
NOT_SOURCE = shutil.ignore_patterns(".git", ".venv", "build", "dist", "*.egg-info", "__pycache__", ".*_cache", ".hypothesis",
                                    "site", "_site", "course", "student", "gallery", "out")  # fmt: skip


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> zipfile.ZipFile:
    tmp = tmp_path_factory.mktemp("wheel")
    src = tmp / "toylands"
    shutil.copytree(ROOT, src, ignore=NOT_SOURCE)
    r = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(tmp / "dist"), str(src)],
                       capture_output=True, text=True, timeout=300)  # fmt: skip
    assert r.returncode == 0, f"pip wheel failed:\n{r.stdout[-2000:]}\n{r.stderr[-2000:]}"
    (built,) = (tmp / "dist").glob("toylands-*.whl")
    with zipfile.ZipFile(built) as z:
        yield z


def _course() -> tuple[set[str], set[str]]:
    """The course's exercise ids, and the distinctive lines of its checkers' code (the reference computations)."""
    source = COURSE.read_text()
    text = source.splitlines()
    keys, lines = set(), set()
    for node in ast.parse(source).body:
        if isinstance(node, ast.FunctionDef):
            for d in node.decorator_list:
                if isinstance(d, ast.Call) and getattr(d.func, "id", None) == "exercise":
                    keys.add(d.args[0].value)
            body = node.body[1:] if ast.get_docstring(node) else node.body
            code = text[body[0].lineno - 1 : body[-1].end_lineno]
            lines |= {line.strip() for line in code if len(line.strip()) > 40 and not line.strip().startswith("#")}
    return keys, lines


def test_the_wheel_holds_the_package_whole(wheel):
    names = set(wheel.namelist())
    package = {p.relative_to(ROOT).as_posix() for p in (ROOT / "toylands").rglob("*")
               if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"}  # fmt: skip
    assert package <= names, f"files of the package missing from the wheel: {sorted(package - names)}"
    assert {"toylands/landscape.py", "toylands/optim.py", "toylands/run.py", "toylands/exercises.py"} <= names
    machinery = wheel.read("toylands/exercises.py").decode()
    assert "def check(" in machinery and "def exercise(" in machinery


def test_the_wheel_holds_no_lesson_and_no_answer(wheel):
    names = wheel.namelist()
    assert not [n for n in names if n.endswith(".ipynb") or n.startswith(("lessons/", "tests/"))], names
    assert not [n for n in names if Path(n).name == "checks.py"], names
    keys, lines = _course()
    assert len(keys) >= 50 and len(lines) >= 100, "the course's definitions were not read"
    for name in (n for n in names if n.endswith(".py")):
        source = wheel.read(name).decode()
        registered = [node.args[0].value for node in ast.walk(ast.parse(source))
                      if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", None)) == "exercise"
                      and node.args and isinstance(node.args[0], ast.Constant) and node.args[0].value in keys]  # fmt: skip
        assert not registered, f"{name} registers the course's exercises {registered}"
        shown = [line for line in lines if line in source]
        assert not shown, f"{name} holds reference computations of the course's checkers: {shown[:3]}"
