"""Packaging promises: a light import, the README's commands, the lessons run."""

import re
import subprocess
import sys
from pathlib import Path


ROOT = Path(__file__).resolve().parents[1]


def test_import_is_light():
    code = (
        "import sys, time; t = time.perf_counter(); import toylands; dt = time.perf_counter() - t; "
        "heavy = [m for m in ('matplotlib', 'ipywidgets', 'IPython', 'scipy') if m in sys.modules]; "
        "print(dt, heavy)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    dt, heavy = out.split(" ", 1)
    assert heavy.strip() == "[]", f"import toylands pulled in {heavy}"
    assert float(dt) < 2.0  # about 0.15 s on a quiet machine; generous for a loaded CI


def test_readme_gives_exactly_two_commands_and_ci_runs_the_test_one():
    readme = (ROOT / "README.md").read_text()
    commands = re.findall(r"```(?:bash|sh)\n(.*?)```", readme, re.S)
    setup = [c.strip() for c in commands if "pip install" in c]
    assert len(setup) == 2, setup
    lab, test = setup
    assert "jupyter lab" in lab and "[lab]" in lab
    assert "pytest" in test and "[test]" in test
    ci = (ROOT / ".ci" / "run").read_text()
    assert test in ci


def test_licences_are_stated():
    assert "MIT License" in (ROOT / "LICENSE").read_text()
    assert "CC BY 4.0" in (ROOT / "lessons" / "LICENSE.md").read_text()


LESSONS = sorted((ROOT / "lessons").glob("*.ipynb"))


def test_lessons_are_committed_without_outputs():
    import nbformat

    for path in LESSONS:
        nb = nbformat.read(path, as_version=4)
        assert all(not c.get("outputs") and c.get("execution_count") is None for c in nb.cells if c.cell_type == "code"), (
            path.name
        )
