"""Animations: toylands' blitted frames and compact encoding against matplotlib's default way, in the same run.

    python benchmarks/bench_animate.py       # about 30 s

Targets (issue: pictures): a 100-frame animation of a 500-step race on a contour map renders and encodes at
least 8x faster than FuncAnimation(...).to_jshtml() with full redraws, at most 1/10 of its size; a blitted
trajectory update costs at most a tenth of a full redraw.
"""

import statistics
import time

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.animation import FuncAnimation  # noqa: E402

import toylands as tl  # noqa: E402
from toylands import plot  # noqa: E402
from toylands.animate import animate, find_ffmpeg  # noqa: E402


def the_race():
    opts = {"GD": tl.gd(1e-3), "Momentum": tl.momentum(1e-3, 0.9), "Adam": tl.adam(0.05)}
    return tl.race(opts, tl.rosenbrock, [[-1.2, 1.0], [0.0, 2.5]], 500)


def matplotlib_default(res, frames=100):
    """The usual notebook recipe: FuncAnimation redrawing the whole figure, exported with to_jshtml."""
    fig, ax = plt.subplots(figsize=(5.6, 4.4), dpi=80)
    plot.landscape_map(tl.rosenbrock, ax, legend=False)
    lines = [ax.plot([], [], lw=1.8)[0] for _, tr in res.items() for _ in range(tr.runs)]
    runs = [(tr, b) for _, tr in res.items() for b in range(tr.runs)]

    def update(k):
        step = int(round(k * 500 / (frames - 1)))
        for line, (tr, b) in zip(lines, runs, strict=True):
            line.set_data(tr.positions[: step + 1, b, 0], tr.positions[: step + 1, b, 1])
        return lines

    html = FuncAnimation(fig, update, frames=frames, blit=False).to_jshtml(fps=20)
    plt.close(fig)
    return html


def ours(res, fmt):
    anim = animate(res, frames=100, fmt=fmt)
    return anim.to_html(), anim


def main():
    res = the_race()
    t = time.perf_counter()
    base_html = matplotlib_default(res)
    base_t = time.perf_counter() - t
    print(f"matplotlib FuncAnimation + to_jshtml, full redraws: {base_t:6.2f} s, {len(base_html) / 1e6:5.2f} MB")

    fmts = ["webp"] + (["mp4"] if find_ffmpeg() else [])
    for fmt in fmts:
        times, anim = [], None
        for _ in range(3):
            t = time.perf_counter()
            html, anim = ours(res, fmt)
            times.append(time.perf_counter() - t)
        o = statistics.median(times)
        print(
            f"toylands animate ({fmt:4s}, blitted):             {o:6.2f} s, {len(html) / 1e6:5.3f} MB   "
            f"-> {base_t / o:4.1f}x faster, {len(base_html) / len(html):5.1f}x smaller"
        )
    if len(fmts) == 1:
        print("(no ffmpeg here: the H.264 path was not measured)")

    # one blitted update against one full redraw of the same figure
    blit = statistics.median(_timed(lambda k: anim.render(k % anim.frames), 60))
    full = statistics.median(_timed(lambda k: anim.canvas.draw(), 15))
    print(f"blitted frame {blit * 1e3:5.1f} ms vs full redraw {full * 1e3:5.1f} ms: {blit / full:.3f} of a redraw")


def _timed(fn, n):
    out = []
    for k in range(n):
        t = time.perf_counter()
        fn(k)
        out.append(time.perf_counter() - t)
    return out


if __name__ == "__main__":
    main()
