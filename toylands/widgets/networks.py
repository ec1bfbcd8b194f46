"""Network views: ``NetworkPath``, ``SkipConnections`` and ``Pruning``."""

from __future__ import annotations


import ipywidgets as W
import numpy as np

from .. import optim, plot
from ..landscape import LandscapeError
from ..run import number
from ..stage import Stage
from ._base import _grid, _Widget


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
        from ..nets.views import Plane

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
        from ..nets import accuracy

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




class SkipConnections(_Widget):
    """A slider over depth: the gradient each layer's weights get at initialization, in a plain deep network and in
    the same network with skip connections (``residual=True``), and the first layer's gradient against depth.

    Every depth the slider offers is computed when the widget is made (``seeds`` initializations each), so dragging
    is instant.
    """

    def __init__(self, data=None, depths=(2, 5, 10, 15, 20, 30, 40), *, width: int = 8, activation: str = "relu",
                 seeds: int = 3, live: bool | None = None):  # fmt: skip
        from ..nets import gradient_norms, mlp_landscape, spirals

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
        from ..nets import PRUNING_METHODS, accuracy, prune
        from ..nets.pruning import shared_hessian

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
