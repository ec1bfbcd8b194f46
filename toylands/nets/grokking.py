"""Grokking: a network that memorizes its training set first and generalizes long after.

The task is modular addition, ``(a + b) mod p``, learned from half of the ``p**2`` pairs by a
two-layer network with a square activation and no biases, trained on the mean squared error
against one-hot targets with AdamW (after Gromov 2023, "Grokking modular arithmetic", and
Doshi et al. 2024). Training accuracy reaches 100% within a few dozen steps; test accuracy stays
near chance, then climbs to 100% hundreds of steps later, as weight decay shrinks the weights and
each hidden neuron tunes itself to a single Fourier frequency.

    >>> from toylands import nets
    >>> g = nets.grokking(p=23, weight_decay=1.0, steps=200, every=50)
    >>> g.steps.tolist(), g.memorized_at
    ([0, 50, 100, 150, 200], 50)
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from .._args import afford, forecast, real, whole
from .._budget import progress as progress_bar
from ..optim import adamw, per_run
from .data import DataError, Dataset, _labels
from .mlp import MLP, NetLandscape, NetLoss, _one_hot, init_params

__all__ = ["modular_addition", "grokking", "Grokking", "fourier_spectrum", "frequency_purity"]


def _whole(name, value, low):
    return whole(name, value, low, error=DataError)


def modular_addition(p: int = 31, train_fraction: float = 0.5, seed: int = 0) -> Dataset:
    """All ``p**2`` sums ``(a + b) mod p``, a random ``train_fraction`` of them to train on and the rest to test.

    An input is the one-hot vector of ``a`` followed by the one-hot vector of ``b`` (``2p``
    numbers); the label is ``(a + b) mod p``.

        >>> d = modular_addition(7, 0.5, seed=0)
        >>> d.X.shape, d.X_test.shape, d.n_classes
        ((24, 14), (25, 14), 7)
    """
    p, seed = _whole("p", p, 2), _whole("seed", seed, 0)
    train_fraction = real("train_fraction", train_fraction, low=0, high=1, open_low=True, open_high=True, error=DataError)
    afford(8.0 * p * p * (2 * p + 6), f"modular_addition with p = {p} ({p * p} pairs of {2 * p} inputs each)",
           "use a smaller p", error=DataError)  # fmt: skip
    a, b = np.divmod(np.arange(p * p), p)
    X = np.concatenate([_one_hot(a, p), _one_hot(b, p)], axis=1)
    y = (a + b) % p
    k = int(round(train_fraction * p * p))
    if not p <= k <= p * p - 1:
        raise DataError(
            f"train_fraction={train_fraction:g} of the {p * p} pairs is {k}: too few to contain every answer "
            f"0..{p - 1} at least once, or nothing left to test on; choose a fraction between {p / (p * p):.2g} and "
            f"{1 - 1 / (p * p):.3g}"
        )
    idx = np.random.default_rng(seed).permutation(p * p)
    train, test = idx[:k], idx[k:]
    if len(np.unique(y[train])) < p:
        raise DataError(
            f"with train_fraction={train_fraction:g} and seed={seed} some answers 0..{p - 1} never occur in the training "
            "set, so the network could not even name them: take a larger fraction or another seed"
        )
    _labels(y[train], "the training answers")
    return Dataset(X[train], y[train], X[test], y[test], "classification", f"(a + b) mod {p}")


def fourier_spectrum(theta, p: int, width: int) -> np.ndarray:
    """How each hidden neuron's input weights spread their power over the frequencies ``0 .. p // 2``.

    Neuron ``j`` reads token ``a`` through weight ``W[a, j]`` (and ``b`` through ``W[p + b, j]``).
    The discrete Fourier transform along the token axis, with ``k`` and ``p - k`` counted as one
    frequency, says which frequencies it uses: shape ``(..., width, p // 2 + 1)``, each neuron's
    shares summing to 1. Random weights spread their power over all frequencies; a network that
    has grokked modular addition tunes each neuron to one frequency (weights close to
    ``cos(2 pi k a / p + phase)``), as in Gromov's analytic solution.
    """
    theta = np.asarray(theta, float)
    W = theta[..., : 2 * p * width].reshape(theta.shape[:-1] + (2 * p, width))
    power = np.abs(np.fft.fft(W[..., :p, :], axis=-2)) ** 2 + np.abs(np.fft.fft(W[..., p:, :], axis=-2)) ** 2
    half = power[..., : p // 2 + 1, :].copy()  # frequency k and p - k carry the same power (real weights)
    pairs = (p + 1) // 2 - 1
    half[..., 1 : 1 + pairs, :] += power[..., p - 1 : p - 1 - pairs : -1, :]
    half = np.swapaxes(half, -1, -2)
    return half / np.maximum(half.sum(-1, keepdims=True), 1e-300)


def frequency_purity(theta, p: int, width: int) -> np.ndarray:
    """The mean share of a neuron's power in its strongest frequency: about 0.16 at random for p = 31, near 1 once grokked."""
    return fourier_spectrum(theta, p, width).max(-1).mean(-1)


@dataclass(frozen=True, repr=False)
class Grokking:
    """The record of one grokking run, one entry every ``every`` steps.

    ``steps``; ``train_accuracy``, ``test_accuracy``, ``train_loss``, ``test_loss``;
    ``weight_norm`` (the Euclidean norm of all weights); ``spectra`` (``(records, width, p // 2 + 1)``,
    each hidden neuron's shares of power per frequency, see ``fourier_spectrum``); ``theta`` the
    final weights, ``start`` the initial ones, ``landscape`` the network's loss.
    """

    steps: np.ndarray
    train_accuracy: np.ndarray
    test_accuracy: np.ndarray
    train_loss: np.ndarray
    test_loss: np.ndarray
    weight_norm: np.ndarray
    spectra: np.ndarray
    theta: np.ndarray
    start: np.ndarray
    landscape: NetLandscape
    weight_decay: float
    seed: int

    @property
    def p(self) -> int:
        return self.landscape.model.sizes[-1]

    def _first(self, values, level):
        hit = np.flatnonzero(np.asarray(values) >= level)
        return int(self.steps[hit[0]]) if hit.size else None

    @property
    def memorized_at(self) -> int | None:
        """The first recorded step with every training example right (None if never)."""
        return self._first(self.train_accuracy, 1.0)

    @property
    def generalized_at(self) -> int | None:
        """The first recorded step with test accuracy at least 99% (None if never): the grok step."""
        return self._first(self.test_accuracy, 0.99)

    @property
    def width(self) -> int:
        return self.landscape.model.sizes[1]

    @property
    def purity(self) -> np.ndarray:
        """The mean share of a neuron's power in its strongest frequency, per record (see ``frequency_purity``)."""
        return self.spectra.max(-1).mean(-1).astype(float)

    def neurons_per_frequency(self, step: int | None = None) -> np.ndarray:
        """How many hidden neurons have each frequency as their strongest, at the record nearest ``step`` (default: the end)."""
        i = -1 if step is None else self.index(step)
        return np.bincount(self.spectra[i].argmax(-1), minlength=self.p // 2 + 1)

    def index(self, step: int) -> int:
        """The position of the record nearest ``step``."""
        return int(np.argmin(np.abs(self.steps - step)))

    def at(self, step: int) -> dict:
        """The record nearest ``step``, as a dict of numbers."""
        i = self.index(step)
        return {
            "step": int(self.steps[i]),
            "train_accuracy": float(self.train_accuracy[i]),
            "test_accuracy": float(self.test_accuracy[i]),
            "train_loss": float(self.train_loss[i]),
            "test_loss": float(self.test_loss[i]),
            "weight_norm": float(self.weight_norm[i]),
        }

    def __repr__(self):
        mem, gen = self.memorized_at, self.generalized_at
        return (
            f"Grokking(p={self.p}, weight_decay={self.weight_decay:g}, seed={self.seed}: memorized at step "
            f"{mem if mem is not None else 'never'}, generalized at step {gen if gen is not None else 'never'} "
            f"of {int(self.steps[-1])})"
        )


def grokking(
    p: int = 31,
    width: int = 256,
    weight_decay=0.3,
    train_fraction: float = 0.5,
    steps: int = 3000,
    seed: int = 0,
    every: int = 10,
    lr: float = 1e-2,
    stop_at: float | None = None,
    progress: bool | None = None,
    max_seconds: float = 1800.0,
):
    """Train the two-layer square-activation network on ``(a + b) mod p`` and record how it learns.

    Args:
      p: the modulus (the network has ``2p`` inputs and ``p`` outputs).
      width: hidden units; weights start normal with standard deviation ``0.5 / (2 width)**(1/3)``.
      weight_decay: AdamW's decoupled weight decay; a list trains one network per value (same
        data split and initialization) in one batched run, and returns a list of records.
      train_fraction: the share of the ``p**2`` pairs trained on (full batch).
      steps: AdamW steps (lr ``lr``, betas ``(0.9, 0.98)``).
      seed: chooses the training pairs and the initial weights.
      every: record every this many steps (and at the last).
      stop_at: stop early once every run's test accuracy reaches this level.
      progress: show a progress bar (default: when the run will take more than a few seconds).
      max_seconds: the first steps are timed; a run forecast to take longer stops there and says so.

    Returns:
      A ``Grokking`` record, or a list of them when ``weight_decay`` is a list.
    """
    p, width, steps, every = _whole("p", p, 2), _whole("width", width, 1), _whole("steps", steps, 0), _whole("every", every, 1)
    seed = _whole("seed", seed, 0)
    many = np.ndim(weight_decay) == 1
    per_run("weight_decay", weight_decay)  # checks: numbers >= 0, one list at most
    wds = np.atleast_1d(np.asarray(weight_decay, float))
    if stop_at is not None and not 0 < stop_at <= 1:
        raise DataError(f"stop_at is a test accuracy between 0 and 1; got {stop_at!r}")
    max_seconds = real("max_seconds", max_seconds, low=0, open_low=True, error=DataError)
    afford(8.0 * len(wds) * (6 * p * p * (3 * p + width) + (steps // every + 2) * (width * p + 6) / 2),
           f"grokking with p = {p}, width {width}, {len(wds)} runs", "use a smaller p or width", error=DataError)  # fmt: skip
    data = modular_addition(p, train_fraction, seed)
    model = MLP((2 * p, width, p), "square", bias=False)
    targets = data._replace(y=_one_hot(data.y, p), y_test=_one_hot(data.y_test, p))
    net = NetLoss(model, targets, "mse")
    theta0 = init_params(model, seed, "normal", 0.5 / (2 * width) ** (1 / 3))
    L = NetLandscape(
        f"MLP {model.name} (square, no biases) on {data.name}",
        net,
        bounds=[(-3.0, 3.0)] * model.n_params,
        starts=theta0[None],
        grad_fn=net.grad,
        tags=frozenset({"neural-network", "high-dimensional"}),
        description=f"The squared error of a {model.name} network with activation x^2 learning {data.name}.",
        reference="Gromov, Grokking modular arithmetic (2023).",
        formula=r"L(\theta) = \frac{1}{n}\sum_i |f_\theta(x_i) - e_{y_i}|^2",
        net=net,
    )
    theta = np.repeat(theta0[None], len(wds), axis=0)
    opt = adamw(lr, 0.9, 0.98, 1e-8, weight_decay=wds if many else float(wds[0]))
    state = opt.init(theta)
    rows = []

    def record(t):
        out, out_test = model.forward(theta, data.X), model.forward(theta, data.X_test)
        rows.append((
            t,
            np.mean(out.argmax(-1) == data.y, axis=-1),
            np.mean(out_test.argmax(-1) == data.y_test, axis=-1),
            np.mean(np.sum((out - targets.y) ** 2, -1), -1),
            np.mean(np.sum((out_test - targets.y_test) ** 2, -1), -1),
            np.linalg.norm(theta, axis=-1),
            fourier_spectrum(theta, p, width).astype(np.float32),
        ))  # fmt: skip

    show = progress if progress is not None else steps * len(wds) * width * len(data.X) > 2e8
    with np.errstate(all="ignore"), progress_bar(total=steps, desc=f"grokking (a + b) mod {p}", enabled=bool(show)) as bar:
        record(0)
        t0 = time.perf_counter()
        for t in range(1, steps + 1):
            u, state = opt.update(net.grad(theta), state, theta)
            theta = theta + u
            bar.update(1)
            if t == 3:  # the first steps say how long the whole will take
                forecast((time.perf_counter() - t0) / 3 * steps, f"grokking for {steps} steps (p = {p}, width {width}, "
                         f"{len(wds)} runs)", "take fewer steps, or raise max_seconds", max_seconds=max_seconds,
                         error=DataError)  # fmt: skip
            if t % every == 0 or t == steps:
                record(t)
                if stop_at is not None and np.all(rows[-1][2] >= stop_at):
                    break
    if not np.all(np.isfinite(theta)):
        raise DataError(f"the run diverged (weights not finite): lower lr={lr:g}")
    cols = [np.array(c) for c in zip(*rows, strict=True)]
    records = [Grokking(cols[0], *(c[:, i] for c in cols[1:]), theta[i], theta0, L, float(wds[i]), seed) for i in range(len(wds))]
    return records if many else records[0]
