"""Two-dimensional views of a network's landscape, each a 2-D Landscape that the plots and widgets draw as they are.

- ``interpolate``: the loss along the straight line between two parameter vectors (Goodfellow et al. 2015);
- ``random_plane``: a plane through a solution along two random, filter-normalized directions (Li et al. 2018);
- ``plane_through``: the plane through three parameter vectors (e.g. three trained solutions);
- ``pca_plane``: the plane of a training trajectory's two main directions, with the trajectory projected on it;
- ``project``: any run drawn on any plane; ``roughness``: how many local minima a plane shows.

Every view evaluates its grid of parameter vectors as one batched computation.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from .._args import real, whole
from ..landscape import Landscape
from ..run import Trajectory
from .data import DataError
from .mlp import NetLandscape, accuracy, afford_networks

__all__ = ["Plane", "Curve", "plane", "random_plane", "filter_normalize", "plane_through", "pca_plane", "interpolate",
           "barrier", "project", "Roughness", "roughness"]  # fmt: skip


@dataclass(frozen=True, eq=False, repr=False)
class Plane(Landscape):
    """A network's loss on the plane ``origin + x * d1 + y * d2``."""

    network: NetLandscape | None = None
    origin: np.ndarray | None = None
    d1: np.ndarray | None = None
    d2: np.ndarray | None = None

    def point(self, xy) -> np.ndarray:
        """The parameter vector at plane coordinates ``xy`` (shape ``(..., 2)``)."""
        xy = np.asarray(xy, float)
        return self.origin + xy[..., 0:1] * self.d1 + xy[..., 1:2] * self.d2

    def coordinates(self, theta) -> np.ndarray:
        """Plane coordinates of parameter vectors (their projection onto the plane)."""
        D = np.stack([self.d1, self.d2], -1)
        return np.linalg.lstsq(D, (np.asarray(theta, float) - self.origin).reshape(-1, D.shape[0]).T, rcond=None)[0].T.reshape(
            np.shape(theta)[:-1] + (2,)
        )

    def test_loss(self, xy) -> np.ndarray:
        return self.network.net.test(self.point(xy))

    def grid(self, n: int = 51, bounds=None, exact: bool = False):
        """``(X, Y, Z)`` on an ``n x n`` grid, all ``n^2`` networks evaluated as one batched computation
        (in single precision, which a picture cannot tell apart, unless ``exact``)."""
        if exact:
            return super().grid(n, bounds)
        n = whole("n", n, 2, error=DataError, unit=" of points per axis")
        afford_networks(self.network, n * n, f"a grid of {n} x {n} networks on the plane", "use a smaller n")
        (x0, x1), (y0, y1) = np.asarray(bounds if bounds is not None else self.bounds, dtype=float)
        X, Y = np.meshgrid(np.linspace(x0, x1, n), np.linspace(y0, y1, n))
        with np.errstate(all="ignore"):
            Z = self.network.net.for_drawing(self.point(np.stack([X, Y], -1)))
        return X, Y, Z

    def accuracy(self, xy, test: bool = True) -> np.ndarray:
        return accuracy(self.network, self.point(xy), test=test)


def _vector(L: NetLandscape, v, what: str) -> np.ndarray:
    try:
        v = np.asarray(v, dtype=float)
    except (TypeError, ValueError):
        raise DataError(f"{what} must be a parameter vector of numbers") from None
    if v.shape != (L.dim,):
        raise DataError(f"{what} must be a vector of the network's {L.dim} parameters; got shape {v.shape}")
    if not np.all(np.isfinite(v)):
        raise DataError(f"{what} must be finite")
    return v


def _network(L) -> NetLandscape:
    if not isinstance(L, NetLandscape):
        raise DataError("these views need a network's landscape from nets.mlp_landscape(...)")
    return L


def plane(L: NetLandscape, origin, d1, d2, bounds=((-1, 1), (-1, 1)), name: str = "plane", marks=(),
          labels=("\\alpha", "\\beta")) -> Plane:  # fmt: skip
    """The loss on ``origin + x d1 + y d2`` over ``bounds``, as a 2-D Landscape."""
    L = _network(L)
    origin, d1, d2 = (_vector(L, v, w) for v, w in ((origin, "origin"), (d1, "d1"), (d2, "d2")))
    lengths = np.linalg.norm(d1), np.linalg.norm(d2)
    if min(lengths) == 0 or np.linalg.matrix_rank(np.stack([d1 / lengths[0], d2 / lengths[1]]), tol=1e-9) < 2:
        raise DataError("d1 and d2 must be two directions that span a plane; these are zero or parallel, so the 'plane' "
                        "would be a line")  # fmt: skip
    net = L.net

    def f(p):
        return net(origin + p[..., 0:1] * d1 + p[..., 1:2] * d2)

    def grad(p):
        g = net.grad(origin + p[..., 0:1] * d1 + p[..., 1:2] * d2)
        return np.stack([g @ d1, g @ d2], -1)

    return Plane(
        f"{name}: {L.model.name} on {L.data.name}",
        f,
        bounds=bounds,
        starts=[(0.0, 0.0)],
        grad_fn=grad,
        tags=frozenset({"neural-network", "view"}),
        description=f"A 2-D slice through the {L.dim}-D landscape of {L.name}.",
        reference=L.reference,
        formula=r"L(\theta_0 + x d_1 + y d_2)",
        log_scale=True,
        labels=labels,
        marks=tuple((k, tuple(map(float, v))) for k, v in marks),
        network=L,
        origin=origin,
        d1=d1,
        d2=d2,
    )


def filter_normalize(L: NetLandscape, direction, theta, biases: str = "zero") -> np.ndarray:
    """Rescale ``direction`` filter by filter to the norms of ``theta``'s filters (Li et al. 2018).

    In a dense layer a filter is the weights into one unit (a column of ``W``). ``biases``:
    ``"zero"`` leaves the biases out of the direction, as Li et al. do; ``"filter"`` counts each
    unit's bias as part of its filter.
    """
    L = _network(L)
    d, theta = _vector(L, direction, "direction").copy(), _vector(L, theta, "theta")
    if biases not in ("zero", "filter"):
        raise DataError(f"biases must be 'zero' or 'filter'; got {biases!r}")
    for ((i, o), _), (sw, sb) in zip(L.model.shapes, L.model.slices, strict=True):
        dW, tW = d[sw].reshape(i, o), theta[sw].reshape(i, o)
        if biases == "filter" and L.model.bias:
            df, tf = np.vstack([dW, d[sb]]), np.vstack([tW, theta[sb]])
        else:
            df, tf = dW, tW
        ratio = np.linalg.norm(tf, axis=0) / np.maximum(np.linalg.norm(df, axis=0), 1e-300)
        d[sw] = (dW * ratio).ravel()
        d[sb] = d[sb] * ratio if biases == "filter" and L.model.bias else 0.0
    return d


def random_plane(L: NetLandscape, center=None, *, seed: int = 0, span: float = 1.0, filter_norm: bool = True,
                 biases: str = "zero") -> Plane:  # fmt: skip
    """The plane through a trained solution ``center`` along two random directions, filter-normalized."""
    L = _network(L)
    if center is None:
        raise DataError("random_plane needs the trained parameters: center=..., e.g. tl.run(...).final[0] or nets.train(...)")
    center = _vector(L, center, "center")
    rng = np.random.default_rng(whole("seed", seed, 0, error=DataError))
    span = real("span", span, low=0, open_low=True, error=DataError)
    d1, d2 = rng.standard_normal(L.dim), rng.standard_normal(L.dim)
    if filter_norm:
        d1, d2 = filter_normalize(L, d1, center, biases), filter_normalize(L, d2, center, biases)
    return plane(L, center, d1, d2, bounds=((-span, span), (-span, span)), name="random plane", marks=(("solution", (0, 0)),))


def plane_through(L: NetLandscape, a, b, c, margin: float = 0.4, labels=("A", "B", "C")) -> Plane:
    """The plane through three parameter vectors: ``a`` at (0, 0), ``b`` at (1, 0), ``c`` at (c_x, 1)."""
    L = _network(L)
    a, b, c = (_vector(L, v, w) for v, w in ((a, "a"), (b, "b"), (c, "c")))
    d1 = b - a
    if not np.linalg.norm(d1) > 1e-12:
        raise DataError("a and b are the same point: a plane needs three distinct points")
    v = c - a
    cx = float(v @ d1 / (d1 @ d1))
    d2 = v - cx * d1
    if not np.linalg.norm(d2) > 1e-9 * np.linalg.norm(v):
        raise DataError("the three points lie on one line: they do not span a plane")
    xs = (0.0, 1.0, cx)
    bounds = ((min(xs) - margin, max(xs) + margin), (-margin, 1 + margin))
    return plane(L, a, d1, d2, bounds=bounds, name="plane through three points",
                 marks=((labels[0], (0, 0)), (labels[1], (1, 0)), (labels[2], (cx, 1))))  # fmt: skip


def pca_plane(L: NetLandscape, trajectory, run: int = 0, margin: float = 0.25) -> tuple[Plane, Trajectory]:
    """The plane of a training run's two main directions of movement, centred on where it ended.

    Returns the plane and the run projected onto it (a 2-D Trajectory the plots draw on the plane).
    The share of the movement the plane captures is in ``plane.description``.
    """
    L = _network(L)
    if isinstance(trajectory, Trajectory):
        run = whole("run", run, 0, high=trajectory.runs - 1, error=DataError, unit=" (which run of the trajectory)")
    P = trajectory.positions[:, run] if isinstance(trajectory, Trajectory) else np.asarray(trajectory, float)
    if P.ndim != 2 or P.shape[1] != L.dim:
        raise DataError(f"the trajectory must have positions of shape (steps + 1, {L.dim}); got {P.shape}")
    if len(P) < 3 or not np.ptp(P, axis=0).max() > 0:
        raise DataError("the trajectory has not moved: train the network first (tl.run(...)) and pass its trajectory")
    end = P[-1]
    X = P - end
    _, s, Vt = np.linalg.svd(X, full_matrices=False)
    d1, d2 = Vt[0], Vt[1]
    XY = X @ np.stack([d1, d2], -1)
    explained = float((s[:2] ** 2).sum() / (s**2).sum())
    lo, hi = XY.min(0), XY.max(0)
    pad = margin * np.maximum(hi - lo, 1e-3)
    pl = plane(L, end, d1, d2, bounds=tuple(zip(lo - pad, hi + pad, strict=True)), name="PCA plane of training",
               marks=(("end", (0, 0)), ("start", tuple(XY[0]))), labels=("\\mathrm{PC}_1", "\\mathrm{PC}_2"))  # fmt: skip
    object.__setattr__(pl, "description", f"{pl.description} It captures {explained:.1%} of the run's movement.")
    object.__setattr__(pl, "explained", explained)
    name = trajectory.name if isinstance(trajectory, Trajectory) else "training"
    return pl, Trajectory(XY[:, None, :].copy(), pl, name)


def project(plane: Plane, trajectory, name: str | None = None) -> Trajectory:
    """A network's run seen on ``plane``: each position's least-squares coordinates ``(x, y)`` in the plane's
    directions (exact for positions in the plane; the part off the plane is dropped), as a 2-D Trajectory."""
    if not isinstance(plane, Plane) or plane.d1 is None:
        raise DataError("project needs a plane of a network's landscape (nets.plane, random_plane, plane_through ...)")
    P = trajectory.positions if isinstance(trajectory, Trajectory) else np.asarray(trajectory, float)
    if P.ndim == 2:
        P = P[:, None, :]
    if P.ndim != 3 or P.shape[-1] != plane.origin.size:
        raise DataError(f"positions must be (steps + 1, runs, {plane.origin.size}); got {P.shape}")
    D = np.stack([plane.d1, plane.d2], -1)
    XY = np.linalg.lstsq(D, (P - plane.origin).reshape(-1, D.shape[0]).T, rcond=None)[0].T.reshape(P.shape[:2] + (2,))
    default = trajectory.name if isinstance(trajectory, Trajectory) else "run"
    return Trajectory(XY, plane, default if name is None else name)


class Roughness(NamedTuple):
    """A plane's local minima on an ``n x n`` grid: how many, where, and the grid's values."""

    minima: int
    where: np.ndarray  # (minima, 2) plane coordinates
    grid: tuple  # (X, Y, Z) as Landscape.grid gives them


def roughness(plane: Landscape, n: int = 31) -> Roughness:
    """How rough a 2-D view is: its grid points (away from the edge) lower than all eight neighbours.

    A smooth bowl has one; the chaotic planes of deep networks without skip connections have dozens
    (Li et al. 2018 show them as pictures; this counts them). The count depends on ``n``: compare
    planes at the same ``n``.

        >>> import toylands as tl
        >>> roughness(tl.get("bowl"), n=21).minima
        1
    """
    n = whole("n", n, 3, error=DataError, unit=" of points per axis")
    if plane.dim != 2:
        raise DataError(f"roughness needs a 2-D view (a plane); got a {plane.dim}-D landscape")
    X, Y, Z = plane.grid(n)
    Z = np.where(np.isfinite(Z), Z, np.inf)
    core = Z[1:-1, 1:-1]
    lower = np.ones(core.shape, bool)
    for di in (-1, 0, 1):
        for dj in (-1, 0, 1):
            if di or dj:
                lower &= core < Z[1 + di : n - 1 + di, 1 + dj : n - 1 + dj]
    i, j = np.nonzero(lower)
    where = np.column_stack([X[1:-1, 1:-1][i, j], Y[1:-1, 1:-1][i, j]])
    return Roughness(int(lower.sum()), where, (X, Y, Z))


class Curve(NamedTuple):
    """Losses and accuracies along a path ``t -> theta(t)`` between two solutions (``t`` = 0 and 1)."""

    t: np.ndarray
    loss: np.ndarray
    test_loss: np.ndarray
    accuracy: np.ndarray
    test_accuracy: np.ndarray

    @property
    def barrier(self) -> float:
        return barrier(self)


def interpolate(L: NetLandscape, a, b, n: int = 41, extend: float = 0.0, path=None) -> Curve:
    """Loss and accuracy along the straight line ``(1 - t) a + t b`` (or ``path(t)``), as one batched computation."""
    L = _network(L)
    a, b = _vector(L, a, "a"), _vector(L, b, "b")
    n, extend = whole("n", n, 2, error=DataError, unit=" of points"), real("extend", extend, low=0, error=DataError)
    afford_networks(L, n, f"interpolate at {n} points", "use a smaller n")
    t = np.linspace(-extend, 1 + extend, n)
    thetas = path(t) if path is not None else (1 - t)[:, None] * a + t[:, None] * b
    classify = L.data.task == "classification"
    nan = np.full(n, np.nan)
    return Curve(
        t,
        np.asarray(L.f(thetas)),
        np.asarray(L.net.test(thetas)),
        accuracy(L, thetas) if classify else nan,
        accuracy(L, thetas, test=True) if classify else nan,
    )


def barrier(curve: Curve) -> float:
    """The loss barrier: the largest rise of the loss above the straight line between its ends, for 0 <= t <= 1."""
    inside = (curve.t >= 0) & (curve.t <= 1)
    t, v = curve.t[inside], curve.loss[inside]
    return float(np.max(v - ((1 - t) * v[0] + t * v[-1])))
