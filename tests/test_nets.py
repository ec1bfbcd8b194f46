"""Small networks: gradients against autograd and finite differences, symmetries, views, curvature, modes."""

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

import toylands as tl  # noqa: E402
from toylands import nets  # noqa: E402
from toylands.nets import DataError  # noqa: E402


@pytest.fixture(scope="module")
def moons():
    return nets.two_moons(200, noise=0.15, seed=0)


@pytest.fixture(scope="module")
def trained(moons):
    """Two solutions of a 2-16-1 tanh network on two moons, from different seeds."""
    L = nets.mlp_landscape(moons, hidden=(16,), seed=0)
    a = nets.train(L, tl.adam(0.02), 1500, seed=1).final[0]
    b = nets.train(L, tl.adam(0.02), 1500, seed=2).final[0]
    return L, a, b


CASES = [
    ("tanh", "cross_entropy", 0.0, "moons"),
    ("relu", "cross_entropy", 0.01, "moons"),
    ("softplus", "mse", 0.0, "moons"),
    ("tanh", "mse", 0.1, "regression"),
    ("softplus", "cross_entropy", 0.0, "three classes"),
    ("relu", "mse", 0.0, "teacher"),
]


def make_data(kind):
    if kind == "moons":
        return nets.two_moons(60, seed=3)
    if kind == "regression":
        return nets.regression_1d(50, seed=3)
    if kind == "teacher":
        return nets.teacher_student(50, n_inputs=3, seed=3)
    X = np.random.default_rng(3).standard_normal((60, 2))
    return nets.make(X, (X[:, 0] > 0).astype(int) + (X[:, 1] > 0.5).astype(int))


@pytest.mark.parametrize("activation, loss, wd, kind", CASES)
def test_gradient_against_autograd_and_finite_differences(activation, loss, wd, kind):
    L = nets.mlp_landscape(make_data(kind), hidden=(5, 4), activation=activation, loss=loss, weight_decay=wd, seed=1)
    rng = np.random.default_rng(0)
    thetas = L.starts[0] + 0.5 * rng.standard_normal((3, L.dim))
    g = L.grad(thetas)
    np.testing.assert_allclose(g, L.autograd_grad(thetas), rtol=1e-10, atol=1e-12)
    h = 1e-6
    for theta, gi in zip(thetas, g, strict=True):
        E = np.eye(L.dim) * h
        fd = (L.f(theta + E) - L.f(theta - E)) / (2 * h)
        np.testing.assert_allclose(gi, fd, rtol=1e-5, atol=1e-7)


def test_flat_vector_round_trip():
    m = nets.MLP((3, 5, 4, 2), "relu")
    theta = np.random.default_rng(0).standard_normal((7, m.n_params))
    layers = m.unflatten(theta)
    assert [W.shape for W, _ in layers] == [(7, 3, 5), (7, 5, 4), (7, 4, 2)]
    np.testing.assert_array_equal(m.flatten(layers), theta)
    assert m.n_params == 3 * 5 + 5 + 5 * 4 + 4 + 4 * 2 + 2


def test_batched_losses_equal_one_at_a_time(moons):
    L = nets.mlp_landscape(moons, hidden=(8, 8), seed=0)
    thetas = L.starts[0] + 0.3 * np.random.default_rng(1).standard_normal((4, 3, L.dim))
    batch = L.f(thetas)
    assert batch.shape == (4, 3)
    np.testing.assert_allclose(batch[2, 1], L.f(thetas[2, 1]), rtol=1e-13)
    big = L.starts[0] + 0.1 * np.random.default_rng(2).standard_normal((700, L.dim))  # chunked evaluation
    np.testing.assert_allclose(L.f(big)[[0, 300, 699]], [L.f(big[i]) for i in (0, 300, 699)], rtol=1e-13)


def test_hidden_unit_permutation_leaves_the_function_unchanged(moons):
    L = nets.mlp_landscape(moons, hidden=(6, 5), seed=0)
    theta = L.starts[0] + np.random.default_rng(0).standard_normal(L.dim)
    perms = nets.random_permutation(L, seed=4)
    moved = nets.permute(L, theta, perms)
    assert not np.allclose(moved, theta)
    X = np.random.default_rng(5).standard_normal((50, 2))
    np.testing.assert_allclose(L.model.forward(moved, X), L.model.forward(theta, X), rtol=0, atol=1e-12)
    assert L.f(moved) == pytest.approx(L.f(theta), rel=1e-13)


def test_filter_normalized_directions_have_the_filter_norms(trained):
    L, a, _ = trained
    d = nets.filter_normalize(L, np.random.default_rng(0).standard_normal(L.dim), a)
    for (W, _), (dW, db) in zip(L.model.unflatten(a), L.model.unflatten(d), strict=True):
        np.testing.assert_allclose(np.linalg.norm(dW, axis=0), np.linalg.norm(W, axis=0), rtol=1e-12)
        assert np.all(db == 0)  # biases left out, as Li et al. do
    d = nets.filter_normalize(L, np.random.default_rng(0).standard_normal(L.dim), a, biases="filter")
    for (W, b), (dW, db) in zip(L.model.unflatten(a), L.model.unflatten(d), strict=True):
        np.testing.assert_allclose(np.linalg.norm(np.vstack([dW, db]), axis=0), np.linalg.norm(np.vstack([W, b]), axis=0))


def test_top_eigenvalue_from_hvps_equals_the_full_hessians(moons):
    L = nets.mlp_landscape(moons, hidden=(6,), seed=0)
    theta = nets.train(L, tl.adam(0.02), 300).final[0]
    H = L.autograd_hessian(theta)
    v = np.random.default_rng(0).standard_normal(L.dim)
    np.testing.assert_allclose(nets.hvp(L, theta, v), H @ v, rtol=1e-10, atol=1e-12)
    lam = np.linalg.eigvalsh(H)
    top = nets.top_eigenvalues(L, theta, k=2, iters=20)
    np.testing.assert_allclose(top[0], lam[-1], rtol=1e-4)
    assert nets.hessian_trace(L, theta, samples=400) == pytest.approx(np.trace(H), rel=0.1)
    s = nets.spectral_density(L, theta, iters=L.dim, probes=2)
    assert np.trapezoid(s.density, s.grid) == pytest.approx(1.0, abs=1e-3)
    assert s.nodes.max() == pytest.approx(lam[-1], rel=1e-6)


def test_the_plane_through_three_points_passes_through_them_exactly(trained):
    L, a, b = trained
    c = a + 0.3 * (b - a) + 0.5 * np.random.default_rng(0).standard_normal(L.dim)
    P = nets.plane_through(L, a, b, c)
    (_, pa), (_, pb), (_, pc) = P.marks
    for p, theta in ((pa, a), (pb, b), (pc, c)):
        np.testing.assert_allclose(P.point(p), theta, atol=1e-12)
        assert P(np.array(p)) == pytest.approx(L.f(theta), rel=1e-12)
    np.testing.assert_allclose(P.coordinates(c), pc, atol=1e-10)


def test_a_batched_plane_equals_the_looped_one(trained):
    L, a, _ = trained
    P = nets.random_plane(L, a, seed=1, span=0.8)
    X, Y, Z = P.grid(15, exact=True)
    looped = np.array([[L.f(P.point([x, y])) for x, y in zip(rx, ry, strict=True)] for rx, ry in zip(X, Y, strict=True)])
    np.testing.assert_allclose(Z, looped, rtol=1e-12)
    np.testing.assert_allclose(P.grid(15)[2], looped, rtol=1e-4)  # the single-precision drawing path
    np.testing.assert_allclose(P.grad([0.2, -0.1]), P.autograd_grad([0.2, -0.1]), rtol=1e-9)
    assert P([0.0, 0.0]) == pytest.approx(L.f(a))


def test_pca_plane_of_a_training_run(moons):
    L = nets.mlp_landscape(moons, hidden=(8,), seed=0)
    traj = tl.run(tl.momentum(0.05, 0.9), L, steps=200)
    P, proj = nets.pca_plane(L, traj)
    assert proj.positions.shape == (201, 1, 2) and P.explained > 0.5
    np.testing.assert_allclose(proj.positions[-1, 0], 0.0, atol=1e-12)
    np.testing.assert_allclose(P.point(proj.positions[:, 0]), traj.positions[:, 0], atol=np.ptp(traj.positions) * 0.5)
    assert "of the run's movement" in P.description


def test_mode_connectivity_on_two_moons(trained):
    L, a, b = trained
    line = nets.interpolate(L, a, b)
    curve = nets.curve_along(L, nets.bezier(L, a, b, steps=600, lr=0.01))
    assert curve.barrier < 0.5 * line.barrier and line.barrier > 0.05
    assert curve.test_accuracy.min() > 0.9
    aligned, perms = nets.weight_matching(L, a, b)
    assert L.f(aligned) == pytest.approx(L.f(b), rel=1e-12)
    assert nets.interpolate(L, a, aligned).barrier < 0.5 * line.barrier


def test_weight_matching_undoes_a_permutation(moons):
    L = nets.mlp_landscape(moons, hidden=(7, 6), seed=0)
    theta = L.starts[0] + np.random.default_rng(0).standard_normal(L.dim)
    perms = nets.random_permutation(L, seed=9)
    back, found = nets.weight_matching(L, theta, nets.permute(L, theta, perms))
    np.testing.assert_allclose(back, theta, atol=1e-12)


def test_the_continuous_swap_passes_through_the_permutation_point(trained):
    L, a, _ = trained
    path = nets.swap_path(L, a, 0, 1, n=41)
    assert path.loss[0] == pytest.approx(path.loss[-1], rel=1e-12)
    assert path.loss[20] > path.loss[0]
    W, _ = L.model.unflatten((a + nets.permute(L, a, [np.r_[1, 0, 2:16]])) / 2)[0]
    np.testing.assert_allclose(W[:, 0], W[:, 1])  # midway, the two units coincide


def test_minibatch_sgd_and_sharpness(moons):
    L = nets.mlp_landscape(moons, hidden=(8,), seed=0)
    a = tl.run(nets.sgd(0.5, batch_size=16, seed=1), L, steps=100)
    b = tl.run(nets.sgd(0.5, batch_size=16, seed=1), L, steps=100)
    c = tl.run(nets.sgd(0.5, batch_size=16, seed=2), L, steps=100)
    np.testing.assert_array_equal(a.positions, b.positions)
    assert not np.allclose(a.positions, c.positions)
    full = tl.run(nets.sgd(0.5, batch_size=10_000), L, steps=20)
    np.testing.assert_allclose(full.positions, tl.run(tl.gd(0.5), L, steps=20).positions, rtol=1e-12)
    at, sharp, traj = nets.sharpness_during_training(L, lr=1.0, steps=200, every=50)
    assert at.tolist() == [0, 50, 100, 150, 200] and np.all(sharp > 0)


def test_flat_versus_sharp_table(moons):
    L = nets.mlp_landscape(moons, hidden=(8,), seed=0)
    rows = nets.flat_vs_sharp(L, {"lr 0.5": tl.gd(0.5), "lr 3": tl.gd(3.0)}, steps=600)
    assert [r.setting for r in rows] == ["lr 0.5", "lr 3"]
    for r, lr in zip(rows, (0.5, 3.0), strict=True):
        # gradient descent cannot settle where the curvature exceeds 2 / lr
        assert r.sharpness <= 1.1 * 2 / lr
        assert 0.8 < r.test_accuracy <= 1 and r.loss < 0.3 and r.trace > 0


def test_digits_ship_with_scikit_learn():
    pytest.importorskip("sklearn")
    d = nets.digits(classes=(0, 1))
    assert d.X.shape[1] == 64 and d.n_classes == 2 and len(d.X) + len(d.X_test) == 360


def test_network_pictures(trained):
    from toylands import plot

    L, a, b = trained
    P = nets.plane_through(L, a, b, a + 0.2 * np.random.default_rng(0).standard_normal(L.dim))
    m = plot.landscape_map(P, n=25)
    assert {"A", "B", "C"} <= set(m.markers)
    line, aligned = nets.interpolate(L, a, b), nets.interpolate(L, a, nets.weight_matching(L, a, b)[0])
    drawn = plot.curves({"line": line, "aligned": aligned})
    np.testing.assert_allclose(drawn[0].get_ydata(), line.loss)
    assert drawn[0].get_label() == f"line (barrier {line.barrier:.3g})"
    lo, hi = drawn[0].axes.get_ylim()
    assert lo <= min(line.loss.min(), aligned.loss.min()) and hi >= line.loss.max() and hi - lo < 2 * np.ptp(line.loss)
    s = nets.spectral_density(L, a, iters=20, probes=2)
    np.testing.assert_allclose(plot.spectrum(s).get_ydata(), s.density)
    curve, edge = plot.sharpness(np.arange(3), np.array([0.5, 1.0, 2.0]), lr=1.0, color="#0072B2")
    assert edge.get_ydata()[0] == 2.0 and edge.get_color() == curve.get_color() == "#0072B2"


# ---------------------------------------------------------------------------------------------
# Bad input


def test_data_that_does_not_fit_the_network(moons):
    L = nets.mlp_landscape(moons, hidden=(4,))
    with pytest.raises(DataError, match="X must have shape \\(n, 2\\)"):
        nets.predict(L, L.starts[0], np.zeros((5, 3)))
    with pytest.raises(DataError, match="X has 10 samples but y has 9"):
        nets.make(np.zeros((10, 2)), np.zeros(9, int))
    with pytest.raises(DataError, match="class labels must be integers"):
        nets.make(np.zeros((3, 2)), np.array(["cat", "dog", "cat"]), task="classification")
    with pytest.raises(DataError, match="X must be numbers"):
        nets.make([["a", "b"]], [0])
    with pytest.raises(DataError, match="cross-entropy needs class labels"):
        nets.mlp_landscape(nets.regression_1d(20), loss="cross_entropy")


def test_directions_of_the_wrong_length(trained):
    L, a, _ = trained
    with pytest.raises(DataError, match=f"direction must be a vector of the network's {L.dim} parameters; got shape \\(10,\\)"):
        nets.filter_normalize(L, np.ones(10), a)
    with pytest.raises(DataError, match="theta and v must both be vectors"):
        nets.hvp(L, a, np.ones(3))


def test_planes_of_untrained_networks_are_refused(trained):
    L, a, b = trained
    with pytest.raises(DataError, match="needs the trained parameters"):
        nets.random_plane(L)
    still = tl.run(tl.gd(0.1), L, steps=0)
    with pytest.raises(DataError, match="has not moved: train the network first"):
        nets.pca_plane(L, still)
    with pytest.raises(DataError, match="same point"):
        nets.plane_through(L, a, a, b)
    with pytest.raises(DataError, match="lie on one line"):
        nets.plane_through(L, a, b, 2 * b - a)
    with pytest.raises(tl.OptimizerError, match="need a network's landscape"):
        tl.run(nets.sgd(0.1), tl.bowl, steps=2)


# ---------------------------------------------------------------------------------------------
# Bring your own network: scikit-learn's MLPs


@pytest.mark.parametrize("activation", ["tanh", "relu", "logistic", "identity"])
def test_from_sklearn_gives_sklearns_own_loss_and_a_critical_point(activation):
    from sklearn.neural_network import MLPClassifier

    d = nets.two_moons(120, noise=0.2, seed=0)
    m = MLPClassifier((8,), activation=activation, solver="lbfgs", alpha=1e-2, max_iter=3000, tol=1e-12,
                      random_state=0).fit(d.X, d.y)  # fmt: skip
    L, theta = nets.from_sklearn(m, d.X, d.y)
    assert L.dim == 2 * 8 + 8 + 8 + 1 and theta.shape == (L.dim,)
    assert float(L(theta)) == pytest.approx(m.loss_, rel=1e-12)  # the same loss, penalty included
    np.testing.assert_array_equal(nets.predict(L, theta, d.X), m.predict(d.X))
    np.testing.assert_allclose(L.grad(theta), L.autograd_grad(theta), rtol=1e-9, atol=1e-12)
    if activation != "relu":  # lbfgs stops where the gradient vanishes (ReLU's kinks stop it earlier)
        assert np.abs(L.grad(theta)).max() < 1e-4


def test_from_sklearn_multiclass_and_regression():
    from sklearn.neural_network import MLPClassifier, MLPRegressor

    d = nets.two_moons(90, noise=0.2, seed=1)
    names = np.array(["a", "b", "c"])[np.arange(90) % 3]  # any class labels, as scikit-learn allows
    m = MLPClassifier((6,), solver="lbfgs", max_iter=500, random_state=0).fit(d.X, names)
    L, theta = nets.from_sklearn(m, d.X, names)
    assert L.model.sizes[-1] == 3 and float(L(theta)) == pytest.approx(m.loss_, rel=1e-12)
    y = np.column_stack([np.sin(2 * d.X[:, 0]), d.X[:, 1]])
    r = MLPRegressor(hidden_layer_sizes=(10,), activation="tanh", solver="lbfgs", alpha=1e-3, max_iter=3000,
                     random_state=0).fit(d.X, y)  # fmt: skip
    L, theta = nets.from_sklearn(r, d.X, y)
    assert float(L(theta)) == pytest.approx(r.loss_, rel=1e-12)
    np.testing.assert_allclose(L.grad(theta), L.autograd_grad(theta), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(np.asarray(L.model.forward(theta, d.X)), r.predict(d.X), rtol=1e-12, atol=1e-12)


def test_from_sklearn_refuses_what_it_cannot_read():
    from sklearn.linear_model import LogisticRegression
    from sklearn.neural_network import MLPClassifier

    d = nets.two_moons(40, seed=0)
    with pytest.raises(nets.DataError, match="has not been fitted yet"):
        nets.from_sklearn(MLPClassifier(), d.X, d.y)
    with pytest.raises(nets.DataError, match="takes a fitted sklearn.neural_network"):
        nets.from_sklearn(LogisticRegression().fit(d.X, d.y), d.X, d.y)
    m = MLPClassifier((3,), solver="lbfgs", max_iter=50, random_state=0).fit(d.X, d.y)
    with pytest.raises(nets.DataError, match=r"X must have shape \(n, 2\)"):
        nets.from_sklearn(m, d.X[:, :1], d.y)
    with pytest.raises(nets.DataError, match="a class the model was not fitted on"):
        nets.from_sklearn(m, d.X, d.y + 5)
    multi = MLPClassifier((3,), solver="lbfgs", max_iter=50, random_state=0).fit(d.X, np.column_stack([d.y, 1 - d.y]))
    with pytest.raises(nets.DataError, match="not multilabel"):
        nets.from_sklearn(multi, d.X, np.column_stack([d.y, 1 - d.y]))
