"""Pruning a trained network along its flat directions: magnitude, Optimal Brain Damage and Optimal Brain Surgeon.

Removing a weight ``w_q`` (setting it to 0) moves the parameters by ``-w_q e_q``. Near a minimum the loss rises by
about ``1/2 w_q^2 H_qq`` (the gradient is zero there): weights in flat directions cost little, whatever their size.

- ``magnitude``: remove the smallest ``|w|``, ignoring the curvature.
- ``obd`` (LeCun, Denker & Solla 1990): remove the smallest saliency ``1/2 H_qq w_q^2``, with the Hessian's exact
  diagonal for small networks and Hutchinson's estimate ``E[z * Hz]`` for larger ones.
- ``obs`` (Hassibi & Stork 1993): remove the weight of least ``w_q^2 / (2 [H^-1]_qq)`` and move all the others by
  ``-(w_q / [H^-1]_qq) H^-1 e_q``, the best correction to second order; one weight at a time, ``H^-1`` updated.

Only weights are pruned; biases stay (and OBS may adjust them).

    >>> import toylands as tl
    >>> from toylands import nets
    >>> L = nets.mlp_landscape(nets.two_moons(100, seed=0), hidden=(8,), seed=0)
    >>> theta = nets.train(L, tl.adam(0.05), steps=500).final[0]
    >>> p = nets.prune(L, theta, 0.25, method="obd")
    >>> int((~p.kept).sum()), p.method
    (6, 'obd')
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .. import optim
from .._args import real
from .data import DataError
from .mlp import NetLandscape, accuracy, afford_networks

__all__ = ["prune", "Pruned", "pruning_curve", "PruningCurve", "weight_mask", "PRUNING_METHODS", "pruning_direction",
           "PruningDirection"]

PRUNING_METHODS = ("magnitude", "obd", "obs")
EXACT_HESSIAN = 1500  # parameters up to which the exact Hessian is formed (obd's diagonal, obs's inverse)


class Pruned(NamedTuple):
    """A pruned network: its parameters ``theta`` (pruned weights exactly 0), ``kept`` (which parameters may be
    nonzero: every bias, the surviving weights), the ``order`` in which weights were removed, each removed weight's
    ``saliency`` (the loss rise its method predicted for it, ``|w|`` for magnitude), the ``loss`` before and after."""

    theta: np.ndarray
    kept: np.ndarray
    order: np.ndarray
    saliency: np.ndarray
    method: str
    loss_before: float
    loss_after: float


def weight_mask(L: NetLandscape) -> np.ndarray:
    """Which entries of the flat parameter vector are weights (True) rather than biases."""
    return L.model.is_weight.copy()


def _positive_hessian(L, theta, damping, H=None):
    """The Hessian with its negative eigenvalues set to 0, plus ``damping``: OBS's quadratic model assumes a
    minimum, and a trained network sits only near one (its Hessian has small negative eigenvalues)."""
    H = L.hessian(theta) if H is None else H
    lam, V = np.linalg.eigh(0.5 * (H + H.T))
    return (V * (np.maximum(lam, 0.0) + damping)) @ V.T


def _hessian_diagonal(L, theta, samples: int, seed: int, H=None):
    if H is not None:
        return np.diag(H).copy()
    if L.dim <= EXACT_HESSIAN:
        return np.diag(L.hessian(theta)).copy()
    from .curvature import hvp

    rng = np.random.default_rng(seed)
    total = np.zeros(L.dim)
    for _ in range(samples):  # Hutchinson: E[z * Hz] = diag(H) for Rademacher z
        z = rng.choice([-1.0, 1.0], size=L.dim)
        total += z * hvp(L, theta, z)
    return total / samples


def prune(L: NetLandscape, theta, fraction: float, method: str = "magnitude", *, damping: float = 1e-4,
          samples: int = 100, seed: int = 0, hessian=None) -> Pruned:  # fmt: skip
    """Remove ``fraction`` of the network's weights by ``method`` (``"magnitude"``, ``"obd"``, ``"obs"``; see the
    module). OBS inverts the Hessian with negative eigenvalues clipped to 0 and ``damping`` added (a trained
    network's Hessian is often singular, and slightly indefinite); ``samples`` Hutchinson probes estimate OBD's
    diagonal above ``EXACT_HESSIAN`` parameters. ``hessian``: the Hessian at ``theta`` when it is already known
    (``pruning_curve`` and ``widgets.Pruning`` compute it once for all their fractions)."""
    if not isinstance(L, NetLandscape):
        raise DataError("prune works on a network's landscape (nets.mlp_landscape or nets.from_sklearn)")
    theta = np.array(theta, dtype=float)
    if theta.shape != (L.dim,):
        raise DataError(f"theta must be one parameter vector of length {L.dim}; got shape {theta.shape}")
    if method not in PRUNING_METHODS:
        raise DataError(f"method must be one of {PRUNING_METHODS}; got {method!r}")
    fraction = real("fraction", fraction, low=0, high=1, why="the share of weights removed", error=DataError)
    if method == "obs" and L.dim > EXACT_HESSIAN:
        raise DataError(f"OBS inverts the Hessian, {L.dim} x {L.dim} here: it is for networks of up to "
                        f"{EXACT_HESSIAN} parameters; use method='obd' for larger ones")  # fmt: skip
    if hessian is not None:
        hessian = np.asarray(hessian, dtype=float)
        if hessian.shape != (L.dim, L.dim):
            raise DataError(f"hessian must be the {L.dim} x {L.dim} Hessian at theta; got shape {hessian.shape}")
    weights = np.flatnonzero(weight_mask(L))
    count = int(round(fraction * len(weights)))
    before = float(L(theta))
    kept = np.ones(L.dim, bool)
    if method in ("magnitude", "obd"):
        if method == "magnitude":
            score = np.abs(theta[weights])
        else:
            score = 0.5 * _hessian_diagonal(L, theta, samples, seed, hessian)[weights] * theta[weights] ** 2
        pick = np.argsort(score, kind="stable")[:count]
        order, saliency = weights[pick], score[pick]
        theta[order], kept[order] = 0.0, False
    else:
        Hinv = np.linalg.inv(_positive_hessian(L, theta, damping, hessian))
        order, saliency = [], []
        alive = set(weights.tolist())
        for _ in range(count):
            candidates = np.array(sorted(alive))
            d = np.diag(Hinv)[candidates]
            score = theta[candidates] ** 2 / (2 * d)
            k = int(np.argmin(score))
            q = int(candidates[k])
            theta = theta - (theta[q] / Hinv[q, q]) * Hinv[:, q]  # the correction of every other parameter
            theta[q] = 0.0
            Hinv = Hinv - np.outer(Hinv[:, q], Hinv[q, :]) / Hinv[q, q]  # H^-1 restricted to the rest
            alive.remove(q)
            kept[q] = False
            order.append(q)
            saliency.append(score[k])
            theta[~kept] = 0.0  # removed weights stay exactly 0
        order, saliency = np.array(order, int), np.array(saliency)
    return Pruned(theta, kept, order, np.asarray(saliency, float), method, before, float(L(theta)))


class PruningCurve(NamedTuple):
    """Loss and test accuracy after pruning each ``fraction`` of the weights by each method, before and after
    fine-tuning (arrays ``(len(methods), len(fractions))``; the fine-tuned ones are NaN when ``finetune_steps`` is 0)."""

    fractions: np.ndarray
    methods: tuple
    loss: np.ndarray
    accuracy: np.ndarray
    finetuned_loss: np.ndarray
    finetuned_accuracy: np.ndarray
    finetune_steps: int


def _masked(kept):
    """An optimizer block that zeroes the step of removed weights: they stay pruned while the rest fine-tunes."""

    def update(u, state, params, **extra):
        return u * kept, state

    return optim.Optimizer(lambda p: (), update, "mask")


def shared_hessian(L: NetLandscape, theta, methods):
    """The Hessian at ``theta`` that ``prune`` by ``methods`` would otherwise compute on every call (None when none
    of them needs it, or when the network is too large for an exact one)."""
    needs = {"obd", "obs"} & set(methods)
    return L.hessian(np.asarray(theta, float)) if needs and L.dim <= EXACT_HESSIAN else None


def pruning_curve(L: NetLandscape, theta, fractions=(0.0, 0.25, 0.5, 0.75, 0.9), methods=PRUNING_METHODS, *,
                  finetune_steps: int = 0, lr: float = 0.01, progress: bool | None = None) -> PruningCurve:  # fmt: skip
    """Prune ``theta`` by every method to every fraction and measure the training loss and the test accuracy; with
    ``finetune_steps`` train the surviving parameters that many Adam steps (learning rate ``lr``) afterwards."""
    from .._budget import progress as progress_bar
    from ..run import run

    fractions = np.atleast_1d(np.asarray(fractions, float))
    methods = tuple(methods)
    shape = (len(methods), len(fractions))
    loss, acc = np.empty(shape), np.empty(shape)
    ft_loss, ft_acc = np.full(shape, np.nan), np.full(shape, np.nan)
    classify = L.data.task == "classification"
    jobs = [(i, j) for i in range(len(methods)) for j in range(len(fractions))]
    show = progress if progress is not None else len(jobs) * (finetune_steps + 50) * L.dim > 5e6
    H = shared_hessian(L, theta, methods)
    for i, j in progress_bar(jobs, desc="pruning", enabled=bool(show)):
        p = prune(L, theta, float(fractions[j]), methods[i], hessian=H)
        loss[i, j] = p.loss_after
        acc[i, j] = float(accuracy(L, p.theta, test=True)) if classify else np.nan
        if finetune_steps:
            opt = optim.chain(optim.adam(lr), _masked(p.kept), name="Adam (pruned)")
            end = run(opt, L, p.theta, finetune_steps, progress=False).final[0]
            ft_loss[i, j] = float(L(end))
            ft_acc[i, j] = float(accuracy(L, end, test=True)) if classify else np.nan
    return PruningCurve(fractions, methods, loss, acc, ft_loss, ft_acc, int(finetune_steps))


class PruningDirection(NamedTuple):
    """The loss along the straight line from trained weights (``t = 0``) to their pruned version (``t = 1``), its
    second-order prediction from the Hessian at the trained weights, and the Hessian's curvature in that direction
    against its eigenvalues."""

    t: np.ndarray
    loss: np.ndarray
    quadratic: np.ndarray  # L(theta) + t g.d + t^2/2 d^T H d
    curvature: float  # d^T H d / |d|^2: the Hessian's curvature along the pruning direction d
    eigenvalues: np.ndarray  # the Hessian's eigenvalues at theta, ascending

    @property
    def rank(self) -> float:
        """The share of the Hessian's eigenvalues below the curvature along the pruning direction: near 0, the
        pruned weights lie along the flattest directions; near 1, along the sharpest."""
        return float(np.mean(self.eigenvalues < self.curvature))


def pruning_direction(L: NetLandscape, theta, pruned, n: int = 21) -> PruningDirection:
    """How far the loss rises along the direction that pruning moved the weights, against the Hessian there.

    ``pruned`` is a ``Pruned`` (from ``prune``) or the pruned parameter vector. Needs the dense Hessian: networks of
    up to ``EXACT_HESSIAN`` parameters.

        >>> import toylands as tl
        >>> from toylands import nets
        >>> L = nets.mlp_landscape(nets.two_moons(n=40), hidden=[4])
        >>> theta = nets.train(L, tl.adam(0.05), steps=200).final[0]
        >>> d = pruning_direction(L, theta, prune(L, theta, 0.5, "obs"))
        >>> bool(0 <= d.rank <= 1 and d.t[0] == 0 and d.t[-1] == 1)
        True
    """
    n = optim.whole_number("n", n, 3, error=DataError)
    afford_networks(L, n, f"pruning_direction at {n} points", "use a smaller n")
    theta = np.asarray(theta, float)
    end = np.asarray(pruned.theta if isinstance(pruned, Pruned) else pruned, float)
    if theta.shape != (L.dim,) or end.shape != (L.dim,):
        raise DataError(f"theta and the pruned weights must be parameter vectors of length {L.dim}")
    if L.dim > EXACT_HESSIAN:
        raise DataError(f"the dense Hessian of {L.dim} parameters is too large here (at most {EXACT_HESSIAN})")
    d = end - theta
    if not np.linalg.norm(d) > 0:
        raise DataError("nothing was pruned: the pruned weights equal theta")
    H = np.asarray(L.hessian(theta), float)
    H = (H + H.T) / 2
    g = np.asarray(L.grad(theta), float)
    t = np.linspace(0.0, 1.0, n)
    loss = np.asarray(L(theta + t[:, None] * d), float)
    quadratic = float(L(theta)) + t * (g @ d) + 0.5 * t**2 * (d @ H @ d)
    return PruningDirection(t, loss, quadratic, float(d @ H @ d / (d @ d)), np.linalg.eigvalsh(H))
