"""Online problems: a loss that changes at every step, as a stream of data does, walked by the same optimizers.

Reddi, Kale & Kumar's counterexample ("On the convergence of Adam and beyond", ICLR 2018) is the
classic: on ``[-1, 1]`` the loss is ``C x`` at every third step and ``-x`` at the others (``C > 2``), so on
average it is ``(C - 2) x / 3``, lowest at ``x = -1``. With a short memory for squared gradients
(``beta2 = 1 / (1 + C^2)``) Adam forgets the rare large gradient too fast and walks to ``x = +1``,
the worst point; AMSGrad, which keeps the largest second moment it has seen, does not.

    >>> import numpy as np, toylands as tl
    >>> lr = tl.inverse_sqrt(0.5)
    >>> res = run_online(tl.adam(lr, b1=0.0, b2=np.array([0.1, 0.99])), reddi(3.0), steps=3000)
    >>> res.final.round(2).tolist()
    [1.0, -0.99]
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple
from collections.abc import Callable

import numpy as np

from .optim import Optimizer, OptimizerError

__all__ = ["OnlineProblem", "OnlineRun", "reddi", "run_online"]


@dataclass(frozen=True)
class OnlineProblem:
    """A loss ``loss(t, x)`` that changes with the step ``t`` (from 1), on the interval ``bounds``.

    ``grad(t, x)`` is its gradient; ``average(x)`` the loss averaged over its period; ``best`` the point
    where that average is lowest (the one a good method should approach).
    """

    name: str
    loss: Callable
    grad: Callable
    average: Callable
    best: float
    bounds: tuple[float, float]
    description: str = ""


def reddi(C: float = 3.0) -> OnlineProblem:
    """Reddi et al. (2018), section 3: ``f_t(x) = C x`` if ``t mod 3 == 1``, else ``-x``, on ``[-1, 1]``; needs ``C > 2``."""
    if isinstance(C, bool) or not isinstance(C, (int, float, np.integer, np.floating)) or not 2 < C <= 1e4:
        raise OptimizerError(f"C must be a number above 2 (and at most 10000); got {C!r}")
    C = float(C)
    return OnlineProblem(
        f"Reddi's counterexample (C = {C:g})",
        loss=lambda t, x: np.where(t % 3 == 1, C * x, -x),
        grad=lambda t, x: np.where(t % 3 == 1, C, -1.0) + 0 * x,
        average=lambda x: (C - 2) / 3 * np.asarray(x, float),
        best=-1.0,
        bounds=(-1.0, 1.0),
        description=f"The loss is {C:g} x at every third step and -x at the others, on [-1, 1]: on average "
        f"{(C - 2) / 3:.3g} x, lowest at x = -1. The rare gradient is large, the frequent ones small.",
    )


class OnlineRun(NamedTuple):
    """The positions ``x`` ``(steps + 1, runs)`` of runs on an online problem, with their regret.

    ``regret[t]`` is the average regret after ``t`` steps: how much more loss the run collected than
    the best fixed point would have, per step. It tends to 0 for a method that learns the problem.
    """

    x: np.ndarray
    problem: OnlineProblem
    name: str
    hyper: dict
    regret: np.ndarray

    @property
    def final(self) -> np.ndarray:
        return self.x[-1]


def run_online(opt: Optimizer, problem: OnlineProblem, x0: float = 0.0, steps: int = 3000) -> OnlineRun:
    """Walk an online problem: at step ``t`` the optimizer sees ``grad(t, x)``; after each step ``x`` is put back into
    the interval (projected, as in Reddi et al.). Hyperparameters given as arrays make one run each, all at once."""
    if not isinstance(opt, Optimizer):
        raise OptimizerError(f"opt must be a toylands Optimizer, e.g. tl.adam(0.1); got {type(opt).__name__}")
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or steps < 1:
        raise OptimizerError(f"steps must be a whole number >= 1; got {steps!r}")
    lo, hi = problem.bounds
    if not lo <= x0 <= hi:
        raise OptimizerError(f"x0 must lie in {problem.bounds}; got {x0!r}")
    sizes = [np.size(v) for v in opt.hyper.values() if not callable(v) and np.ndim(v)]
    runs = max(sizes, default=1)
    x = np.full((runs, 1), float(x0))
    X = np.empty((steps + 1, runs))
    X[0] = x[:, 0]
    state = opt.init(x)
    with np.errstate(all="ignore"):
        for t in range(1, steps + 1):
            u, state = opt.update(problem.grad(t, x), state, x)
            x = np.clip(x + u, lo, hi)
            X[t] = x[:, 0]
    t = np.arange(1, steps + 1)
    collected = np.cumsum(problem.loss(t[:, None], X[:-1]), axis=0)
    best = np.cumsum(problem.loss(t, np.full(steps, problem.best)))[:, None]
    regret = np.vstack([np.zeros((1, runs)), (collected - best) / t[:, None]])
    return OnlineRun(X, problem, opt.name, dict(opt.hyper), regret)
