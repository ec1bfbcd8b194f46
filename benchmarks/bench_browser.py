"""The drawing layer's speed in the browser (issue 21): JupyterLab driven by chromium, the new route against the
old one, in the same run.

    python benchmarks/bench_browser.py              # about 90 s; needs chromium and playwright (the [test] extra)
    python benchmarks/bench_browser.py --presses 40 --clicks 10
    python benchmarks/bench_browser.py --quick      # under 45 s: the new widget and the baseline, a few presses (CI)

Targets, for the new route (the widget draws in the browser):
- a control that selects among computed results (the learning-rate slider): key press -> changed canvas,
  median <= 16 ms and p90 <= 33 ms;
- a control that needs the kernel (here a click on the map: a new start, a new fan): median <= 50 ms;
- nobody touching the widget: no drawing at all (canvas draws over 3 s idle: 0; this one is a check).

Each widget is driven twice: its selecting slider (focused, ArrowRight/ArrowLeft in turn) and its kernel control
(clicks on the map at two points in turn, or the arrows on a kernel slider). Every time is taken inside the page
(``performance.now``): a key press or pointer down (capture phase; it comes before mouse down) starts it; it ends at the first drawing call
(``stroke``, ``fill``, ``drawImage``, ``putImageData``, ``fillText``, ...) on a canvas inside the widget's output
area, or an ``<img>`` there loading a new picture; for a kernel control, at the last such call before the
picture settles (the first may be the old path greyed while the kernel computes). Between presses the harness
waits for the picture to settle and the kernel to be idle, then checks with a screenshot that the picture
changed; the CPU that check takes is kept out of the figures. Per press it reports the websocket bytes (in and
out), and the CPU of the kernel, the Jupyter server and chromium (all processes this benchmark started).

The baseline is the old route, measured in the same run: ``benchmarks/_browser_baseline.py`` (an ipywidgets
slider the kernel observes, a matplotlib Agg redraw of the same map and path, the PNG into an ipywidgets Image).
"""

import json
import re
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

# The new route: the widget under test. Switching to another widget on the drawing layer is this one line.
NEW = 'from toylands.widgets import Explorer\nnew = Explorer("rosenbrock", lr=1e-3, steps=300)\nnew'

# The widgets measured: key -> (what the report calls it, the cell that shows it, its selecting slider's label,
# its kernel control: "click" on the map or a slider's label, whether the new route's targets apply).
WIDGETS = {
    "new": ("new route (drawn in the browser)", NEW, "lr", "click", True),
    "baseline": ("old route (kernel Agg redraw, PNG per move)",
                 "import sys\nsys.path.insert(0, BENCHMARKS)\nfrom _browser_baseline import Baseline\n"
                 'baseline = Baseline("rosenbrock", lr=1e-3, steps=300, log=LOG)\nbaseline', "lr", "start x", False),
}  # fmt: skip
CLICKS = ((0.22, 0.38), (0.36, 0.62))  # where to click, as fractions of the widget's canvas: inside the map axes

# In the page: presses, drawing calls inside a marked output area (data-bench = the widget's key), websocket bytes.
PROBE = """() => {
  const B = window.__bench = {press: [], draw: [], ws: []};
  const owner = (el) => {
    const a = el && el.isConnected && el.closest ? el.closest('[data-bench]') : null;
    return a ? a.dataset.bench : null;
  };
  for (const type of ['keydown', 'pointerdown'])
    document.addEventListener(type, (e) => B.press.push({t: performance.now(), key: owner(e.target), type}), true);
  const P = CanvasRenderingContext2D.prototype;
  for (const name of ['stroke', 'fill', 'drawImage', 'putImageData', 'fillText', 'strokeText', 'fillRect',
                      'strokeRect', 'clearRect']) {
    const f = P[name];
    P[name] = function (...a) {
      const key = owner(this.canvas);
      if (key) B.draw.push({t: performance.now(), key, what: name});
      return f.apply(this, a);
    };
  }
  document.addEventListener('load', (e) => {  // an <img> showing a new picture (the old route's Image widget)
    const key = e.target.tagName === 'IMG' ? owner(e.target) : null;
    if (key) B.draw.push({t: performance.now(), key, what: 'img'});
  }, true);
  const size = (d) => typeof d === 'string' ? d.length : (d.byteLength ?? d.size ?? 0);
  // A message in is timed before the page handles it: JupyterLab's `onmessage` is wrapped (a listener added later
  // would run after the handler, which may already have drawn the answer).
  const incoming = (e) => B.ws.push({t: performance.now(), out: false, n: size(e.data)});
  const on = Object.getOwnPropertyDescriptor(WebSocket.prototype, 'onmessage');
  Object.defineProperty(WebSocket.prototype, 'onmessage', {
    configurable: true, get() { return on.get.call(this); },
    set(f) { this.__probed = true; on.set.call(this, f && function (e) { incoming(e); return f.call(this, e); }); },
  });
  const send = WebSocket.prototype.send;
  WebSocket.prototype.send = function (data) {
    B.ws.push({t: performance.now(), out: true, n: size(data)});
    if (!this.__probed) {   // a socket read by listeners only
      this.__probed = true;
      this.addEventListener('message', incoming);
    }
    return send.call(this, data);
  };
}"""

# True once the widget `key` has drawn after the last press and then stayed still for `quiet` ms.
SETTLED = """([key, quiet]) => {
  const B = window.__bench, t0 = B.press.length ? B.press[B.press.length - 1].t : 0;
  const d = B.draw.filter((x) => x.key === key && x.t >= t0);
  return d.length > 0 && performance.now() - d[d.length - 1].t >= quiet;
}"""


def notebook(names: list[str], log_path: Path) -> nbformat.NotebookNode:
    setup = f"from toylands import plot\nplot.course_style()\nBENCHMARKS = {str(HERE)!r}\nLOG = {str(log_path)!r}\n"
    cells = [setup, *(WIDGETS[n][1] for n in names)]
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(c) for c in cells]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


def cpu_seconds() -> dict:
    """CPU seconds used so far by the processes this benchmark started: the kernel, the Jupyter server, chromium."""
    import psutil

    used = dict.fromkeys(("kernel", "server", "chromium"), 0.0)
    for p in psutil.Process().children(recursive=True):
        try:
            cmd, t = " ".join(p.cmdline()), p.cpu_times()
        except psutil.Error:
            continue
        who = ("kernel" if "ipykernel" in cmd else "server" if "jupyter" in cmd and "lab" in cmd
               else "chromium" if "chrom" in p.name() else None)  # fmt: skip
        if who:
            used[who] += t.user + t.system
    return used


class Meter:
    """CPU used between ``start`` and ``stop``, less what the harness's own checks took (``checking``)."""

    def start(self):
        self.c0, self.aside = cpu_seconds(), dict.fromkeys(("kernel", "server", "chromium"), 0.0)

    def checking(self, fn):
        c0 = cpu_seconds()
        out = fn()
        for k, v in cpu_seconds().items():
            self.aside[k] += v - c0[k]
        return out

    def stop(self, n: int) -> dict:
        c1 = cpu_seconds()
        return {k: 1000 * (c1[k] - self.c0[k] - self.aside[k]) / n for k in c1}


def summary(values):
    v = sorted(values)
    return statistics.median(v), v[min(len(v) - 1, int(0.9 * len(v)))]


def area_of(page, cell: int, key: str):
    """The output area of notebook cell ``cell``, marked for the probe as widget ``key``; and whether the harness had to
    keep JupyterLab's shortcuts out of it (a widget whose own controls take arrow keys should mark itself so)."""
    area = page.locator(".jp-Notebook .jp-Cell").nth(cell).locator(".jp-OutputArea").first
    suppressed = area.evaluate(
        """(el, key) => {
      el.dataset.bench = key;
      // Lumino looks no further for key bindings at an element with this attribute: without it the notebook's
      // command-mode shortcuts take a focused <input type=range>'s arrow keys (see /work/coord/REQUESTS.md, 04:12).
      // It must sit on the focused element itself: the match walks up from it, and the first step matches `:focus`.
      const bare = [...el.querySelectorAll('input[type=range], select')].filter((c) => !c.hasAttribute('data-lm-suppress-shortcuts'));
      for (const c of bare) c.dataset.lmSuppressShortcuts = 'true';
      return bare.length > 0;
    }""",
        key,
    )
    return area, suppressed


def control(area, label: str):
    """The slider labelled ``label`` in ``area``: an ipywidgets slider's handle, else an ``<input type=range>`` whose
    row is labelled so (the drawing layer's controls)."""
    handle = area.locator(f'.widget-slider:has(.widget-label:text-is("{label}")) .noUi-handle')
    if handle.count():
        return handle.first
    ranges = area.locator("input[type=range]")
    labels = ranges.evaluate_all("els => els.map((el) => ((el.closest('label') || el.parentElement).innerText || '').trim())")
    for i, text in enumerate(labels):
        if re.match(rf"{re.escape(label)}\b", text):
            return ranges.nth(i)
    raise LookupError(f"no slider labelled {label!r} in the widget; its range inputs read {labels}")


def settle(page, key: str, quiet: int, timeout: float = 8_000):
    """Wait until widget ``key`` drew after the last press and then stayed still, with the kernel idle."""
    page.wait_for_function(SETTLED, arg=[key, quiet], polling=40, timeout=timeout)
    page.locator('.jp-StatusBar-TextItem:has-text("| Idle")').first.wait_for(timeout=timeout)
    page.wait_for_function(SETTLED, arg=[key, quiet], polling=40, timeout=timeout)


def drive(page, area, key: str, how: str, presses: int, quiet: int, meter: Meter, missed: list) -> list:
    """Press ``how`` (a slider's label, or "click" on the map) ``presses`` times; return the times in the page
    (press, first draw, last draw, websocket bytes) of each press."""
    canvas = area.locator("canvas").first
    if how == "click":
        box = canvas.bounding_box()
        points = [(box["x"] + fx * box["width"], box["y"] + fy * box["height"]) for fx, fy in CLICKS]
    else:
        target = control(area, how)
        target.focus()
    shot = area.screenshot()
    t_start = page.evaluate("performance.now()")
    meter.start()
    for k in range(presses):
        if how == "click":
            page.mouse.click(*points[k % 2])
        else:
            page.keyboard.press("ArrowLeft" if k % 2 else "ArrowRight")
        try:
            settle(page, key, quiet)
        except Exception as e:  # a press that drew nothing is reported, not waited on forever
            missed.append(f"{key}, {how} {k + 1}: nothing was drawn ({type(e).__name__})")
        now = meter.checking(lambda: area.screenshot())
        if now == shot:
            missed.append(f"{key}, {how} {k + 1}: the picture did not change")
        shot = now
    t_end = page.evaluate("performance.now()")
    cpu = meter.stop(presses)
    B = page.evaluate("window.__bench")
    presses_seen = [
        p for p in B["press"] if p["t"] >= t_start and p["key"] == key and (p["type"] == "pointerdown") == (how == "click")
    ]
    rows = []
    for i, p in enumerate(presses_seen):
        end = presses_seen[i + 1]["t"] if i + 1 < len(presses_seen) else t_end
        draws = [d["t"] for d in B["draw"] if d["key"] == key and p["t"] <= d["t"] < end]
        ws = [w for w in B["ws"] if p["t"] <= w["t"] < end]
        first_in = next((w["t"] for w in ws if not w["out"]), None)
        if draws:
            sent = next((w["t"] - p["t"] for w in ws if w["out"]), None)
            answer = max((w["t"] - p["t"] for w in ws if not w["out"] and w["t"] <= draws[-1]), default=None)
            rows.append({"first": draws[0] - p["t"], "last": draws[-1] - p["t"], "sent": sent, "answer": answer,
                         "before the kernel": first_in is None or draws[0] < first_in,
                         "bytes in": sum(w["n"] for w in ws if not w["out"]), "bytes out": sum(w["n"] for w in ws if w["out"])})  # fmt: skip
    return rows, cpu, len(presses_seen)


def idle(page, area, key: str, seconds: float) -> tuple[int, dict]:
    """Canvas draws (and picture loads) of widget ``key`` while nobody touches it for ``seconds``, and the CPU used."""
    page.mouse.move(1, 1)
    page.evaluate("document.activeElement && document.activeElement.blur()")
    area.scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    t0 = page.evaluate("performance.now()")
    c0 = cpu_seconds()
    page.wait_for_timeout(1000 * seconds)
    c1 = cpu_seconds()
    n = page.evaluate("([key, t0]) => window.__bench.draw.filter((d) => d.key === key && d.t >= t0).length", [key, t0])
    return n, {k: 1000 * (c1[k] - c0[k]) / seconds for k in c1}


def main():
    args = arguments(__doc__, add=lambda ap: (
        ap.add_argument("--presses", type=int, default=None, help="slider presses per widget (default 20; --quick: 4)"),
        ap.add_argument("--clicks", type=int, default=None, help="kernel-control presses per widget (default 8; --quick: 2)"),
        ap.add_argument("--idle", type=float, default=3.0, help="seconds untouched while draws are counted"),
    ))  # fmt: skip
    quick = args.quick
    presses, clicks = args.presses or (4 if quick else 20), args.clicks or (2 if quick else 8)
    names = ["new", "baseline"]
    if MISSING:
        sys.exit(f"cannot run: {MISSING}")
    from playwright.sync_api import sync_playwright

    t_run = time.perf_counter()
    results, missed, errors = {}, [], []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        nb_path, log_path = tmp / "drawing.ipynb", tmp / "baseline.json"
        nbformat.write(notebook(names, log_path), nb_path)
        with jupyter_lab([nb_path]) as (base, token), sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            try:
                page = browser.new_page(viewport={"width": 1400, "height": 1000})
                page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
                page.add_init_script(f"({PROBE})()")
                run_notebook(page, base, token, nb_path.name)
                last = page.locator(".jp-Notebook .jp-Cell").nth(len(names)).locator(".jp-OutputArea canvas, .jp-OutputArea img")
                last.first.wait_for(timeout=120_000)
                page.locator('.jp-StatusBar-TextItem:has-text("| Idle")').first.wait_for(timeout=60_000)
                page.wait_for_timeout(1000)
                meter = Meter()
                cdp = page.context.new_cdp_session(page)
                cdp.send("Performance.enable")
                for cell, key in enumerate(names, start=1):
                    area, suppressed = area_of(page, cell, key)
                    area.scroll_into_view_if_needed()
                    page.wait_for_timeout(300)
                    r = results[key] = {"suppressed": suppressed}
                    _, _, slider, kernel, _ = WIDGETS[key]
                    for route, how, n in (("slider", slider, presses), ("kernel", kernel, clicks)):
                        m0 = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
                        rows, cpu, seen = drive(page, area, key, how, n, 250 if route == "slider" else 400, meter, missed)
                        m1 = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
                        main_thread = {
                            k[: -len("Duration")]: 1000 * (m1[k] - m0[k]) / n for k in ("ScriptDuration", "TaskDuration")
                        }
                        r[route] = {"how": how, "rows": rows, "cpu": cpu, "seen": seen, "presses": n, "main": main_thread}
                    r["idle"] = idle(page, area, key, args.idle)
            finally:
                browser.close()
        kernel_log = json.loads(log_path.read_text()) if log_path.exists() else {}
    report(results, names, kernel_log, missed, errors, quick, presses, clicks, time.perf_counter() - t_run)


def report(results, names, kernel_log, missed, errors, quick, presses, clicks, seconds):
    figures, checks = {}, {}
    for key in names:
        title, _, _, _, is_new = WIDGETS[key]
        r = results.get(key, {})
        print(f"{title} [{key}]" + (": the harness kept JupyterLab's shortcuts out of it (the widget does not)"
                                    if r.get("suppressed") else ""))  # fmt: skip
        for route in ("slider", "kernel"):
            if route not in r:
                continue
            m = r[route]
            rows = m["rows"]
            checks[f"{key}: every {route} press was seen and drew the widget"] = (
                m["seen"] == m["presses"] and len(rows) == m["presses"]
            )
            if not rows:
                print(f"  {route} ({m['how']}): nothing drawn after the presses")
                continue
            # a selecting slider's picture is its first draw; a kernel control's, the last before the picture settled
            part = "first" if route == "slider" and is_new else "last"
            med, p90 = summary([x[part] for x in rows])
            b_in, b_out = statistics.mean(x["bytes in"] for x in rows), statistics.mean(x["bytes out"] for x in rows)
            cpu = m["cpu"]
            what = "key press" if m["how"] != "click" else "click"
            print(f"  {route} ({what} on {m['how']!r}, {len(rows)} presses): {what} -> changed canvas median {med:6.1f} ms, "
                  f"p90 {p90:6.1f} ms   (first draw median {summary([x['first'] for x in rows])[0]:.1f} ms, "
                  f"settled {summary([x['last'] for x in rows])[0]:.1f} ms)")  # fmt: skip
            timed = [x for x in rows if x["sent"] is not None and x["answer"] is not None and x["answer"] > x["sent"]]
            if timed and part == "last":  # where a kernel press's time goes: to the request, to the answer, to the pixels
                print(f"    request sent at {summary([x['sent'] for x in timed])[0]:.1f} ms, the answer's last message in at "
                      f"{summary([x['answer'] for x in timed])[0]:.1f} ms (medians)")  # fmt: skip
            print(f"    bytes per press: {b_in + b_out:,.0f} ({b_in:,.0f} in, {b_out:,.0f} out)   CPU per press: "
                  + ", ".join(f"{k} {v:.1f} ms" for k, v in cpu.items())
                  + "   page main thread per press: " + ", ".join(f"{k} {v:.1f} ms" for k, v in m["main"].items()))  # fmt: skip
            figures.update({f"{key}_{route}_ms": med, f"{key}_{route}_p90_ms": p90, f"{key}_{route}_bytes": b_in + b_out,
                            **{f"{key}_{route}_cpu_{k}_ms": v for k, v in cpu.items() if v > 0}})  # fmt: skip
            if is_new and route == "slider":
                checks[f"{key}: the slider redrew before any kernel message"] = all(x["before the kernel"] for x in rows)
                met = med <= 16 and p90 <= 33
                print(f"    target: median <= 16 ms, p90 <= 33 ms: {'met' if met else 'NOT met'}")
            if is_new and route == "kernel":
                print(f"    target: median <= 50 ms: {'met' if med <= 50 else 'NOT met'}")
        if "idle" in r:
            draws, cpu = r["idle"]
            print(
                f"  idle: {draws} draws while untouched; CPU per second: " + ", ".join(f"{k} {v:.1f} ms" for k, v in cpu.items())
            )
            if is_new:
                checks[f"{key}: nothing drawn while nobody touches it"] = draws == 0
    if kernel_log:
        f_med, f_p90 = summary(kernel_log["frame_ms"][1:] or kernel_log["frame_ms"])
        print(f"baseline in the kernel: redraw + PNG median {f_med:.1f} ms (p90 {f_p90:.1f}), new fan median "
              f"{summary(kernel_log['fan_ms'][1:] or kernel_log['fan_ms'])[0]:.1f} ms, PNG {kernel_log['png_bytes']:,} bytes")  # fmt: skip
        figures["baseline_kernel_frame_ms"] = f_med
    for key in names:
        if "baseline" in names and f"{key}_slider_ms" in figures and key != "baseline" and "baseline_slider_ms" in figures:
            figures[f"baseline_over_{key}_slider"] = figures["baseline_slider_ms"] / figures[f"{key}_slider_ms"]
    for line in missed:
        print("  not real work:", line)
    for line in errors:
        print("  console error:", line)
    checks["every press changed the picture"] = not missed
    checks["no console errors"] = not errors
    print(f"({seconds:.0f} s)")
    finish("browser", quick, figures, checks, {"presses": presses, "clicks": clicks, "widgets": names, "new": NEW})


if __name__ == "__main__":
    main()
