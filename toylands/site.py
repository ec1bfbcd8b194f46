"""The course as a website that reads without a kernel: ``python -m toylands site OUTDIR``.

Sphinx with MyST-NB builds it (``pip install -e ".[site]"``). Before that, each lesson is executed (or taken,
already executed, from ``executed=``) and made readable without a kernel:

- a widget becomes the picture it opened with, its readout, and a line saying that it runs live on Binder or in
  JupyterLab (the widgets put these in their own output: ``widgets._Widget._repr_mimebundle_``); an ipympl
  figure becomes its PNG; a progress bar, which shows nothing once its kernel is gone, is left out;
- an exercise shows the student's version (the solution replaced by its stub, no output), as
  ``python -m toylands assign`` writes it: a reader does it live;
- a line under the title links the lesson on Binder and the student notebook to download;
- the index gets the table of contents.

Math is typeset by a copy of MathJax inside the site (the files of sphinx-mathjax-offline, only those that typeset
TeX as HTML: 10 of its 24 MB): the site reads without a network. This module is also the Sphinx extension that
copies them.
Animations are the inlined videos the lessons made. Nothing here is needed by the package itself.
"""

from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from ._files import OutputError, write_files
from .exercises import BEGIN, _folders, _plan, student_source

__all__ = ["SiteError", "build_site", "readable", "binder_url", "EXTENSIONS"]

WIDGET = "application/vnd.jupyter.widget-view+json"
MARKER = ".toylands-site"  # in a folder this module wrote: it may be replaced whole
NOTEBOOKS = "_notebooks"  # the student notebooks, for download
#: What the build needs beyond the package: (import name, pip name).
EXTENSIONS = (("sphinx", "sphinx"), ("myst_nb", "myst-nb"), ("furo", "furo"),
              ("sphinx-mathjax-offline", "sphinx-mathjax-offline"))  # fmt: skip

CSS = """\
figure.toylands-widget { margin: 1em 0; }
figure.toylands-widget figcaption { font-size: 0.9em; }
p.toylands-live, p.toylands-binder { color: var(--color-foreground-secondary); font-style: italic; }
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


def readable(nb, *, binder: str | None = None, download: str | None = None):
    """Make an executed notebook read without a kernel (in place; returns it): widgets as their pictures, exercises
    as the student's version, a line under the title with the Binder link and the notebook to download."""
    import nbformat

    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        if BEGIN in cell.source:
            cell.source = student_source(cell.source)
            cell.outputs = []
            cell.execution_count = None
            continue
        kept = []
        for out in cell.outputs:
            data = out.get("data", {})
            if WIDGET in data:
                if "toylands-widget" in data.get("text/html", ""):  # ours: its picture, readout and where it runs live
                    out["data"] = {"text/html": data["text/html"], "text/plain": data.get("text/plain", "")}
                elif "image/png" in data:  # an ipympl figure: its PNG
                    out["data"] = {"image/png": data["image/png"], "text/plain": "a figure"}
                else:  # a progress bar or a bare control: nothing to see without a kernel
                    continue
            kept.append(out)
        cell.outputs = kept
    links = []
    if binder:
        links.append(f"[Run it live on Binder]({binder}) (JupyterLab in your browser, nothing to install)")
    if download:
        links.append(f"{{download}}`download the notebook <{download}>`")
    if links:  # right under the title: the title's cell is split after its first line
        line = nbformat.v4.new_markdown_cell("{.toylands-binder}\n" + " · ".join(links))
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

    from jupyter_client.manager import KernelManager

    class IPCKernelManager(KernelManager):
        def __init__(self, **kw):
            folder = Path(tempfile.gettempdir()) / "toylands-kernels"
            folder.mkdir(exist_ok=True)
            kw.setdefault("transport", "ipc")
            kw.setdefault("ip", str(folder / uuid.uuid4().hex[:12]))
            super().__init__(**kw)

    return IPCKernelManager


def _execute(path: Path, timeout: int):
    """``path`` executed top to bottom in a fresh kernel, in its own folder."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    nb = nbformat.read(path, as_version=4)
    try:
        NotebookClient(nb, timeout=timeout, kernel_name="python3", kernel_manager_class=_kernel_manager_class(),
                       resources={"metadata": {"path": str(path.parent)}}).execute()  # fmt: skip
    except CellExecutionError as e:
        raise SiteError(f"{path.name} stopped with an error, so the site was not built:\n{str(e)[-1500:]}") from None
    return nb


def _executed(path: Path, executed: Path | None):
    """The executed copy of ``path`` in ``executed`` if it holds one of this very lesson (same cells), else None."""
    if executed is None or not (executed / path.name).exists():
        return None
    import nbformat

    nb, done = nbformat.read(path, as_version=4), nbformat.read(executed / path.name, as_version=4)
    same = [c.source for c in nb.cells] == [c.source for c in done.cells]
    return done if same else None


def _conf(title: str) -> str:
    return f"""\
# Written by python -m toylands site; the build reads it from a temporary folder.
project = {title!r}
author = "the toylands developers"
copyright = "the toylands developers. Lesson text and figures: CC BY 4.0; code: MIT"
extensions = ["myst_nb", "toylands.site"]  # toylands.site copies MathJax into the site: math without a network
mathjax_path = "mathjax/tex-chtml.js"
myst_enable_extensions = ["dollarmath", "amsmath", "attrs_block"]
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


def build_site(outdir, lessons="lessons", *, executed=None, repo: str | None = None, force: bool = False,
               timeout: int = 600, progress: bool = True) -> Path:  # fmt: skip
    """Build the course website into ``outdir``; returns its ``index.html``.

    ``executed``: a folder of lessons already executed (as the tests leave them); a lesson found there with the
    same cells is not run again, any other is executed here. ``repo`` ("owner/name" on GitHub; default: the
    package's) is where the Binder links point. ``outdir`` may be new, empty, or a site built before (replaced
    whole); any other folder is refused unless ``force``, and it may not lie inside the lessons folder.
    """
    missing = _missing()
    if missing:
        raise SiteError(f"building the site needs {', '.join(missing)}: pip install -e \".[site]\" (or pip install "
                        f"{' '.join(missing)})")  # fmt: skip
    try:
        lessons, outdir = _folders(lessons, outdir, "site folder")
    except OutputError as e:
        raise SiteError(str(e)) from None
    paths = sorted(lessons.glob("*.ipynb"))
    if not (lessons / "index.ipynb").exists():
        raise SiteError(f"{lessons} has no index.ipynb: the site's first page is the course's index")
    if outdir.exists() and any(outdir.iterdir()) and not (outdir / MARKER).exists() and not force:
        raise SiteError(f"{outdir} already holds files that are not a toylands site; nothing was written. Choose an "
                        "empty folder, or pass --force (force=True) to build over them.")  # fmt: skip
    executed = Path(executed) if executed is not None else None
    repo = repo or default_repo()

    import nbformat
    from tqdm.auto import tqdm

    with tempfile.TemporaryDirectory(prefix="toylands-site-") as tmp:
        src = Path(tmp) / "source"
        try:
            write_files(_plan(lessons, src / NOTEBOOKS), what="student notebooks")
        except OutputError as e:
            raise SiteError(str(e)) from None
        ready = {path: _executed(path, executed) for path in paths}  # each read once: they hold every figure
        todo = sum(nb is None for nb in ready.values())
        bar = tqdm(total=todo, desc="executing lessons", disable=not progress or not todo)
        for path, nb in ready.items():
            if nb is None:
                bar.set_postfix_str(path.stem)
                nb = _execute(path, timeout)
                bar.update()
            readable(nb, binder=binder_url(repo, path.name), download=f"{NOTEBOOKS}/{path.name}")
            if path.name == "index.ipynb":
                pages = [p.stem for p in paths if p.name != "index.ipynb"] + ["LICENSE"]
                toc = "```{toctree}\n:hidden:\n:maxdepth: 1\n\n" + "\n".join(pages) + "\n```"
                nb.cells.append(nbformat.v4.new_markdown_cell(toc))
            nbformat.write(nb, src / path.name)
        bar.close()
        licence = lessons / "LICENSE.md"
        (src / "LICENSE.md").write_text(licence.read_text() if licence.exists() else "# Licence\n\nCC BY 4.0\n")
        (src / "_static").mkdir()
        (src / "_static" / "toylands.css").write_text(CSS)
        (src / "_static" / "favicon.svg").write_text(FAVICON)
        (src / "conf.py").write_text(_conf("toylands"))
        if outdir.exists() and (outdir / MARKER).exists():
            shutil.rmtree(outdir)  # ours: replaced whole, so that no page of a removed lesson stays
        if progress:
            print("building the site with Sphinx ...", flush=True)
        args = [sys.executable, "-m", "sphinx", "-b", "html", "-q", "-d", str(Path(tmp) / "doctrees"), str(src), str(outdir)]
        out = subprocess.run(args, capture_output=True, text=True)
        if out.returncode != 0:
            raise SiteError(f"Sphinx could not build the site:\n{out.stderr[-3000:]}")
        if out.stderr.strip():
            print(out.stderr, file=sys.stderr)
    (outdir / MARKER).write_text("Built by python -m toylands site; the next build replaces this folder whole.\n")
    return outdir / "index.html"
