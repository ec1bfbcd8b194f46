"""The one blitting engine of toylands: a figure whose background is drawn once and whose moving artists are redrawn.

Animations render their frames with it, off screen (Agg). (The widgets draw in the browser instead: ``widgets._scene``.)
Its whole interface::

    stage = Stage(figsize=(10, 4))            # a figure: draw the still parts on stage.fig
    line = stage.animated(ax.plot([], [])[0])  # the parts that move
    line.set_data(x, y); stage.update()        # blit: the kept background, then the moving artists
    stage.invalidate()                         # the still parts changed: the next update redraws them
    stage.rgb(), stage.png(), stage.view       # what is shown, as pixels, as PNG, as a widget
    stage.picture()                            # what is shown, as a PNG to keep

    >>> import matplotlib; matplotlib.use("Agg")
    >>> stage = Stage(figsize=(2, 2))
    >>> ax = stage.fig.add_subplot()
    >>> dot = stage.animated(ax.plot([0.5], [0.5], "o")[0])
    >>> stage.update(); stage.frames
    1
"""

from __future__ import annotations

import io

import matplotlib
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

__all__ = ["Stage"]


class Stage:
    """A figure whose background is drawn once and whose moving artists are blitted over it.

    It is drawn off screen (Agg); ``view`` is a PNG ``ipywidgets.Image`` kept up to date.
    ``layout`` is the figure's layout engine (``"tight"``, ``"constrained"`` or None); ``dpi`` defaults to
    matplotlib's ``figure.dpi``.
    """

    def __init__(self, figsize=(10.0, 4.2), dpi: float | None = None, layout: str | None = None):
        dpi = matplotlib.rcParams["figure.dpi"] if dpi is None else dpi  # the notebook's (plot.course_style)
        self.fig = Figure(figsize=figsize, dpi=dpi, layout=layout)
        FigureCanvasAgg(self.fig)
        self._moving: list = []
        self._background = None
        self._image = None
        self.frames = 0  # how many pictures were shown (for tests and benchmarks)
        # Every full draw keeps the background and puts the moving artists back on top: matplotlib's blitting recipe.
        self.fig.canvas.mpl_connect("draw_event", self._on_draw)

    # ------------------------------------------------------------------ the interface
    def animated(self, artist):
        """Register ``artist`` as moving: it is left out of the background and redrawn by every update."""
        artist.set_animated(True)
        self._moving.append(artist)
        return artist

    @property
    def moving(self) -> tuple:
        return tuple(self._moving)

    def reset(self):
        """Forget every moving artist and the background (before the figure is cleared and drawn anew)."""
        self._moving = []
        self._background = None

    def invalidate(self):
        """The still parts changed (axes limits, a new line in the background): the next update redraws everything."""
        self._background = None

    def update(self):
        """Show the moving artists' new state over the kept background (the whole figure when it was invalidated)."""
        if self._background is None:
            return self.draw()
        canvas = self.fig.canvas
        canvas.restore_region(self._background)
        self._draw_moving()
        self._show()
        self.frames += 1

    def draw(self):
        """Draw everything now."""
        self._background = None
        self.fig.canvas.draw()  # the draw event keeps the background and draws the moving artists
        self._show()
        self.frames += 1

    def rgb(self) -> np.ndarray:
        """What is shown now, as an RGB array ``(height, width, 3)``."""
        if self._background is None:
            self.fig.canvas.draw()
        return np.asarray(self.fig.canvas.buffer_rgba())[..., :3].copy()

    def png(self, compress_level: int = 1) -> bytes:
        """What is shown now, as PNG bytes (fast compression: these are frames, not archives)."""
        from PIL import Image

        buf = io.BytesIO()
        Image.fromarray(self.rgb()).save(buf, format="png", compress_level=compress_level)
        return buf.getvalue()

    def picture(self) -> bytes:
        """What is shown now as a PNG to keep (a notebook's saved output, a web page)."""
        return self.png(compress_level=6)

    @property
    def view(self):
        """The widget that shows the stage: a PNG image widget, kept up to date."""
        if self._image is None:
            import ipywidgets as W

            self._image = W.Image(format="png", value=self.png())
        return self._image

    # ------------------------------------------------------------------ inside
    def _on_draw(self, event):
        self._background = self.fig.canvas.copy_from_bbox(self.fig.bbox)
        self._draw_moving()

    def _draw_moving(self):
        for a in self._moving:
            if a.get_visible() and a.axes is not None:
                a.axes.draw_artist(a)

    def _show(self):
        if self._image is not None:
            self._image.value = self.png()
