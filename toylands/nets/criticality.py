"""Signal propagation in deep random networks: order, chaos, and the edge between them.

A deep network with weights drawn ``N(0, sigma_w2 / width)`` and biases ``N(0, sigma_b2)`` maps an
input's squared length per unit ``q`` to ``q' = sigma_w2 E[phi(sqrt(q) z)^2] + sigma_b2`` (``z``
standard normal), which settles at a fixed point ``q*``; two inputs' correlation ``c`` is mapped the
same way. The slope of the correlation map at ``c = 1``,

    chi1 = sigma_w2 E[phi'(sqrt(q*) z)^2],

decides the phase (Poole et al. 2016; Schoenholz et al. 2017): below 1 (*ordered*) all inputs become
alike with depth; above 1 (*chaotic*) nearby inputs are torn apart. Signals keep their correlations
over about ``xi = -1 / ln chi`` layers, gradients grow or shrink like ``chi1 ** depth``, and both
blow up at ``chi1 = 1``: the *edge of chaos*, where deep networks can be trained.

Expectations are Gauss-Hermite sums (101 points), vectorized over arrays of ``sigma_w2`` and
``sigma_b2``:

    >>> from toylands import nets
    >>> round(float(nets.critical_sigma_w2(0.05)), 3)
    1.761
    >>> round(float(nets.chi1(1.0, 0.05)), 3), round(float(nets.depth_scale(1.0, 0.05)), 1)
    (0.759, 3.6)
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .._args import afford, forecast, reals
from ..optim import whole_number
from .data import DataError
from .mlp import MLP

__all__ = ["ACTIVATIONS", "q_star", "chi1", "correlation_map", "correlation_curve", "correlation_fixed_point", "depth_scale",
           "critical_sigma_w2", "propagate", "Propagation", "mean_field_init", "trainability", "Trainability"]  # fmt: skip

#: The activations the mean-field functions know: tanh and erf (odd, saturating: one universality class),
#: and ReLU (another).
ACTIVATIONS = ("tanh", "erf", "relu")
_NODES, _WEIGHTS = np.polynomial.hermite_e.hermegauss(101)
_WEIGHTS = _WEIGHTS / np.sqrt(2 * np.pi)  # E[f(z)] = sum(w f(x)) for z ~ N(0, 1)


def _phi(activation):
    if activation == "tanh":
        return np.tanh, lambda u: 1.0 / np.cosh(u) ** 2
    if activation == "erf":
        from scipy.special import erf

        return erf, lambda u: 2.0 / np.sqrt(np.pi) * np.exp(-(u**2))
    if activation == "relu":
        return (lambda u: np.maximum(u, 0.0)), (lambda u: (u > 0).astype(float))
    raise DataError(f"activation must be one of {ACTIVATIONS}; got {activation!r}")


def _variances(sigma_w2, sigma_b2):
    w = reals("sigma_w2", sigma_w2, low=0, open_low=True, error=DataError, per_run=False)
    w, b = np.broadcast_arrays(w, reals("sigma_b2", sigma_b2, low=0, error=DataError, per_run=False))
    if not (np.all(np.isfinite(w)) and np.all(np.isfinite(b))) or np.any(w <= 0) or np.any(b < 0):
        raise DataError(f"sigma_w2 must be > 0 and sigma_b2 >= 0 (variances); got {sigma_w2!r} and {sigma_b2!r}")
    return w, b


def _mean(f, q):
    """E[f(sqrt(q) z)] for each entry of ``q`` (any shape)."""
    u = np.sqrt(np.asarray(q, float))[..., None] * _NODES
    return f(u) @ _WEIGHTS


def q_star(sigma_w2, sigma_b2, activation: str = "tanh"):
    """The fixed point of the length map ``q = sigma_w2 E[phi(sqrt(q) z)^2] + sigma_b2`` (``inf`` where the length grows
    without bound, as for ReLU with ``sigma_w2 > 2``)."""
    w, b = _variances(sigma_w2, sigma_b2)
    phi, _ = _phi(activation)
    if activation == "relu":  # E[relu(sqrt(q) z)^2] = q / 2: a line
        with np.errstate(divide="ignore", invalid="ignore"):
            out = np.where(w < 2, b / (1 - w / 2), np.where(b > 0, np.inf, 0.0))
        return out[()] if out.ndim == 0 else out
    # g(q) = map(q) - q is >= 0 at 0 and < 0 above sigma_w2 + sigma_b2 (phi^2 <= 1): bisect for its largest root.
    lo, hi = np.zeros_like(w), w + b + 1.0
    for _ in range(80):
        mid = 0.5 * (lo + hi)
        up = w * _mean(lambda u: phi(u) ** 2, mid) + b >= mid
        lo, hi = np.where(up, mid, lo), np.where(up, hi, mid)
    out = 0.5 * (lo + hi)
    return out[()] if out.ndim == 0 else out


def chi1(sigma_w2, sigma_b2, activation: str = "tanh"):
    """The slope of the correlation map at ``c = 1``, ``sigma_w2 E[phi'(sqrt(q*) z)^2]``: < 1 ordered, > 1 chaotic.

    One degenerate corner: without biases and below ``sigma_w2 = 1`` (tanh, erf) signals shrink to ``q* = 0``, where
    the activation is linear and correlations are kept rather than merged; ``chi1 = sigma_w2`` then describes only the
    gradients, which vanish."""
    w, b = _variances(sigma_w2, sigma_b2)
    _, dphi = _phi(activation)
    if activation == "relu":
        out = w / 2
    else:
        out = w * _mean(lambda u: dphi(u) ** 2, q_star(w, b, activation))
    out = np.asarray(out, float)
    return out[()] if out.ndim == 0 else out


def _pair_mean(f, g, q, c):
    """E[f(u1) g(u2)] with u1, u2 of variance ``q`` and correlation ``c`` (arrays broadcast together)."""
    q, c = np.broadcast_arrays(np.asarray(q, float), np.clip(np.asarray(c, float), -1.0, 1.0))
    s = np.sqrt(q)[..., None, None]
    z1, z2 = _NODES[:, None], _NODES[None, :]
    u1 = s * z1
    u2 = s * (c[..., None, None] * z1 + np.sqrt(1 - c[..., None, None] ** 2) * z2)
    return np.einsum("...ij,i,j->...", f(u1) * g(u2), _WEIGHTS, _WEIGHTS)


def correlation_map(c, sigma_w2, sigma_b2, activation: str = "tanh"):
    """One layer's map of two inputs' correlation at the length fixed point ``q*``:
    ``c' = (sigma_w2 E[phi(u1) phi(u2)] + sigma_b2) / (sigma_w2 E[phi(u1)^2] + sigma_b2)``. For ReLU without biases
    the map does not depend on the length (it is the arc-cosine kernel), so it holds for any input length."""
    w, b = _variances(sigma_w2, sigma_b2)
    return _correlation_map(c, w, b, _length(w, b, activation), activation)


def _length(w, b, activation):
    """``q*`` as the correlation map needs it (any length for ReLU without biases)."""
    q = q_star(w, b, activation)
    if activation == "relu":
        q = np.where(b == 0, 1.0, q)
    if np.any(~np.isfinite(q)):
        raise DataError("the correlation map needs a finite length fixed point q*: for ReLU with biases, sigma_w2 < 2")
    return np.maximum(q, 1e-300)


def _correlation_map(c, w, b, q, activation):
    phi, _ = _phi(activation)
    if activation == "relu":  # the arc-cosine kernel (Cho & Saul 2009), exact: quadrature blurs its kink at c = 1
        c = np.clip(np.asarray(c, float), -1.0, 1.0)
        pair = q / (2 * np.pi) * (np.sqrt(1 - c**2) + (np.pi - np.arccos(c)) * c)
        out = (w * pair + b) / (w * q / 2 + b)
    else:
        out = (w * _pair_mean(phi, phi, q, c) + b) / (w * _mean(lambda u: phi(u) ** 2, q) + b)
    return out[()] if np.ndim(out) == 0 else out


def correlation_curve(c0, depth: int, sigma_w2, sigma_b2, activation: str = "tanh") -> np.ndarray:
    """The theory's correlation at layers ``0 .. depth`` for inputs of correlation ``c0`` (a number or an array: one
    curve per value, shape ``(depth + 1,) + shape(c0)``)."""
    w, b = _variances(sigma_w2, sigma_b2)
    c0 = reals("c0", c0, low=-1, high=1, error=DataError, per_run=False)  # a correlation
    depth = whole_number("depth", depth, 0, error=DataError)
    afford(8.0 * 4 * (depth + 1) * max(c0.size, w.size), f"correlation_curve through {depth} layers", "use a smaller depth",
           error=DataError)  # fmt: skip
    forecast(2e-5 * depth, f"correlation_curve through {depth} layers", "use a smaller depth", max_seconds=600,
             error=DataError)  # fmt: skip
    q = _length(w, b, activation)
    c = [c0]
    for _ in range(depth):
        c.append(np.asarray(_correlation_map(c[-1], w, b, q, activation), float))
    return np.array(c)


def correlation_fixed_point(sigma_w2, sigma_b2, activation: str = "tanh"):
    """Where the correlation of two different inputs ends up after many layers: 1 in the ordered phase, ``c* < 1`` in
    the chaotic one (the other root of ``c = map(c)``, found by bisection below 1)."""
    w, b = _variances(sigma_w2, sigma_b2)
    q = _length(w, b, activation)
    chaotic = np.asarray(chi1(w, b, activation)) > 1
    # In the chaotic phase map(c) - c is >= 0 at c = 0 (biases correlate everything a little) and < 0 just below 1.
    lo, hi = np.zeros_like(w), np.full_like(w, 1 - 1e-9)
    for _ in range(45):  # to 3e-14
        mid = 0.5 * (lo + hi)
        up = _correlation_map(mid, w, b, q, activation) >= mid
        lo, hi = np.where(up, mid, lo), np.where(up, hi, mid)
    out = np.where(chaotic, 0.5 * (lo + hi), 1.0)
    return out[()] if out.ndim == 0 else out


def depth_scale(sigma_w2, sigma_b2, activation: str = "tanh"):
    """How many layers correlations survive, ``xi = -1 / ln chi_c``, with ``chi_c`` the slope of the correlation map
    at its fixed point (``chi1`` in the ordered phase): infinite at the edge of chaos."""
    w, b = _variances(sigma_w2, sigma_b2)
    _, dphi = _phi(activation)
    slope = np.array(chi1(w, b, activation), float)
    chaotic = slope > 1
    if np.any(chaotic):  # the slope at c* < 1: sigma_w2 E[phi'(u1) phi'(u2)]
        wc, bc = np.broadcast_to(w, slope.shape)[chaotic], np.broadcast_to(b, slope.shape)[chaotic]
        cs = correlation_fixed_point(wc, bc, activation)
        slope[chaotic] = wc * _pair_mean(dphi, dphi, q_star(wc, bc, activation), cs)
    with np.errstate(divide="ignore"):
        out = np.where(np.abs(slope - 1) < 1e-12, np.inf, -1.0 / np.log(slope))
    return out[()] if out.ndim == 0 else out


def critical_sigma_w2(sigma_b2, activation: str = "tanh"):
    """The weight variance on the edge of chaos (``chi1 = 1``) for each bias variance: 1 at ``sigma_b2 = 0`` for tanh,
    rising with the bias; 2 for ReLU (He's initialization) whatever the bias."""
    b = np.asarray(sigma_b2, float)
    _variances(1.0, b)
    if activation == "relu":
        out = np.full_like(b, 2.0)
        return out[()] if out.ndim == 0 else out
    _phi(activation)
    lo, hi = np.full_like(b, 1e-3), np.full_like(b, 1e-3)
    while True:  # grow hi until it is chaotic
        grow = chi1(hi, b, activation) < 1
        if not np.any(grow):
            break
        hi = np.where(grow, 2 * hi, hi)
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        ordered = chi1(mid, b, activation) < 1
        lo, hi = np.where(ordered, mid, lo), np.where(ordered, hi, mid)
    out = 0.5 * (lo + hi)
    return out[()] if out.ndim == 0 else out


class Propagation(NamedTuple):
    """Two inputs sent through a random deep network: per layer (0 = the inputs) their squared lengths per unit
    ``q1``, ``q2`` and their correlation ``c``; and the gradient's squared norm per layer, ``grad``, back-propagated
    from a random output direction (its ratio from layer to layer is about ``chi1``)."""

    q1: np.ndarray
    q2: np.ndarray
    c: np.ndarray
    grad: np.ndarray


def propagate(sigma_w2, sigma_b2, *, c0=0.5, q0: float | None = None, depth: int = 30, width: int = 1000,
              activation: str = "tanh", seed: int = 0) -> Propagation:  # fmt: skip
    """Send inputs of squared length ``q0`` per unit (default: ``q*``, where the theory's correlation map holds from
    the first layer) through one random network of ``depth`` layers of ``width`` units (weights ``N(0, sigma_w2 /
    width)``, biases ``N(0, sigma_b2)``): a first input, and for each correlation in ``c0`` a second input with that
    correlation to it. What the mean-field theory predicts for an infinitely wide network, measured in one.

    Layer ``l``'s pre-activations are ``z_l = W_l phi(z_(l-1)) + b_l``, with the inputs as ``z_0``. ``c`` (and
    ``q2``) have shape ``(depth + 1,)``, or ``(depth + 1, len(c0))`` for several ``c0``; ``grad`` holds the squared
    gradient at layers ``1 .. depth`` (``grad[l - 1]`` for layer ``l``), and ``grad[l] / grad[l + 1]`` is about ``chi1``.
    """
    cs = np.atleast_1d(np.asarray(c0, float))
    if q0 is None:
        q0 = float(_length(*_variances(sigma_w2, sigma_b2), activation)) if activation != "relu" else 1.0
    if cs.ndim != 1 or np.any(np.abs(cs) > 1) or not q0 > 0:
        raise DataError(f"c0 holds correlations in [-1, 1] and q0 is a squared length > 0; got c0={c0!r}, q0={q0!r}")
    depth, width = (whole_number(name, v, error=DataError) for name, v in (("depth", depth), ("width", width)))
    seed = whole_number("seed", seed, 0, error=DataError)
    afford(8.0 * width * width * (depth + 2) + 8.0 * width * (len(cs) + 1) * (depth + 4),
           f"propagate through {depth} layers of width {width} (each layer's {width} x {width} weights kept for the "
           "gradients)", "use a smaller width or depth", error=DataError)  # fmt: skip
    w, b = (float(v) for v in _variances(sigma_w2, sigma_b2))
    phi, dphi = _phi(activation)
    rng = np.random.default_rng(seed)
    # layer 0's pre-activations: the first input, and one partner per correlation (1 + k, width), with exactly the
    # squared length q0 per unit and exactly the correlations c0 (so that the only randomness is the network's)
    z1, z2 = rng.standard_normal(width), rng.standard_normal((len(cs), width))
    z1 /= np.sqrt(np.mean(z1**2))
    z2 -= np.outer(z2 @ z1 / width, z1)
    z2 /= np.sqrt(np.mean(z2**2, axis=-1, keepdims=True))
    z = np.vstack([z1, cs[:, None] * z1 + np.sqrt(1 - cs[:, None] ** 2) * z2]) * np.sqrt(q0)
    pre, weights = [z[0]], []

    def lengths_and_correlations(x):
        q = np.mean(x**2, axis=-1)
        return q[0], q[1:], np.mean(x[0] * x[1:], axis=-1) / np.sqrt(q[0] * q[1:])

    q1, q2, c = (list(v) for v in zip(lengths_and_correlations(z), strict=True))
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(depth):  # z_l = W phi(z_{l-1}) + b, the recursion the theory follows
            W = rng.standard_normal((width, width)) * np.sqrt(w / width)
            z = phi(z) @ W + rng.standard_normal(width) * np.sqrt(b)
            pre.append(z[0])
            weights.append(W)
            for store, v in zip((q1, q2, c), lengths_and_correlations(z), strict=True):
                store.append(v)
        delta = rng.standard_normal(width) / np.sqrt(width)  # d loss / d (last pre-activations), first input
        grad = [np.sum(delta**2)]
        for k in range(depth - 1, 0, -1):  # d z_{k+1} / d z_k = W_{k+1}^T diag(phi'(z_k))
            delta = (delta @ weights[k].T) * dphi(pre[k])
            grad.append(np.sum(delta**2))
    one = np.ndim(c0) == 0
    q2, c = np.array(q2), np.array(c)
    return Propagation(np.array(q1), q2[:, 0] if one else q2, c[:, 0] if one else c, np.array(grad[::-1]))


def mean_field_init(model: MLP, sigma_w2: float, sigma_b2: float, seed: int = 0) -> np.ndarray:
    """Parameters of ``model`` drawn as the mean-field theory assumes: weights ``N(0, sigma_w2 / n_in)``, biases
    ``N(0, sigma_b2)``; ``sigma_w2`` may be an array, for one network per value (shape ``(len, P)``)."""
    if not isinstance(model, MLP):
        raise DataError("model must be a nets.MLP, e.g. L.model of a network's landscape")
    ws = np.atleast_1d(np.asarray(sigma_w2, float))
    _variances(ws, sigma_b2)
    seed = whole_number("seed", seed, 0, error=DataError)
    out = []
    for w in ws:
        rng = np.random.default_rng(seed)
        layers = [(rng.standard_normal((i, o)) * np.sqrt(w / i), rng.standard_normal(o) * np.sqrt(sigma_b2))
                  for (i, o), _ in model.shapes]  # fmt: skip
        out.append(model.flatten(layers))
    out = np.array(out)
    return out[0] if np.ndim(sigma_w2) == 0 else out


class Trainability(NamedTuple):
    """Deep networks trained from mean-field initializations: ``loss`` and ``accuracy`` (training set) after the
    budget, shaped ``(len(depths), len(sigma_w2))``, and the theory's ``depth_scale`` for each ``sigma_w2``."""

    sigma_w2: np.ndarray
    depths: np.ndarray
    sigma_b2: float
    loss: np.ndarray
    accuracy: np.ndarray
    depth_scale: np.ndarray
    steps: int

    def trains(self, level: float = 0.9) -> np.ndarray:
        """Which (depth, sigma_w2) reached training accuracy ``level`` within the budget."""
        return self.accuracy >= level


def trainability(data, sigma_w2, depths=(5, 10, 20, 40), *, sigma_b2: float = 0.05, width: int = 16,
                 steps: int = 300, lr: float = 0.05, activation: str = "tanh", seed: int = 0,
                 progress: bool | None = None) -> Trainability:  # fmt: skip
    """Train tanh (or ReLU) networks of each depth, ``width`` units per layer, from the mean-field initialization of
    each ``sigma_w2`` (all weight variances of one depth in one batched run) with gradient descent, and record how
    far each got: Schoenholz et al.'s experiment, at the size of a laptop. They found that networks train when their
    depth is below about ``6 xi``."""
    from .. import optim
    from .._budget import progress as progress_bar
    from ..run import run
    from .mlp import accuracy, mlp_landscape

    if activation not in ("tanh", "relu"):
        raise DataError(f"trainability trains tanh or relu networks; got activation={activation!r}")
    ws = np.atleast_1d(np.asarray(sigma_w2, float))
    _variances(ws, sigma_b2)
    depths = np.atleast_1d(np.asarray(depths))
    if depths.ndim != 1 or not np.issubdtype(depths.dtype, np.integer) or np.any(depths < 1):
        raise DataError(f"depths must be whole numbers of hidden layers >= 1; got {depths.tolist()}")
    loss, acc = np.empty((len(depths), len(ws))), np.empty((len(depths), len(ws)))
    show = progress if progress is not None else int(depths.sum()) * steps * len(ws) > 2e5
    for k in progress_bar(range(len(depths)), desc="training deep networks", enabled=bool(show)):
        L = mlp_landscape(data, hidden=(width,) * int(depths[k]), activation=activation, seed=seed)
        starts = mean_field_init(L.model, ws, sigma_b2, seed=seed)
        final = run(optim.gd(lr), L, starts, steps=steps, escape=1e6, progress=False).final
        with np.errstate(all="ignore"):
            loss[k] = np.where(np.all(np.isfinite(final), -1), L(np.nan_to_num(final)), np.inf)
            acc[k] = np.where(np.isfinite(loss[k]), accuracy(L, np.nan_to_num(final)), 0.0)
    return Trainability(ws, depths, float(sigma_b2), loss, acc, np.asarray(depth_scale(ws, sigma_b2, activation)), steps)
