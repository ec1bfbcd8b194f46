"""The static site's widgets stay alive with no kernel and no network (issue 21).

A small course (lesson 0 of the course, and a lesson with two more widgets drawn in the browser) is built with
``python -m toylands site``'s own function; its pages are opened in chromium with every request outside the site
refused. Each widget must run its own ES module on the state saved at build time (served from the site's
``_static/toylands/``), its first slider must redraw the canvas, and the console must stay free of errors. Each
page's widget data is measured against the site's budget (``WIDGET_BUDGET``). Skipped only where chromium or
playwright are missing, and never under CI.
"""

import functools
import http.server
import json
import re
import sys
import threading
from pathlib import Path

import nbformat
import pytest

from toylands.exercises import BEGIN, END
from toylands.site import MARKER, WIDGET_BUDGET, build_site, widget_data

sys.path.insert(0, str(Path(__file__).parent))
from test_browser import ARGS, CHROMIUM, MISSING  # noqa: E402  (raises under CI=true when chromium is missing)

pytest.importorskip("anywidget")

ROOT = Path(__file__).resolve().parents[1]
#: A real lesson beside the small one: its Explorer is a Scene.
WELCOME = ROOT / "lessons" / "solutions" / "00-welcome.ipynb"
#: The pages of the small course that show widgets, and how many each.
PAGES = {"00-welcome.html": 1, "01-two.html": 2, "answers/00-welcome.html": 1, "answers/01-two.html": 2}


def _course(folder: Path) -> Path:
    """An index, lesson 0 of the course (its Explorer) and one lesson with an Explorer, an LRLab and an exercise, laid out as
    lessons/ is (checks.py beside the solved lessons), so that the answer key has pages one folder down."""
    folder.mkdir(parents=True)
    (folder.parent / "checks.py").write_bytes((ROOT / "lessons" / "checks.py").read_bytes())
    (folder / WELCOME.name).write_bytes(WELCOME.read_bytes())
    kernel = {"name": "python3", "display_name": "Python 3", "language": "python"}
    index = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Two\n\n[The lesson](01-two.ipynb)")])
    lesson = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# 1. Two widgets\n\nFans of learning rates, drawn by the browser."),
        nbformat.v4.new_code_cell("from toylands import widgets"),
        nbformat.v4.new_code_cell('widgets.Explorer("rosenbrock", "GD", lr=1e-3, steps=80)'),
        nbformat.v4.new_code_cell(f"{BEGIN}\nlr = 0.01\n{END}\nprint(lr)"),
        nbformat.v4.new_code_cell('lab = widgets.LRLab("himmelblau", lr=1e-2, steps=60)\nlab'),
    ])  # fmt: skip
    index.metadata["kernelspec"] = lesson.metadata["kernelspec"] = kernel
    nbformat.write(index, folder / "index.ipynb")
    nbformat.write(lesson, folder / "01-two.ipynb")
    return folder


class _Saved:
    """A widget as ``saved`` and ``bundle`` read one: synced traits (``keys``), maybe a ``_static_state``."""

    keys = ["_model_name", "layout", "png", "layers", "value", "live"]
    _model_name, layout = "AnyModel", "IPY_MODEL_x"
    png, value, live = b"\x89PNG", {"lr": 2}, True
    layers = [{"kind": "line", "data": b"\x00\x00\x80?", "stops": None, "style": {"bytes": [b"ab"]}}]


def test_saved_state_holds_bytes_at_any_depth_and_what_a_page_without_kernel_needs():
    import numpy as np

    from toylands.widgets._drawing import saved

    w = _Saved()
    b64 = {"$bytes": "AACAPw=="}
    assert saved(w) == {"png": {"$bytes": "iVBORw=="}, "value": {"lr": 2}, "live": False,
                        "layers": [{"kind": "line", "data": b64, "stops": None, "style": {"bytes": [{"$bytes": "YWI="}]}}]}
    w._static_state = lambda: {"starts": (b"\x00\x00\x80?", np.float32(0.5)), "value": {"lr": 3}}  # fmt: skip
    got = saved(w)
    assert got["starts"] == [b64, 0.5] and got["value"] == {"lr": 3} and got["live"] is False
    json.dumps(got, allow_nan=False)
    w._static_state = lambda: {"box": [0.0, float("nan")]}
    with pytest.raises(ValueError, match=r"_Saved.box\[1\] is nan, which JSON cannot hold"):
        saved(w)
    w._static_state = lambda: {"grid": np.zeros(3)}
    with pytest.raises(TypeError, match="_Saved.grid is a ndarray, which the saved state cannot hold: use bytes"):
        saved(w)
    w._static_state = lambda: [1]
    with pytest.raises(TypeError, match="returned a list: it should return a dict"):
        saved(w)


def test_a_widgets_bundle_names_its_module_in_static_and_paints_its_still():
    import base64

    from toylands.widgets import Explorer
    from toylands.widgets._drawing import MIME, bundle

    m = Explorer("bowl", "GD", steps=10)
    data = m._repr_mimebundle_()
    data = data[0] if isinstance(data, tuple) else data
    assert {"application/vnd.jupyter.widget-view+json", MIME, "image/png", "text/plain"} <= set(data)
    assert data[MIME]["module"] == "scene.js" and data[MIME]["state"]["live"] is False
    assert base64.b64decode(data["image/png"]).startswith(b"\x89PNG") and data["text/plain"].startswith("Explorer")
    json.dumps(data[MIME], allow_nan=False)

    class Elsewhere(Explorer):
        _esm = "export default { render() {} };"

    with pytest.raises(ValueError, match="runs an ES module that is not a file in .*static"):
        bundle(Elsewhere("bowl", "GD", steps=3))


@pytest.fixture(scope="module")
def widget_site(tmp_path_factory):
    root = tmp_path_factory.mktemp("widget-site")
    out = root / "site"
    build_site(out, _course(root / "course" / "solutions"), progress=False, timeout=120)
    return out


@pytest.fixture(scope="module")
def served(widget_site):
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(widget_site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_the_site_serves_the_widgets_modules_itself_and_lists_them_in_its_manifest(widget_site):
    listed = json.loads((widget_site / MARKER).read_text())["files"]
    for name in ("boot.js", "standin.js", "scene.js"):
        assert f"_static/toylands/{name}" in listed and (widget_site / "_static" / "toylands" / name).is_file()
    page = (widget_site / "01-two.html").read_text()
    assert page.count('<div class="toylands-live" data-module="scene.js">') == 2
    assert page.count('<script type="module" src="_static/toylands/boot.js">') == 2
    answer = (widget_site / "answers" / "01-two.html").read_text()
    assert answer.count('<script type="module" src="../_static/toylands/boot.js">') == 2  # one folder down
    assert "application/vnd.jupyter.widget-view+json" not in page
    assert not re.findall(r'<(?:script|img|link|iframe)[^>]*(?:src|href)="(?:https?:)?//[^"]*"', page)  # nothing remote


def test_each_page_carries_widget_data_within_the_budget(widget_site):
    figures = {}
    for page in sorted(widget_site.rglob("*.html")):
        sizes = widget_data(page.read_text(encoding="utf-8"))
        if sizes:
            figures[page.relative_to(widget_site).as_posix()] = sizes
    print("widget data per page (bytes):", json.dumps({p: [sum(s), s] for p, s in figures.items()}))
    assert {p: len(s) for p, s in figures.items()} == PAGES
    for page, sizes in figures.items():
        assert all(s > 20_000 for s in sizes), f"{page}: a widget block without its picture or state: {sizes}"
    # The budget binds the course's lesson pages (all of them: test_site.py); the small lesson's two widgets on one
    # page are only measured.
    for page in ("00-welcome.html", "answers/00-welcome.html"):
        total = sum(figures[page])
        assert total <= WIDGET_BUDGET, f"{page} carries {total / 1e6:.3f} MB of widget data, beyond {WIDGET_BUDGET / 1e6:g} MB"


#: Every canvas inside a widget, as one fingerprint of its pixels.
PIXELS = """(el) => [...el.querySelectorAll('canvas')].map((c) => {
  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  let h = 0, ink = 0;
  for (let i = 0; i < d.length; i++) { h = (h * 31 + d[i]) >>> 0; ink += d[i] > 0; }
  return [c.width, c.height, h, ink];
})"""


@pytest.mark.skipif(bool(MISSING), reason=MISSING or "")
def test_the_widgets_redraw_in_chromium_with_no_kernel_and_no_network(served):
    from playwright.sync_api import sync_playwright

    problems, refused = [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1100, "height": 900})
            errors = []
            page.on("console", lambda m: errors.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(f"page error: {e}"))
            page.on("response", lambda r: errors.append(f"{r.status} for {r.url}") if r.status >= 400 else None)

            def route(r):
                if r.request.url.startswith((served, "data:", "blob:")):
                    r.continue_()
                else:
                    refused.append(r.request.url)
                    r.abort()

            page.route("**/*", route)
            page.goto(f"{served}/index.html")
            nested = page.evaluate("""async () => {
              const { standin } = await import('./_static/toylands/standin.js');
              const m = standin({a: {$bytes: 'AACAPw=='}, layers: [{data: {$bytes: 'AACAPw=='}, n: 1}], live: false});
              const d = m.get('layers')[0].data;
              let told = 0;
              m.on('change:live', () => told++);
              m.set('live', false); m.set('live', true);
              return [m.get('a') instanceof DataView, d instanceof DataView && d.getFloat32(0, true), m.get('layers')[0].n, told];
            }""")
            if nested != [True, 1.0, 1, 1]:
                problems.append(f"the stand-in model read nested bytes or told changes wrongly: {nested}")
            for name, count in PAGES.items():
                errors.clear()
                page.goto(f"{served}/{name}", wait_until="load")
                page.wait_for_function("window.toylands && window.toylands.ready", timeout=20_000)
                page.evaluate("window.toylands.ready")
                widgets = page.locator("div.toylands-live")
                if widgets.count() != count:
                    problems.append(f"{name}: {widgets.count()} widgets, not {count}")
                for i in range(widgets.count()):
                    w = widgets.nth(i)
                    if "toylands-running" not in (w.get_attribute("class") or ""):
                        problems.append(f"{name}: widget {i} did not run (its still picture stays)")
                        continue
                    if w.locator("img.toylands-still").is_visible():
                        problems.append(f"{name}: widget {i} runs but its still picture still shows")
                    before = w.evaluate(PIXELS)
                    if not before or not all(ink for *_, ink in before):
                        problems.append(f"{name}: widget {i} has drawn nothing on its canvas: {before}")
                    slider = w.locator("input[type=range]").first
                    at_end = slider.evaluate("(s) => +s.value >= +s.max")
                    slider.focus()
                    page.keyboard.press("ArrowLeft" if at_end else "ArrowRight")
                    after = w.evaluate(PIXELS)
                    if after == before:
                        problems.append(f"{name}: moving widget {i}'s first slider left its canvas as it was")
                problems += [f"{name}: {e}" for e in errors]
        finally:
            browser.close()
    assert not refused, f"the pages asked the network for {refused}"
    assert not problems, "\n".join(problems)
