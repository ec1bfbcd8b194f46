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

import bisect
import functools
import math
from types import MappingProxyType
from typing import Any, NamedTuple
from collections.abc import Callable, Mapping

import numpy as np

from ._args import afford, choice, flag, got, reals, whole

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
    "scale_by_nadam",
    "scale_by_radam",
    "scale_by_adamax",
    "scale_by_adadelta",
    "scale_by_rprop",
    "scale_by_lbfgs",
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
    "multi_step",
    "polynomial_decay",
    "cosine_warm_restarts",
    "cyclic",
    "one_cycle",
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
    "nadam",
    "radam",
    "adamax",
    "adadelta",
    "rprop",
    "lbfgs",
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
    arr = reals(name, value, low=low, high=high, open_low=open_low, open_high=open_high, error=OptimizerError)
    return float(arr) if arr.ndim == 0 else arr[:, None]


def _values(v) -> str:
    arr = np.asarray(v, float)
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
    values = [np.ravel(reals(k, v, low=None, error=OptimizerError)) for k, v in axes.items()]
    afford(8.0 * 2 * len(values) * math.prod(len(v) for v in values), f"a grid of {' x '.join(str(len(v)) for v in values)} "
           "hyperparameter values", "give fewer values", error=OptimizerError)  # fmt: skip
    mesh = np.meshgrid(*values, indexing="ij")
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
                f"the learning-rate schedule {name} gave lr = {_values(lr_t)} at step {state.count}: "
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
    sigma, seed = per_run("noise", sigma), whole("seed", seed, 0, error=OptimizerError)

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


class DampedTraceState(NamedTuple):
    count: int
    buf: np.ndarray


def trace(beta, nesterov: bool = False, dampening=0.0) -> Optimizer:
    """The momentum buffer of torch.optim.SGD.

    ``b <- beta * b + (1 - dampening) * g``, except ``b_1 = g``; the step is ``b``, or ``g + beta * b`` with
    Nesterov. Heavy ball and Nesterov differ by that one expression.
    """
    beta, nesterov = _beta("momentum", beta), flag("nesterov", nesterov, error=OptimizerError)
    dampening = per_run("dampening", dampening, high=1.0)
    name, hyper = "nesterov" if nesterov else "momentum", {"momentum": beta}
    if np.any(np.asarray(dampening) != 0):
        if nesterov:
            raise OptimizerError("Nesterov momentum requires dampening = 0 (as torch.optim.SGD does)")

        def damped(g, state, params, **extra):
            buf = g if state.count == 0 else beta * state.buf + (1 - dampening) * g
            return buf, DampedTraceState(state.count + 1, buf)

        hyper["dampening"] = dampening
        return Optimizer(lambda p: DampedTraceState(0, np.zeros_like(p)), damped, name, MappingProxyType(hyper))

    def update(g, state, params, **extra):
        buf = beta * state.buf + g
        return (g + beta * buf if nesterov else buf), TraceState(buf)

    return Optimizer(lambda p: TraceState(np.zeros_like(p)), update, name, MappingProxyType(hyper))


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
    alpha, centered = per_run("alpha", alpha, high=1.0), flag("centered", centered, error=OptimizerError)
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


def _no_moments(p) -> AdamState:
    """The state of Adam's relatives without AMSGrad before the first step: no steps counted, both moments zero."""
    return AdamState(0, np.zeros_like(p), np.zeros_like(p), None)


def scale_by_adam(b1=0.9, b2=0.999, eps: float = 1e-8, amsgrad: bool = False) -> Optimizer:
    """Adam's scaling (torch.optim.Adam), bias-corrected.

    ``m <- b1 m + (1 - b1) g``, ``v <- b2 v + (1 - b2) g^2``, with AMSGrad ``vmax <- max(vmax, v)``
    used in place of ``v``; ``u = (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)``.
    """
    b1, b2, amsgrad = _beta("b1", b1), _beta("b2", b2), flag("amsgrad", amsgrad, error=OptimizerError)
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


class NAdamState(NamedTuple):
    count: int
    m: np.ndarray
    v: np.ndarray
    mu_product: Any


def scale_by_nadam(b1=0.9, b2=0.999, eps: float = 1e-8, momentum_decay=4e-3) -> Optimizer:
    """NAdam's scaling (torch.optim.NAdam; Dozat 2016): Adam with Nesterov's look-ahead and a momentum schedule.

    ``mu_t = b1 (1 - 0.96^(t psi) / 2)``; ``m``, ``v`` as Adam's;
    ``u = (mu_(t+1) m / (1 - prod_(i<=t+1) mu_i) + (1 - mu_t) g / (1 - prod_(i<=t) mu_i)) / (sqrt(v / (1 - b2^t)) + eps)``.
    """
    b1, b2 = _beta("b1", b1), _beta("b2", b2)
    eps, psi = per_run("eps", eps), per_run("momentum_decay", momentum_decay)
    ratio = _divide(eps)

    def update(g, state, params, **extra):
        t = state.count + 1
        mu, mu_next = b1 * (1 - 0.5 * 0.96 ** (t * psi)), b1 * (1 - 0.5 * 0.96 ** ((t + 1) * psi))
        product = state.mu_product * mu
        m = b1 * state.m + (1 - b1) * g
        v = b2 * state.v + (1 - b2) * g * g
        denom = np.sqrt(v / (1 - b2**t)) + eps
        u = ratio((1 - mu) / (1 - product) * g, denom) + ratio(mu_next / (1 - product * mu_next) * m, denom)
        return u, NAdamState(t, m, v, product)

    return Optimizer(lambda p: NAdamState(0, np.zeros_like(p), np.zeros_like(p), 1.0), update, "nadam",
                     MappingProxyType({"b1": b1, "b2": b2}))  # fmt: skip


def scale_by_radam(b1=0.9, b2=0.999, eps: float = 1e-8) -> Optimizer:
    """RAdam's scaling (torch.optim.RAdam; Liu et al. 2020): Adam's step, rectified for the variance of ``v`` early on.

    ``rho_inf = 2 / (1 - b2) - 1``, ``rho_t = rho_inf - 2 t b2^t / (1 - b2^t)``; where ``rho_t > 5``
    ``u = m^ r_t sqrt(1 - b2^t) / (sqrt(v) + eps)`` with ``r_t = sqrt((rho_t - 4)(rho_t - 2) rho_inf / ((rho_inf - 4)
    (rho_inf - 2) rho_t))``, else ``u = m^`` (momentum alone); ``m^ = m / (1 - b1^t)``.
    """
    b1, b2 = _beta("b1", b1), _beta("b2", b2)
    eps = per_run("eps", eps)
    ratio = _divide(eps)

    def update(g, state, params, **extra):
        t = state.count + 1
        m = b1 * state.m + (1 - b1) * g
        v = b2 * state.v + (1 - b2) * g * g
        m_hat = m / (1 - b1**t)
        rho_inf = 2 / (1 - b2) - 1
        rho_t = rho_inf - 2 * t * b2**t / (1 - b2**t)
        rectified = rho_t > 5
        with np.errstate(invalid="ignore", divide="ignore"):
            r = np.sqrt(np.where(rectified, (rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t), 1.0))
        adaptive = ratio(m_hat * r * np.sqrt(1 - b2**t), np.sqrt(v) + eps)
        return np.where(rectified, adaptive, m_hat), AdamState(t, m, v, None)

    return Optimizer(_no_moments, update, "radam", MappingProxyType({"b1": b1, "b2": b2}))


def scale_by_adamax(b1=0.9, b2=0.999, eps: float = 1e-8) -> Optimizer:
    """Adamax's scaling (torch.optim.Adamax; Kingma & Ba 2015): Adam with the infinity norm.

    ``m <- b1 m + (1 - b1) g``, ``u_inf <- max(b2 u_inf, |g| + eps)``; ``u = m / ((1 - b1^t) u_inf)``.
    """
    b1, b2 = _beta("b1", b1), _beta("b2", b2)
    eps = per_run("eps", eps)
    ratio = _divide(eps)

    def update(g, state, params, **extra):
        t = state.count + 1
        m = b1 * state.m + (1 - b1) * g
        u_inf = np.maximum(b2 * state.v, np.abs(g) + eps)
        return ratio(m, (1 - b1**t) * u_inf), AdamState(t, m, u_inf, None)

    return Optimizer(_no_moments, update, "adamax", MappingProxyType({"b1": b1, "b2": b2}))


class AdadeltaState(NamedTuple):
    sq: np.ndarray
    delta: np.ndarray


def scale_by_adadelta(rho=0.9, eps: float = 1e-6) -> Optimizer:
    """Adadelta's scaling (torch.optim.Adadelta; Zeiler 2012): step sizes in the units of the parameters.

    ``v <- rho v + (1 - rho) g^2``; ``u = sqrt(d + eps) / sqrt(v + eps) * g``; ``d <- rho d + (1 - rho) u^2``.
    """
    rho = per_run("rho", rho, high=1.0)
    eps = per_run("eps", eps, open_low=True)

    def update(g, state, params, **extra):
        sq = rho * state.sq + (1 - rho) * g * g
        u = np.sqrt(state.delta + eps) / np.sqrt(sq + eps) * g
        return u, AdadeltaState(sq, rho * state.delta + (1 - rho) * u * u)

    return Optimizer(lambda p: AdadeltaState(np.zeros_like(p), np.zeros_like(p)), update, "adadelta",
                     MappingProxyType({"rho": rho}))  # fmt: skip


class RpropState(NamedTuple):
    prev: np.ndarray
    size: np.ndarray


def scale_by_rprop(lr=0.01, etas=(0.5, 1.2), step_sizes=(1e-6, 50.0)) -> Optimizer:
    """Rprop (torch.optim.Rprop; Riedmiller & Braun 1993): every coordinate has its own step size, grown by
    ``etas[1]`` while its gradient keeps its sign and shrunk by ``etas[0]`` when it flips (the step is then
    skipped), within ``step_sizes``; the step is ``-size * sign(g)``, whatever the gradient's size.
    Starting step size ``lr``. This block makes the whole step (no ``scale_by_lr`` after it)."""
    lr = _lr(lr)
    try:
        (minus, plus), (low, high) = (float(e) for e in etas), (float(v) for v in step_sizes)
    except (TypeError, ValueError):
        raise OptimizerError(f"etas and step_sizes are pairs of numbers; got {etas!r} and {step_sizes!r}") from None
    if not 0 < minus < 1 < plus:
        raise OptimizerError(f"etas must be (shrink, grow) with 0 < shrink < 1 < grow; got {etas!r}")
    if not 0 <= low <= high:
        raise OptimizerError(f"step_sizes must be (smallest, largest) with 0 <= smallest <= largest; got {step_sizes!r}")

    def init(p):
        return RpropState(np.zeros_like(p), np.zeros_like(p) + lr)

    def update(g, state, params, **extra):
        agree = g * state.prev
        size = np.clip(state.size * np.where(agree > 0, plus, np.where(agree < 0, minus, 1.0)), low, high)
        g = np.where(agree < 0, 0.0, g)
        return -size * np.sign(g), RpropState(g, size)

    return Optimizer(init, update, "rprop", MappingProxyType({"lr": lr}), makes_step=True)


class LBFGSState(NamedTuple):
    count: Any  # iterations per run (torch's n_iter)
    S: np.ndarray  # steps, oldest first (runs, history, dim); empty slots have rho = 0
    Y: np.ndarray  # gradient changes
    rho: np.ndarray  # 1 / (y . s)
    h_diag: Any
    prev_g: np.ndarray
    d: np.ndarray
    t: Any


def scale_by_lbfgs(lr=1.0, history: int = 10, line_search: str | None = None, tolerance_grad: float = 1e-7,
                   tolerance_change: float = 1e-9) -> Optimizer:  # fmt: skip
    """L-BFGS (torch.optim.LBFGS with ``max_iter=1``: one iteration per step of the run), batched: every run keeps
    its own memory of the last ``history`` steps ``s`` and gradient changes ``y`` (kept only where ``y . s > 1e-10``)
    and turns the gradient into a quasi-Newton direction ``d = -H g`` by the two-loop recursion, with ``H``'s diagonal
    scale ``y . s / y . y``. The first step is ``lr * min(1, 1 / |g|_1)`` along ``-g``, later ones ``lr * d``.
    A run whose largest gradient entry is below ``tolerance_grad``, or whose direction does not descend by more than
    ``tolerance_change``, does not move.

    ``line_search="backtracking"`` halves each run's step until the loss falls by Armijo's sufficient decrease
    (``c1 = 1e-4``), up to 30 halvings: a simpler search than torch's strong-Wolfe one, which toylands does not
    transcribe. This block makes the whole step (no ``scale_by_lr`` after it)."""
    lr = _lr(lr)
    history = whole("history", history, 1, high=1000, error=OptimizerError, unit=" of steps")  # torch's default: 100
    if line_search not in (None, "backtracking"):
        raise OptimizerError(f"line_search must be None or 'backtracking' (torch's 'strong_wolfe' is not transcribed); "
                             f"got {line_search!r}")  # fmt: skip
    tol_grad, tol_change = per_run("tolerance_grad", tolerance_grad), per_run("tolerance_change", tolerance_change)
    m = history

    def init(p):
        runs = p.shape[:-1]
        zeros = np.zeros(runs + (m, p.shape[-1]))
        return LBFGSState(np.zeros(runs, int), zeros, zeros.copy(), np.zeros(runs + (m,)), np.ones(runs), np.zeros_like(p),
                          np.zeros_like(p), np.zeros(runs))  # fmt: skip

    def update(g, state, params, landscape=None, **extra):
        moving = np.abs(g).max(axis=-1) > tol_grad  # torch returns at once where the gradient is tiny
        first = state.count == 0
        y, s = g - state.prev_g, state.d * state.t[..., None]
        ys = np.sum(y * s, axis=-1)
        keep = moving & ~first & (ys > 1e-10)
        with np.errstate(divide="ignore", invalid="ignore"):
            S = np.where(keep[..., None, None], np.concatenate([state.S[..., 1:, :], s[..., None, :]], axis=-2), state.S)
            Y = np.where(keep[..., None, None], np.concatenate([state.Y[..., 1:, :], y[..., None, :]], axis=-2), state.Y)
            rho = np.where(keep[..., None], np.concatenate([state.rho[..., 1:], (1 / np.where(keep, ys, 1.0))[..., None]],
                                                             axis=-1), state.rho)  # fmt: skip
            h_diag = np.where(keep, ys / np.where(keep, np.sum(y * y, axis=-1), 1.0), state.h_diag)
        q, al = -g, []
        for i in range(m - 1, -1, -1):  # the two-loop recursion; empty slots (rho = 0) change nothing
            a = rho[..., i] * np.sum(S[..., i, :] * q, axis=-1)
            q = q - a[..., None] * Y[..., i, :]
            al.append(a)
        r = q * h_diag[..., None]
        for i, a in zip(range(m), al[::-1], strict=True):
            b = rho[..., i] * np.sum(Y[..., i, :] * r, axis=-1)
            r = r + S[..., i, :] * (a - b)[..., None]
        d = np.where(first[..., None], -g, r)
        lr_now = lr[..., 0] if np.ndim(lr) else lr
        t = np.where(first, np.minimum(1.0, 1.0 / np.maximum(np.abs(g).sum(axis=-1), 1e-300)) * lr_now, lr_now)
        t = np.broadcast_to(t, first.shape).astype(float)
        descends = np.sum(g * d, axis=-1) <= -tol_change
        if line_search == "backtracking" and landscape is not None:
            f0, slope = landscape.value(params), np.sum(g * d, axis=-1)
            todo = moving & descends
            for _ in range(30):
                with np.errstate(all="ignore"):
                    f1 = landscape.value(params + t[..., None] * d)
                todo = todo & ~(f1 <= f0 + 1e-4 * t * slope)
                if not np.any(todo):
                    break
                t = np.where(todo, 0.5 * t, t)
        go = moving & descends
        step = np.where(go[..., None], t[..., None] * d, 0.0)
        new = LBFGSState(np.where(moving, state.count + 1, state.count), S, Y, rho, h_diag,
                         np.where(moving[..., None], g, state.prev_g), np.where(moving[..., None], d, state.d),
                         np.where(moving, t, state.t))  # fmt: skip
        return step, new

    return Optimizer(init, update, "lbfgs", MappingProxyType({"lr": lr}), makes_step=True)


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
    damping, saddle_free = per_run("damping", damping), flag("saddle_free", saddle_free, error=OptimizerError)

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
    lr, factor, every = _lr(lr), per_run("factor", factor, open_low=True), _steps("every", every)
    return _schedule(lambda t: lr * factor ** (t // every), "step_decay")


def exponential_decay(lr, gamma: float):
    """``lr_t = lr * gamma ** t`` (torch ExponentialLR)."""
    lr, gamma = _lr(lr), per_run("gamma", gamma, open_low=True, high=1.0)
    return _schedule(lambda t: lr * gamma**t, "exponential_decay")


def cosine_decay(lr, steps: int, final: float = 0.0):
    """``lr_t = final + (lr - final) (1 + cos(pi t / steps)) / 2`` for t <= steps (torch CosineAnnealingLR)."""
    lr, final, steps = _lr(lr), per_run("final", final), _steps("steps", steps)
    return _schedule(lambda t: final + (lr - final) * 0.5 * (1 + np.cos(np.pi * min(t, steps) / steps)), "cosine_decay")


def warmup(schedule, steps: int):
    """Linear warm-up: ``lr_t = schedule(t) * (t + 1) / steps`` for the first ``steps`` steps."""
    base, steps = schedule if callable(schedule) else constant(schedule), _steps("steps", steps)
    return _schedule(lambda t: base(t) * min(1.0, (t + 1) / steps), "warmup")


def inverse_sqrt(lr):
    """``lr_t = lr / sqrt(t + 1)``: the step sizes of the regret analyses of online learning (Reddi et al. 2018)."""
    lr = _lr(lr)
    return _schedule(lambda t: lr / np.sqrt(t + 1), "inverse_sqrt")


def whole_number(name: str, value, low: int = 1, *, error: type = OptimizerError, unit: str = "") -> int:
    """``value`` as an int, or ``error`` saying that ``name`` must be a whole number (``unit``, e.g. " of steps")
    of at least ``low``: the check every count (steps, chains, widths) gets, booleans and floats refused."""
    return whole(name, value, low, error=error, unit=unit)


def _steps(name, value, low=1):
    return whole_number(name, value, low, unit=" of steps")


def multi_step(lr, milestones, gamma: float = 0.1):
    """``lr_t = lr * gamma ** (number of milestones <= t)`` (torch MultiStepLR)."""
    lr, gamma = _lr(lr), per_run("gamma", gamma, open_low=True)
    if isinstance(milestones, (str, bytes)) or not hasattr(milestones, "__iter__"):
        raise OptimizerError(f"milestones must be a list of steps, e.g. [100, 200]; got {got(milestones)}")
    marks = sorted(_steps("a milestone", m, 0) for m in milestones)
    return _schedule(lambda t: lr * gamma ** bisect.bisect_right(marks, t), "multi_step")


def polynomial_decay(lr, total_iters: int = 5, power: float = 1.0):
    """``lr_t = lr * (1 - min(t, total_iters) / total_iters) ** power`` (torch PolynomialLR): 0 from ``total_iters`` on."""
    lr, power = _lr(lr), per_run("power", power)
    total = _steps("total_iters", total_iters)
    return _schedule(lambda t: lr * (1 - min(t, total) / total) ** power, "polynomial_decay")


def cosine_warm_restarts(lr, T_0: int, T_mult: int = 1, eta_min: float = 0.0):
    """Cosine decay from ``lr`` to ``eta_min`` over ``T_0`` steps, then again from ``lr`` over ``T_0 * T_mult``
    steps, and so on (torch CosineAnnealingWarmRestarts, stepped once per update; Loshchilov & Hutter 2017)."""
    lr, eta_min = _lr(lr), per_run("eta_min", eta_min)
    T_0, T_mult = _steps("T_0", T_0), _steps("T_mult", T_mult)

    def fn(t):
        if T_mult == 1:
            cur, length = t % T_0, T_0
        else:
            n = int(math.log(t / T_0 * (T_mult - 1) + 1, T_mult))
            cur, length = t - T_0 * (T_mult**n - 1) // (T_mult - 1), T_0 * T_mult**n
        return eta_min + (lr - eta_min) * (1 + math.cos(math.pi * cur / length)) / 2

    return _schedule(fn, "cosine_warm_restarts")


def cyclic(base_lr, max_lr, step_size_up: int = 2000, step_size_down: int | None = None, mode: str = "triangular",
           gamma: float = 1.0):  # fmt: skip
    """A learning rate that climbs from ``base_lr`` to ``max_lr`` in ``step_size_up`` steps and falls back in
    ``step_size_down`` (default: as many), over and over (torch CyclicLR; Smith 2017). ``mode`` "triangular2"
    halves the height every cycle, "exp_range" multiplies it by ``gamma ** t``. (torch also cycles the momentum by
    default; this schedule is the learning rate's only.)"""
    base, peak = _lr(base_lr), _lr(max_lr)
    up = _steps("step_size_up", step_size_up)
    down = up if step_size_down is None else _steps("step_size_down", step_size_down)
    choice("mode", mode, ("triangular", "triangular2", "exp_range"), error=OptimizerError)
    gamma = per_run("gamma", gamma, open_low=True, high=1.0)
    total, ratio = up + down, up / (up + down)

    def fn(t):
        cycle = math.floor(1 + t / total)
        x = 1.0 + t / total - cycle
        scale = x / ratio if x <= ratio else (x - 1) / (ratio - 1)
        height = (peak - base) * scale
        factor = 1.0 if mode == "triangular" else 1 / 2.0 ** (cycle - 1) if mode == "triangular2" else gamma**t
        return base + height * factor

    return _schedule(fn, "cyclic")


def one_cycle(max_lr, total_steps: int, pct_start: float = 0.3, anneal_strategy: str = "cos", div_factor: float = 25.0,
              final_div_factor: float = 1e4, three_phase: bool = False):  # fmt: skip
    """The 1cycle policy (torch OneCycleLR; Smith & Topin 2019): from ``max_lr / div_factor`` up to ``max_lr`` over
    the first ``pct_start`` of ``total_steps``, then down to ``max_lr / div_factor / final_div_factor`` (with
    ``three_phase``, first back to the start, then down). Annealed by cosine or linearly. (torch also cycles the
    momentum by default; this schedule is the learning rate's only.)"""
    peak = _lr(max_lr)
    total = _steps("total_steps", total_steps)
    pct = per_run("pct_start", pct_start, high=1.0)
    choice("anneal_strategy", anneal_strategy, ("cos", "linear"), error=OptimizerError)
    flag("three_phase", three_phase, error=OptimizerError)
    start = peak / per_run("div_factor", div_factor, open_low=True)
    low = start / per_run("final_div_factor", final_div_factor, open_low=True)
    if three_phase:
        phases = [(float(pct * total) - 1, start, peak), (float(2 * pct * total) - 2, peak, start), (total - 1, start, low)]
    else:
        phases = [(float(pct * total) - 1, start, peak), (total - 1, peak, low)]

    def anneal(a, b, x):
        return b + (a - b) / 2.0 * (math.cos(math.pi * x) + 1) if anneal_strategy == "cos" else (b - a) * x + a

    def fn(t):
        if t > total:
            raise OptimizerError(f"one_cycle was asked for step {t}, past its total_steps = {total}: give a larger total")
        begin = 0.0
        for i, (end, a, b) in enumerate(phases):
            if t <= end or i == len(phases) - 1:
                return anneal(a, b, (t - begin) / (end - begin))
            begin = end

    return _schedule(fn, "one_cycle")


### optimizers


def _named(name, hyper, *blocks):
    return chain(*(b for b in blocks if b is not None), name=name, hyper=hyper)


def gd(lr) -> Optimizer:
    """Gradient descent: ``x <- x - lr * g``."""
    return _named("GD", {"lr": lr}, scale_by_lr(lr))


def sgd(lr, noise=0.1, seed: int = 0, momentum=0.0, nesterov: bool = False, weight_decay=0.0, dampening=0.0) -> Optimizer:
    """Stochastic gradient descent: gradient descent on a noisy gradient.

    Unlike ``torch.optim.SGD``, which steps along whatever gradient it is given, ``tl.sgd`` adds
    Gaussian noise to the gradient (``noise=0.1`` by default, seeded) to stand in for the noise of minibatches on
    a landscape that has no data; ``noise=0`` gives torch's SGD exactly (and ``tl.gd``'s path without
    momentum). On a network's landscape, ``nets.sgd`` draws real minibatches instead.

    ``g <- grad + noise * xi (+ weight_decay * x)``, then torch.optim.SGD: with momentum
    ``b <- momentum * b + (1 - dampening) * g`` (``b_1 = g``); ``x <- x - lr * b`` (Nesterov: ``x <- x - lr (g +
    momentum * b)``).
    """
    return _named(
        "SGD",
        {"lr": lr, "noise": noise, "momentum": momentum},
        add_noise(noise, seed),
        add_decayed_weights(weight_decay) if np.any(weight_decay) else None,
        trace(momentum, nesterov, dampening) if np.any(momentum) else None,
        scale_by_lr(lr),
    )


def momentum(lr, momentum=0.9, weight_decay=0.0, dampening=0.0) -> Optimizer:
    """Heavy-ball momentum (torch.optim.SGD): ``b <- momentum * b + (1 - dampening) * g`` (``b_1 = g``);
    ``x <- x - lr * b``."""
    return _named(
        "Momentum",
        {"lr": lr, "momentum": momentum},
        add_decayed_weights(weight_decay) if np.any(weight_decay) else None,
        trace(momentum, dampening=dampening),
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


def adagrad(lr=0.01, eps=1e-10, weight_decay=0.0, initial=0.0, lr_decay=0.0) -> Optimizer:
    """AdaGrad (torch.optim.Adagrad): ``s <- s + g^2``; ``x <- x - lr_t * g / (sqrt(s) + eps)`` with
    ``lr_t = lr / (1 + t * lr_decay)``, ``t = 0`` at the first step."""
    decay = per_run("lr_decay", lr_decay)
    if np.any(np.asarray(decay) != 0):
        base = _lr(lr)
        schedule = _schedule(lambda t: base / (1 + t * decay), "lr_decay")
    return _named(
        "AdaGrad",
        {"lr": lr, **({"lr_decay": lr_decay} if np.any(np.asarray(decay) != 0) else {})},
        add_decayed_weights(weight_decay) if np.any(weight_decay) else None,
        scale_by_adagrad(eps, initial),
        scale_by_lr(schedule if np.any(np.asarray(decay) != 0) else lr),
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


def nadam(lr=2e-3, b1=0.9, b2=0.999, eps=1e-8, weight_decay=0.0, momentum_decay=4e-3,
          decoupled_weight_decay: bool = False) -> Optimizer:  # fmt: skip
    """NAdam (torch.optim.NAdam): Adam with Nesterov momentum (see ``scale_by_nadam``); weight decay is L2 in the
    gradient, or decoupled as AdamW's with ``decoupled_weight_decay``."""
    decay = np.any(weight_decay)
    return _named(
        "NAdam",
        {"lr": lr, "b1": b1, "b2": b2},
        add_decayed_weights(weight_decay) if decay and not decoupled_weight_decay else None,
        scale_by_nadam(b1, b2, eps, momentum_decay),
        add_decayed_weights(weight_decay) if decay and decoupled_weight_decay else None,
        scale_by_lr(lr),
    )


def radam(lr=1e-3, b1=0.9, b2=0.999, eps=1e-8, weight_decay=0.0, decoupled_weight_decay: bool = False) -> Optimizer:
    """RAdam (torch.optim.RAdam): Adam whose adaptive step is switched on gradually, as the variance of its running
    average of squared gradients becomes trustworthy (see ``scale_by_radam``); for the first steps it is momentum
    alone."""
    decay = np.any(weight_decay)
    return _named(
        "RAdam",
        {"lr": lr, "b1": b1, "b2": b2},
        add_decayed_weights(weight_decay) if decay and not decoupled_weight_decay else None,
        scale_by_radam(b1, b2, eps),
        add_decayed_weights(weight_decay) if decay and decoupled_weight_decay else None,
        scale_by_lr(lr),
    )


def adamax(lr=2e-3, b1=0.9, b2=0.999, eps=1e-8, weight_decay=0.0) -> Optimizer:
    """Adamax (torch.optim.Adamax): ``u_inf <- max(b2 u_inf, |g| + eps)``; ``x <- x - lr m / ((1 - b1^t) u_inf)``."""
    return _named(
        "Adamax",
        {"lr": lr, "b1": b1, "b2": b2},
        add_decayed_weights(weight_decay) if np.any(weight_decay) else None,
        scale_by_adamax(b1, b2, eps),
        scale_by_lr(lr),
    )


def adadelta(lr=1.0, rho=0.9, eps=1e-6, weight_decay=0.0) -> Optimizer:
    """Adadelta (torch.optim.Adadelta): ``x <- x - lr * sqrt(d + eps) / sqrt(v + eps) * g`` (see
    ``scale_by_adadelta``). Its steps start near ``sqrt(eps)``, whatever the gradient: slow at first by design."""
    return _named(
        "Adadelta",
        {"lr": lr, "rho": rho},
        add_decayed_weights(weight_decay) if np.any(weight_decay) else None,
        scale_by_adadelta(rho, eps),
        scale_by_lr(lr),
    )


def rprop(lr=0.01, etas=(0.5, 1.2), step_sizes=(1e-6, 50.0)) -> Optimizer:
    """Rprop (torch.optim.Rprop): signs of the gradient, with a step size per coordinate that grows while the sign
    holds and shrinks when it flips (see ``scale_by_rprop``). Made for full-batch gradients."""
    return _named("Rprop", {"lr": lr}, scale_by_rprop(lr, etas, step_sizes))


def lbfgs(lr=1.0, history: int = 10, line_search: str | None = None, tolerance_grad=1e-7, tolerance_change=1e-9) -> Optimizer:
    """L-BFGS, a quasi-Newton method: Newton's step with the inverse Hessian guessed from the last ``history`` steps
    and gradient changes (torch.optim.LBFGS, one iteration per step; see ``scale_by_lbfgs``). Optionally with a
    backtracking line search, which it needs on rough ground."""
    return _named("L-BFGS", {"lr": lr}, scale_by_lbfgs(lr, history, line_search, tolerance_grad, tolerance_change))


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
    "NAdam": nadam,
    "RAdam": radam,
    "Adamax": adamax,
    "Adadelta": adadelta,
    "Rprop": rprop,
    "L-BFGS": lbfgs,
    "Lion": lion,
    "Newton": newton,
    "Saddle-free Newton": saddle_free_newton,
}
