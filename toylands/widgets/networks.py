"""Network views on :class:`Scene`: ``NetworkPath``, ``SkipConnections`` and ``Pruning``.

Each computes, when it is made, everything its slider can reach (the pictures of what the network computes, the
gradient norms, the pruned networks), so the browser redraws with no kernel, also on a saved page.
"""

from __future__ import annotations

import numpy as np

from .. import optim, plot
from ..landscape import LandscapeError
from ..run import number
from ._base import _grid
from ._scene import Scene, control, layer

#: Layer bytes a network view may hold (its float32 pictures), so a lesson's page stays light.
BUDGET = 1_400_000


def _point_layers(L, axes: int) -> list[dict]:
    """The test points of a two-input classifier, one ``dots`` layer per class (drawn over the pictures)."""
    X, y = L.data.X_test, L.data.y_test
    k = max(1, L.data.n_classes - 1)
    out = []
    for c in np.unique(y):
        rgba = plot.POINT_CMAP(float(c) / k)
        color = "#{:02x}{:02x}{:02x}".format(*(int(round(255 * v)) for v in rgba[:3]))
        out.append(layer("dots", X[y == c], axes=axes, color=color, edge="#ffffff", size=5))
    return out


def _faded(alpha: float = 0.75):
    """``plot.CLASS_CMAP`` at ``alpha`` over white, opaque: the pictures are drawn on the axes' white, and an opaque
    map draws the same in the browser and in matplotlib (scene.js applied an image's alpha twice)."""
    import matplotlib.colors as mcolors

    rgb = plot.CLASS_CMAP(np.linspace(0, 1, 256))[:, :3]
    return mcolors.ListedColormap(alpha * rgb + (1 - alpha), name="toylands_classes_faded")


def _picture(L, ax, extent):
    ax.set_xlim(extent[0], extent[1])
    ax.set_ylim(extent[2], extent[3])
    ax.set(xlabel="input 1")


class NetworkPath(Scene):
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
      n_grid: points a side of each picture; default the most, up to 90, whose pictures (one per path and point)
        fit in 1.4 MB of float32 (41 points of one path: 90; three paths of 41: 53).
    """

    figsize = (11.0, 4.4)

    def __init__(self, L, paths, at=None, *, label: str = "t", plane=None, n_grid: int | None = None):
        from ..nets import accuracy
        from ..nets.views import Plane

        super().__init__()
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
        pictures = n * len(self.paths)
        if n_grid is None:
            n_grid = int(max(8, min(90, np.sqrt(BUDGET / 4 / pictures))))
        self.n_grid = n_grid = _grid("n_grid", n_grid, L, pictures)
        grid, self.extent = plot._input_grid(L, n_grid)
        self._images = {k: plot.class_probability(L, v, grid).reshape(n, n_grid, n_grid) for k, v in self.paths.items()}
        self._loss = {k: np.asarray(L(v)) for k, v in self.paths.items()}
        self._test_accuracy = {k: accuracy(L, v, test=True) for k, v in self.paths.items()}
        self._colors = {name: plot.VARIANT_COLORS[i % len(plot.VARIANT_COLORS)] for i, name in enumerate(self.paths)}
        self._xy = {name: plane.coordinates(t) for name, t in self.paths.items()} if plane is not None else None
        specs = []
        if len(self.paths) > 1:
            specs.append(control("path", list(self.paths), label="path", kind="select"))
        specs.append(control("at", list(range(n)), label=label, labels=[number(a) for a in self.at]))
        self.declare(*specs)
        self.repaint()
        self._compute()

    @property
    def dims(self) -> list[str]:
        return ["path", "at"] if len(self.paths) > 1 else ["at"]

    def _figure(self):
        import matplotlib.pyplot as plt

        fig = plt.figure(figsize=self.figsize, dpi=self.dpi)
        ax_net, ax_where = fig.subplots(1, 2, width_ratios=[1, 1.15])
        _picture(self.L, ax_net, self.extent)
        ax_net.set(ylabel="input 2", title="what the network computes (test points)")
        if self.plane is not None:
            plot.landscape_map(self.plane, ax_where, n=61, legend=False, title=self.plane.name.split(":")[0])
            for i, (name, xy) in enumerate(self._xy.items()):
                c = self._colors[name]
                ax_where.plot(xy[:, 0], xy[:, 1], color=c, lw=self._width(i), ls=plot.LINESTYLES[i % 4], label=name,
                              path_effects=plot.halo(c))  # fmt: skip
            plot.legend_below(ax_where)
        else:
            for i, name in enumerate(self.paths):
                ax_where.plot(self.at, self._loss[name], color=self._colors[name], lw=self._width(i),
                              ls=plot.LINESTYLES[i % 4], label=name)  # fmt: skip
            ax_where.set(xlabel=self.label, ylabel="training loss", title="the loss along the path")
            losses = np.concatenate(list(self._loss.values()))
            if np.all(losses > 0) and losses.max() > 100 * losses.min():  # a story over decades reads on a log axis
                ax_where.set_yscale("log")
            if len(self.paths) > 1:
                plot.legend_below(ax_where, ncol=min(len(self.paths), 3))
        fig.set_layout_engine("tight")
        fig.canvas.draw()  # the layout, then the limits it settled on, fixed
        fig.set_layout_engine("none")
        ax_where.set_xlim(ax_where.get_xlim())
        ax_where.set_ylim(ax_where.get_ylim())
        return fig, [ax_net, ax_where]

    def _width(self, i: int) -> float:
        """Earlier paths are drawn wider and solid, later ones thinner and dashed on top: paths that coincide stay
        visible (a straight line and a curve that meet it, say)."""
        return 2.0 + 1.5 * (len(self.paths) - 1 - i)

    def _compute(self):
        k = max(1, self.L.data.n_classes - 1)
        images = np.stack([self._images[name] for name in self.paths]) if len(self.paths) > 1 else self._images[self.path]
        layers = [layer("image", images, axes=0, dims=self.dims, cmap=_faded(), vmin=0, vmax=k,
                        smooth=True, extent=list(map(float, self.extent)), origin="lower")]  # fmt: skip
        layers += _point_layers(self.L, 0)
        if self.plane is None:
            layers.append(layer("vline", self.at, axes=1, dims=["at"], color="#808080", width=1.2))
        for name in self.paths:
            xy = self._xy[name] if self.plane is not None else np.stack([self.at, self._loss[name]], -1)
            layers.append(layer("dots", xy[:, None], axes=1, dims=["at"], color=self._colors[name], edge="#000000",
                                size=10 if self.plane is not None else 9))  # fmt: skip
        names = list(self.paths) if len(self.paths) > 1 else [self.path]
        items = [self._text(name, i) for name in names for i in range(len(self.at))]
        self._set_layers(layers, {"dims": self.dims, "items": items})

    def _text(self, name, i) -> str:
        return (f"<b>{name}</b>, {self.label} = {number(self.at[i])}: training loss {number(self._loss[name][i])}, "
                f"test accuracy {self._test_accuracy[name][i]:.0%}")  # fmt: skip

    def coerce(self, name, value):
        if name == "at":  # a value of the slider (a step, a t), not its position
            hits = np.flatnonzero(np.isclose(self.at, float(value), rtol=1e-9, atol=1e-12))
            if not len(hits):
                ends = f"{number(self.at[0])} .. {number(self.at[-1])}"
                shown = ", ".join(number(a) for a in self.at) if len(self.at) <= 20 else ends
                raise ValueError(f"{self.label} must be one of the path's values {shown}; got {value!r}")
            return int(hits[0])
        return value

    @property
    def index(self) -> int:
        """The position of the point shown along the path (0 .. n - 1)."""
        return int(self.value["at"])

    @property
    def path(self) -> str:
        return self.get("path") if "path" in self._specs else next(iter(self.paths))

    @property
    def theta(self) -> np.ndarray:
        """The parameter vector shown now."""
        return self.paths[self.path][self.index]

    @property
    def image(self) -> np.ndarray:
        """The picture of what the network computes now (``n_grid x n_grid``)."""
        return self._images[self.path][self.index]


class SkipConnections(Scene):
    """A slider over depth: the gradient each layer's weights get at initialization, in a plain deep network and in
    the same network with skip connections (``residual=True``), and the first layer's gradient against depth.

    Every depth the slider offers is computed when the widget is made (``seeds`` initializations each), so dragging
    is instant, also on a page with no kernel.
    """

    figsize = (9.6, 3.8)
    COLORS = {False: plot.PALETTE[1], True: plot.PALETTE[3]}

    def __init__(self, data=None, depths=(2, 5, 10, 15, 20, 30, 40), *, width: int = 8, activation: str = "relu",
                 seeds: int = 3):  # fmt: skip
        from ..nets import gradient_norms, mlp_landscape, spirals

        super().__init__()
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
        self.declare(control("depth", depths, label="depth"), values={"depth": start})
        self.repaint()
        self._compute()

    def by_layer(self, depth: int, residual: bool) -> np.ndarray:
        """Each layer's gradient at ``depth``: the geometric mean over the seeds."""
        return np.exp(np.log(self.norms[depth, residual]).mean(0))

    def _figure(self):
        import matplotlib.pyplot as plt

        fig = plt.figure(figsize=self.figsize, dpi=self.dpi, layout="constrained")
        ax, ax_d = fig.subplots(1, 2)
        every = np.concatenate([g.ravel() for g in self.norms.values()])
        lo, hi = every[every > 0].min() / 3, every.max() * 3
        for residual, color in self.COLORS.items():
            label = "with skips" if residual else "plain"
            ax.plot([], [], "o-", color=color, lw=2, ms=4, label=label)  # for the legend; the browser draws the lines
            first = [np.exp(np.log(self.norms[d, residual][:, 0]).mean()) for d in self.depths]
            ax_d.plot(self.depths, first, "o-", color=color, lw=2, ms=4, label=label)
        ax.set(yscale="log", ylim=(lo, hi), xlim=(0.5, max(self.depths) + 1.5), xlabel="layer",
               ylabel="|gradient| of its weights", title=f"by layer at initialization ({self.name})")  # fmt: skip
        ax_d.set(yscale="log", ylim=(lo, hi), xlabel="depth (hidden layers)", ylabel="first layer's |gradient|",
                 title="the first layer, by depth")  # fmt: skip
        plot.legend_below(ax, ncol=2)
        plot.legend_below(ax_d, ncol=2)
        fig.canvas.draw()
        fig.set_layout_engine("none")
        ax_d.set_xlim(ax_d.get_xlim())
        return fig, [ax, ax_d]

    def _compute(self):
        longest = max(self.depths) + 1
        layers = []
        for residual, color in self.COLORS.items():
            xy = np.full((len(self.depths), longest, 2), np.nan)
            for i, d in enumerate(self.depths):
                g = self.by_layer(d, residual)
                xy[i, : len(g)] = np.stack([np.arange(1, len(g) + 1), g], -1)
                xy[i, len(g):] = xy[i, len(g) - 1]  # padding: the last layer again (drawn no further than the stop)
            stops = np.array([d + 1 for d in self.depths], float)
            layers.append(layer("line", xy, dims=["depth"], stops=stops, color=color, width=2))
            layers.append(layer("dots", ref=len(layers) - 1, n=longest, dims=["depth"], stops=stops, color=color,
                                size=4 * self.dpi / 72))  # fmt: skip
        layers.append(layer("vline", np.array(self.depths, float), axes=1, dims=["depth"], color="#D55E00", width=2))
        self._set_layers(layers, {"dims": ["depth"], "items": [self._text(d) for d in self.depths]})

    def _text(self, d) -> str:
        plain, skip = (float(self.by_layer(d, r)[0]) for r in (False, True))
        if skip > plain:
            return (f"depth {d}: the first layer's gradient is {plain:.2g} plain and {skip:.2g} with skips, "
                    f"{skip / plain:{',.0f' if skip >= 10 * plain else '.1f'}} times larger with them")  # fmt: skip
        return f"depth {d}: the first layer's gradient is {plain:.2g} plain and {skip:.2g} with skips"

    @property
    def depth(self) -> int:
        return int(self.get("depth"))

    def first_layer(self, residual: bool) -> float:
        """The first layer's gradient at the current depth: the geometric mean over the seeds."""
        return float(self.by_layer(self.depth, residual)[0])


class Pruning(Scene):
    """A slider over the fraction of weights pruned: what a small classifier computes after magnitude pruning,
    Optimal Brain Damage and Optimal Brain Surgeon (no fine-tuning), side by side, with each one's loss and
    test accuracy. Every fraction the slider offers is pruned when the widget is made, so dragging is instant
    (3 methods x 7 fractions x 80 x 80 float32 pictures: 0.54 MB)."""

    figsize = (10.5, 3.9)
    NAMES = {"magnitude": "magnitude", "obd": "Optimal Brain Damage", "obs": "Optimal Brain Surgeon"}

    def __init__(self, L, theta, fractions=None, *, n: int = 80):
        from ..nets import PRUNING_METHODS, accuracy, prune
        from ..nets.pruning import shared_hessian

        super().__init__()
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
        self.declare(control("fraction", self.fractions, label="pruned", labels=[f"{f:.0%}" for f in self.fractions]),
                     values={"fraction": start})  # fmt: skip
        self.repaint()
        self._compute()

    def coerce(self, name, value):
        if name == "fraction" and isinstance(value, (int, float, np.number)) and not isinstance(value, bool):
            return float(round(float(value), 2))
        return value

    def _figure(self):
        import matplotlib.pyplot as plt

        fig = plt.figure(figsize=self.figsize, dpi=self.dpi, layout="constrained")
        axes = fig.subplots(1, len(self.methods), sharey=True)
        for ax, m in zip(axes, self.methods, strict=True):
            _picture(self.L, ax, self.extent)
            ax.set_title(f"{self.NAMES[m]}\n ")  # the second line is the scores' (a text layer)
        axes[0].set_ylabel("input 2")
        fig.canvas.draw()
        fig.set_layout_engine("none")
        return fig, list(axes)

    def _width(self, i: int) -> float:
        """Earlier paths are drawn wider and solid, later ones thinner and dashed on top: paths that coincide stay
        visible (a straight line and a curve that meet it, say)."""
        return 2.0 + 1.5 * (len(self.paths) - 1 - i)

    def _compute(self):
        k = max(1, self.L.data.n_classes - 1)
        layers = []
        for i, m in enumerate(self.methods):
            images = np.stack([self.pictures[m, f] for f in self.fractions])
            layers.append(layer("image", images, axes=i, dims=["fraction"], cmap=_faded(), vmin=0, vmax=k,
                                smooth=True, extent=list(map(float, self.extent)), origin="lower"))  # fmt: skip
            layers += _point_layers(self.L, i)
            layers.append(layer("text", [self.title(m, f) for f in self.fractions], axes=i, dims=["fraction"],
                                at=(0.5, 1.045), color="#222222", font=11))  # fmt: skip
        self._set_layers(layers, {"dims": ["fraction"], "items": [self._text(f) for f in self.fractions]})

    def title(self, method: str, fraction: float) -> str:
        """The scores line over a method's panel."""
        loss, acc = self.scores[method, fraction]
        return f"loss {loss:.3g}, test accuracy {acc:.2f}"

    def _text(self, f) -> str:
        parts = [f"{self.NAMES[m]} {self.scores[m, f][1]:.2f}" for m in self.methods]
        return f"{f:.0%} of the weights removed; test accuracy: " + ", ".join(parts)

    @property
    def fraction(self) -> float:
        return float(self.get("fraction"))

    def picture(self, method: str) -> np.ndarray:
        """What the network pruned by ``method`` computes at the fraction shown now (``n x n``)."""
        return self.pictures[method, self.fraction]
