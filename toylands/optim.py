"""Optimizers as composable (init, update) pairs, in the style of optax.

An ``Optimizer`` is a named pair of pure functions::

    init(params) -> state
    update(grads, state, params, **extra) -> (step, state)      # new params = params + step

Named optimizers are chains of small blocks, e.g. ``adam(lr) = chain(scale_by_adam(), scale_by_lr(lr))``.
Update rules follow torch.optim's documented formulas (eps placement, the momentum buffer, Nesterov,
L2 versus decoupled weight decay), so what you learn here carries over.

Every hyperparameter may be a number or a 1-D array with one value per run, so one run can
try 64 learning rates at once::

    >>> import numpy as np, toylands as tl
    >>> traj = tl.run(tl.gd(lr=np.array([0.1, 1.0, 2.5])), tl.bowl, [1.0, 1.0], steps=20)
    >>> traj.diverged.tolist()      # the bowl's curvature is 1: learning rates above 2 diverge
    [False, False, True]

Your own optimizer is a plain function of the gradient and a state (see ``optimizer``)::

    >>> def sign_descent(grad, state, lr=0.1):
    ...     return -lr * np.sign(grad), state
    >>> traj = tl.run(tl.optimizer(sign_descent), tl.bowl, [1.05, -0.45], steps=30)
    >>> traj.final.round(6).tolist()  # sign descent ends bouncing within lr of the minimum
    [[0.05, -0.05]]
"""

from __future__ import annotations

import functools
from types import MappingProxyType
from typing import Any, NamedTuple
from collections.abc import Callable, Mapping

import numpy as np

__all__ = [
    "Optimizer",
    "OptimizerError",
    "chain",
    "optimizer",
    "grid",
    # blocks
    "scale",
    "scale_by_lr",
    "add_noise",
    "add_decayed_weights",
    "trace",
    "scale_by_adagrad",
    "scale_by_rms",
    "scale_by_adam",
    "scale_by_lion",
    "scale_by_newton",
    "clip_by_norm",
    "clip_by_value",
    # schedules
    "constant",
    "step_decay",
    "exponential_decay",
    "cosine_decay",
    "warmup",
    "inverse_sqrt",
    # optimizers
    "gd",
    "sgd",
    "momentum",
    "nesterov",
    "adagrad",
    "rmsprop",
    "adam",
    "adamw",
    "amsgrad",
    "lion",
    "newton",
    "saddle_free_newton",
    "OPTIMIZERS",
]


class OptimizerError(ValueError):
    """An optimizer or one of its hyperparameters is not what it should be."""


class Optimizer(NamedTuple):
    """A named pair of pure functions ``init(params) -> state`` and
    ``update(grads, state, params, **extra) -> (step, state)``; ``hyper`` records the
    hyperparameters as given (arrays of one value per run included).

    ``makes_step`` says that the update is a step to add to the parameters (a block such as
    ``scale_by_lr`` turns a direction into one); a chain without such a block would add the
    gradient itself and climb, and ``run`` refuses it. ``checks_descent`` asks ``run`` to check
    that the first step goes downhill (for optimizers written by hand).
    """

    init: Callable[[np.ndarray], Any]
    update: Callable[..., tuple[np.ndarray, Any]]
    name: str = "optimizer"
    hyper: Mapping[str, Any] = MappingProxyType({})
    makes_step: bool = False
    checks_descent: bool = False

    def __repr__(self):
        hp = ", ".join(f"{k}={_show(v)}" for k, v in self.hyper.items())
        return f"{self.name}({hp})"


def _show(v):
    if callable(v):
        return getattr(v, "__name__", "schedule")
    v = np.asarray(v)
    return f"{v.item():g}" if v.ndim == 0 else f"<{v.size} values>"


### utilities


def per_run(name: str, value, *, low: float | None = 0.0, high: float | None = None, open_low=False, open_high=False):
    """Check a hyperparameter and shape it for a batch: a float, or a ``(runs, 1)`` column.

    A callable (a schedule) passes through. ``low``/``high`` bound the allowed values
    (``open_*`` excludes the bound itself).
    """
    if callable(value):
        return value
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise OptimizerError(f"{name} must be a number or a 1-D array of numbers; got {value!r}") from None
    if arr.ndim > 1:
        raise OptimizerError(
            f"{name} must be a number or a 1-D array with one value per run; got shape {arr.shape}. "
            f"For a grid of two hyperparameters use toylands.grid(lr=..., momentum=...)."
        )
    if arr.size == 0 or not np.all(np.isfinite(arr)):
        raise OptimizerError(f"{name} must be finite; got {value!r}")
    allowed = "{}{}, {}{}".format(
        "(" if open_low or low is None else "[",
        "-inf" if low is None else f"{low:g}",
        "inf" if high is None else f"{high:g}",
        ")" if open_high or high is None else "]",
    )
    if low is not None and (np.any(arr < low) or (open_low and np.any(arr == low))):
        raise OptimizerError(f"{name} must lie in {allowed}; got {_bad(arr)}")
    if high is not None and (np.any(arr > high) or (open_high and np.any(arr == high))):
        raise OptimizerError(f"{name} must lie in {allowed}; got {_bad(arr)}")
    return float(arr) if arr.ndim == 0 else arr[:, None]


def _bad(arr):
    return f"{arr.item():g}" if arr.ndim == 0 else f"an array containing {arr.min():g} .. {arr.max():g}"


def _lr(value):
    return per_run("lr", value, low=0.0, open_low=True)


def _beta(name, value):
    return per_run(name, value, low=0.0, high=1.0, open_high=True)


def _at(value, count):
    """A hyperparameter's value at step ``count``: schedules are called, numbers returned."""
    return value(count) if callable(value) else value


def chain(*blocks: Optimizer, name: str | None = None, hyper: Mapping | None = None) -> Optimizer:
    """Apply blocks one after another: each transforms the step the previous one made."""

    def init(params):
        return tuple(b.init(params) for b in blocks)

    def update(grads, state, params, **extra):
        new_state = []
        for block, s in zip(blocks, state, strict=False):
            grads, s = block.update(grads, s, params, **extra)
            new_state.append(s)
        return grads, tuple(new_state)

    for b in blocks:
        if not isinstance(b, Optimizer):
            raise OptimizerError(f"chain() takes optimizer blocks such as tl.scale_by_adam(), tl.scale_by_lr(0.1); got {b!r}")
    merged = {}
    for b in blocks:
        merged.update(b.hyper)
    merged.update(hyper or {})
    makes_step = any(b.makes_step for b in blocks)
    return Optimizer(init, update, name or "+".join(b.name for b in blocks) or "empty chain", MappingProxyType(merged),
                     makes_step, any(b.checks_descent for b in blocks))  # fmt: skip


def optimizer(update: Callable | None = None, *, init: Callable | None = None, name: str | None = None, **hyper):
    """Turn a plain function ``update(grad, state, **hyper) -> (step, state)`` into an Optimizer.

    ``init(params) -> state`` makes the first state (default: None). Hyperparameters given here
    are passed to ``update`` on every call; like the built-in ones, they may be arrays with one
    value per run. The update may also ask for ``params``, ``step`` (the step count from 0) or
    ``landscape`` by naming them as arguments.

        >>> import numpy as np, toylands as tl
        >>> def heavy_ball(grad, velocity, lr=0.05, beta=0.9):
        ...     velocity = beta * velocity + grad
        ...     return -lr * velocity, velocity
        >>> opt = tl.optimizer(heavy_ball, init=np.zeros_like, lr=np.array([0.0005, 0.001]))
        >>> tl.run(opt, tl.rosenbrock, [-1.2, 1.0], steps=3000).final_values.round(5).tolist()
        [0.0, 0.0]

    Also works as a decorator: ``@tl.optimizer`` or ``@tl.optimizer(init=np.zeros_like)``.
    """
    if update is None:
        return functools.partial(optimizer, init=init, name=name, **hyper)
    if not callable(update):
        raise OptimizerError(f"optimizer() takes a function update(grad, state, ...); got {type(update).__name__}")
    import inspect

    sig = inspect.signature(update)
    wants = {k for k in ("params", "step", "landscape") if k in sig.parameters}
    defaults = {k: p.default for k, p in sig.parameters.items() if p.default is not inspect.Parameter.empty}
    shaped = {k: per_run(k, v, low=None) for k, v in hyper.items()}

    def _init(params):
        return (0, init(params) if init is not None else None)

    def _update(grads, state, params, **extra):
        count, user_state = state
        context = {"params": params, "step": count, "landscape": extra.get("landscape")}
        step, user_state = update(grads, user_state, **shaped, **{k: context[k] for k in wants})
        return step, (count + 1, user_state)

    shown = {k: v for k, v in defaults.items() if k not in wants and isinstance(v, (int, float))}
    shown.update(hyper)
    name = name or getattr(update, "__name__", "optimizer")
    return Optimizer(_init, _update, name, MappingProxyType(shown), makes_step=True, checks_descent=True)


def grid(**axes) -> dict[str, np.ndarray]:
    """Every combination of the given hyperparameter values, as flat arrays of equal length.

        >>> g = grid(lr=[0.1, 0.2, 0.3], momentum=[0.0, 0.9])
        >>> g["lr"].tolist(), g["momentum"].tolist()
        ([0.1, 0.1, 0.2, 0.2, 0.3, 0.3], [0.0, 0.9, 0.0, 0.9, 0.0, 0.9])

    Pass them on as ``momentum(**grid(...))``; reshape results to ``(len(lr), len(momentum))``.
    """
    mesh = np.meshgrid(*(np.asarray(v, dtype=float).ravel() for v in axes.values()), indexing="ij")
    return {k: m.ravel() for k, m in zip(axes, mesh, strict=False)}


### building blocks


class CountState(NamedTuple):
    count: int


def _safe_ratio(num, den):
    """``num / den``, with 0 / 0 = 0: where a gradient and its running size are both zero (at a
    minimum, with eps = 0) the step is zero, not NaN."""
    with np.errstate(invalid="ignore", divide="ignore"):
        out = num / den
    return np.where((den == 0) & (num == 0), 0.0, out)


def _divide(eps):
    """The division a scaling block needs: plain with eps > 0 (the denominator is never 0), else 0 / 0 = 0."""
    return _safe_ratio if np.any(np.asarray(eps) == 0) else np.divide


def scale(factor) -> Optimizer:
    """Multiply the step by ``factor``: ``u <- factor * u`` (a negative factor turns a direction into a descent step)."""
    factor = per_run("factor", factor, low=None)

    def update(u, state, params, **extra):
        return factor * u, state

    return Optimizer(lambda params: (), update, "scale", makes_step=bool(np.all(np.asarray(factor) < 0)))


def scale_by_lr(lr) -> Optimizer:
    """Turn a direction into a descent step: ``u <- -lr_t * u``; ``lr`` may be a schedule ``t -> lr_t``."""
    lr = _lr(lr)
    if not callable(lr):

        def update(u, state, params, **extra):
            return -lr * u, state

        return Optimizer(lambda params: (), update, "lr", MappingProxyType({"lr": lr}), makes_step=True)

    def update_scheduled(u, state, params, **extra):
        lr_t = lr(state.count)
        if not np.all(np.asarray(lr_t) >= 0):  # a negative learning rate climbs (NaN fails this too)
            name = getattr(lr, "__name__", "schedule")
            raise OptimizerError(
                f"the learning-rate schedule {name} gave lr = {_bad(np.asarray(lr_t, float))} at step {state.count}: "
                "a learning rate must be a number >= 0 (a negative one climbs)"
            )
        return -lr_t * u, CountState(state.count + 1)

    return Optimizer(lambda params: CountState(0), update_scheduled, "lr", MappingProxyType({"lr": lr}), makes_step=True)


class NoiseState(NamedTuple):
    rng: np.random.Generator


def add_noise(sigma, seed: int = 0) -> Optimizer:
    """Add Gaussian noise to the gradient: ``g <- g + sigma * xi``, ``xi ~ N(0, I)``, seeded.

    The noise stands in for the minibatch noise of stochastic gradient descent.
    """
    sigma = per_run("noise", sigma)

    def init(params):
        return NoiseState(np.random.default_rng(seed))

    def update(g, state, params, **extra):
        return g + sigma * state.rng.standard_normal(g.shape), state

    return Optimizer(init, update, "noise", MappingProxyType({"noise": sigma}))


def add_decayed_weights(weight_decay) -> Optimizer:
    """L2 weight decay as part of the gradient: ``g <- g + weight_decay * params``."""
    wd = per_run("weight_decay", weight_decay)

    def update(g, state, params, **extra):
        return g + wd * params, state

    return Optimizer(lambda params: (), update, "weight_decay", MappingProxyType({"weight_decay": wd}))


class TraceState(NamedTuple):
    buf: np.ndarray


def trace(beta, nesterov: bool = False) -> Optimizer:
    """The momentum buffer of torch.optim.SGD (dampening 0).

    ``b <- beta * b + g`` (so ``b_1 = g``); the step is ``b``, or ``g + beta * b`` with Nesterov.
    Heavy ball and Nesterov differ by that one expression.
    """
    beta = _beta("momentum", beta)

    def update(g, state, params, **extra):
        buf = beta * state.buf + g
        return (g + beta * buf if nesterov else buf), TraceState(buf)

    return Optimizer(
        lambda p: TraceState(np.zeros_like(p)),
        update,
        "nesterov" if nesterov else "momentum",
        MappingProxyType({"momentum": beta}),
    )


class SumState(NamedTuple):
    sum: np.ndarray


def scale_by_adagrad(eps: float = 1e-10, initial: float = 0.0) -> Optimizer:
    """AdaGrad's scaling (torch.optim.Adagrad): ``s <- s + g^2``; ``u = g / (sqrt(s) + eps)``."""
    eps = per_run("eps", eps)
    ratio = _divide(eps)

    def update(g, state, params, **extra):
        s = state.sum + g * g
        return ratio(g, np.sqrt(s) + eps), SumState(s)

    return Optimizer(lambda p: SumState(np.full_like(p, initial)), update, "adagrad")


class RMSState(NamedTuple):
    sq: np.ndarray
    avg: np.ndarray | None


def scale_by_rms(alpha=0.99, eps: float = 1e-8, centered: bool = False) -> Optimizer:
    """RMSprop's scaling (torch.optim.RMSprop).

    ``v <- alpha v + (1 - alpha) g^2``; centered: ``m <- alpha m + (1 - alpha) g``, ``v~ = v - m^2``;
    ``u = g / (sqrt(v~) + eps)``.
    """
    alpha = per_run("alpha", alpha, high=1.0)
    eps = per_run("eps", eps)
    ratio = _divide(eps)

    def init(p):
        return RMSState(np.zeros_like(p), np.zeros_like(p) if centered else None)

    def update(g, state, params, **extra):
        sq = alpha * state.sq + (1 - alpha) * g * g
        if centered:
            avg = alpha * state.avg + (1 - alpha) * g
            return ratio(g, np.sqrt(sq - avg * avg) + eps), RMSState(sq, avg)
        return ratio(g, np.sqrt(sq) + eps), RMSState(sq, None)

    return Optimizer(init, update, "rms", MappingProxyType({"alpha": alpha}))


class AdamState(NamedTuple):
    count: int
    m: np.ndarray
    v: np.ndarray
    vmax: np.ndarray | None


def scale_by_adam(b1=0.9, b2=0.999, eps: float = 1e-8, amsgrad: bool = False) -> Optimizer:
    """Adam's scaling (torch.optim.Adam), bias-corrected.

    ``m <- b1 m + (1 - b1) g``, ``v <- b2 v + (1 - b2) g^2``, with AMSGrad ``vmax <- max(vmax, v)``
    used in place of ``v``; ``u = (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)``.
    """
    b1, b2 = _beta("b1", b1), _beta("b2", b2)
    eps = per_run("eps", eps)
    ratio = _divide(eps)

    def init(p):
        return AdamState(0, np.zeros_like(p), np.zeros_like(p), np.zeros_like(p) if amsgrad else None)

    def update(g, state, params, **extra):
        t = state.count + 1
        m = b1 * state.m + (1 - b1) * g
        v = b2 * state.v + (1 - b2) * g * g
        vmax = np.maximum(state.vmax, v) if amsgrad else None
        denom = np.sqrt((vmax if amsgrad else v) / (1 - b2**t)) + eps
        return ratio(m / (1 - b1**t), denom), AdamState(t, m, v, vmax)

    return Optimizer(init, update, "adam", MappingProxyType({"b1": b1, "b2": b2}))


class LionState(NamedTuple):
    m: np.ndarray


def scale_by_lion(b1=0.9, b2=0.99) -> Optimizer:
    """Lion's direction (Chen et al. 2023): ``u = sign(b1 m + (1 - b1) g)``; then ``m <- b2 m + (1 - b2) g``."""
    b1, b2 = _beta("b1", b1), _beta("b2", b2)

    def update(g, state, params, **extra):
        u = np.sign(b1 * state.m + (1 - b1) * g)
        return u, LionState(b2 * state.m + (1 - b2) * g)

    return Optimizer(lambda p: LionState(np.zeros_like(p)), update, "lion", MappingProxyType({"b1": b1, "b2": b2}))


def scale_by_newton(damping=0.0, saddle_free: bool = False) -> Optimizer:
    """Newton's direction ``u = (H + damping I)^-1 g``, with the landscape's Hessian at ``params``.

    Saddle-free (Dauphin et al. 2014): ``|H| = V |Lambda| V^T`` replaces ``H``, so directions of
    negative curvature are walked downhill instead of uphill towards the saddle.
    """
    damping = per_run("damping", damping)

    def update(g, state, params, landscape=None, **extra):
        if landscape is None:
            raise OptimizerError("Newton's method needs the landscape's Hessian: run it with toylands.run")
        H = landscape.hessian_raw(params)
        lam, V = np.linalg.eigh(0.5 * (H + np.swapaxes(H, -1, -2)))
        if saddle_free:
            lam = np.abs(lam)
        lam = lam + damping
        # Where the curvature is zero (a singular Hessian) Newton's model has no finite step: take none
        # along those directions (the pseudo-inverse), rather than an infinite one.
        big = np.abs(lam) > 1e-12 * np.maximum(np.abs(lam).max(axis=-1, keepdims=True), 1e-300)
        coeff = np.einsum("...ji,...j->...i", V, g) * np.where(big, 1.0 / np.where(big, lam, 1.0), 0.0)
        return np.einsum("...ij,...j->...i", V, coeff), state

    return Optimizer(
        lambda p: (), update, "saddle-free newton" if saddle_free else "newton", MappingProxyType({"damping": damping})
    )


def clip_by_norm(max_norm) -> Optimizer:
    """Gradient clipping: rescale each run's vector ``u`` to norm at most ``max_norm``."""
    max_norm = per_run("max_norm", max_norm, open_low=True)

    def update(u, state, params, **extra):
        n = np.sqrt(np.sum(u * u, axis=-1, keepdims=True))
        return u * np.minimum(1.0, max_norm / np.maximum(n, 1e-300)), state

    return Optimizer(lambda p: (), update, "clip", MappingProxyType({"max_norm": max_norm}))


def clip_by_value(limit) -> Optimizer:
    """Clip each coordinate of ``u`` to ``[-limit, limit]``."""
    limit = per_run("limit", limit, open_low=True)

    def update(u, state, params, **extra):
        return np.clip(u, -limit, limit), state

    return Optimizer(lambda p: (), update, "clip_value", MappingProxyType({"limit": limit}))


### schedules: functions step -> learning rate, with step = 0 at the first update


def _schedule(fn, name):
    fn.__name__ = name
    return fn


def constant(lr):
    """``lr_t = lr``."""
    lr = _lr(lr)
    return _schedule(lambda t: lr, "constant")


def step_decay(lr, every: int, factor: float = 0.1):
    """``lr_t = lr * factor ** floor(t / every)`` (torch StepLR)."""
    lr, factor = _lr(lr), per_run("factor", factor, open_low=True)
    if every < 1:
        raise OptimizerError(f"every must be a positive number of steps; got {every}")
    return _schedule(lambda t: lr * factor ** (t // every), "step_decay")


def exponential_decay(lr, gamma: float):
    """``lr_t = lr * gamma ** t`` (torch ExponentialLR)."""
    lr, gamma = _lr(lr), per_run("gamma", gamma, open_low=True, high=1.0)
    return _schedule(lambda t: lr * gamma**t, "exponential_decay")


def cosine_decay(lr, steps: int, final: float = 0.0):
    """``lr_t = final + (lr - final) (1 + cos(pi t / steps)) / 2`` for t <= steps (torch CosineAnnealingLR)."""
    lr, final = _lr(lr), per_run("final", final)
    if steps < 1:
        raise OptimizerError(f"steps must be a positive number of steps; got {steps}")
    return _schedule(lambda t: final + (lr - final) * 0.5 * (1 + np.cos(np.pi * min(t, steps) / steps)), "cosine_decay")


def warmup(schedule, steps: int):
    """Linear warm-up: ``lr_t = schedule(t) * (t + 1) / steps`` for the first ``steps`` steps."""
    base = schedule if callable(schedule) else constant(schedule)
    if steps < 1:
        raise OptimizerError(f"steps must be a positive number of steps; got {steps}")
    return _schedule(lambda t: base(t) * min(1.0, (t + 1) / steps), "warmup")


def inverse_sqrt(lr):
    """``lr_t = lr / sqrt(t + 1)``: the step sizes of the regret analyses of online learning (Reddi et al. 2018)."""
    lr = _lr(lr)
    return _schedule(lambda t: lr / np.sqrt(t + 1), "inverse_sqrt")


### optimizers


def _named(name, hyper, *blocks):
    return chain(*(b for b in blocks if b is not None), name=name, hyper=hyper)


def gd(lr) -> Optimizer:
    """Gradient descent: ``x <- x - lr * g``."""
    return _named("GD", {"lr": lr}, scale_by_lr(lr))


def sgd(lr, noise=0.1, seed: int = 0, momentum=0.0, nesterov: bool = False, weight_decay=0.0) -> Optimizer:
    """Stochastic gradient descent: gradient descent on a noisy gradient.

    Unlike ``torch.optim.SGD``, which steps along whatever gradient it is given, ``tl.sgd`` adds
    Gaussian noise to the gradient (``noise=0.1`` by default, seeded) to stand in for the noise of minibatches on
    a landscape that has no data; ``noise=0`` gives torch's SGD exactly (and ``tl.gd``'s path without
    momentum). On a network's landscape, ``nets.sgd`` draws real minibatches instead.

    ``g <- grad + noise * xi (+ weight_decay * x)``, then torch.optim.SGD: with momentum
    ``b <- momentum * b + g``; ``x <- x - lr * b`` (Nesterov: ``x <- x - lr (g + momentum * b)``).
    """
    return _named(
        "SGD",
        {"lr": lr, "noise": noise, "momentum": momentum},
        add_noise(noise, seed),
        add_decayed_weights(weight_decay) if np.any(weight_decay) else None,
        trace(momentum, nesterov) if np.any(momentum) else None,
        scale_by_lr(lr),
    )


def momentum(lr, momentum=0.9, weight_decay=0.0) -> Optimizer:
    """Heavy-ball momentum (torch.optim.SGD): ``b <- momentum * b + g``; ``x <- x - lr * b``."""
    return _named(
        "Momentum",
        {"lr": lr, "momentum": momentum},
        add_decayed_weights(weight_decay) if np.any(weight_decay) else None,
        trace(momentum),
        scale_by_lr(lr),
    )


def nesterov(lr, momentum=0.9, weight_decay=0.0) -> Optimizer:
    """Nesterov momentum (torch.optim.SGD, nesterov=True).

    ``b <- momentum * b + g``; ``x <- x - lr (g + momentum * b)``.
    """
    return _named(
        "Nesterov",
        {"lr": lr, "momentum": momentum},
        add_decayed_weights(weight_decay) if np.any(weight_decay) else None,
        trace(momentum, nesterov=True),
        scale_by_lr(lr),
    )


def adagrad(lr=0.01, eps=1e-10, weight_decay=0.0, initial=0.0) -> Optimizer:
    """AdaGrad (torch.optim.Adagrad): ``s <- s + g^2``; ``x <- x - lr * g / (sqrt(s) + eps)``."""
    return _named(
        "AdaGrad",
        {"lr": lr},
        add_decayed_weights(weight_decay) if np.any(weight_decay) else None,
        scale_by_adagrad(eps, initial),
        scale_by_lr(lr),
    )


def rmsprop(lr=0.01, alpha=0.99, eps=1e-8, momentum=0.0, centered=False, weight_decay=0.0) -> Optimizer:
    """RMSprop (torch.optim.RMSprop).

    ``v <- alpha v + (1 - alpha) g^2`` (centered: minus the square of the running mean of g);
    ``x <- x - lr * g / (sqrt(v) + eps)``; with momentum ``b <- momentum b + g / (sqrt(v) + eps)``,
    ``x <- x - lr * b``.
    """
    return _named(
        "RMSprop" + (" (centered)" if centered else ""),
        {"lr": lr, "alpha": alpha, "momentum": momentum},
        add_decayed_weights(weight_decay) if np.any(weight_decay) else None,
        scale_by_rms(alpha, eps, centered),
        trace(momentum) if np.any(momentum) else None,
        scale_by_lr(lr),
    )


def adam(lr=1e-3, b1=0.9, b2=0.999, eps=1e-8, weight_decay=0.0, amsgrad=False) -> Optimizer:
    """Adam (torch.optim.Adam), with L2 weight decay added to the gradient.

    ``m <- b1 m + (1 - b1) g``, ``v <- b2 v + (1 - b2) g^2``,
    ``x <- x - lr * (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)``.
    """
    return _named(
        "AMSGrad" if amsgrad else "Adam",
        {"lr": lr, "b1": b1, "b2": b2},
        add_decayed_weights(weight_decay) if np.any(weight_decay) else None,
        scale_by_adam(b1, b2, eps, amsgrad),
        scale_by_lr(lr),
    )


def adamw(lr=1e-3, b1=0.9, b2=0.999, eps=1e-8, weight_decay=1e-2, amsgrad=False) -> Optimizer:
    """AdamW (torch.optim.AdamW): decoupled weight decay, ``x <- x - lr * (adam direction + weight_decay * x)``."""
    return _named(
        "AdamW",
        {"lr": lr, "b1": b1, "b2": b2, "weight_decay": weight_decay},
        scale_by_adam(b1, b2, eps, amsgrad),
        add_decayed_weights(weight_decay),
        scale_by_lr(lr),
    )


def amsgrad(lr=1e-3, b1=0.9, b2=0.999, eps=1e-8, weight_decay=0.0) -> Optimizer:
    """AMSGrad (torch.optim.Adam, amsgrad=True): Adam with ``vmax <- max(vmax, v)`` in the denominator."""
    return adam(lr, b1, b2, eps, weight_decay, amsgrad=True)


def lion(lr=1e-4, b1=0.9, b2=0.99, weight_decay=0.0) -> Optimizer:
    """Lion (Chen et al. 2023).

    ``x <- x - lr * (sign(b1 m + (1 - b1) g) + weight_decay * x)``; ``m <- b2 m + (1 - b2) g``.
    """
    return _named(
        "Lion",
        {"lr": lr, "b1": b1, "b2": b2},
        scale_by_lion(b1, b2),
        add_decayed_weights(weight_decay) if np.any(weight_decay) else None,
        scale_by_lr(lr),
    )


def newton(lr=1.0, damping=0.0) -> Optimizer:
    """Damped Newton's method: ``x <- x - lr * (H + damping I)^-1 g``. Attracted to saddles as much as to minima."""
    return _named("Newton", {"lr": lr, "damping": damping}, scale_by_newton(damping), scale_by_lr(lr))


def saddle_free_newton(lr=1.0, damping=1e-3) -> Optimizer:
    """Saddle-free Newton (Dauphin et al. 2014): ``x <- x - lr * (|H| + damping I)^-1 g``, ``|H| = V |Lambda| V^T``."""
    return _named(
        "Saddle-free Newton",
        {"lr": lr, "damping": damping},
        scale_by_newton(damping, saddle_free=True),
        scale_by_lr(lr),
    )


#: The named optimizers, for menus and tables.
OPTIMIZERS = {
    "GD": gd,
    "SGD": sgd,
    "Momentum": momentum,
    "Nesterov": nesterov,
    "AdaGrad": adagrad,
    "RMSprop": rmsprop,
    "Adam": adam,
    "AdamW": adamw,
    "AMSGrad": amsgrad,
    "Lion": lion,
    "Newton": newton,
    "Saddle-free Newton": saddle_free_newton,
}
