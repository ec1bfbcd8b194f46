"""Science viewers: ``GrokkingViewer``, ``SignalPropagation`` and ``TemperedPosterior``, drawn in the browser.

Each computes everything its controls reach when it is made (every control only selects), paints the still part
once with matplotlib and hands the browser its layers (:class:`._scene.Scene`), so a saved page moves them too.
"""

from __future__ import annotations

import html

import numpy as np

from .. import plot
from ..run import number
from ..zoo import get
from ._scene import Scene, control, layer

#: Layer bytes a science viewer may hand the browser (what a lesson's page carries of it).
BUDGET = 1_400_000


def _spread(steps: np.ndarray, k: int) -> np.ndarray:
    """``k`` (or fewer) indices of ``steps``, spread evenly on a log scale (the first and the last always kept)."""
    if k >= len(steps):
        return np.arange(len(steps))
    x = np.log(np.maximum(steps, 1).astype(float))
    picked = [0, len(steps) - 1]
    while len(picked) < k:  # split the widest gap (on the log axis) that has a record inside it
        gaps = [(x[b] - x[a], a, b) for a, b in zip(picked, picked[1:], strict=False) if b - a > 1]
        _, a, b = max(gaps)
        middle = (x[a] + x[b]) / 2
        picked = sorted([*picked, min(range(a + 1, b), key=lambda i: abs(x[i] - middle))])
    return np.array(picked)


class GrokkingViewer(Scene):
    """Sliders over precomputed grokking runs (``nets.grokking``): the weight decay picks a run, the step a moment.

    ``set(weight_decay=0.3, step=400)`` drives it from code; ``readout`` says what is shown.

    Left, every run's test accuracy (faint) and the chosen run's train accuracy (dashed), test
    accuracy (solid) and frequency purity (dotted), with the step marked; right, the chosen run's
    hidden neurons' spectra at that step (one row per neuron, sorted by the frequency it ends on).

    The step slider offers the recorded steps, or, where every run's spectra at every record would be more than the
    browser's budget (1.4 MB of float32), ``records`` of them spread evenly on the log axis (the curves keep every
    record). ``records`` may also be given.
    """

    figsize = (11.0, 4.2)

    def __init__(self, runs, *, records: int | None = None):
        runs = [runs] if not isinstance(runs, (list, tuple)) else list(runs)
        if not runs:
            raise ValueError("GrokkingViewer needs at least one run of nets.grokking")
        steps = runs[0].steps
        if any(r.steps.shape != steps.shape or np.any(r.steps != steps) for r in runs):
            raise ValueError("the runs must be recorded at the same steps: make them in one nets.grokking call "
                             "(weight_decay=[...]) without stop_at")  # fmt: skip
        decays = [r.weight_decay for r in runs]
        if len(set(decays)) != len(decays):
            raise ValueError(f"each run needs its own weight decay; got {decays}")
        one = 4 * int(np.prod(runs[0].spectra.shape[1:]))  # bytes of one spectra image
        fits = max(2, BUDGET // (one * len(runs)))
        if records is not None:
            if isinstance(records, bool) or not isinstance(records, (int, np.integer)) or records < 2:
                raise ValueError(f"records must be a whole number of at least 2 (the first and the last); got {records!r}")
            fits = int(records)
        super().__init__()
        self.runs, self.steps = runs, steps
        self.shown = _spread(steps, fits)  # the records the step slider offers
        self._spectra = [r.spectra[self.shown][:, plot.neuron_order(r)] for r in runs]
        shown_steps = [int(s) for s in steps[self.shown]]
        specs = []
        if len(runs) > 1:
            specs.append(control("weight_decay", decays, label="weight decay", labels=[number(d) for d in decays]))
        specs.append(control("step", shown_steps, label="step"))
        self.declare(*specs, values={"step": shown_steps[0], **({"weight_decay": decays[0]} if len(runs) > 1 else {})})
        self.repaint()
        self._compute()

    def coerce(self, name, value):
        if name == "step":
            allowed = [int(s) for s in self.steps[self.shown]]
            if isinstance(value, bool) or not isinstance(value, (int, float, np.number)) or value not in allowed:
                raise ValueError(f"step must be one of {', '.join(map(str, allowed))}; got {value!r}")
            return int(value)
        return value

    def _figure(self):
        import matplotlib as mpl
        import matplotlib.pyplot as plt

        fig = plt.figure(figsize=self.figsize, dpi=self.dpi, layout="constrained")
        ax, ax_spec = fig.subplots(1, 2, width_ratios=[1.25, 1])
        x = np.maximum(self.steps, 1)
        if len(self.runs) > 1:
            for r in self.runs:
                ax.plot(x, r.test_accuracy, color="#BBBBBB", lw=1.2)
        color = plot.PALETTE[5]
        for ls, label, c in (("--", "train accuracy", color), ("-", "test accuracy", color),
                             (":", "frequency purity", plot.PALETTE[2])):  # fmt: skip
            ax.plot([], [], ls, color=c, lw=2, label=label)
        ax.set_xscale("log")
        decades = [10**e for e in range(int(np.log10(x[-1])) + 1)]
        ax.set_xticks(decades, ["0" if d == 1 else str(d) for d in decades])  # step 0 sits where step 1 would
        ax.minorticks_off()
        ax.set(xlim=(x[0], x[-1]), ylim=(-0.02, 1.02), xlabel="step (log scale)",
               title="accuracy (grey: the other weight decays)" if len(self.runs) > 1 else "accuracy")  # fmt: skip
        plot.legend_below(ax, ncol=3)
        neurons, freqs = self._spectra[0].shape[1:]
        ax_spec.set(xlim=(-0.5, freqs - 0.5), ylim=(-0.5, neurons - 0.5), xlabel="frequency k", yticks=[],
                    ylabel="hidden neuron (sorted by final frequency)", title="each neuron's power per frequency")  # fmt: skip
        bar = mpl.cm.ScalarMappable(norm=mpl.colors.Normalize(0, 1), cmap="magma")
        fig.colorbar(bar, ax=ax_spec, shrink=0.85, label="share of power")
        return fig, [ax, ax_spec]

    def _compute(self):
        x = np.maximum(self.steps, 1).astype(float)
        color = plot.PALETTE[5]
        dims = ["weight_decay"] if len(self.runs) > 1 else []

        def curve(what):  # (runs, records, 2), or (records, 2) with one run and no weight decay control
            xy = np.stack([np.stack([x, getattr(r, what)], -1) for r in self.runs])
            return xy if dims else xy[0]

        spectra = np.stack(self._spectra) if dims else self._spectra[0]
        neurons, freqs = spectra.shape[-2:]
        shown = np.maximum(self.steps[self.shown], 1).astype(float)
        texts = [self._say(r, int(i)) for r in self.runs for i in self.shown]
        self._set_layers([
            layer("image", spectra, axes=1, dims=[*dims, "step"], cmap="magma", vmin=0, vmax=1, smooth=False,
                  extent=[-0.5, freqs - 0.5, -0.5, neurons - 0.5], origin="upper"),
            layer("line", curve("train_accuracy"), dims=dims, color=color, width=2, dash=[7, 4]),
            layer("line", curve("test_accuracy"), dims=dims, color=color, width=2),
            layer("line", curve("purity"), dims=dims, color=plot.PALETTE[2], width=2.2, dash=[2, 3]),
            layer("vline", shown, dims=["step"], color="black", width=1.2),
        ], {"dims": [*dims, "step"], "items": texts})  # fmt: skip

    @staticmethod
    def _say(r, i: int) -> str:
        return (f"weight decay {number(r.weight_decay)}, step {int(r.steps[i])}: train accuracy "
                f"{r.train_accuracy[i]:.0%}, test accuracy {r.test_accuracy[i]:.0%}, "
                f"frequency purity {r.purity[i]:.2f}")  # fmt: skip

    @property
    def run(self):
        """The run shown now."""
        if len(self.runs) == 1:
            return self.runs[0]
        return self.runs[int(self.value["weight_decay"])]

    @property
    def index(self) -> int:
        """The record shown now (an index into ``steps`` and the run's arrays)."""
        return int(self.shown[int(self.value["step"])])

    @property
    def spectra(self) -> np.ndarray:
        """The image shown now: the run's neurons (sorted by final frequency) x frequencies at the step."""
        k = 0 if len(self.runs) == 1 else int(self.value["weight_decay"])
        return self._spectra[k][int(self.value["step"])]


class SignalPropagation(Scene):
    """A slider over the weight variance of a deep random network: how two inputs' correlation and the gradient's
    size change with depth, measured in one random network (dots) against the mean-field theory (lines).

    Every value the slider offers is computed when the widget is made, so dragging is instant (also on a saved page).
    """

    figsize = (9.6, 4.0)

    def __init__(self, sigma_b2: float = 0.05, values=None, *, depth: int = 30, width: int = 300,
                 activation: str = "tanh", c0s=(0.1, 0.5, 0.9), seed: int = 0):  # fmt: skip
        from ..nets import criticality as C

        edge = float(C.critical_sigma_w2(sigma_b2, activation))
        values = sorted({0.5, 0.75, 1.0, 1.25, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, round(edge, 3)}
                        if values is None else {float(v) for v in values})  # fmt: skip
        self_depth = int(depth)
        theory, measured, grad, chi, xi = {}, {}, {}, {}, {}
        for w in values:
            theory[w] = C.correlation_curve(np.array(c0s), depth, w, sigma_b2, activation)
            m = C.propagate(w, sigma_b2, c0=np.array(c0s), depth=depth, width=width, activation=activation, seed=seed)
            measured[w] = m.c
            grad[w] = m.grad / m.grad[-1]
            chi[w], xi[w] = float(C.chi1(w, sigma_b2, activation)), float(C.depth_scale(w, sigma_b2, activation))
        super().__init__()
        self.sigma_b2, self.depth, self.activation, self.c0s = float(sigma_b2), self_depth, activation, tuple(c0s)
        self.layer_index = np.arange(self_depth + 1)
        self._theory, self._measured, self._grad, self._chi, self._xi = theory, measured, grad, chi, xi
        self.values, self.edge = values, edge
        start = min(values, key=lambda v: abs(v - 1.0))
        self.declare(control("sigma_w2", values, label="σ_w²", labels=[number(v) for v in values]), values={"sigma_w2": start})
        self.repaint()
        self._compute()

    def _figure(self):
        import matplotlib.pyplot as plt

        fig = plt.figure(figsize=self.figsize, dpi=self.dpi, layout="constrained")
        ax, ax_g = fig.subplots(1, 2)
        for k, c in enumerate(self.c0s):
            ax.plot([], [], color=plot.VARIANT_COLORS[k], lw=2, label=f"from c = {c:g}")
        ax.set(xlim=(0, self.depth), ylim=(-0.05, 1.05), xlabel="layer", ylabel="correlation of two inputs",
               title="correlations (lines: theory, dots: one network)")  # fmt: skip
        plot.legend_below(ax, ncol=3)
        ax_g.plot([], [], "o", color=plot.PALETTE[5], ms=4, label="measured")
        ax_g.plot([], [], color="black", lw=1.5, label=r"theory $\chi_1^{\,depth - layer}$")
        ax_g.set_yscale("log")
        ax_g.set(xlim=(0, self.depth), ylim=(1e-9, 1e9), xlabel="layer",
                 ylabel="gradient size (squared, last layer = 1)", title="gradients, back-propagated")  # fmt: skip
        plot.legend_below(ax_g, ncol=2)
        return fig, [ax, ax_g]

    def _compute(self):
        x = self.layer_index.astype(float)
        layers = []
        for k in range(len(self.c0s)):
            color = plot.VARIANT_COLORS[k]
            layers.append(layer("line", [np.stack([x, self._theory[w][:, k]], -1) for w in self.values], dims=["sigma_w2"],
                                color=color, width=2))  # fmt: skip
            layers.append(layer("dots", [np.stack([x, self._measured[w][:, k]], -1) for w in self.values], dims=["sigma_w2"],
                                color=color, size=6, edge="white"))  # fmt: skip

        def positive(v):  # a gradient of 0 has no place on the log axis: it is left out, as matplotlib does
            v = np.asarray(v, dtype=float)
            return np.where(v > 0, np.clip(v, 1e-30, 1e30), np.nan)

        grads = [np.stack([x[1:], positive(self._grad[w])], -1) for w in self.values]
        theory = [np.stack([x[1:], positive(self._chi[w] ** (self.depth - x[1:]))], -1) for w in self.values]
        layers.append(layer("dots", grads, axes=1, dims=["sigma_w2"], color=plot.PALETTE[5], size=6))
        layers.append(layer("line", theory, axes=1, dims=["sigma_w2"], color="black", width=1.5))
        self._set_layers(layers, {"dims": ["sigma_w2"], "items": [self._say(w) for w in self.values]})

    def _say(self, w: float) -> str:
        chi, xi = self._chi[w], self._xi[w]
        phase = "on the edge of chaos" if abs(w - self.edge) < 1e-3 else ("ordered" if chi < 1 else "chaotic")
        return (f"σ_w² = {number(w)}, σ_b² = {number(self.sigma_b2)}: χ₁ = {chi:.3f} ({phase}); correlations "
                f"live about ξ = {'∞' if not np.isfinite(xi) or xi > 1e4 else f'{xi:.1f}'} layers")  # fmt: skip

    @property
    def sigma_w2(self) -> float:
        """The weight variance shown now."""
        return float(self.get("sigma_w2"))

    @property
    def theory(self) -> np.ndarray:
        """The mean-field correlations shown now, ``(depth + 1, len(c0s))``."""
        return self._theory[self.sigma_w2]

    @property
    def measured(self) -> np.ndarray:
        """The one network's correlations shown now, ``(depth + 1, len(c0s))``."""
        return self._measured[self.sigma_w2]


class TemperedPosterior(Scene):
    """A choice of minimum and a slider over the inverse temperature ``n_beta``: where the tempered posterior of a
    learning-coefficient estimate puts its weight (left, over the landscape's map) and the estimate at every
    temperature (right, the known value as a line). One tempered run per minimum, computed when the widget is made.

    ``cases`` maps a name to ``(landscape, minimum, known lambda or None)``; the default is the bowl, the hyperbola
    and the cross. ``records`` may give estimates already made (``tl.learning_coefficient``) for some of the names.
    Every map is drawn over the bounds that hold all of the landscapes' (so one pair of axes serves them all), and at
    most ``dots`` draws per temperature go to the browser (evenly thinned), which keeps its data near 0.5 MB.
    """

    figsize = (9.6, 4.2)

    def __init__(self, cases: dict | None = None, *, records: dict | None = None, n_beta: float = 1e4, draws: int = 1000,
                 chains: int = 8, seed: int = 0, dots: int = 1500):  # fmt: skip
        from ..degeneracy import learning_coefficient

        if cases is None:
            cases = {"bowl": (get("bowl"), (0.0, 0.0), 1.0), "hyperbola": (get("hyperbola"), (1.0, 1.0), 0.5),
                     "cross": (get("cross"), (0.0, 0.0), 0.5)}  # fmt: skip
        if not isinstance(cases, dict) or not cases or any(len(c) != 3 or c[0].dim != 2 for c in cases.values()):
            raise ValueError("cases must map names to (2-D landscape, minimum, known lambda or None)")
        if isinstance(dots, bool) or not isinstance(dots, (int, np.integer)) or dots < 1:
            raise ValueError(f"dots must be a whole number of draws >= 1; got {dots!r}")
        records = dict(records or {})
        made = {name: records[name] if name in records else
                learning_coefficient(L, at, n_beta=n_beta, draws=draws, chains=chains, seed=seed)
                for name, (L, at, _) in cases.items()}  # fmt: skip
        ladder = next(iter(made.values())).n_betas
        if any(len(r.n_betas) != len(ladder) or not np.allclose(r.n_betas, ladder) for r in made.values()):
            raise ValueError("the records must share one ladder of n_beta (the same n_beta, the tempered sampler)")
        super().__init__()
        self.cases, self.records, self.ladder, self.n_dots = dict(cases), made, np.asarray(ladder, float), int(dots)
        bounds = np.array([np.asarray(L.bounds, float)[:2] for L, _, _ in self.cases.values()])
        self.bounds = np.array([[bounds[:, 0, 0].min(), bounds[:, 0, 1].max()], [bounds[:, 1, 0].min(), bounds[:, 1, 1].max()]])
        names = list(self.cases)
        self.declare(control("minimum", names, label="minimum", kind="select"),
                     control("n_beta", [float(v) for v in ladder], label="nβ", labels=[number(v) for v in ladder]),
                     values={"minimum": names[0], "n_beta": float(ladder[np.argmin(np.abs(np.log(ladder / 100)))])})  # fmt: skip
        self.repaint()
        self._compute()

    @property
    def record(self):
        """The estimate of the minimum shown now."""
        return self.records[self.get("minimum")]

    @property
    def rung(self) -> int:
        """The rung of the ladder shown now."""
        return int(self.value["n_beta"])

    @property
    def draws(self) -> np.ndarray:
        """The draws shown now (at most ``dots`` of them, evenly thinned), ``(k, 2)``."""
        return self._thin(self.record.samples[self.rung])

    def _thin(self, samples) -> np.ndarray:
        samples = np.asarray(samples)[:, :2]
        if len(samples) <= self.n_dots:
            return samples
        return samples[np.linspace(0, len(samples) - 1, self.n_dots).round().astype(int)]

    def _top(self) -> float:
        known = [k for _, _, k in self.cases.values() if k is not None]
        return max(1.1 * max([max(float(np.nanmax(r.curve)), 0.0) for r in self.records.values()] + known), 0.1)

    def _figure(self):
        import matplotlib as mpl
        import matplotlib.pyplot as plt
        from matplotlib.lines import Line2D

        fig = plt.figure(figsize=self.figsize, dpi=self.dpi, layout="constrained")
        ax, ax_c = fig.subplots(1, 2, width_ratios=(1, 1.15))
        (x0, x1), (y0, y1) = self.bounds
        ax.set(xlim=(x0, x1), ylim=(y0, y1), xlabel="$w_1$", ylabel="$w_2$", title="where the tempered posterior lies")
        cb = fig.colorbar(mpl.cm.ScalarMappable(cmap="viridis"), ax=ax, shrink=0.85, label="loss (each map its own levels)")
        cb.set_ticks([0, 1], labels=["low", "high"])
        for r in self.records.values():
            ax_c.plot(r.n_betas, r.curve, color="#BBBBBB", lw=1.2)
        ax_c.set(xscale="log", xlabel=r"inverse temperature $n\beta$", ylabel=r"estimate $\hat\lambda$",
                 xlim=(self.ladder[0] / 1.5, self.ladder[-1] * 1.5), ylim=(0, self._top()),
                 title="the estimate at each temperature")  # fmt: skip
        handles = [Line2D([], [], color=plot.PALETTE[5], marker="o", ms=4, lw=1.8), Line2D([], [], color="black", lw=1.2),
                   Line2D([], [], color="#D55E00", marker="o", ls="none", ms=3)]  # fmt: skip
        plot.legend_below(ax_c, handles, ["estimate", "true λ", "draws (left)"], ncol=3)
        return fig, [ax, ax_c]

    def _map(self, L, n: int = 120) -> np.ndarray:
        """The landscape's filled-contour levels over the common bounds, as 0..1 (one colour per level)."""
        X, Y, Z = L.grid(n, self.bounds)
        lv, _ = plot.levels_for(Z, 24, L.log_scale)
        return np.clip(np.digitize(Z, lv) - 1, 0, len(lv) - 2) / max(len(lv) - 2, 1)

    def _compute(self):
        names = list(self.cases)
        (x0, x1), (y0, y1) = self.bounds
        maps = np.stack([self._map(L) for L, _, _ in self.cases.values()])
        thinned = [[self._thin(self.records[m].samples[k]) for k in range(len(self.ladder))] for m in names]
        n = max(len(d) for row in thinned for d in row)
        draws = np.full((len(names), len(self.ladder), n, 2), np.nan)
        for i, row in enumerate(thinned):
            for k, d in enumerate(row):
                draws[i, k, : len(d)] = d
        at = np.array([[np.asarray(a, float)[:2]] for _, a, _ in self.cases.values()])
        curves = np.stack([np.stack([self.records[m].n_betas, self.records[m].curve], -1) for m in names])
        known = np.array([np.nan if k is None else float(k) for _, _, k in self.cases.values()])
        marker = curves[:, :, None, :]  # (minimum, rung, 1, 2)
        texts = []
        for m in names:
            truth = f" (true λ = {number(self.cases[m][2])})" if self.cases[m][2] is not None else ""
            r = self.records[m]
            texts += [f"{html.escape(m)} at nβ = {number(r.n_betas[k])}: estimate {r.curve[k]:.3f}{truth}"
                      for k in range(len(self.ladder))]
        self._set_layers([
            layer("image", maps, dims=["minimum"], cmap="viridis", vmin=0, vmax=1, extent=[x0, x1, y0, y1], origin="lower"),
            layer("dots", draws, dims=["minimum", "n_beta"], color="#D55E00", size=3, alpha=0.7),
            layer("dots", at, dims=["minimum"], marker="x", color="black", size=8, z=2.5),  # under the draws: a tight cloud shows
            layer("hline", known, axes=1, dims=["minimum"], color="black", width=1.2),
            layer("line", curves, axes=1, dims=["minimum"], color=plot.PALETTE[5], width=1.8),
            layer("dots", curves, axes=1, dims=["minimum"], color=plot.PALETTE[5], size=6),
            layer("dots", marker, axes=1, dims=["minimum", "n_beta"], color="black", size=14, fill=False),
        ], {"dims": ["minimum", "n_beta"], "items": texts})  # fmt: skip
