"""Animations: toylands' blitted frames and compact encoding against matplotlib's default way, in the same run.

    python benchmarks/bench_animate.py            # about 40 s
    python benchmarks/bench_animate.py --quick    # a few seconds: 16 frames, one repeat (CI runs it)

Targets (issue: pictures): a 100-frame animation of a 500-step race on a contour map renders and encodes at
least 8x faster than FuncAnimation(...).to_jshtml() with full redraws, at most 1/10 of its size; a blitted
trajectory update costs at most a tenth of a full redraw. Each encoding is checked to hold every frame, and each
timed frame to differ from the one before.
"""

import io
import statistics
import time

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.animation import FuncAnimation  # noqa: E402

import toylands as tl  # noqa: E402
from toylands import plot  # noqa: E402
from toylands.animate import animate, find_ffmpeg  # noqa: E402
from _report import arguments, finish  # noqa: E402


def the_race():
    opts = {"GD": tl.gd(1e-3), "Momentum": tl.momentum(1e-3, 0.9), "Adam": tl.adam(0.05)}
    return tl.race(opts, tl.rosenbrock, [[-1.2, 1.0], [0.0, 2.5]], 500)


def matplotlib_default(res, frames):
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


def frames_in(data: bytes, mime: str) -> int:
    """How many frames an encoded animation holds: WebP's counted by PIL, H.264's by the sample count in its mp4 box."""
    if mime == "image/webp":
        from PIL import Image

        return Image.open(io.BytesIO(data)).n_frames
    stsz = data.find(b"stsz")  # the sample-size box: version/flags, a common size, then the sample count
    return int.from_bytes(data[stsz + 12 : stsz + 16], "big") if data[4:8] == b"ftyp" and stsz > 0 else 0


def timed_frames(anim, count: int, full: bool) -> tuple[list[float], int]:
    """Time rendering frames 0, 1, 2, ... (with a full redraw of the figure each, if ``full``); return the times and
    how many frames were the same picture as the one before."""
    times, same, last = [], 0, None
    for k in range(count):
        t = time.perf_counter()
        if full:
            anim.stage.invalidate()  # the background is thrown away: the next frame draws the whole figure
        rgb = anim.render(k % anim.frames)
        times.append(time.perf_counter() - t)
        same += last is not None and np.array_equal(rgb, last)
        last = rgb
    return times, same


def main():
    args = arguments(__doc__)
    quick = args.quick
    frames, repeats = (16, 1) if quick else (100, 3)
    res = the_race()
    t = time.perf_counter()
    base_html = matplotlib_default(res, frames)
    base_t = time.perf_counter() - t
    print(f"matplotlib FuncAnimation + to_jshtml, {frames} frames, full redraws: {base_t:6.2f} s, {len(base_html) / 1e6:5.2f} MB")
    figures = {"matplotlib_s": base_t, "matplotlib_mb": len(base_html) / 1e6}
    checks = {f"matplotlib's animation holds its {frames} frames": base_html.count("frames[") >= frames}

    fmts = ["webp"] + (["mp4"] if find_ffmpeg() else [])
    for fmt in fmts:
        times, anim, html = [], None, ""
        for _ in range(repeats):
            t = time.perf_counter()
            anim = animate(res, frames=frames, fmt=fmt)
            html = anim.to_html()
            times.append(time.perf_counter() - t)
        o = statistics.median(times)
        data, mime = anim.encode()
        print(
            f"toylands animate ({fmt:4s}, blitted):             {o:6.2f} s, {len(html) / 1e6:5.3f} MB   "
            f"-> {base_t / o:4.1f}x faster, {len(base_html) / len(html):5.1f}x smaller"
        )
        figures.update({f"{fmt}_s": o, f"{fmt}_mb": len(html) / 1e6, f"{fmt}_speedup": base_t / o,
                        f"{fmt}_smaller": len(base_html) / len(html)})  # fmt: skip
        checks[f"the {fmt} holds all {anim.frames} frames"] = frames_in(data, mime) == anim.frames == frames
    if len(fmts) == 1:
        print("(no ffmpeg here: the H.264 path was not measured)")

    # one blitted update against one full redraw of the same figure, frame for frame
    blits, same_blit = timed_frames(anim, 10 if quick else 60, full=False)
    fulls, same_full = timed_frames(anim, 5 if quick else 15, full=True)
    blit, full = statistics.median(blits), statistics.median(fulls)
    print(f"blitted frame {blit * 1e3:5.1f} ms vs full redraw {full * 1e3:5.1f} ms: {blit / full:.3f} of a redraw")
    figures.update(blit_ms=blit * 1e3, full_redraw_ms=full * 1e3, blit_share=blit / full)
    checks["every blitted frame differs from the one before"] = same_blit == 0
    checks["every redrawn frame differs from the one before"] = same_full == 0
    finish("animate", quick, figures, checks, {"frames": frames, "formats": fmts})


if __name__ == "__main__":
    main()
