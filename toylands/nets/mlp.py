"""Tiny multilayer perceptrons whose loss over the flat parameter vector is a Landscape.

The loss takes parameter vectors of shape ``(..., P)``: one network, or a whole grid of them,
evaluated as one batched computation. Gradients are back-propagated by hand (vectorized the
same way) and checked against autograd by the tests.

    >>> import toylands as tl
    >>> from toylands import nets
    >>> L = nets.mlp_landscape(nets.two_moons(100, seed=0), hidden=(8,), seed=0)
    >>> L.dim, L.model
    (33, MLP(2-8-1, tanh))
    >>> traj = tl.run(tl.adam(0.05), L, steps=300)
    >>> bool(nets.accuracy(L, traj.final[0]) > 0.85)
    True
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import autograd.numpy as anp
import numpy as np

from .._args import afford, positive, whole
from ..landscape import Landscape
from ..optim import Optimizer, per_run
from .data import DataError, Dataset

__all__ = ["MLP", "NetLoss", "NetLandscape", "mlp_landscape", "from_sklearn", "init_params", "accuracy", "predict", "minibatch",
           "sgd"]

ACTIVATIONS = ("tanh", "relu", "softplus", "linear", "square", "logistic")
LOSSES = ("mse", "cross_entropy")


@dataclass(frozen=True)
class MLP:
    """Layer sizes ``(inputs, hidden..., outputs)`` and an activation for the hidden layers.

    Parameters are one flat vector: for each layer its weights ``W`` (``(n_in, n_out)``, row-major)
    then its biases ``b``; ``unflatten`` and ``flatten`` go between the two. With ``bias=False`` the
    layers have no biases: the vector holds weights only, and ``unflatten`` gives zero biases.

    ``residual=True`` adds a skip connection around every hidden-to-hidden layer, ``h <- h + act(h W + b)``
    (He et al. 2016), which needs the hidden layers equally wide; the first and last layers stay plain.
    """

    sizes: tuple[int, ...]
    activation: str = "tanh"
    bias: bool = True
    residual: bool = False

    def __post_init__(self):
        sizes = tuple(self.sizes)
        whole = all(isinstance(s, (int, np.integer)) and not isinstance(s, bool) for s in sizes)
        if len(sizes) < 2 or not whole or any(s < 1 for s in sizes):
            raise DataError(f"sizes must be whole numbers >= 1, at least (inputs, outputs); got {self.sizes}")
        if self.activation not in ACTIVATIONS:
            raise DataError(f"activation must be one of {ACTIVATIONS}; got {self.activation!r}")
        for flag in ("bias", "residual"):
            if not isinstance(getattr(self, flag), (bool, np.bool_)):
                raise DataError(f"{flag} must be True or False; got {getattr(self, flag)!r}")
        if self.residual and len(set(sizes[1:-1])) > 1:
            raise DataError(f"residual=True needs equally wide hidden layers (a skip adds h to the layer's output); got {sizes}")
        object.__setattr__(self, "sizes", tuple(int(s) for s in self.sizes))

    def skips(self, k: int) -> bool:
        """Whether layer ``k`` (0 = the first) has a skip connection around it."""
        return bool(self.residual) and 0 < k < len(self.sizes) - 2

    @functools.cached_property
    def is_weight(self) -> np.ndarray:
        """Which entries of the flat parameter vector are weights (True) rather than biases (read-only)."""
        mask = self.flatten([(np.ones_like(W), np.zeros_like(b)) for W, b in self.unflatten(np.zeros(self.n_params))]) > 0
        mask.setflags(write=False)
        return mask

    @property
    def shapes(self) -> list[tuple[tuple[int, int], tuple[int]]]:
        return [((i, o), (o,)) for i, o in zip(self.sizes[:-1], self.sizes[1:], strict=True)]

    @property
    def n_params(self) -> int:
        return sum(i * o + o * self.bias for (i, o), _ in self.shapes)

    @property
    def slices(self) -> list[tuple[slice, slice]]:
        """Where each layer's weights and biases sit in the flat vector (the bias slice is empty without biases)."""
        out, k = [], 0
        for (i, o), _ in self.shapes:
            nb = o if self.bias else 0
            out.append((slice(k, k + i * o), slice(k + i * o, k + i * o + nb)))
            k += i * o + nb
        return out

    def unflatten(self, theta) -> list[tuple]:
        """``[(W, b), ...]`` with ``W`` shaped ``(..., n_in, n_out)`` and ``b`` ``(..., n_out)``."""
        if theta.shape[-1] != self.n_params:
            raise DataError(f"a parameter vector of {self.name} has {self.n_params} entries; got {theta.shape[-1]}")
        lead = theta.shape[:-1]
        return [
            (theta[..., sw].reshape(lead + (i, o)), theta[..., sb] if self.bias else np.zeros(lead + (o,)))
            for ((i, o), _), (sw, sb) in zip(self.shapes, self.slices, strict=True)
        ]

    def flatten(self, layers) -> np.ndarray:
        """The flat vector of ``[(W, b), ...]`` (leading batch axes allowed)."""
        parts = []
        for (W, b), ((i, o), _) in zip(layers, self.shapes, strict=True):
            W, b = np.asarray(W, float), np.asarray(b, float)
            if W.shape[-2:] != (i, o) or b.shape[-1:] != (o,):
                raise DataError(f"layer shapes must be {self.shapes}; got W {W.shape}, b {b.shape}")
            parts += [W.reshape(W.shape[:-2] + (i * o,)), b] if self.bias else [W.reshape(W.shape[:-2] + (i * o,))]
        return np.concatenate(parts, axis=-1)

    @property
    def name(self) -> str:
        """``2-16-16-1``; three or more equal layers in a row read ``2-16x20-1``."""
        parts, i, sizes = [], 0, self.sizes
        while i < len(sizes):
            j = i
            while j + 1 < len(sizes) and sizes[j + 1] == sizes[i]:
                j += 1
            n = j - i + 1
            parts += [f"{sizes[i]}x{n}"] if n >= 3 else [str(sizes[i])] * n
            i = j + 1
        return "-".join(parts)

    def __repr__(self):
        extras = ("" if self.bias else ", no biases") + (", residual" if self.residual else "")
        return f"MLP({self.name}, {self.activation}{extras})"

    # ------------------------------------------------------------------ forward
    def _act(self, z, np_=anp):
        if self.activation == "tanh":
            return _tanh(z) if np_ is np else np_.tanh(z)
        if self.activation == "relu":
            return np_.maximum(z, 0.0)
        if self.activation == "linear":
            return z
        if self.activation == "square":
            return z * z
        if self.activation == "logistic":
            return 0.5 * (1 + np_.tanh(0.5 * z))  # 1 / (1 + e^-z), without overflow
        return np_.logaddexp(0.0, z)

    def _dact(self, z, a):
        if self.activation == "tanh":
            return 1 - a * a
        if self.activation == "relu":
            return (z > 0).astype(float)
        if self.activation == "linear":
            return np.ones_like(z)
        if self.activation == "square":
            return 2 * z
        if self.activation == "logistic":
            return a * (1 - a)
        return 0.5 * (1 + np.tanh(0.5 * z))  # sigmoid, without overflow

    def forward(self, theta, X):
        """The network's outputs, shape ``theta.shape[:-1] + (n, outputs)`` (autograd-friendly)."""
        h = X
        layers = self.unflatten(theta)
        for k, (W, b) in enumerate(layers):
            z = anp.matmul(h, W) + b[..., None, :] if self.bias else anp.matmul(h, W)
            h = z if k == len(layers) - 1 else (h + self._act(z) if self.skips(k) else self._act(z))
        return h


def _tanh(z: np.ndarray) -> np.ndarray:
    """``np.tanh`` to the last bit or two (relative error below 5e-16), 1.7x faster: numpy's float64 ``tanh`` has
    no vectorized kernel, ``expm1`` is quicker. ``tanh|z| = -m / (2 + m)`` with ``m = expm1(-2|z|)``."""
    m = np.abs(z)
    m *= -2
    np.expm1(m, out=m)
    d = m + 2
    np.divide(m, d, out=m)
    np.negative(m, out=m)
    return np.copysign(m, z, out=m)


def init_params(model: MLP, seed: int = 0, scheme: str = "glorot", scale: float = 1.0) -> np.ndarray:
    """A flat parameter vector: weights drawn by ``scheme`` times ``scale``, biases zero.

    ``glorot``: normal with variance ``2 / (n_in + n_out)`` (Glorot & Bengio 2010); ``he``: variance
    ``2 / n_in`` (He et al. 2015), for ReLU; ``normal``: variance 1. In a residual MLP the weights of the
    ``B`` layers with skips get ``1 / B`` of that variance, so that the signal's variance, which every skip adds
    to, stays of order one at any depth (the scaling of Fixup and SkipInit, Zhang et al. 2019, De & Smith 2020).
    """
    rng = np.random.default_rng(whole("seed", seed, 0, error=DataError))
    scale = positive("scale", scale, error=DataError)
    layers = []
    blocks = sum(model.skips(k) for k in range(len(model.shapes)))
    for k, ((i, o), _) in enumerate(model.shapes):
        var = {"glorot": 2.0 / (i + o), "he": 2.0 / i, "normal": 1.0}.get(scheme)
        if var is None:
            raise DataError(f"scheme must be 'glorot', 'he' or 'normal'; got {scheme!r}")
        if model.skips(k):  # each skip adds its branch's variance: keep the sum of all of them near one branch's
            var /= blocks
        layers.append((scale * np.sqrt(var) * rng.standard_normal((i, o)), np.zeros(o)))
    return model.flatten(layers)


@dataclass(frozen=True)
class NetLoss:
    """The loss of ``model`` on ``data`` (plus L2 weight decay), for parameter vectors ``(..., P)``.

    Large plain batches (a grid of parameter vectors) are evaluated in chunks of ``chunk``
    vectors to bound memory; autograd's traced calls go through in one piece.
    """

    model: MLP
    data: Dataset
    loss: str = "mse"
    weight_decay: float = 0.0
    chunk: int = 256
    #: scikit-learn's conventions (``nets.from_sklearn``): weight decay on the weights only, not the biases, and
    #: the squared error halved and averaged over the outputs too
    decay_weights_only: bool = False
    half_mse: bool = False

    @property
    def _decay_mask(self):
        return self.model.is_weight if self.decay_weights_only else 1.0

    def on(self, theta, X, y):
        """The loss of parameters ``theta`` on inputs ``X`` and targets ``y`` (autograd-friendly)."""
        out = self.model.forward(theta, X)
        if self.loss == "mse":
            value = anp.mean(anp.sum((out - y) ** 2, axis=-1), axis=-1)
            if self.half_mse:
                value = value / (2 * out.shape[-1])
        elif out.shape[-1] == 1:  # two classes: the logistic loss of the logit
            z = out[..., 0]
            value = anp.mean(anp.logaddexp(0.0, z) - y * z, axis=-1)
        else:
            picked = anp.sum(out * _one_hot(y, out.shape[-1]), axis=-1)
            value = anp.mean(_logsumexp(out) - picked, axis=-1)
        if self.weight_decay:
            value = value + 0.5 * self.weight_decay * anp.sum(self._decay_mask * theta**2, axis=-1)
        return value

    def grad_on(self, theta, X, y) -> np.ndarray:
        """Back-propagation written out, vectorized over the leading axes of ``theta``."""
        m = self.model
        layers = m.unflatten(theta)
        hs, zs, acts, h = [X], [], [], X  # layer inputs, pre-activations, activations
        for k, (W, b) in enumerate(layers):
            z = np.matmul(h, W) + b[..., None, :] if m.bias else np.matmul(h, W)
            zs.append(z)
            a = z if k == len(layers) - 1 else m._act(z, np)
            acts.append(a)
            h = h + a if m.skips(k) else a
            hs.append(h)
        out, n = hs[-1], X.shape[0]
        if self.loss == "mse":
            delta = (out - y) / (n * out.shape[-1]) if self.half_mse else 2 * (out - y) / n
        elif out.shape[-1] == 1:
            delta = (0.5 * (1 + np.tanh(0.5 * out[..., 0])) - y)[..., None] / n
        else:
            e = np.exp(out - out.max(-1, keepdims=True))
            delta = (e / e.sum(-1, keepdims=True) - _one_hot(y, out.shape[-1])) / n
        grads, g_out = [], None  # g_out: the loss's gradient by layer k's output (needed through a skip)
        for k in range(len(layers) - 1, -1, -1):
            W, _ = layers[k]
            grads.append((np.matmul(np.swapaxes(hs[k], -1, -2), delta), delta.sum(-2)))
            if k:
                g_in = np.matmul(delta, np.swapaxes(W, -1, -2))
                if m.skips(k):
                    g_in = g_in + g_out
                delta, g_out = g_in * m._dact(zs[k - 1], acts[k - 1]), g_in
        g = m.flatten(grads[::-1])
        return g + self.weight_decay * self._decay_mask * theta if self.weight_decay else g

    def _chunked(self, fn, theta):
        if not isinstance(theta, np.ndarray) or theta.ndim < 2 or np.prod(theta.shape[:-1]) <= self.chunk:
            return fn(theta)
        flat = theta.reshape(-1, theta.shape[-1])
        parts = [fn(flat[i : i + self.chunk]) for i in range(0, len(flat), self.chunk)]
        out = np.concatenate(parts)
        return out.reshape(theta.shape[:-1] + out.shape[1:])

    def __call__(self, theta):
        """The training loss."""
        return self._chunked(lambda t: self.on(t, self.data.X, self.data.y), theta)

    def grad(self, theta) -> np.ndarray:
        """The gradient of the training loss."""
        return self._chunked(lambda t: self.grad_on(t, self.data.X, self.data.y), theta)

    def batch_grad(self, theta, idx) -> np.ndarray:
        """The gradient on the training examples ``idx`` only (a minibatch)."""
        return self.grad_on(theta, self.data.X[idx], self.data.y[idx])

    def for_drawing(self, theta) -> np.ndarray:
        """The training loss in single precision, for pictures of many parameter vectors at once.

        numpy's float32 ``tanh`` runs on SIMD lanes and is about 6x faster than float64's; a
        contour map needs no more than 7 digits. Values, gradients and every claim stay float64.
        """
        X, y = self.data.X.astype(np.float32), self.data.y.astype(np.float32)
        one = np.float32(1)

        def part(t):
            return np.asarray(self.on(t.astype(np.float32), X, y * one), dtype=float)

        return self._chunked(part, np.asarray(theta, float))

    def test(self, theta) -> np.ndarray:
        """The loss on the test split."""
        theta = np.asarray(theta, float)
        return self._chunked(lambda t: self.on(t, self.data.X_test, self.data.y_test), theta)


@dataclass(frozen=True, eq=False, repr=False)
class NetLandscape(Landscape):
    """The training loss of an MLP over its flat parameter vector: a Landscape that also knows its network."""

    net: NetLoss | None = None

    @property
    def model(self) -> MLP:
        return self.net.model

    @property
    def data(self) -> Dataset:
        return self.net.data


def afford_networks(L: NetLandscape, m: int, what: str, advice: str):
    """Refuse, before anything is allocated, evaluating ``m`` parameter vectors of ``L`` at once when their
    parameters and activations (every sample, every layer, with a few copies) would not fit in memory."""
    samples = len(L.data.X) + len(L.data.X_test)
    afford(8.0 * m * (4 * L.dim + 4 * samples * sum(L.model.sizes)), what, advice, error=DataError)


def _one_hot(y, k):
    return (np.asarray(y)[:, None] == np.arange(k)).astype(float)


def _logsumexp(z):
    m = anp.max(z, axis=-1, keepdims=True)
    return anp.log(anp.sum(anp.exp(z - m), axis=-1)) + m[..., 0]


def mlp_landscape(
    data: Dataset,
    hidden=(16,),
    activation: str = "tanh",
    loss: str | None = None,
    weight_decay: float = 0.0,
    init: str = "glorot",
    scale: float = 1.0,
    seed: int = 0,
    n_starts: int = 1,
    bias: bool = True,
    residual: bool = False,
) -> NetLandscape:
    """The training loss of an MLP with ``hidden`` layer widths on ``data``, as a Landscape.

    ``loss`` defaults to cross-entropy for classification (logistic for two classes, softmax for
    more) and mean squared error for regression. The starts are ``n_starts`` initializations
    (``init_params`` with seeds ``seed``, ``seed + 1`` ...). ``bias=False`` leaves the biases out;
    ``residual=True`` puts a skip connection around every hidden-to-hidden layer (``MLP``).

        >>> from toylands import nets
        >>> L = nets.mlp_landscape(nets.two_moons(n=64), hidden=[8] * 6, residual=True)
        >>> L.model
        MLP(2-8x6-1, tanh, residual)
    """
    if not isinstance(data, Dataset):
        raise DataError("data must be a toylands Dataset, e.g. nets.two_moons() or nets.make(X, y)")
    loss = loss or ("cross_entropy" if data.task == "classification" else "mse")
    if loss not in LOSSES:
        raise DataError(f"loss must be one of {LOSSES}; got {loss!r}")
    if loss == "cross_entropy" and data.task != "classification":
        raise DataError("cross-entropy needs class labels; this data set is a regression task: use loss='mse'")
    hidden = _widths(hidden)
    seed, n_starts = whole("seed", seed, 0, error=DataError), whole("n_starts", n_starts, error=DataError)
    scale = positive("scale", scale, error=DataError)
    model = MLP((data.n_inputs, *hidden, data.n_outputs), activation, bias, residual)
    # the starts, the box, and the first evaluation of three starts on every sample (activations and their gradients)
    afford(8.0 * model.n_params * (n_starts + 12) + 8.0 * 3 * 4 * (len(data.X) + len(data.X_test)) * sum(model.sizes),
           f"an MLP {model.name} ({model.n_params} parameters) with {n_starts} starts on {len(data.X)} samples",
           "use narrower layers or fewer starts", error=DataError)  # fmt: skip
    if loss == "mse" and data.task == "classification":  # regress on the one-hot (or 0/1) targets
        k = data.n_outputs
        enc = (lambda y: _one_hot(y, k)) if k > 1 else (lambda y: y[:, None].astype(float))
        data = data._replace(y=enc(data.y), y_test=enc(data.y_test))
    net = NetLoss(model, data, loss, float(per_run("weight_decay", weight_decay)))
    starts = np.stack([init_params(model, seed + k, init, scale) for k in range(n_starts)])
    reach = max(3.0, 3 * float(np.abs(starts).max()))
    decay = r" + \frac{\lambda}{2}|\theta|^2" if net.weight_decay else ""
    return NetLandscape(
        f"{'residual ' if residual else ''}MLP {model.name} ({activation}) on {data.name}",
        net,
        bounds=[(-reach, reach)] * model.n_params,
        starts=starts,
        grad_fn=net.grad,
        tags=frozenset({"neural-network", "high-dimensional"}),
        description=f"The {loss.replace('_', '-')} loss of a {model.name} {activation} network on {data.name}, "
        f"over its {model.n_params} parameters.",
        reference="Goodfellow, Bengio & Courville, Deep Learning (2016), chapter 6.",
        formula=r"L(\theta) = \frac{1}{n}\sum_i \ell(f_\theta(x_i), y_i)" + decay,
        net=net,
    )


def _widths(hidden) -> tuple[int, ...]:
    """``hidden`` as a tuple of layer widths, each a whole number >= 1 (``16`` means ``(16,)``)."""
    layers = (hidden,) if np.ndim(hidden) == 0 else tuple(hidden)
    for w in layers:
        if isinstance(w, (bool, np.bool_)) or not isinstance(w, (int, np.integer)) or w < 1:
            raise DataError(f"hidden must be whole numbers of units >= 1, e.g. 16 or (16, 16); got {hidden!r}")
    return tuple(int(w) for w in layers)


def predict(L: NetLandscape, theta, X=None) -> np.ndarray:
    """The network's outputs on ``X`` (default: the test inputs): class labels, or real values for regression."""
    X = L.data.X_test if X is None else np.asarray(X, float)
    if X.ndim != 2 or X.shape[1] != L.model.sizes[0]:
        raise DataError(f"X must have shape (n, {L.model.sizes[0]}) for {L.model}; got {X.shape}")
    out = np.asarray(L.model.forward(np.asarray(theta, float), X))
    if L.net.loss == "cross_entropy" or L.data.task == "classification":
        return (out[..., 0] > (0 if L.net.loss == "cross_entropy" else 0.5)).astype(int) if out.shape[-1] == 1 else out.argmax(-1)
    return out


def accuracy(L: NetLandscape, theta, test: bool = False) -> np.ndarray:
    """The share of correctly classified examples (training set, or the test set), per parameter vector."""
    d = L.data
    if d.task != "classification":
        raise DataError(
            f"accuracy counts correct classes, and {d.name!r} is a regression task: measure it by its loss, "
            "L(theta) on the training set or L.net.test(theta) on the test set"
        )
    X, y = (d.X_test, d.y_test) if test else (d.X, d.y)
    labels = y if y.ndim == 1 else (y.argmax(-1) if y.shape[-1] > 1 else y[:, 0].astype(int))
    return np.mean(predict(L, theta, X) == labels, axis=-1)


class MinibatchState:
    """The minibatch sampler's random generator (created afresh by each run's ``init``)."""

    def __init__(self, rng):
        self.rng = rng


def minibatch(batch_size: int, seed: int = 0) -> Optimizer:
    """Replace the full gradient by the gradient on ``batch_size`` training examples drawn at random.

    The block asks the landscape (a network's) for ``batch_grad``; chain it before any optimizer:
    ``tl.chain(nets.minibatch(16), tl.scale_by_lr(0.1))``, or use ``nets.sgd``.
    """
    if isinstance(batch_size, (bool, np.bool_)) or not isinstance(batch_size, (int, np.integer)) or batch_size < 1:
        raise DataError(f"batch_size must be a whole number >= 1; got {batch_size!r}")

    def init(params):
        return MinibatchState(np.random.default_rng(seed))

    def update(g, state, params, landscape=None, **extra):
        net = getattr(landscape, "net", None)
        if net is None:
            raise DataError("minibatches need a network's landscape (nets.mlp_landscape): toy landscapes have no data")
        n = len(net.data.X)
        idx = state.rng.choice(n, size=min(int(batch_size), n), replace=False)
        return net.batch_grad(params, idx), state

    return Optimizer(init, update, "minibatch", {"batch_size": batch_size})


def sgd(lr, batch_size: int = 32, momentum: float = 0.0, seed: int = 0) -> Optimizer:
    """Minibatch SGD (torch.optim.SGD on random minibatches): ``g`` on a minibatch, then the momentum buffer."""
    from .. import optim

    blocks = [minibatch(batch_size, seed)]
    if momentum:
        blocks.append(optim.trace(momentum))
    blocks.append(optim.scale_by_lr(lr))
    return optim.chain(*blocks, name=f"SGD (batch {batch_size})", hyper={"lr": lr, "momentum": momentum})


def gradient_norms(L: NetLandscape, theta) -> np.ndarray:
    """The size of the loss's gradient by each layer's weights, first layer first: ``(..., layers)``.

    At initialization it shows whether the signal reaches every layer: in a deep plain network the
    first layers' gradients can be orders of magnitude smaller than the last's (vanishing gradients).

        >>> from toylands import nets
        >>> L = nets.mlp_landscape(nets.two_moons(n=32), hidden=[8, 8])
        >>> gradient_norms(L, L.starts[0]).shape
        (3,)
    """
    g = L.net.grad(np.asarray(theta, float))
    return np.stack([np.linalg.norm(g[..., sw], axis=-1) for sw, _ in L.model.slices], -1)


def end_to_end(L: NetLandscape, theta) -> np.ndarray:
    """The product ``W_1 W_2 ... W_k`` of a linear network's weight matrices (its map, biases aside)."""
    if L.model.activation != "linear":
        raise DataError("end_to_end is the map of a linear network (activation='linear')")
    layers = L.model.unflatten(np.asarray(theta, float))
    out = layers[0][0]
    for W, _ in layers[1:]:
        out = out @ W
    return out


def from_sklearn(model, X, y) -> tuple[NetLandscape, np.ndarray]:
    """A fitted scikit-learn ``MLPClassifier`` or ``MLPRegressor`` and its training data, as a network landscape and
    the point the fit ended at: ``L, theta = nets.from_sklearn(model, X, y)``. The loss is scikit-learn's own
    (log-loss with a logistic output for two classes and softmax for more; half the mean squared error for
    regression; plus ``alpha / (2 n)`` times the squared weights, biases excluded), so ``L(theta)`` is the
    ``model.loss_`` that a fit by ``lbfgs`` reports, and every tool of toylands (planes, Hessians, sharpness,
    interpolation, runs) applies to the student's own network."""
    from .data import make

    kind = type(model).__name__
    if kind not in ("MLPClassifier", "MLPRegressor"):
        raise DataError(f"from_sklearn takes a fitted sklearn.neural_network.MLPClassifier or MLPRegressor; got {kind}")
    if not hasattr(model, "coefs_"):
        raise DataError(f"the {kind} has not been fitted yet: call model.fit(X, y) first")
    activation = {"identity": "linear", "logistic": "logistic", "tanh": "tanh", "relu": "relu"}[model.activation]
    try:
        X = np.asarray(X, float)
    except (TypeError, ValueError):
        raise DataError(f"X must be numbers, the inputs the model was fitted on; got {type(X).__name__}") from None
    inputs = model.coefs_[0].shape[0]
    if X.ndim != 2 or X.shape[1] != inputs:
        raise DataError(f"X must have shape (n, {inputs}): the model was fitted on {inputs} features; got {X.shape}")
    if np.ndim(y) < 1 or len(y) != len(X):
        raise DataError(f"y must hold one target per row of X ({len(X)}); got {np.shape(y)}")
    if kind == "MLPClassifier":
        if np.ndim(y) != 1 or (model.out_activation_ == "logistic" and model.n_outputs_ > 1):
            raise DataError("from_sklearn handles single-label classification (two classes or more), not multilabel")
        index = {c: k for k, c in enumerate(model.classes_.tolist())}
        try:
            labels = np.array([index[v] for v in np.asarray(y).tolist()])
        except KeyError as e:
            raise DataError(f"y holds a class the model was not fitted on: {e.args[0]!r}") from None
        data = make(X, labels, X, labels, task="classification", name="your data")
        loss = "cross_entropy"
    else:
        if getattr(model, "loss", "squared_error") != "squared_error":
            raise DataError(f"from_sklearn reads MLPRegressor with the squared error; this one uses {model.loss!r}")
        data = make(X, np.asarray(y, float), X, np.asarray(y, float), task="regression", name="your data")
        loss = "mse"
    widths = [W.shape[1] for W in model.coefs_]
    net = MLP((X.shape[1], *widths), activation, True)
    if net.sizes[-1] != data.n_outputs:
        raise DataError(f"the model has {net.sizes[-1]} outputs and the data {data.n_outputs}: is y the fitted data's?")
    layers = zip(model.coefs_, model.intercepts_, strict=True)
    theta = net.flatten([(np.asarray(W, float), np.asarray(b, float)) for W, b in layers])
    lossfn = NetLoss(net, data, loss, float(model.alpha) / len(X), decay_weights_only=True, half_mse=True)
    reach = max(3.0, 3 * float(np.abs(theta).max()))
    L = NetLandscape(
        f"{kind} {net.name} ({model.activation}) on your data", lossfn, bounds=[(-reach, reach)] * net.n_params,
        starts=theta[None], grad_fn=lossfn.grad, tags=frozenset({"neural-network", "high-dimensional", "sklearn"}),
        description=f"scikit-learn's training loss of a fitted {kind} ({net.name}, {model.activation}), over its "
        f"{net.n_params} parameters.", reference="scikit-learn, sklearn.neural_network (Pedregosa et al. 2011).",
        formula=r"L(\theta) = \frac{1}{n}\sum_i \ell(f_\theta(x_i), y_i) + \frac{\alpha}{2n}|W|^2", net=lossfn,
    )  # fmt: skip
    _check_bridge(model, L, theta, X)
    return L, theta


def _check_bridge(model, L: NetLandscape, theta: np.ndarray, X: np.ndarray):
    """What ``from_sklearn`` checks before it hands the landscape over: that the network computes what the model
    predicts on ``X`` (else the bridge is wrong: an error), and that the loss on ``(X, y)`` is the loss the fit
    ended at (else this is not the data the model was fitted on, and ``theta`` is no minimum of it: a warning)."""
    import warnings

    out = np.asarray(L.model.forward(theta, X), float)
    if type(model).__name__ == "MLPClassifier":
        theirs = model.predict_proba(X)
        if out.shape[-1] == 1:  # a logistic output: the probability of the second class
            p = 1 / (1 + np.exp(-out))
            out = np.column_stack([1 - p, p])
        else:
            out = np.exp(out - _logsumexp(out)[..., None])
    else:
        theirs = model.predict(X)
    theirs = np.asarray(theirs, float).reshape(out.shape)
    if not np.allclose(out, theirs, rtol=1e-6, atol=1e-8):
        gap = float(np.max(np.abs(out - theirs)))
        raise DataError(f"the network read from the {type(model).__name__} does not reproduce its predictions on X "
                        f"(they differ by up to {gap:.3g}): its architecture is one from_sklearn does not read")  # fmt: skip
    fitted, here = getattr(model, "loss_", None), float(L(theta))
    if fitted is not None and np.isfinite(fitted) and here > 1.5 * fitted + 0.01:
        warnings.warn(f"the loss on this X, y is {here:.3g}, against {fitted:.3g} at the end of the model's fit: these "
                      "are not the data it was fitted on, so theta is not a minimum of this landscape. Pass the "
                      "training data (X, y) of model.fit", UserWarning, stacklevel=3)  # fmt: skip
