"""Small data sets made on the spot (no downloads), with train/test splits.

>>> from toylands.nets import data
>>> d = data.two_moons(200, seed=0)
>>> d.X.shape, d.X_test.shape, d.task, d.n_classes
((200, 2), (200, 2), 'classification', 2)
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .._args import afford, positive, real, reals, whole

__all__ = ["Dataset", "DataError", "make", "two_moons", "circles", "spirals", "xor", "regression_1d",
           "teacher_student", "digits", "linear_teacher"]  # fmt: skip


class DataError(ValueError):
    """Data that a network cannot be trained on as given."""


class Dataset(NamedTuple):
    """Inputs ``X`` ``(n, d)`` and targets ``y`` (integer labels, or ``(n, k)`` real values), with a test split."""

    X: np.ndarray
    y: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    task: str  # "classification" or "regression"
    name: str = "data"

    @property
    def n_classes(self) -> int:
        return int(max(self.y.max(), self.y_test.max())) + 1 if self.task == "classification" else 0

    @property
    def n_inputs(self) -> int:
        return self.X.shape[1]

    @property
    def n_outputs(self) -> int:
        if self.task == "regression":
            return self.y.shape[1]
        return 1 if self.n_classes == 2 else self.n_classes

    def __repr__(self):
        return f"Dataset({self.name!r}: {self.task}, {len(self.X)} train / {len(self.X_test)} test, {self.n_inputs} inputs)"


def make(X, y, X_test=None, y_test=None, task: str | None = None, name: str = "data", test_fraction: float = 0.5,
         seed: int = 0) -> Dataset:  # fmt: skip
    """Check and wrap your own arrays; split off a test set when none is given.

    Integer (or boolean) targets make a classification task with labels 0..K-1; real targets a
    regression one.
    """
    X = _numbers(X, "X")
    if X.ndim != 2:
        raise DataError(f"X must be a 2-D array (samples, features); got shape {X.shape}")
    if X.shape[0] == 0 or X.shape[1] == 0:
        raise DataError(f"X has no {'samples' if X.shape[0] == 0 else 'features'} (shape {X.shape}): a network needs data")
    y = np.asarray(y)
    if y.ndim == 0 or y.shape[0] != X.shape[0]:
        raise DataError(f"X has {X.shape[0]} samples but y has {y.shape[0] if y.ndim else 'none'}: they must match")
    if task is None:
        task = "classification" if (y.dtype.kind in "iub" and y.ndim == 1) else "regression"
    if task == "classification":
        if y.dtype.kind not in "iub":
            bad = y.dtype.kind in "fc" and not np.all(np.mod(y, 1) == 0)
            if y.dtype.kind not in "fc" or bad:
                raise DataError(f"class labels must be integers 0..K-1; got {y.dtype} values such as {y.ravel()[:3].tolist()}")
        y = y.astype(int).ravel()
        _labels(y, "y")
    elif task == "regression":
        y = _numbers(y, "y")
        y = y.reshape(len(y), -1)
    else:
        raise DataError(f"task must be 'classification' or 'regression'; got {task!r}")
    if X_test is None:
        if not 0 < test_fraction < 1:
            raise DataError(f"test_fraction must lie strictly between 0 and 1; got {test_fraction!r}")
        rng = np.random.default_rng(seed)
        idx = rng.permutation(len(X))
        k = int(round(len(X) * (1 - test_fraction)))
        if k < 1 or k >= len(X):
            raise DataError(
                f"{len(X)} samples split with test_fraction={test_fraction:g} leave {k} to train on and "
                f"{len(X) - k} to test on: give more samples (at least one of each), or a test set (X_test, y_test)"
            )
        X, y, X_test, y_test = X[idx[:k]], y[idx[:k]], X[idx[k:]], y[idx[k:]]
    else:
        X_test = _numbers(X_test, "X_test")
        y_test = (
            np.asarray(y_test).astype(int).ravel()
            if task == "classification"
            else _numbers(y_test, "y_test").reshape(len(X_test), -1)
        )
        if X_test.ndim != 2 or X_test.shape[1:] != X.shape[1:] or len(X_test) == 0:
            raise DataError(f"X_test must have shape (samples >= 1, {X.shape[1]}); got {X_test.shape}")
        if task == "classification":
            _labels(np.concatenate([y, y_test]), "y and y_test")
    return Dataset(X, y, X_test, y_test, task, name)


def _labels(y, what):
    """Class labels must be exactly 0..K-1 (every class present), or the network grows classes that do not exist."""
    present = np.unique(y)
    if present[0] < 0 or not np.array_equal(present, np.arange(len(present))):
        raise DataError(
            f"class labels must be the integers 0..K-1, each used; {what} has {present[:10].tolist()}. "
            "Renumber them, e.g. y = np.unique(y, return_inverse=True)[1]"
        )
    if len(present) < 2:
        raise DataError(f"a classification task needs at least two classes; {what} has only {present.tolist()}")


def _numbers(a, what):
    try:
        a = np.asarray(a, dtype=float)
    except (TypeError, ValueError):
        raise DataError(f"{what} must be numbers; could not read {np.asarray(a).ravel()[:3].tolist()} as numbers") from None
    if not np.all(np.isfinite(a)):
        raise DataError(f"{what} must be finite numbers")
    return a


def _split(make_points, n, seed, name, task, noise, columns=2):
    """``n`` training and ``n`` test samples of ``make_points``, after the checks every generator shares."""
    n = whole("n", n, 2, error=DataError, unit=" of samples")
    seed, _ = whole("seed", seed, 0, error=DataError), real("noise", noise, low=0, error=DataError)
    afford(8.0 * 2 * n * 8 * (columns + 1), f"{name} with n = {n} samples", "use a smaller n", error=DataError)
    X, y = make_points(2 * n, np.random.default_rng(seed))
    return Dataset(X[:n], y[:n], X[n:], y[n:], task, name)


def two_moons(n: int = 200, noise: float = 0.1, seed: int = 0) -> Dataset:
    """Two interleaving half circles (as in scikit-learn's make_moons): n training and n test points."""

    def points(m, rng):
        y = rng.integers(0, 2, m)
        t = rng.uniform(0, np.pi, m)
        X = np.where(y[:, None] == 0, np.column_stack([np.cos(t), np.sin(t)]), np.column_stack([1 - np.cos(t), 0.5 - np.sin(t)]))
        return X + noise * rng.standard_normal((m, 2)), y

    return _split(points, n, seed, "two moons", "classification", noise)


def circles(n: int = 200, noise: float = 0.08, factor: float = 0.5, seed: int = 0) -> Dataset:
    """Two concentric circles, radius 1 and ``factor``."""
    factor = positive("factor", factor, error=DataError)

    def points(m, rng):
        y = rng.integers(0, 2, m)
        t = rng.uniform(0, 2 * np.pi, m)
        r = np.where(y == 0, 1.0, factor)
        return np.column_stack([r * np.cos(t), r * np.sin(t)]) + noise * rng.standard_normal((m, 2)), y

    return _split(points, n, seed, "circles", "classification", noise)


def spirals(n: int = 200, noise: float = 0.2, turns: float = 1.5, seed: int = 0) -> Dataset:
    """Two interleaved spirals: a hard problem for small networks."""
    turns = positive("turns", turns, error=DataError)

    def points(m, rng):
        y = rng.integers(0, 2, m)
        t = np.sqrt(rng.uniform(0.02, 1, m)) * turns * 2 * np.pi
        X = np.column_stack([t * np.cos(t + np.pi * y), t * np.sin(t + np.pi * y)]) / (turns * 2 * np.pi) * 2
        return X + noise / 4 * rng.standard_normal((m, 2)), y

    return _split(points, n, seed, "spirals", "classification", noise)


def xor(n: int = 200, noise: float = 0.15, seed: int = 0) -> Dataset:
    """Four clusters at the corners of a square, labelled by XOR: not linearly separable."""

    def points(m, rng):
        a, b = rng.integers(0, 2, m), rng.integers(0, 2, m)
        X = np.column_stack([2 * a - 1, 2 * b - 1]) + noise * rng.standard_normal((m, 2))
        return X, a ^ b

    return _split(points, n, seed, "xor", "classification", noise)


def regression_1d(n: int = 100, noise: float = 0.1, seed: int = 0) -> Dataset:
    """y = sin(3x) + x / 2 + noise on x in [-2, 2]."""

    def points(m, rng):
        x = rng.uniform(-2, 2, (m, 1))
        return x, np.sin(3 * x) + 0.5 * x + noise * rng.standard_normal((m, 1))

    return _split(points, n, seed, "regression 1-D", "regression", noise, 1)


def teacher_student(n: int = 200, n_inputs: int = 2, hidden: int = 2, seed: int = 0, noise: float = 0.0) -> Dataset:
    """Targets made by a random teacher network with ``hidden`` tanh units: a student of the same size can fit them exactly."""
    n_inputs, hidden = whole("n_inputs", n_inputs, error=DataError), whole("hidden", hidden, error=DataError)
    afford(8.0 * 4 * n_inputs * hidden, f"teacher_student with {n_inputs} inputs x {hidden} units", "use fewer",
           error=DataError)  # fmt: skip

    def points(m, rng):
        X = rng.standard_normal((m, n_inputs))
        teacher = np.random.default_rng(seed + 10_000)
        W = teacher.standard_normal((n_inputs, hidden)) * 1.5
        a = teacher.standard_normal((hidden, 1))
        return X, np.tanh(X @ W) @ a + noise * rng.standard_normal((m, 1))

    return _split(points, n, seed, f"teacher with {hidden} units", "regression", noise, n_inputs + hidden)


def digits(test_fraction: float = 0.3, seed: int = 0, classes=None) -> Dataset:
    """The 8 x 8 handwritten digits that scikit-learn ships inside its package (1,797 images; no download).

    Needs the optional extra: ``pip install toylands[digits]``. Pixels are scaled to [0, 1];
    ``classes`` keeps a subset, e.g. ``(0, 1)`` for a binary problem.
    """
    try:
        from sklearn.datasets import load_digits
    except ImportError:
        raise DataError("the digits data set ships with scikit-learn: pip install 'toylands[digits]'") from None
    d = load_digits()
    X, y = d.data / 16.0, d.target
    if classes is not None:
        keep = np.isin(y, classes)
        X, y = X[keep], np.searchsorted(np.sort(classes), y[keep])
    return make(X, y, task="classification", name="digits", test_fraction=test_fraction, seed=seed)


def linear_teacher(singular_values=(4.0, 2.0, 1.0, 0.5), size: int = 6, seed: int = 0) -> Dataset:
    """The map ``y = x A`` with ``A``'s singular values given, on the ``size`` one-hot inputs (whitened data).

    ``A``'s columns have zero mean, so a network's biases cannot absorb any of it and its
    weights must learn every mode: the setting of Saxe, McClelland & Ganguli (2014), where a deep
    linear network learns one singular mode after another, each after a plateau.
    """
    s = np.atleast_1d(reals("singular_values", singular_values, low=0, error=DataError))
    size, seed = whole("size", size, 2, error=DataError), whole("seed", seed, 0, error=DataError)
    afford(8.0 * 8 * size * size, f"linear_teacher with size = {size} (a {size} x {size} map)", "use a smaller size",
           error=DataError)  # fmt: skip
    if len(s) >= size:
        raise DataError(f"give fewer than size={size} non-negative singular values; got {singular_values}")
    rng = np.random.default_rng(seed)
    centre = np.eye(size) - 1.0 / size  # project out the all-ones direction
    U = np.linalg.qr(centre @ rng.standard_normal((size, len(s))))[0]
    V = np.linalg.qr(rng.standard_normal((size, len(s))))[0]
    A = (U * s) @ V.T
    X = np.eye(size)
    return Dataset(X, A, X.copy(), A.copy(), "regression", "linear teacher")
