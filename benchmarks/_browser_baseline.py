"""The old route, kept as the browser benchmark's baseline: the kernel redraws, the browser shows a PNG.

This is how every toylands widget worked before the drawing layer (issue 21), cut to what the timing depends
on, so that the benchmark can keep measuring it once the old widgets are gone:

- an ``ipywidgets`` slider whose value the kernel observes (every move is a round trip through the kernel);
- the fan of paths precomputed as one batched run (the learning-rate slider only picks a path, as before);
- matplotlib Agg paints the map once and keeps it (``copy_from_bbox``); a move restores it, draws the path
  over it (``draw_artist``) and encodes the picture as a PNG (zlib level 1, as ``toylands.stage`` did);
- the PNG goes to the browser as the value of an ``ipywidgets.Image`` (the whole picture, every move).

``Baseline`` draws the same map, start, steps and learning rates as ``toylands.widgets.Explorer`` at the same
size, so the benchmark compares routes, not pictures. The ``start x`` slider is the old route's kernel
control: each move runs a new fan from there, then redraws. ``frame_ms`` and ``fan_ms`` hold the kernel's own
time per redraw and per new fan; with ``log`` set, every redraw also writes them to that JSON file.
"""

from __future__ import annotations

import io
import json
import time

import ipywidgets as W
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

from toylands import optim, plot
from toylands.run import number, run
from toylands.zoo import get

#: The learning rates of the slider: 1e-4 .. 10 in round numbers, 13 a decade (Explorer's ladder).
LRS = np.array([float(f"{m * 10.0**e:.6g}") for e in range(-4, 2) for m in (1, 1.2, 1.5, 1.8, 2, 2.5, 3, 3.5, 4, 5, 6, 7, 8)
                if float(f"{m * 10.0**e:.6g}") <= 10.0])  # fmt: skip


class Baseline(W.VBox):
    """``Baseline("rosenbrock", lr=1e-3, steps=300)``: an lr slider and a start-x slider over a PNG redrawn by the kernel."""

    def __init__(self, landscape="rosenbrock", lr: float = 1e-3, steps: int = 300, *, figsize=(5.6, 4.6), dpi: int = 88,
                 log: str | None = None):  # fmt: skip
        self.landscape = get(landscape).as_2d()
        self.steps, self.log_to = int(steps), log
        self.frame_ms: list[float] = []
        self.fan_ms: list[float] = []
        self.fig = Figure(figsize=figsize, dpi=dpi)
        FigureCanvasAgg(self.fig)
        self.ax = self.fig.add_subplot()
        plot.landscape_map(self.landscape, self.ax, legend=False)
        (self.line,) = self.ax.plot([], [], color="#FFFFFF", lw=2.0, solid_capstyle="round", animated=True)
        self.fig.canvas.draw()
        self.background = self.fig.canvas.copy_from_bbox(self.fig.bbox)

        (lo, hi), y = self.landscape.bounds[0], self.landscape.starts[0][1]
        self.lr = W.SelectionSlider(options=[(number(v), i) for i, v in enumerate(LRS)], description="lr",
                                    value=int(np.argmin(np.abs(np.log(LRS / lr)))), continuous_update=True)  # fmt: skip
        self.x = W.FloatSlider(value=float(self.landscape.starts[0][0]), min=float(lo), max=float(hi),
                               step=float(hi - lo) / 50, description="start x", continuous_update=True)  # fmt: skip
        self.y = float(y)
        self.image = W.Image(format="png")
        self._new_fan()
        self.lr.observe(lambda change: self.redraw(), names="value")
        self.x.observe(lambda change: self._new_fan(), names="value")
        super().__init__([self.lr, self.x, self.image])

    def _new_fan(self):
        t0 = time.perf_counter()
        self.fan = run(optim.gd(LRS), self.landscape, np.array([self.x.value, self.y]), self.steps, common_noise=True)
        self.fan_ms.append(1000 * (time.perf_counter() - t0))
        self.redraw()

    def redraw(self):
        """Restore the kept map, draw the selected path over it, send the whole picture as a PNG."""
        t0 = time.perf_counter()
        p = self.fan.positions[:, self.lr.value]
        self.line.set_data(p[:, 0], p[:, 1])
        canvas = self.fig.canvas
        canvas.restore_region(self.background)
        self.ax.draw_artist(self.line)
        buf = io.BytesIO()
        Image.fromarray(np.asarray(canvas.buffer_rgba())[..., :3]).save(buf, format="png", compress_level=1)
        self.image.value = buf.getvalue()
        self.frame_ms.append(1000 * (time.perf_counter() - t0))
        if self.log_to:
            with open(self.log_to, "w") as f:
                json.dump({"frame_ms": self.frame_ms, "fan_ms": self.fan_ms, "png_bytes": len(self.image.value)}, f)
