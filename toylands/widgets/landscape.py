"""Landscape explorers: ``Explorer``, ``LRLab``, ``Race``, ``LandscapeViewer`` and ``Picker``."""

from __future__ import annotations

from collections.abc import Callable

import ipywidgets as W
import numpy as np

from .. import optim, plot
from ..analysis import hessian_eig, stability_threshold
from ..landscape import Landscape, LandscapeError
from ..run import Trajectory, _seed, number, run
from ..stage import Stage
from ._scene import Scene, control, layer
from ._base import (KNOBS, LR_VALUES, OPTIMIZER_KNOBS, PATH, Coalescer, _as_2d, _fit_log_limits, _knob, _lr_slider,
                    _make_optimizer, _on_map, _options, _param_slider, _valid, _valid_lr, _Widget)
from ..zoo import get, landscapes


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
        from ..run import race

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
