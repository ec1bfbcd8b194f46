"""``Explorer`` and ``LRLab``: a landscape, an optimizer and its learning rate; the path, drawn in the browser.

The kernel runs one batched descent per learning rate the slider offers (a *fan*, one ``tl.run``), and paints
the map once. The learning-rate and the step sliders only pick among the computed paths: the browser redraws
at once. A click or a drag on the map moves the start, and the other controls (the optimizer, its knobs, the
number of steps, the noise, the landscape and its parameters) ask the kernel for a new fan. On a page with no
kernel (the course's site) the start snaps to a grid of starts computed ahead.
"""

from __future__ import annotations

import numpy as np

from .. import optim, plot
from ..analysis import hessian_eig, stability_threshold
from ..landscape import Landscape, LandscapeError
from ..run import Trajectory, _seed, number, run
from ..zoo import get, param_ranges
from ._base import KNOBS, LR_VALUES, OPTIMIZER_KNOBS, PATH, _as_2d, _fit_log_limits, _make_optimizer, _on_map, _options
from ._base import _run_refuses, _valid_lr, nice_values
from ._scene import Scene, control, layer

#: Where the paths and markers are drawn (picture pixels at the widget's dpi).
LINE, HALO = 2.7, "#000000"
GONE = "#D55E00"
STEPS = list(range(10, 3001, 10))
NOISES = [round(v, 2) for v in np.arange(0, 5.0001, 0.01)]
#: A page with no kernel: the starts computed ahead (a 3 x 3 grid over the map, beside the widget's own start), when
#: their paths fit in BUDGET bytes (else a click there says it needs a kernel).
BUDGET = 1_200_000


def _number(name, value):
    """``value`` as a finite number, or the ValueError that says what is allowed."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise ValueError(f"{name} must be a number; got {value!r}")
    if not np.isfinite(value):
        raise ValueError(f"{name} must be a finite number; got {value!r}")
    return float(value)


def _whole(name, value, lo, hi) -> int:
    """``value`` as a whole number put on a slider from ``lo`` to ``hi`` (clipped), or the ValueError that says why not."""
    v = _number(name, value)
    if v != int(v):
        raise ValueError(f"{name} must be a whole number; got {value!r}")
    return int(min(max(v, lo), hi))


def _nearest(values, v, log=False):
    a = np.asarray(values, float)
    d = np.abs(np.log(a) - np.log(v)) if log else np.abs(a - v)
    return values[int(np.argmin(d))]


def _knob_values(name):
    default, lo, hi, step = KNOBS[name]
    vals = {round(float(v), 6) for v in np.arange(lo, hi + step / 2, step)} | {default}
    return sorted(vals)


def _param_values(landscape_name, name, value):
    spec = param_ranges(landscape_name)[name]
    lo, hi = spec.slider_range
    if spec.integer:
        vals = list(range(int(lo), int(hi) + 1))
    elif spec.log:
        vals = [float(v) for v in nice_values(lo, hi)]
    else:
        vals = [float(f"{v:.4g}") for v in np.linspace(lo, hi, 201)]
    vals = sorted(set(vals) | {int(value) if spec.integer else float(value)})
    return vals


class Explorer(Scene):
    """Pick a landscape and an optimizer; drag the learning rate, the step, the start on the map; see the path at once.

    The readout says how the run ended (converged, resting at a saddle, still moving, escaped, diverged), and
    gives the curvature ``lambda_max`` and ``2 / lambda_max`` where the run starts and ends, which says why a
    learning rate blows up. The ``show step`` slider scrubs through the run. Drive it from code as from the page:
    ``ex.set(lr=0.02, optimizer="Adam")``, ``ex.set(x=-1, y=2)`` (the start), ``ex.readout``, ``ex.trajectory``.
    """

    figsize = (11.0, 4.4)
    color, halo = PATH, HALO  # the path's colour and the rim under it (None: no rim)
    depth = 1e-12  # how far below its top the log loss axis reaches (as a run's own fit: _fit_log_limits)

    def __init__(self, landscape="rosenbrock", optimizer: str = "GD", lr: float = 1e-3, steps: int = 500,
                 start=None, noise: float = 0.0, seed: int = 0, live: bool | None = None, **knobs):  # fmt: skip
        if optimizer not in optim.OPTIMIZERS:
            raise LandscapeError(f"unknown optimizer {optimizer!r}; choose from {', '.join(optim.OPTIMIZERS)}")
        super().__init__()
        name = landscape.name if isinstance(landscape, Landscape) else landscape
        self._custom = isinstance(landscape, Landscape)
        self.landscape = _as_2d(landscape)
        names = [n for _, n in _options()]
        self._name = None if self._custom or get(name).name not in names else get(name).name
        self.lrs = LR_VALUES
        self._knobs = {k: KNOBS[k][0] for k in KNOBS}
        for k in list(knobs):
            if k in KNOBS:
                self._knobs[k] = self.coerce(k, knobs.pop(k))
        if knobs:
            raise TypeError(f"unknown settings {', '.join(knobs)}; allowed: {', '.join(KNOBS)}")
        self._params = dict(get(self._name).params) if self._name else {}
        self.recomputes = 0
        values = {"optimizer": optimizer, "lr": self.coerce("lr", lr), "steps": self.coerce("steps", steps),
                  "noise": self.coerce("noise", noise), "seed": self.coerce("seed", seed)}
        values.update(self._knobs, **self._params)
        values["step"] = values["steps"]
        if self._name:
            values["landscape"] = self._name
        self.start = [float(v) for v in (self.landscape.starts[0] if start is None else _on_map(self.landscape, start))]
        self.declare(*self._controls(values), values=values)
        self._compute()  # paints the map too

    # ------------------------------------------------------------------ controls
    def _controls(self, values) -> list[dict]:
        c = []
        if self._name:
            opts = _options()
            c.append(control("landscape", [n for _, n in opts], labels=[label for label, _ in opts], kind="select", kernel=True))
        c.append(control("optimizer", list(optim.OPTIMIZERS), kind="select", kernel=True))
        c.append(control("lr", [float(v) for v in self.lrs], labels=[number(v) for v in self.lrs]))
        for k in OPTIMIZER_KNOBS[values["optimizer"]]:
            c.append(control(k, _knob_values(k), labels=[number(v) for v in _knob_values(k)], kernel=True))
        c.append(control("steps", STEPS if values["steps"] in STEPS else sorted({*STEPS, values["steps"]}), kernel=True))
        c.append(control("noise", NOISES, labels=[number(v) for v in NOISES], kernel=True))
        seeds = sorted({*range(100), values["seed"]})
        c.append(control("seed", seeds, kind="select", kernel=True))
        for k, v in self._params.items():
            vals = _param_values(self._name, k, v)
            c.append(control(k, vals, labels=[number(x) for x in vals], kernel=True))
        c.append(control("step", list(range(values["steps"] + 1)), label="show step"))
        c.append(control("start", ["start"], kind="map", axes=0))
        return c

    def coerce(self, name, value):
        """A value as its control takes it: the learning rate snapped to the slider's nearest, a knob or the noise
        checked as ``tl.run`` would check it and then put on the slider (clipped, nearest), a whole number of steps."""
        if name == "lr":
            return float(_nearest(list(self.lrs), _valid_lr("lr", value), log=True))
        if name in ("optimizer", "landscape"):
            return value
        if name == "seed":
            return _seed(value)
        if name == "steps":
            return _whole("steps", value, 10, 3000)
        if name == "step":
            return _whole("step", value, 0, len(self._specs["step"]["options"]) - 1)
        _run_refuses(name, value)
        v = _number(name, value)
        if name == "noise":
            return float(_nearest(NOISES, min(max(v, 0.0), 5.0)))
        if name in KNOBS:
            vals = _knob_values(name)
            return float(_nearest(vals, min(max(v, vals[0]), vals[-1])))
        if name in self._params:
            vals = self._specs[name]["_values"]
            return _nearest(vals, min(max(v, vals[0]), vals[-1]))
        return value

    def set(self, **values):
        """Set controls by name: ``set(lr=0.01, optimizer="Adam")``, the start with ``x=`` and ``y=``. A value ``tl.run``
        would refuse raises ``ValueError`` in its words; a number the slider cannot reach is put on it (clipped,
        nearest), as the slider's own box would."""
        x, y = values.pop("x", None), values.pop("y", None)
        if x is not None or y is not None:
            xy = list(self.start)
            for i, (axis, v) in enumerate((("x", x), ("y", y))):
                if v is None:
                    continue
                lo, hi = (float(b) for b in self.landscape.bounds[i])
                v = _number(f"start {axis}", v)
                if not lo <= v <= hi:
                    raise ValueError(f"start {axis} must lie in the map, [{lo:g}, {hi:g}]; got {v!r} (a widget draws "
                                     "only its landscape's box)")  # fmt: skip
                xy[i] = v
            if values:
                super().set(**values)
            self.start = xy
            return self
        for k in [k for k in values if k in KNOBS and k not in self._specs]:  # a knob of another optimizer: kept for it
            self._knobs[k] = self.coerce(k, values.pop(k))
        if "seed" in values and self.coerce("seed", values["seed"]) not in self._specs["seed"]["_values"]:
            seed = self.coerce("seed", values["seed"])
            self.respec("seed", sorted({*self._specs["seed"]["_values"], seed}), value=seed)
            self._recompute(changed={"seed"})
            values.pop("seed")
        return super().set(**values) if values else self

    @property
    def state(self) -> dict:
        """Every control's value now, and the start's ``x`` and ``y``."""
        return {**self._knobs, **super().state, "x": self.start[0], "y": self.start[1]}

    def check_start(self, xy):
        return _on_map(self.landscape, xy)

    # ------------------------------------------------------------------ computing
    def _compute(self):
        changed = getattr(self, "_changed", set())
        current = {k: self.get(k) for k in self._specs if self._specs[k]["kind"] not in ("map",)}
        if "landscape" in changed:
            self._name = current["landscape"]
            self._params = dict(get(self._name).params)
            self.landscape = _as_2d(self._name)
            self._mute_set("start", [float(v) for v in self.landscape.starts[0]])
        elif changed & set(self._params):
            params = {k: current[k] for k in self._params}
            try:
                self.landscape = _as_2d(self._name, params)
            except (LandscapeError, ValueError) as e:
                self.note = str(e)
                return
            self._params = params
        if changed & {"optimizer", "landscape", "steps"}:
            for k in KNOBS:
                if k in current:
                    self._knobs[k] = current[k]
            values = {**current, **self._knobs, **self._params, "step": current["steps"]}
            self.declare(*self._controls(values), values=values)
        for k in OPTIMIZER_KNOBS[self.get("optimizer")]:
            self._knobs[k] = self.get(k)
        self.fan = self._run(self.start)
        self.recomputes += 1
        side = self._side_limits([self.fan])
        if changed & {"landscape", "steps", *self._params} or not hasattr(self, "_side"):
            side = self._grown(side, self._reach(side[0]))
        else:
            side = self._grown(self._side, side)
        if side != getattr(self, "_side", None):  # a new map, or runs that leave the loss axis: paint it again
            self._side = side
            self.repaint()
        self._set_layers(*self._layers_for([self.fan], range(self.fan.steps + 1)))

    def _grown(self, side, other):
        """The loss axis that holds both ``side`` and ``other`` (a log axis at most :attr:`depth` deep: lower, a curve
        leaves by the bottom): it only grows while the map stays, so that a new start, optimizer or knob is drawn in
        the browser over the same picture (painting it again costs about half a second, a new fan a few milliseconds)."""
        if other is None or other[0] != side[0]:
            return side
        (lo, hi), (a, b) = side[1], other[1]
        lo, hi = min(lo, a), max(hi, b)
        return side[0], (max(lo, hi * self.depth) if side[0] == "log" else lo, hi)

    def _reach(self, scale):
        """A loss axis that holds the losses at the map's grid of starts (and the widget's own), on ``scale`` (on a log
        axis :attr:`depth` below them): the axis holds them from the first painting, so that a click elsewhere
        on the map rarely paints it again."""
        starts = np.vstack([self.start, self.grid()])
        with np.errstate(all="ignore"):
            v = self.landscape(starts) - (self.landscape.min_value or 0.0)
        v = v[np.isfinite(v) & ((v > 0) if scale == "log" else True)]
        if not v.size:
            return None
        if scale == "log":
            top = float(10 ** np.ceil(np.log10(v.max() * 3)))
            return "log", (top * self.depth, top)
        return "linear", (float(v.min()), float(v.max()))

    def _run(self, start) -> Trajectory:
        opt = _make_optimizer(self.get("optimizer"), self.lrs, self._knobs)
        return run(opt, self.landscape, np.asarray(start, float), int(self.get("steps")), noise=self.get("noise"),
                   seed=int(self.get("seed")), common_noise=True)  # fmt: skip

    def _side_limits(self, fans):
        """The loss axis's scale and limits: whole decades fitted to the runs the sliders reach, not their blow-ups."""
        target = self.landscape.min_value
        with np.errstate(all="ignore"):
            V = np.concatenate([f.values - (target or 0.0) for f in fans], axis=1)
            stopped = np.concatenate([f.stopped for f in fans])
            settled = ~stopped & np.isfinite(V[-1]) & (np.abs(V[-1]) <= np.abs(V[0]) * 10 + 1e-300)
        if target is not None and np.all(V[0] > 0):
            lo, hi = _fit_log_limits(V[:, settled], float(np.max(V[0])))
            return "log", (float(lo), float(hi))
        good = V[:, settled][np.isfinite(V[:, settled])]
        lo, hi = (float(good.min()), float(good.max())) if good.size else (0.0, 1.0)
        pad = 0.05 * (hi - lo or 1.0)
        return "linear", (lo - pad, hi + pad)

    def _figure(self):
        import matplotlib.pyplot as plt

        fig = plt.figure(figsize=self.figsize, dpi=self.dpi)
        ax_map, ax_side = fig.subplots(1, 2, width_ratios=[1.25, 1])
        plot.landscape_map(self.landscape, ax_map, legend=False, title=self.landscape.name)
        self._paint_side(ax_side)
        key = (self.landscape.name, tuple(sorted(self._params.items())), getattr(self, "_side", (None,))[0])
        if getattr(self, "_layout", (None,))[0] == key:  # the same map: the layout found before (tight layout is slow)
            fig.subplots_adjust(**self._layout[1])
        else:
            fig.set_layout_engine("tight")
            fig.canvas.draw()
            p = fig.subplotpars
            self._layout = key, {k: getattr(p, k) for k in ("left", "right", "bottom", "top", "wspace", "hspace")}
            fig.set_layout_engine(None)
        return fig, [ax_map, ax_side]

    def _paint_side(self, ax):
        scale, (lo, hi) = getattr(self, "_side", ("linear", (0.0, 1.0)))
        ax.set(xlabel="step", ylabel="loss - min" if self.landscape.min_value is not None else "loss")
        ax.set_yscale(scale)
        ax.set_ylim(lo, hi)
        ax.set_xlim(0, int(self.get("steps")))

    def _layers_for(self, fans: list[Trajectory], keep) -> tuple[list[dict], dict]:
        """The layers and readout of fans from several starts (a leading "start" dim when there are more than one),
        keeping the points at steps ``keep``."""
        keep = np.asarray(list(keep))
        dims = (["start"] if len(fans) > 1 else []) + ["lr"]
        n = len(keep)
        P = np.stack([np.transpose(f.positions[keep], (1, 0, 2)) for f in fans])  # (starts, runs, n, 2)
        target = self.landscape.min_value or 0.0
        with np.errstate(all="ignore"):
            V = np.stack([(f.values[keep] - target).T for f in fans])  # (starts, runs, n)
        if getattr(self, "_side", ("linear",))[0] == "log":
            V = np.where(V > 0, V, np.nan)
        curve = V  # over the step index (x is the point's index: keep is every step)
        stop = np.stack([np.where(f.stopped, f.stopped_at, f.steps + 1) for f in fans])  # points valid, in steps
        kept = np.searchsorted(keep, stop - 1, side="right")  # points valid, among those kept
        kinds = [[o.kind for o in f.outcomes] for f in fans]
        diverged = np.where(np.array(kinds) == "diverged", kept, n)
        escaped = np.where(np.array(kinds) == "escaped", kept, n)
        if len(fans) == 1:
            P, curve, kept, diverged, escaped = P[0], curve[0], kept[0], diverged[0], escaped[0]
        words = [f"{k} at step {s}" for ks, ss in zip(kinds, stop, strict=True) for k, s in zip(ks, ss, strict=True)]
        starts = np.array([f.positions[0, 0] for f in fans])
        pts = dict(dims=dims, upto="step", n=n)
        layers = [
            layer("line", P, stops=kept, color=self.color, width=LINE, **({"halo": self.halo} if self.halo else {}), **pts),
            layer("dots", starts[:, None, :] if len(fans) > 1 else starts, dims=dims[:-1], color=PATH, fill=False,
                  size=12, edge=PATH),  # fmt: skip                                                               # 1
            layer("head", ref=0, stops=kept, when="running", color=PATH, edge="#000000", size=11, **pts),        # 2
            layer("head", ref=0, stops=diverged, when="stopped", color=GONE, edge="#000000", size=16, marker="x", **pts),
            layer("head", ref=0, stops=escaped, when="stopped", color=GONE, edge="#000000", size=16, marker=">", **pts),
            layer("text", words, stops=kept, when="stopped", at=(0.5, 0.06), color=GONE, font=14, weight="bold",
                  box="#FFFFFF", **pts),  # fmt: skip
        ]
        layers += self._side_layers(fans, curve, kept, dims, n)
        texts = {"dims": dims, "items": [line for f in fans for line in self._describe(f)],
                 "upto": "step", "layer": 6,
                 "partial": ["<br>showing step {step}: " + ("loss - min {y}" if self.landscape.min_value is not None
                                                            else "loss {y}")] * (len(fans) * len(self.lrs))}  # fmt: skip
        return layers, texts

    def _side_layers(self, fans, curve, kept, dims, n):
        pts = dict(dims=dims, upto="step", n=n, axes=1)
        color = plot.color_of(self.get("optimizer")) or "#0072B2"  # the optimizer's colour, as in every figure
        edge = "#FFFFFF" if color == "#000000" else "#000000"
        return [layer("line", curve, stops=kept, color=color, width=2.4, xindex=True, **pts),                     # 6
                layer("head", ref=6, stops=kept, color=color, edge=edge, size=9, **pts)]

    def _describe(self, fan: Trajectory) -> list[str]:
        """The readout of each run of ``fan``, shown whole."""
        with np.errstate(all="ignore"):
            ends = np.nan_to_num(fan.positions[-1], nan=0.0, posinf=1e300, neginf=-1e300)
            lam_s = float(hessian_eig(self.landscape, fan.positions[0, 0])[0][-1])
            lam_e = hessian_eig(self.landscape, ends)[0][:, -1]
        try:
            threshold = float(stability_threshold(self.landscape))
        except LandscapeError:
            threshold = None
        thr = lambda lam: (f"2/&lambda;<sub>max</sub> = {number(2 / lam)}" if lam > 0  # noqa: E731
                           else "it curves down in every direction: no edge")
        conv, finals, outcomes = fan.steps_to(1e-6), fan.final_values, fan.outcomes
        optimizer, noise = self.get("optimizer"), self.get("noise")
        out = []
        for i, lr in enumerate(self.lrs):
            o = outcomes[i]
            tone = {"diverged": "tl-bad", "escaped": "tl-note", "converged": "tl-good"}.get(o.kind, "")
            lines = [f"<b>{fan.name}</b>, lr = {number(lr)}, {fan.steps} steps: <b class='{tone}'>{o.words}</b>"]
            if not fan.stopped[i]:
                reached = f", within 1e-6 of the minimum from step {conv[i]} on" if conv[i] >= 0 else ""
                lines.append(f"final loss {number(finals[i])}{reached}")
            lines.append(f"&lambda;<sub>max</sub> at the start {lam_s:.3g} ({thr(lam_s)}), "
                         f"at the end {lam_e[i]:.3g} ({thr(lam_e[i])})")
            if threshold is not None:
                side = "above" if lr > threshold else "below"
                lines.append(f"lr is {side} 2/&lambda;<sub>max</sub> = {number(threshold)} at the global minimum")
            if optimizer == "SGD":
                lines.append(f"SGD here is gradient descent on a noisy gradient: the noise slider sets it (now {number(noise)}"
                             + (": plain gradient descent)" if noise == 0 else ")"))  # fmt: skip
            out.append("<br>".join(lines))
        return out

    # ------------------------------------------------------------------ a page with no kernel
    def _static_state(self) -> dict:
        """The state for a page with no kernel: the fan from the widget's start and fans from a grid of starts
        (:meth:`Scene._ahead`, within :data:`BUDGET` bytes), so that a click snaps to the nearest start."""
        per_start = len(self.lrs) * (self.fan.steps + 1) * 2 * 3  # a path (x, y) and its loss curve (y), half floats
        return self._ahead(per_start, BUDGET, self.fan, self._run, lambda fans: self._layers_for(fans, range(self.fan.steps + 1)))

    # ------------------------------------------------------------------ what is shown
    @property
    def index(self) -> int:
        """Which run of the fan the learning-rate slider points at."""
        return int(self.value["lr"])

    @property
    def trajectory(self) -> Trajectory:
        """The run drawn now."""
        return self.fan[self.index]

    @property
    def shown(self) -> dict:
        """What the picture shows now: the path drawn on the map, the label over it, the loss curve, the loss axis."""
        label = self.item(self._layers[5])
        return {"path": self.item(self._layers[0]), "label": label or "", "curve": self.item(self._layers[6]),
                "loss_axis": tuple(self.axes[1]["ylim"])}  # fmt: skip

    @property
    def counts(self) -> dict:
        """How often the widget computed a fan (for tests and benchmarks)."""
        return {"recomputes": self.recomputes}


class LRLab(Explorer):
    """One slider sweeps the learning rate: the map shows the path, the sweep plot marks the current lr
    against the stability threshold ``2 / lambda_max`` (dashed) and shades the rates that diverge."""

    depth = 1e-16  # the sweep's final losses reach as deep as its own fit (_side_limits)

    def __init__(self, landscape="ill_conditioned_bowl", optimizer: str = "GD", lr: float = 0.05, steps: int = 200, **kw):
        super().__init__(landscape, optimizer, lr, steps, **kw)

    @property
    def threshold(self) -> float:
        """``2 / lambda_max`` at the global minimum, drawn dashed (NaN where none is declared)."""
        try:
            return float(stability_threshold(self.landscape))
        except LandscapeError:
            return float("nan")

    def _sweep(self, fan):
        v = fan.values
        with np.errstate(all="ignore"):
            diverged = fan.stopped | ~(v[-1] <= v[0])
            loss = np.where(diverged, np.nan, v[-1] - (self.landscape.min_value or 0.0))
        return diverged, loss

    @property
    def diverged(self) -> np.ndarray:
        """Which learning rates of the sweep diverge (or end higher than they start)."""
        return self._sweep(self.fan)[0]

    def _side_limits(self, fans):
        loss = np.concatenate([self._sweep(f)[1] for f in fans])
        good = loss[np.isfinite(loss) & (loss > 0)]
        if not good.size:
            return "log", (1e-16, 1.0)
        hi = float(good.max())
        lo = max(float(good.min()), hi * 1e-16)
        return "log", (float(10 ** np.floor(np.log10(lo))), float(10 ** np.ceil(np.log10(hi * 3))))

    def _paint_side(self, ax):
        scale, (lo, hi) = getattr(self, "_side", ("log", (1e-16, 1.0)))
        ax.set(xscale="log", yscale=scale, xlabel="learning rate", ylabel="final loss - min")
        ax.set_xlim(self.lrs.min(), self.lrs.max())
        ax.set_ylim(lo, hi)
        t = self.threshold
        if np.isfinite(t):
            ax.axvline(t, color="black", ls="--", lw=1.4)
            ax.set_title(rf"$2/\lambda_{{max}}$ = {number(t)} (dashed); diverged: shaded", fontsize=11)
        else:
            ax.set_title("diverged: shaded", fontsize=11)

    def _side_layers(self, fans, curve, kept, dims, n):
        sweeps = [self._sweep(f) for f in fans]
        line = np.stack([np.column_stack([self.lrs, loss]) for _, loss in sweeps])
        band = np.array([[self.lrs[d].min() if d.any() else np.nan, self.lrs.max() * 10] for d, _ in sweeps])
        top = getattr(self, "_side", ("log", (1e-16, 1.0)))[1][1]
        dot = np.stack([np.column_stack([self.lrs, np.where(np.isfinite(loss), loss, top)]) for _, loss in sweeps])
        dot = dot[..., None, :]  # one point per (start,) lr
        lead = dims[:-1]
        if len(fans) == 1:
            line, band, dot = line[0], band[0], dot[0]
        return [layer("band", band, axes=1, dims=lead, color=GONE, alpha=0.15),                                # 6
                layer("line", line, axes=1, dims=lead, color="#0072B2", width=1.7),                               # 7
                layer("dots", line, axes=1, dims=lead, color="#0072B2", size=5),                                  # 8
                layer("vline", self.lrs, axes=1, dims=["lr"], color=GONE, width=2.4),                             # 9
                layer("dots", dot, axes=1, dims=dims, color=GONE, edge="#000000", size=11)]                       # 10

    @property
    def shown(self) -> dict:
        out = {"path": self.item(self._layers[0]), "label": self.item(self._layers[5]) or "",
               "marker": float(self.item(self._layers[9])), "loss_axis": tuple(self.axes[1]["ylim"])}  # fmt: skip
        t = self.threshold
        out["threshold_line"] = t if np.isfinite(t) else None
        return out

    def _layers_for(self, fans, keep):
        layers, texts = super()._layers_for(fans, keep)
        texts = {k: v for k, v in texts.items() if k not in ("upto", "layer", "partial")}  # the sweep has no step curve
        return layers, texts

