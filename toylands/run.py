"""Batched runs: many starts and many hyperparameters walked in one vectorized loop.

    >>> import numpy as np, toylands as tl
    >>> traj = tl.run(tl.adam(lr=0.1), tl.himmelblau, steps=500)
    >>> traj.positions.shape          # (steps + 1, runs, dim): one run per default start
    (501, 5, 2)
    >>> traj.endings[1]               # how each run ended, in words
    'converged to min 2 at (-2.805, 3.131)'

A run that leaves the box by more than ``escape`` box sizes, or whose step stops being a finite
number, is stopped: frozen where it last was, and the step is recorded. Whether it *diverged*
(the step size blew it up: the loss rose) or *escaped* (the landscape falls away without bound
there: the loss kept falling) is read from its losses. numpy's overflow warnings stay quiet.

How each run ended is decided in one place, ``Trajectory.outcomes``, in one vocabulary that every
readout, printout, plot and check uses:

- **converged** to a named critical point (a declared minimum, a point of a set of minima, or a
  minimum found where the gradient vanished);
- **resting** at a saddle (or a maximum, or a degenerate point);
- still **moving**, with how far it is from the nearest minimum;
- **escaped** at step k: the landscape falls away without bound there;
- **diverged** at step k: the step size blew the run up.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from functools import cached_property
from typing import NamedTuple
from collections.abc import Mapping, Sequence

import numpy as np

from ._args import afford, flag
from ._budget import check_memory
from ._budget import progress as progress_bar
from .landscape import CriticalPoint, CriticalSet, Landscape, signature
from .optim import OPTIMIZERS, Optimizer, OptimizerError, optimizer, per_run
from .zoo import get

__all__ = ["Trajectory", "Outcome", "OUTCOMES", "run", "race", "gradient_flow", "RunError", "number"]


class RunError(ValueError):
    """A run was asked for with arguments that do not fit together."""


#: The kinds of outcome, in the order a teacher would list them.
OUTCOMES = ("converged", "resting", "moving", "escaped", "diverged")


def number(v: float) -> str:
    """A number the way a person would type it: ``0.02``, ``3``, ``-2.805``, ``1e-06``."""
    v = float(v)
    if v == 0:
        return "0"
    return f"{v:.4g}"


def point(x) -> str:
    """``(3, 2)``, ``(-2.805, 3.131)``; a coordinate a billion times smaller than the point's size reads 0."""
    x = np.ravel(np.asarray(x, float))
    tiny = 1e-9 * max(1.0, float(np.abs(x).max(initial=0.0)))
    return "(" + ", ".join(number(0.0 if abs(v) < tiny else v) for v in x) + ")"


class Outcome(NamedTuple):
    """How one run ended: ``kind`` (one of ``OUTCOMES``), the step it stopped at (escaped, diverged),
    the critical point or set it ended at, its index in ``landscape.minima`` (-1 if none), its distance
    to the nearest declared minimum, and ``words``, the sentence every printout uses."""

    kind: str
    words: str
    step: int = -1
    at: CriticalPoint | CriticalSet | None = None
    minimum: int = -1
    distance: float = float("nan")
    period: int = 0  # a run still moving that ended bouncing among this many points (0: it did not)

    def __str__(self):
        return self.words


def _name(L: Landscape, c: CriticalPoint) -> str:
    """What a run that ends at ``c`` calls it: its declared name, 'the global minimum', 'min 2', 'the saddle'."""
    if c.name:
        return c.name
    if c in L.minima:
        k = L.minima.index(c)
        unique_global = c.is_global and sum(m.is_global for m in L.minima) == 1
        return "the global minimum" if unique_global else f"min {k}"
    same = [d for d in L.critical if d.kind == c.kind]
    word = {"saddle": "saddle", "max": "maximum", "degenerate": "degenerate point"}[c.kind]
    return f"the {word}" if len(same) == 1 else f"a {word}"


@dataclass(frozen=True, eq=False)
class Trajectory:
    """The result of a run: positions ``(steps + 1, runs, dim)`` and what became of each run.

    ``values`` and ``grad_norms`` (shape ``(steps + 1, runs)``) are computed on first use, in
    one batched call. ``stopped_at[i]`` is the step at which run ``i`` was stopped (it left the
    region runs may reach, or its step was not a finite number), -1 if never; ``causes[i]`` says
    which (``"fell"`` or ``"rose"``: it left on a step where the loss fell or rose; ``"nan"``; ``"left"`` where
    that is not known). ``outcomes`` says how each run ended.
    """

    positions: np.ndarray
    landscape: Landscape
    name: str = ""
    hyper: Mapping = field(default_factory=dict)
    stopped_at: np.ndarray | None = None
    times: np.ndarray | None = None
    causes: tuple[str, ...] | None = None

    def __post_init__(self):
        runs = self.positions.shape[1]
        if self.stopped_at is None:
            object.__setattr__(self, "stopped_at", np.full(runs, -1))
        if self.causes is None:
            object.__setattr__(self, "causes", tuple("left" if s >= 0 else "" for s in self.stopped_at))
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
    def stopped(self) -> np.ndarray:
        """Which runs were stopped (escaped or diverged), shape ``(runs,)``."""
        return self.stopped_at >= 0

    @property
    def kinds(self) -> np.ndarray:
        """Each run's kind of outcome (see ``OUTCOMES``), shape ``(runs,)``."""
        return np.array([o.kind for o in self.outcomes])

    @property
    def diverged(self) -> np.ndarray:
        """Which runs diverged (the step size blew them up), shape ``(runs,)``."""
        return self.kinds == "diverged"

    @property
    def escaped(self) -> np.ndarray:
        """Which runs escaped (the loss falls away without bound where they left), shape ``(runs,)``."""
        return self.kinds == "escaped"

    @property
    def diverged_at(self) -> np.ndarray:
        """The step at which each run diverged, -1 where it did not."""
        return np.where(self.diverged, self.stopped_at, -1)

    @property
    def final(self) -> np.ndarray:
        """Where each run ended (where it was frozen, if it was stopped), shape ``(runs, dim)``."""
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
        hit = (d[np.arange(self.runs), nearest] <= radius) & ~self.stopped
        return np.where(hit, nearest, -1)

    @property
    def ended_in(self) -> np.ndarray:
        """Index into ``landscape.minima`` of the declared minimum each run converged to, or -1."""
        return np.array([o.minimum for o in self.outcomes])

    @property
    def endings(self) -> list[str]:
        """How each run ended, in words: ``'converged to the global minimum at (3, 2)'``, ``'diverged at step 12'``."""
        return [o.words for o in self.outcomes]

    @cached_property
    def outcomes(self) -> list[Outcome]:
        """How each run ended (see the module's docstring): one ``Outcome`` per run."""
        return _outcomes(self)

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
        return np.where(good[-1] & ~self.stopped, first, -1)

    def __getitem__(self, idx) -> Trajectory:
        """The runs ``idx`` (an index, slice, mask or list) as a Trajectory of their own."""
        idx = np.atleast_1d(np.arange(self.runs)[idx])
        hyper = {
            k: (v[idx] if isinstance(v, np.ndarray) and v.ndim and v.shape[0] == self.runs else v) for k, v in self.hyper.items()
        }
        causes = tuple(self.causes[i] for i in idx)
        return Trajectory(self.positions[:, idx], self.landscape, self.name, hyper, self.stopped_at[idx], self.times, causes)

    def __repr__(self):
        counts = ", ".join(f"{int(n)} {k}" for k in OUTCOMES if (n := np.sum(self.kinds == k)))
        return f"Trajectory({self.name or 'run'} on {self.landscape.name!r}: {self.runs} runs x {self.steps} steps; {counts})"


#: Above this many coordinates a flat end point is not classified by its Hessian (which would need dim**2 numbers).
HESSIAN_DIM = 400


def _outcomes(tr: Trajectory) -> list[Outcome]:
    """Classify every run of ``tr``: the one place where 'how did it end' is decided."""
    L = tr.landscape
    r = 0.01 * L.diameter  # 'at' a point: within 1% of the box's diagonal
    X = tr.final
    minima = L.minima
    with np.errstate(all="ignore"):
        values = tr.values
        M = np.array([c.x for c in minima]).reshape(-1, L.dim)
        d_min = np.linalg.norm(X[:, None, :] - M[None], axis=-1) if len(M) else np.full((tr.runs, 0), np.inf)
        d_sets = np.stack([s.distance(X) for s in L.critical_sets], -1) if L.critical_sets else np.full((tr.runs, 0), np.inf)
        others = [c for c in L.critical if c not in minima]
        P = np.array([c.x for c in others]).reshape(-1, L.dim)
        d_other = np.linalg.norm(X[:, None, :] - P[None], axis=-1) if len(P) else np.full((tr.runs, 0), np.inf)
    min_sets = [k for k, s in enumerate(L.critical_sets) if s.kind == "min"]
    nearest_min = np.minimum(
        d_min.min(axis=1, initial=np.inf), d_sets[:, min_sets].min(axis=1, initial=np.inf) if min_sets else np.inf
    )
    out: list[Outcome | None] = [None] * tr.runs
    unknown = []
    # 'converged' means near the point and practically still: a run creeping towards it is still moving
    last = np.linalg.norm(tr.positions[-1] - tr.positions[-2], axis=-1) if tr.steps else np.zeros(tr.runs)
    still = last <= 1e-3 * r
    for i in range(tr.runs):
        k = int(tr.stopped_at[i])
        if k >= 0:
            out[i] = _stopped(tr, i, k, values[:, i])
        elif d_min.shape[1] and d_min[i].min() <= r and still[i]:
            j = int(np.argmin(d_min[i]))
            c = minima[j]
            out[i] = Outcome("converged", f"converged to {_name(L, c)} at {point(c.x)}", at=c, minimum=j, distance=d_min[i, j])
        elif d_other.shape[1] and d_other[i].min() <= r and still[i]:
            c = others[int(np.argmin(d_other[i]))]
            out[i] = Outcome("resting", f"resting at {_name(L, c)} at {point(c.x)}", at=c, distance=float(nearest_min[i]))
        elif d_sets.shape[1] and d_sets[i].min() <= r and still[i]:
            near = [k for k in np.argsort(d_sets[i]) if d_sets[i, k] <= r]
            s = L.critical_sets[int(near[0])]
            kind = "converged" if s.kind == "min" else "resting"
            verb = "converged to" if kind == "converged" else "resting on"
            words = f"{verb} the {s.name} at {point(X[i])}"
            crossing = [L.critical_sets[k].name for k in near[:2] if L.critical_sets[k].kind == s.kind]
            if len(crossing) == 2 and crossing[0] != crossing[1]:  # near two sets at once: where they cross
                words = f"{verb} where the {crossing[0]} and the {crossing[1]} cross, at {point(X[i])}"
            out[i] = Outcome(kind, words, at=s, distance=0.0 if kind == "converged" else float(nearest_min[i]))
        else:
            unknown.append(i)
    if unknown:  # not at anything declared: ask the gradient, and where it vanishes the Hessian
        Xu = X[unknown]
        with np.errstate(all="ignore"):
            g = np.linalg.norm(L.grad_raw(Xu), axis=-1)
            flat = g <= 1e-6 * (1 + np.abs(values[-1, unknown]))
            kinds = np.full(len(unknown), "", dtype=object)
            if flat.any() and L.dim <= HESSIAN_DIM:  # a network's Hessian would not fit: it stays "barely moving"
                H = L.hessian_raw(Xu[flat])
                # curvature below the landscape's own scale (height over box size squared) counts as none
                scale = (1 + np.abs(values[-1, unknown][flat])) / L.diameter**2
                lam = np.linalg.eigvalsh(0.5 * (H + np.swapaxes(H, -1, -2)))
                kinds[flat] = signature(lam, atol=1e-8 * scale[:, None])
        cycles = _cycles(tr.positions[:, unknown], L.diameter)  # all at once: a loop over runs cost 0.1 ms a run
        for n, i in enumerate(unknown):
            far = f", {number(nearest_min[i])} from the nearest minimum" if np.isfinite(nearest_min[i]) else ""
            if not flat[n] and last[i] <= 1e-9 * L.diameter:  # stopped where the loss is not flat: the optimizer's own balance
                decay = tr.hyper.get("weight_decay", 0.0)
                wd = callable(decay) or bool(np.any(np.asarray(decay) != 0))
                why = "its weight decay pulls against the gradient" if wd else "the optimizer's own balance holds it"
                out[i] = Outcome("resting", f"resting at {point(X[i])}, not a critical point of the loss: {why}",
                                 distance=float(nearest_min[i]))  # fmt: skip
                continue
            cycle = int(cycles[n])
            if cycle:
                words = "two points" if cycle == 2 else f"{cycle} points"
                out[i] = Outcome("moving", f"still moving: bouncing between {words}{far}", distance=float(nearest_min[i]),
                                 period=cycle)  # fmt: skip
                continue
            if kinds[n] == "min":
                out[i] = Outcome("converged", f"converged to a minimum at {point(X[i])} (not a declared one)",
                                 distance=float(nearest_min[i]))  # fmt: skip
            elif kinds[n] in ("saddle", "max"):
                word = "a saddle" if kinds[n] == "saddle" else "a maximum"
                out[i] = Outcome("resting", f"resting at {word} at {point(X[i])}", distance=float(nearest_min[i]))
            elif kinds[n] == "degenerate" or flat[n]:
                out[i] = Outcome("moving", f"still moving (barely: the gradient is {g[n]:.2g}){far}",
                                 distance=float(nearest_min[i]))  # fmt: skip
            else:
                out[i] = Outcome("moving", f"still moving{far}", distance=float(nearest_min[i]))
    return out


def _cycles(P: np.ndarray, size: float, longest: int = 4) -> np.ndarray:
    """For each run of ``P`` (steps + 1, runs, dim): the period p (2 to ``longest``) of a run that ended bouncing among
    p points (every p steps it comes back to within a thousandth of its step, while its steps stay large), else 0."""
    out = np.zeros(P.shape[1], int)
    if len(P) <= 2 * longest:
        return out
    with np.errstate(all="ignore"):
        step = np.linalg.norm(P[-1] - P[-2], axis=-1)
        ok = np.all(np.isfinite(P[-2 * longest :]), axis=(0, 2)) & (step > 1e-6 * size)
        for p in range(2, longest + 1):
            back = np.linalg.norm(P[-p:] - P[-2 * p : -p], axis=-1).max(axis=0)
            found = ok & (out == 0) & (back <= 1e-3 * step)
            out[found] = p
    return out


def _stopped(tr: Trajectory, i: int, k: int, v: np.ndarray) -> Outcome:
    """A stopped run escaped when the loss was still falling, to below where it began, and fell on the step that
    took it out; else it diverged."""
    if tr.causes[i] == "nan":
        return Outcome("diverged", f"diverged at step {k} (the step was not a finite number)", step=k)
    if tr.causes[i] == "flow":  # a flow has no step size to blow up: it ran away downhill
        t = number(tr.times[k]) if tr.times is not None else str(k)
        return Outcome("escaped", f"escaped before t = {t}: the flow runs away without bound there", step=k)
    seen = v[:k]
    seen = seen[np.isfinite(seen)]
    falling = seen.size >= 2 and seen[-1] < seen[0] and seen[-1] <= seen.min()
    # Escaped: the loss kept falling, on the very step that left too. (A step that threw the run out uphill, as
    # L-BFGS's first long steps on Rosenbrock do, is the step size's doing, however the loss fell before it.)
    if falling and tr.causes[i] != "rose":
        return Outcome("escaped", f"escaped at step {k}: the loss falls away without bound there", step=k)
    return Outcome("diverged", f"diverged at step {k}", step=k)


### running


def _as_optimizer(opt) -> Optimizer:
    if isinstance(opt, Optimizer):
        return opt
    if opt in OPTIMIZERS.values() or getattr(opt, "__module__", "") == "toylands.optim":
        name = getattr(opt, "__name__", "it")
        raise RunError(
            f"tl.{name} is the factory that makes an optimizer; call it with its hyperparameters, e.g. tl.{name}(lr=0.01)"
        )
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


def _seed(seed) -> int:
    if isinstance(seed, (bool, np.bool_)) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise RunError(f"seed must be a whole number >= 0; got {seed!r}")
    return int(seed)


def _steps(steps) -> int:
    if isinstance(steps, (bool, np.bool_)) or not isinstance(steps, (int, np.integer)) or steps < 0:
        raise RunError(f"steps must be a whole number >= 0; got {steps!r}")
    return int(steps)


class _Setup(NamedTuple):
    L: Landscape
    opt: Optimizer
    x: np.ndarray
    sigma: object
    lo: np.ndarray
    hi: np.ndarray


def _setup(opt, landscape, starts, noise, escape) -> _Setup:
    L = get(landscape)
    opt = _as_optimizer(opt)
    x0 = L.as_points(L.starts if starts is None else starts, "starts", batch=True)
    if len(x0) == 0:
        raise RunError("starts is empty: give one start (dim,) or a batch (runs, dim), or None for the landscape's own")
    sigma = per_run("noise", noise)
    runs = _batch_size(opt, len(x0), noise)
    lo, hi = _limits(L, escape)
    outside = ~np.all((x0 >= lo) & (x0 <= hi), axis=-1)
    if outside.any():
        raise RunError(
            f"start {point(x0[outside][0])} lies outside the region runs may reach, {escape:g} box sizes around "
            f"the box {L.bounds.tolist()} of {L.name!r}: it would be stopped before its first step. "
            "Start inside the box (or pass a larger escape=)."
        )
    return _Setup(L, opt, np.array(np.broadcast_to(x0, (runs, L.dim)), dtype=float), sigma, lo, hi)


def _walk(s: _Setup, steps: int, seed: int, common_noise: bool, record: bool, show: bool | None, desc: str):
    """The loop every run takes: returns (positions or None, final x, stopped_at, causes)."""
    L, opt, x, sigma, limit_lo, limit_hi = s
    runs = len(x)
    # Inside the largest cube about the origin that fits in the limit box, no run can have left:
    # one scalar comparison a step (exact checks only when something is out there).
    inner = min(-limit_lo.max(), limit_hi.min())
    rng = np.random.default_rng(seed) if np.any(sigma) else None
    X = np.empty((steps + 1, runs, L.dim)) if record else None
    if record:
        X[0] = x
        x = X[0]  # each step is written straight into the record: no new array a step, and no copy
    x.flags.writeable = False  # what the optimizer sees as params is the record: it may not write into it
    scratch = np.empty_like(x)
    stopped_at = np.full(runs, -1)
    nan_step, fell = np.zeros(runs, bool), np.zeros(runs, bool)
    frozen = None
    grad = L.grad_fn or L.autograd_grad
    bar, t0 = None, time.perf_counter()
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
            except OptimizerError:
                raise
            except ValueError as e:
                if "read-only" not in str(e):
                    raise OptimizerError(f"optimizer {opt.name!r} raised ValueError at step {t}: {e}") from e
                raise OptimizerError(f"optimizer {opt.name!r} wrote into a read-only array at step {t}: {e}. params are "
                                     "the recorded positions, read-only: return the step, and run adds it") from e  # fmt: skip
            except Exception as e:
                raise OptimizerError(f"optimizer {opt.name!r} raised {type(e).__name__} at step {t}: {e}") from e
            if t == 0:
                _check_first_step(opt, u, x, g)
            x_new = np.add(x, u, out=X[t + 1]) if record else x + u
            np.abs(x_new, out=scratch)
            if frozen is not None:  # stopped runs stay where they were, and are not checked again
                np.copyto(x_new, x, where=frozen)
                np.copyto(scratch, 0.0, where=frozen)
            if not scratch.max() <= inner:  # also catches NaN
                bad = ~np.all(np.isfinite(u), axis=-1) & (stopped_at < 0)
                out = ~np.all((x_new >= limit_lo) & (x_new <= limit_hi), axis=-1)
                if out.any():
                    nan_step |= bad
                    new = out & (stopped_at < 0)
                    stopped_at[new] = t + 1
                    fell[new] = _fell(L, x[new], x_new[new])
                    frozen = (stopped_at >= 0)[:, None]
                    np.copyto(x_new, x, where=frozen)
            x = x_new
            x.flags.writeable = False
            if bar is not None:
                bar.update(1)
            elif t == 9 and (show or (show is None and (time.perf_counter() - t0) * steps / 10 > 3.0)):
                bar = progress_bar(total=steps, desc=desc)
                bar.update(10)
    if bar is not None:
        bar.close()
    causes = tuple("nan" if n else ("fell" if f else "rose") if k >= 0 else ""
                   for n, f, k in zip(nan_step.tolist(), fell.tolist(), stopped_at.tolist(), strict=True))  # Python values: fast
    return X, x, stopped_at, causes


def _fell(L: Landscape, before: np.ndarray, after: np.ndarray) -> np.ndarray:
    """Whether the loss fell on the step that took each run out of the region (from ``before`` to ``after``): the
    one fact that tells a landscape falling away without bound from a step size that threw the run out."""
    try:
        a, b = np.asarray(L.f(before), float), np.asarray(L.f(after), float)
    except Exception:  # a loss that cannot be evaluated out there did not fall
        return np.zeros(len(before), bool)
    return (b < a) & ~np.isnan(b)


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
    progress: bool | None = None,
) -> Trajectory:
    """Walk ``landscape`` with ``opt`` from each start, all runs at once.

    Args:
      opt: an Optimizer (``tl.adam(0.1)``), or a plain update function (see ``tl.optimizer``).
      landscape: a Landscape or a catalogue name.
      starts: one start ``(dim,)`` or a batch ``(runs, dim)``; default: the landscape's starts.
      steps: how many updates.
      noise: Gaussian noise of this size added to every gradient (a number, or one per run).
      seed: seeds the noise, so a run is reproducible.
      escape: a run is stopped when it leaves the box by more than this many box sizes.
      common_noise: every run gets the same noise sequence (each then equals the same run done
        alone with this seed), so a sweep over learning rates compares like with like.
      progress: show a progress bar; by default one appears when the run will take more than a
        few seconds.

    Returns:
      A Trajectory with positions ``(steps + 1, runs, dim)``; ``traj.endings`` says how each ended.
    """
    steps, seed = _steps(steps), _seed(seed)
    common_noise = flag("common_noise", common_noise, error=RunError)
    progress = None if progress is None else flag("progress", progress, error=RunError)
    s = _setup(opt, landscape, starts, noise, escape)
    check_memory(
        8.0 * (steps + 1) * len(s.x) * s.L.dim,
        f"a run of {steps} steps x {len(s.x)} runs x {s.L.dim} coordinates",
        "take fewer steps or runs (tl.basins keeps only where each run ends)",
        RunError,
    )
    X, _, stopped_at, causes = _walk(s, steps, seed, common_noise, True, progress, f"{s.opt.name} on {s.L.name}")
    return Trajectory(X, s.L, s.opt.name, dict(s.opt.hyper), stopped_at, None, causes)


def run_final(opt, landscape, starts, steps: int, *, chunk: int = 4096, progress: bool | None = None, **kw) -> Trajectory:
    """Like ``run``, but keep only where each run started and ended (positions ``(2, runs, dim)``), in chunks of
    ``chunk`` starts: for grids of starts too large to record whole (basins). ``stopped_at`` counts real steps."""
    steps = _steps(steps)
    L = get(landscape)
    starts = L.as_points(starts, "starts", batch=True)
    if len(starts) <= chunk:
        parts = [starts]
    else:
        parts = [starts[i : i + chunk] for i in range(0, len(starts), chunk)]
    first, last, stopped, causes, name, hyper = [], [], [], [], "", {}
    seed, common = _seed(kw.pop("seed", 0)), kw.pop("common_noise", False)
    show = bool(progress) or (progress is None and len(parts) > 4)
    for part in progress_bar(parts, desc=f"runs from {len(starts)} starts", enabled=show):
        s = _setup(opt, L, part, kw.get("noise", 0.0), kw.get("escape", 10.0))
        _, x, st, ca = _walk(s, steps, seed, common, False, False, "")
        first.append(s.x)
        last.append(x)
        stopped.append(st)
        causes += ca
        name, hyper = s.opt.name, dict(s.opt.hyper)
    X = np.stack([np.concatenate(first), np.concatenate(last)])
    return Trajectory(X, L, name, hyper, np.concatenate(stopped), None, tuple(causes))


def _limits(L: Landscape, escape: float):
    """The box a run must stay in: the landscape's box grown by ``escape`` box sizes on every side."""
    if isinstance(escape, (bool, np.bool_)) or not isinstance(escape, (int, float, np.integer, np.floating)) or not escape > 0:
        raise RunError(f"escape must be a positive number of box sizes; got {escape!r}")
    lo, hi = L.bounds[:, 0], L.bounds[:, 1]
    return lo - escape * (hi - lo), hi + escape * (hi - lo)


def _check_first_step(opt, u, x, g):
    shape = getattr(u, "shape", None)
    if shape != x.shape:
        raise OptimizerError(
            f"optimizer {opt.name!r} returned a step of shape {shape} for parameters of shape {x.shape}; "
            "update(grads, state, params) must return (step, state) with step shaped like params"
        )
    dtype = np.asarray(u).dtype
    if not np.can_cast(dtype, float, "same_kind"):
        raise OptimizerError(f"optimizer {opt.name!r} returned a step of dtype {dtype}; a step is real numbers (float)")
    if not opt.makes_step:
        raise OptimizerError(
            f"optimizer {opt.name!r} never turns its direction into a step: its update adds the (scaled) gradient to "
            "the parameters, which climbs. End the chain with tl.scale_by_lr(lr), which steps against it."
        )
    if opt.checks_descent:
        with np.errstate(all="ignore"):
            slope = np.sum(u * g, axis=-1)
        moving = np.any(g != 0, axis=-1) & np.isfinite(slope)
        if moving.any() and np.all(slope[moving] > 0):
            raise OptimizerError(
                f"optimizer {opt.name!r} went uphill on its first step, in every run (step . gradient > 0): "
                "a descent step goes against the gradient, e.g. step = -lr * grad"
            )


def _unique_names(optimizers: Sequence[Optimizer]) -> dict[str, Optimizer]:
    """Names for a list of optimizers: their own, told apart by the hyperparameters that differ."""
    names = [o.name for o in optimizers]
    out = {}
    for k, o in enumerate(optimizers):
        name = o.name
        twins = [p for j, p in enumerate(optimizers) if names[j] == name and j != k]
        if twins:
            differ = [h for h in o.hyper if any(_differs(o.hyper.get(h), p.hyper.get(h)) for p in twins)]
            shown = ", ".join(f"{h}={_short(o.hyper[h])}" for h in differ)
            name = f"{name} {shown}" if shown else f"{name} ({k + 1})"
        if name in out:
            name = f"{name} ({k + 1})"
        out[name] = o
    return out


def _differs(a, b) -> bool:
    if callable(a) or callable(b):
        return a is not b
    try:
        return not np.array_equal(np.asarray(a, float), np.asarray(b, float))
    except (TypeError, ValueError):
        return a != b


def _short(v) -> str:
    if callable(v):
        return getattr(v, "__name__", "schedule")
    v = np.asarray(v)
    return number(v) if v.ndim == 0 else f"<{v.size} values>"


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

    A list of optimizers is named by their names, told apart by the hyperparameters that differ
    (``[tl.gd(0.01), tl.gd(0.1)]`` races ``"GD lr=0.01"`` against ``"GD lr=0.1"``).

    >>> import toylands as tl
    >>> res = tl.race({"GD": tl.gd(0.001), "Adam": tl.adam(0.05)}, tl.rosenbrock, [-1.2, 1.0], steps=300)
    >>> bool(res["Adam"].final_values[0] < res["GD"].final_values[0])
    True
    """
    if not isinstance(optimizers, Mapping):
        optimizers = _unique_names([_as_optimizer(o) for o in optimizers])
    if not optimizers:
        raise RunError("race needs at least one optimizer")
    L = get(landscape)
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
    escape: float = 10.0,
) -> Trajectory:
    """The continuous-time path ``dx/dt = -grad f(x)``, integrated accurately (scipy's LSODA).

    Give ``lr`` and ``steps`` to sample it at the times ``lr * k`` where gradient descent with
    that learning rate has taken ``k`` steps, or ``times`` directly. Gradient descent with a
    small learning rate follows this path; with a large one it does not. A flow that leaves the
    box by more than ``escape`` box sizes (it runs away, perhaps to infinity in finite time) is
    stopped there, like a run.

        >>> import numpy as np, toylands as tl
        >>> flow = tl.gradient_flow(tl.bowl, [1.0, 0.0], times=[0.0, 1.0])
        >>> round(float(flow.final[0, 0]), 8) == round(float(np.exp(-1)), 8)
        True
    """
    from scipy.integrate import solve_ivp

    L = get(landscape)
    x0 = L.as_points(L.starts if starts is None else starts, "starts", batch=True)
    if times is None:
        if lr is None or steps is None:
            raise RunError("gradient_flow needs either times=..., or lr=... and steps=... to match gradient descent")
        lr, steps = float(per_run("lr", lr, open_low=True)), _steps(steps)
        afford(8.0 * (steps + 1) * (2 + x0.size), f"gradient_flow sampled at {steps + 1} times", "take fewer steps",
               error=RunError)  # fmt: skip
        times = lr * np.arange(steps + 1)
    times = np.asarray(times, dtype=float)
    if times.ndim != 1 or times.size == 0 or np.any(np.diff(times) < 0) or times[0] < 0 or not np.all(np.isfinite(times)):
        raise RunError("times must be a non-empty, increasing 1-D array of finite times >= 0")
    n, d = x0.shape
    lo, hi = _limits(L, escape)

    def rhs(t, y):
        return -L.grad_raw(y)

    def jac(t, y):
        return -L.hessian_raw(y)

    def left(t, y):  # > 0 inside the limits; crosses 0 where the flow leaves them
        return float(np.min(np.minimum(y - lo, hi - y))) if np.all(np.isfinite(y)) else -1.0

    left.terminal = True
    afford(8.0 * len(times) * n * d * 3, f"gradient_flow of {n} starts at {len(times)} times", "give fewer times",
           error=RunError)  # fmt: skip
    X = np.empty((len(times), n, d))
    stopped_at = np.full(n, -1)
    for i in range(n):  # one start at a time: each flow stops where it, not another one, runs away
        with np.errstate(all="ignore"):
            sol = solve_ivp(rhs, (0.0, times[-1]), x0[i], method="LSODA", t_eval=times, rtol=rtol, atol=atol,
                            jac=jac if d <= 400 else None, events=left)  # fmt: skip
        got = sol.y.shape[1]
        X[:got, i] = sol.y.T
        if got < len(times):  # it ran away (or the solver gave up): frozen where it was last seen
            X[got:, i] = X[got - 1, i] if got else x0[i]
            stopped_at[i] = got
    causes = tuple("flow" if k >= 0 else "" for k in stopped_at)
    return Trajectory(X, L, "gradient flow", {"lr": lr} if lr is not None else {}, stopped_at, times, causes)
