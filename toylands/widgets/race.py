"""``Race``: several optimizers from one start, each with its own learning rate, played together in the browser."""

from __future__ import annotations

import numpy as np

from .. import optim, plot
from ..landscape import LandscapeError
from ..run import Trajectory, _seed, number, race
from ._base import KNOBS, LR_VALUES, _as_2d, _make_optimizer, _on_map
from ._scene import Scene, control, layer
from .explorer import BUDGET, NOISES, STEPS, _nearest, _number, _whole

DASHES = {"-": [], "--": [7, 4], ":": [2, 3], "-.": [7, 3, 2, 3]}


class Race(Scene):
    """Several optimizers from the same start, each with its own learning rate, played together.

    The step slider and the play button move through the computed runs in the browser. Each optimizer's learning
    rate, the number of steps and the noise ask the kernel for new runs; so does a click or a drag on the map, which
    moves the start. Paths drawn earlier are drawn wider, so a path that another follows stays visible under it.
    ``race.set(**{"lr Adam": 0.01}, step=100)``, ``race.results``, ``race.shown``, ``race.readout``.
    """

    figsize = (11.0, 4.6)

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
        super().__init__()
        self.landscape = _as_2d(landscape)
        self.names = list(optimizers)
        self.seed = _seed(seed)
        values = {f"lr {n}": self.coerce(f"lr {n}", lr) for n, lr in optimizers.items()}
        values.update(steps=self.coerce("steps", steps), noise=self.coerce("noise", noise))
        values["step"] = values["steps"]
        self.start = [float(v) for v in (self.landscape.starts[0] if start is None else _on_map(self.landscape, start))]
        dummy = {n: Trajectory(np.zeros((1, 1, 2)), self.landscape, n) for n in self.names}
        self.styles = plot.run_styles(dummy)
        self.declare(*self._controls(values["steps"]), values=values)
        self._compute()

    def _controls(self, steps):
        lrs = [float(v) for v in LR_VALUES]
        c = [control(f"lr {n}", lrs, labels=[number(v) for v in lrs], kernel=True) for n in self.names]
        c += [control("steps", STEPS if steps in STEPS else sorted({*STEPS, steps}), kernel=True),
              control("noise", NOISES, labels=[number(v) for v in NOISES], kernel=True),
              control("play", [0], kind="play", target="step"),
              control("step", list(range(steps + 1))),
              control("start", ["start"], kind="map", axes=0)]  # fmt: skip
        return c

    def coerce(self, name, value):
        if name.startswith("lr "):
            from ._base import _valid_lr

            return float(_nearest([float(v) for v in LR_VALUES], _valid_lr(name, value), log=True))
        if name == "steps":
            return _whole("steps", value, 10, 3000)
        if name == "step":
            return _whole("step", value, 0, len(self._specs["step"]["options"]) - 1)
        if name == "noise":
            optim.per_run("noise", value)
            return float(_nearest(NOISES, min(max(_number("noise", value), 0.0), 5.0)))
        return value

    def check_start(self, xy):
        return _on_map(self.landscape, xy)

    # ------------------------------------------------------------------ computing
    def _run(self, start) -> dict[str, Trajectory]:
        opts = {n: _make_optimizer(n, self.get(f"lr {n}"), {k: KNOBS[k][0] for k in KNOBS}) for n in self.names}
        return race(opts, self.landscape, np.asarray(start, float), int(self.get("steps")), noise=self.get("noise"),
                    seed=self.seed)  # fmt: skip

    def _compute(self):
        changed = getattr(self, "_changed", set())
        if "steps" in changed:
            steps = int(self.get("steps"))
            values = {k: self.get(k) for k in self._specs if self._specs[k]["kind"] not in ("map", "play")}
            self.declare(*self._controls(steps), values={**values, "step": steps})
        self.results = self._run(self.start)
        limits = self._limits([self.results])
        if not hasattr(self, "_side") or limits != self._side:
            self._side = limits
            self.repaint()
        self._set_layers(*self._layers_for([self.results]))

    def _limits(self, races):
        target = self.landscape.min_value
        with np.errstate(all="ignore"):
            v = np.concatenate([(tr.values[: (int(tr.stopped_at[0]) if tr.stopped[0] else tr.steps + 1), 0] - (target or 0.0))
                                for r in races for tr in r.values()])  # fmt: skip
        v = v[np.isfinite(v)]
        if target is not None and (v > 0).any():
            good = v[v > 0]
            hi = float(good.max())
            lo = max(float(good.min()), hi * 1e-16)
            return "log", (float(10 ** np.floor(np.log10(lo))), float(10 ** np.ceil(np.log10(hi * 3))))
        if not v.size:
            return "linear", (0.0, 1.0)
        pad = 0.05 * float(np.ptp(v)) + 1e-9
        return "linear", (float(v.min()) - pad, float(v.max()) + pad)

    def _figure(self):
        import matplotlib.pyplot as plt
        from matplotlib.lines import Line2D

        fig = plt.figure(figsize=self.figsize, dpi=self.dpi)
        ax_map, ax_loss = fig.subplots(1, 2, width_ratios=[1.25, 1])
        plot.landscape_map(self.landscape, ax_map, legend=False, title=self.landscape.name)
        pt = 72 / self.dpi
        handles = [Line2D([], [], color=s.color, ls=s.linestyle, lw=self._width(i) * pt, path_effects=plot.halo(s.color))
                   for i, s in enumerate(self.styles)]
        plot.legend_below(ax_map, handles, self.names, ncol=min(4, len(self.names)))
        scale, (lo, hi) = self._side
        ax_loss.set(xlabel="step", ylabel="loss - min" if self.landscape.min_value is not None else "loss")
        ax_loss.set_yscale(scale)
        ax_loss.set_ylim(lo, hi)
        ax_loss.set_xlim(0, int(self.get("steps")))
        fig.set_layout_engine("tight")
        return fig, [ax_map, ax_loss]

    def _width(self, i) -> float:
        """Earlier paths are wider: one that a later path follows shows on both sides of it."""
        return 2.4 + 1.8 * (len(self.names) - 1 - i)

    def _layers_for(self, races: list[dict]):
        many = len(races) > 1
        dims = ["start"] if many else []
        target = self.landscape.min_value or 0.0
        layers = []
        for i, (name, style) in enumerate(zip(self.names, self.styles, strict=True)):
            P = np.stack([r[name].positions[:, 0] for r in races])  # (starts, n, 2)
            with np.errstate(all="ignore"):
                V = np.stack([r[name].values[:, 0] - target for r in races])
            if self._side[0] == "log":
                V = np.where(V > 0, V, np.nan)
            stops = np.array([int(r[name].stopped_at[0]) if r[name].stopped[0] else r[name].steps + 1 for r in races])
            if not many:
                P, V, stops = P[0], V[0], stops[0]
            curve = "#000000" if style.color.upper() == "#FFFFFF" else style.color
            halo = "#000000" if style.color.upper() in ("#FFFFFF", "#F0E442") else "#FFFFFF"
            pts = dict(dims=dims, upto="step", n=P.shape[-2], stops=stops)
            k, dash = len(layers), DASHES.get(style.linestyle, [])
            layers += [layer("line", P, color=style.color, width=self._width(i), halo=halo, dash=dash, **pts),
                       layer("head", ref=k, color=style.color, edge="#000000", size=11, **pts),
                       layer("line", V, axes=1, color=curve, width=1.8, dash=dash, xindex=True, **pts)]
        steps = int(self.get("steps"))
        layers.append(layer("vline", np.arange(steps + 1, dtype=float), axes=1, dims=["step"], color="#D55E00", width=1.6))
        starts = np.array([r[self.names[0]].positions[0, 0] for r in races])
        layers.append(layer("dots", starts[:, None, :] if many else starts, dims=dims, color="#FFFFFF", fill=False,
                            edge="#FFFFFF", size=12))  # fmt: skip
        texts = {"dims": dims, "items": ["; ".join(f"{n}: {r[n].outcomes[0].words}" for n in self.names) for r in races]}
        return layers, texts

    def _static_state(self) -> dict:
        """For a page with no kernel: the race from a grid of starts too (:meth:`Scene._ahead`, within the budget),
        so that a click snaps to the nearest start."""
        per_start = len(self.names) * (int(self.get("steps")) + 1) * 2 * 3  # path (x, y) and loss (y), half floats
        return self._ahead(per_start, BUDGET, self.results, self._run, self._layers_for)

    @property
    def shown(self) -> dict:
        """The path and head drawn for each optimizer, up to the step slider's step."""
        return {n: {"path": self.item(self._layers[3 * i]), "head": np.ravel(self.item(self._layers[3 * i + 1]))}
                for i, n in enumerate(self.names)}  # fmt: skip
