"""Where a landscape is flat, and what kind of flat: critical points, curvature, global minima.

>>> import toylands as tl
>>> [c.kind for c in tl.critical_points(tl.get("double_well"))]
['min', 'min', 'saddle']
"""

from __future__ import annotations

import time
from typing import NamedTuple

import numpy as np

from ._args import afford, flag, forecast, positive, real, reals, whole
from ._args import box as _box
from ._budget import check_memory
from ._budget import progress as progress_bar
from .landscape import CriticalPoint, Landscape, LandscapeError, signature
from .optim import gd, whole_number
from .run import RunError, _seed, _steps, run, run_final
from .zoo import get

__all__ = [
    "compare_optimizers",
    "OptimizerTable",
    "SENSIBLE_LRS",
    "classify",
    "hessian_eig",
    "critical_points",
    "newton_refine",
    "grid_minimum",
    "signature",
    "stability_threshold",
    "lr_sweep",
    "Sweep",
    "tune",
    "Tuned",
    "basins",
    "Basins",
    "escape_times",
    "Escape",
]

### Curvature


def hessian_eig(landscape: Landscape, x) -> tuple[np.ndarray, np.ndarray]:
    """Eigenvalues (ascending) and eigenvectors (columns) of the Hessian at ``x``.

    ``x`` may be one point or any batch ``(..., dim)``; results have shapes ``(..., dim)``
    and ``(..., dim, dim)``.
    """
    H = get(landscape).hessian(x)
    with np.errstate(all="ignore"):
        H = 0.5 * (H + np.swapaxes(H, -1, -2))
    return np.linalg.eigh(H)


def classify(landscape: Landscape, x) -> str:
    """What kind of critical point ``x`` is: ``min``, ``max``, ``saddle`` or ``degenerate``.

    Raises if the gradient at ``x`` is not ~0 (then ``x`` is not a critical point at all).
    """
    landscape = get(landscape)
    x = landscape.as_points(x)
    if x.ndim != 1:
        raise LandscapeError(f"classify takes one point of shape ({landscape.dim},); got {x.shape}")
    g = np.linalg.norm(landscape.grad(x))
    scale = 1.0 + abs(float(landscape(x)))
    if not g <= 1e-6 * scale:
        raise LandscapeError(f"{x.tolist()} is not a critical point of {landscape.name!r}: the gradient norm there is {g:.3g}")
    return str(signature(hessian_eig(landscape, x)[0]))


### Finding critical points


def newton_refine(landscape: Landscape, x, steps: int = 80, *, progress: bool | None = None) -> np.ndarray:
    """Newton's method on the gradient, from each point of ``x`` (shape ``(..., dim)``).

    It converges to a nearby critical point of any kind (minimum, maximum or saddle), not
    only to minima. A singular Hessian is inverted on its non-zero eigenvalues only. Points
    stop moving once their step is below rounding, or once they fly far outside the box.
    Many points in many dimensions are refined in chunks that fit in memory.
    """
    landscape = get(landscape)
    x = np.array(landscape.as_points(x), dtype=float)
    steps = _steps(steps)
    shape = x.shape
    x = x.reshape(-1, landscape.dim)
    d = landscape.dim
    check_memory(_bytes_per_point(d), f"Newton's method in {d} dimensions", "the Hessian of one point does not fit",
                 LandscapeError)  # fmt: skip
    chunk = _chunk(d, len(x))
    parts = range(0, len(x), chunk)
    for i in progress_bar(parts, desc=f"Newton's method from {len(x)} points", enabled=bool(progress) and len(parts) > 1):
        x[i : i + chunk] = _newton(landscape, x[i : i + chunk], steps)
    return x.reshape(shape)


def _bytes_per_point(d: int) -> float:
    return 8.0 * (4 * d * d + 8 * d)  # the Hessian, its eigenvectors and a few copies


def _chunk(d: int, n: int) -> int:
    """How many points Newton's method refines at once: about 256 MiB of Hessians."""
    return int(max(1, min(n, 2**28 // _bytes_per_point(d))))


def _newton(landscape: Landscape, x: np.ndarray, steps: int) -> np.ndarray:
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
    return x


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


def _n_starts(landscape: Landscape, n: int | None) -> tuple[int, int]:
    """``n`` checked, with its default, and how many starts it makes (``n`` per axis in 1-D and 2-D)."""
    n = (48 if landscape.dim <= 2 else 4000) if n is None else whole("n", n, error=LandscapeError, unit=" of starts")
    return n, n**landscape.dim if landscape.dim <= 2 else n


def _starts(landscape: Landscape, n: int, seed: int) -> np.ndarray:
    lo, hi = landscape.bounds[:, 0], landscape.bounds[:, 1]
    if landscape.dim <= 2:
        axes = [lo[i] + (hi[i] - lo[i]) * (np.arange(n) + 0.5) / n for i in range(landscape.dim)]
        return np.stack(np.meshgrid(*axes), axis=-1).reshape(-1, landscape.dim)
    return lo + (hi - lo) * np.random.default_rng(seed).random((n, landscape.dim))


def _newton_seconds(landscape: Landscape, n_points: int, steps: int) -> float:
    """A forecast (an upper bound) of Newton's method from ``n_points`` points for ``steps`` steps: one step is
    timed on one chunk of points, as the search will run them (the faster of two tries when that is cheap)."""
    m = _chunk(landscape.dim, n_points)
    probe = np.repeat(landscape.starts[:1], m, axis=0) + 1e-3 * np.arange(1, m + 1)[:, None] / m
    best = np.inf
    for _ in range(2):
        t = time.perf_counter()
        _newton(landscape, probe.copy(), 1)
        best = min(best, time.perf_counter() - t)
        if best > 0.2:  # costly enough that warm-up does not matter
            break
    return steps * best * -(-n_points // m)


def critical_points(
    landscape: Landscape,
    n: int | None = None,
    *,
    seed: int = 0,
    steps: int = 80,
    gtol: float = 1e-7,
    include_sets: bool = False,
    max_seconds: float = 600.0,
) -> list[CriticalPoint]:
    """Find and classify the critical points in the landscape's box.

    Newton's method on the gradient runs from a grid of starts (``n`` per axis in 2-D, ``n``
    random starts in more dimensions), all at once. Points whose gradient norm ends below
    ``gtol * (1 + |f|)`` and that lie in the box are kept, merged when closer than a
    millionth of the box, and classified by their Hessian's eigenvalues. Points on a declared
    connected set of minima (a ring, a line) are left out unless ``include_sets``.

    Before it starts (before its starts are even made), the search forecasts its memory and its time: beyond what
    is available, or beyond ``max_seconds``, it says so and stops (in many dimensions each step eigen-decomposes a
    large Hessian per start); beyond a few seconds it shows a progress bar. Ctrl-C stops it between steps.

    Returns critical points sorted by value; the lowest minimum found is flagged global.
    """
    landscape = get(landscape)
    n, count = _n_starts(landscape, n)
    seed, steps = _seed(seed), _steps(steps)
    gtol, include_sets = positive("gtol", gtol, error=LandscapeError), flag("include_sets", include_sets, error=LandscapeError)
    max_seconds = positive("max_seconds", max_seconds, error=LandscapeError)
    what = f"critical_points on the {landscape.dim}-D {landscape.name!r} from {count} starts"
    afford(4 * 8.0 * count * landscape.dim, what, "give fewer starts (n=...)", error=LandscapeError)
    seconds = _newton_seconds(landscape, count, steps)
    show = forecast(seconds, f"{what} (Newton's method for up to {steps} steps, each a {landscape.dim} x "
                    f"{landscape.dim} eigendecomposition per start)", "give fewer starts (n=...) or steps, or raise "
                    "max_seconds", max_seconds=max_seconds, error=LandscapeError)  # fmt: skip
    X = newton_refine(landscape, _starts(landscape, n, seed), steps, progress=show)
    lo, hi = landscape.bounds[:, 0], landscape.bounds[:, 1]
    size = hi - lo
    with np.errstate(all="ignore"):
        g = np.linalg.norm(landscape.grad_raw(X), axis=-1)
        v = np.asarray(landscape.f(X), dtype=float)
    ok = (g <= gtol * (1 + np.abs(v))) & np.all((X >= lo - 1e-9 * size) & (X <= hi + 1e-9 * size), axis=-1)
    X, g, v = X[ok], g[ok], v[ok]
    if not include_sets and landscape.critical_sets and len(X):
        on_set = np.zeros(len(X), bool)
        for s in landscape.critical_sets:
            # near the traced curve, at the set's value: on the set
            near = s.distance(X) < 1e-2 * size.max()
            on_set |= near & (np.abs(v - s.value) <= 1e-9 * (1 + abs(s.value)))
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


def grid_minimum(landscape: Landscape, n: int | None = None, *, max_seconds: float = 600.0,
                 progress: bool | None = None) -> tuple[np.ndarray, float]:  # fmt: skip
    """The lowest point of a dense grid over the box: ``(x, value)``.

    ``n`` points per axis (default: about a million points in all, at most 2001 per axis). The grid is
    evaluated one slab at a time; before it starts, its memory and time are forecast (from one slab, timed):
    beyond what is available or ``max_seconds`` it says so and stops, beyond a few seconds it shows a progress bar.
    """
    landscape = get(landscape)
    d = landscape.dim
    n = int(min(2001, round(1e6 ** (1 / d)))) if n is None else whole("n", n, 2, error=LandscapeError, unit=" of points per axis")
    max_seconds = positive("max_seconds", max_seconds, error=LandscapeError)
    what = f"grid_minimum on a grid of {n}**{d} points over {landscape.name!r}"
    afford(4 * 8.0 * d * n ** (d - 1), what, "use a smaller n", error=LandscapeError)
    axes = [np.linspace(lo, hi, n) for lo, hi in landscape.bounds]
    best_x, best_v = None, np.inf
    # one slab of the first axis at a time keeps memory small in more dimensions
    rest = np.stack(np.meshgrid(*axes[1:], indexing="ij"), -1).reshape(-1, d - 1) if d > 1 else np.zeros((1, 0))
    probe = np.concatenate([np.full((min(len(rest), 4096), 1), axes[0][0]), rest[:4096]], axis=1)
    t = time.perf_counter()
    with np.errstate(all="ignore"):
        landscape.f(probe)
    seconds = (time.perf_counter() - t) * n * len(rest) / len(probe)
    show = forecast(seconds, what, "use a smaller n, or raise max_seconds", max_seconds=max_seconds, error=LandscapeError)
    for a in progress_bar(axes[0], desc=f"grid of {n}**{d} points", enabled=show if progress is None else bool(progress)):
        P = np.concatenate([np.full((len(rest), 1), a), rest], axis=1)
        with np.errstate(all="ignore"):
            v = np.asarray(landscape.f(P), dtype=float)
        v = np.where(np.isnan(v), np.inf, v)
        i = int(np.argmin(v))
        if v[i] < best_v:
            best_x, best_v = P[i], float(v[i])
    return best_x, best_v


### Runs: stability, learning-rate sweeps, basins, escape from saddles


def stability_threshold(landscape: Landscape, x=None) -> float:
    """``2 / lambda_max``: the largest learning rate for which gradient descent is stable at ``x``.

    ``x`` defaults to the declared global minimum. On a quadratic, gradient descent converges
    for every learning rate below it and diverges for every one above it.
    """
    landscape = get(landscape)
    if x is None:
        gm = landscape.global_minimum
        if gm is None:
            raise LandscapeError(f"{landscape.name!r} declares no global minimum: give the point x")
        x = gm.x
    lam_max = float(hessian_eig(landscape, x)[0][..., -1])
    return 2.0 / lam_max if lam_max > 0 else np.inf


class Sweep(NamedTuple):
    """One learning-rate sweep: per learning rate, the final loss, divergence and steps to converge."""

    lr: np.ndarray
    final_loss: np.ndarray
    diverged: np.ndarray
    steps_to_converge: np.ndarray
    threshold: float
    trajectory: object

    @property
    def divergence_lr(self) -> float:
        """The smallest learning rate in the sweep that diverged (inf if none did)."""
        return float(self.lr[self.diverged].min()) if self.diverged.any() else np.inf

    @property
    def best_lr(self) -> float:
        """The learning rate that reached the lowest final loss without diverging.

        Raises when every learning rate of the sweep diverged: there is no best one to give.
        """
        loss = np.where(self.diverged | ~np.isfinite(self.final_loss), np.inf, self.final_loss)
        if not np.isfinite(loss).any():
            raise RunError(
                f"every learning rate of the sweep ({self.lr.min():.3g} to {self.lr.max():.3g}) diverged: try smaller ones"
            )
        return float(self.lr[int(np.argmin(loss))])

    @property
    def at_edge(self) -> bool:
        """Whether the best learning rate is the smallest or the largest one tried (then the grid is too narrow)."""
        i = int(np.argmin(np.abs(self.lr - self.best_lr)))
        return i in (0, len(self.lr) - 1)


def lr_sweep(make_optimizer, landscape: Landscape, start=None, lrs=None, steps: int = 200, tol: float = 1e-6) -> Sweep:
    """Run ``make_optimizer(lr)`` for every learning rate in ``lrs`` from one start, as one batched run.

    A run counts as diverged when it was stopped (it left the region runs may reach, see ``run``)
    or ended higher than it began: just above ``2 / lambda_max`` the iterates grow too slowly to
    leave the box in a few steps, but they never shrink. ``threshold`` is ``2 / lambda_max`` at the
    global minimum.

        >>> import numpy as np, toylands as tl
        >>> s = tl.lr_sweep(tl.gd, tl.ill_conditioned_bowl, [2.0, 1.0], np.linspace(0.01, 0.2, 20))
        >>> round(s.threshold, 3), round(s.divergence_lr, 3)
        (0.1, 0.11)
    """
    landscape = get(landscape)
    if not callable(make_optimizer):
        raise RunError(f"make_optimizer must be a function lr -> optimizer, such as tl.gd; got {make_optimizer!r}")
    lrs = np.atleast_1d(np.logspace(-4, 0, 64) if lrs is None else reals("lrs", lrs, low=0, open_low=True, error=RunError))
    tol = positive("tol", tol, error=RunError)
    start = landscape.starts[0] if start is None else start
    traj = run(make_optimizer(lrs), landscape, start, steps)
    v = traj.values
    diverged = traj.stopped | ~(v[-1] <= v[0])
    try:
        threshold = stability_threshold(landscape)
    except LandscapeError:
        threshold = np.nan
    return Sweep(lrs, v[-1], diverged, np.where(diverged, -1, traj.steps_to(tol)), threshold, traj)


class Tuned(NamedTuple):
    """The outcome of ``tune``: the chosen learning rate, its score, every learning rate tried and its score."""

    lr: float
    score: float
    lrs: np.ndarray
    scores: np.ndarray
    runs: int

    @property
    def at_edge(self) -> bool:
        """Whether the chosen learning rate is the smallest or the largest tried (then the grid was too narrow)."""
        i = int(np.argmin(np.abs(self.lrs - self.lr)))
        return i in (0, len(self.lrs) - 1)


def tune(make_optimizer, landscape: Landscape, starts=None, lrs=None, steps: int = 500, *, last: float = 0.2,
         grow: int = 3, seed: int = 0, noise=0.0) -> Tuned:  # fmt: skip
    """Choose a learning rate for ``make_optimizer(lr)`` fairly: every rate of ``lrs`` runs from every start, and each
    is scored by the typical loss over the last ``last`` share of its steps (the geometric mean of ``loss - min``, the
    median over starts), so that one lucky or unlucky final step does not decide. A run that is stopped scores
    infinity. When the best rate is at an edge of the grid, the grid grows by a decade that way (``grow`` times
    at most), so that the chosen rate is never the smallest or largest tried.

        >>> import numpy as np, toylands as tl
        >>> t = tl.tune(tl.gd, tl.ill_conditioned_bowl, [[2.0, 1.0]], np.logspace(-3, -1, 9), steps=200)
        >>> t.at_edge, bool(0.05 < t.lr < 0.1)
        (False, True)
    """
    landscape = get(landscape)
    starts = landscape.as_points(landscape.starts if starts is None else starts, "starts", batch=True)
    lrs = np.sort(np.atleast_1d(np.logspace(-4, 0, 17) if lrs is None else reals("lrs", lrs, low=0, open_low=True,
                                                                                    error=RunError)))  # fmt: skip
    if lrs.size < 3:
        raise RunError(f"tune needs at least three positive learning rates to choose among; got {lrs.size}")
    last = real("last", last, low=0, high=1, open_low=True, error=RunError)
    grow = whole("grow", grow, 0, error=RunError)
    for _ in range(grow + 1):
        grid = np.repeat(lrs, len(starts))
        traj = run(make_optimizer(grid), landscape, np.tile(starts, (len(lrs), 1)), steps, seed=seed, noise=noise)
        per_run = _run_scores(traj, last)
        scores = np.median(per_run.reshape(len(lrs), len(starts)), axis=1)
        best = int(np.argmin(scores))
        if not np.isfinite(scores[best]):
            raise RunError(f"every learning rate from {lrs.min():.3g} to {lrs.max():.3g} diverged: try smaller ones")
        step = np.log10(lrs[1] / lrs[0]) if len(lrs) > 1 else 1.0
        if best == 0 and grow:
            lrs = np.concatenate([lrs[0] * 10.0 ** (-step * np.arange(int(round(1 / step)), 0, -1)), lrs])
        elif best == len(lrs) - 1 and grow:
            lrs = np.concatenate([lrs, lrs[-1] * 10.0 ** (step * np.arange(1, int(round(1 / step)) + 1))])
        else:
            break
    return Tuned(float(lrs[best]), float(scores[best]), lrs, scores, len(lrs) * len(starts))


#: The decades of learning rate each optimizer is tuned over at first (10**lo to 10**hi): where its rate usually
#: lies; ``tune`` widens the grid when the best rate is at an edge.
SENSIBLE_LRS = {
    "GD": (-4, 0), "SGD": (-4, 0), "Momentum": (-4, 0), "Nesterov": (-4, 0), "AdaGrad": (-3, 1), "RMSprop": (-4, 0),
    "Adam": (-4, 0), "AdamW": (-4, 0), "AMSGrad": (-4, 0), "NAdam": (-4, 0), "RAdam": (-4, 0), "Adamax": (-4, 0),
    "Adadelta": (-2, 2), "Rprop": (-4, 0), "L-BFGS": (-3, 1), "Lion": (-5, -1), "Newton": (-3, 0),
    "Saddle-free Newton": (-3, 0),
}  # fmt: skip


class OptimizerTable(NamedTuple):
    """``compare_optimizers``'s result: per optimizer (rows) and landscape (columns), the tuned learning rate,
    the tuning runs it took, and the score of every evaluation seed (the typical ``loss - min`` at the end,
    as ``tune`` scores; ``loss`` where the minimum is unknown)."""

    optimizers: tuple
    landscapes: tuple
    lr: np.ndarray  # (optimizers, landscapes)
    runs: np.ndarray  # (optimizers, landscapes): tuning runs used
    at_edge: np.ndarray  # (optimizers, landscapes): the tuned rate is at the edge of the widest grid allowed
    scores: np.ndarray  # (optimizers, landscapes, seeds)

    @property
    def median(self) -> np.ndarray:
        return _median(self.scores)

    def ranks(self) -> np.ndarray:
        """Each optimizer's place (1 = best median score) on each landscape."""
        return np.argsort(np.argsort(self.median, axis=0, kind="stable"), axis=0, kind="stable") + 1

    def winners(self) -> dict:
        """The optimizer with the best median score on each landscape."""
        return {name: self.optimizers[int(np.argmin(self.median[:, j]))] for j, name in enumerate(self.landscapes)}

    def rows(self) -> list[list[str]]:
        """The table as text: ``median [lowest - highest]`` over seeds, in decades (log10 of the score)."""
        L = np.sort(np.log10(self.scores), axis=-1)  # scores are at least 1e-300
        out = []
        for i, name in enumerate(self.optimizers):
            row = [name]
            for j in range(len(self.landscapes)):
                med, lo, hi = (f"{v:.1f}" if np.isfinite(v) else "diverged" for v in (_median(L[i, j]), *L[i, j, [0, -1]]))
                row.append("diverged" if med == "diverged" else f"{med} [{lo}, {hi}]")
            out.append(row)
        return out

    def __str__(self):
        head = ["optimizer", *self.landscapes]
        body = self.rows()
        widths = [max(len(r[k]) for r in [head, *body]) for k in range(len(head))]
        return "\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in [head, *body])

    def _repr_html_(self):
        best = self.ranks() == 1
        bold = ' style="font-weight:bold"'
        cells = "".join(
            f"<tr><th>{r[0]}</th>"
            + "".join(f"<td{bold if best[i, j] else ''}>{c}<br><small>lr {self.lr[i, j]:.2g}</small></td>"
                      for j, c in enumerate(r[1:]))
            + "</tr>"
            for i, r in enumerate(self.rows())
        )  # fmt: skip
        head = "".join(f"<th>{n}</th>" for n in ("optimizer", *self.landscapes))
        return (f"<table><caption>log<sub>10</sub> of the final loss gap: median [lowest, highest] over "
                f"{self.scores.shape[-1]} seeds; bold: best median</caption><tr>{head}</tr>{cells}</table>")  # fmt: skip


def _median(a) -> np.ndarray:
    """The median over the last axis, where infinities (diverged runs) count as the largest values."""
    a = np.sort(a, axis=-1)
    n = a.shape[-1]
    return a[..., n // 2] if n % 2 else np.where(a[..., n // 2] == np.inf, np.inf, (a[..., n // 2 - 1] + a[..., n // 2]) / 2)


def _random_starts(landscape: Landscape, n: int, rng) -> np.ndarray:
    """``n`` starts: the landscape's own when it has that many (a network's initializations), else uniform
    draws from the middle half of its box."""
    own = np.atleast_2d(landscape.starts)
    if len(own) >= n and landscape.dim > 2:
        return own[:n]
    (lo, hi) = np.asarray(landscape.bounds, float).T
    mid, half = (lo + hi) / 2, (hi - lo) / 4
    return mid + half * rng.uniform(-1, 1, (n, landscape.dim))


def compare_optimizers(landscapes, optimizers=("GD", "Momentum", "RMSprop", "Adam", "L-BFGS"), steps: int = 300,
                       seeds: int = 5, points: int = 9, seed: int = 0, progress: bool | None = None) -> OptimizerTable:
    """Choosing an optimizer as an experiment: tune each fairly on each landscape, then score it on fresh starts.

    Every optimizer gets the same budget: ``points`` learning rates over its own sensible decades
    (``SENSIBLE_LRS``), each run from the same ``seeds`` tuning starts (``tune``, which widens the grid when the
    best rate is at its edge, and says when it still is). The tuned rate then runs from ``seeds`` other starts,
    and each of those runs is scored. A network's landscape needs ``2 * seeds`` starts of its own
    (``mlp_landscape(..., n_starts=2 * seeds)``): the first half tune, the second half score.

        >>> import toylands as tl
        >>> t = tl.compare_optimizers(["ill_conditioned_bowl"], ["GD", "Adam"], steps=100, seeds=2, points=5)
        >>> t.scores.shape, bool(t.at_edge.any())
        ((2, 1, 2), False)
    """
    Ls = [get(L) for L in (landscapes if isinstance(landscapes, (list, tuple)) else [landscapes])]
    from .optim import OPTIMIZERS

    optimizers = (optimizers,) if isinstance(optimizers, str) else tuple(optimizers)
    unknown = [o for o in optimizers if o not in OPTIMIZERS]
    if unknown:
        raise RunError(f"unknown optimizers {unknown}; choose from {', '.join(OPTIMIZERS)}")
    steps, seed = _steps(steps), _seed(seed)
    seeds, points = whole_number("seeds", seeds, error=RunError), whole_number("points", points, 3, error=RunError)
    shape = (len(optimizers), len(Ls))
    lr, runs, edge = np.zeros(shape), np.zeros(shape, int), np.zeros(shape, bool)
    scores = np.zeros(shape + (seeds,))
    cells = [(i, j) for i in range(len(optimizers)) for j in range(len(Ls))]
    for i, j in progress_bar(cells, desc="tuning optimizers", enabled=progress):
        L, name = Ls[j], optimizers[i]
        make = OPTIMIZERS[name]
        rng = np.random.default_rng([seed, j])
        starts = _random_starts(L, 2 * seeds, rng)
        lo, hi = SENSIBLE_LRS.get(name, (-4, 0))
        try:
            t = tune(make, L, starts[:seeds], np.logspace(lo, hi, points), steps, seed=seed)
        except RunError:  # every rate diverged: it scores infinity everywhere
            lr[i, j], runs[i, j], edge[i, j], scores[i, j] = np.nan, points * seeds, True, np.inf
            continue
        lr[i, j], runs[i, j], edge[i, j] = t.lr, t.runs, t.at_edge
        scores[i, j] = _run_scores(run(make(t.lr), L, starts[seeds:], steps, seed=seed))
    return OptimizerTable(tuple(optimizers), tuple(L.name for L in Ls), lr, runs, edge, scores)


def _run_scores(traj, last: float = 0.2) -> np.ndarray:
    """Each run's score as ``tune`` gives it: the geometric mean of ``loss - min`` over the last ``last`` share of
    the steps (the mean loss where the minimum is unknown); infinity for a run that was stopped."""
    tail = traj.values[-max(1, int(round(last * traj.steps))) :]
    target = traj.landscape.min_value
    with np.errstate(all="ignore"):
        if target is not None:
            per_run = np.exp(np.mean(np.log(np.maximum(tail - target, 1e-300)), axis=0))
        else:
            per_run = np.mean(tail, axis=0)
    return np.where(traj.stopped | ~np.isfinite(per_run), np.inf, per_run)


class Basins(NamedTuple):
    """Which declared minimum each start of a grid ends in: ``label[i, j]`` indexes ``minima``; -1
    means it ended elsewhere (a saddle, a plateau, still moving), -2 that it diverged, -3 that it
    escaped (the landscape falls away without bound). ``trajectory`` holds each run's start and end."""

    X: np.ndarray
    Y: np.ndarray
    label: np.ndarray
    minima: tuple
    trajectory: object

    def fractions(self) -> dict:
        """The share of starts that ended in each minimum (and elsewhere, diverged, escaped)."""
        n = self.label.size
        out = {i: float(np.mean(self.label == i)) for i in range(len(self.minima))}
        out.update(elsewhere=float(np.sum(self.label == -1)) / n, diverged=float(np.sum(self.label == -2)) / n)
        if (self.label == -3).any():
            out["escaped"] = float(np.sum(self.label == -3)) / n
        return out


def basins(opt, landscape: Landscape, n: int = 60, steps: int = 300, bounds=None, radius: float | None = None,
           *, progress: bool | None = None, max_seconds: float = 600.0) -> Basins:  # fmt: skip
    """Run ``opt`` from every point of an ``n x n`` grid over the box and record where each ended.

    Only where each run ends is kept, and the grid runs in chunks, so large grids fit in memory. Before it starts,
    its memory and time are forecast (a few steps from one chunk of starts, timed): beyond what is available or
    ``max_seconds`` it says so and stops.
    """
    landscape = get(landscape)
    if landscape.dim != 2:
        raise LandscapeError(f"basins are drawn on 2-D landscapes; {landscape.name!r} is {landscape.dim}-D")
    n = whole("n", n, 2, error=LandscapeError, unit=" of grid points per axis")
    steps, max_seconds = _steps(steps), positive("max_seconds", max_seconds, error=LandscapeError)
    radius = None if radius is None else positive("radius", radius, error=LandscapeError)
    box = landscape.bounds if bounds is None else _box("bounds", bounds, 2, error=LandscapeError)
    what = f"basins on a grid of {n} x {n} starts"
    afford(8.0 * n * n * (12 + len(landscape.minima)), what, "use a smaller n", error=LandscapeError)
    (x0, x1), (y0, y1) = box
    if n * n * steps > 4e7:  # a few steps from one chunk of starts, timed, say how long the whole will take
        t, pilot = time.perf_counter(), landscape.bounds.mean(axis=1) + 1e-3 * np.random.default_rng(0).random((4096, 2))
        run_final(opt, landscape, pilot, 5)
        seconds = (time.perf_counter() - t) / 5 * steps * n * n / len(pilot)
        forecast(seconds, f"{what} for {steps} steps", "use a smaller n or fewer steps, or raise max_seconds",
                 max_seconds=max_seconds, error=LandscapeError)  # fmt: skip
    X, Y = np.meshgrid(np.linspace(x0, x1, n), np.linspace(y0, y1, n))
    starts = np.stack([X.ravel(), Y.ravel()], -1)
    traj = run_final(opt, landscape, starts, steps, progress=progress)
    # which minimum each start is headed for: near it at the end, whether or not it has quite stopped
    label = traj.ended_in_within(0.01 * landscape.diameter if radius is None else radius)
    label = np.where(traj.diverged, -2, np.where(traj.escaped, -3, label))
    return Basins(X, Y, label.reshape(n, n), landscape.minima, traj)


NEVER = np.iinfo(np.int64).max


class Escape(NamedTuple):
    """Steps to leave a ball of ``radius`` around a point, per noise level (rows) and seed (columns);
    ``NEVER`` where a run never left."""

    noise: np.ndarray
    steps: np.ndarray
    radius: float

    @property
    def median(self) -> np.ndarray:
        return np.median(self.steps, axis=1)

    @property
    def escaped(self) -> np.ndarray:
        """Which runs left the ball within the steps given."""
        return self.steps < NEVER


def escape_times(
    landscape: Landscape,
    point,
    noises,
    lr: float = 0.01,
    steps: int = 2000,
    radius: float = 0.5,
    seeds: int = 16,
    seed: int = 0,
) -> Escape:
    """How long noisy gradient descent started exactly at ``point`` (a saddle) takes to get ``radius`` away.

    Every noise level runs ``seeds`` times, all in one batched run. Without noise, gradient
    descent never leaves a saddle it starts on; with noise sigma it escapes an ordinary saddle
    in about ``log(radius / sigma) / (lr |lambda_min|)`` steps.
    """
    landscape = get(landscape)
    seeds = whole("seeds", seeds, error=RunError, unit=" of runs per noise level")
    noises = np.atleast_1d(reals("noises", noises, low=0, error=RunError))
    radius = positive("radius", radius, error=RunError)
    steps, dim = _steps(steps), landscape.dim
    afford(8.0 * len(noises) * seeds * (steps + 1) * (dim + 2), f"escape_times: {len(noises)} noise levels x {seeds} "
           f"seeds x {steps} steps", "give fewer seeds or steps", error=RunError)  # fmt: skip
    sigma = np.repeat(noises, seeds)
    traj = run(gd(lr), landscape, point, steps, noise=sigma, seed=seed)
    dist = np.linalg.norm(traj.positions - np.asarray(point, dtype=float), axis=-1)
    out = dist > radius
    first = np.where(out.any(axis=0), np.argmax(out, axis=0), NEVER)
    return Escape(noises, first.reshape(len(noises), seeds), radius)
