"""Landscapes in practice (issue 12): skip connections, transfer learning, choosing an optimizer fairly."""

import numpy as np
import pytest
from autograd import grad

import toylands as tl
from toylands import nets
from toylands.nets.data import DataError


# ------------------------------------------------------------------ residual networks
@pytest.mark.parametrize("activation", ["tanh", "relu", "logistic"])
@pytest.mark.parametrize("loss", [None, "mse"])
def test_residual_backprop_matches_autograd(activation, loss):
    L = nets.mlp_landscape(nets.two_moons(n=40), hidden=[6] * 5, activation=activation, residual=True, loss=loss,
                           weight_decay=0.01)  # fmt: skip
    thetas = L.starts[0] + 0.3 * np.random.default_rng(1).standard_normal((2, L.dim))
    for th in thetas:
        np.testing.assert_allclose(L.net.grad(th), grad(L.net)(th), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(L.net.grad(thetas), np.stack([grad(L.net)(t) for t in thetas]), atol=1e-12)


def test_a_residual_block_adds_its_input():
    """With the skip layers' weights and biases zero, every block passes its input on unchanged: the network equals
    the two-layer one made of its first and last layers."""
    L = nets.mlp_landscape(nets.two_moons(n=40), hidden=[5] * 4, residual=True)
    layers = L.model.unflatten(L.starts[0])
    zeroed = [layers[0]] + [(np.zeros_like(W), np.zeros_like(b)) for W, b in layers[1:-1]] + [layers[-1]]
    short = nets.MLP((2, 5, 1), "tanh")
    X = L.data.X
    np.testing.assert_allclose(L.model.forward(L.model.flatten(zeroed), X),
                               short.forward(short.flatten([layers[0], layers[-1]]), X), atol=1e-14)  # fmt: skip


def test_residual_needs_equal_widths_and_refuses_permutations():
    with pytest.raises(DataError, match="equally wide"):
        nets.MLP((2, 8, 6, 1), residual=True)
    L = nets.mlp_landscape(nets.two_moons(n=20), hidden=[4, 4], residual=True)
    with pytest.raises(DataError, match="plain MLPs"):
        nets.random_permutation(L)


def test_residual_init_keeps_the_signal_of_order_one_at_depth():
    """He init in a 30-block ReLU residual net: without the 1/B scaling the output variance would grow as 2^30."""
    L = nets.mlp_landscape(nets.spirals(n=100), hidden=[16] * 31, activation="relu", init="he", residual=True)
    out = L.model.forward(L.starts[0], L.data.X)
    assert 0.01 < out.std() < 100


DEEP = dict(hidden=[8] * 20, activation="relu", init="he")


@pytest.fixture(scope="module")
def deep_pair():
    data = nets.spirals(n=200)
    out = {}
    for residual in (False, True):
        rows = []
        for seed in range(3):
            L = nets.mlp_landscape(data, residual=residual, seed=seed, **DEEP)
            tr = nets.train(L, tl.adam(3e-3), steps=500)
            plane = nets.random_plane(L, tr.final[0], seed=seed)
            rows.append((L, tr, nets.roughness(plane, n=31).minima, nets.gradient_norms(L, L.starts[0])))
        out[residual] = rows
    return out


def test_skip_connections_smooth_the_plane_and_carry_the_gradient(deep_pair):
    """Lesson 14's claims: at depth 20, width 8 (ReLU, spirals), the residual net's random plane through its trained
    weights has fewer local minima than the plain net's on every seed; at initialization the plain net's first
    layer gets a gradient at least 100x smaller than the residual net's; and the residual net trains lower."""
    plain, res = deep_pair[False], deep_pair[True]
    for p, r in zip(plain, res, strict=True):
        assert r[2] < p[2], (r[2], p[2])
        assert p[3][0] * 100 < r[3][0]
    assert np.median([r[1].values[-1, 0] for r in res]) < np.median([p[1].values[-1, 0] for p in plain])


def test_roughness_counts_known_minima():
    assert nets.roughness(tl.get("bowl"), n=21).minima == 1
    assert nets.roughness(tl.get("himmelblau"), n=81).minima == 4
    assert nets.roughness(tl.get("rastrigin"), n=81).minima == 121  # the integer points of [-5, 5]^2
    r = nets.roughness(tl.get("himmelblau"), n=81)
    found = np.array([m.x for m in tl.get("himmelblau").minima])
    for w in r.where:
        assert np.min(np.linalg.norm(found - w, axis=1)) < 0.2
    with pytest.raises(DataError, match="whole number"):
        nets.roughness(tl.get("bowl"), n=2)


def test_project_recovers_plane_coordinates():
    L = nets.mlp_landscape(nets.two_moons(n=20), hidden=[4])
    rng = np.random.default_rng(0)
    P = nets.plane(L, L.starts[0], rng.standard_normal(L.dim), rng.standard_normal(L.dim))
    xy = rng.standard_normal((7, 3, 2))
    theta = P.origin + xy[..., :1] * P.d1 + xy[..., 1:] * P.d2
    np.testing.assert_allclose(nets.project(P, theta).positions, xy, atol=1e-12)


# ------------------------------------------------------------------ transfer learning
@pytest.fixture(scope="module")
def transfers():
    source = nets.mlp_landscape(nets.two_moons(n=300), hidden=[16, 16])
    related = nets.mlp_landscape(nets.rotate(nets.two_moons(n=30, noise=0.2, seed=1), 30), hidden=[16, 16])
    unrelated = nets.mlp_landscape(nets.xor(n=30, seed=1), hidden=[16, 16])
    return source, {name: nets.transfer(source, t, seeds=5) for name, t in (("related", related), ("xor", unrelated))}


def test_transfer_helps_a_related_task_and_not_an_unrelated_one(transfers):
    """Lesson 14's claims: on moons turned 30 degrees (30 points), fine-tuning reaches loss 0.1 in at most a third
    of the steps training from scratch takes (median of 5 seeds) and moves less than half as far; on XOR it is slower."""
    _, T = transfers
    rel = T["related"]
    med = {k: {w: np.median(v.steps_to_target[w]) for w in ("transfer", "scratch")} for k, v in T.items()}
    assert med["related"]["transfer"] * 3 <= med["related"]["scratch"]
    assert np.median(rel.distance["transfer"]) * 2 < np.median(rel.distance["scratch"])
    assert med["xor"]["transfer"] > med["xor"]["scratch"]
    assert rel.finetuned.runs == rel.scratch.runs == 5 and "steps" in rel.summary()


def test_new_head_keeps_the_body_and_redraws_the_head(transfers):
    source, T = transfers
    target = nets.mlp_landscape(nets.circles(n=20), hidden=[16, 16])
    theta = T["related"].pretrained[0]
    out = nets.new_head(source, target, theta, seed=3)
    for (Wa, ba), (Wb, bb) in zip(source.model.unflatten(theta)[:-1], target.model.unflatten(out)[:-1], strict=True):
        np.testing.assert_array_equal(Wa, Wb)
        np.testing.assert_array_equal(ba, bb)
    head = target.model.unflatten(nets.init_params(target.model, 3))[-1]
    np.testing.assert_array_equal(target.model.unflatten(out)[-1][0], head[0])
    with pytest.raises(DataError, match="every layer but the last"):
        nets.new_head(source, nets.mlp_landscape(nets.circles(n=20), hidden=[8, 16]), theta)


# ------------------------------------------------------------------ choosing an optimizer
def test_compare_optimizers_is_fair_and_never_at_the_edge():
    table = tl.compare_optimizers(["ill_conditioned_bowl", "rosenbrock"], ["GD", "Adam", "L-BFGS"], steps=200,
                                  seeds=3, points=7)  # fmt: skip
    assert table.scores.shape == (3, 2, 3) and not table.at_edge.any()
    assert (table.runs >= 7 * 3).all()  # every optimizer had at least the same budget of tuning runs
    for i, name in enumerate(table.optimizers):  # the tuned rate is the one tune picks from the same starts
        lo, hi = tl.SENSIBLE_LRS[name]
        assert 10.0**lo < table.lr[i, 0] < 10.0**hi
    # GD on a quadratic: the best rate is near 2 / (lambda_max + lambda_min), the textbook optimum
    lam = np.linalg.eigvalsh(tl.ill_conditioned_bowl.hessian(tl.ill_conditioned_bowl.minima[0].x))
    assert 0.3 < table.lr[0, 0] / (2 / (lam.max() + lam.min())) < 3
    assert table.winners()["rosenbrock"] == "L-BFGS" and "optimizer" in str(table) and "<table>" in table._repr_html_()
    with pytest.raises(tl.RunError, match="unknown optimizers"):
        tl.compare_optimizers(["bowl"], ["Shampoo"])


def test_the_skip_connections_widget_shows_what_gradient_norms_measure():
    import matplotlib

    matplotlib.use("Agg")
    from toylands import widgets

    w = widgets.SkipConnections(depths=(2, 20), seeds=2)
    data = nets.spirals(n=200)
    for depth in (2, 20):
        w.set(depth=depth)
        for residual in (False, True):
            want = [nets.gradient_norms(L, L.starts[0])[0] for s in range(2)
                    for L in [nets.mlp_landscape(data, hidden=[8] * depth, activation="relu", init="he", seed=s,
                                                 residual=residual)]]  # fmt: skip
            np.testing.assert_allclose(w.first_layer(residual), np.exp(np.mean(np.log(want))), rtol=1e-12)
        np.testing.assert_array_equal(w.item(w._layers[0])[:, 0], np.arange(1, depth + 2))  # the plain line, layer by layer
    assert "times larger with them" in w.readout and w.depth == 20
    before = w.snapshot()
    w.set(depth=2)
    assert w.snapshot() != before
    with pytest.raises(tl.LandscapeError, match="whole number"):
        widgets.SkipConnections(depths=(2, 0))


def test_the_pruning_direction_against_the_hessian():
    """Along the line to the pruned weights the quadratic model from the Hessian is the loss's Taylor expansion: for
    a short step the two agree to third order; OBS moves along flatter directions than magnitude pruning."""
    L = nets.mlp_landscape(nets.two_moons(n=100, noise=0.2), hidden=[16], seed=0)
    theta = nets.train(L, tl.adam(0.02), steps=1500).final[0]
    lines = {m: nets.pruning_direction(L, theta, nets.prune(L, theta, 0.25, m)) for m in nets.PRUNING_METHODS}
    assert lines["obs"].curvature < lines["magnitude"].curvature and lines["obs"].rank < lines["magnitude"].rank
    for m, line in lines.items():
        d = nets.prune(L, theta, 0.25, m).theta - theta
        small = nets.pruning_direction(L, theta, theta + 1e-3 * d, n=3)
        rise, quad = small.loss[-1] - small.loss[0], small.quadratic[-1] - small.quadratic[0]
        assert abs(rise - quad) < 1e-3 * abs(rise) + 1e-15, (m, rise, quad)
        H = L.hessian(theta)
        np.testing.assert_allclose(line.curvature, d @ H @ d / (d @ d), rtol=1e-8)
    with pytest.raises(DataError, match="nothing was pruned"):
        nets.pruning_direction(L, theta, theta)


def test_the_pruning_widget_shows_what_prune_computes():
    import matplotlib

    matplotlib.use("Agg")
    from toylands import plot, widgets

    L = nets.mlp_landscape(nets.two_moons(n=60, noise=0.2), hidden=[6], seed=0)
    theta = nets.train(L, tl.adam(0.05), steps=400).final[0]
    w = widgets.Pruning(L, theta, fractions=(0.0, 0.5, 0.9), n=20)
    grid, _ = plot._input_grid(L, 20)
    for f in (0.0, 0.5, 0.9):
        w.set(fraction=f)
        for m in nets.PRUNING_METHODS:
            p = nets.prune(L, theta, f, m)
            np.testing.assert_allclose(w.picture(m), plot.class_probability(L, p.theta, grid).reshape(20, 20))
            assert f"{float(nets.accuracy(L, p.theta, test=True)):.2f}" in w.title(m, f)
    before = w.snapshot()
    w.set(fraction=0.0)
    assert w.snapshot() != before and "0% of the weights removed" in w.readout
    with pytest.raises(tl.LandscapeError, match="from 0 to 1"):
        widgets.Pruning(L, theta, fractions=(0.5, 1.5))
