"""The course as a website (``python -m toylands site``): how a lesson is made readable without a kernel, the
folders the command refuses, a small course built from scratch, and the whole course opened page by page in
chromium: no blank output, every image and video loaded, math typeset without a network, no console error."""

import base64
import functools
import http.server
import json
import os
import sys
import threading
from pathlib import Path

import nbformat
import pytest

from toylands.exercises import BEGIN, END
from toylands.site import WIDGET, SiteError, binder_url, build_site, readable

sys.path.insert(0, str(Path(__file__).parent))
from test_browser import ARGS, CHROMIUM, MISSING  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
LESSONS = ROOT / "lessons"
PNG = base64.b64encode(b"\x89PNG\r\n\x1a\n" + b"\0" * 16).decode()


def _output(data, metadata=None):
    return nbformat.v4.new_output("display_data", data=data, metadata=metadata or {})


def test_readable_shows_pictures_for_widgets_and_the_students_version_of_exercises():
    nb = nbformat.v4.new_notebook()
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}}}
    ours = {WIDGET: {"model_id": "a"}, "image/png": PNG, "text/plain": "Explorer",
            "text/html": '<figure class="toylands-widget"><img src="data:image/png;base64,..."></figure>'}  # fmt: skip
    ipympl = {WIDGET: {"model_id": "b"}, "image/png": PNG, "text/html": "<div>Figure 1<img></div>", "text/plain": "Canvas"}
    bar = {WIDGET: {"model_id": "c"}, "text/plain": "HBox(children=(HTML(value=''), FloatProgress(value=0.0)))"}
    nb.cells = [
        nbformat.v4.new_markdown_cell("# 2. A lesson\n\n**What you will learn.** Rates."),
        nbformat.v4.new_code_cell("w", outputs=[_output(ours)]),
        nbformat.v4.new_code_cell("fig", outputs=[_output(ipympl), _output(bar), nbformat.v4.new_output("stream", text="hi\n")]),
        nbformat.v4.new_code_cell(f"{BEGIN}\nlr = 0.25\n{END}\ncheck('02.1', lr)",
                                  outputs=[nbformat.v4.new_output("stream", text="✓ Exercise 02.1: right, 0.25\n")]),
    ]  # fmt: skip
    readable(nb, binder="https://mybinder.org/v2/gh/o/r/HEAD?urlpath=lab/tree/lessons/02-x.ipynb", download="_nb/02-x.ipynb")
    assert "widgets" not in nb.metadata
    title, links, intro, widget, figure, exercise = nb.cells
    assert title.source == "# 2. A lesson" and intro.source == "**What you will learn.** Rates."  # the links under the title
    assert "[Run it live on Binder](https://mybinder.org/v2/gh/o/r/HEAD?urlpath=lab/tree/lessons/02-x.ipynb)" in links.source
    assert "{download}`download the notebook <_nb/02-x.ipynb>`" in links.source
    shown = widget.outputs[0].data
    assert list(shown) == ["text/html", "text/plain"] and "toylands-widget" in shown["text/html"]
    assert [list(o.get("data", {"stream": 0})) for o in figure.outputs] == [["image/png", "text/plain"], ["stream"]]
    assert exercise.outputs == [] and "0.25" not in exercise.source and "lr = ...  # YOUR CODE HERE" in exercise.source


def test_binder_links_open_the_lesson_in_jupyterlab():
    assert binder_url("toylands/toylands", "03-momentum-and-nesterov.ipynb") == (
        "https://mybinder.org/v2/gh/toylands/toylands/HEAD?urlpath=lab/tree/lessons/03-momentum-and-nesterov.ipynb")
    readme = (ROOT / "README.md").read_text()
    assert binder_url("toylands/toylands", "index.ipynb") in readme  # the README's badge opens the same way


def test_the_site_command_refuses_folders_it_would_spoil(tmp_path):
    from toylands.__main__ import main

    with pytest.raises(SiteError, match="inside the lessons folder"):
        build_site(LESSONS / "site", LESSONS)
    theirs = tmp_path / "theirs"
    theirs.mkdir()
    (theirs / "notes.txt").write_text("a teacher's notes")
    with pytest.raises(SiteError, match="not a toylands site; nothing was written"):
        build_site(theirs, LESSONS)
    assert [p.name for p in theirs.iterdir()] == ["notes.txt"]
    (tmp_path / "no-index").mkdir()
    with pytest.raises(SiteError, match="has no index.ipynb"):
        build_site(tmp_path / "out", tmp_path / "no-index")
    assert main(["site", str(theirs), "--lessons", str(LESSONS)]) == 2


def test_the_site_command_says_what_to_install(monkeypatch):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "furo" else real(name, *a))
    with pytest.raises(SiteError, match=r"needs furo: pip install -e \"\.\[site\]\""):
        build_site("/tmp/never-written")


def _tiny_course(folder: Path) -> Path:
    """Two notebooks that call the package as the lessons do: an index, and a lesson with math, a widget, an ipympl
    figure, a progress bar and an exercise."""
    folder.mkdir()
    index = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# A tiny course\n\n[The lesson](01-tiny.ipynb)")])
    lesson = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# 1. Tiny\n\nThe rate $\\eta$ times the gradient:\n"
                                      "$$x_{t+1} = x_t - \\eta \\nabla L(x_t)$$\nand so on."),
        nbformat.v4.new_code_cell("%matplotlib widget\nimport toylands as tl\nfrom toylands import widgets\n"
                                  "from tqdm.auto import tqdm\nimport matplotlib.pyplot as plt"),
        nbformat.v4.new_code_cell('widgets.LRLab("ill_conditioned_bowl", lr=0.05, steps=40)'),
        nbformat.v4.new_code_cell("fig, ax = plt.subplots(figsize=(3, 2)); ax.plot([0, 1], [1, 0]); plt.show()"),
        nbformat.v4.new_code_cell("for _ in tqdm(range(3)): pass"),
        nbformat.v4.new_code_cell(f"{BEGIN}\nlr = 0.123456\n{END}\nprint(lr)"),
    ])  # fmt: skip
    lesson.metadata["kernelspec"] = index.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                                                    "language": "python"}  # fmt: skip
    nbformat.write(index, folder / "index.ipynb")
    nbformat.write(lesson, folder / "01-tiny.ipynb")
    return folder


def test_a_tiny_course_builds_from_scratch(tmp_path, monkeypatch):
    monkeypatch.delenv("MPLBACKEND", raising=False)
    lessons = _tiny_course(tmp_path / "lessons")
    index = build_site(tmp_path / "site", lessons, repo="someone/fork", progress=False)
    page = (tmp_path / "site" / "01-tiny.html").read_text()
    assert "https://mybinder.org/v2/gh/someone/fork/HEAD?urlpath=lab/tree/lessons/01-tiny.ipynb" in page
    assert page.count('class="toylands-widget"') == 1 and "A live widget" in page
    assert "0.123456" not in page and "YOUR CODE HERE" in page  # the exercise as a student meets it
    assert WIDGET not in page and "HBox(children" not in page and "Canvas(" not in page
    assert page.count('class="math notranslate nohighlight"') == 2 and "$$" not in page
    mathjax = tmp_path / "site" / "_static" / "mathjax"
    assert "cdn." not in page and "mathjax/tex-chtml.js" in page and (mathjax / "tex-chtml.js").exists()
    assert sum(f.stat().st_size for f in mathjax.rglob("*") if f.is_file()) < 12e6  # only what typesets TeX as HTML
    downloads = list((tmp_path / "site" / "_downloads").rglob("01-tiny.ipynb"))
    assert len(downloads) == 1 and "0.123456" not in downloads[0].read_text()  # the student notebook
    assert 'href="01-tiny.html"' in index.read_text()
    # A second build replaces the first (it is ours); a lesson removed since leaves no page behind.
    (lessons / "01-tiny.ipynb").rename(lessons / "02-tiny.ipynb")
    (lessons / "index.ipynb").write_text((lessons / "index.ipynb").read_text().replace("01-tiny", "02-tiny"))
    build_site(tmp_path / "site", lessons, progress=False)
    assert not (tmp_path / "site" / "01-tiny.html").exists() and (tmp_path / "site" / "02-tiny.html").exists()


# ---------------------------------------------------------------------------------------------- the whole course


@pytest.fixture(scope="module")
def course_site(tmp_path_factory, executed_lessons):
    """The course built from the lessons tests/test_lessons.py executed in this session (any it did not run, the
    build executes)."""
    out = tmp_path_factory.mktemp("site") / "site"
    build_site(out, LESSONS, executed=executed_lessons, progress=False)
    return out


def test_the_course_site_has_a_page_per_lesson(course_site):
    numbered = sorted(p.stem for p in LESSONS.glob("[0-9][0-9]-*.ipynb"))
    assert numbered and all((course_site / f"{n}.html").exists() for n in numbered)
    index = (course_site / "index.html").read_text()
    assert all(f'href="{n}.html"' in index for n in numbered)


@pytest.mark.skipif(bool(MISSING), reason=MISSING or "")
def test_every_page_of_the_course_site_reads_in_chromium(course_site, tmp_path):
    from playwright.sync_api import sync_playwright

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(course_site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    pages = sorted(p.name for p in course_site.glob("*.html"))
    lessons = {f"{p.stem}.html": _widgets_shown(p) for p in LESSONS.glob("[0-9][0-9]-*.ipynb")}
    shots = Path(os.environ.get("TOYLANDS_SCREENSHOTS", tmp_path))
    problems, seen = [], {}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            errors = []
            page.on("console", lambda m: errors.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(f"page error: {e}"))
            page.on("requestfailed", lambda r: None if "ERR_ABORTED" in (r.failure or "")  # left for the next page
                    else errors.append(f"failed to load {r.url}: {r.failure}"))
            page.on("response", lambda r: errors.append(f"{r.status} for {r.url}") if r.status >= 400 else None)
            local = (base, "data:", "blob:")
            page.on("request", lambda r: None if r.url.startswith(local) else errors.append(f"went to the network: {r.url}"))
            for name in pages:
                errors.clear()
                page.goto(f"{base}/{name}", wait_until="load")
                seen[name] = page.evaluate(READ_PAGE)
                s = seen[name]
                problems += [f"{name}: {e}" for e in errors]
                problems += [f"{name}: output box {i} is blank" for i in s["blank"]]
                problems += [f"{name}: image {src} did not load" for src in s["broken_images"]]
                problems += [f"{name}: video {i} has no duration" for i in s["videos_without_duration"]]
                if s["math"] != s["typeset"] or s["math_errors"]:
                    problems.append(f"{name}: {s['math']} math elements, {s['typeset']} typeset, {s['math_errors']} errors")
                if name in lessons:
                    if s["widgets"] != lessons[name]:
                        problems.append(f"{name}: {s['widgets']} widget pictures for {lessons[name]} widgets")
                    binder = [h for h in s["links"] if h.startswith("https://mybinder.org/v2/gh/")]
                    if not any(h.endswith(f"lessons/{name[:-5]}.ipynb") for h in binder):
                        problems.append(f"{name}: no Binder link to its lesson")
                if name in ("02-gradient-descent-and-the-learning-rate.html", "14-landscapes-in-practice.html"):
                    page.screenshot(path=str(shots / f"site-{name[:-5]}.png"), full_page=False)
            browser.close()
    finally:
        server.shutdown()
    print(json.dumps({n: {k: v for k, v in s.items() if k != "links"} for n, s in seen.items()}))
    assert not problems, "\n".join(problems)
    assert set(lessons) <= set(seen) and sum(s["videos"] for s in seen.values()) >= 1
    assert sum(s["math"] for s in seen.values()) > 50 and sum(s["images"] for s in seen.values()) > 50


def _widgets_shown(path: Path) -> int:
    """How many widgets a lesson shows: its cells that make one (exercises aside, which the site shows undone)."""
    cells = nbformat.read(path, as_version=4).cells
    return sum(c.cell_type == "code" and "widgets." in c.source and BEGIN not in c.source for c in cells)


READ_PAGE = """async () => {
  if (window.MathJax && MathJax.startup) { await MathJax.startup.promise; }
  const imgs = [...document.images];
  await Promise.all(imgs.map(i => i.complete ? null : new Promise(r => { i.onload = i.onerror = r; })));
  const videos = [...document.querySelectorAll('video')];
  await Promise.all(videos.map(v => v.readyState >= 1 ? null : new Promise(r => {
    v.onloadedmetadata = v.onerror = r; setTimeout(r, 10000); })));
  const outputs = [...document.querySelectorAll('.cell_output')];
  return {
    images: imgs.length,
    broken_images: imgs.filter(i => !(i.naturalWidth > 0)).map(i => i.src.slice(0, 80)),
    videos: videos.length,
    videos_without_duration: videos.map((v, i) => [v, i]).filter(([v]) => !(v.duration > 0)).map(([, i]) => i),
    blank: outputs.map((o, i) => [o, i])
      .filter(([o]) => !o.innerText.trim() && !o.querySelector('img, video, svg')).map(([, i]) => i),
    math: document.querySelectorAll('.math').length,
    typeset: document.querySelectorAll('.math mjx-container').length,
    math_errors: document.querySelectorAll('mjx-merror').length,
    widgets: document.querySelectorAll('figure.toylands-widget img').length,
    links: [...document.querySelectorAll('a[href]')].map(a => a.href),
  };
}"""


def test_the_pages_workflow_builds_the_site_the_readmes_way():
    import yaml

    flow = yaml.safe_load((ROOT / ".github" / "workflows" / "site.yml").read_text())
    steps = flow["jobs"]["build"]["steps"]
    runs = [s.get("run", "") for s in steps]
    assert 'pip install -e ".[site]"' in runs and any(r.startswith("python -m toylands site _site") for r in runs)
    assert any(s.get("uses", "").startswith("actions/upload-pages-artifact") and s["with"]["path"] == "_site" for s in steps)
    assert flow["jobs"]["deploy"]["steps"][0]["uses"].startswith("actions/deploy-pages")
    assert 'pip install -e ".[site]" && python -m toylands site' in (ROOT / "README.md").read_text()
