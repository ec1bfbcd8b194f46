"""Training solutions and connecting them: barriers on straight lines, Bezier curves without barriers
(Garipov et al. 2018), hidden-unit permutations, weight matching (Ainsworth et al. 2022), the continuous
swap of two units through the permutation saddle (Brea et al. 2019), and flat versus sharp minima.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .. import optim
from .._args import whole
from ..run import Trajectory, run
from .data import DataError
from .mlp import NetLandscape, accuracy, afford_networks, init_params
from .views import Curve, _network, _vector, interpolate

__all__ = ["train", "bezier", "curve_along", "BezierCurve", "permute", "random_permutation", "weight_matching", "swap_path",
           "flat_vs_sharp", "Minimum"]  # fmt: skip


def train(
    L: NetLandscape, opt=None, steps: int = 1000, seed: int | None = None, start=None, progress: bool | None = None
) -> Trajectory:
    """Train from the landscape's start (or from ``init_params(model, seed)``); returns the Trajectory.

    A run like any other (``tl.run``): a progress bar shows when asked for, or when training takes
    more than a few seconds.
    """
    L = _network(L)
    opt = opt or optim.adam(0.01)
    x0 = start if start is not None else (init_params(L.model, seed) if seed is not None else L.starts[0])
    return run(opt, L, x0, steps, progress=progress)


class BezierCurve(NamedTuple):
    """A quadratic Bezier curve ``(1 - t)^2 a + 2 t (1 - t) m + t^2 b`` between two solutions."""

    a: np.ndarray
    m: np.ndarray
    b: np.ndarray
    history: np.ndarray  # the mean loss along the curve during its training

    def __call__(self, t) -> np.ndarray:
        t = np.asarray(t, float)[..., None]
        return (1 - t) ** 2 * self.a + 2 * t * (1 - t) * self.m + t**2 * self.b


def bezier(L: NetLandscape, a, b, steps: int = 1000, lr: float = 0.01, samples: int = 8, seed: int = 0,
           progress: bool = False) -> BezierCurve:  # fmt: skip
    """Train the middle point ``m`` of a Bezier curve from ``a`` to ``b`` so the whole curve has low loss.

    Each step draws ``samples`` values of ``t`` uniformly and descends the mean loss at those
    points of the curve with Adam: ``dL(phi(t))/dm = 2 t (1 - t) grad L(phi(t))`` (Garipov et al. 2018).
    """
    L = _network(L)
    a, b = _vector(L, a, "a"), _vector(L, b, "b")
    steps, samples = whole("steps", steps, 0, error=DataError), whole("samples", samples, 1, error=DataError)
    afford_networks(L, samples, f"bezier with {samples} samples a step", "use fewer samples")
    rng = np.random.default_rng(seed)
    m = (a + b) / 2
    opt = optim.adam(lr)
    state = opt.init(m[None])
    history = []
    loop = range(steps)
    if progress:
        from tqdm.auto import tqdm

        loop = tqdm(loop, desc="training the curve", leave=False)
    for _ in loop:
        t = rng.uniform(0, 1, samples)[:, None]
        phi = (1 - t) ** 2 * a + 2 * t * (1 - t) * m + t**2 * b
        g = np.mean(2 * t * (1 - t) * L.net.grad(phi), axis=0)
        u, state = opt.update(g[None], state, m[None])
        m = m + u[0]
        history.append(float(np.mean(L.net(phi))))
    return BezierCurve(a, m, b, np.array(history))


def curve_along(L: NetLandscape, curve: BezierCurve, n: int = 41) -> Curve:
    """Losses and accuracies along a Bezier curve."""
    return interpolate(L, curve.a, curve.b, n, path=curve)


### permutations


def _hidden_sizes(L):
    if L.model.residual:  # a skip adds h to the next layer's output: one permutation would have to serve them all
        raise DataError("permutations of hidden units are for plain MLPs; this one is residual (its skip connections "
                        "tie the hidden layers' units together)")  # fmt: skip
    return L.model.sizes[1:-1]


def permute(L: NetLandscape, theta, perms) -> np.ndarray:
    """The same network with the hidden units of layer ``k`` reordered by ``perms[k]``: same function, new parameters."""
    L = _network(L)
    theta = _vector(L, theta, "theta")
    sizes = _hidden_sizes(L)
    if len(perms) != len(sizes) or any(sorted(p) != list(range(s)) for p, s in zip(perms, sizes, strict=False)):
        raise DataError(f"perms must be one permutation of range(width) per hidden layer, widths {sizes}")
    layers = [(W.copy(), b.copy()) for W, b in L.model.unflatten(theta)]
    for k, p in enumerate(perms):
        p = np.asarray(p)
        W, b = layers[k]
        layers[k] = (W[:, p], b[p])  # units of hidden layer k: the outputs of layer k ...
        W2, b2 = layers[k + 1]
        layers[k + 1] = (W2[p, :], b2)  # ... and the inputs of layer k + 1
    return L.model.flatten(layers)


def random_permutation(L: NetLandscape, seed: int = 0) -> list[np.ndarray]:
    rng = np.random.default_rng(whole("seed", seed, 0, error=DataError))
    return [rng.permutation(s) for s in _hidden_sizes(L)]


def weight_matching(L: NetLandscape, theta_a, theta_b, max_iter: int = 50, seed: int = 0,
                    orders: int = 8) -> tuple[np.ndarray, list]:  # fmt: skip
    """Permute ``theta_b``'s hidden units to match ``theta_a``'s weights (Ainsworth et al. 2022, weight matching).

    Each hidden layer's permutation solves a linear assignment problem (scipy's) that maximizes
    the agreement of the unit's incoming and outgoing weights; with several hidden layers, layers
    are revisited in random order until no permutation changes. Where it ends depends on that
    order (as in git-re-basin: on one pair of two-layer networks, one order leaves a barrier of 1.9
    on the line, another 0.07), so ``orders`` random orders are tried and the permutation whose
    weights agree best with ``theta_a``, the objective weight matching maximizes, is kept.
    Returns the permuted ``theta_b`` and the permutations.
    """
    from scipy.optimize import linear_sum_assignment

    L = _network(L)
    max_iter, orders = whole("max_iter", max_iter, 1, error=DataError), whole("orders", orders, 1, error=DataError)
    seed = whole("seed", seed, 0, error=DataError)
    A = L.model.unflatten(_vector(L, theta_a, "theta_a"))
    B = L.model.unflatten(_vector(L, theta_b, "theta_b"))
    sizes = _hidden_sizes(L)
    if isinstance(orders, bool) or not isinstance(orders, (int, np.integer)) or orders < 1:
        raise DataError(f"orders must be a whole number >= 1; got {orders!r}")

    def match(rng):
        perms = [np.arange(s) for s in sizes]
        for _ in range(max_iter):
            changed = False
            for k in rng.permutation(len(sizes)):
                Wa, ba = A[k]
                Wb, bb = B[k]
                prev = perms[k - 1] if k > 0 else np.arange(Wb.shape[0])
                # similarity of unit i of a and unit j of b: incoming weights (rows of b already permuted), bias, outgoing
                C = Wa.T @ Wb[prev, :] + np.outer(ba, bb)
                nxt = perms[k + 1] if k + 1 < len(sizes) else np.arange(A[k + 1][0].shape[1])
                C += A[k + 1][0] @ B[k + 1][0][:, nxt].T
                _, p = linear_sum_assignment(C, maximize=True)
                if not np.array_equal(p, perms[k]):
                    perms[k], changed = p, True
            if not changed:
                break
        return perms

    best, best_agreement = None, -np.inf
    a = L.model.flatten(A)
    for r in range(orders if len(sizes) > 1 else 1):  # one hidden layer has one order only
        perms = match(np.random.default_rng(seed + r))
        agreement = float(a @ permute(L, theta_b, perms))
        if agreement > best_agreement:
            best, best_agreement = perms, agreement
    return permute(L, theta_b, best), best


def swap_path(L: NetLandscape, theta, i: int = 0, j: int = 1, layer: int = 0, n: int = 41) -> Curve:
    """Swap hidden units ``i`` and ``j`` of ``layer`` continuously: at ``t = 1/2`` they coincide (the permutation
    point, a saddle of the landscape, Brea et al. 2019); at ``t = 1`` the network is the permuted copy of ``theta``."""
    L = _network(L)
    theta = _vector(L, theta, "theta")
    sizes = _hidden_sizes(L)
    i, j, layer = (whole(k, v, 0, error=DataError) for k, v in (("i", i), ("j", j), ("layer", layer)))
    if not (0 <= layer < len(sizes) and 0 <= i < sizes[layer] and 0 <= j < sizes[layer] and i != j):
        raise DataError(f"choose two different units of a hidden layer: widths {sizes}")
    perm = [np.arange(s) for s in sizes]
    perm[layer][[i, j]] = perm[layer][[j, i]]
    swapped = permute(L, theta, perm)
    return interpolate(L, theta, swapped, n)


### flat versus sharp


class Minimum(NamedTuple):
    """A trained solution and what it is like: its setting, loss, sharpness and accuracy, and the step it was taken at."""

    setting: str
    theta: np.ndarray
    loss: float
    sharpness: float
    trace: float
    train_accuracy: float
    test_accuracy: float
    step: int = -1


def flat_vs_sharp(L: NetLandscape, settings: dict, steps: int = 2000, seed: int = 0, until: float | None = None,
                  progress: bool | None = None) -> list[Minimum]:  # fmt: skip
    """Train once per setting (``{"small batch": nets.sgd(0.5, 8), "full batch": tl.gd(0.5)}``, ...) from the same
    start and measure each minimum's sharpness (top Hessian eigenvalue), trace and accuracies.

    With ``until``, each run is measured at the first step its training loss reaches ``until`` (so that the minima
    compared are equally good on the training set); a run that never does is measured at its end, and its ``step``
    says so (-1)."""
    from .curvature import hessian_trace, top_eigenvalues

    L = _network(L)
    out = []
    for name, opt in settings.items():
        tr = train(L, opt, steps, start=init_params(L.model, seed), progress=progress)
        k = steps
        if until is not None:
            below = np.nonzero(tr.values[:, 0] <= until)[0]
            k = int(below[0]) if below.size else -1
        theta = tr.positions[k if k >= 0 else -1, 0]
        out.append(Minimum(
            name, theta, float(L.f(theta)), float(top_eigenvalues(L, theta)[0]), hessian_trace(L, theta, samples=20),
            float(accuracy(L, theta)), float(accuracy(L, theta, test=True)), k,
        ))  # fmt: skip
    return out
