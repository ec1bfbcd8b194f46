"""The course as a website that reads without a kernel: ``python -m toylands site OUTDIR``.

Sphinx with MyST-NB builds it (``pip install -e ".[site]"``). Before that, each lesson is executed (or taken,
already executed, from ``executed=``) and made readable without a kernel:

- a widget drawn in the browser (an anywidget on ``widgets._drawing``: its output carries ``LIVE``, the name of its
  ES module and its state saved at the end of the run) stays alive: the page runs the widget's own module on that
  state through a stand-in model (``widgets/static/boot.js``, ``standin.js``), all scripts served from the site
  itself (``_static/toylands/``), so its sliders redraw with no kernel and no network; the still picture
  matplotlib painted is its fallback (no JavaScript, print). A page carries at most ``WIDGET_BUDGET`` bytes of
  such widget data (the build warns beyond it);
- any other widget output (an ipywidgets control, a user's ipympl figure) becomes the picture it carries, if any;
  a progress bar, which
  shows nothing once its kernel is gone, is left out;
- an exercise shows the student's version (the solution replaced by its stub, no output), as
  ``python -m toylands assign`` writes it: a reader does it live;
- under the title, a "Launch on Binder" button opens the student version (``lessons/<name>``), and the student
  notebook and the course's ``checks.py`` are there to download;
- code cells get a copy button (sphinx-copybutton, its script served from the site);
- the index gets the table of contents: the lessons, then "For teachers": the instructor guide (``TEACHERS.md``
  beside the lessons) and the answer key, ``answers/<name>``: each lesson solved and run, marked for teachers.

Math is typeset by a copy of MathJax inside the site (the files of sphinx-mathjax-offline, only those that typeset
TeX as HTML: 10 of its 24 MB): the site reads without a network. This module is also the Sphinx extension that
copies them.
Animations are the inlined videos the lessons made. Nothing here is needed by the package itself.
"""

from __future__ import annotations

import html
import importlib.util
import json
import math
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path

from ._files import OutputError, check_folder, replace_folder, write_files
from .exercises import BEGIN, _plan, student_source

__all__ = ["SiteError", "Stopped", "build_site", "readable", "binder_url", "live_block", "widget_data", "EXTENSIONS",
           "WIDGET_BUDGET"]  # fmt: skip

WIDGET = "application/vnd.jupyter.widget-view+json"
#: A widget drawn in the browser, saved: its module's file name in widgets/static and its state
#: (``widgets._drawing.MIME``, not imported: building the site never loads the widgets).
LIVE = "application/vnd.toylands.widget+json"
#: The widgets' ES modules, copied into the site as ``_static/toylands/``.
STATIC = Path(__file__).parent / "widgets" / "static"
#: The widget data one page may carry, in bytes: the live blocks' saved states and still pictures, as the built HTML
#: holds them (base64). 2.5 MB (2 s at 10 Mbit/s) keeps a lesson page quick to open on a slow line, with room for an
#: Explorer that snaps to a grid of starts computed ahead (lesson 0's: 2.01 MB); the build warns beyond it.
WIDGET_BUDGET = 2_500_000
MARKER = ".toylands-site"  # the manifest: every file the last build wrote into the site folder, the only ones it deletes
NOTEBOOKS = "_notebooks"  # the student notebooks, for download
#: What the build needs beyond the package: (import name, pip name).
ANSWERS = "answers"  # the answer key: the solved lessons, for teachers
EXTENSIONS = (("sphinx", "sphinx"), ("myst_nb", "myst-nb"), ("furo", "furo"), ("sphinx_copybutton", "sphinx-copybutton"),
              ("sphinx-mathjax-offline", "sphinx-mathjax-offline"))  # fmt: skip

CSS = """\
figure.toylands-widget { margin: 1em 0; }
figure.toylands-widget figcaption { font-size: 0.9em; }
p.toylands-live, p.toylands-links { color: var(--color-foreground-secondary); }
p.toylands-live { font-style: italic; }
a.toylands-launch { display: inline-block; margin: 0.2em 0.8em 0.2em 0; padding: 0.35em 0.9em; border-radius: 0.4em;
  background: #440154; color: #fff; font-style: normal; font-weight: 600; text-decoration: none; }
a.toylands-launch:hover, a.toylands-launch:visited { background: #5b2c83; color: #fff; }
div.toylands-live { margin: 1em 0; max-width: 100%; }
div.toylands-live > img.toylands-still { max-width: 100%; height: auto; }
div.toylands-live.toylands-running > img.toylands-still { display: none; }
@media print {
  div.toylands-live.toylands-running > img.toylands-still { display: block; }
  div.toylands-live > .toylands-view { display: none; }
}
"""


#: The site's icon: the contour lines of a bowl around its minimum.
FAVICON = """\
<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">
<rect width="32" height="32" rx="6" fill="#440154"/>
<g fill="none" stroke-width="2.2"><ellipse cx="16" cy="16" rx="13" ry="8" stroke="#fde725"/>
<ellipse cx="16" cy="16" rx="8.5" ry="5" stroke="#5ec962"/><ellipse cx="16" cy="16" rx="4" ry="2.3" stroke="#21918c"/></g>
</svg>
"""


class SiteError(OutputError):
    """The site cannot be built as asked (a missing tool, a lesson that fails, a folder that is not ours)."""


class Stopped(KeyboardInterrupt):
    """The build was stopped by a signal (Ctrl-C, or ``signum``, e.g. SIGTERM); the site folder keeps its last build."""

    def __init__(self, signum: int = signal.SIGINT):
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


@contextmanager
def _stoppable():
    """SIGTERM stops the build as Ctrl-C does (an exception, so that every ``finally`` runs: the kernel and Sphinx are
    stopped, the temporary folders removed); outside the main thread, signals are left as they are."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum, frame):
        raise Stopped(signum)

    before = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, before)


def binder_url(repo: str, name: str) -> str:
    """The Binder link that opens ``lessons/name`` of the GitHub repository ``repo`` ("owner/name") in JupyterLab."""
    return f"https://mybinder.org/v2/gh/{repo}/HEAD?urlpath=lab/tree/lessons/{name}"


def default_repo() -> str:
    """The GitHub repository in the package's metadata (its Source URL), as "owner/name"."""
    from importlib.metadata import PackageNotFoundError, metadata

    try:
        urls = metadata("toylands").get_all("Project-URL") or []
    except PackageNotFoundError:
        urls = []
    for url in urls:
        m = re.search(r"github\.com/([\w.-]+/[\w.-]+?)(?:\.git)?/?$", url)
        if m:
            return m.group(1)
    return "toylands/toylands"


def links(binder: str | None, downloads: dict[str, str]) -> str:
    """The line under a student page's title (MyST): the Binder button, then the files to download by label."""
    parts = [f"[Launch on Binder]({binder}){{.toylands-launch}}"] if binder else []
    if downloads:
        parts.append("Download " + " and ".join(f"{{download}}`{label} <{path}>`" for label, path in downloads.items()))
    return "{.toylands-links}\n" + " ".join(parts)


def banner(student_page: str) -> str:
    """The box under an answer page's title (MyST): for teachers, with the way to the student's page."""
    return (f"```{{admonition}} For teachers: the solved lesson\n:class: important\n\nThe exercises solved, and their "
            f"checks run. Students meet them open, on {{doc}}`the lesson's page <{student_page}>` or on "
            "Binder.\n```")  # fmt: skip


def live_block(saved: dict, png: str | None = None, root: str = "") -> str:
    """The HTML of a widget that runs on the page: ``saved`` is its ``LIVE`` output (``module``, ``state``), ``png``
    its still picture (base64), the fallback; ``root`` the way from the page to the site's root ("../" for a page one
    folder down)."""
    module, state = saved.get("module"), saved.get("state")
    if not (isinstance(module, str) and re.fullmatch(r"[\w-]+(/[\w-]+)*\.js", module) and (STATIC / module).is_file()):
        raise SiteError(f"a widget's output names the ES module {module!r}, which {STATIC} does not hold: the site "
                        "serves only the widgets' own modules")  # fmt: skip
    if not isinstance(state, dict):
        raise SiteError(f"the saved state of a {module} widget is a {type(state).__name__}, not a dict of its traits")
    text = json.dumps(state, separators=(",", ":"), allow_nan=False)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")  # stays inside its script
    name = html.escape(str(saved.get("name") or module.removesuffix(".js")))
    still = (f'<img class="toylands-still" src="data:image/png;base64,{"".join(png.split())}" alt="{name}: the '
             'picture it drew when the lesson ran">' if png else "")  # fmt: skip
    return (f'<div class="toylands-live" data-module="{module}">{still}'
            '<noscript><p class="toylands-live">A live widget: with JavaScript its controls redraw this picture; in '
            'JupyterLab or on Binder all of them do.</p></noscript>'
            f'<script type="application/json">{text}</script>'
            f'<script type="module" src="{root}_static/toylands/boot.js"></script></div>')  # fmt: skip


def widget_data(page: str) -> list[int]:
    """The bytes of each live widget on a built page (its saved state and still picture, as the HTML holds them)."""
    return [len(block.encode()) for block in re.findall(r'<div class="toylands-live".*?</div>', page, re.S)]


def readable(nb, *, student: bool = True, under_title: str | None = None, root: str = ""):
    """Make an executed notebook read without a kernel (in place; returns it): widgets drawn in the browser as live
    blocks (:func:`live_block`; ``root`` is the way from its page to the site's root), other widgets as their
    pictures, exercises as the student's version (unless ``student`` is false: an answer page), and ``under_title``
    (MyST) right under the title."""
    import nbformat

    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        if student and BEGIN in cell.source:
            cell.source = student_source(cell.source, cell.cell_type)
            if cell.cell_type == "code":
                cell.outputs, cell.execution_count = [], None
            continue
        if cell.cell_type != "code":
            continue
        kept = []
        for out in cell.outputs:
            data = out.get("data", {})
            if LIVE in data:  # drawn in the browser: its own module runs on its saved state
                out["data"] = {"text/html": live_block(data[LIVE], data.get("image/png"), root),
                               "text/plain": data.get("text/plain", "")}  # fmt: skip
                out.get("metadata", {}).pop(WIDGET, None)
            elif WIDGET in data:
                if "toylands-widget" in data.get("text/html", ""):  # ours: its picture, readout and where it runs live
                    out["data"] = {"text/html": data["text/html"], "text/plain": data.get("text/plain", "")}
                elif "image/png" in data:  # an ipympl figure: its PNG
                    out["data"] = {"image/png": data["image/png"], "text/plain": "a figure"}
                else:  # a progress bar or a bare control: nothing to see without a kernel
                    continue
            kept.append(out)
        cell.outputs = kept
    if under_title:  # the title's cell is split after its first line
        line = nbformat.v4.new_markdown_cell(under_title)
        first = nb.cells[0] if nb.cells else None
        if first is not None and first.cell_type == "markdown" and first.source.startswith("# "):
            title, _, rest = first.source.partition("\n")
            first.source = title
            nb.cells[1:1] = [line] + ([nbformat.v4.new_markdown_cell(rest.strip("\n"))] if rest.strip() else [])
        else:
            nb.cells.insert(0, line)
    return nb


def _missing() -> list[str]:
    return [pip for module, pip in EXTENSIONS if importlib.util.find_spec(module) is None]


def _kernel_manager_class():
    """A kernel manager over local sockets (IPC) rather than TCP: private to this machine, and without the kernel's
    warning about unencrypted TCP, which a reader of the build's log would take for a failure."""
    import uuid

    from jupyter_client.manager import AsyncKernelManager

    class IPCKernelManager(AsyncKernelManager):  # async: a kernel that runs on never blocks the build's event loop
        def __init__(self, **kw):
            folder = Path(tempfile.gettempdir()) / "toylands-kernels"
            folder.mkdir(exist_ok=True)
            kw.setdefault("transport", "ipc")
            kw.setdefault("ip", str(folder / uuid.uuid4().hex[:12]))
            super().__init__(**kw)

    return IPCKernelManager


def _execute(path: Path, timeout: float):
    """``path`` executed top to bottom in a fresh kernel, in its own folder, within ``timeout`` seconds in all.

    The kernel is stopped however this ends, Ctrl-C included: nbclient's own ``execute()`` would take Ctrl-C and
    SIGTERM for itself and carry on, so the cells are run one by one here, inside its ``setup_kernel``.
    """
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, kernel_name="python3", kernel_manager_class=_kernel_manager_class(),
                            shutdown_kernel="immediate", resources={"metadata": {"path": str(path.parent)}})  # fmt: skip
    deadline = time.monotonic() + timeout
    try:
        with client.setup_kernel():
            for index, cell in enumerate(nb.cells):
                client.timeout = max(1, math.ceil(deadline - time.monotonic()))
                client.execute_cell(cell, index, execution_count=client.code_cells_executed + 1)
    except CellTimeoutError:
        raise SiteError(f"{path.name} ran longer than {timeout:g} s (an endless loop, or a slow machine: pass a longer "
                        "--timeout), so the site was not built") from None  # fmt: skip
    except CellExecutionError as e:
        plain = re.sub(r"\x1b\[[0-9;]*m", "", str(e))  # the traceback without its terminal colours
        raise SiteError(f"{path.name} stopped with an error, so the site was not built:\n{plain[-1500:]}") from None
    except DeadKernelError:
        raise SiteError(f"the kernel running {path.name} died (out of memory?), so the site was not built") from None
    return nb


def _executed(path: Path, executed: Path | None):
    """The executed copy of ``path``: in ``executed`` if it holds one of this very lesson (same cells), ``path`` itself
    if it has no code to run, else None."""
    import nbformat

    nb = nbformat.read(path, as_version=4)
    if not any(cell.cell_type == "code" for cell in nb.cells):
        return nb
    if executed is None or not (executed / path.name).exists():
        return None
    done = nbformat.read(executed / path.name, as_version=4)
    return done if [c.source for c in nb.cells] == [c.source for c in done.cells] else None


def _conf(title: str) -> str:
    return f"""\
# Written by python -m toylands site; the build reads it from a temporary folder.
project = {title!r}
author = "the toylands developers"
copyright = "the toylands developers. Lesson text and figures: CC BY 4.0; code: MIT"
extensions = ["myst_nb", "sphinx_copybutton", "toylands.site"]  # toylands.site copies MathJax: math without a network
copybutton_selector = "div:not(.output) > div.highlight pre"  # code, not what it printed
copybutton_exclude = ".linenos, .gp, .go"
mathjax_path = "mathjax/tex-chtml.js"
myst_enable_extensions = ["dollarmath", "amsmath", "attrs_block", "attrs_inline"]
myst_dmath_double_inline = True  # a $$...$$ line inside a paragraph, as JupyterLab shows it
nb_execution_mode = "off"  # executed before the build
exclude_patterns = [{NOTEBOOKS!r}, "_build"]
html_theme = "furo"
html_title = {title!r}
html_static_path = ["_static"]
html_css_files = ["toylands.css"]
html_favicon = "_static/favicon.svg"
html_show_sourcelink = False
html_copy_source = False  # the notebooks with their outputs, twice the site's size
"""


#: What the site keeps of MathJax: the component that reads TeX and writes HTML, what it loads on demand (TeX
#: packages, fonts) and what its menu offers (accessibility, speech); the other components are left out.
MATHJAX_PARTS = ("tex-chtml.js", "input", "output", "ui", "a11y", "sre")


def _copy_mathjax(app, exception):
    if exception is not None:
        return
    spec = importlib.util.find_spec("sphinx-mathjax-offline")
    source = Path(next(iter(spec.submodule_search_locations))) / "static" / "mathjax"
    target = Path(app.outdir) / "_static" / "mathjax"
    target.mkdir(parents=True, exist_ok=True)
    for part in MATHJAX_PARTS:
        if (source / part).is_dir():
            shutil.copytree(source / part, target / part, dirs_exist_ok=True)
        else:
            shutil.copy2(source / part, target / part)


def setup(app):
    """The site's Sphinx extension (its conf.py lists ``toylands.site``): MathJax copied into the built site."""
    app.connect("build-finished", _copy_mathjax)
    return {"parallel_read_safe": True, "parallel_write_safe": True}


def _apart(outdir: Path, inputs: list[tuple[str, Path]]) -> None:
    """Refuse a site folder that is, lies inside, or holds one of the folders the build reads (links resolved)."""
    out = outdir.resolve()
    for what, folder in inputs:
        real = folder.resolve()
        where = "is" if out == real else "is inside" if real in out.parents else "holds" if out in real.parents else None
        if where:
            raise SiteError(f"the site folder {outdir} {where} the {what} {folder}: a build there could overwrite or "
                            "delete it. Choose a folder apart from it; nothing was written.")  # fmt: skip


def _sphinx(src: Path, out: Path, doctrees: Path) -> list[str]:
    """The command that builds the HTML of ``src`` into ``out``."""
    return [sys.executable, "-m", "sphinx", "-b", "html", "-q", "-d", str(doctrees), str(src), str(out)]


def _run(args: list[str]) -> str:
    """Run ``args`` and return what it printed on stderr; it is stopped if this is (Ctrl-C, SIGTERM). Its own session
    keeps a terminal's Ctrl-C from reaching it: it is stopped here, once, quietly."""
    with subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True) as proc:
        try:
            _, err = proc.communicate()
        except BaseException:
            proc.terminate()
            try:
                proc.wait(5)
            except subprocess.TimeoutExpired:
                proc.kill()
            raise
    if proc.returncode != 0:
        raise SiteError(f"Sphinx could not build the site:\n{err[-3000:]}")
    return err


def default_lessons() -> Path:
    """The solved lessons the site is built from: ``lessons/solutions``, or ``lessons`` where there is none."""
    return Path("lessons/solutions") if Path("lessons/solutions").is_dir() else Path("lessons")


def _beside(lessons: Path, name: str) -> Path | None:
    """The course's file ``name`` (checks.py, TEACHERS.md): in the lessons folder or its parent, as
    ``python -m toylands assign`` finds checks.py."""
    return next((folder / name for folder in (lessons, lessons.parent) if (folder / name).is_file()), None)


def build_site(outdir, lessons=None, *, executed=None, repo: str | None = None, force: bool = False,
               answers: bool = True, timeout: float = 600, progress: bool = True) -> Path:  # fmt: skip
    """Build the course website into ``outdir`` from the solved lessons (default: :func:`default_lessons`); returns
    its ``index.html``.

    Students' pages show the exercises open; with ``answers``, the answer key (each lesson solved, with its outputs)
    is on pages of its own under ``answers/``, for teachers. ``executed``: a folder of the lessons already executed
    (as the tests leave them); a lesson found there with the same cells is not run again, any other is executed here,
    within ``timeout`` seconds. ``repo`` ("owner/name" on GitHub; default: the package's) is where the Binder buttons
    point: each opens the student version, ``lessons/<name>``.

    ``outdir`` may be new, empty, or a site built before: the new site is built beside it and replaces it only once
    complete, and a rebuild deletes only the files the last build wrote (listed in ``outdir/.toylands-site``). Any
    other folder is refused unless ``force`` (the site is built beside its files, which are kept); so is a folder
    that is, lies inside or holds a folder the build reads (the lessons, the course's, ``executed``). Ctrl-C or SIGTERM
    stop the build (the exception :class:`Stopped`, a KeyboardInterrupt), leaving ``outdir`` as it was.
    """
    missing = _missing()
    if missing:
        raise SiteError(f"building the site needs {', '.join(missing)}: pip install -e \".[site]\" (or pip install "
                        f"{' '.join(missing)})")  # fmt: skip
    if not (isinstance(timeout, (int, float)) and math.isfinite(timeout) and timeout > 0):
        raise SiteError(f"timeout should be a number of seconds above 0 (how long a lesson may run); got {timeout!r}")
    lessons = Path(lessons) if lessons is not None else default_lessons()
    outdir, executed = Path(outdir), Path(executed) if executed is not None else None
    read = [("lessons folder", lessons)] + [("folder of executed lessons", executed)] * (executed is not None)
    for what, folder in read:
        if not folder.is_dir():
            raise SiteError(f"the {what} {folder} is not a folder")
    course = [_beside(lessons, name) for name in ("checks.py", "TEACHERS.md")]
    _apart(outdir, read + [("course folder", path.parent) for path in course if path and path.parent != lessons])
    if not (lessons / "index.ipynb").exists():
        raise SiteError(f"{lessons} has no index.ipynb: the site's first page is the course's index")
    try:
        check_folder(outdir, MARKER, force, "site")
    except OutputError as e:
        raise SiteError(str(e)) from None
    repo = repo or default_repo()
    with _stoppable(), tempfile.TemporaryDirectory(prefix="toylands-site-") as tmp:
        src = Path(tmp) / "source"
        _sources(src, lessons, executed, repo=repo, answers=answers, timeout=timeout, progress=progress)
        beside = next(p for p in outdir.resolve().parents if p.is_dir())  # the same filesystem: files move, not copied
        built = Path(tempfile.mkdtemp(prefix=f".{outdir.name}.building-", dir=beside))
        try:
            if progress:
                print("building the site with Sphinx ...", flush=True)
            warnings = _run(_sphinx(src, built, Path(tmp) / "doctrees"))
            if warnings.strip():
                print(warnings, file=sys.stderr)
            _over_budget(built)
            replace_folder(built, outdir, MARKER, force=force, what="site")
        except OutputError as e:
            raise SiteError(str(e)) from None
        finally:
            shutil.rmtree(built, ignore_errors=True)
    return outdir / "index.html"


def _over_budget(built: Path) -> None:
    """Warn about the pages that carry more widget data than ``WIDGET_BUDGET``."""
    for page in sorted(built.rglob("*.html")):
        total = sum(widget_data(page.read_text(encoding="utf-8")))
        if total > WIDGET_BUDGET:
            print(f"warning: {page.relative_to(built).as_posix()} carries {total / 1e6:.2f} MB of widget data, beyond the "
                  f"budget of {WIDGET_BUDGET / 1e6:g} MB a page: a reader on a slow line waits for it. Precompute less "
                  "(fewer steps or learning rates), or split the widgets over pages.", file=sys.stderr)  # fmt: skip


def _toctree(pages: list[str], caption: str | None = None, hidden: bool = True) -> str:
    options = [":hidden:"] * hidden + [":maxdepth: 1"] + [f":caption: {caption}"] * bool(caption)
    return "```{toctree}\n" + "\n".join(options) + "\n\n" + "\n".join(pages) + "\n```"


def _solved(nb) -> bool:
    return any(BEGIN in cell.source for cell in nb.cells)


def _sources(src: Path, lessons: Path, executed: Path | None, *, repo: str, answers: bool, timeout: float,
             progress: bool) -> None:  # fmt: skip
    """Write the Sphinx project into ``src``: each lesson executed (or taken from ``executed``) and made readable,
    its answer page, the student notebooks and checks.py to download, the instructor guide, the licence, conf.py."""
    import copy

    import nbformat
    from tqdm.auto import tqdm

    try:  # the student versions as lessons/ holds them (python -m toylands assign --self-study), and checks.py
        write_files(_plan(lessons, src / NOTEBOOKS, self_study=True), what="student notebooks")
    except OutputError as e:
        raise SiteError(str(e)) from None
    paths = sorted(lessons.glob("*.ipynb"))
    ready = {path: _executed(path, executed) for path in paths}  # each read once: they hold every figure
    todo = sum(nb is None for nb in ready.values())
    keyed = []  # the lessons with an answer page
    with tqdm(total=todo, desc="executing lessons", disable=not progress or not todo) as bar:
        for path, nb in ready.items():
            if nb is None:
                bar.set_postfix_str(path.stem)
                nb = _execute(path, timeout)
                bar.update()
            if answers and path.name != "index.ipynb" and _solved(nb):
                key = readable(copy.deepcopy(nb), student=False, under_title=banner(f"../{path.stem}"), root="../")
                if key.cells and key.cells[0].source.startswith("# "):
                    key.cells[0].source += " (solved)"
                (src / ANSWERS).mkdir(parents=True, exist_ok=True)
                nbformat.write(key, src / ANSWERS / path.name)
                keyed.append(path.stem)
            downloads = {path.name: f"{NOTEBOOKS}/{path.name}"}
            if (src / NOTEBOOKS / "checks.py").exists():
                downloads["checks.py"] = f"{NOTEBOOKS}/checks.py"
            readable(nb, under_title=links(binder_url(repo, path.name), downloads))
            ready[path] = nb
    guide = _beside(lessons, "TEACHERS.md")
    if guide:
        (src / "TEACHERS.md").write_text(guide.read_text(encoding="utf-8"), encoding="utf-8")
    if keyed:
        (src / ANSWERS / "index.md").write_text("# The answer key\n\nFor teachers: each lesson with its exercises solved "
                                                "and its checks run.\n\n" + _toctree(keyed, hidden=False) + "\n")  # fmt: skip
    for path, nb in ready.items():
        if path.name == "index.ipynb":
            teachers = ["TEACHERS"] * bool(guide) + [f"{ANSWERS}/index"] * bool(keyed)
            nb.cells.append(nbformat.v4.new_markdown_cell("\n\n".join(
                [_toctree([p.stem for p in paths if p.name != "index.ipynb"], "Lessons")]
                + ([_toctree(teachers, "For teachers")] if teachers else []) + [_toctree(["LICENSE"])])))  # fmt: skip
        nbformat.write(nb, src / path.name)
    licence = lessons / "LICENSE.md"
    (src / "LICENSE.md").write_text(licence.read_text() if licence.exists() else "# Licence\n\nCC BY 4.0\n")
    (src / "_static").mkdir()
    # The widgets' modules, served by the site itself (boot.js runs them); the build's manifest lists them.
    shutil.copytree(STATIC, src / "_static" / "toylands", ignore=shutil.ignore_patterns("__pycache__", "*.py[co]"))
    (src / "_static" / "toylands.css").write_text(CSS)
    (src / "_static" / "favicon.svg").write_text(FAVICON)
    (src / "conf.py").write_text(_conf("toylands"))
