"""Pruning along flat directions: saliency methods against magnitude, OBS's algebra, fine-tuning with a mask."""

import numpy as np
import pytest

import toylands as tl
from toylands import nets
from toylands.nets import pruning


@pytest.fixture(scope="module")
def trained():
    L = nets.mlp_landscape(nets.two_moons(200, noise=0.2, seed=0), hidden=(12,), seed=0)
    return L, nets.train(L, tl.adam(0.02), steps=3000, seed=0).final[0]


def test_saliency_methods_lose_less_than_magnitude(trained):
    L, theta = trained
    half = {m: nets.prune(L, theta, 0.5, m) for m in nets.PRUNING_METHODS}
    assert half["obd"].loss_after < 0.3 * half["magnitude"].loss_after
    assert half["obs"].loss_after < 0.3 * half["magnitude"].loss_after
    for p in half.values():
        weights = nets.weight_mask(L)
        assert (~p.kept).sum() == round(0.5 * weights.sum()) and np.all(p.kept[~weights])  # biases are never pruned
        assert np.all(p.theta[~p.kept] == 0.0) and p.loss_before == pytest.approx(float(L(theta)))
    # magnitude removes the smallest weights, whatever the curvature
    mag = half["magnitude"]
    assert np.abs(theta[mag.order]).max() <= np.abs(theta[mag.kept & nets.weight_mask(L)]).min()


def test_obs_removes_one_weight_at_its_predicted_cost(trained):
    L, theta = trained
    p = nets.prune(L, theta, 1 / nets.weight_mask(L).sum(), "obs", damping=1e-3)
    q = p.order[0]
    delta = p.theta - theta
    assert p.theta[q] == 0.0
    H = pruning._positive_hessian(L, theta, 1e-3)
    # the correction is the minimizer of the quadratic model with w_q = 0, and the model's rise is the saliency
    assert 0.5 * delta @ H @ delta == pytest.approx(p.saliency[0], rel=1e-8)
    others = np.delete(np.arange(L.dim), q)
    np.testing.assert_allclose((H @ delta)[others], 0.0, atol=1e-10 * np.abs(H @ delta).max())
    # and for small steps along it the loss follows the model: g . delta is tiny at a trained minimum
    for eps in (0.1, 0.03):
        rise = float(L(theta + eps * delta) - L(theta)) - eps * L.grad(theta) @ delta
        assert rise == pytest.approx(eps**2 * 0.5 * delta @ L.hessian(theta) @ delta, rel=0.1)


def test_hutchinsons_diagonal_follows_the_exact_one(trained, monkeypatch):
    L, theta = trained
    exact = np.diag(L.hessian(theta))
    monkeypatch.setattr(pruning, "EXACT_HESSIAN", 10)
    estimate = pruning._hessian_diagonal(L, theta, samples=200, seed=0)
    assert np.corrcoef(exact, estimate)[0, 1] > 0.9
    p = nets.prune(L, theta, 0.5, "obd")  # through the estimate
    assert p.loss_after < 0.5 * nets.prune(L, theta, 0.5, "magnitude").loss_after


def test_pruning_curve_and_fine_tuning(trained):
    L, theta = trained
    c = nets.pruning_curve(L, theta, fractions=(0.0, 0.5), methods=("magnitude", "obd"), finetune_steps=100)
    assert c.loss.shape == c.accuracy.shape == c.finetuned_loss.shape == (2, 2)
    assert c.loss[0, 0] == pytest.approx(float(L(theta)))
    assert c.finetuned_loss[0, 1] < c.loss[0, 1]  # fine-tuning the survivors recovers part of magnitude's loss
    p = nets.prune(L, theta, 0.5)
    opt = tl.chain(tl.adam(0.01), pruning._masked(p.kept))
    end = tl.run(opt, L, p.theta, 50).final[0]
    assert np.all(end[~p.kept] == 0.0) and not np.allclose(end[p.kept], p.theta[p.kept])


def test_bad_input_is_refused_clearly(trained):
    L, theta = trained
    with pytest.raises(nets.DataError, match="method must be one of"):
        nets.prune(L, theta, 0.5, "random")
    with pytest.raises(nets.DataError, match=r"fraction must be a number in \[0, 1\]; the share of weights removed"):
        nets.prune(L, theta, 1.5)
    with pytest.raises(nets.DataError, match="one parameter vector"):
        nets.prune(L, theta[:5], 0.5)
    with pytest.raises(nets.DataError, match="network's landscape"):
        nets.prune(tl.bowl, [0.0, 0.0], 0.5)
    with pytest.raises(nets.DataError, match=f"hessian must be the {L.dim} x {L.dim} Hessian"):
        nets.prune(L, theta, 0.5, "obs", hessian=np.eye(3))


def test_a_hessian_computed_once_prunes_as_one_computed_each_time(trained):
    L, theta = trained
    H = pruning.shared_hessian(L, theta, ("magnitude", "obs"))
    np.testing.assert_allclose(H, L.hessian(theta))
    assert pruning.shared_hessian(L, theta, ("magnitude",)) is None  # magnitude needs no curvature
    for method in ("obd", "obs"):
        a, b = nets.prune(L, theta, 0.5, method), nets.prune(L, theta, 0.5, method, hessian=H)
        np.testing.assert_array_equal(a.theta, b.theta)
        assert a.loss_after == b.loss_after
