"""Fast, light animations of descents and races.

The landscape is drawn once; each frame restores that background and draws only the moving
artists (trails, heads, the step counter) - blitting. Frames are encoded as H.264 video through
ffmpeg when one is found (the system's, or the ``imageio-ffmpeg`` wheel's), else as an animated
WebP with Pillow, which matplotlib already needs. Either plays in JupyterLab and in a static
HTML export of the notebook, since the bytes are inlined.

    >>> import matplotlib; matplotlib.use("Agg")
    >>> import toylands as tl
    >>> from toylands.animate import animate
    >>> anim = animate(tl.run(tl.adam(0.1), tl.himmelblau, steps=200), frames=20)
    >>> anim.frames, anim.render(5).shape[2]
    (20, 3)
"""

from __future__ import annotations

import base64
import io
import shutil
import subprocess
import tempfile
from pathlib import Path

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from . import plot
from .landscape import Landscape

__all__ = ["Animation", "animate", "find_ffmpeg"]


def find_ffmpeg() -> str | None:
    """The path of an ffmpeg executable: the system's, else the imageio-ffmpeg wheel's; None if neither."""
    exe = shutil.which("ffmpeg")
    if exe:
        return exe
    try:
        import imageio_ffmpeg

        return imageio_ffmpeg.get_ffmpeg_exe()
    except Exception:
        return None


class Animation:
    """Blitted frames of one or more trajectories on a landscape map.

    ``render(k)`` draws frame ``k`` (an RGB array); ``encode()`` returns the encoded bytes and
    their MIME type; in a notebook the object shows itself as a video (or an animated image).
    ``player()`` gives a Play button and a slider that scrub it in a live kernel.
    """

    def __init__(
        self,
        traj,
        landscape: Landscape | None = None,
        *,
        frames: int = 100,
        fps: int = 20,
        trail: int | None = None,
        figsize=(5.6, 4.4),
        dpi: int = 80,
        fmt: str = "auto",
        title: str | None = None,
    ):
        runs = plot._runs(traj)
        self.landscape = plot._two_d(landscape or runs[0][1].landscape)
        for _, tr in runs:
            plot._check_traj(tr, self.landscape)
        if not isinstance(frames, (int, np.integer)) or frames < 1:
            raise plot.PlotError(f"frames must be a whole number >= 1; got {frames!r}")
        if fmt not in ("auto", "mp4", "webp"):
            raise plot.PlotError(f"fmt must be 'auto', 'mp4' or 'webp'; got {fmt!r}")
        self.runs, self.fps, self.trail, self.fmt = runs, int(fps), trail, fmt
        steps = max(tr.steps for _, tr in runs)
        self.steps_at = np.unique(np.linspace(0, steps, frames).round().astype(int))
        self._encoded = None

        # Even pixel sizes, as H.264 with yuv420p requires.
        w, h = (int(round(v * dpi)) // 2 * 2 for v in figsize)
        self.figure = Figure(figsize=(w / dpi, h / dpi), dpi=dpi, layout="tight")  # constrained clips with equal aspect
        self.canvas = FigureCanvasAgg(self.figure)
        ax = self.ax = self.figure.add_subplot()
        plot.landscape_map(self.landscape, ax, colorbar=True, legend=False, title=title or self.landscape.name)
        per_run = len(runs) == 1 and plot.run_labels(runs[0][1])
        colors = plot.PATH_COLORS if len(runs) > 1 or per_run else [plot.PATH_COLORS[0]]
        self._moving = []  # (trajectory, run index, trail line, head marker)
        for k, (name, tr) in enumerate(runs):
            for b in range(tr.runs):
                c = colors[(b if per_run else k) % len(colors)]
                label = f"{name} {per_run[b]}" if per_run else (name if b == 0 else None)
                ax.plot(*tr.positions[0, b], "o", mfc="none", mec=c, ms=7, mew=1.6, zorder=6)  # start, static
                (line,) = ax.plot([], [], color=c, lw=1.8, zorder=3, label=label, animated=True)
                (head,) = ax.plot([], [], "o", color=c, mec="black", ms=7, zorder=7, animated=True)
                self._moving.append((tr, b, line, head))
        if len(runs) > 1 or per_run:
            ax.legend(loc="upper right", fontsize=7, framealpha=0.85)
        self._counter = ax.text(
            0.02,
            0.97,
            "",
            transform=ax.transAxes,
            va="top",
            fontsize=9,
            zorder=8,
            animated=True,
            bbox=dict(fc="white", ec="none", alpha=0.8, pad=2),
        )
        self.canvas.draw()
        self._background = self.canvas.copy_from_bbox(self.figure.bbox)

    @property
    def frames(self) -> int:
        return len(self.steps_at)

    @property
    def size(self) -> tuple[int, int]:
        """(width, height) in pixels."""
        w, h = self.canvas.get_width_height()
        return w, h

    def render(self, k: int) -> np.ndarray:
        """Frame ``k`` as an RGB array ``(height, width, 3)``."""
        if not 0 <= k < self.frames:
            raise IndexError(f"frame {k} out of range: the animation has {self.frames} frames")
        step = int(self.steps_at[k])
        self.canvas.restore_region(self._background)
        for tr, b, line, head in self._moving:
            stop = min(step, tr.steps)
            gone = tr.diverged[b] and stop >= tr.diverged_at[b]
            if gone:
                stop = tr.diverged_at[b] - 1
            first = 0 if self.trail is None else max(0, stop - self.trail)
            P = tr.positions[first : stop + 1, b]
            line.set_data(P[:, 0], P[:, 1])
            head.set_data([P[-1, 0]], [P[-1, 1]])
            head.set_marker("X" if gone else "o")
            self.ax.draw_artist(line)
            self.ax.draw_artist(head)
        self._counter.set_text(f"step {step} / {self.steps_at[-1]}")
        self.ax.draw_artist(self._counter)
        return np.asarray(self.canvas.buffer_rgba())[..., :3].copy()

    def __iter__(self):
        return (self.render(k) for k in range(self.frames))

    # ------------------------------------------------------------------ encoding
    def encode(self) -> tuple[bytes, str]:
        """The encoded animation and its MIME type: ``video/mp4`` through ffmpeg, else ``image/webp``."""
        if self._encoded is None:
            exe = find_ffmpeg() if self.fmt in ("auto", "mp4") else None
            if self.fmt == "mp4" and exe is None:
                raise plot.PlotError("fmt='mp4' needs ffmpeg: install it (apt install ffmpeg, or pip install imageio-ffmpeg)")
            self._encoded = (self._mp4(exe), "video/mp4") if exe else (self._webp(), "image/webp")
        return self._encoded

    def _mp4(self, exe: str) -> bytes:
        w, h = self.size
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "anim.mp4"
            raw_in = ["-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{w}x{h}", "-r", str(self.fps), "-i", "-"]
            h264 = ["-c:v", "libx264", "-preset", "veryfast", "-crf", "26", "-pix_fmt", "yuv420p"]
            h264 += ["-movflags", "+faststart"]  # playable while it loads
            cmd = [exe, "-y", "-loglevel", "error", *raw_in, *h264, str(out)]
            proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stderr=subprocess.PIPE)
            try:
                for frame in self:
                    proc.stdin.write(frame.tobytes())
            finally:
                proc.stdin.close()
                err = proc.stderr.read().decode(errors="replace")
                proc.wait()
            if proc.returncode != 0:
                raise RuntimeError(f"ffmpeg failed ({proc.returncode}): {err.strip()}")
            return out.read_bytes()

    def _webp(self) -> bytes:
        from PIL import Image

        images = [Image.fromarray(f) for f in self]
        buf = io.BytesIO()
        # measured on a 100-frame race: 192 KB in 0.7 s, and no visible artefacts on contour maps
        timing = dict(duration=int(1000 / self.fps), loop=0)
        webp = dict(quality=60, method=2, minimize_size=True)
        images[0].save(buf, format="WEBP", save_all=True, append_images=images[1:], **webp, **timing)
        return buf.getvalue()

    def to_html(self) -> str:
        """An HTML snippet with the animation inlined: a looping video with controls, or an animated image."""
        data, mime = self.encode()
        b64 = base64.b64encode(data).decode()
        w, _ = self.size
        if mime == "video/mp4":
            return (f'<video width="{w}" controls autoplay loop muted playsinline>'
                    f'<source type="video/mp4" src="data:video/mp4;base64,{b64}"></video>')  # fmt: skip
        return f'<img width="{w}" src="data:{mime};base64,{b64}" alt="animation of {self.landscape.name}"/>'

    def _repr_html_(self):
        return self.to_html()

    def save(self, path) -> Path:
        """Write the animation: ``.mp4`` or ``.webp`` (as encoded), ``.gif``, or ``.html`` (the inlined snippet)."""
        path = Path(path)
        ext = path.suffix.lower()
        if ext == ".html":
            path.write_text(self.to_html())
        elif ext == ".gif":
            from PIL import Image

            images = [Image.fromarray(f).convert("P", palette=Image.ADAPTIVE) for f in self]
            images[0].save(path, save_all=True, append_images=images[1:], duration=int(1000 / self.fps), loop=0)
        elif ext in (".mp4", ".webp"):
            data, mime = self.encode()
            if not mime.endswith(ext[1:]):
                raise plot.PlotError(f"this animation was encoded as {mime}; save it as .{mime.split('/')[1]} or .gif")
            path.write_bytes(data)
        else:
            raise plot.PlotError(f"save as .mp4, .webp, .gif or .html; got {path.name!r}")
        return path

    def frame_png(self, k: int) -> bytes:
        """Frame ``k`` as PNG bytes."""
        from PIL import Image

        buf = io.BytesIO()
        Image.fromarray(self.render(k)).save(buf, format="PNG")
        return buf.getvalue()

    def player(self):
        """A Play button and a step slider that scrub the animation in a live kernel (ipywidgets)."""
        import ipywidgets as W

        image = W.Image(value=self.frame_png(0), format="png", width=self.size[0])
        play = W.Play(min=0, max=self.frames - 1, interval=int(1000 / self.fps), description="play")
        slider = W.IntSlider(min=0, max=self.frames - 1, description="frame", continuous_update=True)
        W.jslink((play, "value"), (slider, "value"))
        slider.observe(lambda change: setattr(image, "value", self.frame_png(change["new"])), names="value")
        return W.VBox([W.HBox([play, slider]), image])

    def __repr__(self):
        return f"Animation({self.frames} frames of {self.landscape.name!r}, {self.size[0]}x{self.size[1]} px)"


def animate(traj, landscape: Landscape | None = None, **kw) -> Animation:
    """An Animation of a trajectory, or of a race (a dict of trajectories). See ``Animation``."""
    return Animation(traj, landscape, **kw)
