"""``Scene``: the one widget the browser draws. The kernel computes and paints the still part, the browser draws layers.

Every toylands widget is a ``Scene``: a Python class that computes what its controls can reach and declares it as
*layers* (a path, a set of dots, a marker, a vertical line, a band, an image, a picture, a label), each indexed by
the values of some controls (its ``dims``). One ES module, ``static/scene.js``, draws the layers that the current
control values select on a canvas laid over the still picture (matplotlib paints it once: a contour map, axes,
colour bars). A control that only selects among computed layers redraws in the browser with no kernel round trip;
a control marked ``kernel`` asks the kernel to compute new layers, and the browser keeps drawing meanwhile.

The same layers draw with matplotlib alone (:meth:`Scene.paint`): the still picture for print and nbconvert, and
the reference the browser's drawing is tested against (tests/test_scene.py: within 1 px, point by point).

The state the browser reads (every trait tagged ``sync``):

============ ======================================================================================================
``png``      the still picture (bytes), ``size`` its ``[width, height]`` in pixels
``axes``     one view per axes the browser draws into: ``box`` (left, top, width, height in pixels from the
             top-left), ``xlim``, ``ylim``, ``xscale``, ``yscale`` (:func:`._drawing.still`)
``controls`` ``{name, label, kind, options, kernel}``: kind ``slider``, ``select``, ``play`` (it moves the
             slider ``target``) or ``map`` (the start, set by a click or a drag on axes ``axes``); a control's
             value is an index into its ``options`` (their labels)
``value``    control name -> index
``start``    ``[x, y]``, the start point a click on the map sets (the kernel computes its runs)
``layers``   drawing instructions (see :func:`layer`); arrays travel as float32 bytes
``texts``    the readout under the picture: ``{dims, items}``, plus ``upto``, ``layer``, ``partial`` for a readout
             that follows a step slider (``{step}`` and ``{y}`` in a partial item are the step shown and the
             value of that layer's point there)
``answered`` how many of the browser's requests the kernel has answered: one message carries the new layers and
             this count (the browser greys what it draws from its request until then); ``live``: a kernel answers
             (false on a saved page); ``note``: one line
============ ======================================================================================================
"""

from __future__ import annotations

from math import prod

import anywidget
import numpy as np
import traitlets as T

from ._drawing import STATIC, floats, still

#: Verdict colours, legible on a light and a dark page (the readout uses them through CSS classes).
CSS_CLASSES = ("tl-bad", "tl-good", "tl-note")


def layer(kind: str, data=None, *, axes: int = 0, dims=(), n: int | None = None, upto: str | None = None,
          stops=None, when: str | None = None, ref: int | None = None, xindex: bool = False, **style) -> dict:  # fmt: skip
    """One drawing instruction: ``kind`` with its ``data`` shaped ``(*sizes of dims, ...)``.

    - ``line``, ``dots``, ``head``: ``data`` ``(*dims, n, 2)`` points; ``upto`` names the slider that says how many
      are drawn (``head`` draws the last of those only); ``stops`` ``(*dims)`` how many points of each are valid
      (a run that diverged stops there); ``when="stopped"`` draws only once the shown part reaches the stop,
      ``"running"`` only before.
    - ``vline``, ``hline``: ``data`` ``(*dims)``, one position each. ``band``: ``(*dims, 2)``, from .. to (x).
    - ``image``: ``data`` ``(*dims, ny, nx)`` with style ``extent`` (x0, x1, y0, y1), ``cmap``, ``vmin``, ``vmax``,
      ``alpha``, ``smooth`` (bilinear, else nearest), ``origin`` ("lower" or "upper").
    - ``picture``: ``data`` a list of PNGs, one per combination of ``dims``, drawn over the whole picture.
    - ``text``: ``data`` a list of strings, one per combination of ``dims``, at style ``at`` (axes fraction); with
      ``n``, ``upto``, ``stops`` and ``when`` it shows (or hides) with a points layer's stop.
    - ``xindex=True`` (points layers): ``data`` ``(*dims, n)`` holds only y; x is the point's index (a curve over steps).
    - ``ref=k`` (points layers): draw layer ``k``'s data (``data`` omitted): a path and its head share one array.

    Style keys: ``color``, ``width``, ``dash`` (list of pixels), ``marker`` (``o``, ``x``, ``>``, ``s``), ``size``,
    ``edge`` (marker edge colour), ``fill`` (false: a ring), ``alpha``, ``halo`` (a wider stroke under a line),
    ``font`` (size in px), ``weight``, ``align``, ``box`` (a label's background).
    """
    if kind not in ("line", "dots", "head", "vline", "hline", "band", "image", "picture", "text"):
        raise ValueError(f"unknown layer kind {kind!r}")
    out = {"kind": kind, "axes": int(axes), "dims": list(dims), "style": style}
    if kind in ("picture", "text"):
        out["items"] = list(data)
        if kind == "text" and when is not None:
            out.update(n=int(n), upto=upto, when=when, stops=None if stops is None else floats(np.asarray(stops)))
        return out
    if ref is not None:
        if kind not in ("line", "dots", "head") or n is None:
            raise ValueError("ref= is for a points layer (line, dots, head), with its n")
        out.update(ref=int(ref), n=int(n), upto=upto, when=when, stops=None if stops is None else floats(np.asarray(stops)))
        return out
    a = np.asarray(data, dtype=float)
    if xindex:
        out["xindex"] = True
        a = np.stack([np.broadcast_to(np.arange(a.shape[-1], dtype=float), a.shape), a], axis=-1)
    if kind in ("line", "dots", "head"):
        out["n"] = int(a.shape[-2] if n is None else n)
        out["upto"] = upto
        out["when"] = when
        out["stops"] = None if stops is None else floats(np.asarray(stops))
    if kind == "image":
        out["shape"] = list(a.shape[-2:])
        cmap = style.pop("cmap", "viridis")
        out["lut"] = _lut(cmap)
        style["cmap"] = cmap if isinstance(cmap, str) else getattr(cmap, "name", "custom")
        out["_cmap"] = cmap
    out["data"] = floats(a[..., 1] if xindex else a)
    out["_array"] = a
    return out


def _lut(cmap) -> bytes:
    """A colour map as 256 RGBA bytes (what the browser looks an image's values up in)."""
    import matplotlib

    cm = matplotlib.colormaps[cmap] if isinstance(cmap, str) else cmap
    return (np.asarray(cm(np.linspace(0, 1, 256))) * 255 + 0.5).astype(np.uint8).tobytes()


def control(name: str, options, *, label: str | None = None, kind: str = "slider", kernel: bool = False,
            labels=None, **extra) -> dict:  # fmt: skip
    """A control over ``options`` (Python values); the browser sees their ``labels`` (default: ``str`` of each)."""
    options = list(options)
    if not options:
        raise ValueError(f"control {name!r} needs at least one option")
    labels = [str(v) for v in options] if labels is None else [str(v) for v in labels]
    return {"name": name, "label": label or name, "kind": kind, "options": labels, "kernel": bool(kernel),
            "_values": options, **extra}  # fmt: skip


def _public(d: dict) -> dict:
    return {k: v for k, v in d.items() if not k.startswith("_")}


FAR = 6e4  # half-widths of the view: the farthest a point travels as a half float


def wire(spec: dict, view: dict | None) -> dict:
    """A points layer's data as half floats (2 bytes a number, not 4) relative to the axes' ``view``, else as it is.

    Each coordinate ``v`` travels as ``(v - c) / h``, where ``c`` and ``h`` are the centre and half-width of the view's
    limits in its scale (``log10`` of ``v`` on a log axis), in IEEE half precision: a point inside the view lands
    within 2**-11 of a half-width of where it is (0.12 px for a 500-px axes); a point farther out than ``FAR``
    half-widths (half floats end at 65504) is pulled in towards the view's centre to that distance, which keeps
    the direction a line to it leaves the view in (within 1/FAR of a radian); NaN, infinities and a log axis's
    non-positive values stay not drawn. The entry ``half`` tells the browser ``[c, h, log]`` per coordinate
    (``static/scene.js``'s ``points`` and :func:`unwire` decode it). A layer over several items whose ``stops``
    leave a tenth or more of the points unused travels ragged: only each item's valid points, where ``offsets``
    (int32, one per item) says they begin.
    """
    out = _public(spec)
    a = spec.get("_array")
    if view is None or a is None or spec["kind"] not in ("line", "dots", "head"):
        return out
    names = ["y"] if spec.get("xindex") else ["x", "y"]
    a = a[..., 1:2] if spec.get("xindex") else a
    n, lead = a.shape[-2], a.shape[:-2]
    stops = None if spec.get("stops") is None else np.frombuffer(spec["stops"], "<f4")
    if lead and stops is not None and stops.size == prod(lead) > 1:  # ragged: each item's valid points only
        counts = np.clip(stops.astype(int), 1, n)
        if counts.sum() < 0.9 * counts.size * n:  # (a run that stopped early holds nothing worth sending after)
            rows = a.reshape(counts.size, n, -1)
            a = np.concatenate([rows[i, :c] for i, c in enumerate(counts.tolist())])  # selected first: less to code
            out["offsets"] = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype("<i4").tobytes()
    half, coded = [], np.empty(a.shape, dtype=float)
    with np.errstate(all="ignore"):
        for j, name in enumerate(names):
            lo, hi = view[f"{name}lim"]
            log = view[f"{name}scale"] == "log"
            v = a[..., j]
            if log:
                lo, hi, v = np.log10(lo), np.log10(hi), np.where(v > 0, np.log10(np.where(v > 0, v, 1.0)), np.nan)
            c, h = (lo + hi) / 2, (hi - lo) / 2 or 1.0
            coded[..., j] = (v - c) / h  # in float64: the far-off points are pulled in below, then it is halved
            half.append([float(c), float(h), bool(log)])
        far = np.max(np.abs(np.nan_to_num(coded, nan=0.0)), axis=-1, keepdims=True)
        coded = np.where(far > FAR, coded * (FAR / np.where(far > FAR, far, 1.0)), coded)
    coded = coded.astype("<f2")
    out["half"] = half
    out["data"] = (coded[..., 0] if spec.get("xindex") else coded).tobytes()
    return out


def unwire(d: dict) -> np.ndarray:
    """The numbers a wired layer's ``data`` holds, flat, each item's ``n`` points in turn (the points a ragged layer
    leaves out are NaN): what the browser draws, the inverse of :func:`wire`."""
    if "half" not in d:
        return np.frombuffer(d["data"], "<f4").astype(float)
    k = len(d["half"])
    v = np.frombuffer(d["data"], "<f2").astype(float).reshape(-1, k)
    out = np.stack([c + h * v[:, j] for j, (c, h, _) in enumerate(d["half"])], axis=-1)
    for j, (_, _, log) in enumerate(d["half"]):
        if log:
            out[:, j] = 10 ** out[:, j]
    if "offsets" in d:
        starts = np.frombuffer(d["offsets"], "<i4")
        ends = np.append(starts[1:], len(out))
        full = np.full((len(starts), d["n"], k), np.nan)
        for i, (a, b) in enumerate(zip(starts.tolist(), ends.tolist(), strict=True)):
            full[i, : b - a] = out[a:b]
        out = full
    return out.reshape(-1)


def g4(v: float) -> str:
    """``{y}`` in a readout: four significant digits (``static/scene.js``'s ``g4`` is its twin)."""
    v = float(v)
    if not np.isfinite(v):
        return "∞" if v > 0 else ("-∞" if v < 0 else "nan")
    return "0" if v == 0 else f"{v:.4g}"


class Scene(anywidget.AnyWidget):
    """The base of every widget drawn in the browser: controls, layers, the still picture and their matplotlib twin.

    A subclass calls ``super().__init__()``, then :meth:`declare` with its controls, and implements
    ``_figure()`` (a matplotlib figure of the still part and the axes the layers draw into) and ``_compute()``
    (which sets ``self.layers`` and ``self.texts`` from the current values of the kernel controls). It can
    override ``_static_state()`` to add what a page without a kernel needs (a grid of starts computed ahead).
    """

    _esm = STATIC / "scene.js"
    png = T.Bytes().tag(sync=True)
    size = T.List(T.Int()).tag(sync=True)
    axes = T.List(T.Dict()).tag(sync=True)
    controls = T.List(T.Dict()).tag(sync=True)
    value = T.Dict().tag(sync=True)
    start = T.List(T.Float()).tag(sync=True)
    layers = T.List(T.Dict()).tag(sync=True)
    texts = T.Dict().tag(sync=True)
    answered = T.Int(0).tag(sync=True)
    live = T.Bool(True).tag(sync=True)
    note = T.Unicode("").tag(sync=True)

    figsize = (10.0, 4.2)
    dpi = 88

    # ------------------------------------------------------------------ declaring
    def declare(self, *controls: dict, values: dict | None = None):
        """Set the controls (from :func:`control`) and their values (Python values, default: each one's first)."""
        self._specs = {c["name"]: c for c in controls}
        index = {}
        for c in controls:
            v = (values or {}).get(c["name"], c["_values"][0])
            index[c["name"]] = self._index(c, v)
        self.controls = [_public(c) for c in controls]
        self._quiet(index)
        if not getattr(self, "_observing", False):
            self.observe(self._on_value, "value")
            self.observe(self._on_start, "start")
            self._observing = True

    def respec(self, name: str, options, labels=None, value=None):
        """Give control ``name`` new options (e.g. the step slider after a change of ``steps``)."""
        old = self._specs[name]
        new = control(name, options, label=old["label"], kind=old["kind"], kernel=old["kernel"], labels=labels,
                      **{k: v for k, v in old.items() if k not in ("name", "label", "kind", "options", "kernel", "_values")})
        self._specs[name] = new
        self.controls = [_public(self._specs[c["name"]]) for c in self.controls]
        index = self._index(new, new["_values"][-1] if value is None else value)
        self._quiet({**self.value, name: index})

    def _index(self, spec: dict, v) -> int:
        values = spec["_values"]
        for i, a in enumerate(values):
            if v is a or (type(v) is type(a) and v == a):
                return i
        for i, a in enumerate(values):
            if isinstance(a, (int, float, np.number)) and isinstance(v, (int, float, np.number)) and not isinstance(v, bool):
                if v == a:
                    return i
        allowed = ", ".join(map(str, spec["options"])) if len(values) <= 20 else f"{spec['options'][0]} .. {spec['options'][-1]}"
        raise ValueError(f"{spec['name']} must be one of {allowed}; got {v!r}")

    def _quiet(self, value: dict):
        """Set ``value`` without recomputing (the kernel itself moved a control)."""
        self._muted = getattr(self, "_muted", 0) + 1
        try:
            self.value = value
        finally:
            self._muted -= 1

    # ------------------------------------------------------------------ reading and setting
    def get(self, name: str):
        """The Python value of control ``name`` now."""
        return self._specs[name]["_values"][self.value[name]]

    @property
    def state(self) -> dict:
        """Every control's value now."""
        return {k: self.get(k) for k in self._specs if self._specs[k]["kind"] not in ("map", "play")}

    def coerce(self, name: str, value):
        """``value`` as control ``name`` can take it (a subclass snaps or checks); default: as given."""
        return value

    def set(self, **values):
        """Set controls by name, e.g. ``set(lr=0.01, optimizer="Adam")``; a value a control cannot take raises
        ``ValueError`` saying what it can take."""
        for k in values:
            if k not in self._specs or self._specs[k]["kind"] in ("map", "play"):
                names = [n for n, s in self._specs.items() if s["kind"] not in ("map", "play")]
                raise KeyError(f"no control {k!r}; controls: {', '.join(names)}")
        index = dict(self.value)
        for k, v in values.items():
            index[k] = self._index(self._specs[k], self.coerce(k, v))
        self.value = index
        return self

    def _on_value(self, change):
        if getattr(self, "_muted", 0):
            return
        old, new = change["old"], change["new"]
        if any(self._specs[k]["kernel"] and old.get(k) != new.get(k) for k in new if k in self._specs):
            self._recompute(changed={k for k in new if old.get(k) != new.get(k)})

    def _on_start(self, change):
        if getattr(self, "_muted", 0) or change["old"] == change["new"]:
            return
        try:
            checked = [float(v) for v in self.check_start(change["new"])]
        except ValueError as e:
            with self.hold_sync():
                self._mute_set("start", change["old"])
                self.note = str(e)
                self.answered += 1
            raise
        if checked != list(change["new"]):
            self._mute_set("start", checked)
        self._recompute(changed={"start"})

    def _mute_set(self, name, v):
        self._muted = getattr(self, "_muted", 0) + 1
        try:
            setattr(self, name, v)
        finally:
            self._muted -= 1

    def check_start(self, xy):
        """A start as the map can take it (a subclass checks it lies on the map)."""
        return xy

    def _recompute(self, changed=()):
        self._changed = set(changed)  # what _compute may look at: the controls that changed (and "start")
        with self.hold_sync():  # one message: the new layers and the answer (no "busy" message before it)
            try:
                self._compute()
                self.note = ""
            finally:
                self.answered += 1

    # ------------------------------------------------------------------ the still picture
    def _figure(self):
        """A matplotlib figure of the still part, and the list of axes the layers draw into."""
        raise NotImplementedError

    def _compute(self):
        """Set ``self.layers`` and ``self.texts`` for the current values of the kernel controls."""
        raise NotImplementedError

    def repaint(self):
        """Paint the still part again (after a change of what is still: a landscape, an axis's limits)."""
        import matplotlib.pyplot as plt

        fig, axes = self._figure()
        try:
            view = still(fig, axes[0])
            views = [view] + [still_box(fig, ax, view["size"][1]) for ax in axes[1:]]
        finally:
            plt.close(fig)
        with self.hold_sync():
            self.png, self.size = view["png"], view["size"]
            self.axes = [{k: v[k] for k in ("box", "xlim", "ylim", "xscale", "yscale")} for v in views]

    def _set_layers(self, layers: list[dict], texts: dict | None = None):
        """Set the layers (keeping their arrays for :meth:`paint` and :attr:`readout`) and the readout's texts."""
        self._layers = layers
        self.layers = self._wire(layers)
        self._check_refs()
        if texts is not None:
            self.texts = texts

    def _wire(self, layers: list[dict]) -> list[dict]:
        """The layers as the browser receives them: :func:`wire` over this widget's axes views."""
        return [wire(d, self.axes[d["axes"]] if d["axes"] < len(self.axes) else None) for d in layers]

    def grid(self, k: int = 3) -> np.ndarray:
        """Starts computed ahead for a page with no kernel: a k x k grid over the map, at the centres of its cells."""
        (x0, x1), (y0, y1) = self.landscape.bounds
        fx = (2 * np.arange(k) + 1) / (2 * k)
        return np.array([[x0 + a * (x1 - x0), y0 + b * (y1 - y0)] for b in fx for a in fx])

    def _ahead(self, per_start: int, budget: int, first, run, layers_for) -> dict:
        """The state for a page with no kernel, for a widget whose map sets the start: what ``run(start)`` gives
        from the widget's start (``first``, already computed) and from :meth:`grid`'s starts (3 x 3, else 2 x 2,
        else none: what fits in ``budget`` bytes at ``per_start`` bytes a start), drawn by ``layers_for(results)``
        (which returns the layers and the readout, with the start as the first of their dims); a click on the map
        snaps to the nearest of those starts."""
        k = next((k for k in (3, 2) if per_start * (1 + k * k) <= budget), 0)
        if not k:
            return {}
        starts = np.vstack([self.start, self.grid(k)])
        layers, texts = layers_for([first] + [run(s) for s in starts[1:]])
        controls = [dict(c, options=[f"start {i}" for i in range(len(starts))], points=starts.tolist()) if c["kind"] == "map"
                    else c for c in self.controls]  # fmt: skip
        return {"controls": controls, "value": {**self.value, "start": 0}, "layers": self._wire(layers), "texts": texts}

    def _check_refs(self):
        for i, d in enumerate(self._layers):
            if "ref" in d and not (0 <= d["ref"] < i and "_array" in self._layers[d["ref"]]):
                raise ValueError(f"layer {i} refers to layer {d['ref']}, which is not an earlier layer with data")

    # ------------------------------------------------------------------ what is shown
    def flat(self, dims) -> int:
        """The flat index, row-major over ``dims``, of the current values (the browser computes the same)."""
        i = 0
        for d in dims:
            i = i * len(self._specs[d]["options"]) + int(self.value[d])
        return i

    def item(self, spec: dict):
        """What layer ``spec`` draws now: for points, the ``(k, 2)`` points shown; for a line, its position; for an
        image, its array; for a picture or a text, its item; None where nothing is drawn."""
        kind = spec["kind"]
        if kind == "picture" or (kind == "text" and spec.get("when") is None):
            return spec["items"][self.flat(spec["dims"])]
        a = self._layers[spec["ref"]]["_array"] if "ref" in spec else spec.get("_array")
        lead = [len(self._specs[d]["options"]) for d in spec["dims"]]
        if a is not None:
            a = a.reshape(prod(lead), *a.shape[len(lead):]) if lead else a[None]
        x = None if a is None else a[self.flat(spec["dims"])]
        if kind not in ("line", "dots", "head", "text"):
            return x
        n = spec["n"]
        stop = n
        if spec.get("stops") is not None:
            s = np.frombuffer(spec["stops"], "<f4").reshape(-1)
            stop = int(s[self.flat(spec["dims"])]) if s.size > 1 else int(s[0])
        upto = n - 1 if spec.get("upto") is None else int(self.value[spec["upto"]])
        last = min(upto, stop - 1)
        reached = last >= stop - 1 and stop < n
        if spec.get("when") == "stopped" and not reached:
            return None
        if spec.get("when") == "running" and reached:
            return None
        if kind == "text":
            return spec["items"][self.flat(spec["dims"])]
        return x[last: last + 1] if kind == "head" else x[: last + 1]

    @property
    def readout(self) -> str:
        """The text under the picture now (the browser shows the same)."""
        t = self.texts
        if not t:
            return ""
        text = t["items"][self.flat(t["dims"])]
        if t.get("upto") is not None:
            k = int(self.value[t["upto"]])
            spec = self._layers[t["layer"]]
            pts = self.item(spec)
            last = len(self._specs[t["upto"]]["options"]) - 1
            if pts is not None and len(pts) and k < last:
                shown = len(pts) - 1
                part = t["partial"][self.flat(t["dims"])]
                label = self._specs[t["upto"]]["options"][shown]
                text += part.replace("{step}", label).replace("{y}", g4(pts[-1, 1]))
        return text

    def paint(self):
        """The state painted by matplotlib alone (still part and every layer as shown now). Returns the figure."""
        import matplotlib.patheffects as pe

        fig, axes = self._figure()
        depth = {"picture": -1, "image": 0, "band": 1, "line": 2, "vline": 2, "hline": 2, "dots": 3, "head": 3, "text": 4}
        for spec in sorted(self._layers, key=lambda d: d["style"].get("z", depth[d["kind"]])):  # as scene.js draws them
            item = self.item(spec)
            if item is None:
                continue
            ax, s, kind = axes[spec["axes"]], spec["style"], spec["kind"]
            limits = ax.get_xlim(), ax.get_ylim()
            color = s.get("color", "black")
            alpha = s.get("alpha", 1.0)
            if kind == "line" and len(item):
                halo = (s.get("width", 2) + 3) * 72 / self.dpi
                effects = [pe.Stroke(linewidth=halo, foreground=s["halo"]), pe.Normal()] if "halo" in s else None
                lw = s.get("width", 2) * 72 / self.dpi
                dashes = [d * 72 / self.dpi / lw for d in s["dash"]] if s.get("dash") else (None, None)
                ax.plot(item[:, 0], item[:, 1], color=color, lw=lw, alpha=alpha, dashes=dashes,
                        solid_capstyle="round", solid_joinstyle="round", path_effects=effects, zorder=5)  # fmt: skip
            elif kind in ("dots", "head") and len(item):
                marker = {"o": "o", "x": "X", ">": ">", "s": "s"}[s.get("marker", "o")]
                ms = s.get("size", 8) * 72 / self.dpi
                fill = color if s.get("fill", True) else "none"
                ax.plot(item[:, 0], item[:, 1], ls="none", marker=marker, ms=ms, mfc=fill, mec=s.get("edge", color),
                        mew=1.5 * 72 / self.dpi, alpha=alpha, zorder=6)  # fmt: skip
            elif kind == "vline" and np.isfinite(item):
                ax.axvline(float(item), color=color, lw=s.get("width", 2) * 72 / self.dpi, alpha=alpha, zorder=5)
            elif kind == "hline" and np.isfinite(item):
                ax.axhline(float(item), color=color, lw=s.get("width", 2) * 72 / self.dpi, alpha=alpha, zorder=5)
            elif kind == "band" and np.all(np.isfinite(item)):
                ax.axvspan(float(item[0]), float(item[1]), color=color, alpha=alpha, lw=0, zorder=1)
            elif kind == "image":
                aspect = ax.get_aspect()  # imshow's aspect="auto" would undo the still's (an equal aspect, say)
                ax.imshow(item, extent=s["extent"], origin=s.get("origin", "lower"), cmap=spec["_cmap"],
                          vmin=s.get("vmin"), vmax=s.get("vmax"), alpha=alpha, aspect="auto",
                          interpolation="bilinear" if s.get("smooth", True) else "nearest", zorder=0.5)  # fmt: skip
                ax.set_aspect(aspect)
            elif kind == "text" and item:
                ax.text(*s.get("at", (0.5, 0.5)), item, transform=ax.transAxes, color=color, ha=s.get("align", "center"),
                        va="center", fontsize=s.get("font", 12) * 72 / self.dpi, weight=s.get("weight", "normal"),
                        bbox=dict(fc=s["box"], ec=color) if s.get("box") else None, zorder=9)  # fmt: skip
            elif kind == "picture":
                import io

                import matplotlib.image as mpimg

                img = mpimg.imread(io.BytesIO(item), format="png")
                over = fig.add_axes((0, 0, 1, 1))
                over.imshow(img, aspect="auto")
                over.set_axis_off()
            ax.set_xlim(*limits[0])
            ax.set_ylim(*limits[1])
        return fig

    def snapshot(self) -> bytes:
        """What the widget shows now, as a PNG painted by matplotlib."""
        import io

        import matplotlib.pyplot as plt

        fig = self.paint()
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=self.dpi)
        plt.close(fig)
        return buf.getvalue()

    def _repr_mimebundle_(self, include=None, exclude=None):
        """The live widget for JupyterLab; for anything that cannot run it, its picture now and its readout, and the
        state the static site runs the widget's own module on."""
        data = super()._repr_mimebundle_(include=include, exclude=exclude)
        data = data[0] if isinstance(data, tuple) else data
        from . import _drawing

        data.update(_drawing.bundle(self))  # the saved state and the picture matplotlib paints (painted once)
        data["text/plain"] = f"{type(self).__name__}: {_plain(self.readout)}"
        return data


def _plain(html: str) -> str:
    import re

    return re.sub(r"<[^>]+>", "", html.replace("<br>", "; ")).replace("&lambda;", "λ")


def still_box(fig, ax, height: int) -> dict:
    """Where another axes of an already painted figure sits (the same numbers as :func:`._drawing.still`)."""
    for axis, scale in (("x", ax.get_xscale()), ("y", ax.get_yscale())):
        if scale not in ("linear", "log"):
            raise ValueError(f"the browser draws over linear or log axes only; the {axis} axis is {scale!r}")
    box = ax.get_window_extent()
    return {"box": [float(box.x0), float(height - box.y1), float(box.width), float(box.height)],
            "xlim": [float(v) for v in ax.get_xlim()], "ylim": [float(v) for v in ax.get_ylim()],
            "xscale": ax.get_xscale(), "yscale": ax.get_yscale()}  # fmt: skip
