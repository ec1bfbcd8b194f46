"""Where a landscape is flat, and what kind of flat: critical points, curvature, global minima.

>>> import toylands as tl
>>> [c.kind for c in tl.critical_points(tl.get("double_well"))]
['min', 'min', 'saddle']
"""

from __future__ import annotations

import numpy as np

from .landscape import CriticalPoint, Landscape, LandscapeError

__all__ = [
    "classify",
    "hessian_eig",
    "critical_points",
    "newton_refine",
    "grid_minimum",
    "signature",
]

### Curvature


def hessian_eig(landscape: Landscape, x) -> tuple[np.ndarray, np.ndarray]:
    """Eigenvalues (ascending) and eigenvectors (columns) of the Hessian at ``x``.

    ``x`` may be one point or any batch ``(..., dim)``; results have shapes ``(..., dim)``
    and ``(..., dim, dim)``.
    """
    H = landscape.hessian(x)
    with np.errstate(all="ignore"):
        H = 0.5 * (H + np.swapaxes(H, -1, -2))
    return np.linalg.eigh(H)


def signature(eigenvalues, rtol: float = 1e-6, atol: float = 1e-9) -> np.ndarray:
    """The kind that Hessian eigenvalues give, per point: min, max, saddle or degenerate.

    An eigenvalue counts as zero when ``|lambda| <= atol + rtol * max|lambda|``. Eigenvalues of
    both signs make a saddle whatever the zero ones do; otherwise a zero eigenvalue leaves the
    second-derivative test undecided: ``degenerate``.
    """
    lam = np.asarray(eigenvalues, dtype=float)
    zero = atol + rtol * np.abs(lam).max(axis=-1, keepdims=True)
    pos = (lam > zero).sum(-1)
    neg = (lam < -zero).sum(-1)
    n = lam.shape[-1]
    kind = np.full(lam.shape[:-1], "degenerate", dtype=object)
    kind[(pos > 0) & (neg > 0)] = "saddle"
    kind[pos == n] = "min"
    kind[neg == n] = "max"
    return kind


def classify(landscape: Landscape, x) -> str:
    """What kind of critical point ``x`` is: ``min``, ``max``, ``saddle`` or ``degenerate``.

    Raises if the gradient at ``x`` is not ~0 (then ``x`` is not a critical point at all).
    """
    x = landscape.as_points(x)
    if x.ndim != 1:
        raise LandscapeError(f"classify takes one point of shape ({landscape.dim},); got {x.shape}")
    g = np.linalg.norm(landscape.grad(x))
    scale = 1.0 + abs(float(landscape(x)))
    if not g <= 1e-6 * scale:
        raise LandscapeError(
            f"{tuple(x)} is not a critical point of {landscape.name!r}: the gradient norm there is {g:.3g}"
        )
    return str(signature(hessian_eig(landscape, x)[0]))


### Finding critical points


def newton_refine(landscape: Landscape, x, steps: int = 80) -> np.ndarray:
    """Newton's method on the gradient, from each point of ``x`` (shape ``(..., dim)``).

    It converges to a nearby critical point of any kind (minimum, maximum or saddle), not
    only to minima. A singular Hessian is inverted on its non-zero eigenvalues only. Points
    stop moving once their step is below rounding, or once they fly far outside the box.
    """
    x = np.array(landscape.as_points(x), dtype=float)
    shape = x.shape
    x = x.reshape(-1, landscape.dim)
    lo, hi = landscape.bounds[:, 0], landscape.bounds[:, 1]
    far = 10 * (hi - lo)
    active = np.arange(len(x))
    with np.errstate(all="ignore"):
        for _ in range(steps):
            if not active.size:
                break
            xa = x[active]
            g = landscape.grad_raw(xa)
            H = landscape.hessian_raw(xa)
            H = np.where(np.isfinite(H), 0.5 * (H + np.swapaxes(H, -1, -2)), 0.0)
            lam, V = np.linalg.eigh(H)
            big = np.abs(lam) > 1e-12 * np.abs(lam).max(-1, keepdims=True)
            inv = np.where(big, 1.0 / np.where(big, lam, 1.0), 0.0)
            step = np.einsum("nij,nj->ni", V, inv * np.einsum("nji,nj->ni", V, g))
            xn = xa - step
            moved = np.all(np.isfinite(xn), -1)
            x[active[moved]] = xn[moved]
            small = np.linalg.norm(step, axis=-1) <= 1e-14 * (1 + np.linalg.norm(xa, axis=-1))
            away = np.any((xn < lo - far) | (xn > hi + far), axis=-1)
            active = active[moved & ~small & ~away]
    return x.reshape(shape)


def _merge(X, g, tol):
    """One point per cluster of points closer than ``tol``, the one with the smallest gradient."""
    X, g = X[np.argsort(g)], np.sort(g)
    _, first = np.unique(np.round(X / tol).astype(np.int64), axis=0, return_index=True)
    X = X[np.sort(first)]  # cells of side tol; neighbours of a cell are merged below
    reps = []
    for x in X:
        if not reps or np.min(np.linalg.norm(np.asarray(reps) - x, axis=-1)) > tol:
            reps.append(x)
    return np.array(reps)


def _starts(landscape: Landscape, n: int | None, seed: int) -> np.ndarray:
    lo, hi = landscape.bounds[:, 0], landscape.bounds[:, 1]
    if landscape.dim <= 2:
        n = n or 48
        axes = [lo[i] + (hi[i] - lo[i]) * (np.arange(n) + 0.5) / n for i in range(landscape.dim)]
        return np.stack(np.meshgrid(*axes), axis=-1).reshape(-1, landscape.dim)
    n = n or 4000
    return lo + (hi - lo) * np.random.default_rng(seed).random((n, landscape.dim))


def critical_points(
    landscape: Landscape,
    n: int | None = None,
    *,
    seed: int = 0,
    steps: int = 80,
    gtol: float = 1e-7,
    include_sets: bool = False,
) -> list[CriticalPoint]:
    """Find and classify the critical points in the landscape's box.

    Newton's method on the gradient runs from a grid of starts (``n`` per axis in 2-D, ``n``
    random starts in more dimensions), all at once. Points whose gradient norm ends below
    ``gtol * (1 + |f|)`` and that lie in the box are kept, merged when closer than a
    millionth of the box, and classified by their Hessian's eigenvalues. Points on a declared
    connected set of minima (a ring, a line) are left out unless ``include_sets``.

    Returns critical points sorted by value; the lowest minimum found is flagged global.
    """
    X = newton_refine(landscape, _starts(landscape, n, seed), steps)
    lo, hi = landscape.bounds[:, 0], landscape.bounds[:, 1]
    size = hi - lo
    with np.errstate(all="ignore"):
        g = np.linalg.norm(landscape.grad_raw(X), axis=-1)
        v = np.asarray(landscape.f(X), dtype=float)
    ok = (g <= gtol * (1 + np.abs(v))) & np.all((X >= lo - 1e-9 * size) & (X <= hi + 1e-9 * size), axis=-1)
    X, g = X[ok], g[ok]
    if not include_sets and landscape.minimum_sets and len(X):
        on_set = np.zeros(len(X), bool)
        for s in landscape.minimum_sets:
            # near the traced curve, at the set's value: on the set
            near = s.distance(X) < 1e-2 * size.max()
            on_set |= near & (np.abs(v[ok] - s.value) <= 1e-9 * (1 + abs(s.value)))
        X, g = X[~on_set], g[~on_set]

    if not len(X):
        return []
    P = _merge(X, g, tol=1e-6 * np.linalg.norm(size))
    values = np.asarray(landscape.f(P), dtype=float)
    kinds = signature(hessian_eig(landscape, P)[0])
    order = np.argsort(values, kind="stable")
    lowest = min((values[i] for i in order if kinds[i] == "min"), default=None)
    return [
        CriticalPoint(
            tuple(P[i]),
            str(kinds[i]),
            values[i],
            is_global=bool(kinds[i] == "min" and values[i] <= lowest + 1e-9 * (1 + abs(lowest))),
        )
        for i in order
    ]


### Global minimum


def grid_minimum(landscape: Landscape, n: int | None = None) -> tuple[np.ndarray, float]:
    """The lowest point of a dense grid over the box: ``(x, value)``.

    ``n`` points per axis (default: about a million points in all, at most 2001 per axis).
    """
    d = landscape.dim
    n = n or int(min(2001, round(1e6 ** (1 / d))))
    axes = [np.linspace(lo, hi, n) for lo, hi in landscape.bounds]
    best_x, best_v = None, np.inf
    # one slab of the first axis at a time keeps memory small in more dimensions
    rest = np.stack(np.meshgrid(*axes[1:], indexing="ij"), -1).reshape(-1, d - 1) if d > 1 else np.zeros((1, 0))
    for a in axes[0]:
        P = np.concatenate([np.full((len(rest), 1), a), rest], axis=1)
        with np.errstate(all="ignore"):
            v = np.asarray(landscape.f(P), dtype=float)
        v = np.where(np.isnan(v), np.inf, v)
        i = int(np.argmin(v))
        if v[i] < best_v:
            best_x, best_v = P[i], float(v[i])
    return best_x, best_v
