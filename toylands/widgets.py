"""Sliders and dropdowns that redraw descents at once: ``Explorer``, ``Race``, ``LRLab`` and ``LandscapeViewer``.

Each widget is one line in a notebook (``tl.widgets.Explorer("rosenbrock")``) and can be driven from
code: ``w.controls`` holds its ipywidgets, ``w.set(lr=0.01)`` changes them, ``w.state`` and
``w.readout`` say what is shown, ``w.trajectory`` is the run drawn.

Why dragging is instant: what a slider can reach is computed ahead as one batched run (every
learning rate of the slider at once), so moving the slider only picks a precomputed path; the map
is drawn once and each update redraws only the moving artists (blitting). Bursts of events are
coalesced: a fast drag never queues stale redraws. With ``%matplotlib widget`` (ipympl) the figure
is a live canvas you can click to set the start; without ipympl the same widget shows images.
"""

from __future__ import annotations

import asyncio
import io
import time

import ipywidgets as W
import matplotlib
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from . import optim, plot
from .analysis import hessian_eig, stability_threshold
from .landscape import Landscape, LandscapeError
from .run import Trajectory, run
from .zoo import catalogue, get, landscapes

__all__ = ["Explorer", "Race", "LRLab", "LandscapeViewer", "ipympl_active"]

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
    "Lion": ("b1", "b2"),
    "Newton": ("damping",),
    "Saddle-free Newton": ("damping",),
}
KNOBS = {  # name: (default, min, max, step)
    "momentum": (0.9, 0.0, 0.99, 0.01),
    "b1": (0.9, 0.0, 0.99, 0.01),
    "b2": (0.999, 0.9, 0.9999, 0.0001),
    "alpha": (0.99, 0.5, 0.999, 0.001),
    "weight_decay": (0.01, 0.0, 0.5, 0.01),
    "damping": (0.001, 0.0, 2.0, 0.001),
}
#: Slider ranges for landscape parameters: (min, max, log scale?).
PARAM_RANGES = {
    "kappa": (1.0, 1000.0, True),
    "angle": (0.0, 180.0, False),
    "a": (0.25, 3.0, False),
    "b": (1.0, 300.0, True),
    "n": (2, 8, False),
    "steepness": (0.5, 100.0, True),
    "width": (0.1, 2.0, False),
    "height": (1.0, 50.0, True),
    "amplitude": (0.0, 20.0, False),
    "ratio": (1.5, 300.0, True),
    "radius": (0.5, 2.0, False),
}
LR_EXP = (-4.0, 1.0, 0.05)  # the learning-rate slider: 10^-4 .. 10, 101 values
PATH = "#FFFFFF"


def ipympl_active() -> bool:
    """Whether matplotlib draws through ipympl (``%matplotlib widget``): the live, clickable canvas."""
    return "ipympl" in matplotlib.get_backend() or matplotlib.get_backend() == "widget"


def _lr_values():
    lo, hi, step = LR_EXP
    return 10 ** np.round(np.arange(lo, hi + step / 2, step), 10)


def _options():
    """Dropdown entries for the catalogue, grouped: ('bowls - bowl', 'bowl') ..."""
    return [(f"{g}: {n}", n) for g, names in catalogue().items() for n in names]


def _as_2d(name_or_landscape, params=None) -> Landscape:
    L = name_or_landscape if isinstance(name_or_landscape, Landscape) else get(name_or_landscape, **(params or {}))
    return L if L.dim == 2 else L.section((0, 1) if "permutation" not in L.name else (0, 2))


class Stage:
    """A figure whose background is drawn once and whose moving artists are blitted.

    Shows as the ipympl canvas when that is active (``live``), else as a PNG ``ipywidgets.Image``.
    """

    def __init__(self, figsize=(10.0, 4.2), dpi: int = 80, live: bool | None = None):
        self.live = ipympl_active() if live is None else live
        if self.live:
            import matplotlib.pyplot as plt

            with plt.ioff():
                self.fig = plt.figure(figsize=figsize, dpi=dpi)
            self.fig.canvas.header_visible = False
            self.fig.canvas.toolbar_visible = False
            self.view = self.fig.canvas
        else:
            self.fig = Figure(figsize=figsize, dpi=dpi)
            FigureCanvasAgg(self.fig)
            self.view = W.Image(format="png")
        self.moving: list = []
        self._bg = None
        self.frames = 0  # how many updates were shown (for tests and benchmarks)
        # Every full draw (ours, or one the ipympl front end asks for) keeps the background and
        # puts the moving artists back on top: matplotlib's blitting recipe.
        self.fig.canvas.mpl_connect("draw_event", self._on_draw)

    def animated(self, artist):
        artist.set_animated(True)
        self.moving.append(artist)
        return artist

    def _on_draw(self, event):
        self._bg = self.fig.canvas.copy_from_bbox(self.fig.bbox)
        self._draw_moving()

    def _draw_moving(self):
        for a in self.moving:
            if a.get_visible():
                a.axes.draw_artist(a)

    def draw_background(self):
        """Redraw everything. Live, the front end asks for the draw once it is ready: drawing into an
        ipympl canvas before its front end is connected leaves it a broken image (ipympl 0.10)."""
        self._bg = None
        if self.live:
            self.fig.canvas.draw_idle()
        else:
            self.fig.canvas.draw()
            self.view.value = self.png()
        self.frames += 1

    def blit(self):
        """Show the moving artists' new state over the kept background."""
        if self._bg is None:
            return self.draw_background()
        canvas = self.fig.canvas
        canvas.restore_region(self._bg)
        self._draw_moving()
        if self.live:
            canvas.blit(self.fig.bbox)
        else:
            self.view.value = self.png()
        self.frames += 1

    def png(self) -> bytes:
        from PIL import Image

        buf = io.BytesIO()
        Image.fromarray(np.asarray(self.fig.canvas.buffer_rgba())[..., :3]).save(buf, format="png", compress_level=1)
        return buf.getvalue()

    def rgb(self) -> np.ndarray:
        """What is shown now, as an RGB array."""
        return np.asarray(self.fig.canvas.buffer_rgba())[..., :3].copy()


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
    """What every widget shares: controls by name, ``set``, ``state`` and display."""

    controls: dict
    box: W.Widget

    def set(self, **values):
        """Set controls by name, e.g. ``set(lr=0.01, optimizer="Adam")``."""
        for k, v in values.items():
            if k not in self.controls:
                raise KeyError(f"no control {k!r}; controls: {', '.join(self.controls)}")
            self.controls[k].value = v
        return self

    @property
    def state(self) -> dict:
        return {k: c.value for k, c in self.controls.items()}

    def _ipython_display_(self):
        from IPython.display import display

        display(self.box)


def _knob(name):
    default, lo, hi, step = KNOBS[name]
    return W.FloatSlider(value=default, min=lo, max=hi, step=step, description=name, readout_format=".4g",
                         continuous_update=True, layout=W.Layout(width="300px"))  # fmt: skip


def _param_slider(name, value):
    lo, hi, log = PARAM_RANGES.get(name, (value / 4 if value else 0.0, value * 4 if value else 1.0, False))
    if isinstance(value, int) or name == "n":
        return W.IntSlider(value=int(value), min=int(lo), max=int(hi), description=name, continuous_update=False)
    if log:
        return W.FloatLogSlider(value=value, base=10, min=np.log10(lo), max=np.log10(hi), step=0.02, description=name,
                                continuous_update=False)  # fmt: skip
    return W.FloatSlider(value=value, min=lo, max=hi, step=(hi - lo) / 200, description=name, continuous_update=False)


def _make_optimizer(name, lr, knobs):
    kw = {k: v for k, v in knobs.items() if k in OPTIMIZER_KNOBS[name]}
    if name == "SGD":  # the noise comes from the widget's noise slider, as for every optimizer
        return optim.sgd(lr, noise=0.0, **kw)
    return optim.OPTIMIZERS[name](lr, **kw)


class Explorer(_Widget):
    """Pick a landscape and an optimizer; drag the learning rate, the momentum, the start; see the path at once.

    The readout gives the final loss, when it converged or diverged, and the curvature
    ``lambda_max`` and ``2 / lambda_max`` where the run starts and ends, which says why a learning
    rate blows up.
    """

    panel = "loss"

    def __init__(self, landscape="rosenbrock", optimizer: str = "GD", lr: float = 1e-3, steps: int = 500,
                 start=None, noise: float = 0.0, seed: int = 0, live: bool | None = None, **knobs):  # fmt: skip
        if optimizer not in optim.OPTIMIZERS:
            raise LandscapeError(f"unknown optimizer {optimizer!r}; choose from {', '.join(optim.OPTIMIZERS)}")
        name = landscape.name if isinstance(landscape, Landscape) else landscape
        self._custom = landscape if isinstance(landscape, Landscape) else None
        self.landscape = _as_2d(landscape)
        self.lrs = _lr_values()
        c = self.controls = {}
        options = _options()
        if self._custom is None and name in dict((v, k) for k, v in options):
            c["landscape"] = W.Dropdown(options=options, value=get(name).name, description="landscape")
        c["optimizer"] = W.Dropdown(options=list(optim.OPTIMIZERS), value=optimizer, description="optimizer")
        lo, hi, step = LR_EXP
        c["lr"] = W.FloatLogSlider(value=lr, base=10, min=lo, max=hi, step=step, description="lr", readout_format=".3g",
                                   continuous_update=True, layout=W.Layout(width="420px"))  # fmt: skip
        for k in KNOBS:
            c[k] = _knob(k)
            if k in knobs:
                c[k].value = knobs.pop(k)
        if knobs:
            raise TypeError(f"unknown settings {', '.join(knobs)}; allowed: {', '.join(KNOBS)}")
        c["steps"] = W.IntSlider(value=steps, min=10, max=3000, step=10, description="steps", continuous_update=False)
        c["noise"] = W.FloatSlider(value=noise, min=0.0, max=5.0, step=0.01, description="noise", continuous_update=False)
        c["seed"] = W.BoundedIntText(value=seed, min=0, max=2**31 - 1, description="seed", layout=W.Layout(width="180px"))
        c["x"] = W.FloatSlider(description="start x", continuous_update=True, readout_format=".3g")
        c["y"] = W.FloatSlider(description="start y", continuous_update=True, readout_format=".3g")
        self._params_box = W.VBox()
        self.readout = ""
        self._readout = W.HTML()
        self.stage = Stage(live=live)
        self._recompute = Coalescer(self._compute_and_show)
        self._redraw = Coalescer(self._show)
        self._set_start_sliders(start)
        self._build_figure()
        self._fan = None
        self._compute_and_show()

        for k in ("optimizer", "steps", "noise", "seed", "x", "y", *KNOBS):
            c[k].observe(lambda ch: self._recompute(), names="value")
        c["lr"].observe(self._lr_changed, names="value")
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
            W.HBox([c["noise"], c["seed"]]), self._params_box, self.stage.view, self._readout,
        ])  # fmt: skip

    # ------------------------------------------------------------------ building
    def _set_start_sliders(self, start=None):
        L = self.landscape
        start = L.starts[0] if start is None else L.as_points(start, "start")
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
                widget._holding = getattr(widget, "_holding", 0) + 1

            def __exit__(self, *exc):
                widget._holding -= 1

        return Hold()

    def _build_figure(self):
        st = self.stage
        fig = st.fig
        fig.clear()
        st.moving = []
        st._bg = None
        ax_map, ax_side = fig.subplots(1, 2, width_ratios=[1.25, 1])
        self.ax_map, self.ax_side = ax_map, ax_side
        plot.landscape_map(self.landscape, ax_map, legend=False, title=self.landscape.name)
        self._path = st.animated(ax_map.plot([], [], color=PATH, lw=2, zorder=4)[0])
        self._start = st.animated(ax_map.plot([], [], "o", mfc="none", mec=PATH, ms=9, mew=2, zorder=6)[0])
        self._end = st.animated(ax_map.plot([], [], "o", color=PATH, mec="black", ms=8, zorder=7)[0])
        self._gone = st.animated(ax_map.plot([], [], "X", color="#D55E00", mec="black", ms=13, zorder=8)[0])
        self._gone_text = st.animated(ax_map.text(0.5, 0.04, "", transform=ax_map.transAxes, ha="center", fontsize=11,
                                                  color="#D55E00", weight="bold", zorder=9,
                                                  bbox=dict(fc="white", ec="#D55E00", alpha=0.9)))  # fmt: skip
        self._build_side(ax_side)
        fig.set_layout_engine("tight")

    def _build_side(self, ax):
        ax.set(xlabel="step", ylabel="loss - min" if self.landscape.min_value is not None else "loss")
        self._curve = self.stage.animated(ax.plot([], [], color="#0072B2", lw=1.8)[0])
        self._curve_gone = self.stage.animated(ax.axvline(0, color="#D55E00", ls="--", lw=1.2))

    def _rebuild_params(self):
        # a user's own landscape has no factory, so no parameters to slide
        params = dict(get(self.controls["landscape"].value).params) if "landscape" in self.controls else {}
        sliders = []
        for k, v in params.items():
            s = _param_slider(k, v)
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

    def _lr_changed(self, change):
        nearest = float(self.lrs[self.index])
        if abs(change["new"] - nearest) > 1e-9 * nearest:  # a typed value: snap to the precomputed one
            self.controls["lr"].value = nearest
            return
        self._redraw()

    # ------------------------------------------------------------------ computing
    @property
    def start(self) -> np.ndarray:
        return np.array([self.controls["x"].value, self.controls["y"].value])

    def _knobs(self):
        return {k: self.controls[k].value for k in KNOBS}

    def _compute_and_show(self):
        if getattr(self, "_holding", 0):
            return
        c = self.controls
        opt = _make_optimizer(c["optimizer"].value, self.lrs, self._knobs())
        self._fan = run(opt, self.landscape, self.start, int(c["steps"].value), noise=c["noise"].value,
                        seed=int(c["seed"].value), common_noise=True)  # fmt: skip
        self._fan_changed()
        self._show()

    def _fan_changed(self):
        fan = self._fan
        target = self.landscape.min_value
        with np.errstate(all="ignore"):
            V = fan.values - (target or 0.0)
        ok = np.isfinite(V) & ~(np.arange(fan.steps + 1)[:, None] >= np.where(fan.diverged, fan.diverged_at, fan.steps + 1))
        pos = V[ok & (V > 0)]
        ax = self.ax_side
        if target is not None and pos.size:
            top = float(np.nanmax(np.where(V[0] > 0, V[0], np.nan), initial=pos.max()))  # the starting loss
            # whole decades, so that small changes of the start do not force a full redraw
            lo, hi = 10 ** np.floor(np.log10(max(float(pos.min()), 1e-16 * top))), 10 ** np.ceil(np.log10(top * 2))
            scale = "log"
        else:
            good = V[ok]
            lo, hi = (float(good.min()), float(good.max())) if good.size else (0.0, 1.0)
            lo, hi, scale = lo - 0.05 * (hi - lo or 1.0), hi + 0.05 * (hi - lo or 1.0), "linear"
        if (ax.get_yscale(), ax.get_ylim(), ax.get_xlim()) != (scale, (lo, hi), (0, fan.steps)):
            ax.set_yscale(scale)
            ax.set_ylim(lo, hi)
            ax.set_xlim(0, fan.steps)
            self.stage._bg = None  # the axes changed: the background must be drawn again

    @property
    def index(self) -> int:
        """Which run of the precomputed fan the learning-rate slider points at."""
        return int(np.argmin(np.abs(np.log(self.lrs) - np.log(self.controls["lr"].value))))

    @property
    def trajectory(self) -> Trajectory:
        """The run drawn now."""
        return self._fan[self.index]

    def _show(self):
        if self._fan is None or getattr(self, "_holding", 0):
            return
        tr = self.trajectory
        P = tr.positions[:, 0]
        gone = bool(tr.diverged[0])
        stop = int(tr.diverged_at[0]) if gone else tr.steps + 1
        self._path.set_data(P[:stop, 0], P[:stop, 1])
        self._start.set_data([P[0, 0]], [P[0, 1]])
        self._end.set_data([P[stop - 1, 0]], [P[stop - 1, 1]])
        self._end.set_visible(not gone)
        self._gone.set_data([P[stop - 1, 0]], [P[stop - 1, 1]])
        self._gone.set_visible(gone)
        self._gone_text.set_text(f"diverged at step {stop}" if gone else "")
        self._gone_text.set_visible(gone)
        self._update_side(tr, stop, gone)
        self.readout = self._describe(tr)
        self._readout.value = self.readout
        self.stage.blit()

    def _update_side(self, tr, stop, gone):
        v = tr.values[:stop, 0] - (self.landscape.min_value or 0.0)
        self._curve.set_data(np.arange(stop), v)
        self._curve_gone.set_xdata([stop - 1, stop - 1])
        self._curve_gone.set_visible(gone)

    def _describe(self, tr: Trajectory) -> str:
        lr = self.lrs[self.index]
        lines = [f"<b>{tr.name}</b>, lr = {lr:.3g}, {tr.steps} steps"]
        if tr.diverged[0]:
            lines.append(f"<span style='color:#D55E00'><b>diverged at step {tr.diverged_at[0]}</b></span>")
        else:
            conv = tr.steps_to(1e-6)[0]
            lines.append(
                f"final loss {tr.final_values[0]:.4g}" + (f", converged at step {conv}" if conv >= 0 else ", not converged")
            )
            end = tr.endings[0]
            if end.startswith("min"):
                lines.append(f"ended in {end}")
        lam_s = float(hessian_eig(self.landscape, tr.positions[0, 0])[0][-1])
        lam_e = float(hessian_eig(self.landscape, tr.positions[-1, 0])[0][-1])
        thr = lambda lam: f"{2 / lam:.3g}" if lam > 0 else "none (curves down)"  # noqa: E731
        lines.append(f"&lambda;<sub>max</sub> at the start {lam_s:.3g} (2/&lambda;<sub>max</sub> = {thr(lam_s)}), "
                     f"at the end {lam_e:.3g} (2/&lambda;<sub>max</sub> = {thr(lam_e)})")  # fmt: skip
        try:
            t = stability_threshold(self.landscape)
            side = "above" if lr > t else "below"
            lines.append(f"lr is {side} 2/&lambda;<sub>max</sub> = {t:.3g} at the global minimum")
        except LandscapeError:
            pass
        return "<br>".join(lines)


class LRLab(Explorer):
    """One slider sweeps the learning rate: the map shows the path, the sweep plot marks the current lr
    against the stability threshold ``2 / lambda_max``."""

    def __init__(self, landscape="ill_conditioned_bowl", optimizer: str = "GD", lr: float = 0.05, steps: int = 200, **kw):
        super().__init__(landscape, optimizer, lr, steps, **kw)

    def _build_side(self, ax):
        ax.set(xscale="log", xlabel="learning rate", ylabel="final loss - min")
        self._sweep_line = ax.plot([], [], "o-", color="#0072B2", ms=3, lw=1.2)[0]
        self._marker = self.stage.animated(ax.axvline(1.0, color="#D55E00", lw=2))
        self._dot = self.stage.animated(ax.plot([], [], "o", color="#D55E00", ms=9, mec="black")[0])
        self._band = None
        self._thr = None

    def _fan_changed(self):
        fan, ax = self._fan, self.ax_side
        v = fan.values
        self.diverged = fan.diverged | ~(v[-1] <= v[0])
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
                self._thr = ax.axvline(t, color="black", ls="--", lw=1.2)
                ax.set_title(rf"$2/\lambda_{{max}}$ = {t:.3g} (dashed); diverged: shaded", fontsize=9)
        except LandscapeError:
            ax.set_title("diverged: shaded", fontsize=9)
        good = loss[np.isfinite(loss) & (loss > 0)]
        ax.set_xlim(self.lrs.min(), self.lrs.max())
        if good.size:
            ax.set_yscale("log")
            ax.set_ylim(max(good.min(), 1e-16 * good.max()) / 2, good.max() * 2)
        self.stage._bg = None

    def _update_side(self, tr, stop, gone):
        lr = self.lrs[self.index]
        self._marker.set_xdata([lr, lr])
        y = self._sweep_line.get_ydata()[self.index]
        self._dot.set_data([lr], [y if np.isfinite(y) else self.ax_side.get_ylim()[1]])


class Race(_Widget):
    """Several optimizers from the same start, each with its own learning rate, played together."""

    def __init__(self, landscape="rosenbrock", optimizers=None, start=None, steps: int = 500,
                 noise: float = 0.0, seed: int = 0, live: bool | None = None):  # fmt: skip
        optimizers = optimizers or {"GD": 1e-3, "Momentum": 1e-3, "Adam": 0.05}
        if not isinstance(optimizers, dict):
            optimizers = {name: 0.01 for name in optimizers}
        for name in optimizers:
            if name not in optim.OPTIMIZERS:
                raise LandscapeError(f"unknown optimizer {name!r}; choose from {', '.join(optim.OPTIMIZERS)}")
        self.landscape = _as_2d(landscape)
        self.names = list(optimizers)
        c = self.controls = {}
        lo, hi, step = LR_EXP
        for name, lr in optimizers.items():
            c[f"lr {name}"] = W.FloatLogSlider(
                value=lr,
                base=10,
                min=lo,
                max=hi,
                step=step,
                description=f"lr {name}",
                readout_format=".3g",
                continuous_update=False,
                style={"description_width": "110px"},
                layout=W.Layout(width="420px"),
            )
        c["steps"] = W.IntSlider(value=steps, min=10, max=3000, step=10, description="steps", continuous_update=False)
        c["noise"] = W.FloatSlider(value=noise, min=0.0, max=5.0, step=0.01, description="noise", continuous_update=False)
        c["step"] = W.IntSlider(value=steps, min=0, max=steps, description="step", continuous_update=True)
        c["play"] = W.Play(value=steps, min=0, max=steps, step=max(1, steps // 100), interval=40, description="play")
        W.jslink((c["play"], "value"), (c["step"], "value"))
        self.start = self.landscape.as_points(self.landscape.starts[0] if start is None else start, "start")
        self.seed = seed
        self.stage = Stage(live=live)
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
        ax_map.plot(*self.start, "o", mfc="none", mec="white", ms=9, mew=2, zorder=6)
        self._lines, self._heads, self._curves = {}, {}, {}
        for k, name in enumerate(self.names):
            color = plot.PATH_COLORS[k % len(plot.PATH_COLORS)]
            curve_color = color if color != "#FFFFFF" else "#000000"
            self._lines[name] = st.animated(ax_map.plot([], [], color=color, lw=2, zorder=4, label=name)[0])
            self._heads[name] = st.animated(ax_map.plot([], [], "o", color=color, mec="black", ms=8, zorder=7)[0])
            self._curves[name] = ax_loss.plot([], [], color=curve_color, lw=1.5, label=name)[0]
        self._now = st.animated(ax_loss.axvline(0, color="#D55E00", lw=1.5))
        ax_map.legend(handles=list(self._lines.values()), loc="upper right", fontsize=7)
        ax_loss.legend(fontsize=7)
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
            stop = int(tr.diverged_at[0]) if tr.diverged[0] else steps + 1
            v = tr.values[:stop, 0] - target
            self._curves[n].set_data(np.arange(stop), v)
            allv.append(v[np.isfinite(v)])
        v = np.concatenate(allv)
        ax = self.ax_loss
        ax.set_xlim(0, steps)
        if self.landscape.min_value is not None and (v > 0).any():
            ax.set_yscale("log")
            pos = v[v > 0]
            ax.set_ylim(max(pos.min(), 1e-16 * pos.max()) / 2, pos.max() * 2)
        elif v.size:
            ax.set_ylim(v.min() - 0.05 * np.ptp(v) - 1e-9, v.max() + 0.05 * np.ptp(v) + 1e-9)
        for k in ("step", "play"):
            c[k].max = steps
        c["play"].step = max(1, steps // 100)
        self.stage._bg = None
        self._show()

    def _show(self):
        k = int(self.controls["step"].value)
        for n, tr in self.results.items():
            stop = min(k, tr.steps)
            if tr.diverged[0]:
                stop = min(stop, int(tr.diverged_at[0]) - 1)
            P = tr.positions[: stop + 1, 0]
            self._lines[n].set_data(P[:, 0], P[:, 1])
            self._heads[n].set_data([P[-1, 0]], [P[-1, 1]])
        self._now.set_xdata([k, k])
        self.stage.blit()

    @property
    def readout(self) -> str:
        parts = []
        for n, tr in self.results.items():
            parts.append(
                f"{n}: " + (f"diverged at step {tr.diverged_at[0]}" if tr.diverged[0] else f"final loss {tr.final_values[0]:.3g}")
            )
        return "; ".join(parts)


class LandscapeViewer(_Widget):
    """A landscape and its parameter sliders (condition number, valley width, ...): the map redraws as they move."""

    def __init__(self, landscape="ill_conditioned_bowl", live: bool | None = None, surface: bool = False):
        self.base = get(landscape)
        self.landscape = self.base
        self.controls = {k: _param_slider(k, v) for k, v in self.base.params.items()}
        if not self.controls:
            with_params = [n for n in landscapes() if get(n).params]
            raise LandscapeError(f"{self.base.name!r} has no parameters to slide; try one of {', '.join(with_params)}")
        self.surface = surface
        self.stage = Stage(figsize=(9.0, 4.0) if surface else (5.6, 4.4), live=live)
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
        if self.surface:
            plot.landscape_map(self.landscape, fig.add_subplot(1, 2, 1), legend=False)
            plot.surface(self.landscape, fig.add_subplot(1, 2, 2, projection="3d"), n=60)
        else:
            plot.landscape_map(self.landscape, fig.add_subplot(), legend=True)
        fig.set_layout_engine("tight")
        self.stage.draw_background()
