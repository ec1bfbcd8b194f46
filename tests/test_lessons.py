"""The course: every solved lesson (lessons/solutions/) runs top to bottom (strict: every solution passes), within 60 s
and 500 MB; what its text claims holds for what it computed; its exercises refuse wrong answers without giving the
right one away; the indexes link every lesson; every notebook opens clean in JupyterLab; the committed student
versions (lessons/) are what `python -m toylands assign --self-study --force lessons/solutions lessons` writes, keep
no solution in code, and run top to bottom with every check saying "not answered yet"."""

import ast
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import nbformat
import pytest

sys.path.insert(0, str(Path(__file__).parent))
from claims import CLAIMS, SHORTCUTS, THIRD_EDITION  # noqa: E402

from toylands.exercises import BEGIN, END, SHOW_SOLUTION, _numbers_in, assign, load_course, out_of_date, student_source  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
LESSONS = ROOT / "lessons"  # the student versions, generated from SOURCES and committed
SOURCES = LESSONS / "solutions"  # the solved lessons, which authors edit
COURSE = LESSONS / "checks.py"  # the exercises' definitions
NOTEBOOKS = sorted(SOURCES.glob("*.ipynb"))
NUMBERED = [p for p in NOTEBOOKS if re.match(r"\d\d-[a-z0-9-]+\.ipynb$", p.name)]
STUDENT = sorted(LESSONS.glob("*.ipynb"))
STUDENT_NUMBERED = [LESSONS / p.name for p in NUMBERED]
CHECK = re.compile(r"""check\(\s*["']([\w.]+)["']""")
PREDICT = re.compile(r"""predict\(\s*["']([\w.]+)["']""")
REGENERATE = "python -m toylands assign --self-study --force lessons/solutions lessons"
#: Where test_student_versions_run_and_every_check_waits_for_an_answer writes each student lesson's Run All time.
RUN_TIMES = Path(tempfile.gettempdir()) / "toylands-student-run-times.json"


def execute(path: Path, *extra, claims: dict | None = None, tmp: Path | None = None, strict: bool = True) -> dict:
    """Run a notebook in a fresh kernel (in its own folder, as Jupyter does, so that it finds lessons/checks.py by
    itself): strict, so that a wrong answer raises, unless ``strict=False`` (as a student runs it)."""
    env = {**os.environ, "TOYLANDS_STRICT": "1" if strict else "0"}
    # One BLAS thread per kernel: the lessons' matrices are small, and on a busy machine OpenBLAS's threads spin
    # (lesson 11 took 150 s instead of 18 beside one other busy process, and 18 s with one thread).
    env.update(OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1")
    for name in ("MPLBACKEND", "TOYLANDS_COURSE", "NBGRADER_EXECUTION"):
        env.pop(name, None)
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
    assert (SOURCES / "index.ipynb").exists()
    assert [p.name for p in STUDENT] == [p.name for p in NOTEBOOKS], "every solved lesson has its student version"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_lesson_runs_top_to_bottom_and_its_claims_hold(path, tmp_path, executed_lessons):
    nb = nbformat.read(path, as_version=4)
    executed = executed_lessons / path.name  # kept for tests/test_site.py, which builds the website from it
    spec = {"claims": CLAIMS.get(path.stem, []), "shortcuts": SHORTCUTS.get(path.stem, []), "solutions": solutions(nb)}
    r = execute(path, "--out", str(executed), claims=spec, tmp=tmp_path)
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
    taken = [f"{key} accepts {what} ({expr}): {message}" if ok else f"{key}: {what} ({expr}) could not be checked: {message}"
             for key, what, expr, ok, message in r["claims"]["shortcuts"] if ok is not False]  # fmt: skip
    assert not taken, "exercises that pass without the measurement they ask for:\n" + "\n".join(taken)
    if path.stem in THIRD_EDITION:
        bare = sorted(set(r["claims"]["measure"]) - {key for key, *_ in SHORTCUTS.get(path.stem, [])})
        assert not bare, f"measure exercises with no shortcut shown to be rejected (tests/claims.py SHORTCUTS): {bare}"
    if path in NUMBERED:
        assert len(CLAIMS.get(path.stem, [])) >= 3, "every lesson's results are claims with tests"
        shown_above = _answers_shown_above(nbformat.read(executed, as_version=4), r["claims"]["answers"])
        assert not shown_above, "\n".join(shown_above)
    figures = _figure_problems(nbformat.read(executed, as_version=4))
    assert not figures, f"{path.name}: " + "\n".join(figures)


#: The text of an object shown in place of a picture: a figure, axes or artist, a title's Text, or a tuple or list of them.
OBJECT_TEXT = re.compile(r"^[\[(]?(<(Figure size|Axes|matplotlib\.|mpl_toolkits\.)|Text\(|<[\w.]+ (object )?at 0x)")


def _figure_problems(nb) -> list[str]:
    """Still figures are inline PNGs, each shown once: no ipympl canvas (with its "Figure" header), no picture shown
    twice in one cell (``fig`` at a cell's end as well as the figure the inline backend shows), and no object's text
    (``<Figure size ...>``, ``Text(0.5, 1.0, ...)``, ``[<matplotlib.lines.Line2D ...>]``) left as a cell's output."""
    problems = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        pngs = []
        for out in cell.outputs:
            data = out.get("data", {})
            text = str(data.get("text/plain", ""))
            if text.startswith("Canvas("):
                problems.append(f"cell {i}: an ipympl canvas")
            elif "image/png" in data:
                pngs.append(data["image/png"])
            elif "text/html" not in data and OBJECT_TEXT.match(text):
                problems.append(f"cell {i}: shows the text {text[:80]!r} (end the cell with plt.show() or a ;)")
        if len(set(pngs)) < len(pngs):
            problems.append(f"cell {i}: shows the same picture twice")
    return problems


def test_figure_problems_are_found():
    png = {"image/png": "iVBORw0KGgo=", "text/plain": "<Figure size 528x422.4 with 1 Axes>"}

    def cell(*outputs):
        return nbformat.v4.new_code_cell("x", outputs=[nbformat.v4.new_output(kind, **kw) for kind, kw in outputs])

    shown = lambda text: ("execute_result", {"data": {"text/plain": text}})
    cells = [cell(("display_data", {"data": png})),
             cell(("display_data", {"data": png}), ("execute_result", {"data": png})),
             cell(shown("Text(0.5, 1.0, 'x')")),
             cell(shown("[<matplotlib.lines.Line2D at 0x7f>]")),
             cell(("display_data", {"data": {**png, "text/plain": "Canvas(toolbar=Toolbar())"}})),
             cell(("stream", {"text": "<Figure size 1x1> is fine in a print\n"}), shown("0.5"))]  # fmt: skip
    assert _figure_problems(nbformat.v4.new_notebook(cells=cells)) == [
        "cell 1: shows the same picture twice",
        "cell 2: shows the text \"Text(0.5, 1.0, 'x')\" (end the cell with plt.show() or a ;)",
        "cell 3: shows the text '[<matplotlib.lines.Line2D at 0x7f>]' (end the cell with plt.show() or a ;)",
        "cell 4: an ipympl canvas",
    ]


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
    from toylands.exercises import CHECKS, SPECS

    load_course(COURSE)
    nb = nbformat.read(path, as_version=4)
    first = nb.cells[0].source
    assert first.startswith(f"# {int(path.name[:2])}.") and "**What you will learn.**" in first and "**Time:**" in first
    code = [c.source for c in nb.cells if c.cell_type == "code"]
    assert code[0].startswith("import ") and "import toylands as tl" in code[0], "the import cell: no backend magic before it"
    assert not [c for c in code if "%matplotlib widget" in c or "ipympl" in c], "still figures are inline PNGs (no ipympl)"
    assert "from toylands.exercises import check, predict" in code[0] and "toylands.checks" not in code[0]
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
        given = {len(call.args) - 1 for c in code if k in CHECK.findall(c) for call in _calls(c, "check", k)}
        assert {len(SPECS[k]["answer"]), len(SPECS[k]["names"])} == given, f"{k}: one answer format per answer checked"
        assert SPECS[k]["kind"] == "challenge" or SPECS[k]["points"] in (1, 2), f"{k}: 1 or 2 points (lessons/checks.py)"
    assert "## Summary" in nb.cells[-1].source
    assert any("widgets." in c for c in code), "a slider to play with"


def _calls(source: str, name: str, key: str) -> list:
    """The calls ``name(key, ...)`` in a cell's code."""
    tree = ast.parse("\n".join(line for line in source.splitlines() if not line.lstrip().startswith("%")))
    return [n for n in ast.walk(tree) if isinstance(n, ast.Call) and getattr(n.func, "id", None) == name and n.args
            and isinstance(n.args[0], ast.Constant) and n.args[0].value == key]  # fmt: skip


@pytest.mark.parametrize("folder", [SOURCES, LESSONS], ids=["solutions", "student"])
def test_every_link_resolves_and_the_index_links_every_lesson(folder):
    linked = set()
    for path in sorted(folder.glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "markdown":
                for target in re.findall(r"\]\(([^)#]+\.ipynb)\)", cell.source):
                    assert (folder / target).exists(), f"{path.name} links to missing {target}"
                    if path.name == "index.ipynb":
                        linked.add(target)
    assert linked == {p.name for p in NUMBERED}


KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
LANGUAGE_INFO = {"codemirror_mode": {"name": "ipython", "version": 3}, "file_extension": ".py", "mimetype": "text/x-python",
                 "name": "python", "nbconvert_exporter": "python", "pygments_lexer": "ipython3", "version": "3.11.7"}  # fmt: skip


@pytest.mark.parametrize("path", NOTEBOOKS + STUDENT, ids=[f"{p.parent.name}/{p.stem}" for p in NOTEBOOKS + STUDENT])
def test_notebooks_open_clean(path):
    """Opened and saved in JupyterLab, a notebook is what is committed: ipykernel's kernelspec and language_info,
    nbformat 4.5 with cell ids, no outputs, and the bytes that Jupyter's own writer gives (sorted keys, sources as
    lists of lines), so that saving leaves no diff."""
    text = path.read_text(encoding="utf-8")
    nb = nbformat.reads(text, as_version=nbformat.NO_CONVERT)
    assert (nb.nbformat, nb.nbformat_minor) == (4, 5)
    assert nb.metadata.get("kernelspec") == KERNELSPEC and nb.metadata.get("language_info") == LANGUAGE_INFO, nb.metadata
    ids = [c.get("id") for c in nb.cells]
    assert all(ids) and len(set(ids)) == len(ids), "every cell has its own id"
    assert all(not c.outputs and c.execution_count is None for c in nb.cells if c.cell_type == "code"), "outputs cleared"
    nbformat.validate(nb)
    saved = nbformat.writes(nb, version=nbformat.NO_CONVERT)
    assert text == saved + ("" if saved.endswith("\n") else "\n"), f"{path.name} changes when Jupyter saves it"


def test_committed_student_versions_are_up_to_date():
    stale = out_of_date(SOURCES, LESSONS, self_study=True)
    assert not stale, f"{', '.join(str(p.relative_to(ROOT)) for p in stale)} differ from their sources: run {REGENERATE}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_student_versions_show_a_solution_only_on_request(path):
    """No solution line in the student version's code or text, except in the folded "Show a solution" cell right
    after its exercise's check; and every exercise (not the predictions) has one."""
    teacher = nbformat.read(path, as_version=4)
    student = nbformat.read(LESSONS / path.name, as_version=4)
    assert not [c for c in student.cells if BEGIN in c.source or END in c.source]
    folded = [(i, c) for i, c in enumerate(student.cells) if c.cell_type == "markdown" and SHOW_SOLUTION in c.source]
    for i, cell in folded:
        assert cell.source.startswith(f"<details>\n<summary>{SHOW_SOLUTION}</summary>") and cell.source.endswith("</details>")
        assert CHECK.search(student.cells[i - 1].source), "a solution follows its exercise's check"
    shown = "\n".join(c.source for c in student.cells if SHOW_SOLUTION not in c.source)
    exercises = 0
    for cell in teacher.cells:
        blocks = re.findall(rf"{re.escape(BEGIN)}\n(.*?){re.escape(END)}", cell.source, re.S)
        exercises += bool(blocks and CHECK.search(cell.source.rsplit(END, 1)[1]))
        for line in (line.strip() for block in blocks for line in block.splitlines()):
            if line and not line.startswith(("def ", '"""')):
                assert line not in shown, f"{path.name}: the student version shows {line!r} outside a folded solution"
    assert len(folded) == exercises


def test_the_student_folder_holds_what_the_notebooks_need(tmp_path):
    written = assign(SOURCES, tmp_path, self_study=True)
    assert {p.name for p in written} == {p.name for p in NOTEBOOKS}
    assert (tmp_path / "LICENSE.md").exists() and (tmp_path / "checks.py").read_bytes() == COURSE.read_bytes()


@pytest.mark.parametrize("path", STUDENT_NUMBERED, ids=[p.stem for p in STUDENT_NUMBERED])
def test_student_version_runs_and_every_check_waits_for_an_answer(path):
    """Run All on a committed student lesson, as a student runs it (not strict), completes within 60 s and 500 MB: no
    cell raises, nothing is written to stderr, no traceback, every prediction waits for one and every check says "not
    answered yet" (○). Its Run All time is added to RUN_TIMES (a JSON file, by lesson) and printed."""
    r = execute(path, strict=False)
    times = json.loads(RUN_TIMES.read_text()) if RUN_TIMES.exists() else {}
    RUN_TIMES.write_text(json.dumps({**times, path.stem: round(r["seconds"], 1)}, indent=1, sort_keys=True) + "\n")
    print(f"Run All of the student version of {path.stem}: {r['seconds']:.1f} s (all so far in {RUN_TIMES})")
    assert r["error"] is None, r["error"]
    assert r["seconds"] < 60 and r["peak_mb"] < 500, f"{path.name}: {r['seconds']:.0f} s, {r['peak_mb']:.0f} MB"
    problems = []
    for c in r["cells"]:
        where = f"cell {c['index']}"
        if c["error"] or "Traceback" in c["stdout"] or c["stderr"]:
            problems.append(f"{where}: {c['error']}: {c['evalue']} {c['stderr'][:300]}")
        if PREDICT.search(c["source"]) and "no prediction yet" not in c["stdout"]:
            problems.append(f"{where}: a prediction that does not wait for one: {c['stdout'][:300]!r}")
        if CHECK.search(c["source"]):
            verdicts = [line for line in c["stdout"].splitlines() if "Exercise" in line]
            if not verdicts or not all(v.startswith("○") and "not answered yet" in v for v in verdicts):
                problems.append(f"{where}: a check that does not wait for an answer: {c['stdout'][:300]!r}")
    assert not problems, "\n".join(problems)


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

    assert main(["assign", "--self-study", str(SOURCES), str(tmp_path / "student")]) == 0
    written = sorted((tmp_path / "student").glob("*.ipynb"))
    assert [p.name for p in written] == [p.name for p in STUDENT]
    assert all(p.read_bytes() == (LESSONS / p.name).read_bytes() for p in written), "what the committed lessons hold"


def test_checks_give_feedback_without_the_answer(capsys, monkeypatch):
    from toylands.exercises import ExerciseError, check, evaluate

    load_course(COURSE)
    monkeypatch.delenv("TOYLANDS_STRICT", raising=False)
    import numpy as np

    import toylands as tl

    right = 2 / np.linalg.eigvalsh(tl.himmelblau.hessian([3.0, 2.0])).max()  # 02.1: 2 / lambda_max at (3, 2)
    assert check("02.1", 0.05) is None
    out = capsys.readouterr().out
    assert out.startswith("✗") and "not within" in out and f"{right:.3g}" not in out and f"{right:.2g}" not in out
    assert "too large" not in out and "too small" not in out, "no direction to bisect on"
    check("02.1", ...)
    assert "not answered yet" in capsys.readouterr().out
    check("02.1", "0.04")
    assert "threshold should be a number" in capsys.readouterr().out
    assert evaluate("02.1", right)[0] and not evaluate("02.1", 0.05)[0] and not evaluate("02.1", 0.04)[0]
    monkeypatch.setenv("TOYLANDS_STRICT", "1")
    with pytest.raises(ExerciseError, match="exercise 02.1"):
        check("02.1", 0.05)
    capsys.readouterr()
    check("02.1", right)
    assert capsys.readouterr().out.startswith("✓")


LEARN = re.compile(r"\*\*What you will learn\.\*\*\s*(.*?)(?:\n\n|$)", re.S)


def what_you_will_learn(path: Path) -> str:
    """A lesson's "What you will learn" paragraph, on one line (what the index's row for it says)."""
    first = nbformat.read(path, as_version=4).cells[0].source
    m = LEARN.search(first)
    assert m, f"{path.name}: its first cell has no **What you will learn.** paragraph"
    return " ".join(m.group(1).split())


def test_the_index_says_what_each_lesson_says_it_teaches():
    """Each row of the index is its lesson's own "What you will learn" (which names questions, never their answers):
    a row copied from an older edition would answer an exercise before the lesson asks it."""
    index = "\n".join(c.source for c in nbformat.read(SOURCES / "index.ipynb", as_version=4).cells if c.cell_type == "markdown")
    rows = dict(re.findall(r"^\| \[[^\]]+\]\(([^)]+\.ipynb)\) \| (.*) \|$", index, re.M))
    assert set(rows) == {p.name for p in NUMBERED}
    stale = [name for name in rows if rows[name] != what_you_will_learn(SOURCES / name)]
    assert not stale, f"index rows that differ from their lessons' 'What you will learn': {stale}"


def test_the_index_gives_the_range_of_the_lessons_measured_times():
    index = nbformat.read(SOURCES / "index.ipynb", as_version=4).cells[0].source
    lo, hi = map(int, re.search(r"each takes (\d+) to (\d+) minutes", index).groups())
    times = [int(re.search(r"\*\*Time:\*\* about (\d+) minutes", nbformat.read(p, as_version=4).cells[0].source).group(1))
             for p in NUMBERED]  # fmt: skip
    assert (lo, hi) == (min(times), max(times)), f"the lessons' Time lines run from {min(times)} to {max(times)} minutes"
