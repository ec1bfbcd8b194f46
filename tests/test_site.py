"""The course as a website (``python -m toylands site``): how a lesson is made readable without a kernel, the
folders the command refuses, a small course built from scratch, and the whole course opened page by page in
chromium: no blank output, every image and video loaded, math typeset without a network, no console error; a
Launch-on-Binder button and copy buttons on every lesson page; students' pages hold no solution, the answer key's
pages every one. What a build may delete and how it stops: tests/test_site_safety.py."""

import base64
import copy
import functools
import html
import http.server
import json
import re
import os
import sys
import threading
from pathlib import Path

import nbformat
import pytest

from toylands.exercises import BEGIN, END, SHOW_SOLUTION, student_notebook
from toylands.site import (LIVE, MARKER, WIDGET, WIDGET_BUDGET, SiteError, banner, binder_url, build_site, links, live_block,
                           readable, widget_data)

sys.path.insert(0, str(Path(__file__).parent))
from test_browser import ARGS, CHROMIUM, MISSING  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
LESSONS = ROOT / "lessons"  # the student versions, which the Binder buttons open
SOURCES = LESSONS / "solutions"  # the solved lessons, which the site is built from
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
    solved = copy.deepcopy(nb)
    binder = "https://mybinder.org/v2/gh/o/r/HEAD?urlpath=lab/tree/lessons/02-x.ipynb"
    readable(nb, under_title=links(binder, {"02-x.ipynb": "_nb/02-x.ipynb", "checks.py": "_nb/checks.py"}))
    assert "widgets" not in nb.metadata
    title, line, intro, widget, figure, exercise = nb.cells
    assert title.source == "# 2. A lesson" and intro.source == "**What you will learn.** Rates."  # the links under the title
    assert line.source == ("{.toylands-links}\n[Launch on Binder](https://mybinder.org/v2/gh/o/r/HEAD?urlpath=lab/tree/lessons/"
                           "02-x.ipynb){.toylands-launch} Download {download}`02-x.ipynb <_nb/02-x.ipynb>` and "
                           "{download}`checks.py <_nb/checks.py>`")  # fmt: skip
    shown = widget.outputs[0].data
    assert list(shown) == ["text/html", "text/plain"] and "toylands-widget" in shown["text/html"]
    assert [list(o.get("data", {"stream": 0})) for o in figure.outputs] == [["image/png", "text/plain"], ["stream"]]
    assert exercise.outputs == [] and "0.25" not in exercise.source and "lr = ...  # YOUR CODE HERE" in exercise.source
    # The answer page: the same pictures, the exercise solved with its check's output, the banner under the title.
    readable(solved, student=False, under_title=banner("../02-x"))
    title, box, intro, widget, figure, exercise = solved.cells
    assert box.source.startswith("```{admonition} For teachers: the solved lesson")
    assert "{doc}`the lesson's page <../02-x>`" in box.source
    assert list(widget.outputs[0].data) == ["text/html", "text/plain"] and len(figure.outputs) == 2
    assert "lr = 0.25" in exercise.source and "right, 0.25" in exercise.outputs[0].text


def test_a_widget_drawn_in_the_browser_becomes_a_live_block_that_runs_its_own_module():
    """Its output names its module and saved state (``widgets._drawing.bundle``): the page holds the state in a JSON
    script nothing can break out of, the still picture as the fallback, and the site's own boot.js."""
    pytest.importorskip("anywidget")
    from toylands.widgets._drawing import MIME

    assert LIVE == MIME
    state = {"png": {"$bytes": "AAAA"}, "layers": [{"data": {"$bytes": "AAAAAA=="}}], "live": False,
             "labels": ["</script><script>alert(1)</script> & <!--"]}  # fmt: skip
    saved = {WIDGET: {"model_id": "a"}, LIVE: {"module": "scene.js", "name": "Explorer", "state": state},
             "image/png": PNG, "text/plain": "Explorer (a live widget)"}  # fmt: skip
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("m", outputs=[_output(saved)])])
    readable(nb, root="../")
    data = nb.cells[0].outputs[0].data
    assert list(data) == ["text/html", "text/plain"] and data["text/plain"] == "Explorer (a live widget)"
    block = data["text/html"]
    assert block.startswith('<div class="toylands-live" data-module="scene.js">') and block.count("</script>") == 2
    assert f'src="data:image/png;base64,{PNG}"' in block and 'src="../_static/toylands/boot.js"' in block
    inner = re.search(r'<script type="application/json">(.*?)</script>', block, re.S).group(1)
    assert json.loads(inner) == state and "<" not in inner
    assert widget_data(f"<p>x</p>{block}<div>y</div>") == [len(block.encode())]
    for bad in ("../../secret.js", "https://cdn.example.org/x.js", "nothere.js", None):
        with pytest.raises(SiteError, match="which .* does not hold: the site serves only the widgets' own modules"):
            live_block({"module": bad, "state": state})
    with pytest.raises(SiteError, match="saved state of a scene.js widget is a list"):
        live_block({"module": "scene.js", "state": []})


def test_binder_links_open_the_lesson_in_jupyterlab():
    assert binder_url("toylands/toylands", "03-momentum-and-nesterov.ipynb") == (
        "https://mybinder.org/v2/gh/toylands/toylands/HEAD?urlpath=lab/tree/lessons/03-momentum-and-nesterov.ipynb")
    readme = (ROOT / "README.md").read_text()
    assert binder_url("toylands/toylands", "index.ipynb") in readme  # the README's badge opens the same way


def test_the_site_command_refuses_folders_it_would_spoil(tmp_path, monkeypatch):
    from toylands.__main__ import main

    with pytest.raises(SiteError, match="inside the lessons folder"):
        build_site(SOURCES / "site", SOURCES)
    with pytest.raises(SiteError, match=r"is inside the course folder .*lessons: a build there could overwrite"):
        build_site(LESSONS / "site", SOURCES)  # where checks.py, TEACHERS.md and the student versions are
    monkeypatch.chdir(ROOT)
    with pytest.raises(SiteError, match=r"the site folder \. holds the lessons folder lessons/solutions"):
        build_site(".")  # the default lessons: lessons/solutions
    theirs = tmp_path / "theirs"
    theirs.mkdir()
    (theirs / "notes.txt").write_text("a teacher's notes")
    with pytest.raises(SiteError, match="not a toylands site; nothing was written"):
        build_site(theirs, SOURCES)
    assert [p.name for p in theirs.iterdir()] == ["notes.txt"]
    (tmp_path / "no-index").mkdir()
    with pytest.raises(SiteError, match="has no index.ipynb"):
        build_site(tmp_path / "out", tmp_path / "no-index")
    assert main(["site", str(theirs), "--lessons", str(SOURCES)]) == 2


def test_the_site_command_says_what_to_install(monkeypatch):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "furo" else real(name, *a))
    with pytest.raises(SiteError, match=r"needs furo: pip install -e \"\.\[site\]\""):
        build_site("/tmp/never-written")


def _tiny_course(folder: Path) -> Path:
    """Two notebooks that call the package as the lessons do: an index, and a lesson with math, a widget, a figure
    (inline, as the lessons draw them), a progress bar and an exercise."""
    folder.mkdir()
    index = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# A tiny course\n\n[The lesson](01-tiny.ipynb)")])
    lesson = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# 1. Tiny\n\nThe rate $\\eta$ times the gradient:\n"
                                      "$$x_{t+1} = x_t - \\eta \\nabla L(x_t)$$\nand so on."),
        nbformat.v4.new_code_cell("import toylands as tl\nfrom toylands import widgets\n"
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


def _text(page: str) -> str:
    """What a page says: its HTML without tags (code keeps its lines: the highlighting is only spans)."""
    return html.unescape(re.sub(r"<[^>]+>", "", page))


def test_a_tiny_course_builds_from_scratch(tmp_path, monkeypatch):
    monkeypatch.delenv("MPLBACKEND", raising=False)
    (tmp_path / "course").mkdir()  # laid out as lessons/ is: the solved lessons in solutions/, checks.py beside them
    lessons = _tiny_course(tmp_path / "course" / "solutions")
    (tmp_path / "course" / "checks.py").write_text("# the tiny course's exercises\n")
    (tmp_path / "course" / "TEACHERS.md").write_text("# Teaching the tiny course\n\nOne lesson.\n")
    index = build_site(tmp_path / "site", lessons, repo="someone/fork", progress=False)
    page = (tmp_path / "site" / "01-tiny.html").read_text()
    binder = "https://mybinder.org/v2/gh/someone/fork/HEAD?urlpath=lab/tree/lessons/01-tiny.ipynb"
    assert re.search(rf'<a class="[^"]*toylands-launch[^"]*" href="{re.escape(binder)}">Launch on Binder</a>', page)
    assert page.count('<div class="toylands-live" data-module="scene.js">') == 1 and "A live widget" in page  # LRLab, live
    assert 'src="_static/toylands/boot.js"' in page and (tmp_path / "site" / "_static" / "toylands" / "scene.js").exists()
    assert "0.123456" not in page and "YOUR CODE HERE" in page  # the exercise as a student meets it
    assert WIDGET not in page and "HBox(children" not in page and "Canvas(" not in page
    assert len(re.findall(r'<img [^>]*src="_images/[^"]+\.png"', page)) == 1 and "Figure size" not in page  # the figure, once
    assert page.count('class="math notranslate nohighlight"') == 2 and "$$" not in page
    mathjax = tmp_path / "site" / "_static" / "mathjax"
    assert "cdn." not in page and "mathjax/tex-chtml.js" in page and (mathjax / "tex-chtml.js").exists()
    assert sum(f.stat().st_size for f in mathjax.rglob("*") if f.is_file()) < 12e6  # only what typesets TeX as HTML
    downloads = {p.name: p for p in (tmp_path / "site" / "_downloads").rglob("*") if p.is_file()}
    assert set(downloads) == {"01-tiny.ipynb", "index.ipynb", "checks.py"}  # under each title: the notebook, checks.py
    assert downloads["checks.py"].read_text() == "# the tiny course's exercises\n"
    student = nbformat.read(downloads["01-tiny.ipynb"], as_version=4)  # what Binder opens: lessons/ holds the same
    solved = nbformat.read(lessons / "01-tiny.ipynb", as_version=4)
    assert student == nbformat.from_dict(student_notebook(solved, self_study=True))
    assert "0.123456" not in _text(page)
    scripts = re.findall(r'<script src="([^"]+)"', page) + re.findall(r'<link rel="stylesheet"[^>]* href="([^"]+)"', page)
    assert {"_static/clipboard.min.js", "_static/copybutton.js"} <= {s.split("?")[0] for s in scripts}
    assert all((tmp_path / "site" / s.split("?")[0]).exists() for s in scripts if not s.startswith("data:"))  # all local
    assert "div:not(.output) > div.highlight pre" in (tmp_path / "site" / "_static" / "copybutton.js").read_text()
    # The answer key: the lesson solved, with what it printed, on a page of its own, for teachers.
    answer = (tmp_path / "site" / "answers" / "01-tiny.html").read_text()
    assert "For teachers: the solved lesson" in answer and "lr = 0.123456" in _text(answer) and "YOUR CODE HERE" not in answer
    assert re.search(r"<pre>\s*(<span></span>)?0\.123456\n</pre>", answer) and 'href="../01-tiny.html"' in answer
    assert answer.count('<div class="toylands-live"') == 1 and 'src="../_static/toylands/boot.js"' in answer
    assert "toylands-launch" not in answer
    front = index.read_text()
    assert 'href="01-tiny.html"' in front and "For teachers" in front
    assert 'href="TEACHERS.html"' in front and 'href="answers/index.html"' in front
    assert 'href="01-tiny.html"' in (tmp_path / "site" / "answers" / "index.html").read_text().replace("../", "")
    # A second build replaces the first (it is ours); a lesson removed since leaves no page behind, nor does the
    # answer key when it is left out.
    (lessons / "01-tiny.ipynb").rename(lessons / "02-tiny.ipynb")
    (lessons / "index.ipynb").write_text((lessons / "index.ipynb").read_text().replace("01-tiny", "02-tiny"))
    build_site(tmp_path / "site", lessons, answers=False, progress=False)
    assert not (tmp_path / "site" / "01-tiny.html").exists() and (tmp_path / "site" / "02-tiny.html").exists()
    assert not (tmp_path / "site" / "answers").exists() and "For teachers" in (tmp_path / "site" / "index.html").read_text()
    listed = json.loads((tmp_path / "site" / MARKER).read_text())["files"]
    files = {p.relative_to(tmp_path / "site").as_posix() for p in (tmp_path / "site").rglob("*") if p.is_file()}
    assert set(listed) == files - {MARKER}


# ---------------------------------------------------------------------------------------------- the whole course


@pytest.fixture(scope="module")
def course_site(tmp_path_factory, executed_lessons):
    """The course built from the solved lessons tests/test_lessons.py executed in this session (any it did not run,
    the build executes)."""
    out = tmp_path_factory.mktemp("site") / "site"
    build_site(out, SOURCES, executed=executed_lessons, progress=False)
    return out


NUMBERED = sorted(p.stem for p in SOURCES.glob("[0-9][0-9]-*.ipynb"))


def test_the_course_site_has_a_page_per_lesson_and_the_answer_key_one_more(course_site):
    assert len(NUMBERED) == 15 and all((course_site / f"{n}.html").exists() for n in NUMBERED)
    assert all((course_site / "answers" / f"{n}.html").exists() for n in NUMBERED)
    index = (course_site / "index.html").read_text()
    assert all(f'href="{n}.html"' in index for n in NUMBERED)
    teachers = index[index.index("For teachers") :]
    assert 'href="TEACHERS.html"' in teachers and 'href="answers/index.html"' in teachers
    guide = _text((course_site / "TEACHERS.html").read_text())
    title = (LESSONS / "TEACHERS.md").read_text().splitlines()[0].lstrip("# ")
    assert title in guide and "For teachers" in guide  # the instructor guide, in the teachers' section


@pytest.mark.parametrize("name", NUMBERED)
def test_students_pages_hold_no_solution_and_the_answer_pages_every_one(course_site, name):
    """A solution's line that the student version of the lesson does not hold is on the answer page and nowhere on the
    student's page (the page shows what the student meets: the stubs, no collapsed solution either)."""
    solved = nbformat.read(SOURCES / f"{name}.ipynb", as_version=4)
    open_ = {line.strip() for cell in student_notebook(solved)["cells"] for line in cell["source"].splitlines()}
    blocks = [b for c in solved.cells for b in re.findall(rf"{re.escape(BEGIN)}\n(.*?){re.escape(END)}", c.source, re.S)]
    telling = {line.strip() for b in blocks for line in b.splitlines() if len(line.strip()) > 6} - open_
    assert telling, f"{name}: no solution line to look for"
    page, answer = (_text((course_site / f).read_text()) for f in (f"{name}.html", f"answers/{name}.html"))
    assert not [line for line in telling if line in page], f"{name}.html shows a solution"
    assert not [line for line in telling if line not in answer], f"answers/{name}.html misses a solution"
    # lesson 0's text may name the folded cell; the cell itself is not on the page
    assert SHOW_SOLUTION not in page and "YOUR CODE HERE" in page and "For teachers: the solved lesson" in answer
    assert "✓ Exercise" in answer and "✓ Exercise" not in page  # the checks ran on the answer page only


def test_every_page_of_the_course_site_carries_widget_data_within_the_budget(course_site):
    pages = sorted(course_site.rglob("*.html"))
    figures = {p.relative_to(course_site).as_posix(): sum(widget_data(p.read_text(encoding="utf-8"))) for p in pages}
    print("widget data per page (bytes):", json.dumps({p: n for p, n in figures.items() if n}))
    over = {p: f"{n / 1e6:.2f} MB" for p, n in figures.items() if n > WIDGET_BUDGET}
    assert not over, f"pages beyond the budget of {WIDGET_BUDGET / 1e6:g} MB of widget data: {over}"


@pytest.mark.skipif(bool(MISSING), reason=MISSING or "")
def test_every_page_of_the_course_site_reads_in_chromium(course_site, tmp_path):
    from playwright.sync_api import sync_playwright

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(course_site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    pages = sorted(p.relative_to(course_site).as_posix() for p in [*course_site.glob("*.html"), *course_site.glob("answers/*")])
    lessons = {f"{p.stem}.html": _widgets_shown(p) for p in SOURCES.glob("[0-9][0-9]-*.ipynb")}
    shots = Path(os.environ.get("TOYLANDS_SCREENSHOTS", tmp_path))
    problems, seen = [], {}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            context = browser.new_context(viewport={"width": 1280, "height": 900},
                                          permissions=["clipboard-read", "clipboard-write"])  # fmt: skip
            page = context.new_page()
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
                short = s["copy_buttons"] != s["copyable"] or s["copyable"] < s["code_cells"]
                if short or (name in lessons and not s["code_cells"]):  # the guide, licence and index pages hold no code
                    problems.append(f"{name}: {s['copy_buttons']} copy buttons for {s['code_cells']} code cells")
                if name in lessons:
                    if s["widgets"] != lessons[name]:
                        problems.append(f"{name}: {s['widgets']} widget pictures for {lessons[name]} widgets")
                    want = binder_url("toylands/toylands", f"{name[:-5]}.ipynb").split("/gh/toylands/toylands/")[1]
                    launch = s["launch"]
                    if not (len(launch) == 1 and launch[0][0].endswith(want) and launch[0][1] == "Launch on Binder"):
                        problems.append(f"{name}: no Launch-on-Binder button that opens its student version: {launch}")
                    elif launch[0][2] in ("rgba(0, 0, 0, 0)", "transparent") or launch[0][3] < 20:
                        problems.append(f"{name}: the Launch-on-Binder button is not a button: {launch}")
                if name == "02-gradient-descent-and-the-learning-rate.html":  # a copy button copies the code, offline
                    page.click("div.cell_input button.copybtn >> nth=0")
                    copied = page.evaluate("navigator.clipboard.readText()")
                    first = page.evaluate("document.querySelector('div.cell_input div.highlight pre').innerText")
                    if not copied.strip() or copied.strip() != first.strip():
                        problems.append(f"{name}: the copy button copied {copied[:80]!r}, not {first[:80]!r}")
                if name in ("02-gradient-descent-and-the-learning-rate.html", "14-landscapes-in-practice.html",
                            "answers/02-gradient-descent-and-the-learning-rate.html"):  # fmt: skip
                    page.screenshot(path=str(shots / f"site-{name[:-5].replace('/', '-')}.png"), full_page=False)
            browser.close()
    finally:
        server.shutdown()
    print(json.dumps({n: {k: v for k, v in s.items() if k != "links"} for n, s in seen.items()}))
    assert not problems, "\n".join(problems)
    assert set(lessons) <= set(seen) and {f"answers/{n}" for n in lessons} <= set(seen)
    assert sum(s["videos"] for s in seen.values()) >= 1
    assert sum(s["math"] for s in seen.values()) > 50 and sum(s["images"] for s in seen.values()) > 50


def _widgets_shown(path: Path) -> int:
    """How many widgets a lesson shows: its cells that make one (exercises aside, which the site shows undone)."""
    cells = nbformat.read(path, as_version=4).cells
    return sum(c.cell_type == "code" and "widgets." in c.source and BEGIN not in c.source for c in cells)


READ_PAGE = """async () => {
  if (window.MathJax && MathJax.startup) { await MathJax.startup.promise; }
  if (window.toylands && window.toylands.ready) { await window.toylands.ready; }  // the live widgets have drawn
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
    widgets: document.querySelectorAll('figure.toylands-widget img, div.toylands-live.toylands-running').length,
    launch: [...document.querySelectorAll('a.toylands-launch')].map(a => [a.href, a.textContent.trim(),
      getComputedStyle(a).backgroundColor, a.getBoundingClientRect().height]),
    code_cells: document.querySelectorAll('div.cell_input div.highlight pre').length,
    copyable: document.querySelectorAll('div:not(.output) > div.highlight pre').length,
    copy_buttons: document.querySelectorAll('button.copybtn').length,
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
