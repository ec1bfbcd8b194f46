"""Curvature of a network's landscape without forming its Hessian: Hessian-vector products, top eigenvalues
(Lanczos), the trace (Hutchinson), the spectral density (stochastic Lanczos quadrature), and sharpness
during training against 2 / lr (the edge of stability, Cohen et al. 2021).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from autograd import grad as _grad

from .._args import afford, positive, whole
from ..landscape import Landscape
from .data import DataError

__all__ = ["hvp", "top_eigenvalues", "hessian_trace", "spectral_density", "Spectrum", "sharpness_during_training"]


def hvp(L: Landscape, theta, v) -> np.ndarray:
    """The Hessian-vector product ``H(theta) v``, exactly (autograd: the gradient of ``grad f . v``)."""
    theta, v = np.asarray(theta, float), np.asarray(v, float)
    if v.shape != theta.shape or theta.ndim != 1 or theta.shape[0] != L.dim:
        raise DataError(f"theta and v must both be vectors of the {L.dim} parameters; got {theta.shape} and {v.shape}")
    gv = _grad(lambda t: _grad(L.f)(t) @ v)
    return gv(theta)


def _lanczos(L, theta, k, seed):
    """k steps of Lanczos with full reorthogonalization: the tridiagonal (alpha, beta) and the basis."""
    n = L.dim
    k = min(k, n)
    rng = np.random.default_rng(seed)
    Q = np.zeros((k, n))
    alpha, beta = np.zeros(k), np.zeros(k)
    q = rng.standard_normal(n)
    q /= np.linalg.norm(q)
    for j in range(k):
        Q[j] = q
        w = hvp(L, theta, q)
        alpha[j] = w @ q
        w = w - Q[: j + 1].T @ (Q[: j + 1] @ w)  # reorthogonalize against every earlier vector
        w = w - Q[: j + 1].T @ (Q[: j + 1] @ w)
        beta[j] = np.linalg.norm(w)
        if beta[j] < 1e-12:
            return alpha[: j + 1], beta[:j], Q[: j + 1]
        q = w / beta[j]
    return alpha, beta[: k - 1], Q


def top_eigenvalues(L: Landscape, theta, k: int = 1, iters: int = 20, seed: int = 0) -> np.ndarray:
    """The ``k`` largest Hessian eigenvalues at ``theta`` from ``iters`` Hessian-vector products (Lanczos)."""
    theta = np.asarray(theta, float)
    k = whole("k", k, 1, high=L.dim, error=DataError, unit=" of eigenvalues")
    iters, seed = whole("iters", iters, 1, error=DataError), whole("seed", seed, 0, error=DataError)
    alpha, beta, _ = _lanczos(L, theta, max(iters, k), seed)
    T = np.diag(alpha) + np.diag(beta, 1) + np.diag(beta, -1)
    return np.sort(np.linalg.eigvalsh(T))[::-1][:k]


def hessian_trace(L: Landscape, theta, samples: int = 50, seed: int = 0) -> float:
    """Hutchinson's estimate ``E[z^T H z]`` of the trace, with Rademacher vectors ``z``."""
    theta = np.asarray(theta, float)
    samples, seed = whole("samples", samples, 1, error=DataError), whole("seed", seed, 0, error=DataError)
    afford(8.0 * samples * L.dim, f"hessian_trace with {samples} samples of {L.dim} numbers", "use fewer samples",
           error=DataError)  # fmt: skip
    rng = np.random.default_rng(seed)
    zs = rng.choice([-1.0, 1.0], size=(samples, L.dim))
    return float(np.mean([z @ hvp(L, theta, z) for z in zs]))


class Spectrum(NamedTuple):
    """An estimate of the Hessian's eigenvalue density: ``density`` at ``grid``, with Ritz values and weights."""

    grid: np.ndarray
    density: np.ndarray
    nodes: np.ndarray
    weights: np.ndarray


def spectral_density(L: Landscape, theta, iters: int = 30, probes: int = 4, sigma: float | None = None,
                     n_grid: int = 400, seed: int = 0) -> Spectrum:  # fmt: skip
    """Stochastic Lanczos quadrature (Ghorbani, Krishnan & Xiao 2019): each probe's Lanczos tridiagonal gives
    eigenvalue nodes and weights; Gaussians of width ``sigma`` smooth them into a density that integrates to 1."""
    theta = np.asarray(theta, float)
    iters, probes = whole("iters", iters, 1, error=DataError), whole("probes", probes, 1, error=DataError)
    n_grid, seed = whole("n_grid", n_grid, 2, error=DataError), whole("seed", seed, 0, error=DataError)
    sigma = None if sigma is None else positive("sigma", sigma, error=DataError)
    afford(8.0 * (n_grid * probes * min(iters, L.dim) + min(iters, L.dim) * L.dim), f"spectral_density with {probes} "
           f"probes x {iters} Lanczos steps on a grid of {n_grid}", "use fewer iters, probes or n_grid",
           error=DataError)  # fmt: skip
    nodes, weights = [], []
    for p in range(probes):
        alpha, beta, _ = _lanczos(L, theta, iters, seed + p)
        lam, U = np.linalg.eigh(np.diag(alpha) + np.diag(beta, 1) + np.diag(beta, -1))
        nodes.append(lam)
        weights.append(U[0] ** 2 / probes)
    nodes, weights = np.concatenate(nodes), np.concatenate(weights)
    span = nodes.max() - nodes.min()
    sigma = sigma or max(span / 100, 1e-6)
    grid = np.linspace(nodes.min() - 3 * sigma - 0.05 * span, nodes.max() + 3 * sigma + 0.05 * span, n_grid)
    density = (weights * np.exp(-0.5 * ((grid[:, None] - nodes) / sigma) ** 2)).sum(1) / (sigma * np.sqrt(2 * np.pi))
    return Spectrum(grid, density, nodes, weights)


def sharpness_during_training(L: Landscape, lr: float, steps: int = 2000, every: int = 20, start=None, iters: int = 20,
                              seed: int = 0):  # fmt: skip
    """Full-batch gradient descent with learning rate ``lr``, and the top Hessian eigenvalue every ``every`` steps.

    Returns ``(steps_measured, sharpness, trajectory)``. Cohen et al. (2021): the sharpness rises
    until it reaches ``2 / lr`` and then hovers there (the edge of stability) while the loss keeps
    falling, not monotonically.
    """
    from ..optim import gd
    from ..run import run

    traj = run(gd(lr), L, L.starts[0] if start is None else start, steps)
    every, iters = whole("every", every, 1, error=DataError, unit=" of steps"), whole("iters", iters, 1, error=DataError)
    at = np.arange(0, steps + 1, every)
    sharp = np.array([top_eigenvalues(L, traj.positions[k, 0], iters=iters, seed=seed)[0] for k in at])
    return at, sharp, traj
