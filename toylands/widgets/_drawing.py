"""The drawing layer: the kernel computes and paints the still part once, the browser draws what moves.

A widget on this layer is an ``anywidget.AnyWidget`` whose ``_esm`` is one ES module in ``static/`` (no build
step, nothing from npm). The kernel paints the parts that never move (a contour map, axes, a colour bar) once
with matplotlib and sends them as one PNG together with where the axes sit in it (:func:`still`): the axes'
pixel box, their data limits and scales. The browser maps data to pixels with the affine map those numbers
define (:func:`to_pixel` here, ``axisMap`` in ``static/scene.js``: the same formula, one function each side,
used for drawing and for hit-testing) and draws paths, markers and readouts on a canvas laid over the PNG.
Arrays travel as little-endian float32 bytes (:func:`floats`), points as half floats over their axes
(``_scene.wire``), never as JSON lists.
"""

from __future__ import annotations

import base64
import io
import struct
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
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=fig.dpi)  # no tight bbox: the picture is the canvas, so the box stays true
    width, height = struct.unpack(">II", buf.getvalue()[16:24])  # the PNG's own size (its IHDR), as savefig rounded it
    box = ax.get_window_extent()  # display pixels, origin at the bottom left: read after the one drawing, its layout done
    left, top = float(box.x0), float(height - box.y1)
    return {"png": buf.getvalue(), "size": [width, height], "box": [left, top, float(box.width), float(box.height)],
            "xlim": [float(v) for v in ax.get_xlim()], "ylim": [float(v) for v in ax.get_ylim()],
            "xscale": ax.get_xscale(), "yscale": ax.get_yscale()}  # fmt: skip


def to_pixel(view: dict, x, y) -> tuple[np.ndarray, np.ndarray]:
    """Data to picture pixels (from the top-left corner) by the view's affine map (``axisMap`` in scene.js is its twin)."""

    def frac(v, lim, scale):
        f = np.log10 if scale == "log" else np.asarray
        lo, hi = f(lim[0]), f(lim[1])
        return (f(np.asarray(v, dtype=float)) - lo) / (hi - lo)

    left, top, w, h = view["box"]
    return left + w * frac(x, view["xlim"], view["xscale"]), top + h * (1 - frac(y, view["ylim"], view["yscale"]))


def floats(a) -> bytes:
    """An array as little-endian float32 bytes, the form arrays take to the browser."""
    return np.ascontiguousarray(a, dtype="<f4").tobytes()


#: The mime type of a widget's saved form (its ES module's name and its state), which the static site makes live.
MIME = "application/vnd.toylands.widget+json"


def _jsonable(v, where: str):
    """``v`` as JSON can hold it, bytes (at any depth) as ``{"$bytes": base64}``; ``where`` names it in errors."""
    if isinstance(v, (bytes, bytearray, memoryview)):
        return {"$bytes": base64.b64encode(bytes(v)).decode()}
    if isinstance(v, dict):
        return {str(k): _jsonable(x, f"{where}[{k!r}]") for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_jsonable(x, f"{where}[{i}]") for i, x in enumerate(v)]
    if isinstance(v, np.generic) and not isinstance(v, (np.bytes_, np.str_)):
        v = v.item()
    if isinstance(v, float) and not np.isfinite(v):
        raise ValueError(f"{where} is {v}, which JSON cannot hold: send arrays with non-finite values as float32 bytes "
                         "(_drawing.floats), numbers as finite floats or None")  # fmt: skip
    if v is None or isinstance(v, (str, bool, int, float)):
        return v
    raise TypeError(f"{where} is a {type(v).__name__}, which the saved state cannot hold: use bytes (arrays as "
                    "_drawing.floats), str, numbers, bools, None, and lists and dicts of them")  # fmt: skip


def saved(widget) -> dict:
    """A widget's synced state as JSON, bytes anywhere in it (nested in lists and dicts too) as ``{"$bytes": base64}``,
    with ``live`` false: what ``static/standin.js`` runs the widget's own module against where no kernel answers (the
    site, tests). A widget's ``_static_state()``, when it defines one, returns what a page with no kernel needs beyond
    its synced state (a grid of precomputed starts, say); it updates the saved state."""
    out = {}
    for name in widget.keys:
        if name.startswith("_") or name in ("layout", "tabbable", "tooltip"):
            continue
        out[name] = getattr(widget, name)
    extra = getattr(widget, "_static_state", None)
    if extra is not None:
        more = extra()
        if not isinstance(more, dict):
            raise TypeError(f"{type(widget).__name__}._static_state() returned a {type(more).__name__}: it should "
                            "return a dict of state names to values")  # fmt: skip
        out.update(more)
    out["live"] = False
    return {name: _jsonable(v, f"{type(widget).__name__}.{name}") for name, v in out.items()}


def _module_file(widget) -> str:
    """The file name, inside ``static/``, of the ES module a widget runs (its ``_esm``), as the site serves it."""
    cls = next((c for c in type(widget).__mro__ if "_esm" in vars(c)), None)
    path = getattr(vars(cls)["_esm"], "_path", None) if cls is not None else None  # anywidget's FileContents
    if path is None:  # another anywidget: the file in static/ that holds the very module it runs
        text = str(getattr(widget, "_esm", ""))
        path = next((f for f in sorted(STATIC.rglob("*.js")) if f.read_text(encoding="utf-8") == text), None)
    static = STATIC.resolve()
    path = Path(path).resolve() if path is not None else None
    if path is None or static not in path.parents:
        raise ValueError(f"{type(widget).__name__} runs an ES module that is not a file in {STATIC}: the site serves "
                         "only the modules there (give the class _esm = STATIC / 'name.js')")  # fmt: skip
    return path.relative_to(static).as_posix()


def bundle(widget) -> dict:
    """What a widget adds to its mime bundle beside the live view, for anything with no kernel: ``MIME`` (its module's
    name in ``static/`` and its :func:`saved` state: the site runs the module on it), ``image/png`` (its state painted
    by matplotlib alone, ``widget.paint()``: print, nbconvert, a page without JavaScript) and ``text/plain``."""
    import matplotlib.pyplot as plt

    fig = widget.paint()
    try:
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=fig.dpi)
    finally:
        plt.close(fig)
    name = type(widget).__name__
    readout = getattr(widget, "readout", "") or ""
    return {MIME: {"module": _module_file(widget), "name": name, "state": saved(widget)},
            "image/png": base64.b64encode(buf.getvalue()).decode(),
            "text/plain": f"{name}{': ' + readout if readout else ''} (a live widget: its controls redraw in JupyterLab, "
                          "on Binder and on the course's website)"}  # fmt: skip
