"""The shared side of every widget: the optimizers' knobs, the value checks, and the learning-rate ladder the
sliders step through (the widgets themselves are each a ``Scene``: ``_scene``)."""

from __future__ import annotations

import numpy as np

from .. import optim
from .._args import afford, real, whole
from ..landscape import Landscape, LandscapeError
from ..zoo import catalogue, get


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


def _snap(value) -> float:
    """The slider value nearest to ``value`` (on a log scale)."""
    return float(LR_VALUES[int(np.argmin(np.abs(np.log(LR_VALUES) - np.log(float(value)))))])


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
