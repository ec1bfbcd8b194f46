"""Landscape pictures: ``LandscapeViewer`` and ``Picker`` (``Explorer``, ``LRLab``: ``explorer``; ``Race``: ``race``)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .. import plot
from ..landscape import LandscapeError
from ..run import number
from ._scene import Scene, control, layer
from ._base import (_as_2d)
from ..zoo import get, landscapes


class LandscapeViewer(Scene):
    """A landscape and its parameter sliders (condition number, valley width, ...): the map redraws as they move.

    Every value of a slider is a new map, which only the kernel can paint: on a page with no kernel (the course's
    site) the sliders are shown disabled, under the map their first values give. ``v.set(kappa=300)``.
    """

    def __init__(self, landscape="ill_conditioned_bowl", live: bool | None = None, surface: bool = False):
        self.base = get(landscape)
        if not self.base.params:
            with_params = [n for n in landscapes() if get(n).params]
            raise LandscapeError(f"{self.base.name!r} has no parameters to slide; try one of {', '.join(with_params)}")
        super().__init__()
        self.landscape = _as_2d(self.base)
        self.surface = surface
        self.figsize = (11.0, 4.6) if surface else (6.4, 5.2)
        from .explorer import _param_values

        specs = []
        for k, v in self.base.params.items():
            vals = _param_values(self.base.name, k, v)
            specs.append(control(k, vals, labels=[number(x) for x in vals], kernel=True))
        self.declare(*specs, values=dict(self.base.params))
        self._compute()

    def coerce(self, name, value):
        from .explorer import _nearest, _number

        vals = self._specs[name]["_values"]
        v = _number(name, value)
        return _nearest(vals, min(max(v, vals[0]), vals[-1]))

    def _compute(self):
        params = {k: self.get(k) for k in self._specs}
        try:
            self.landscape = _as_2d(self.base.with_params(**params))
        except (LandscapeError, ValueError) as e:
            self.note = str(e)
            return
        self.repaint()
        self._set_layers([], {"dims": [], "items": [", ".join(f"{k} = {number(v)}" for k, v in params.items())]})

    def _figure(self):
        import matplotlib.pyplot as plt

        fig = plt.figure(figsize=self.figsize, dpi=self.dpi)
        if self.surface:
            ax = fig.add_subplot(1, 2, 1)
            plot.landscape_map(self.landscape, ax, legend=False)
            plot.surface(self.landscape, fig.add_subplot(1, 2, 2, projection="3d"), n=60)
        else:
            ax = fig.add_subplot()
            plot.landscape_map(self.landscape, ax, legend=True)
        fig.set_layout_engine("tight")
        return fig, [ax]


class Picker(Scene):
    """A slider over precomputed results: each choice's picture is drawn once, and the browser shows it with no kernel.

    ``options`` maps a label to a value (a list of values labels itself); ``draw(value, fig)`` draws
    one choice on an empty figure; ``describe(value)`` (optional) gives the text under it. Every picture is drawn
    when the Picker is made (one ``picture`` layer over ``choice``), so a saved page can choose among them too.

        >>> import matplotlib; matplotlib.use("Agg")
        >>> p = Picker({"small": 0.1, "large": 1.0}, lambda v, fig: fig.add_subplot().plot([0, v]), "scale")
        >>> p.set(choice=1.0).state["choice"]
        1.0
    """

    def __init__(self, options, draw: Callable, description: str = "choice", *, describe: Callable | None = None,
                 value=None, figsize=(11.0, 4.2), dpi: int = 100):  # fmt: skip
        items = list(options.items()) if isinstance(options, dict) else [(number(v) if np.isscalar(v) else str(v), v)
                                                                          for v in options]  # fmt: skip
        if not items:
            raise ValueError("Picker needs at least one option")
        super().__init__()
        self.draw_fn, self.describe_fn, self.figsize, self.dpi = draw, describe, tuple(figsize), dpi
        self._pictures: dict = {}
        values = [v for _, v in items]
        self.declare(control("choice", values, label=description, labels=[k for k, _ in items]),
                     values={"choice": values[0] if value is None else value})
        pictures = [self.picture(v) for v in values]
        self.repaint()
        texts = [self._describe(v) for v in values]
        self._set_layers([layer("picture", pictures, dims=["choice"])], {"dims": ["choice"], "items": texts})

    def picture(self, value) -> bytes:
        """The PNG of one choice (drawn once, then kept)."""
        key = repr(value)
        if key not in self._pictures:
            import io

            from matplotlib.backends.backend_agg import FigureCanvasAgg
            from matplotlib.figure import Figure

            fig = Figure(figsize=self.figsize, dpi=self.dpi, layout="constrained")
            FigureCanvasAgg(fig)
            self.draw_fn(value, fig)
            buf = io.BytesIO()
            fig.savefig(buf, format="png")
            self._pictures[key] = buf.getvalue()
        return self._pictures[key]

    def _describe(self, value) -> str:
        return self.describe_fn(value) if self.describe_fn else ""

    def _figure(self):
        import matplotlib.pyplot as plt

        fig = plt.figure(figsize=self.figsize, dpi=self.dpi)
        ax = fig.add_axes((0, 0, 1, 1))
        ax.set_axis_off()
        return fig, [ax]

    def _compute(self):
        pass  # every choice is drawn ahead: no control needs the kernel

    def snapshot(self) -> bytes:
        """The PNG shown now (the chosen picture itself)."""
        return self.picture(self.get("choice"))
