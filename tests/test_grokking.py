"""Grokking: the data, the square network without biases, Fourier spectra, and the run that memorizes first and
generalizes long after (issue 11's recipe, five seeds)."""

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from toylands import nets, plot, widgets  # noqa: E402
from toylands.nets import DataError  # noqa: E402


def test_modular_addition_holds_every_sum_once():
    d = nets.modular_addition(7, 0.5, seed=3)
    X = np.concatenate([d.X, d.X_test])
    y = np.concatenate([d.y, d.y_test])
    a, b = X[:, :7].argmax(1), X[:, 7:].argmax(1)
    assert X.shape == (49, 14) and np.all(X.sum(1) == 2)
    assert sorted(zip(a.tolist(), b.tolist(), strict=True)) == [(i, j) for i in range(7) for j in range(7)]
    np.testing.assert_array_equal(y, (a + b) % 7)
    assert len(d.X) == round(0.5 * 49) and d.n_classes == 7
    assert not np.array_equal(d.X, nets.modular_addition(7, 0.5, seed=4).X)


@pytest.mark.parametrize("kw, match", [
    ({"p": 1}, "p must be a whole number >= 2"), ({"p": 7.5}, "p must be a whole number"),
    ({"train_fraction": 0.0}, r"train_fraction must be a number in \(0, 1\)"),
    ({"train_fraction": 1.0}, r"train_fraction must be a number in \(0, 1\)"),
    ({"p": 31, "train_fraction": 0.01}, "too few to contain every answer"),
])  # fmt: skip
def test_modular_addition_refuses_what_cannot_be_learned(kw, match):
    with pytest.raises(DataError, match=match):
        nets.modular_addition(**{"p": 7, "train_fraction": 0.5, **kw})


def test_networks_without_biases_and_with_a_square_activation():
    m = nets.MLP((4, 6, 3), "square", bias=False)
    assert m.n_params == 4 * 6 + 6 * 3 and repr(m) == "MLP(4-6-3, square, no biases)"
    theta = np.random.default_rng(0).standard_normal((5, m.n_params))
    layers = m.unflatten(theta)
    assert all(np.all(b == 0) for _, b in layers)
    np.testing.assert_array_equal(m.flatten(layers), theta)
    X = np.random.default_rng(1).standard_normal((8, 4))
    W1, W2 = theta[0, :24].reshape(4, 6), theta[0, 24:].reshape(6, 3)
    np.testing.assert_allclose(m.forward(theta[0], X), (X @ W1) ** 2 @ W2, rtol=1e-12)
    L = nets.mlp_landscape(nets.modular_addition(5, 0.6), hidden=7, activation="square", loss="mse", bias=False)
    points = L.starts[0] + 0.3 * np.random.default_rng(2).standard_normal((3, L.dim))
    np.testing.assert_allclose(L.grad(points), L.autograd_grad(points), rtol=1e-10, atol=1e-12)
    with pytest.raises(DataError, match="bias must be True or False"):
        nets.MLP((2, 2), bias="no")


def test_fourier_spectrum_finds_a_neurons_frequency():
    p, width = 11, 3
    a = np.arange(p)
    W = np.zeros((2 * p, width))
    W[:p, 0], W[p:, 0] = np.cos(2 * np.pi * 3 * a / p + 0.4), np.sin(2 * np.pi * 3 * a / p)  # frequency 3 only
    W[:p, 1] = np.cos(2 * np.pi * 5 * a / p)  # the highest frequency of p = 11
    W[:, 2] = np.random.default_rng(0).standard_normal(2 * p)
    theta = np.concatenate([W.ravel(), np.zeros(width * p)])
    s = nets.fourier_spectrum(theta, p, width)
    assert s.shape == (width, p // 2 + 1)
    np.testing.assert_allclose(s.sum(-1), 1.0)
    np.testing.assert_allclose(s[0], np.eye(p // 2 + 1)[3], atol=1e-12)
    np.testing.assert_allclose(s[1], np.eye(p // 2 + 1)[5], atol=1e-12)
    assert s[2].max() < 0.6
    assert nets.frequency_purity(theta, p, width) == pytest.approx((2 + s[2].max()) / 3)


def test_the_record_of_a_short_batched_run():
    small, large = nets.grokking(p=11, width=32, weight_decay=[0.0, 1.0], steps=40, every=20, progress=False)
    assert small.steps.tolist() == [0, 20, 40] and small.weight_decay == 0.0 and large.weight_decay == 1.0
    np.testing.assert_array_equal(small.start, large.start)  # one start, two decays
    assert small.spectra.shape == (3, 32, 6) and small.purity.shape == (3,)
    assert np.linalg.norm(small.start) == pytest.approx(small.weight_norm[0])
    L = small.landscape
    np.testing.assert_allclose(small.train_loss[-1], L(small.theta), rtol=1e-10)
    np.testing.assert_allclose(small.test_accuracy[-1], nets.accuracy(L, small.theta, test=True))
    assert small.neurons_per_frequency().sum() == 32 and small.at(25)["step"] == 20
    assert "memorized at step" in repr(small)


@pytest.mark.parametrize("kw, match", [
    ({"weight_decay": -1.0}, "weight_decay"), ({"steps": 2.5}, "steps must be a whole number"),
    ({"stop_at": 1.5}, "stop_at is a test accuracy"), ({"every": 0}, "every must be a whole number >= 1"),
    ({"width": 0}, "width must be a whole number >= 1"),
])  # fmt: skip
def test_grokking_refuses_bad_settings(kw, match):
    with pytest.raises(ValueError, match=match):
        nets.grokking(**{"p": 5, "steps": 2, **kw})


@pytest.mark.parametrize("seed", range(5))
def test_memorizes_by_step_100_and_generalizes_before_step_3000(seed):
    """Issue 11's test: p = 31, width 256, weight decay 0.3, half the sums; the package's own run."""
    g = nets.grokking(p=31, weight_decay=0.3, steps=3000, seed=seed, stop_at=0.99, progress=False)
    assert g.memorized_at is not None and g.memorized_at <= 100
    assert g.test_accuracy[g.index(100)] < 0.5
    assert g.generalized_at is not None and g.generalized_at < 3000
    assert g.generalized_at > 3 * g.memorized_at  # generalization comes long after memorization


def test_grokking_pictures_and_the_viewer():
    runs = nets.grokking(p=11, width=32, weight_decay=[0.5, 2.0], steps=60, every=10, progress=False)
    assert len(plot.grokking(runs[0])) == 2 and len(plot.grokking(runs, what="loss")) == 4
    plot.addition_table(nets.modular_addition(11))
    image = plot.neuron_spectra(runs[1])
    assert image.get_array().shape == (32, 6)
    assert 1 <= len(plot.neuron_waves(runs[1])) <= 3
    w = widgets.GrokkingViewer(runs)
    w.set(weight_decay=2.0, step=30)
    assert w.readout.startswith("weight decay 2, step 30:") and w.index == 3
    np.testing.assert_array_equal(w.spectra, runs[1].spectra[3][plot.neuron_order(runs[1])])
    with pytest.raises(ValueError, match="step must be one of"):
        w.set(step=35)
    with pytest.raises(ValueError, match="same steps"):
        widgets.GrokkingViewer([runs[0], nets.grokking(p=11, width=32, steps=20, every=10, progress=False)])
    with pytest.raises(plot.PlotError, match="what must be"):
        plot.grokking(runs, what="purity")
