"""A widget's own ES module in chromium over its saved state, with no kernel and no network (what the site does).

    with scene_page(widget) as page:          # a playwright page showing the widget, or pytest.skip without chromium
        page.locator("input[type=range]").first.press("ArrowRight")
        png = canvas_png(page)

``errors`` (the console's and the page's) is checked when the block ends. ``mask``/``gap`` compare drawings.
"""

from __future__ import annotations

import functools
import http.server
import io
import json
import shutil
import tempfile
import threading
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]  # fmt: skip

PAGE = """<!doctype html><html><head><meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body style="margin: 8px; background: BACKGROUND; color: FOREGROUND" DARK><div id="w"></div>
<script type="module">
import { standin } from "./standin.js";
import widget from "./MODULE";
window.model = standin(await (await fetch("state.json")).json());
widget.render({ model: window.model, el: document.getElementById("w") });
window.ready = true;
</script></body></html>"""


@contextmanager
def scene_page(widget, width: int = 1000, height: int = 900, dark: bool = False, scale: float = 1):
    """Open ``widget``'s module on a local page over ``saved(widget)``; every request elsewhere is refused."""
    playwright = pytest.importorskip("playwright.sync_api")
    if not CHROMIUM.exists():
        pytest.skip("needs /usr/bin/chromium")
    from toylands.widgets._drawing import STATIC, _module_file, saved

    folder = Path(tempfile.mkdtemp(prefix="toylands-scene-"))
    for f in STATIC.glob("*.js"):
        shutil.copy(f, folder / f.name)
    page_html = PAGE.replace("MODULE", _module_file(widget))
    page_html = page_html.replace("BACKGROUND", "#111" if dark else "#fff").replace("FOREGROUND", "#ddd" if dark else "#000")
    page_html = page_html.replace("DARK", 'data-jp-theme-light="false"' if dark else "")
    (folder / "index.html").write_text(page_html)
    (folder / "state.json").write_text(json.dumps(saved(widget)))
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(folder))
    handler.log_message = lambda *a: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}"
    errors: list[str] = []
    try:
        with playwright.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
            try:
                page = browser.new_page(viewport={"width": width, "height": height}, device_scale_factor=scale)
                page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
                page.on("pageerror", lambda e: errors.append(str(e)))
                page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(url) else r.abort())
                page.goto(f"{url}/index.html")
                try:
                    page.wait_for_function("window.ready === true", timeout=15_000)
                except playwright.Error as e:
                    raise AssertionError(f"the widget's module did not render: {errors}") from e
                page.wait_for_function("document.querySelector('.toylands-stage img').complete")
                page.evaluate("new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
                page.errors = errors
                yield page
            finally:
                browser.close()
    finally:
        server.shutdown()
        server.server_close()
        shutil.rmtree(folder, ignore_errors=True)
    assert not errors, errors


def settle(page):
    """Wait two animation frames (a redraw scheduled by a model change is done after them)."""
    page.evaluate("new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")


def stage_png(page) -> bytes:
    """The still picture and the canvas over it, as the reader sees them."""
    settle(page)
    return page.locator(".toylands-stage").first.screenshot()


def canvas_png(page) -> bytes:
    settle(page)
    return page.locator(".toylands-stage canvas").first.screenshot()


def figure_png(widget) -> bytes:
    """``widget.paint()`` as a PNG at the widget's own size and dpi (the reference the browser is held against)."""
    import matplotlib.pyplot as plt

    fig = widget.paint()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=fig.dpi)
    plt.close(fig)
    return buf.getvalue()


def mask(png: bytes, color=(1.0, 0.0, 1.0), tol: float = 0.3) -> np.ndarray:
    """Pixel positions ``(row, col)`` of ``png`` whose colour is within ``tol`` of ``color`` (default magenta)."""
    import matplotlib.pyplot as plt

    rgb = plt.imread(io.BytesIO(png))[..., :3]
    return np.argwhere(np.all(np.abs(rgb - np.asarray(color)) < tol, axis=-1)).astype(float)


def differ(a: bytes, b: bytes) -> float:
    """The share of pixels of ``a`` with no pixel of ``b`` within 1 px that matches it (within 0.25 in every channel).
    The still's PNG is a pixel larger than paint()'s savefig at the same size and dpi, and a dot's edge may fall a
    pixel further out in the browser: a pixel apart is the same drawing, a layer drawn elsewhere is not."""
    import matplotlib.pyplot as plt

    x, y = plt.imread(io.BytesIO(a))[..., :3], plt.imread(io.BytesIO(b))[..., :3]
    assert np.all(np.abs(np.subtract(x.shape, y.shape)) <= 1), (x.shape, y.shape)
    h, w = min(x.shape[0], y.shape[0]) - 2, min(x.shape[1], y.shape[1]) - 2
    inner = x[1: 1 + h, 1: 1 + w]
    matched = np.zeros((h, w), bool)
    for i in range(3):
        for j in range(3):
            matched |= np.all(np.abs(inner - y[i: i + h, j: j + w]) <= 0.25, axis=-1)
    return float(1 - matched.mean())


def first_slider_redraws_as_matplotlib_paints(w, first: str, html: bool = False):
    """In chromium with no kernel: ``w``'s picture is matplotlib's (:func:`differ` < 2 %); pressing End on its first
    slider (named ``first``) redraws the canvas, selects the last value, shows the kernel's readout (as HTML or as
    text) and paints what matplotlib paints in that state, not the first state's picture."""
    w.set(**{first: w._specs[first]["_values"][0]})
    old = figure_png(w)
    with scene_page(w) as page:
        assert differ(stage_png(page), old) < 0.02
        before = canvas_png(page)
        slider = page.locator("input[type=range]").first
        slider.focus()
        page.keyboard.press("End")
        assert canvas_png(page) != before, f"the {first} slider did not redraw"
        last = len(w._specs[first]["options"]) - 1
        assert page.evaluate("window.model.get('value')")[first] == last
        w.value = {**w.value, first: last}
        readout = page.locator(".tl-readout")
        assert (readout.inner_html() if html else readout.text_content()) == w.readout
        now = stage_png(page)
        same, other = differ(now, figure_png(w)), differ(now, old)
        assert same < 0.02 and other > 1.5 * same, f"not matplotlib's picture: {same:.4f} (the last: {other:.4f})"
