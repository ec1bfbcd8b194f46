"""The shared side of every widget: the ``_Widget`` base (controls, ``set``, ``state``, the still picture),
the value checks and slider helpers, and the learning-rate ladder the sliders step through."""

from __future__ import annotations

import asyncio
import time

import ipywidgets as W
import numpy as np

from .. import optim
from .._args import afford, real, whole
from ..landscape import Landscape, LandscapeError
from ..run import number
from ..zoo import catalogue, get, param_ranges


#: Which hyperparameter sliders each optimizer shows, beyond the learning rate.
OPTIMIZER_KNOBS = {
    "GD": (),
    "SGD": ("momentum",),
    "Momentum": ("momentum",),
    "Nesterov": ("momentum",),
    "AdaGrad": (),
    "RMSprop": ("alpha", "momentum"),
    "Adam": ("b1", "b2"),
    "AdamW": ("b1", "b2", "weight_decay"),
    "AMSGrad": ("b1", "b2"),
    "NAdam": ("b1", "b2"),
    "RAdam": ("b1", "b2"),
    "Adamax": ("b1", "b2"),
    "Adadelta": ("rho",),
    "Rprop": (),
    "L-BFGS": (),
    "Lion": ("b1", "b2"),
    "Newton": ("damping",),
    "Saddle-free Newton": ("damping",),
}
KNOBS = {  # name: (default, min, max, step)
    "momentum": (0.9, 0.0, 0.99, 0.01),
    "b1": (0.9, 0.0, 0.99, 0.01),
    "b2": (0.999, 0.9, 0.9999, 0.0001),
    "alpha": (0.99, 0.5, 0.999, 0.001),
    "rho": (0.9, 0.5, 0.999, 0.001),
    "weight_decay": (0.01, 0.0, 0.5, 0.01),
    "damping": (0.001, 0.0, 2.0, 0.001),
}


def nice_values(lo: float, hi: float, mantissas=(1, 1.2, 1.5, 1.8, 2, 2.5, 3, 3.5, 4, 5, 6, 7, 8)) -> np.ndarray:
    """Numbers a person would type, from ``lo`` to ``hi``: 0.001, 0.0012, 0.0015, ... (a log scale of round numbers)."""
    out = [float(f"{m * 10.0**e:.6g}") for e in range(int(np.floor(np.log10(lo))), int(np.ceil(np.log10(hi))) + 1)
           for m in mantissas]  # fmt: skip
    return np.array([v for v in out if lo * (1 - 1e-9) <= v <= hi * (1 + 1e-9)])


#: The learning-rate slider's values: 1e-4 .. 10 in round numbers, 13 a decade.
LR_VALUES = nice_values(1e-4, 10.0)
PATH = "#FFFFFF"


def _options():
    """Dropdown entries for the catalogue, grouped: ('bowls: bowl', 'bowl') ..."""
    return [(f"{g}: {n}", n) for g, names in catalogue().items() for n in names]


def _as_2d(name_or_landscape, params=None) -> Landscape:
    L = name_or_landscape if isinstance(name_or_landscape, Landscape) else get(name_or_landscape, **(params or {}))
    return L.as_2d()


def _lr_slider(value, description="lr", **kw):
    """A slider over ``LR_VALUES`` showing the numbers themselves; ``value`` is snapped to the nearest one."""
    options = [(number(v), float(v)) for v in LR_VALUES]
    return W.SelectionSlider(options=options, value=_snap(value), description=description, continuous_update=True,
                             layout=W.Layout(width="460px"), **kw)  # fmt: skip


def _snap(value) -> float:
    """The slider value nearest to ``value`` (on a log scale)."""
    return float(LR_VALUES[int(np.argmin(np.abs(np.log(LR_VALUES) - np.log(float(value)))))])


class Coalescer:
    """Run ``fn`` once after a burst of requests: at once when no event loop runs (scripts, tests),
    else on the loop at most every ``interval`` seconds, always with the latest state."""

    def __init__(self, fn, interval: float = 0.03):
        self.fn, self.interval = fn, interval
        self._handle = None
        self._last = 0.0
        self.calls = 0

    def __call__(self):
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return self._run()
        if self._handle is None:
            wait = max(0.0, self.interval - (time.perf_counter() - self._last))
            self._handle = loop.call_later(wait, self._run)

    def _run(self):
        self._handle = None
        self._last = time.perf_counter()
        self.calls += 1
        self.fn()

    @property
    def pending(self) -> bool:
        return self._handle is not None


class _Widget:
    """What every widget shares: controls by name, ``set`` (which refuses values a control cannot take), ``state``, display."""

    controls: dict
    box: W.Widget

    def set(self, **values):
        """Set controls by name, e.g. ``set(lr=0.01, optimizer="Adam")``.

        A value ``tl.run`` would refuse (momentum 5, negative noise, a start off the map) raises ``ValueError``
        in ``tl.run``'s own words, as does a value a control cannot take at all (NaN, a word for a number, an
        unknown option). A number that ``tl.run`` takes but a slider cannot reach is clipped to it (as the slider's
        own text box does); a learning rate is snapped to the nearest value the slider offers.
        """
        for k in values:
            if k not in self.controls:
                raise KeyError(f"no control {k!r}; controls: {', '.join(self.controls)}")
        for k, v in values.items():
            self.controls[k].value = _valid(k, self.controls[k], v)
        return self

    @property
    def state(self) -> dict:
        return {k: c.value for k, c in self.controls.items()}

    def _wire(self, header):
        """What a one-stage widget ends its set-up with: a readout, the first picture, every control redrawing
        (coalesced) when it changes, and the box of ``header``, the stage and the readout."""
        self._readout = W.HTML()
        self.readout = ""
        self._redraw = Coalescer(self._show)
        self._show()
        for control in self.controls.values():
            control.observe(lambda ch: self._redraw(), names="value")
        self.box = W.VBox([header, self.stage.view, self._readout])

    def snapshot(self) -> bytes:
        """What the widget shows now, as a PNG."""
        return self.stage.picture()

    def _repr_mimebundle_(self, include=None, exclude=None):
        """The live widget for JupyterLab, and for anything that cannot run it (a saved notebook opened elsewhere, the
        course website) its picture now, what its readout says and a line saying where it runs live."""
        import base64

        data = self.box._repr_mimebundle_(include=include, exclude=exclude)
        png = self.snapshot()
        live = ("A live widget: in JupyterLab or on Binder its controls redraw this picture at once. "
                "Here, the picture it opened with.")
        b64 = base64.b64encode(png).decode()
        data["image/png"] = b64
        data["text/html"] = (f'<figure class="toylands-widget"><img src="data:image/png;base64,{b64}" '
                             f'alt="{type(self).__name__}: its first picture" style="max-width: 100%">'
                             f'<figcaption>{getattr(self, "readout", "") or ""}<p class="toylands-live">{live}</p>'
                             "</figcaption></figure>")  # fmt: skip
        data["text/plain"] = f"{type(self).__name__}. {live}"
        return data


def _is_lr(name: str) -> bool:
    return name == "lr" or name.startswith("lr ")


def _run_refuses(name, value):
    """Refuse, in ``tl.run``'s own words, what ``tl.run`` would refuse: a knob through the optimizer that takes it,
    the noise as ``run`` reads it (the sliders' ranges clip only values that ``run`` takes)."""
    if name in KNOBS:
        opt = next(o for o, knobs in OPTIMIZER_KNOBS.items() if name in knobs)
        _make_optimizer(opt, 0.1, {name: value})
    elif name == "noise":
        optim.per_run("noise", value)


def _on_map(L: Landscape, start) -> np.ndarray:
    """``start`` as a point of the map a widget draws (the box of ``L``), or the error that says why not."""
    x = L.as_points(start, "start")
    if x.ndim != 1 or not np.all((x >= L.bounds[:, 0]) & (x <= L.bounds[:, 1])):
        raise LandscapeError(f"start {x.tolist()} lies outside the map of {L.name!r}, the box {L.bounds.tolist()}: "
                             "start inside it (tl.run takes starts beyond it; a widget draws only the box)")  # fmt: skip
    return x


def _valid(name, control, value):
    """``value`` as ``control`` can hold it, or a ValueError that says what is allowed."""
    _run_refuses(name, value)
    if isinstance(control, (W.Dropdown, W.ToggleButtons, W.SelectionSlider)) and not _is_lr(name):
        allowed = [o[1] if isinstance(o, tuple) else o for o in control.options]
        if not any(value is a or (type(value) is type(a) and value == a) for a in allowed):
            raise ValueError(f"{name} must be one of {', '.join(map(str, allowed))}; got {value!r}")
        return value
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise ValueError(f"{name} must be a number; got {value!r}")
    if not np.isfinite(value):
        raise ValueError(f"{name} must be a finite number; got {value!r}")
    if _is_lr(name):
        return _valid_lr(name, value)
    if isinstance(control, (W.IntSlider, W.BoundedIntText, W.IntText)):
        if value != int(value):
            raise ValueError(f"{name} must be a whole number; got {value!r}")
        value = int(value)
    lo, hi = getattr(control, "min", None), getattr(control, "max", None)
    if isinstance(control, W.FloatLogSlider):  # its min and max are exponents
        lo, hi = control.base**lo, control.base**hi
    if control.description.startswith("start ") and not lo <= value <= hi:
        raise ValueError(f"{control.description} must lie in the map, [{lo:g}, {hi:g}]; got {value!r} (a widget draws "
                         "only its landscape's box)")  # fmt: skip
    if lo is not None and hi is not None:
        value = min(max(value, lo), hi)
    return value


def _valid_lr(name, value) -> float:
    """A learning rate snapped to the slider's nearest value, or a ValueError for one that is not a positive number
    (in the words the optimizers use)."""
    return _snap(real(name, value, low=0, open_low=True, error=optim.OptimizerError))


def _grid(name, n, L, pictures: int) -> int:
    """``n`` points a side for pictures of what the network ``L`` computes over its input plane, checked, and
    the ``pictures`` of them forecast to fit in memory before any is drawn."""
    n = whole(name, n, 2, error=ValueError, unit=" of points a side")
    afford(8.0 * n * n * (4 * sum(L.model.sizes) + pictures), f"{pictures} pictures of {n} x {n} points", f"use a smaller {name}",
           error=ValueError)  # fmt: skip
    return n


def _knob(name):
    default, lo, hi, step = KNOBS[name]
    return W.FloatSlider(value=default, min=lo, max=hi, step=step, description=name, readout_format=".4g",
                         continuous_update=True, layout=W.Layout(width="300px"))  # fmt: skip


def _param_slider(landscape_name, name, value):
    spec = param_ranges(landscape_name)[name]
    lo, hi = spec.slider_range
    if spec.integer:
        return W.IntSlider(value=int(value), min=int(lo), max=int(hi), description=name, continuous_update=False)
    if spec.log:
        return W.FloatLogSlider(value=value, base=10, min=np.log10(lo), max=np.log10(hi), step=0.02, description=name,
                                continuous_update=False)  # fmt: skip
    return W.FloatSlider(value=value, min=lo, max=hi, step=(hi - lo) / 200, description=name, continuous_update=False)


def _make_optimizer(name, lr, knobs):
    kw = {k: v for k, v in knobs.items() if k in OPTIMIZER_KNOBS[name]}
    if name == "SGD":  # the noise comes from the widget's noise slider, as for every optimizer
        return optim.sgd(lr, noise=0.0, **kw)
    return optim.OPTIMIZERS[name](lr, **kw)


def _fit_log_limits(values, start_loss) -> tuple[float, float]:
    """Log limits in whole decades for loss curves that start at ``start_loss``: from the lowest value reached (at most
    12 decades down) to a little above the start (whole decades, so that small changes keep the background)."""
    v = np.asarray(values, float)
    v = v[np.isfinite(v) & (v > 0)]
    top = float(start_loss) if np.isfinite(start_loss) and start_loss > 0 else (float(v.max()) if v.size else 1.0)
    low = max(float(v.min()) if v.size else top * 1e-6, top * 1e-12)
    return 10 ** np.floor(np.log10(low)), 10 ** np.ceil(np.log10(top * 3))
