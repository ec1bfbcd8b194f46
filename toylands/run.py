"""Batched runs: many starts and many hyperparameters walked in one vectorized loop.

    >>> import numpy as np, toylands as tl
    >>> traj = tl.run(tl.adam(lr=0.1), tl.himmelblau, steps=500)
    >>> traj.positions.shape          # (steps + 1, runs, dim): one run per default start
    (501, 5, 2)
    >>> traj.ended_in.tolist()        # which declared minimum each run ended in
    [0, 2, 3, 1, 0]

A run that leaves the box by more than ``escape`` box sizes, or whose position stops being
finite, has diverged: it is frozen where it last was, flagged, and the step is recorded.
numpy's overflow warnings stay quiet.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from collections.abc import Mapping, Sequence

import numpy as np

from .landscape import Landscape
from .optim import Optimizer, OptimizerError, optimizer, per_run

__all__ = ["Trajectory", "run", "race", "gradient_flow", "RunError"]


class RunError(ValueError):
    """A run was asked for with arguments that do not fit together."""


@dataclass(frozen=True, eq=False)
class Trajectory:
    """The result of a run: positions ``(steps + 1, runs, dim)`` and what became of each run.

    ``values`` and ``grad_norms`` (shape ``(steps + 1, runs)``) are computed on first use, in
    one batched call. ``diverged_at[i]`` is the step at which run ``i`` diverged, -1 if never.
    """

    positions: np.ndarray
    landscape: Landscape
    name: str = ""
    hyper: Mapping = field(default_factory=dict)
    diverged_at: np.ndarray | None = None
    times: np.ndarray | None = None

    def __post_init__(self):
        if self.diverged_at is None:
            object.__setattr__(self, "diverged_at", np.full(self.positions.shape[1], -1))
        self.positions.setflags(write=False)

    @property
    def steps(self) -> int:
        return self.positions.shape[0] - 1

    @property
    def runs(self) -> int:
        return self.positions.shape[1]

    def __len__(self):
        return self.runs

    @property
    def diverged(self) -> np.ndarray:
        """Which runs diverged, shape ``(runs,)``."""
        return self.diverged_at >= 0

    @property
    def final(self) -> np.ndarray:
        """Where each run ended (where it was frozen, if it diverged), shape ``(runs, dim)``."""
        return self.positions[-1]

    @cached_property
    def values(self) -> np.ndarray:
        """The loss along each run, shape ``(steps + 1, runs)``."""
        with np.errstate(all="ignore"):
            return np.asarray(self.landscape.f(self.positions), dtype=float)

    @cached_property
    def grad_norms(self) -> np.ndarray:
        """The gradient's norm along each run, shape ``(steps + 1, runs)``."""
        with np.errstate(all="ignore"):
            return np.linalg.norm(self.landscape.grad_raw(self.positions), axis=-1)

    @property
    def final_values(self) -> np.ndarray:
        return self.values[-1]

    def ended_in_within(self, radius: float) -> np.ndarray:
        """Index into ``landscape.minima`` of the declared minimum each run ended within ``radius`` of, or -1."""
        minima = np.array([c.x for c in self.landscape.minima]).reshape(-1, self.landscape.dim)
        if not len(minima):
            return np.full(self.runs, -1)
        d = np.linalg.norm(self.final[:, None, :] - minima[None], axis=-1)
        nearest = np.argmin(d, axis=1)
        hit = (d[np.arange(self.runs), nearest] <= radius) & ~self.diverged
        return np.where(hit, nearest, -1)

    @cached_property
    def ended_in(self) -> np.ndarray:
        """Index into ``landscape.minima`` of the declared minimum each run ended at (within 1% of the box), or -1."""
        return self.ended_in_within(0.01 * float(np.linalg.norm(np.ptp(self.landscape.bounds, axis=1))))

    @property
    def endings(self) -> list[str]:
        """In words, how each run ended: ``'min 0 at (3, 2)'``, ``'diverged at step 12'`` or ``'elsewhere'``."""
        out = []
        minima = self.landscape.minima
        for i, k in enumerate(self.ended_in):
            if self.diverged[i]:
                out.append(f"diverged at step {self.diverged_at[i]}")
            elif k >= 0:
                out.append(f"min {k} at ({', '.join(f'{v:.4g}' for v in minima[k].x)})")
            else:
                out.append("elsewhere")
        return out

    def steps_to(self, tol: float = 1e-6, target: float | None = None) -> np.ndarray:
        """The first step at which each run's loss is within ``tol`` of ``target`` and stays there; -1 if never.

        ``target`` defaults to the landscape's declared lowest value; where it declares none, the
        criterion is the gradient norm falling below ``tol``.
        """
        target = self.landscape.min_value if target is None else target
        gap = self.grad_norms if target is None else self.values - target
        good = np.abs(gap) <= tol
        # the last step that was not good, plus one
        bad_from_end = np.argmax(~good[::-1], axis=0)
        first = np.where(good.all(axis=0), 0, self.steps + 1 - bad_from_end)
        return np.where(good[-1] & ~self.diverged, first, -1)

    def __getitem__(self, idx) -> Trajectory:
        """The runs ``idx`` (an index, slice, mask or list) as a Trajectory of their own."""
        idx = np.arange(self.runs)[idx]
        idx = np.atleast_1d(idx)
        hyper = {
            k: (v[idx] if isinstance(v, np.ndarray) and v.ndim and v.shape[0] == self.runs else v) for k, v in self.hyper.items()
        }
        return Trajectory(self.positions[:, idx], self.landscape, self.name, hyper, self.diverged_at[idx], self.times)

    def __repr__(self):
        return (
            f"Trajectory({self.name or 'run'} on {self.landscape.name!r}: {self.runs} runs x {self.steps} steps, "
            f"{int(self.diverged.sum())} diverged)"
        )


def _as_landscape(landscape) -> Landscape:
    if isinstance(landscape, Landscape):
        return landscape
    if isinstance(landscape, str):
        from .zoo import get

        return get(landscape)
    raise RunError(f"landscape must be a toylands Landscape or a catalogue name; got {type(landscape).__name__}")


def _as_optimizer(opt) -> Optimizer:
    if isinstance(opt, Optimizer):
        return opt
    if callable(opt):
        return optimizer(opt)
    raise RunError(f"opt must be a toylands Optimizer (e.g. tl.adam(0.1)) or an update function; got {type(opt).__name__}")


def _batch_size(opt: Optimizer, n_starts: int, noise) -> int:
    """How many runs: the starts and every per-run hyperparameter must agree (or be single)."""
    sizes = {}
    for name, v in {**opt.hyper, "noise": noise}.items():
        if callable(v) or v is None:
            continue
        a = np.asarray(v)
        if a.ndim and a.shape[0] > 1:
            sizes[name] = a.shape[0]
    for name, n in sizes.items():
        if n_starts > 1 and n != n_starts:
            raise RunError(f"{n_starts} starts do not fit {n} values of {name}: give one start, or one per run")
    runs = max([n_starts, *sizes.values()])
    for name, n in sizes.items():
        if n != runs:
            raise OptimizerError(
                f"hyperparameter {name} has {n} values, which does not broadcast with a batch of {runs} runs "
                f"({n_starts} starts; {', '.join(f'{k}: {v}' for k, v in sizes.items())}). "
                "Give one value, or one per run."
            )
    return runs


def run(
    opt,
    landscape,
    starts=None,
    steps: int = 200,
    *,
    noise=0.0,
    seed: int = 0,
    escape: float = 10.0,
    common_noise: bool = False,
) -> Trajectory:
    """Walk ``landscape`` with ``opt`` from each start, all runs at once.

    Args:
      opt: an Optimizer (``tl.adam(0.1)``), or a plain update function (see ``tl.optimizer``).
      landscape: a Landscape or a catalogue name.
      starts: one start ``(dim,)`` or a batch ``(runs, dim)``; default: the landscape's starts.
      steps: how many updates.
      noise: Gaussian noise of this size added to every gradient (a number, or one per run).
      seed: seeds the noise, so a run is reproducible.
      escape: a run diverges when it leaves the box by more than this many box sizes.
      common_noise: every run gets the same noise sequence (each then equals the same run done
        alone with this seed), so a sweep over learning rates compares like with like.

    Returns:
      A Trajectory with positions ``(steps + 1, runs, dim)``.
    """
    L = _as_landscape(landscape)
    opt = _as_optimizer(opt)
    if not isinstance(steps, (int, np.integer)) or steps < 0:
        raise RunError(f"steps must be a whole number >= 0; got {steps!r}")
    x0 = L.as_points(L.starts if starts is None else starts, "starts", batch=True)
    sigma = per_run("noise", noise)
    runs = _batch_size(opt, len(x0), noise)
    x = np.array(np.broadcast_to(x0, (runs, L.dim)), dtype=float)
    limit_lo, limit_hi = _limits(L, escape)
    # Inside the largest cube about the origin that fits in the limit box, no run can have
    # diverged: one scalar comparison a step (exact checks only when something is out there).
    inner = min(-limit_lo.max(), limit_hi.min())
    rng = np.random.default_rng(seed) if np.any(sigma) else None

    X = np.empty((steps + 1, runs, L.dim))
    X[0] = x
    diverged_at = np.full(runs, -1)
    frozen = None
    grad = L.grad_fn or L.autograd_grad
    with np.errstate(all="ignore"):
        try:
            state = opt.init(x)
        except Exception as e:
            raise OptimizerError(f"optimizer {opt.name!r} failed to initialise: {type(e).__name__}: {e}") from e
        for t in range(steps):
            g = grad(x)
            if rng is not None:
                g = g + sigma * rng.standard_normal(g.shape[-1:] if common_noise else g.shape)
            try:
                u, state = opt.update(g, state, x, landscape=L)
            except Exception as e:
                raise OptimizerError(f"optimizer {opt.name!r} raised {type(e).__name__} at step {t}: {e}") from e
            if t == 0:
                _check_step(opt, u, x)
            x_new = x + u
            if frozen is not None:
                x_new[frozen] = x[frozen]
            if not np.abs(x_new).max() <= inner:  # also catches NaN
                out = ~np.all((x_new >= limit_lo) & (x_new <= limit_hi), axis=-1)
                if out.any():
                    diverged_at[out & (diverged_at < 0)] = t + 1
                    frozen = diverged_at >= 0
                    x_new[frozen] = x[frozen]
            x = x_new
            X[t + 1] = x
    return Trajectory(X, L, opt.name, dict(opt.hyper), diverged_at)


def _limits(L: Landscape, escape: float):
    """The box a run must stay in: the landscape's box grown by ``escape`` box sizes on every side."""
    if not escape > 0:
        raise RunError(f"escape must be a positive number of box sizes; got {escape!r}")
    lo, hi = L.bounds[:, 0], L.bounds[:, 1]
    return lo - escape * (hi - lo), hi + escape * (hi - lo)


def _check_step(opt, u, x):
    shape = getattr(u, "shape", None)
    if shape != x.shape:
        raise OptimizerError(
            f"optimizer {opt.name!r} returned a step of shape {shape} for parameters of shape {x.shape}; "
            "update(grads, state, params) must return (step, state) with step shaped like params"
        )


def race(
    optimizers: Mapping[str, Optimizer] | Sequence[Optimizer],
    landscape,
    starts=None,
    steps: int = 200,
    *,
    noise=0.0,
    seed: int = 0,
    escape: float = 10.0,
) -> dict[str, Trajectory]:
    """Run several optimizers from the same starts, for the same number of steps, with the same noise.

    >>> import toylands as tl
    >>> res = tl.race({"GD": tl.gd(0.001), "Adam": tl.adam(0.05)}, tl.rosenbrock, [-1.2, 1.0], steps=300)
    >>> bool(res["Adam"].final_values[0] < res["GD"].final_values[0])
    True
    """
    if not isinstance(optimizers, Mapping):
        optimizers = {o.name: o for o in optimizers}
    if not optimizers:
        raise RunError("race needs at least one optimizer")
    L = _as_landscape(landscape)
    starts = L.starts if starts is None else starts
    return {name: run(o, L, starts, steps, noise=noise, seed=seed, escape=escape) for name, o in optimizers.items()}


def gradient_flow(
    landscape,
    starts=None,
    *,
    lr: float | None = None,
    steps: int | None = None,
    times=None,
    rtol: float = 1e-10,
    atol: float = 1e-12,
) -> Trajectory:
    """The continuous-time path ``dx/dt = -grad f(x)``, integrated accurately (scipy's LSODA).

    Give ``lr`` and ``steps`` to sample it at the times ``lr * k`` where gradient descent with
    that learning rate has taken ``k`` steps, or ``times`` directly. Gradient descent with a
    small learning rate follows this path; with a large one it does not.

        >>> import numpy as np, toylands as tl
        >>> flow = tl.gradient_flow(tl.bowl, [1.0, 0.0], times=[0.0, 1.0])
        >>> round(float(flow.final[0, 0]), 8) == round(float(np.exp(-1)), 8)
        True
    """
    from scipy.integrate import solve_ivp

    L = _as_landscape(landscape)
    x0 = L.as_points(L.starts if starts is None else starts, "starts", batch=True)
    if times is None:
        if lr is None or steps is None:
            raise RunError("gradient_flow needs either times=..., or lr=... and steps=... to match gradient descent")
        times = float(per_run("lr", lr, open_low=True)) * np.arange(steps + 1)
    times = np.asarray(times, dtype=float)
    if times.ndim != 1 or times.size == 0 or np.any(np.diff(times) < 0) or times[0] < 0:
        raise RunError("times must be a non-empty, increasing 1-D array of times >= 0")
    n, d = x0.shape

    def rhs(t, y):
        return -L.grad_raw(y.reshape(n, d)).ravel()

    def jac(t, y):
        H = L.hessian_raw(y.reshape(n, d))
        J = np.zeros((n * d, n * d))
        for i in range(n):
            J[i * d : (i + 1) * d, i * d : (i + 1) * d] = -H[i]
        return J

    with np.errstate(all="ignore"):
        sol = solve_ivp(
            rhs,
            (0.0, times[-1]),
            x0.ravel(),
            method="LSODA",
            t_eval=times,
            rtol=rtol,
            atol=atol,
            jac=jac if n * d <= 400 else None,
        )
    X = np.full((len(times), n, d), np.nan)
    X[: sol.y.shape[1]] = sol.y.T.reshape(-1, n, d)
    diverged_at = np.full(n, -1)
    if sol.y.shape[1] < len(times):  # the solver gave up: the flow ran away
        diverged_at[:] = sol.y.shape[1]
        X[sol.y.shape[1] :] = X[sol.y.shape[1] - 1]
    return Trajectory(X, L, "gradient flow", {"lr": lr} if lr is not None else {}, diverged_at, times)
