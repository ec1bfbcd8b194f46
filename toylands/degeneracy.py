"""How many parameters a minimum really uses: the local learning coefficient.

Near a minimum ``w*`` of a loss ``L``, the volume of parameters with loss within ``eps`` of the bottom shrinks like
``eps ** lambda`` as ``eps -> 0``. ``lambda``, the *learning coefficient* (Watanabe's real log canonical threshold),
is ``d / 2`` at a regular minimum of ``d`` parameters and smaller at a singular one, where some directions are
flat to higher order or minima cross: it counts the parameters the minimum really uses, each regular one as 1/2.
Examples: ``x**2 + y**2`` has ``lambda = 1``; ``x**(2k)`` has ``1 / (2k)``; a product ``x**(2a) * y**(2b)`` has
``min(1/(2a), 1/(2b))`` and sums over separate variables add.

The estimate (Lau et al. 2023) samples the *localized tempered posterior*
``p(w) ~ exp(-n_beta L(w) - gamma/2 |w - w*|^2)`` with Langevin dynamics and reads

    lambda_hat = n_beta (E[L(w)] - L(w*)),

for which a regular minimum gives exactly ``d / 2`` (as ``gamma / n_beta -> 0``). All chains run as one batch.

    >>> import toylands as tl
    >>> llc = tl.learning_coefficient(tl.bowl, [0, 0], draws=1000, seed=0)
    >>> round(llc.estimate, 1)
    1.0
"""

from __future__ import annotations

import time
from typing import NamedTuple

import numpy as np

from ._args import afford, choice, forecast, positive, whole
from ._budget import progress as progress_bar
from .landscape import Landscape, LandscapeError

__all__ = ["learning_coefficient", "LearningCoefficient", "tempered_expectation", "STEP_ACCURACY"]

#: The step-size rule: ``step * (n_beta * top_curvature + gamma) = STEP_ACCURACY``. On a quadratic of curvature
#: ``a`` Langevin steps of size ``step`` settle at a variance too large by ``1 / (1 - step a / 4)``: 0.5% here.
STEP_ACCURACY = 0.02


class LearningCoefficient(NamedTuple):
    """A learning-coefficient estimate: ``estimate`` (the mean over chains) and ``spread`` (the chains' standard
    deviation), each chain's estimate in ``chains``, and ``trace``, ``n_beta (L(w) - L(w*))`` at every kept draw of
    every chain (``(draws, chains)``: flat curves mean the chains have settled); ``curve``, the estimate at each
    inverse temperature ``n_betas`` of the tempered sampler's ladder (its last is ``estimate``); ``samples``, up to
    1,000 of each rung's draws (``(rungs, k, dim)``) for pictures; the sampler's last ``step`` and ``acceptance``
    rate; ``note`` says what to be wary of ("" when nothing)."""

    estimate: float
    spread: float
    chains: np.ndarray
    trace: np.ndarray
    samples: np.ndarray
    at: np.ndarray
    n_beta: float
    gamma: float
    n_betas: np.ndarray
    curve: np.ndarray
    step: float
    acceptance: float
    sampler: str
    note: str

    @property
    def stderr(self) -> float:
        """The standard error of ``estimate`` (the chains taken as independent)."""
        return float(self.spread / np.sqrt(len(self.chains)))

    def __repr__(self):
        note = f"; {self.note}" if self.note else ""
        return f"LearningCoefficient({self.estimate:.3f} ± {self.stderr:.3f}, n_beta={self.n_beta:g}{note})"


def _positive(name, v):
    return positive(name, v, error=LandscapeError)


def _count(name, v, low=1):
    return whole(name, v, low, error=LandscapeError)


#: How far the estimate may be pulled by ``at`` not being a minimum before ``learning_coefficient`` refuses it.
NOT_A_MINIMUM = 0.25


def _check_minimum(landscape: Landscape, at: np.ndarray, n_beta: float, gamma: float):
    """Refuse a point that is not a minimum: lambda is defined only at one, and the sampler's estimate there is
    meaningless (at a saddle of Himmelblau's it reads -170000). Near ``at`` the loss is ``g.x + x.H.x / 2``; over
    the tempered posterior a gradient ``g`` shifts the estimate by about ``-(n_beta |g|)**2 / (n_beta h + gamma)``
    (``h`` the curvature along ``g``) and a negative eigenvalue ``l`` by ``n_beta l / (2 (n_beta l + gamma))`` (no
    bound at all once ``n_beta l <= -gamma``). More than ``NOT_A_MINIMUM`` in all is refused."""
    with np.errstate(all="ignore"):
        g = landscape.grad(at)
        norm = float(np.linalg.norm(g))
        pull, why = 0.0, []
        if norm > 0:
            u, eps = g / norm, 1e-5 * (1 + float(np.abs(at).max()))
            h = float(u @ (landscape.grad(at + eps * u) - landscape.grad(at - eps * u))) / (2 * eps)
            pull = (n_beta * norm) ** 2 / (n_beta * max(h, 0.0) + gamma)
            if pull > NOT_A_MINIMUM / 2:
                why.append(f"the gradient there is {norm:.3g}, not 0")
        if landscape.dim <= 64:
            lam = np.linalg.eigvalsh(0.5 * (landscape.hessian(at) + landscape.hessian(at).T))
            neg = lam[lam < 0]
            down = n_beta * neg + gamma
            pull_neg = np.inf if np.any(down <= 0) else float(np.sum(-n_beta * neg / (2 * down)))
            if pull_neg > NOT_A_MINIMUM / 2:
                why.append(f"the Hessian has a negative eigenvalue {neg.min():.3g}")
            pull += pull_neg
    if pull > NOT_A_MINIMUM or not np.isfinite(pull):
        raise LandscapeError(
            f"at = {at.tolist() if at.size <= 6 else f'(a point of {at.size} coordinates)'} is not a minimum of "
            f"{landscape.name!r}: {' and '.join(why)}, so the chains slide "
            "away from it and the estimate means nothing (the learning coefficient is defined at a minimum only). "
            "Find a minimum first (tl.critical_points, or train to one)."
        )


def _top_curvature(landscape: Landscape, points: np.ndarray) -> float:
    """The largest Hessian eigenvalue over ``points`` (exact Hessians in few dimensions, Lanczos in many)."""
    if landscape.dim <= 64:
        with np.errstate(all="ignore"):
            eig = np.linalg.eigvalsh(landscape.hessian(points))
        return float(np.nanmax(eig))
    from .nets.curvature import top_eigenvalues

    return float(max(top_eigenvalues(landscape, p, k=1, iters=15)[0] for p in points[:4]))


def _ladder(n_beta: float) -> np.ndarray:
    """Inverse temperatures 1, 2, 5, 10, 20, 50, ... below ``n_beta``, then ``n_beta``: neighbours at most 2.5 apart."""
    nice = np.array([m * 10.0**k for k in range(-3, 16) for m in (1, 2, 5)])
    return np.append(nice[(nice >= min(1.0, n_beta / 2)) & (nice < n_beta / 1.25)], n_beta)


def _sample(landscape, at, n_betas, gamma, step, chains, burn_in, draws, adjust, rng, thin=1, progress=False):
    """Langevin chains from ``at``, ``chains`` at each inverse temperature of the ladder ``n_betas`` (one batch):
    ``burn_in`` steps (adapting each rung's step when ``adjust``), then ``draws`` kept steps. With ``adjust`` every
    step is Metropolis-adjusted (MALA) and neighbouring rungs swap states (parallel tempering). Returns the kept
    losses ``(draws, rungs, chains)``, every ``thin``-th step's positions ``(draws // thin, rungs, chains, dim)``, the
    steps and the top rung's acceptance rate; ``None`` for the losses if a chain diverged."""
    rungs = len(n_betas)
    nb = np.repeat(n_betas, chains)  # rows are rung-major: rung r holds rows r * chains .. (r + 1) * chains - 1
    step = np.broadcast_to(np.asarray(step, float), (rungs,)).repeat(chains)
    w = np.repeat(at[None], rungs * chains, axis=0)

    def evaluate(w):  # rows that left the numbers (a step too large) get an infinite loss, and are rejected
        finite = np.all(np.isfinite(w), axis=-1)
        safe = np.where(finite[:, None], w, at)
        with np.errstate(all="ignore"):
            loss, grad = landscape(safe), landscape.grad(safe)
        return np.where(finite, loss, np.inf), np.where(finite[:, None], grad, np.nan)

    loss, grad = evaluate(w)
    losses, kept, accepted, window = [], [], 0, []
    for t in progress_bar(range(burn_in + draws), desc="sampling", enabled=progress):
        with np.errstate(all="ignore"):
            drift = nb[:, None] * grad + gamma * (w - at)
            proposal = w - 0.5 * step[:, None] * drift + np.sqrt(step)[:, None] * rng.standard_normal(w.shape)
        loss_p, grad_p = evaluate(proposal)
        if adjust:  # Metropolis-adjusted (MALA): each rung samples its tempered posterior exactly, whatever the step
            with np.errstate(all="ignore"):
                drift_p = nb[:, None] * grad_p + gamma * (proposal - at)
                u = nb * loss + 0.5 * gamma * np.sum((w - at) ** 2, axis=-1)
                u_p = nb * loss_p + 0.5 * gamma * np.sum((proposal - at) ** 2, axis=-1)
                forward = np.sum((proposal - w + 0.5 * step[:, None] * drift) ** 2, axis=-1) / (2 * step)
                backward = np.sum((w - proposal + 0.5 * step[:, None] * drift_p) ** 2, axis=-1) / (2 * step)
                log_ratio = u - u_p + forward - backward
            ok = np.isfinite(log_ratio) & (np.log(rng.uniform(size=len(w))) < log_ratio)
        else:
            ok = np.ones(len(w), bool)
        w, loss, grad = np.where(ok[:, None], proposal, w), np.where(ok, loss_p, loss), np.where(ok[:, None], grad_p, grad)
        if not np.all(np.isfinite(w)):
            return None, None, step[::chains], 0.0
        if adjust and rungs > 1:  # swap neighbouring rungs' states, even pairs then odd: hot chains carry cold ones
            for r in range(t % 2, rungs - 1, 2):
                i, j = np.arange(r * chains, (r + 1) * chains), np.arange((r + 1) * chains, (r + 2) * chains)
                swap = np.log(rng.uniform(size=chains)) < (n_betas[r + 1] - n_betas[r]) * (loss[j] - loss[i])
                i, j = i[swap], j[swap]
                for a in (w, loss, grad):
                    a[i], a[j] = a[j], a[i].copy()
        if t < burn_in:
            window.append(ok)
            if adjust and len(window) == 20:  # toward the acceptance rate that mixes fastest, 0.574 (Roberts & Rosenthal)
                rate = np.mean(window, axis=0).reshape(rungs, chains).mean(axis=1)
                step = step * np.repeat(np.exp(2.0 * (rate - 0.574)), chains)
                window = []
        else:
            accepted += ok[-chains:].sum()
            losses.append(loss.reshape(rungs, chains))
            if (t - burn_in) % thin == 0:
                kept.append(w.reshape(rungs, chains, -1).copy())
    return np.array(losses), np.array(kept), step[::chains], accepted / (chains * draws)


def learning_coefficient(landscape: Landscape, at, *, n_beta: float = 1000.0, gamma: float = 1.0,
                         sampler: str = "tempered", step: float | None = None, chains: int = 8, draws: int = 2000,
                         burn_in: int | None = None, seed: int = 0, progress: bool | None = None,
                         max_seconds: float = 600.0) -> LearningCoefficient:  # fmt: skip
    """Estimate the learning coefficient of ``landscape`` at the minimum ``at``.

    ``n_beta`` is the inverse temperature (larger looks closer to the bottom: the estimate tends to the true
    ``lambda`` as ``n_beta`` grows, slowly where minima cross); ``gamma`` keeps the chains near ``at`` along flat
    directions; ``chains`` chains of ``burn_in`` (default ``max(draws // 2, 500)``) plus ``draws`` Langevin steps.

    ``sampler="tempered"`` (the default) runs chains on a ladder of inverse temperatures from 1 to ``n_beta`` (1, 2,
    5, 10, 20, ...) in one batch, accepts or rejects each Langevin step (Metropolis-adjusted, MALA, its step adapted
    during burn-in to accept 57%) and lets neighbouring rungs swap states (parallel tempering): the chains sample the
    posterior exactly and cross from one arm of a singular valley to another, and the ladder gives the estimate at
    every ``n_beta`` on it (``curve``). ``sampler="sgld"`` is devinterp's ``estimate_learning_coeff`` with full-batch
    gradients: one temperature, every step taken, the step (unless given) set by ``STEP_ACCURACY`` on the largest
    curvature short pilot runs meet. It is cheaper per step, and reads low where the posterior has narrow arms or
    flat directions (``x**2 y**4``, ``(x y)**2``) unless it runs far longer.

    A point that is not a minimum (a gradient, or a direction of negative curvature, strong enough to pull the
    estimate) is refused. Before sampling, the memory and the time the chains will take are forecast (a few steps,
    timed): beyond what is available, or ``max_seconds``, it says so and stops; beyond a few seconds it shows a
    progress bar."""
    if not isinstance(landscape, Landscape):
        raise LandscapeError("landscape must be a toylands Landscape (tl.get(name), or a network's); "
                             f"got {type(landscape).__name__}")
    at = landscape.as_points(at, "at")
    if at.ndim != 1:
        raise LandscapeError(f"at must be one point of {landscape.dim} coordinates; got shape {at.shape}")
    choice("sampler", sampler, ("tempered", "sgld"), why="parallel-tempered MALA, or devinterp's SGLD", error=LandscapeError)
    n_beta, gamma = _positive("n_beta", n_beta), _positive("gamma", gamma)
    chains, draws = _count("chains", chains, 2), _count("draws", draws, 10)
    burn_in = max(draws // 2, 500) if burn_in is None else _count("burn_in", burn_in, 0)
    seed, max_seconds = _count("seed", seed, 0), _positive("max_seconds", max_seconds)
    rng = np.random.default_rng(seed)
    base = float(landscape(at))
    adjust = sampler == "tempered"
    n_betas = _ladder(n_beta) if adjust else np.array([n_beta])
    what = f"learning_coefficient with {chains} chains x {len(n_betas)} temperatures x {burn_in + draws} steps"
    afford(8.0 * len(n_betas) * chains * (2 * draws + 16 * landscape.dim), what, "give fewer draws or chains",
           error=LandscapeError)  # fmt: skip
    _check_minimum(landscape, at, n_beta, gamma)
    if step is not None:
        step = _positive("step", step)
    elif adjust:  # a first guess for each rung, adapted during burn-in
        step = 1.0 / (n_betas * max(_top_curvature(landscape, at[None]), 0.0) + gamma)
    else:
        top = max(_top_curvature(landscape, at[None]), 0.0)
        step = STEP_ACCURACY / (n_beta * top + gamma)
        for _ in range(6):  # pilots: the chains meet more curvature away from a degenerate bottom
            _, pilot, _, _ = _sample(landscape, at, n_betas, gamma, step, min(chains, 8), 199, 1, False, rng)
            seen = np.inf if pilot is None else max(_top_curvature(landscape, pilot[-1, -1]), 0.0)
            if seen <= 1.25 * top:
                break
            top = seen if np.isfinite(seen) else 4 * top + 1.0 / (step * n_beta)
            step = STEP_ACCURACY / (n_beta * top + gamma)
    keep = max(min(1000, int(4e6 / (len(n_betas) * landscape.dim))), chains)  # positions kept per rung, for pictures
    thin = max(int(np.ceil(draws * chains / keep)), 1)
    t = time.perf_counter()  # a pilot of a few steps, on a generator of its own, says how long the chains will take
    _sample(landscape, at, n_betas, gamma, step, chains, 2, 2, adjust, np.random.default_rng(seed + 1))
    seconds = (time.perf_counter() - t) / 4 * (burn_in + draws)
    show = forecast(seconds, what, "give fewer draws or chains, or raise max_seconds", max_seconds=max_seconds,
                    error=LandscapeError)  # fmt: skip
    show = show if progress is None else bool(progress)
    losses, kept, steps, acceptance = _sample(landscape, at, n_betas, gamma, step, chains, burn_in, draws, adjust, rng,
                                              thin, show)  # fmt: skip
    if losses is None:
        raise LandscapeError(f"the chains diverged with step {float(steps[-1]):.3g}: pass a smaller step (or a smaller n_beta)")
    ladder = n_betas[None, :, None] * (losses - base)  # (draws, rungs, chains)
    trace = ladder[:, -1]
    per_chain = trace.mean(axis=0)
    notes = []
    if trace.min() < -3.0:
        notes.append(f"the chains found loss {-trace.min() / n_beta:.3g} below L(at): at is not a minimum, and lambda "
                     "is only defined at one")  # fmt: skip
    if adjust and acceptance < 0.2:
        notes.append(f"only {acceptance:.0%} of the steps were accepted: give a longer burn_in")
    half = len(trace) // 2
    early, late = trace[:half].mean(axis=0), trace[half:].mean(axis=0)
    if abs(early.mean() - late.mean()) > 0.05 * abs(late.mean()) + 3 * np.std(early - late, ddof=1) / np.sqrt(chains):
        notes.append(f"the first and second halves of the draws disagree ({early.mean():.3g} against {late.mean():.3g}): "
                     "sample longer")  # fmt: skip
    samples = kept.transpose(1, 0, 2, 3).reshape(len(n_betas), -1, landscape.dim)
    return LearningCoefficient(float(per_chain.mean()), float(per_chain.std(ddof=1)), per_chain, trace, samples, at,
                               n_beta, gamma, n_betas, ladder.mean(axis=(0, 2)), float(steps[-1]), float(acceptance),
                               sampler, "; ".join(notes))  # fmt: skip


def tempered_expectation(landscape: Landscape, at, *, n_beta: float = 1000.0, gamma: float = 1.0, n: int = 1601,
                         reach: float | None = None) -> float:
    """What ``learning_coefficient`` estimates, computed by quadrature for a 2-D landscape: ``n_beta (E[L] - L(at))``
    under the localized tempered posterior, on a grid around ``at`` that is fine near it and coarse far away
    (``x = s sinh(u)``, ``u`` evenly spaced), out to ``reach`` (default ``8 / sqrt(gamma)``). The oracle for the
    sampler, and the exact value it should give at this ``n_beta``. The grid resolves posteriors that are narrow
    near ``at`` or along the axes through it; a curved valley (the hyperbola's) at very large ``n_beta`` needs more
    points ``n``."""
    if not isinstance(landscape, Landscape) or landscape.dim != 2:
        raise LandscapeError("tempered_expectation integrates over a grid: it needs a 2-D Landscape")
    at = landscape.as_points(at, "at")
    n_beta, gamma = _positive("n_beta", n_beta), _positive("gamma", gamma)
    reach = 8.0 / np.sqrt(gamma) if reach is None else _positive("reach", reach)
    n = _count("n", n, 101)
    afford(8.0 * 8 * n * n, f"tempered_expectation on a grid of {n} x {n} points", "use a smaller n",
           error=LandscapeError)  # fmt: skip
    s = 1e-3 / np.sqrt(n_beta)
    u = np.linspace(-np.arcsinh(reach / s), np.arcsinh(reach / s), n)
    x, dx = s * np.sinh(u), s * np.cosh(u) * (u[1] - u[0])
    X, Y = np.meshgrid(at[0] + x, at[1] + x, indexing="ij")
    with np.errstate(all="ignore"):
        K = landscape(np.stack([X, Y], axis=-1)) - float(landscape(at))
    if np.nanmin(K) < -1e-9:
        raise LandscapeError("the loss falls below L(at) near it: at is not a minimum")
    log_w = -n_beta * K - 0.5 * gamma * (X - at[0]) ** 2 - 0.5 * gamma * (Y - at[1]) ** 2 + np.log(np.outer(dx, dx))
    w = np.exp(log_w - log_w.max())
    return float(n_beta * np.sum(w * K) / np.sum(w))
