"""The kernel's side of a slider: setting the Explorer's learning rate in code until the path it selects is the new
one (the browser draws it: benchmarks/bench_browser.py times that), and moving the start (the kernel computes a new
fan of every learning rate), against the naive way (an ``interact`` callback that re-runs a 500-step autograd
trajectory and redraws the whole figure), measured in the same run.

    python benchmarks/bench_widgets.py            # about 30 s
    python benchmarks/bench_widgets.py --quick    # a few seconds (CI runs it)

Every timed change moves the slider to the next value it offers (up through the first 14, 1e-4 .. 1e-3, where
every path differs, and back), and each is checked to have changed the slider's value and the path selected: a
learning rate that snaps to the value already shown would time nothing.

Targets (issue: widgets): median at most 50 ms, and at least 6x faster than the naive way; moving the start (a
control that needs the kernel, issue 21) at most 50 ms when the loss axis still suits the runs.
"""

import io
import statistics
import time

import matplotlib

matplotlib.use("Agg")
import numpy as np  # noqa: E402
from autograd import grad  # noqa: E402
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

import toylands as tl  # noqa: E402
from toylands import plot, widgets  # noqa: E402
from _report import arguments, finish  # noqa: E402

L = tl.rosenbrock
START = np.array([-1.5, 2.5])


def naive_update(lr, steps=500):
    """What a first widget usually does: recompute the path with autograd, redraw the figure from scratch."""
    g = grad(lambda p: L.f(p))
    x = START.copy()
    path = [x]
    for _ in range(steps):
        x = x - lr * g(x)
        path.append(x)
    path = np.array(path)
    fig = Figure(figsize=(10, 4.2), dpi=80)
    FigureCanvasAgg(fig)
    ax_map, ax_loss = fig.subplots(1, 2)
    plot.landscape_map(L, ax_map, legend=False)
    ax_map.plot(path[:, 0], path[:, 1], "w-")
    with np.errstate(all="ignore"):
        ax_loss.semilogy(L.f(path))
    fig.canvas.draw()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()


def picture(ex) -> tuple:
    """What the widget shows: the slider's value, the path drawn, and (for a new start) the layers sent."""
    return ex.state["lr"], ex.shown["path"].copy(), ex.layers[0]["data"]


def timed_changes(ex, changes: list[dict]) -> tuple[list[float], list[str]]:
    """Time ``ex.set(**change)`` for each change; return the times and what any change failed to change."""
    times, missed = [], []
    before = picture(ex)
    for change in changes:
        t = time.perf_counter()
        ex.set(**change)
        times.append(time.perf_counter() - t)
        after = picture(ex)
        what = [name for name, changed in zip(("the slider", "the path", "the layers"),
                                              (after[0] != before[0], not np.array_equal(after[1], before[1]),
                                               after[2] != before[2]), strict=True) if not changed]  # fmt: skip
        if "lr" in change:
            what = [w for w in what if w != "the layers"]  # selecting sends nothing new
        if what and "lr" in change:
            missed.append(f"lr={change['lr']:g} changed not {', '.join(what)}")
        elif "the path" in what or "the layers" in what:
            missed.append(f"{change} changed not {', '.join(what)}")
        before = after
    return times, missed


def main():
    args = arguments(__doc__)
    quick = args.quick
    ex = widgets.Explorer("rosenbrock", "GD", lr=1e-3, steps=500, start=START)
    lrs = [float(v) for v in ex.lrs[:14]]  # 1e-4 .. 1e-3: 14 values, every path a different one
    sweep = lrs[-2::-1] + lrs[1:]  # down from 1e-3 and back up: every change moves the slider by one value
    values = sweep[:20] if quick else sweep * 8
    ours, missed = timed_changes(ex, [{"lr": v} for v in values])
    naive = []
    for v in values[: 4 if quick else 12 : 2]:
        t = time.perf_counter()
        png = naive_update(v)
        naive.append(time.perf_counter() - t)
    o, n = statistics.median(ours), statistics.median(naive)
    p90 = float(np.percentile(ours, 90))
    print(f"Explorer, lr slider -> the path selected (kernel side): median {o * 1e3:6.2f} ms, 90th percentile "
          f"{p90 * 1e3:6.2f} ms over {len(ours)} updates, each a new slider value and path")  # fmt: skip
    print(f"naive interact (autograd re-run + full redraw): median {n * 1e3:5.1f} ms over {len(naive)} updates")
    print(f"-> {n / o:.1f}x faster")
    # what a change that needs a new run costs (optimizer, start, momentum): the whole fan at once
    recomputes = ex.counts["recomputes"]
    xs = np.linspace(-1.5, -1.0, 3 if quick else 10)[1:]
    moves, moved_missed = timed_changes(ex, [{"x": float(x)} for x in xs])
    move = statistics.median(moves)
    print(f"moving the start (recomputes the fan of {len(ex.lrs)} learning rates x 500 steps): {move * 1e3:.0f} ms per update")
    for line in missed + moved_missed:
        print("  not real work:", line)
    finish(
        "widgets",
        quick,
        {
            "lr_change_ms": o * 1e3,
            "lr_change_p90_ms": p90 * 1e3,
            "naive_ms": n * 1e3,
            "speedup": n / o,
            "start_move_ms": move * 1e3,
        },
        {
            "every lr change selected a new slider value and path": not missed,
            "every move of the start recomputed the fan and sent new layers": not moved_missed
            and ex.counts["recomputes"] == recomputes + len(xs),
            "the naive way made a PNG": png.startswith(b"\x89PNG"),
        },
        {"lr_changes": len(ours), "naive_updates": len(naive), "start_moves": len(moves)},
    )


if __name__ == "__main__":
    main()
