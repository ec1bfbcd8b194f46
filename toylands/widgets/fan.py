"""``FanMap``: the first landscape explorer drawn in the browser (the drawing layer of ``_drawing``).

The kernel runs one batched descent per learning rate of the ladder (a *fan* of paths from one start) and
paints the contour map once; the browser draws the selected path over it. Moving the learning-rate or the
step slider only picks among the computed paths, so the browser redraws at once, with no kernel round trip.
A click on the map asks the kernel for a new start; the browser keeps drawing the old fan meanwhile.
"""

from __future__ import annotations

import anywidget
import numpy as np
import traitlets as T

from .. import optim, plot
from ..run import run
from ._base import LR_VALUES, PATH, _as_2d, _make_optimizer, _on_map
from ._drawing import STATIC, bundle, floats, still


class FanMap(anywidget.AnyWidget):
    """A fan of descents (one per learning rate) over a landscape's map; the browser draws the selected one.

    ``FanMap("rosenbrock", optimizer="GD", steps=300)``. Drive it from code as from the page:
    ``m.index`` picks the learning rate ``m.lrs[m.index]``, ``m.step`` how much of the path is shown,
    ``m.start = [x, y]`` runs a new fan (the kernel computes it). ``m.paint()`` is the same state painted by
    matplotlib alone (the still picture for print, nbconvert and the site, and the test's reference).

    Synced traitlets (the contract with ``static/fanmap.js``):

    ========== ===================== ==============================================================
    name       type                  meaning
    ========== ===================== ==============================================================
    png        bytes                 the still map, painted once by matplotlib
    size       [int, int]            the picture's width and height in pixels
    box        [float] * 4           the axes' box in the picture: left, top, width, height (pixels)
    xlim, ylim [float, float]        the axes' data limits
    xscale,    str                   ``"linear"`` or ``"log"``: how data maps to pixels
    yscale
    paths      bytes (float32)       the fan: ``shape[0]`` paths of ``shape[1]`` points ``(x, y)``
    shape      [int, int]            runs, points per run
    labels     [str]                 one readout per run (its learning rate)
    index      int                   the run drawn (the learning-rate slider, moved in the browser)
    step       int                   points drawn: ``0 .. shape[1] - 1`` (the step slider)
    start      [float, float]        where the fan starts; the browser sets it on a click
    busy       bool                  the kernel is computing a new fan (the browser greys the path)
    color      str                   the path's colour
    live       bool                  a kernel answers (false in a saved page: a click only says so)
    ========== ===================== ==============================================================
    """

    _esm = STATIC / "fanmap.js"
    png = T.Bytes().tag(sync=True)
    size = T.List(T.Int()).tag(sync=True)
    box = T.List(T.Float()).tag(sync=True)
    xlim = T.List(T.Float()).tag(sync=True)
    ylim = T.List(T.Float()).tag(sync=True)
    xscale = T.Unicode("linear").tag(sync=True)
    yscale = T.Unicode("linear").tag(sync=True)
    paths = T.Bytes().tag(sync=True)
    shape = T.List(T.Int()).tag(sync=True)
    labels = T.List(T.Unicode()).tag(sync=True)
    index = T.Int(0).tag(sync=True)
    step = T.Int(0).tag(sync=True)
    start = T.List(T.Float()).tag(sync=True)
    busy = T.Bool(False).tag(sync=True)
    color = T.Unicode(PATH).tag(sync=True)
    live = T.Bool(True).tag(sync=True)

    def __init__(self, landscape="rosenbrock", optimizer: str = "GD", lr: float = 1e-3, steps: int = 300, *,
                 start=None, lrs=None, figsize=(5.6, 4.6), dpi: int = 88, color: str = PATH):  # fmt: skip
        self.landscape = _as_2d(landscape)
        if optimizer not in optim.OPTIMIZERS:
            raise ValueError(f"unknown optimizer {optimizer!r}; choose from {', '.join(optim.OPTIMIZERS)}")
        if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or steps < 1:
            raise ValueError(f"steps must be a whole number >= 1, not {steps!r}")
        self.optimizer, self.steps = optimizer, int(steps)
        self.lrs = np.asarray(LR_VALUES if lrs is None else lrs, dtype=float)
        if self.lrs.ndim != 1 or not self.lrs.size or not np.all(self.lrs > 0):
            raise ValueError(f"lrs must be a non-empty list of positive learning rates, not {lrs!r}")
        self._figsize, self._dpi = figsize, dpi
        super().__init__(color=color, **self._view())
        self.index = int(np.argmin(np.abs(np.log(self.lrs / lr))))
        s = self.landscape.starts[0] if start is None else start
        self.start = [float(v) for v in _on_map(self.landscape, s)]
        self.observe(self._new_start, "start")
        self._compute()

    def _map(self):
        import matplotlib.pyplot as plt

        fig = plt.figure(figsize=self._figsize, dpi=self._dpi)
        ax = fig.add_subplot()
        plot.landscape_map(self.landscape, ax, legend=False)
        return fig, ax

    def _view(self) -> dict:
        import matplotlib.pyplot as plt

        fig, ax = self._map()
        view = still(fig, ax)
        plt.close(fig)
        return view

    def _compute(self):
        opt = _make_optimizer(self.optimizer, self.lrs, {})
        self.fan = run(opt, self.landscape, np.array(self.start), self.steps, common_noise=True)
        xy = np.transpose(self.fan.positions, (1, 0, 2))  # (runs, points, 2)
        with self.hold_sync():
            self.shape = list(xy.shape[:2])
            self.labels = [f"lr = {v:.3g}" for v in self.lrs]
            self.paths = floats(xy)
            self.step = xy.shape[1] - 1
            self.busy = False

    def _new_start(self, change):
        self.busy = True
        try:
            self.start = [float(v) for v in _on_map(self.landscape, change["new"])]
        except ValueError:
            self.start = change["old"]
            raise
        self._compute()

    @property
    def path(self) -> np.ndarray:
        """The points drawn now, ``(step + 1, 2)``: run ``index`` up to ``step``."""
        return self.fan.positions[: self.step + 1, self.index]

    def _repr_mimebundle_(self, **kwargs):
        """The live view (anywidget's), and for anything with no kernel (the site, print, nbconvert) what
        ``_drawing.bundle`` adds: the module's name and saved state, the painted picture, a line of text."""
        data, metadata = super()._repr_mimebundle_(**kwargs)
        return {**data, **bundle(self)}, metadata

    def paint(self, color: str | None = None):
        """The state painted by matplotlib alone: the same map, the drawn path in ``color``. Returns the figure."""
        fig, ax = self._map()
        p = self.path
        ax.plot(p[:, 0], p[:, 1], color=color or self.color, lw=2.0, solid_capstyle="round", solid_joinstyle="round")
        ax.set(xlim=self.xlim, ylim=self.ylim)
        return fig
