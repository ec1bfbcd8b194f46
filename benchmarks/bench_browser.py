"""Slider latency in the browser: key press on the learning-rate slider to changed canvas, in JupyterLab driven
by chromium, for the Explorer and the LRLab, against the Agg frame time measured in the same run.

    python benchmarks/bench_browser.py            # about 90 s; needs chromium and playwright (the [test] extra)
    python benchmarks/bench_browser.py --presses 40
    python benchmarks/bench_browser.py --quick    # about 40 s: the Explorer alone, two presses (CI runs it)

Every time is taken inside the page (``performance.now``), so the harness's own round trips are not counted:
the key press, the slider's message leaving on the kernel's websocket, the frame arriving on it, and the frame
drawn on the visible canvas. The kernel writes how long each redraw took (the picture, and within it the PNG the
live canvas sends), so the figures split into front end, kernel and transport; and the CPU each process used per
press (the kernel, the Jupyter server, chromium) says who competes for the two cores. The baseline is the same
Explorer sending matplotlib's own frames (zlib level 6), measured in the same run. Each press is checked to have
moved the slider, made the kernel redraw, brought a frame that was drawn on the canvas, and changed the picture.

Target (issue 10): median key press to changed canvas at most 60 ms on a 2-core machine.
"""

import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import nbformat

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

from _report import arguments, finish  # noqa: E402
from test_browser import ARGS, CHROMIUM, MISSING, jupyter_lab, run_notebook  # noqa: E402

# Times inside the page: key downs, websocket messages out and in, and draws onto a visible canvas.
PROBE = """() => {
  const t = window.__lat = {key: [], out: [], in: [], draw: []};
  document.addEventListener('keydown', () => t.key.push(performance.now()), true);
  const send = WebSocket.prototype.send;
  WebSocket.prototype.send = function (data) {
    t.out.push(performance.now());
    if (!this.__probed) {
      this.__probed = true;
      this.addEventListener('message', (e) => {
        const n = e.data.byteLength || e.data.size || e.data.length || 0;
        if (n > 2000) t.in.push(performance.now());   // a frame, not a status message
      });
    }
    return send.call(this, data);
  };
  const draw = CanvasRenderingContext2D.prototype.drawImage;
  CanvasRenderingContext2D.prototype.drawImage = function (...a) {
    const r = draw.apply(this, a);
    if (this.canvas.isConnected) t.draw.push(performance.now());
    return r;
  };
}"""

KERNEL_PROBE = """\
import json, time
from toylands import stage as _stage

_log = []
def _timed(fn, key):
    def wrapped(*a, **k):
        t0 = time.perf_counter()
        try:
            return fn(*a, **k)
        finally:
            _log.append((key, time.perf_counter() - t0))
            with open(LOG, "w") as f:  # after the timing: every call leaves the whole log
                json.dump(_log, f)
    return wrapped

for _name in SHOWN:
    _w = globals()[_name]
    _w._redraw.fn = _timed(_w._redraw.fn, _name + ": redraw")
    _c = _w.stage.fig.canvas
    _c.get_diff_image = _timed(_c.get_diff_image, _name + ": PNG frame")
"""


# The widgets measured: what the report calls each, its name in the kernel, and the cell that shows it.
WIDGETS = {
    "Explorer": ("explorer", 'explorer = widgets.Explorer("rosenbrock", lr=1e-3, steps=500)\nexplorer'),
    "LRLab": ("lrlab", 'lrlab = widgets.LRLab("ill_conditioned_bowl", lr=0.05, steps=200)\nlrlab'),
    # the baseline: the same Explorer sending matplotlib's own frames (PNG at zlib level 6)
    "Explorer, matplotlib's frames (baseline)": (
        "baseline",
        'baseline = widgets.Explorer("rosenbrock", lr=1e-3, steps=500)\ndel baseline.stage.fig.canvas.get_diff_image\nbaseline',
    ),
}


def notebook(log_path: Path, names: list[str]) -> nbformat.NotebookNode:
    cells = [
        "%matplotlib widget\nfrom toylands import plot, widgets\nplot.course_style()",
        *(WIDGETS[n][1] for n in names),
        f"LOG = {str(log_path)!r}\nSHOWN = {[WIDGETS[n][0] for n in names]!r}\n" + KERNEL_PROBE,
    ]
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(c) for c in cells]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


def agg_frame_ms(repeats: int = 30) -> tuple[float, bool]:
    """The same Explorer drawn off screen (Agg, PNG image widget): median ms per learning-rate change, and whether
    every change showed a new frame."""
    import matplotlib

    matplotlib.use("Agg")
    from toylands import plot, widgets

    plot.course_style()
    w = widgets.Explorer("rosenbrock", lr=1e-3, steps=500)
    lrs = list(w.lrs)
    i = w.index
    times, frames = [], w.counts["frames"]
    for k in range(repeats):
        t0 = time.perf_counter()
        w.set(lr=lrs[i + 1 - (k % 2)])  # one value up, then back: every change is a new frame
        times.append(time.perf_counter() - t0)
    return 1000 * statistics.median(times), w.counts["frames"] == frames + repeats


def cpu_seconds() -> dict:
    """CPU seconds used so far by the kernel, the Jupyter server and chromium (all their processes)."""
    import psutil

    used = {"kernel": 0.0, "server": 0.0, "chromium": 0.0, "renderer": 0.0, "gpu": 0.0}  # renderer, gpu: of chromium
    for p in psutil.process_iter(["name", "cmdline", "cpu_times"]):
        cmd = " ".join(p.info["cmdline"] or [])
        who = ("kernel" if "ipykernel" in cmd else "server" if "jupyter" in cmd and "lab" in cmd
               else "chromium" if "chrom" in (p.info["name"] or "") else None)  # fmt: skip
        if who and p.info["cpu_times"]:
            used[who] += p.info["cpu_times"].user + p.info["cpu_times"].system
            for t in ("renderer", "gpu"):
                if who == "chromium" and f"--type={t}" in cmd:
                    used[t] += p.info["cpu_times"].user + p.info["cpu_times"].system
    return used


def picture(readout, canvas, checking: dict) -> tuple:
    """The slider's readout and a screenshot of its canvas; the CPU this takes is added to ``checking``."""
    c0 = cpu_seconds()
    shown = readout.inner_text(), canvas.screenshot()
    for who, used in cpu_seconds().items():
        checking[who] += used - c0[who]
    return shown


def summary(values):
    v = sorted(values)
    return statistics.median(v), v[min(len(v) - 1, int(0.9 * len(v)))]


def main():
    args = arguments(__doc__, add=lambda ap: (
        ap.add_argument("--presses", type=int, default=None, help="key presses per widget (default 20; --quick: 2)"),
        ap.add_argument("--pause", type=int, default=700, help="ms between presses (a frame must land before the next)"),
    ))  # fmt: skip
    quick = args.quick
    presses = args.presses or (2 if quick else 20)
    names = ["Explorer"] if quick else list(WIDGETS)
    if MISSING:
        sys.exit(f"cannot run: {MISSING}")
    from playwright.sync_api import sync_playwright

    agg, agg_real = agg_frame_ms(10 if quick else 30)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        nb_path, log_path = tmp / "latency.ipynb", tmp / "kernel.json"
        nbformat.write(notebook(log_path, names), nb_path)
        with jupyter_lab([nb_path]) as (base, token), sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.add_init_script(f"({PROBE})()")
            run_notebook(page, base, token, nb_path.name)
            page.locator(".jupyter-matplotlib-canvas-div canvas").nth(len(names) - 1).wait_for(timeout=120_000)
            page.locator('.jp-StatusBar-TextItem:has-text("| Idle")').first.wait_for(timeout=60_000)
            page.wait_for_timeout(2000)
            results, cpu, main_thread, missed = {}, {}, {}, []
            for index, name in enumerate(names):
                slider = page.locator('.widget-hslider:has(.widget-label:text-is("lr"))').nth(index)
                handle, readout = slider.locator(".noUi-handle"), slider.locator(".widget-readout")
                canvas = (slider.locator("xpath=ancestor::div[contains(@class,'widget-vbox')][1]")
                          .locator(".jupyter-matplotlib-canvas-div canvas").first)  # fmt: skip
                handle.scroll_into_view_if_needed()
                page.wait_for_timeout(1500)
                handle.focus()
                page.evaluate("() => { for (const k in window.__lat) window.__lat[k].length = 0; }")
                cdp = page.context.new_cdp_session(page)
                cdp.send("Performance.enable")
                m0 = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
                checking = dict.fromkeys(cpu_seconds(), 0.0)  # CPU the checks take, kept out of the figures
                before, shown = cpu_seconds(), picture(readout, canvas, checking)
                for k in range(presses):
                    page.keyboard.press("ArrowLeft" if k % 2 else "ArrowRight")
                    page.wait_for_timeout(args.pause)
                    now = picture(readout, canvas, checking)  # in the pause, once the frame has landed
                    for what, a, b in zip(("the slider", "the picture"), shown, now, strict=True):
                        if a == b:
                            missed.append(f"{name}, press {k + 1}: {what} did not change")
                    shown = now
                after = cpu_seconds()
                m1 = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
                main_thread[name] = {
                    k[: -len("Duration")]: 1000 * (m1[k] - m0[k]) / presses
                    for k in ("ScriptDuration", "LayoutDuration", "RecalcStyleDuration", "TaskDuration")
                }
                results[name] = _rows(page.evaluate("() => window.__lat"))
                cpu[name] = {k: 1000 * (after[k] - before[k] - checking[k]) / presses for k in after}
            browser.close()
        kernel = json.loads(log_path.read_text()) if log_path.exists() else []

    print(f"Agg frame (same Explorer, off screen): median {agg:.1f} ms per learning-rate change")
    figures, checks = {"agg_frame_ms": agg}, {"every Agg change showed a new frame": agg_real}
    for name, rows in results.items():
        key = WIDGETS[name][0]
        checks[f"{name}: every press brought a frame drawn on the canvas"] = len(rows) == presses
        redraws = sum(k == f"{key}: redraw" for k, _ in kernel)
        checks[f"{name}: the kernel redrew at every press"] = redraws >= presses
        if not rows:
            print(f"{name}: no frame was seen after the presses")
            continue
        print(f"{name}: {len(rows)} presses with a frame")
        for part in rows[0]:
            med, p90 = summary([r[part] for r in rows])
            print(f"  {part:22s} median {med:6.1f} ms   p90 {p90:6.1f} ms")
        med = summary([r["total"] for r in rows])[0]
        print("  CPU per press: " + ", ".join(f"{k} {v:.0f} ms" for k, v in cpu[name].items()))
        print("  page's main thread per press: " + ", ".join(f"{k} {v:.0f} ms" for k, v in main_thread[name].items()))
        print(
            f"  key press to canvas / Agg frame: {med / agg:.1f}x   target: median <= 60 ms: {'met' if med <= 60 else 'not met'}"
        )
        figures.update({f"{key}_press_to_canvas_ms": med, f"{key}_over_agg": med / agg})
    print("In the kernel, per press (the redraw includes its PNG frame):")
    for key in dict.fromkeys(k for k, _ in kernel):
        times = [1000 * s for k, s in kernel if k == key]
        med, p90 = summary(times[1:] or times)  # not the first picture, where there are others
        print(f"  {key:22s} median {med:6.1f} ms   p90 {p90:6.1f} ms")
    for line in missed:
        print("  not real work:", line)
    checks["every press moved the slider and changed the picture"] = not missed
    finish("browser", quick, figures, checks, {"presses": presses, "widgets": names})


def _rows(t):
    rows = []
    for i, k in enumerate(t["key"]):
        end = t["key"][i + 1] if i + 1 < len(t["key"]) else float("inf")
        out = next((x for x in t["out"] if k <= x < end), None)
        draw = next((x for x in t["draw"] if k <= x < end), None)
        inn = next((x for x in t["in"] if out is not None and out <= x < end), None)
        if None not in (out, inn, draw):
            rows.append({"total": draw - k, "front end out": out - k, "kernel and transport": inn - out,
                         "front end in": draw - inn})  # fmt: skip
    return rows


if __name__ == "__main__":
    main()
