"""The drawing layer: the kernel computes and paints the still part once, the browser draws what moves.

A widget on this layer is an ``anywidget.AnyWidget`` whose ``_esm`` is one ES module in ``static/`` (no build
step, nothing from npm). The kernel paints the parts that never move (a contour map, axes, a colour bar) once
with matplotlib and sends them as one PNG together with where the axes sit in it (:func:`still`): the axes'
pixel box, their data limits and scales. The browser maps data to pixels with the affine map those numbers
define (:func:`to_pixel` here, ``mapping`` in ``static/view.js``: the same formula, one function each side,
used for drawing and for hit-testing) and draws paths, markers and readouts on a canvas laid over the PNG.
Arrays travel as little-endian float32 bytes (:func:`floats`), never as JSON lists.
"""

from __future__ import annotations

import base64
import io
from pathlib import Path

import numpy as np

STATIC = Path(__file__).parent / "static"

#: The synced traitlets that place the still picture; every widget on this layer has them.
VIEW_KEYS = ("png", "size", "box", "xlim", "ylim", "xscale", "yscale")


def still(fig, ax) -> dict:
    """Paint ``fig`` once and say where ``ax`` sits in the picture.

    Returns a dict with ``png`` (bytes), ``size`` ``[width, height]`` of the picture in pixels,
    ``box`` ``[left, top, width, height]`` of the axes in those pixels (from the top-left corner),
    ``xlim``, ``ylim`` (data limits, in the order matplotlib draws them) and ``xscale``, ``yscale``
    (``"linear"`` or ``"log"``).
    """
    for axis, scale in (("x", ax.get_xscale()), ("y", ax.get_yscale())):
        if scale not in ("linear", "log"):
            raise ValueError(f"the browser draws over linear or log axes only; the {axis} axis is {scale!r}")
    fig.canvas.draw()
    width, height = (int(round(v)) for v in fig.bbox.size)
    box = ax.get_window_extent()  # display pixels, origin at the bottom left
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=fig.dpi)  # no tight bbox: the picture is the canvas, so the box stays true
    left, top = float(box.x0), float(height - box.y1)
    return {"png": buf.getvalue(), "size": [width, height], "box": [left, top, float(box.width), float(box.height)],
            "xlim": [float(v) for v in ax.get_xlim()], "ylim": [float(v) for v in ax.get_ylim()],
            "xscale": ax.get_xscale(), "yscale": ax.get_yscale()}  # fmt: skip


def to_pixel(view: dict, x, y) -> tuple[np.ndarray, np.ndarray]:
    """Data to picture pixels (from the top-left corner) by the view's affine map; ``static/view.js`` is its twin."""

    def frac(v, lim, scale):
        f = np.log10 if scale == "log" else np.asarray
        lo, hi = f(lim[0]), f(lim[1])
        return (f(np.asarray(v, dtype=float)) - lo) / (hi - lo)

    left, top, w, h = view["box"]
    return left + w * frac(x, view["xlim"], view["xscale"]), top + h * (1 - frac(y, view["ylim"], view["yscale"]))


def floats(a) -> bytes:
    """An array as little-endian float32 bytes, the form arrays take to the browser."""
    return np.ascontiguousarray(a, dtype="<f4").tobytes()


def saved(widget) -> dict:
    """A widget's synced state as JSON, bytes as ``{"$bytes": base64}``, with ``live`` false: what
    ``static/standin.js`` runs the widget's own module against where no kernel answers (the site, tests)."""
    out = {}
    for name in widget.keys:
        if name.startswith("_") or name in ("layout", "tabbable", "tooltip"):
            continue
        v = getattr(widget, name)
        out[name] = {"$bytes": base64.b64encode(v).decode()} if isinstance(v, bytes) else v
    out["live"] = False
    return out
