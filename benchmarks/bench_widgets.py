"""Slider latency: setting the Explorer's learning rate in code until the new frame is drawn (Agg canvas, PNG
for the image widget), against the naive way (an ``interact`` callback that re-runs a 500-step autograd
trajectory and redraws the whole figure), measured in the same run.

    python benchmarks/bench_widgets.py        # about 30 s

Targets (issue: widgets): median at most 50 ms, and at least 6x faster than the naive way.
"""

import io
import statistics
import time

import matplotlib

matplotlib.use("Agg")
import numpy as np  # noqa: E402
from autograd import grad  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402

import toylands as tl  # noqa: E402
from toylands import plot, widgets  # noqa: E402

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


def main():
    ex = widgets.Explorer("rosenbrock", "GD", lr=1e-3, steps=500, start=START, live=False)
    values = np.concatenate([np.logspace(-4, -2.3, 100), np.logspace(-2.3, -4, 100)] * 2)
    ours = []
    for v in values:
        t = time.perf_counter()
        ex.set(lr=float(v))
        ours.append(time.perf_counter() - t)
    naive = []
    for v in values[:12:2]:
        t = time.perf_counter()
        naive_update(float(v))
        naive.append(time.perf_counter() - t)
    o, n = statistics.median(ours), statistics.median(naive)
    p90 = np.percentile(ours, 90)
    print(f"Explorer, lr slider -> new frame (Agg, PNG): median {o * 1e3:5.1f} ms, 90th percentile {p90 * 1e3:5.1f} ms "
          f"over {len(ours)} updates")  # fmt: skip
    print(f"naive interact (autograd re-run + full redraw): median {n * 1e3:5.1f} ms over {len(naive)} updates")
    print(f"-> {n / o:.1f}x faster")
    # what a change that needs a new run costs (optimizer, start, momentum): the whole fan at once
    t = time.perf_counter()
    for x in np.linspace(-1.5, -1.0, 10):
        ex.set(x=float(x))
    print(
        f"moving the start (recomputes the fan of {len(ex.lrs)} learning rates x 500 steps): "
        f"{(time.perf_counter() - t) / 10 * 1e3:.0f} ms per update"
    )


if __name__ == "__main__":
    main()
