"""The one blitting engine of toylands: a figure whose background is drawn once and whose moving artists are redrawn.

Animations render frames with it off screen; widgets show it on screen, as the live ipympl canvas
(``%matplotlib widget``) or, without ipympl, as a PNG image widget. Its whole interface::

    stage = Stage(figsize=(10, 4))            # a figure: draw the still parts on stage.fig
    line = stage.animated(ax.plot([], [])[0])  # the parts that move
    line.set_data(x, y); stage.update()        # blit: the kept background, then the moving artists
    stage.invalidate()                         # the still parts changed: the next update redraws them
    stage.rgb(), stage.png(), stage.view       # what is shown, as pixels, as PNG, as a widget
    stage.picture()                            # what is shown, as a PNG to keep (live canvas too)

    >>> import matplotlib; matplotlib.use("Agg")
    >>> stage = Stage(figsize=(2, 2), live=False)
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

__all__ = ["Stage", "ipympl_active"]


def ipympl_active() -> bool:
    """Whether matplotlib draws through ipympl (``%matplotlib widget``): the live, clickable canvas."""
    return "ipympl" in matplotlib.get_backend() or matplotlib.get_backend() == "widget"


def fast_frames(canvas, compress_level: int = 1):
    """Make a webagg canvas (ipympl's) send its frames as PNG at zlib level ``compress_level`` instead of 6.

    The live canvas sends every frame as a PNG of the pixels that changed (the rest transparent) for the front end
    to lay over the last one. Encoding that at level 6 took 19 ms of a 968 x 387 px frame; level 1 takes 10 ms
    and the frame stays lossless (it is about 40% bigger: tens of kB on a local websocket). The frames are
    matplotlib's own ``get_diff_image``, with the level as the one change.
    """
    from PIL import Image

    def get_diff_image():
        if not canvas._png_is_old:
            return None
        pixels = np.asarray(canvas.get_renderer().buffer_rgba())
        buff = pixels.view(np.uint32).squeeze(2)  # one uint32 per pixel: compare whole pixels at once
        last = getattr(canvas, "_last_buff", None)
        if canvas._force_full or last is None or buff.shape != last.shape or (pixels[:, :, 3] != 255).any():
            canvas.set_image_mode("full")
            output = buff
        else:
            canvas.set_image_mode("diff")
            output = np.where(buff != last, buff, 0)
        canvas._last_buff = buff.copy()
        canvas._force_full = False
        canvas._png_is_old = False
        with io.BytesIO() as png:
            rgba = output.view(np.uint8).reshape(*output.shape, 4)
            Image.fromarray(rgba).save(png, format="png", compress_level=compress_level)
            return png.getvalue()

    if all(hasattr(canvas, a) for a in ("_png_is_old", "_force_full", "set_image_mode", "get_diff_image")):
        canvas.get_diff_image = get_diff_image  # matplotlib's webagg calls it through the instance
    return canvas


class Stage:
    """A figure whose background is drawn once and whose moving artists are blitted over it.

    ``live`` (default: whether ipympl is active) shows the figure as the ipympl canvas; otherwise it
    is drawn off screen (Agg) and ``view`` is a PNG ``ipywidgets.Image`` kept up to date.
    ``layout`` is the figure's layout engine (``"tight"``, ``"constrained"`` or None); ``dpi`` defaults to
    matplotlib's ``figure.dpi``.
    """

    def __init__(self, figsize=(10.0, 4.2), dpi: float | None = None, live: bool | None = None, layout: str | None = None):
        self.live = ipympl_active() if live is None else bool(live)
        dpi = matplotlib.rcParams["figure.dpi"] if dpi is None else dpi  # the notebook's (plot.course_style)
        if self.live:
            import matplotlib.pyplot as plt

            with plt.ioff():
                self.fig = plt.figure(figsize=figsize, dpi=dpi, layout=layout)
            self.fig.canvas.header_visible = False
            self.fig.canvas.toolbar_visible = False
            self.fig.canvas.footer_visible = False
            self.fig.canvas.resizable = False
            fast_frames(self.fig.canvas)
        else:
            self.fig = Figure(figsize=figsize, dpi=dpi, layout=layout)
            FigureCanvasAgg(self.fig)
        self._moving: list = []
        self._background = None
        self._image = None
        self.frames = 0  # how many pictures were shown (for tests and benchmarks)
        # Every full draw (ours, or one the ipympl front end asks for) keeps the background and
        # puts the moving artists back on top: matplotlib's blitting recipe.
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
        if self.live:
            canvas.blit(self.fig.bbox)
        else:
            self._show()
        self.frames += 1

    def draw(self):
        """Draw everything now. Live, the front end asks for the draw once it is ready: drawing into an ipympl
        canvas before its front end is connected leaves it a broken image (ipympl 0.10)."""
        self._background = None
        if self.live:
            self.fig.canvas.draw_idle()
        else:
            self.fig.canvas.draw()  # the draw event keeps the background and draws the moving artists
            self._show()
        self.frames += 1

    def rgb(self) -> np.ndarray:
        """What is shown now, as an RGB array ``(height, width, 3)``."""
        if self._background is None and not self.live:
            self.fig.canvas.draw()
        return np.asarray(self.fig.canvas.buffer_rgba())[..., :3].copy()

    def png(self, compress_level: int = 1) -> bytes:
        """What is shown now, as PNG bytes (fast compression: these are frames, not archives)."""
        from PIL import Image

        buf = io.BytesIO()
        Image.fromarray(self.rgb()).save(buf, format="png", compress_level=compress_level)
        return buf.getvalue()

    def picture(self) -> bytes:
        """What is shown now as a PNG to keep (a notebook's saved output, a web page): the live canvas is printed
        through matplotlib, as ipympl prints its own figures, since its pixels are drawn only once a front end asks
        (a whole draw: 25 times the time of encoding the pixels off screen)."""
        if not self.live:
            return self.png(compress_level=6)
        buf = io.BytesIO()
        # On a canvas of its own (matplotlib swaps one in for the print): a draw on the ipympl canvas before its front
        # end connects would leave that a broken image. The draw event puts the moving artists on the print.
        self.fig.savefig(buf, format="png", dpi="figure", backend="agg")
        self._background = None  # kept from the print's canvas: the next update draws anew
        return buf.getvalue()

    @property
    def view(self):
        """The widget that shows the stage: the ipympl canvas when live, else a PNG image widget."""
        if self.live:
            return self.fig.canvas
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
