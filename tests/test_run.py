"""Batched runs, divergence, reproducibility, gradient flow and the analyses built on runs."""

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import toylands as tl
from toylands import LandscapeError, OptimizerError, RunError


def test_trajectory_shapes_and_values():
    traj = tl.run(tl.adam(0.1), tl.himmelblau, steps=50)
    assert traj.positions.shape == (51, 5, 2)
    assert traj.values.shape == traj.grad_norms.shape == (51, 5)
    np.testing.assert_allclose(traj.values[7], tl.himmelblau(traj.positions[7]))
    np.testing.assert_allclose(traj.positions[0], tl.himmelblau.starts)
    assert "5 runs x 50 steps" in repr(traj)


@settings(max_examples=15, deadline=None)
@given(
    lrs=st.lists(st.floats(1e-3, 0.05), min_size=2, max_size=5),
    seed=st.integers(0, 2**16),
)
def test_a_batched_run_equals_the_runs_one_at_a_time(lrs, seed):
    starts = np.random.default_rng(seed).uniform(-4, 4, (len(lrs), 2))
    batch = tl.run(tl.momentum(np.array(lrs), 0.8), tl.himmelblau, starts, 60)
    for i, lr in enumerate(lrs):
        one = tl.run(tl.momentum(lr, 0.8), tl.himmelblau, starts[i], 60)
        np.testing.assert_allclose(batch.positions[:, i], one.positions[:, 0], rtol=1e-13, atol=1e-13)
        assert batch.diverged_at[i] == one.diverged_at[0]


def test_one_start_fans_out_over_hyperparameters():
    lrs = np.logspace(-3, 0, 64)
    traj = tl.run(tl.gd(lrs), tl.bowl, [1.0, 1.0], 30)
    assert traj.runs == 64
    np.testing.assert_allclose(traj.positions[:, :, 0], (1 - lrs[None]) ** np.arange(31)[:, None], rtol=1e-12)


def test_ten_thousand_starts():
    starts = np.random.default_rng(0).uniform(-5, 5, (10_000, 2))
    traj = tl.run(tl.adam(0.1), tl.himmelblau, starts, 300)
    assert traj.runs == 10_000 and not traj.diverged.any()
    assert np.mean(traj.ended_in >= 0) > 0.99


def test_a_seeded_run_is_reproducible_and_seeds_differ():
    a = tl.run(tl.sgd(0.01, noise=0.5, seed=3), tl.double_well, steps=100)
    b = tl.run(tl.sgd(0.01, noise=0.5, seed=3), tl.double_well, steps=100)
    c = tl.run(tl.sgd(0.01, noise=0.5, seed=4), tl.double_well, steps=100)
    np.testing.assert_array_equal(a.positions, b.positions)
    assert not np.allclose(a.positions, c.positions)
    d = tl.run(tl.gd(0.01), tl.double_well, steps=100, noise=0.5, seed=3)
    e = tl.run(tl.gd(0.01), tl.double_well, steps=100, noise=0.5, seed=3)
    np.testing.assert_array_equal(d.positions, e.positions)


def test_a_race_is_fair():
    opts = {"GD": tl.gd(0.01), "Momentum": tl.momentum(0.01, 0.9), "Adam": tl.adam(0.05)}
    res = tl.race(opts, tl.rosenbrock, [[-1.2, 1.0], [0.0, 2.5]], 300, noise=0.1, seed=5)
    assert list(res) == list(opts)
    for traj in res.values():
        assert traj.positions.shape == (301, 2, 2)
        np.testing.assert_array_equal(traj.positions[0], [[-1.2, 1.0], [0.0, 2.5]])
    # same seed: GD in the race equals GD run alone with the same noise
    alone = tl.run(tl.gd(0.01), tl.rosenbrock, [[-1.2, 1.0], [0.0, 2.5]], 300, noise=0.1, seed=5)
    np.testing.assert_array_equal(alone.positions, res["GD"].positions)
    assert list(tl.race([tl.gd(0.01), tl.adam(0.1)], tl.bowl, steps=5)) == ["GD", "Adam"]


def test_divergence_is_flagged_and_frozen_without_warnings():
    lrs = np.array([0.1, 1.5, 2.5, 50.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        traj = tl.run(tl.gd(lrs), tl.bowl, [1.0, 1.0], 500)
        traj.values, traj.grad_norms  # noqa: B018
    assert traj.diverged.tolist() == [False, False, True, True]
    k = traj.diverged_at[3]
    assert 0 < k < traj.diverged_at[2]
    # frozen at the last position inside the limit, and finite everywhere
    assert np.all(np.isfinite(traj.positions))
    np.testing.assert_array_equal(traj.positions[k - 1 :, 3], np.broadcast_to(traj.positions[k - 1, 3], (501 - k + 1, 2)))
    assert traj.endings[3] == f"diverged at step {k}"
    assert traj.ended_in.tolist() == [0, 0, -1, -1]


def test_runs_into_overflow_are_flagged_quietly():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        traj = tl.run(tl.gd(1e-4), tl.goldstein_price, [[1.5, 1.5], [0.0, -0.9]], 50)
    assert traj.diverged.tolist() == [True, False]
    assert np.all(np.isfinite(traj.positions))


def test_saddle_free_newton_escapes_where_newton_is_attracted():
    start = [0.15, 0.3]  # near the double well's saddle at the origin
    newton = tl.run(tl.newton(), tl.double_well, start, 30)
    sfn = tl.run(tl.saddle_free_newton(), tl.double_well, start, 30)
    assert np.linalg.norm(newton.final[0]) < 1e-10, "Newton walks into the saddle"
    assert tl.classify(tl.double_well, newton.final[0]) == "saddle"
    assert sfn.ended_in.tolist() == [1] and np.allclose(sfn.final[0], [1.0, 0.0], atol=1e-8)


def test_himmelblau_basins_each_reach_one_of_the_four_minima():
    b = tl.basins(tl.gd(0.01), tl.himmelblau, n=40, steps=1000)
    assert b.label.shape == (40, 40)
    assert set(np.unique(b.label)) == {0, 1, 2, 3}
    assert sum(b.fractions()[i] for i in range(4)) == pytest.approx(1.0)
    # each quarter of the box drains (mostly) into its own minimum
    for k, c in enumerate(tl.himmelblau.minima):
        i, j = np.unravel_index(np.argmin((b.X - c.x[0]) ** 2 + (b.Y - c.x[1]) ** 2), b.X.shape)
        assert b.label[i, j] == k


def test_gradient_flow_is_accurate_and_gd_follows_it_for_small_steps():
    flow = tl.gradient_flow(tl.ill_conditioned_bowl, [2.0, 1.0], lr=0.01, steps=300)
    t = flow.times
    np.testing.assert_allclose(flow.positions[:, 0, 0], 2 * np.exp(-t), rtol=1e-8)
    np.testing.assert_allclose(flow.positions[:, 0, 1], np.exp(-20 * t), rtol=1e-6, atol=1e-10)
    small = tl.run(tl.gd(0.001), tl.ill_conditioned_bowl, [2.0, 1.0], 3000).positions[::10]
    big = tl.run(tl.gd(0.09), tl.ill_conditioned_bowl, [2.0, 1.0], 34).positions
    fine_flow = tl.gradient_flow(tl.ill_conditioned_bowl, [2.0, 1.0], lr=0.09, steps=34)
    assert np.abs(small - flow.positions).max() < 0.02
    assert np.abs(big - fine_flow.positions).max() > 0.3  # large steps leave the flow


def test_gradient_flow_in_a_stiff_ravine():
    flow = tl.gradient_flow(tl.rosenbrock, [-1.2, 1.0], times=np.linspace(0, 200, 5))
    assert np.linalg.norm(flow.final[0] - [1, 1]) < 1e-2
    assert np.all(np.diff(flow.values[:, 0]) <= 1e-12)  # the flow never goes uphill


def test_lr_sweep_summary():
    s = tl.lr_sweep(tl.gd, tl.ill_conditioned_bowl, [2.0, 1.0], np.logspace(-3, 0, 30), steps=500, tol=1e-4)
    assert s.threshold == pytest.approx(0.1)
    ok = ~s.diverged
    assert np.all(s.lr[ok] <= 0.1) and np.all(s.lr[~ok] > 0.1)
    converged = s.steps_to_converge[ok]
    assert np.all(converged[s.lr[ok] >= 0.01] >= 0), "every stable learning rate from 0.01 on converges in 500 steps"
    fast = converged[(s.lr[ok] >= 0.01) & (s.lr[ok] <= 0.05)]
    assert np.all(np.diff(fast) <= 0) and fast[-1] < fast[0], "larger stable learning rates converge sooner"
    assert s.best_lr < 0.1


def test_stability_threshold_on_a_real_landscape():
    lam_max = np.linalg.eigvalsh(tl.rosenbrock.hessian([1.0, 1.0])).max()
    assert tl.stability_threshold(tl.rosenbrock) == pytest.approx(2 / lam_max)
    lrs = np.linspace(0.5, 1.5, 21) * 2 / lam_max
    s = tl.lr_sweep(tl.gd, tl.rosenbrock, [0.9, 0.8], lrs, steps=3000)
    kinds, d = s.trajectory.kinds, np.array([o.distance for o in s.trajectory.outcomes])
    below, above = lrs < 2 / lam_max * 0.99, lrs > 2 / lam_max * 1.01
    # below 2 / lambda_max the minimum is stable; above it gradient descent cannot stay there, but on this
    # valley it does not blow up either: it stalls further down the valley, where the curvature is lower
    assert np.all(kinds[below][1:] == "converged") and not np.any(kinds[above] == "converged")
    assert np.all(np.diff(d[above]) > 0), "the larger the learning rate, the further from the minimum it stalls"
    assert not s.trajectory.stopped.any()


def test_escape_time_shrinks_with_noise():
    e = tl.escape_times(tl.saddle, [0.0, 0.0], [1e-6, 1e-4, 1e-2], lr=0.05, steps=1000, radius=1.0, seeds=8)
    assert e.steps.shape == (3, 8) and e.escaped.all()
    m = e.median
    assert m[0] > m[1] > m[2]
    # theory for x^2 - y^2: y_t = a y_{t-1} + lr sigma xi_t with a = 1 + 2 lr, so y_t ~ a^t lr sigma / sqrt(a^2 - 1)
    # (the noise accumulated in the first steps, then amplified); it leaves radius r after about
    # log(r sqrt(a^2 - 1) / (lr sigma)) / log(a) steps.
    a = 1 + 2 * 0.05
    theory = np.log(1.0 * np.sqrt(a * a - 1) / (0.05 * e.noise)) / np.log(a)
    np.testing.assert_allclose(m, theory, rtol=0.15)
    never = tl.escape_times(tl.saddle, [0.0, 0.0], [0.0], steps=50, seeds=2)
    assert not never.escaped.any()


def test_steps_to():
    traj = tl.run(tl.gd(0.5), tl.bowl, [1.0, 0.0], 30)
    # f = x^2 / 2 with x = 0.5^k: below 1e-6 once 0.5^(2k) / 2 <= 1e-6
    assert traj.steps_to(1e-6).tolist() == [10]
    assert traj.steps_to(1e-30).tolist() == [-1]


def test_selecting_runs():
    traj = tl.run(tl.gd(np.array([0.1, 0.2, 3.0])), tl.bowl, [1.0, 1.0], 20)
    sub = traj[1:]
    assert sub.runs == 2 and sub.diverged.tolist() == [False, True]
    assert sub.hyper["lr"].shape == (2,) and traj[0].runs == 1


# ---------------------------------------------------------------------------------------------
# Bad input


def test_starts_of_the_wrong_dimension():
    with pytest.raises(LandscapeError, match="starts must have 2 coordinates"):
        tl.run(tl.gd(0.1), tl.himmelblau, [1.0, 2.0, 3.0])
    with pytest.raises(LandscapeError, match="starts must be finite"):
        tl.run(tl.gd(0.1), tl.himmelblau, [np.nan, 2.0])


def test_hyperparameters_that_do_not_broadcast():
    with pytest.raises(OptimizerError, match="momentum has 3 values, which does not broadcast with a batch of 4"):
        tl.run(tl.momentum(np.ones(4) * 0.01, np.array([0.1, 0.5, 0.9])), tl.bowl, [1.0, 1.0])
    with pytest.raises(RunError, match="5 starts do not fit 3"):
        tl.run(tl.gd(np.array([0.1, 0.2, 0.3])), tl.bowl, np.zeros((5, 2)))
    with pytest.raises(RunError, match="3 starts do not fit 2 values of noise"):
        tl.run(tl.gd(0.1), tl.bowl, np.zeros((3, 2)), noise=[0.1, 0.2])


def test_a_user_optimizer_with_a_wrong_shape_is_named():
    def bad(grad, state):
        return grad[:, :1], state

    with pytest.raises(
        OptimizerError, match="optimizer 'bad' returned a step of shape \\(3, 1\\) for parameters of shape \\(3, 2\\)"
    ):
        tl.run(bad, tl.himmelblau, np.zeros((3, 2)))


def test_a_user_optimizer_that_raises_is_named_with_the_step():
    def flaky(grad, state, step):
        if step == 4:
            raise ZeroDivisionError("oops")
        return -0.1 * grad, state

    with pytest.raises(OptimizerError, match="optimizer 'flaky' raised ZeroDivisionError at step 4: oops"):
        tl.run(flaky, tl.bowl, steps=10)


def test_the_record_is_read_only_to_the_optimizer_and_a_step_is_real():
    def writes_params(grad, state, params):  # the params handed over are the recorded positions
        params -= 0.1 * grad
        return -0.1 * grad, state

    with pytest.raises(OptimizerError, match="'writes_params' wrote into a read-only array at step 0.*return the step"):
        tl.run(tl.optimizer(writes_params), tl.bowl, [1.0, 1.0], steps=3)

    def complex_step(grad, state):
        return -0.1 * grad + 0j, state

    with pytest.raises(OptimizerError, match="'complex_step' returned a step of dtype complex128; a step is real numbers"):
        tl.run(tl.optimizer(complex_step), tl.bowl, [1.0, 1.0], steps=3)
    traj = tl.run(tl.optimizer(lambda grad, state: (-0.5 * grad.astype(np.float32), state)), tl.bowl, [1.0, 1.0], steps=2)
    assert traj.positions.dtype == np.float64 and np.allclose(traj.positions[:, 0, 0], [1.0, 0.5, 0.25])


def test_other_bad_arguments():
    with pytest.raises(RunError, match="steps must be a whole number"):
        tl.run(tl.gd(0.1), tl.bowl, steps=-1)
    with pytest.raises(LandscapeError, match="landscape must be"):
        tl.run(tl.gd(0.1), 42)
    with pytest.raises(RunError, match="opt must be"):
        tl.run("adam", tl.bowl)
    with pytest.raises(LandscapeError, match="Did you mean rosenbrock"):
        tl.run(tl.gd(0.1), "rosenbrok")
    with pytest.raises(RunError, match="either times"):
        tl.gradient_flow(tl.bowl)
    with pytest.raises(OptimizerError, match="needs the landscape"):
        tl.newton().update(np.ones((1, 2)), tl.newton().init(np.ones((1, 2))), np.ones((1, 2)))


def _cycle_of_one(P, size, longest=4):
    """The period detector as it was written for one run (the oracle for the batched one)."""
    if len(P) <= 2 * longest or not np.all(np.isfinite(P[-2 * longest :])):
        return 0
    step = np.linalg.norm(P[-1] - P[-2])
    if not step > 1e-6 * size:
        return 0
    for p in range(2, longest + 1):
        if np.linalg.norm(P[-p:] - P[-2 * p : -p], axis=-1).max() <= 1e-3 * step:
            return p
    return 0


def test_batched_cycle_detection_agrees_with_one_run_at_a_time():
    from toylands.run import _cycles

    rng = np.random.default_rng(3)
    t = np.arange(40)[:, None]
    corners = [np.array([[0.0, 0.0], [1.0, 0.5], [0.2, 1.0], [-0.7, 0.3]])[: p][t[:, 0] % p] for p in (2, 3, 4)]
    runs = [*corners, np.exp(-0.1 * t) * [1.0, 2.0], np.ones((40, 2)), rng.normal(size=(40, 2)),
            corners[0] + 1e-6 * rng.normal(size=(40, 2))]  # fmt: skip
    nan = corners[1].copy()
    nan[-3] = np.nan
    runs.append(nan)
    P = np.stack(runs, axis=1)  # (steps + 1, runs, 2)
    want = [_cycle_of_one(P[:, i], 2.0) for i in range(P.shape[1])]
    assert want[:3] == [2, 3, 4] and want[3:6] == [0, 0, 0] and want[-1] == 0  # the cases cover each answer
    assert _cycles(P, 2.0).tolist() == want
    assert _cycles(P[:5], 2.0).tolist() == [0] * P.shape[1]  # too short to tell
