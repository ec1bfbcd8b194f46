"""Sliders and dropdowns that redraw descents at once: ``Explorer``, ``LRLab``, ``Race``, ``LandscapeViewer`` and ``Picker``.

Each widget is one line in a notebook (``tl.widgets.Explorer("rosenbrock")``) and can be driven from
code: ``w.controls`` holds its ipywidgets, ``w.set(lr=0.01)`` changes them (refusing values they
cannot take), ``w.state`` and ``w.readout`` say what is shown, ``w.trajectory`` is the run drawn.

Why dragging is instant: what a slider can reach is computed ahead as one batched run (every
learning rate of the slider at once), so moving the slider only picks a precomputed path; the map
is drawn once and each update redraws only the moving artists (``toylands.stage``, the blitting
engine animations use too). Bursts of events are coalesced: a fast drag never queues stale redraws.
With ``%matplotlib widget`` (ipympl) the figure is a live canvas you can click to set the start;
without ipympl the same widget shows images.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

import ipywidgets as W
import numpy as np

from . import optim, plot
from ._args import afford, real, whole
from .analysis import hessian_eig, stability_threshold
from .landscape import Landscape, LandscapeError
from .run import Trajectory, _seed, number, run
from .stage import Stage, ipympl_active
from .zoo import catalogue, get, landscapes, param_ranges

__all__ = ["Explorer", "Race", "LRLab", "LandscapeViewer", "Picker", "NetworkPath", "GrokkingViewer", "SignalPropagation",
           "SkipConnections", "Pruning",
           "TemperedPosterior",
           "ipympl_active",
           "LR_VALUES",
           "nice_values"]  # fmt: skip

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


class Explorer(_Widget):
    """Pick a landscape and an optimizer; drag the learning rate, the momentum, the start; see the path at once.

    The readout says how the run ended (converged, resting at a saddle, still moving, escaped,
    diverged), and gives the curvature ``lambda_max`` and ``2 / lambda_max`` where the run starts and
    ends, which says why a learning rate blows up. The ``show step`` slider scrubs through the run.
    """

    def __init__(self, landscape="rosenbrock", optimizer: str = "GD", lr: float = 1e-3, steps: int = 500,
                 start=None, noise: float = 0.0, seed: int = 0, live: bool | None = None, **knobs):  # fmt: skip
        if optimizer not in optim.OPTIMIZERS:
            raise LandscapeError(f"unknown optimizer {optimizer!r}; choose from {', '.join(optim.OPTIMIZERS)}")
        name = landscape.name if isinstance(landscape, Landscape) else landscape
        self._custom = landscape if isinstance(landscape, Landscape) else None
        self.landscape = _as_2d(landscape)
        self.lrs = LR_VALUES
        c = self.controls = {}
        options = _options()
        if self._custom is None and name in dict((v, k) for k, v in options):
            c["landscape"] = W.Dropdown(options=options, value=get(name).name, description="landscape",
                                        layout=W.Layout(width="360px"))  # fmt: skip
        c["optimizer"] = W.Dropdown(options=list(optim.OPTIMIZERS), value=optimizer, description="optimizer")
        c["lr"] = _lr_slider(_valid_lr("lr", lr))
        for k in KNOBS:
            c[k] = _knob(k)
            if k in knobs:
                c[k].value = _valid(k, c[k], knobs.pop(k))
        if knobs:
            raise TypeError(f"unknown settings {', '.join(knobs)}; allowed: {', '.join(KNOBS)}")
        c["steps"] = W.IntSlider(value=500, min=10, max=3000, step=10, description="steps", continuous_update=False)
        steps = c["steps"].value = _valid("steps", c["steps"], steps)
        c["step"] = W.IntSlider(value=steps, min=0, max=steps, description="show step", continuous_update=True,
                                layout=W.Layout(width="460px"))  # fmt: skip
        c["noise"] = W.FloatSlider(value=0.0, min=0.0, max=5.0, step=0.01, description="noise", continuous_update=False)
        c["noise"].value = _valid("noise", c["noise"], noise)
        c["seed"] = W.BoundedIntText(value=_seed(seed), min=0, max=2**31 - 1, description="seed", layout=W.Layout(width="180px"))
        c["x"] = W.FloatSlider(description="start x", continuous_update=True, readout_format=".3g")
        c["y"] = W.FloatSlider(description="start y", continuous_update=True, readout_format=".3g")
        self._params_box = W.VBox()
        self.readout = ""
        self._readout = W.HTML()
        self.stage = Stage(figsize=(11.0, 4.4), live=live)
        self._recompute = Coalescer(self._compute_and_show)
        self._redraw = Coalescer(self._show)
        self._holding = 0
        self._set_start_sliders(start)
        self._build_figure()
        self._fan = None
        self._compute_and_show()

        for k in ("optimizer", "steps", "noise", "seed", "x", "y", *KNOBS):
            c[k].observe(lambda ch: self._recompute(), names="value")
        c["lr"].observe(lambda ch: self._redraw(), names="value")
        c["step"].observe(lambda ch: self._redraw(), names="value")
        c["optimizer"].observe(lambda ch: self._show_knobs(), names="value")
        if "landscape" in c:
            c["landscape"].observe(lambda ch: self._change_landscape(), names="value")
        if self.stage.live:
            self.stage.fig.canvas.mpl_connect("button_press_event", self._click)
        self._knob_box = W.HBox()
        self._show_knobs()
        self._rebuild_params()
        top = [c[k] for k in ("landscape", "optimizer") if k in c]
        self.box = W.VBox([
            W.HBox(top), W.HBox([c["lr"], c["steps"]]), self._knob_box, W.HBox([c["x"], c["y"]]),
            W.HBox([c["noise"], c["seed"]]), self._params_box, self.stage.view, c["step"], self._readout,
        ])  # fmt: skip

    # ------------------------------------------------------------------ building
    def _set_start_sliders(self, start=None):
        L = self.landscape
        start = L.starts[0] if start is None else _on_map(L, start)
        for k, (lo, hi) in zip(("x", "y"), L.bounds, strict=True):
            s = self.controls[k]
            with self._hold():  # widen first, so that min <= max holds at every step
                s.min, s.max = min(s.min, float(lo)), max(s.max, float(hi))
                s.min, s.max, s.step = float(lo), float(hi), float(hi - lo) / 10_000
        with self._hold():
            self.controls["x"].value, self.controls["y"].value = float(start[0]), float(start[1])

    def _hold(self):
        """Suspend recomputation while several controls change together."""
        widget = self

        class Hold:
            def __enter__(self):
                widget._holding += 1

            def __exit__(self, *exc):
                widget._holding -= 1

        return Hold()

    def _build_figure(self):
        st = self.stage
        st.fig.clear()
        st.reset()
        ax_map, ax_side = st.fig.subplots(1, 2, width_ratios=[1.25, 1])
        self.ax_map, self.ax_side = ax_map, ax_side
        plot.landscape_map(self.landscape, ax_map, legend=False, title=self.landscape.name)
        self._path = st.animated(ax_map.plot([], [], color=PATH, lw=2.2, zorder=4, path_effects=plot.halo(PATH))[0])
        self._start = st.animated(ax_map.plot([], [], "o", mfc="none", mec=PATH, ms=10, mew=2, zorder=6)[0])
        self._end = st.animated(ax_map.plot([], [], "o", color=PATH, mec="black", ms=9, zorder=7)[0])
        self._gone = st.animated(ax_map.plot([], [], "X", color="#D55E00", mec="black", ms=14, zorder=8)[0])
        self._gone_text = st.animated(ax_map.text(0.5, 0.04, "", transform=ax_map.transAxes, ha="center", fontsize=12,
                                                  color="#D55E00", weight="bold", zorder=9,
                                                  bbox=dict(fc="white", ec="#D55E00", alpha=1.0)))  # fmt: skip
        self._build_side(ax_side)
        st.fig.set_layout_engine("tight")

    def _build_side(self, ax):
        ax.set(xlabel="step", ylabel="loss - min" if self.landscape.min_value is not None else "loss")
        self._curve = self.stage.animated(ax.plot([], [], color="#0072B2", lw=2)[0])
        self._curve_gone = self.stage.animated(ax.axvline(0, color="#D55E00", ls="--", lw=1.4))
        self._now = self.stage.animated(ax.plot([], [], "o", color="#0072B2", mec="black", ms=7)[0])

    def _rebuild_params(self):
        # a user's own landscape has no factory, so no parameters to slide
        name = self.controls["landscape"].value if "landscape" in self.controls else None
        params = dict(get(name).params) if name else {}
        sliders = []
        for k, v in params.items():
            s = _param_slider(name, k, v)
            s.observe(lambda ch: self._change_landscape(keep_params=True), names="value")
            sliders.append(s)
        self._param_sliders = {s.description: s for s in sliders}
        self._params_box.children = [W.HTML("<b>landscape parameters</b>"), W.HBox(sliders)] if sliders else []

    def _show_knobs(self):
        names = OPTIMIZER_KNOBS[self.controls["optimizer"].value]
        self._knob_box.children = [self.controls[k] for k in names]

    def _change_landscape(self, keep_params=False):
        name = self.controls["landscape"].value
        params = {k: s.value for k, s in self._param_sliders.items()} if keep_params else {}
        try:
            self.landscape = _as_2d(name, params)
        except (LandscapeError, ValueError) as e:
            self._readout.value = f"<span style='color:#D55E00'>{e}</span>"
            return
        if not keep_params:
            self._rebuild_params()
            self._set_start_sliders()
        self._build_figure()
        self._recompute()

    def _click(self, event):
        if event.inaxes is self.ax_map and event.xdata is not None:
            with self._hold():
                self.controls["x"].value = float(event.xdata)
            self.controls["y"].value = float(event.ydata)

    # ------------------------------------------------------------------ computing
    @property
    def start(self) -> np.ndarray:
        return np.array([self.controls["x"].value, self.controls["y"].value])

    def _knobs(self):
        return {k: self.controls[k].value for k in KNOBS}

    def _compute_and_show(self):
        if self._holding:
            return
        c = self.controls
        steps = int(c["steps"].value)
        opt = _make_optimizer(c["optimizer"].value, self.lrs, self._knobs())
        self._fan = run(opt, self.landscape, self.start, steps, noise=c["noise"].value,
                        seed=int(c["seed"].value), common_noise=True)  # fmt: skip
        with self._hold():
            c["step"].max = steps
            c["step"].value = steps
        self._fan_changed()
        self._show()

    def _fan_changed(self):
        """Fit the loss axis to the runs the slider can reach (whole decades), without the blow-ups of diverged runs."""
        fan = self._fan
        target = self.landscape.min_value
        with np.errstate(all="ignore"):
            V = fan.values - (target or 0.0)
        settled = ~fan.stopped & np.isfinite(V[-1]) & (np.abs(V[-1]) <= np.abs(V[0]) * 10 + 1e-300)
        ax = self.ax_side
        if target is not None and np.all(V[0] > 0):
            lo, hi = _fit_log_limits(V[:, settled], float(V[0, 0]))
            scale = "log"
        else:
            good = V[:, settled][np.isfinite(V[:, settled])]
            lo, hi = (float(good.min()), float(good.max())) if good.size else (0.0, 1.0)
            lo, hi, scale = lo - 0.05 * (hi - lo or 1.0), hi + 0.05 * (hi - lo or 1.0), "linear"
        if (ax.get_yscale(), ax.get_ylim(), ax.get_xlim()) != (scale, (lo, hi), (0, fan.steps)):
            ax.set_yscale(scale)
            ax.set_ylim(lo, hi)
            ax.set_xlim(0, fan.steps)
            self.stage.invalidate()

    @property
    def fan(self) -> Trajectory:
        """The precomputed run of every learning rate the slider offers (one batched run)."""
        return self._fan

    @property
    def shown(self) -> dict:
        """What the picture shows now: the path drawn on the map, the label over it, the loss curve drawn."""
        return {
            "path": np.column_stack(self._path.get_data()),
            "label": self._gone_text.get_text() if self._gone_text.get_visible() else "",
            "curve": np.column_stack(self._curve.get_data()) if hasattr(self, "_curve") else None,
            "loss_axis": self.ax_side.get_ylim(),
        }

    @property
    def counts(self) -> dict:
        """How often the widget recomputed its fan, redrew, and showed a picture (for tests and benchmarks)."""
        return {"recomputes": self._recompute.calls, "redraws": self._redraw.calls, "frames": self.stage.frames,
                "pending": self._recompute.pending or self._redraw.pending}  # fmt: skip

    @property
    def index(self) -> int:
        """Which run of the precomputed fan the learning-rate slider points at."""
        return int(np.argmin(np.abs(np.log(self.lrs) - np.log(self.controls["lr"].value))))

    @property
    def trajectory(self) -> Trajectory:
        """The run drawn now."""
        return self._fan[self.index]

    def _show(self):
        if self._fan is None or self._holding:
            return
        tr = self.trajectory
        P = tr.positions[:, 0]
        gone = bool(tr.stopped[0])
        stop = int(tr.stopped_at[0]) if gone else tr.steps + 1
        upto = min(int(self.controls["step"].value) + 1, stop)
        self._path.set_data(P[:upto, 0], P[:upto, 1])
        self._start.set_data([P[0, 0]], [P[0, 1]])
        self._end.set_data([P[upto - 1, 0]], [P[upto - 1, 1]])
        shown_gone = gone and upto == stop
        self._end.set_visible(not shown_gone)
        self._gone.set_data([P[stop - 1, 0]], [P[stop - 1, 1]])
        self._gone.set_visible(shown_gone)
        self._gone.set_marker("X" if tr.outcomes[0].kind == "diverged" else ">")
        self._gone_text.set_text(f"{tr.outcomes[0].kind} at step {stop}" if shown_gone else "")
        self._gone_text.set_visible(shown_gone)
        self._update_side(tr, upto, stop, gone)
        self.readout = self._describe(tr)
        self._readout.value = self.readout
        self.stage.update()

    def _update_side(self, tr, upto, stop, gone):
        v = tr.values[:upto, 0] - (self.landscape.min_value or 0.0)
        self._curve.set_data(np.arange(upto), v)
        self._now.set_data([upto - 1], [v[-1]])
        self._curve_gone.set_xdata([stop - 1, stop - 1])
        self._curve_gone.set_visible(gone and upto == stop)

    def _describe(self, tr: Trajectory) -> str:
        lr = self.lrs[self.index]
        o = tr.outcomes[0]
        color = {"diverged": "#D55E00", "escaped": "#0072B2"}.get(o.kind, "black")
        lines = [f"<b>{tr.name}</b>, lr = {number(lr)}, {tr.steps} steps: <span style='color:{color}'><b>{o.words}</b></span>"]
        if not tr.stopped[0]:
            conv = tr.steps_to(1e-6)[0]
            reached = f", within 1e-6 of the minimum from step {conv} on" if conv >= 0 else ""
            lines.append(f"final loss {number(tr.final_values[0])}{reached}")
        k = int(self.controls["step"].value)
        if k < tr.steps:
            shown = min(k, int(tr.stopped_at[0]) - 1 if tr.stopped[0] else k)
            lines.append(f"showing step {shown}: loss {number(tr.values[shown, 0])}")
        lam_s = float(hessian_eig(self.landscape, tr.positions[0, 0])[0][-1])
        lam_e = float(hessian_eig(self.landscape, tr.positions[-1, 0])[0][-1])
        thr = lambda lam: number(2 / lam) if lam > 0 else "none (curves down)"  # noqa: E731
        lines.append(f"&lambda;<sub>max</sub> at the start {lam_s:.3g} (2/&lambda;<sub>max</sub> = {thr(lam_s)}), "
                     f"at the end {lam_e:.3g} (2/&lambda;<sub>max</sub> = {thr(lam_e)})")  # fmt: skip
        try:
            t = stability_threshold(self.landscape)
            side = "above" if lr > t else "below"
            lines.append(f"lr is {side} 2/&lambda;<sub>max</sub> = {number(t)} at the global minimum")
        except LandscapeError:
            pass
        if self.controls["optimizer"].value == "SGD":
            noise = self.controls["noise"].value
            lines.append(f"SGD here is gradient descent on a noisy gradient: the noise slider sets it (now {number(noise)}"
                         + (": plain gradient descent)" if noise == 0 else ")"))  # fmt: skip
        return "<br>".join(lines)


class LRLab(Explorer):
    """One slider sweeps the learning rate: the map shows the path, the sweep plot marks the current lr
    against the stability threshold ``2 / lambda_max``."""

    def __init__(self, landscape="ill_conditioned_bowl", optimizer: str = "GD", lr: float = 0.05, steps: int = 200, **kw):
        super().__init__(landscape, optimizer, lr, steps, **kw)

    def _build_side(self, ax):
        ax.set(xscale="log", xlabel="learning rate", ylabel="final loss - min")
        self._sweep_line = ax.plot([], [], "o-", color="#0072B2", ms=3, lw=1.4)[0]
        self._marker = self.stage.animated(ax.axvline(1.0, color="#D55E00", lw=2))
        self._dot = self.stage.animated(ax.plot([], [], "o", color="#D55E00", ms=9, mec="black")[0])
        self._band = None
        self._thr = None

    def _fan_changed(self):
        fan, ax = self._fan, self.ax_side
        v = fan.values
        self.diverged = fan.stopped | ~(v[-1] <= v[0])
        target = self.landscape.min_value or 0.0
        loss = np.where(self.diverged, np.nan, v[-1] - target)
        self._sweep_line.set_data(self.lrs, loss)
        for artist in (self._band, self._thr):
            if artist is not None:
                artist.remove()
        self._band = self._thr = None
        if self.diverged.any():
            self._band = ax.axvspan(self.lrs[self.diverged].min(), self.lrs.max(), color="#D55E00", alpha=0.15, lw=0)
        try:
            t = stability_threshold(self.landscape)
            if np.isfinite(t):
                self._thr = ax.axvline(t, color="black", ls="--", lw=1.4)
                ax.set_title(rf"$2/\lambda_{{max}}$ = {number(t)} (dashed); diverged: shaded", fontsize=11)
        except LandscapeError:
            ax.set_title("diverged: shaded", fontsize=11)
        good = loss[np.isfinite(loss) & (loss > 0)]
        ax.set_xlim(self.lrs.min(), self.lrs.max())
        if good.size:
            ax.set_yscale("log")
            plot.fit_log_axis(ax, good, floor_ratio=1e-16)
        self.stage.invalidate()

    @property
    def threshold(self) -> float:
        """``2 / lambda_max`` at the global minimum, drawn dashed (NaN where none is declared)."""
        try:
            return float(stability_threshold(self.landscape))
        except LandscapeError:
            return float("nan")

    @property
    def shown(self) -> dict:
        out = super().shown
        out["marker"] = float(self._marker.get_xdata()[0])
        out["threshold_line"] = float(self._thr.get_xdata()[0]) if self._thr is not None else None
        return out

    def _update_side(self, tr, upto, stop, gone):
        lr = self.lrs[self.index]
        self._marker.set_xdata([lr, lr])
        y = self._sweep_line.get_ydata()[self.index]
        self._dot.set_data([lr], [y if np.isfinite(y) else self.ax_side.get_ylim()[1]])


class Race(_Widget):
    """Several optimizers from the same start, each with its own learning rate, played together."""

    def __init__(self, landscape="rosenbrock", optimizers=None, start=None, steps: int = 500,
                 noise: float = 0.0, seed: int = 0, live: bool | None = None):  # fmt: skip
        if optimizers is None:
            optimizers = {"GD": 1e-3, "Momentum": 1e-3, "Adam": 0.05}
        if not isinstance(optimizers, dict):
            optimizers = {name: 0.01 for name in optimizers}
        if not optimizers:
            raise LandscapeError(f"Race needs at least one optimizer, e.g. {{'GD': 0.001, 'Adam': 0.05}}; "
                                 f"choose from {', '.join(optim.OPTIMIZERS)}")  # fmt: skip
        for name in optimizers:
            if name not in optim.OPTIMIZERS:
                raise LandscapeError(f"unknown optimizer {name!r}; choose from {', '.join(optim.OPTIMIZERS)}")
        self.landscape = _as_2d(landscape)
        self.names = list(optimizers)
        c = self.controls = {}
        for name, lr in optimizers.items():
            c[f"lr {name}"] = _lr_slider(_valid_lr(f"lr {name}", lr), description=f"lr {name}",
                                         style={"description_width": "130px"})  # fmt: skip
            c[f"lr {name}"].continuous_update = False
        c["steps"] = W.IntSlider(value=500, min=10, max=3000, step=10, description="steps", continuous_update=False)
        steps = c["steps"].value = _valid("steps", c["steps"], steps)
        c["noise"] = W.FloatSlider(value=0.0, min=0.0, max=5.0, step=0.01, description="noise", continuous_update=False)
        c["noise"].value = _valid("noise", c["noise"], noise)
        c["step"] = W.IntSlider(value=steps, min=0, max=steps, description="step", continuous_update=True)
        c["play"] = W.Play(value=steps, min=0, max=steps, step=max(1, steps // 100), interval=40, description="play")
        W.jslink((c["play"], "value"), (c["step"], "value"))
        self.start = self.landscape.starts[0] if start is None else _on_map(self.landscape, start)
        self.seed = _seed(seed)
        self.stage = Stage(figsize=(11.0, 4.6), live=live)
        self._build_figure()
        self._recompute = Coalescer(self._compute_and_show)
        self._redraw = Coalescer(self._show)
        self.results: dict[str, Trajectory] = {}
        self._compute_and_show()
        for k in c:
            if k.startswith("lr ") or k in ("steps", "noise"):
                c[k].observe(lambda ch: self._recompute(), names="value")
        c["step"].observe(lambda ch: self._redraw(), names="value")
        self.box = W.VBox([*(c[f"lr {n}"] for n in self.names), W.HBox([c["steps"], c["noise"]]),
                           W.HBox([c["play"], c["step"]]), self.stage.view])  # fmt: skip

    def _build_figure(self):
        st = self.stage
        ax_map, ax_loss = st.fig.subplots(1, 2, width_ratios=[1.25, 1])
        self.ax_map, self.ax_loss = ax_map, ax_loss
        plot.landscape_map(self.landscape, ax_map, legend=False, title=self.landscape.name)
        ax_map.plot(*self.start, "o", mfc="none", mec="white", ms=10, mew=2, zorder=6)
        self._lines, self._heads, self._curves = {}, {}, {}
        dummy = {n: Trajectory(np.zeros((1, 1, 2)), self.landscape, n) for n in self.names}
        for st_ in plot.run_styles(dummy):
            name, color = st_.label, st_.color
            curve_color = color if color != "#FFFFFF" else "#000000"
            self._lines[name] = st.animated(ax_map.plot([], [], color=color, ls=st_.linestyle, lw=2.2, zorder=4, label=name,
                                                        path_effects=plot.halo(color))[0])  # fmt: skip
            self._heads[name] = st.animated(ax_map.plot([], [], "o", color=color, mec="black", ms=9, zorder=7)[0])
            self._curves[name] = ax_loss.plot([], [], color=curve_color, ls=st_.linestyle, lw=1.8, label=name)[0]
        self._now = st.animated(ax_loss.axvline(0, color="#D55E00", lw=1.6))
        plot.legend_below(ax_map, list(self._lines.values()), list(self._lines), ncol=min(4, len(self._lines)))
        ax_loss.set(xlabel="step", ylabel="loss - min" if self.landscape.min_value is not None else "loss")
        st.fig.set_layout_engine("tight")

    def _compute_and_show(self):
        c = self.controls
        steps = int(c["steps"].value)
        opts = {n: _make_optimizer(n, c[f"lr {n}"].value, {k: KNOBS[k][0] for k in KNOBS}) for n in self.names}
        from .run import race

        self.results = race(opts, self.landscape, self.start, steps, noise=c["noise"].value, seed=self.seed)
        target = self.landscape.min_value or 0.0
        allv = []
        for n, tr in self.results.items():
            stop = int(tr.stopped_at[0]) if tr.stopped[0] else steps + 1
            v = tr.values[:stop, 0] - target
            self._curves[n].set_data(np.arange(stop), v)
            allv.append(v[np.isfinite(v)])
        v = np.concatenate(allv)
        ax = self.ax_loss
        ax.set_xlim(0, steps)
        if self.landscape.min_value is not None and (v > 0).any():
            ax.set_yscale("log")
            plot.fit_log_axis(ax, v, floor_ratio=1e-16)
        elif v.size:
            ax.set_ylim(v.min() - 0.05 * np.ptp(v) - 1e-9, v.max() + 0.05 * np.ptp(v) + 1e-9)
        for k in ("step", "play"):
            c[k].max = steps
        c["play"].step = max(1, steps // 100)
        self.stage.invalidate()
        self._show()

    def _show(self):
        k = int(self.controls["step"].value)
        for n, tr in self.results.items():
            stop = min(k, tr.steps)
            if tr.stopped[0]:
                stop = min(stop, int(tr.stopped_at[0]) - 1)
            P = tr.positions[: stop + 1, 0]
            self._lines[n].set_data(P[:, 0], P[:, 1])
            self._heads[n].set_data([P[-1, 0]], [P[-1, 1]])
        self._now.set_xdata([k, k])
        self.stage.update()

    @property
    def readout(self) -> str:
        return "; ".join(f"{n}: {tr.outcomes[0].words}" for n, tr in self.results.items())

    @property
    def shown(self) -> dict:
        """The path and head drawn for each optimizer, up to the step slider's step."""
        return {n: {"path": np.column_stack(self._lines[n].get_data()), "head": np.ravel(self._heads[n].get_data())}
                for n in self.names}  # fmt: skip


class LandscapeViewer(_Widget):
    """A landscape and its parameter sliders (condition number, valley width, ...): the map redraws as they move."""

    def __init__(self, landscape="ill_conditioned_bowl", live: bool | None = None, surface: bool = False):
        self.base = get(landscape)
        self.landscape = self.base
        if not self.base.params:
            with_params = [n for n in landscapes() if get(n).params]
            raise LandscapeError(f"{self.base.name!r} has no parameters to slide; try one of {', '.join(with_params)}")
        self.controls = {k: _param_slider(self.base.name, k, v) for k, v in self.base.params.items()}
        self.surface = surface
        self.stage = Stage(figsize=(11.0, 4.6) if surface else (6.4, 5.2), live=live)
        self._redraw = Coalescer(self._draw)
        self._draw()
        for s in self.controls.values():
            s.observe(lambda ch: self._redraw(), names="value")
        self.box = W.VBox([W.HBox(list(self.controls.values())), self.stage.view])

    def _draw(self):
        params = {k: s.value for k, s in self.controls.items()}
        self.landscape = _as_2d(self.base.with_params(**params))
        fig = self.stage.fig
        fig.clear()
        self.stage.reset()
        if self.surface:
            plot.landscape_map(self.landscape, fig.add_subplot(1, 2, 1), legend=False)
            plot.surface(self.landscape, fig.add_subplot(1, 2, 2, projection="3d"), n=60)
        else:
            plot.landscape_map(self.landscape, fig.add_subplot(), legend=True)
        fig.set_layout_engine("tight")
        self.stage.draw()


class Picker(_Widget):
    """A slider over precomputed results: each choice's picture is drawn once, then shown instantly.

    ``options`` maps a label to a value (a list of values labels itself); ``draw(value, fig)`` draws
    one choice on an empty figure; ``describe(value)`` (optional) gives the text under it.

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
        self.draw_fn, self.describe_fn, self.figsize, self.dpi = draw, describe, figsize, dpi
        self._pictures: dict = {}
        first = items[0][1] if value is None else value
        self.controls = {"choice": W.SelectionSlider(options=items, value=first, description=description,
                                                     continuous_update=True, layout=W.Layout(width="520px"),
                                                     style={"description_width": "140px"})}  # fmt: skip
        self._image = W.Image(format="png", value=self.picture(first))
        self._text = W.HTML(self._describe(first))
        self.controls["choice"].observe(lambda ch: self._show(ch["new"]), names="value")
        self.box = W.VBox([self.controls["choice"], self._image, self._text])

    def picture(self, value) -> bytes:
        """The PNG of one choice (drawn on first use, then kept)."""
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

    def _show(self, value):
        self._image.value = self.picture(value)
        self._text.value = self._describe(value)

    @property
    def readout(self) -> str:
        return self._text.value

    def snapshot(self) -> bytes:
        return self._image.value


class NetworkPath(_Widget):
    """Walk along a network's parameters with a slider: a training run, or paths between two solutions.

    Left, what the network computes at the point (the probability of class 1 over the plane of its two
    inputs, with the test points); right, where the point is: on a plane of the landscape (``plane``,
    with each path projected onto it) or, without a plane, on the loss along each path.

    Args:
      L: the network's landscape (a classifier of two inputs).
      paths: ``{name: thetas}``, each ``(n, P)`` parameter vectors, all of the same length ``n`` (or one array).
      at: the slider's values at the ``n`` points (a step, or ``t`` from 0 to 1); default 0 .. n - 1.
      label: what the slider's values are called (``"step"``, ``"t"``).
      plane: a 2-D view (``nets.pca_plane``, ``nets.plane_through`` ...) to draw the paths on.
    """

    def __init__(self, L, paths, at=None, *, label: str = "t", plane=None, live: bool | None = None, n_grid: int = 90):
        from .nets.views import Plane

        paths = {"training": paths} if not isinstance(paths, dict) else dict(paths)
        if not paths:
            raise ValueError("NetworkPath needs at least one path of parameter vectors")
        self.L, self.label = L, label
        self.paths = {k: L.as_points(v, f"path {k!r}", batch=True) for k, v in paths.items()}
        n = {len(v) for v in self.paths.values()}
        if len(n) != 1 or n == {1}:
            raise ValueError(f"every path must have the same number (at least 2) of parameter vectors; got {sorted(n)}")
        n = n.pop()
        self.at = np.arange(n) if at is None else np.asarray(at, float)
        if self.at.shape != (n,):
            raise ValueError(f"at must give one value per point of the paths ({n}); got shape {self.at.shape}")
        if plane is not None and not isinstance(plane, Plane):
            raise ValueError("plane must be a 2-D view of the network, e.g. nets.pca_plane(...)[0] or nets.plane_through(...)")
        self.plane = plane
        n_grid = _grid("n_grid", n_grid, L, n * len(self.paths))
        grid, extent = plot._input_grid(L, n_grid)
        self._images = {k: plot.class_probability(L, v, grid).reshape(n, n_grid, n_grid) for k, v in self.paths.items()}
        self._loss = {k: np.asarray(L(v)) for k, v in self.paths.items()}
        from .nets import accuracy

        self._test_accuracy = {k: accuracy(L, v, test=True) for k, v in self.paths.items()}
        c = self.controls = {}
        if len(self.paths) > 1:
            c["path"] = W.Dropdown(options=list(self.paths), value=list(self.paths)[0], description="path")
        c["at"] = W.SelectionSlider(options=[(number(a), i) for i, a in enumerate(self.at)], value=0, description=label,
                                    continuous_update=True, layout=W.Layout(width="560px"))  # fmt: skip
        self.stage = Stage(figsize=(11.0, 4.4), live=live)
        self._build(extent)
        self._wire(W.HBox(list(c.values())))

    def _build(self, extent):
        st = self.stage
        ax_net, ax_where = st.fig.subplots(1, 2, width_ratios=[1, 1.15])
        k = max(1, self.L.data.n_classes - 1)
        first = next(iter(self._images.values()))[0]
        self._image = st.animated(ax_net.imshow(first, extent=extent, origin="lower", cmap=plot.CLASS_CMAP, vmin=0, vmax=k,
                                                aspect="auto", alpha=0.75, interpolation="bilinear"))  # fmt: skip
        plot.data_points(self.L, ax_net)
        ax_net.set(xlabel="input 1", ylabel="input 2", title="what the network computes (test points)")
        styles = {name: plot.VARIANT_COLORS[i % len(plot.VARIANT_COLORS)] for i, name in enumerate(self.paths)}
        self._heads = {}
        if self.plane is not None:
            plot.landscape_map(self.plane, ax_where, n=61, legend=False, title=self.plane.name.split(":")[0])
            for name, thetas in self.paths.items():
                xy = self.plane.coordinates(thetas)
                ax_where.plot(xy[:, 0], xy[:, 1], color=styles[name], lw=2, label=name, path_effects=plot.halo(styles[name]))
                self._heads[name] = st.animated(ax_where.plot([], [], "o", color=styles[name], mec="black", ms=10, zorder=8)[0])
            self._xy = {name: self.plane.coordinates(t) for name, t in self.paths.items()}
            plot.legend_below(ax_where)
        else:
            for name in self.paths:
                ax_where.plot(self.at, self._loss[name], color=styles[name], lw=2, label=name)
                self._heads[name] = st.animated(ax_where.plot([], [], "o", color=styles[name], mec="black", ms=9, zorder=8)[0])
            self._now = st.animated(ax_where.axvline(self.at[0], color="grey", lw=1.2, ls=":"))
            ax_where.set(xlabel=self.label, ylabel="training loss", title="the loss along the path")
            if len(self.paths) > 1:
                ax_where.legend(loc="best")
        st.fig.set_layout_engine("tight")

    @property
    def index(self) -> int:
        return int(self.controls["at"].value)

    @property
    def path(self) -> str:
        return self.controls["path"].value if "path" in self.controls else next(iter(self.paths))

    @property
    def theta(self) -> np.ndarray:
        """The parameter vector shown now."""
        return self.paths[self.path][self.index]

    def _show(self):
        i, name = self.index, self.path
        self._image.set_data(self._images[name][i])
        for k, head in self._heads.items():
            if self.plane is not None:
                head.set_data([self._xy[k][i, 0]], [self._xy[k][i, 1]])
            else:
                head.set_data([self.at[i]], [self._loss[k][i]])
        if self.plane is None:
            self._now.set_xdata([self.at[i], self.at[i]])
        self.readout = (f"<b>{name}</b>, {self.label} = {number(self.at[i])}: training loss {number(self._loss[name][i])}, "
                        f"test accuracy {self._test_accuracy[name][i]:.0%}")  # fmt: skip
        self._readout.value = self.readout
        self.stage.update()


class GrokkingViewer(_Widget):
    """Sliders over precomputed grokking runs (``nets.grokking``): the weight decay picks a run, the step a moment.

    ``set(weight_decay=0.3, step=400)`` drives it from code; ``readout`` says what is shown.

    Left, every run's test accuracy (faint) and the chosen run's train accuracy (dashed), test
    accuracy (solid) and frequency purity (dotted), with the step marked; right, the chosen run's
    hidden neurons' spectra at that step (one row per neuron, sorted by the frequency it ends on).
    """

    def __init__(self, runs, *, live: bool | None = None):
        runs = [runs] if not isinstance(runs, (list, tuple)) else list(runs)
        if not runs:
            raise ValueError("GrokkingViewer needs at least one run of nets.grokking")
        steps = runs[0].steps
        if any(r.steps.shape != steps.shape or np.any(r.steps != steps) for r in runs):
            raise ValueError("the runs must be recorded at the same steps: make them in one nets.grokking call "
                             "(weight_decay=[...]) without stop_at")  # fmt: skip
        self.runs, self.steps = runs, steps
        self._spectra = [r.spectra[:, plot.neuron_order(r)] for r in runs]
        c = self.controls = {}
        decays = [r.weight_decay for r in runs]
        if len(set(decays)) != len(decays):
            raise ValueError(f"each run needs its own weight decay; got {decays}")
        if len(runs) > 1:
            c["weight_decay"] = W.SelectionSlider(options=[(number(d), d) for d in decays], value=decays[0],
                                                  description="weight decay", continuous_update=True,
                                                  style={"description_width": "100px"})  # fmt: skip
        c["step"] = W.SelectionSlider(options=[(str(int(s)), int(s)) for s in steps], value=int(steps[0]),
                                      description="step", continuous_update=True, layout=W.Layout(width="560px"))  # fmt: skip
        self.stage = Stage(figsize=(11.0, 4.2), live=live, layout="constrained")
        self._build()
        self._wire(W.HBox(list(c.values())))

    def _build(self):
        st = self.stage
        ax, ax_spec = st.fig.subplots(1, 2, width_ratios=[1.25, 1])
        x = np.maximum(self.steps, 1)
        if len(self.runs) > 1:
            for r in self.runs:
                ax.plot(x, r.test_accuracy, color="#BBBBBB", lw=1.2)
        color = plot.PALETTE[5]
        self._train = st.animated(ax.plot(x, self.runs[0].train_accuracy, "--", color=color, lw=2, label="train accuracy")[0])
        self._test = st.animated(ax.plot(x, self.runs[0].test_accuracy, "-", color=color, lw=2, label="test accuracy")[0])
        self._purity = st.animated(ax.plot(x, self.runs[0].purity, ":", color=plot.PALETTE[2], lw=2.2,
                                           label="frequency purity")[0])  # fmt: skip
        self._now = st.animated(ax.axvline(x[0], color="black", lw=1.2))
        ax.set_xscale("log")
        decades = [10**e for e in range(int(np.log10(x[-1])) + 1)]
        ax.set_xticks(decades, ["0" if d == 1 else str(d) for d in decades])  # step 0 sits where step 1 would
        ax.minorticks_off()
        ax.set(xlim=(x[0], x[-1]), ylim=(-0.02, 1.02), xlabel="step (log scale)",
               title="accuracy (grey: the other weight decays)" if len(self.runs) > 1 else "accuracy")  # fmt: skip
        plot.legend_below(ax, ncol=3)
        self._image = st.animated(ax_spec.imshow(self._spectra[0][0], aspect="auto", cmap="magma", vmin=0, vmax=1,
                                                 interpolation="nearest"))  # fmt: skip
        ax_spec.set(xlabel="frequency k", ylabel="hidden neuron (sorted by final frequency)", yticks=[],
                    title="each neuron's power per frequency")  # fmt: skip
        st.fig.colorbar(self._image, ax=ax_spec, shrink=0.85, label="share of power")

    @property
    def run(self):
        """The run shown now."""
        if "weight_decay" not in self.controls:
            return self.runs[0]
        return next(r for r in self.runs if r.weight_decay == self.controls["weight_decay"].value)

    @property
    def index(self) -> int:
        """The record shown now."""
        return int(np.searchsorted(self.steps, self.controls["step"].value))

    def _show(self):
        r, i = self.run, self.index
        k = next(n for n, other in enumerate(self.runs) if other is r)
        self._train.set_ydata(r.train_accuracy)
        self._test.set_ydata(r.test_accuracy)
        self._purity.set_ydata(r.purity)
        step = max(int(self.steps[i]), 1)
        self._now.set_xdata([step, step])
        self._image.set_data(self._spectra[k][i])
        self.readout = (f"weight decay {number(r.weight_decay)}, step {int(self.steps[i])}: train accuracy "
                        f"{r.train_accuracy[i]:.0%}, test accuracy {r.test_accuracy[i]:.0%}, "
                        f"frequency purity {r.purity[i]:.2f}")  # fmt: skip
        self._readout.value = self.readout
        self.stage.update()


class SignalPropagation(_Widget):
    """A slider over the weight variance of a deep random network: how two inputs' correlation and the gradient's
    size change with depth, measured in one random network (dots) against the mean-field theory (lines).

    Every value the slider offers is computed when the widget is made, so dragging is instant.
    """

    def __init__(self, sigma_b2: float = 0.05, values=None, *, depth: int = 30, width: int = 300,
                 activation: str = "tanh", c0s=(0.1, 0.5, 0.9), seed: int = 0, live: bool | None = None):  # fmt: skip
        from .nets import criticality as C

        edge = float(C.critical_sigma_w2(sigma_b2, activation))
        values = sorted({0.5, 0.75, 1.0, 1.25, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, round(edge, 3)}
                        if values is None else {float(v) for v in values})  # fmt: skip
        self.sigma_b2, self.depth, self.activation, self.c0s = float(sigma_b2), int(depth), activation, tuple(c0s)
        self.layers = np.arange(depth + 1)
        self._theory, self._measured, self._grad, self._chi, self._xi = {}, {}, {}, {}, {}
        for w in values:
            self._theory[w] = C.correlation_curve(np.array(c0s), depth, w, sigma_b2, activation)
            measured = C.propagate(w, sigma_b2, c0=np.array(c0s), depth=depth, width=width, activation=activation, seed=seed)
            self._measured[w] = measured.c
            self._grad[w] = measured.grad / measured.grad[-1]
            self._chi[w], self._xi[w] = float(C.chi1(w, sigma_b2, activation)), float(C.depth_scale(w, sigma_b2, activation))
        self.values, self.edge = values, edge
        start = min(values, key=lambda v: abs(v - 1.0))
        self.controls = {"sigma_w2": W.SelectionSlider(options=[(number(v), v) for v in values], value=start, description="σ_w²",
                                                       continuous_update=True, layout=W.Layout(width="520px"))}  # fmt: skip
        self.stage = Stage(figsize=(9.6, 4.0), live=live, layout="constrained")
        self._build()
        self._wire(self.controls["sigma_w2"])

    def _build(self):
        st = self.stage
        ax, ax_g = st.fig.subplots(1, 2)
        self._lines, self._dots = [], []
        for k, c in enumerate(self.c0s):
            color = plot.VARIANT_COLORS[k]
            self._lines.append(st.animated(ax.plot([], [], color=color, lw=2, label=f"theory, from c = {c:g}")[0]))
            self._dots.append(st.animated(ax.plot([], [], "o", color=color, ms=4, mec="white", mew=0.5)[0]))
        ax.set(xlim=(0, self.depth), ylim=(-0.05, 1.05), xlabel="layer", ylabel="correlation of two inputs",
               title="correlations (dots: one random network)")  # fmt: skip
        plot.legend_below(ax, ncol=3)
        self._grad_dots = st.animated(ax_g.plot([], [], "o", color=plot.PALETTE[5], ms=4, label="measured")[0])
        self._grad_line = st.animated(ax_g.plot([], [], color="black", lw=1.5, label=r"theory, $\chi_1^{\,depth - layer}$")[0])
        ax_g.set_yscale("log")
        ax_g.set(xlim=(0, self.depth), ylim=(1e-9, 1e9), xlabel="layer",
                 ylabel="gradient size (squared, last layer = 1)", title="gradients, back-propagated")  # fmt: skip
        plot.legend_below(ax_g, ncol=2)

    @property
    def sigma_w2(self) -> float:
        return float(self.controls["sigma_w2"].value)

    def _show(self):
        w = self.sigma_w2
        for k in range(len(self.c0s)):
            self._lines[k].set_data(self.layers, self._theory[w][:, k])
            self._dots[k].set_data(self.layers, self._measured[w][:, k])
        g = self._grad[w]
        self._grad_dots.set_data(self.layers[1:], g)
        self._grad_line.set_data(self.layers[1:], self._chi[w] ** (self.depth - self.layers[1:]))
        chi, xi = self._chi[w], self._xi[w]
        phase = "on the edge of chaos" if abs(w - self.edge) < 1e-3 else ("ordered" if chi < 1 else "chaotic")
        self.readout = (f"σ_w² = {number(w)}, σ_b² = {number(self.sigma_b2)}: χ₁ = {chi:.3f} ({phase}); correlations "
                        f"live about ξ = {'∞' if not np.isfinite(xi) or xi > 1e4 else f'{xi:.1f}'} layers")  # fmt: skip
        self._readout.value = self.readout
        self.stage.update()


class TemperedPosterior(_Widget):
    """A dropdown over minima and a slider over the inverse temperature ``n_beta``: where the tempered posterior of a
    learning-coefficient estimate puts its weight (left, over the landscape's map) and the estimate at every
    temperature (right, the known value dashed). One tempered run per minimum, computed when the widget is made.

    ``cases`` maps a name to ``(landscape, minimum, known lambda or None)``; the default is the bowl, the hyperbola
    and the cross. ``records`` may give estimates already made (``tl.learning_coefficient``) for some of the names.
    """

    def __init__(self, cases: dict | None = None, *, records: dict | None = None, n_beta: float = 1e4, draws: int = 1000,
                 chains: int = 8, seed: int = 0, live: bool | None = None):  # fmt: skip
        from .degeneracy import learning_coefficient
        from .zoo import get

        if cases is None:
            cases = {"bowl": (get("bowl"), (0.0, 0.0), 1.0), "hyperbola": (get("hyperbola"), (1.0, 1.0), 0.5),
                     "cross": (get("cross"), (0.0, 0.0), 0.5)}  # fmt: skip
        if not cases or any(len(c) != 3 or c[0].dim != 2 for c in cases.values()):
            raise ValueError("cases must map names to (2-D landscape, minimum, known lambda or None)")
        self.cases = dict(cases)
        records = dict(records or {})
        self.records = {name: records[name] if name in records else
                        learning_coefficient(L, at, n_beta=n_beta, draws=draws, chains=chains, seed=seed)
                        for name, (L, at, _) in self.cases.items()}  # fmt: skip
        ladder = next(iter(self.records.values())).n_betas
        if any(len(r.n_betas) != len(ladder) or not np.allclose(r.n_betas, ladder) for r in self.records.values()):
            raise ValueError("the records must share one ladder of n_beta (the same n_beta, the tempered sampler)")
        self.controls = {
            "minimum": W.Dropdown(options=list(self.cases), description="minimum"),
            "n_beta": W.SelectionSlider(options=[(number(v), float(v)) for v in ladder],
                                        value=float(ladder[np.argmin(np.abs(np.log(ladder / 100)))]),
                                        description="nβ", continuous_update=True, layout=W.Layout(width="480px")),
        }  # fmt: skip
        self.stage = Stage(figsize=(9.6, 4.2), live=live, layout="constrained")
        self._built = None
        self._wire(W.HBox([self.controls["minimum"], self.controls["n_beta"]]))

    @property
    def record(self):
        return self.records[self.controls["minimum"].value]

    @property
    def rung(self) -> int:
        return int(np.argmin(np.abs(self.record.n_betas - self.controls["n_beta"].value)))

    def _build(self):
        st = self.stage
        st.fig.clear()
        st.reset()
        name = self._built = self.controls["minimum"].value
        L, at, known = self.cases[name]
        ax, ax_c = st.fig.subplots(1, 2, width_ratios=(1, 1.15))
        self._dots = st.animated(plot.tempered_posterior(self.record, L, ax=ax, legend=False))
        ax.set_title(f"{name}: where the tempered posterior lies")
        r = self.record
        ax_c.plot(r.n_betas, r.curve, "o-", color=plot.PALETTE[5], ms=4, lw=1.8, label="estimate")
        if known is not None:
            ax_c.axhline(known, color="black", ls="--", lw=1.2, label=f"true λ = {number(known)}")
        ax_c.set(xscale="log", xlabel=r"inverse temperature $n\beta$", ylabel=r"estimate $\hat\lambda$",
                 ylim=(0, max(1.1 * max(r.curve.max(), known or 0), 0.1)), title="the estimate at each temperature")  # fmt: skip
        self._marker = st.animated(ax_c.plot([], [], "o", ms=11, mfc="none", mec="black", mew=2)[0])
        plot.legend_below(ax_c, ncol=2)
        st.invalidate()

    def _show(self):
        if self._built != self.controls["minimum"].value:  # another minimum: its own map and curve
            self._build()
        r, k = self.record, self.rung
        self._dots.set_offsets(r.samples[k][:, :2])
        self._marker.set_data([r.n_betas[k]], [r.curve[k]])
        known = self.cases[self.controls["minimum"].value][2]
        truth = f" (true λ = {number(known)})" if known is not None else ""
        self.readout = f"{self.controls['minimum'].value} at nβ = {number(r.n_betas[k])}: estimate {r.curve[k]:.3f}{truth}"
        self._readout.value = self.readout
        self.stage.update()


class SkipConnections(_Widget):
    """A slider over depth: the gradient each layer's weights get at initialization, in a plain deep network and in
    the same network with skip connections (``residual=True``), and the first layer's gradient against depth.

    Every depth the slider offers is computed when the widget is made (``seeds`` initializations each), so dragging
    is instant.
    """

    def __init__(self, data=None, depths=(2, 5, 10, 15, 20, 30, 40), *, width: int = 8, activation: str = "relu",
                 seeds: int = 3, live: bool | None = None):  # fmt: skip
        from .nets import gradient_norms, mlp_landscape, spirals

        data = spirals(n=200) if data is None else data
        depths = sorted({optim.whole_number("depth", d, error=LandscapeError) for d in depths})
        seeds = optim.whole_number("seeds", seeds, error=LandscapeError)
        init = "he" if activation == "relu" else "glorot"
        self.depths, self.norms = depths, {}
        for d in depths:
            for residual in (False, True):
                models = [mlp_landscape(data, hidden=[width] * d, activation=activation, init=init, seed=s, residual=residual)
                        for s in range(seeds)]  # fmt: skip
                self.norms[d, residual] = np.array([gradient_norms(L, L.starts[0]) for L in models])
        self.name = f"{activation}, width {width}, on {data.name}"
        start = 20 if 20 in depths else depths[len(depths) // 2]
        self.controls = {"depth": W.SelectionSlider(options=[(str(d), d) for d in depths], value=start, description="depth",
                                                    continuous_update=True, layout=W.Layout(width="520px"))}  # fmt: skip
        self.stage = Stage(figsize=(9.6, 3.8), live=live, layout="constrained")
        self._build()
        self._wire(self.controls["depth"])

    COLORS = {False: plot.PALETTE[1], True: plot.PALETTE[3]}

    def _build(self):
        st = self.stage
        ax, ax_d = st.fig.subplots(1, 2)
        every = np.concatenate([g.ravel() for g in self.norms.values()])
        lo, hi = every[every > 0].min() / 3, every.max() * 3
        self._lines = {}
        for residual, color in self.COLORS.items():
            label = "with skips" if residual else "plain"
            self._lines[residual] = st.animated(ax.plot([], [], "o-", color=color, lw=2, ms=4, label=label)[0])
            first = [np.exp(np.log(self.norms[d, residual][:, 0]).mean()) for d in self.depths]
            ax_d.plot(self.depths, first, "o-", color=color, lw=2, ms=4, label=label)
        self._marker = st.animated(ax_d.axvline(self.depths[0], color="#D55E00", lw=2))
        ax.set(yscale="log", ylim=(lo, hi), xlim=(0.5, max(self.depths) + 1.5), xlabel="layer",
               ylabel="|gradient| of its weights", title=f"by layer at initialization ({self.name})")  # fmt: skip
        ax_d.set(yscale="log", ylim=(lo, hi), xlabel="depth (hidden layers)", ylabel="first layer's |gradient|",
                 title="the first layer, by depth")  # fmt: skip
        plot.legend_below(ax, ncol=2)
        plot.legend_below(ax_d, ncol=2)

    @property
    def depth(self) -> int:
        return int(self.controls["depth"].value)

    def first_layer(self, residual: bool) -> float:
        """The first layer's gradient at the current depth: the geometric mean over the seeds."""
        return float(np.exp(np.log(self.norms[self.depth, residual][:, 0]).mean()))

    def _show(self):
        d = self.depth
        for residual, line in self._lines.items():
            g = np.exp(np.log(self.norms[d, residual]).mean(0))
            line.set_data(np.arange(1, len(g) + 1), g)
        self._marker.set_xdata([d, d])
        plain, skip = self.first_layer(False), self.first_layer(True)
        self.readout = (f"depth {d}: the first layer's gradient is {plain:.2g} plain and {skip:.2g} with skips, "
                        f"{skip / plain:{',.0f' if skip >= 10 * plain else '.1f'}} times larger with them" if skip > plain else
                        f"depth {d}: the first layer's gradient is {plain:.2g} plain and {skip:.2g} with skips")  # fmt: skip
        self._readout.value = self.readout
        self.stage.update()


class Pruning(_Widget):
    """A slider over the fraction of weights pruned: what a small classifier computes after magnitude pruning,
    Optimal Brain Damage and Optimal Brain Surgeon (no fine-tuning), side by side, with each one's loss and
    test accuracy. Every fraction the slider offers is pruned when the widget is made, so dragging is instant."""

    def __init__(self, L, theta, fractions=None, *, n: int = 80, live: bool | None = None):
        from .nets import PRUNING_METHODS, accuracy, prune
        from .nets.pruning import shared_hessian

        fractions = [float(round(f, 2)) for f in ((0.0, 0.25, 0.5, 0.6, 0.7, 0.8, 0.9) if fractions is None else fractions)]
        if not fractions or not all(0 <= f <= 1 for f in fractions):
            raise LandscapeError(f"fractions must be numbers from 0 to 1 (the share of weights removed); got {fractions}")
        theta = np.asarray(theta, float)
        n = _grid("n", n, L, len(PRUNING_METHODS) * len(fractions))
        grid, self.extent = plot._input_grid(L, n)
        self.L, self.methods, self.fractions, self.n = L, PRUNING_METHODS, sorted(set(fractions)), n
        H = shared_hessian(L, theta, self.methods)  # once, not once a call
        self.pruned = {(m, f): prune(L, theta, f, m, hessian=H) for m in self.methods for f in self.fractions}
        self.pictures = {k: plot.class_probability(L, p.theta, grid).reshape(n, n) for k, p in self.pruned.items()}
        self.scores = {k: (p.loss_after, float(accuracy(L, p.theta, test=True))) for k, p in self.pruned.items()}
        start = 0.5 if 0.5 in self.fractions else self.fractions[len(self.fractions) // 2]
        self.controls = {"fraction": W.SelectionSlider(options=[(f"{f:.0%}", f) for f in self.fractions], value=start,
                                                       description="pruned", continuous_update=True,
                                                       layout=W.Layout(width="520px"))}  # fmt: skip
        self.stage = Stage(figsize=(10.5, 3.7), live=live, layout="constrained")
        self._build()
        self._wire(self.controls["fraction"])

    NAMES = {"magnitude": "magnitude", "obd": "Optimal Brain Damage", "obs": "Optimal Brain Surgeon"}

    def _build(self):
        st = self.stage
        axes = st.fig.subplots(1, len(self.methods), sharey=True)
        k = max(1, self.L.data.n_classes - 1)
        self._images, self._titles = {}, {}
        for ax, m in zip(axes, self.methods, strict=True):
            self._images[m] = st.animated(ax.imshow(np.zeros((self.n, self.n)), extent=self.extent, origin="lower",
                                                    cmap=plot.CLASS_CMAP, vmin=0, vmax=k, aspect="auto", alpha=0.75,
                                                    interpolation="bilinear", zorder=1))  # fmt: skip
            st.animated(plot.data_points(self.L, ax, test=True))  # over the picture, which is redrawn
            self._titles[m] = st.animated(ax.set_title(self.NAMES[m]))
            ax.set(xlabel="input 1")
        axes[0].set_ylabel("input 2")

    @property
    def fraction(self) -> float:
        return float(self.controls["fraction"].value)

    def _show(self):
        f = self.fraction
        parts = []
        for m in self.methods:
            self._images[m].set_data(self.pictures[m, f])
            loss, acc = self.scores[m, f]
            self._titles[m].set_text(f"{self.NAMES[m]}\nloss {loss:.3g}, test accuracy {acc:.2f}")
            parts.append(f"{self.NAMES[m]} {acc:.2f}")
        self.readout = f"{f:.0%} of the weights removed; test accuracy: " + ", ".join(parts)
        self._readout.value = self.readout
        self.stage.update()
