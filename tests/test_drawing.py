"""The drawing layer (toylands/widgets/_drawing.py, static/*.js): the browser draws what matplotlib would.

The map from data to pixels is checked against matplotlib's own transform (linear and log axes); then a
FanMap is drawn in chromium by its own ES module over its saved state (the stand-in model the static site
uses: no kernel, no network) and its path must lie within 1 px on average of matplotlib's painting of the
same state. Moving its learning-rate slider must redraw the canvas with no kernel at all.
"""

import functools
import http.server
import io
import json
import shutil
import threading
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

pytest.importorskip("anywidget")
from toylands.widgets._drawing import STATIC, saved, still, to_pixel  # noqa: E402
from toylands.widgets.fan import FanMap  # noqa: E402

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]  # fmt: skip
MAGENTA = "#ff00ff"


@pytest.mark.parametrize("xscale, yscale", [("linear", "linear"), ("log", "linear"), ("linear", "log"), ("log", "log")])
def test_the_affine_map_is_matplotlibs_own(xscale, yscale):
    fig, ax = plt.subplots(figsize=(4, 3), dpi=90)
    ax.set(xscale=xscale, yscale=yscale, xlim=(1e-2, 30), ylim=(3e-3, 5))
    ax.set_title("a title moves the box")
    fig.colorbar(ax.imshow([[0, 1]], extent=(1e-2, 30, 3e-3, 5), aspect="auto"))
    view = still(fig, ax)
    x, y = np.geomspace(1e-2, 30, 7), np.geomspace(3e-3, 5, 7)
    want = ax.transData.transform(np.c_[x, y])
    px, py = to_pixel(view, x, y)
    np.testing.assert_allclose(px, want[:, 0], atol=1e-6)
    np.testing.assert_allclose(py, view["size"][1] - want[:, 1], atol=1e-6)
    assert plt.imread(io.BytesIO(view["png"])).shape[:2] == (view["size"][1], view["size"][0])
    plt.close(fig)


def test_a_scale_the_browser_cannot_draw_is_refused():
    fig, ax = plt.subplots()
    ax.set_xscale("symlog")
    with pytest.raises(ValueError, match="linear or log axes only; the x axis is 'symlog'"):
        still(fig, ax)
    plt.close(fig)


def test_fanmap_computes_a_fan_and_a_new_start_recomputes_it():
    m = FanMap("rosenbrock", steps=40, lr=1e-3)
    assert m.shape == [len(m.lrs), 41] and len(m.paths) == 4 * 2 * len(m.lrs) * 41
    assert m.lrs[m.index] == pytest.approx(1e-3)
    xy = np.frombuffer(m.paths, "<f4").reshape(len(m.lrs), 41, 2)
    np.testing.assert_allclose(xy[m.index], m.fan.positions[:, m.index], rtol=1e-6, atol=1e-6)
    m.start = [0.5, 2.0]
    np.testing.assert_allclose(m.fan.positions[0, 0], [0.5, 2.0])
    assert not m.busy
    with pytest.raises(ValueError, match="outside the map"):
        m.start = [50.0, 0.0]
    assert m.start == [0.5, 2.0]
    with pytest.raises(ValueError, match="unknown optimizer 'Nope'"):
        FanMap("rosenbrock", optimizer="Nope")


def _mask(png: bytes) -> np.ndarray:
    rgb = plt.imread(io.BytesIO(png))[..., :3]
    return np.argwhere((rgb[..., 0] > 0.75) & (rgb[..., 1] < 0.35) & (rgb[..., 2] > 0.75)).astype(float)


def _mean_gap(a: np.ndarray, b: np.ndarray) -> float:
    from scipy.spatial import cKDTree

    return float((cKDTree(b).query(a)[0].mean() + cKDTree(a).query(b)[0].mean()) / 2)


@pytest.fixture
def site(tmp_path):
    """A folder served on localhost with the widgets' modules and a page that renders one saved state."""
    for f in STATIC.glob("*.js"):
        shutil.copy(f, tmp_path / f.name)
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path))
    handler.log_message = lambda *a: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield tmp_path, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


PAGE = """<!doctype html><html><body style="margin: 0; background: #fff"><div id="w"></div>
<script type="module">
import { standin } from "./standin.js";
import widget from "./fanmap.js";
const model = standin(await (await fetch("state.json")).json());
widget.render({ model, el: document.getElementById("w") });
window.ready = true;
</script></body></html>"""


def test_the_browser_draws_the_path_matplotlib_paints_and_its_slider_needs_no_kernel(site):
    playwright = pytest.importorskip("playwright.sync_api")
    if not CHROMIUM.exists():
        pytest.skip("needs /usr/bin/chromium")
    folder, url = site
    m = FanMap("rosenbrock", steps=200, lr=1.5e-3, color=MAGENTA)
    m.step = 120
    (folder / "state.json").write_text(json.dumps(saved(m)))
    (folder / "index.html").write_text(PAGE)
    fig = m.paint()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=fig.dpi)
    plt.close(fig)
    want = _mask(buf.getvalue())
    assert len(want) > 200, "matplotlib's path is too short to compare"
    errors = []
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 800, "height": 900}, device_scale_factor=1)
            page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(url) else r.abort())
            page.goto(f"{url}/index.html")
            page.wait_for_function("window.ready === true")
            page.wait_for_function("document.querySelector('.toylands-stage img').complete")
            stage = page.locator(".toylands-stage")
            got = _mask(stage.screenshot())
            gap = _mean_gap(got, want)
            assert gap < 1.0, f"the browser's path lies {gap:.2f} px from matplotlib's on average"
            before = page.locator(".toylands-stage canvas").screenshot()
            slider = page.locator("input[type=range]").first
            slider.focus()
            page.keyboard.press("ArrowRight")
            assert page.locator("output").first.text_content() == m.labels[m.index + 1]
            assert page.locator(".toylands-stage canvas").screenshot() != before, "the lr slider did not redraw"
            page.locator(".toylands-stage canvas").click(position={"x": 200, "y": 200})
            assert "needs a running kernel" in page.locator(".toylands-fanmap").text_content()
        finally:
            browser.close()
    assert not errors, errors
