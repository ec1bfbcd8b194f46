"""A real JupyterLab in a real browser (Debian's chromium driven by playwright): run a notebook with the explorer,
move the learning-rate slider with the keyboard and with the mouse, and check that the plot follows.

Skipped only where chromium or playwright are missing, and never under CI (CI=true), which installs both.
"""

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]  # fmt: skip


def _missing():
    if not Path(CHROMIUM).exists():
        return "no chromium (apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "no playwright (pip install playwright)"
    return None


MISSING = _missing()
if MISSING and os.environ.get("CI"):
    raise RuntimeError(f"the browser test must run in CI, but {MISSING}: .ci/run installs both")
pytestmark = pytest.mark.skipif(bool(MISSING), reason=MISSING or "")


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def jupyter_lab(notebooks: list[Path]):
    """A JupyterLab serving copies of ``notebooks`` on a free localhost port; killed on exit."""
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        root = tmp / "root"
        root.mkdir()
        for nb in notebooks:
            shutil.copy(nb, root / nb.name)
        settings = tmp / "settings"
        (settings / "@jupyterlab" / "apputils-extension").mkdir(parents=True)
        (settings / "@jupyterlab" / "apputils-extension" / "notification.jupyterlab-settings").write_text(
            json.dumps({"checkForUpdates": False, "fetchNews": "false"})
        )
        env = {**os.environ, "JUPYTER_CONFIG_DIR": str(tmp / "config"), "JUPYTER_RUNTIME_DIR": str(tmp / "runtime"),
               "JUPYTERLAB_SETTINGS_DIR": str(settings), "JUPYTERLAB_WORKSPACES_DIR": str(tmp / "ws")}  # fmt: skip
        env.pop("MPLBACKEND", None)
        port, token = _free_port(), "toylands-test"
        cmd = [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--allow-root", f"--port={port}",
               f"--IdentityProvider.token={token}", "--ServerApp.ip=127.0.0.1", f"--ServerApp.root_dir={root}",
               "--ServerApp.port_retries=0", "--LabApp.expose_app_in_browser=True"]  # fmt: skip
        log = open(tmp / "server.log", "w")
        server = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(120):
                try:
                    urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2)
                    break
                except OSError:
                    if server.poll() is not None:
                        raise RuntimeError("jupyter lab exited: " + (tmp / "server.log").read_text()[-2000:]) from None
                    time.sleep(0.5)
            else:
                raise RuntimeError("jupyter lab did not answer in 60 s")
            yield base, token
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait(10)
            log.close()
            assert server.poll() is not None


def _settled_shot(page, locator, timeout=20.0):
    """A screenshot of ``locator`` once the kernel is idle and two shots 1 s apart agree."""
    page.locator('.jp-StatusBar-TextItem:has-text("| Idle")').first.wait_for(timeout=60_000)
    last, t0 = None, time.time()
    while time.time() - t0 < timeout:
        shot = locator.screenshot()
        if shot == last:
            return shot
        last = shot
        page.wait_for_timeout(1000)
    return last


def run_notebook(page, base, token, name):
    page.goto(f"{base}/lab/tree/{name}?token={token}&reset")
    page.locator('.jp-StatusBar-TextItem:has-text("| Idle")').first.wait_for(timeout=90_000)
    page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')")


def slider(page, label):
    """A widget's slider (a range input inside a toylands widget drawn in the browser)."""
    return page.locator(f'.toylands-scene input[type=range][aria-label="{label}"]').first


def scene_of(locator):
    return locator.locator("xpath=ancestor::div[contains(@class,'toylands-scene')][1]")


def test_explorer_slider_moves_the_plot_in_jupyterlab():
    """The learning-rate slider redraws in the browser (keyboard and mouse); a click on the map asks the kernel for
    the runs from there, and the plot follows."""
    from playwright.sync_api import sync_playwright

    errors = []
    with jupyter_lab([ROOT / "tests" / "notebooks" / "explorer.ipynb"]) as (base, token), sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1100})
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            run_notebook(page, base, token, "explorer.ipynb")
            lr = slider(page, "lr")
            lr.wait_for(timeout=90_000)
            widget = scene_of(lr)
            canvas = widget.locator(".toylands-stage canvas").first
            readout = widget.locator(".tl-readout")
            value = lr.locator("xpath=following-sibling::output[1]")
            page.wait_for_function("document.body.innerText.includes('lr = 0.01,')", timeout=30_000)
            before = _settled_shot(page, canvas)

            # keyboard: five of the slider's round values on, 0.01 -> 0.012, 0.015, 0.018, 0.02, 0.025
            lr.focus()
            for _ in range(5):
                lr.press("ArrowRight")
            assert value.inner_text().strip() == "0.025" and "lr = 0.025," in readout.inner_text()
            after_keys = _settled_shot(page, canvas)
            assert after_keys != before, "the plot did not change after the keyboard moved the slider"

            # mouse: drag along the slider to the right, into divergence (2 / lambda_max = 0.1 here)
            box = lr.bounding_box()
            y = box["y"] + box["height"] / 2
            page.mouse.move(box["x"] + box["width"] * 0.61, y)
            page.mouse.down()
            page.mouse.move(box["x"] + box["width"] * 0.8, y, steps=12)
            page.mouse.up()
            dragged = float(value.inner_text())
            assert dragged > 0.1 and "diverged at step" in readout.inner_text()
            after_drag = _settled_shot(page, canvas)
            assert after_drag != after_keys, "the plot did not change after the mouse dragged the slider"

            # the map: a click sets the start; the kernel computes the fan from there
            lr.focus()
            lr.press("Home")
            box = canvas.bounding_box()
            page.mouse.click(box["x"] + box["width"] * 0.2, box["y"] + box["height"] * 0.3)
            page.wait_for_function("!document.querySelector('.toylands-scene .tl-status').innerText.includes('computing')",
                                   timeout=30_000)  # fmt: skip
            after_click = _settled_shot(page, canvas)
            assert after_click != after_drag, "the plot did not change after a click on the map"
        finally:
            browser.close()
    assert not errors, errors  # any console error (a widget's state refused, a module that did not load) is a bug


def test_a_lesson_runs_in_jupyterlab_and_its_slider_moves():
    from playwright.sync_api import sync_playwright

    lesson = ROOT / "lessons" / "solutions" / "02-gradient-descent-and-the-learning-rate.ipynb"  # solved: every check passes
    errors = []
    with jupyter_lab([lesson, ROOT / "lessons" / "checks.py"]) as (base, token), sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1100})
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            run_notebook(page, base, token, lesson.name)
            checked = sorted(set(re.findall(r'check\(\\"(\d\d\.\d)\\"', lesson.read_text())))
            # the last exercise's check prints its verdict once the whole lesson has run
            page.wait_for_function(f"document.body.innerText.includes('Exercise {checked[-1]}')", timeout=120_000)
            text = page.inner_text("body")
            assert len(checked) >= 3 and text.count("✓ Exercise") == len(checked) and "Traceback" not in text
            lr = slider(page, "lr")
            lr.scroll_into_view_if_needed()
            widget = scene_of(lr)
            readout = widget.locator(".tl-readout")
            canvas = widget.locator(".toylands-stage canvas").first
            before = _settled_shot(page, canvas)
            assert "lr = 0.05" in readout.inner_text()
            lr.focus()
            for _ in range(8):  # 0.05 -> 0.06, 0.07, 0.08, 0.1, 0.12, 0.15, 0.18, 0.2: past 2 / lambda_max = 0.1
                lr.press("ArrowRight")
            assert "lr = 0.2," in readout.inner_text() and "diverged at step" in readout.inner_text()
            after = _settled_shot(page, canvas)
            assert after != before
        finally:
            browser.close()
    assert not errors, errors
