"""Science viewers: ``GrokkingViewer``, ``SignalPropagation`` and ``TemperedPosterior``."""

from __future__ import annotations


import ipywidgets as W
import numpy as np

from .. import plot
from ..run import number
from ..stage import Stage
from ._base import _Widget
from ..zoo import get


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
        from ..nets import criticality as C

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
        from ..degeneracy import learning_coefficient

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
