"""The learning coefficient: the quadrature oracle against Watanabe's known values, the samplers against the
quadrature, a network's minimum, and clear errors."""

import autograd.numpy as anp
import numpy as np
import pytest

import toylands as tl


def _toy(name, f):
    return tl.Landscape(name, f, bounds=[(-2, 2), (-2, 2)])


X2_Y4 = _toy("x^2 + y^4", lambda p: p[..., 0] ** 2 + p[..., 1] ** 4)  # separate variables: 1/2 + 1/4
R4 = _toy("(x^2 + y^2)^2", lambda p: (p[..., 0] ** 2 + p[..., 1] ** 2) ** 2)  # |w|^4 in 2-D: 2/4
X2Y4 = _toy("x^2 y^4", lambda p: p[..., 0] ** 2 * p[..., 1] ** 4)  # a product: min(1/2, 1/4), multiplicity 1
X6 = _toy("x^6 + y^2", lambda p: p[..., 0] ** 6 + anp.abs(p[..., 1]) ** 2)  # 1/6 + 1/2

CASES = [(tl.bowl, [0, 0], 1.0), (X2_Y4, [0, 0], 0.75), (R4, [0, 0], 0.5), (X2Y4, [0, 0], 0.25),
         (X6, [0, 0], 2 / 3), (tl.hyperbola, [1, 1], 0.5), (tl.cross, [0, 0], 0.5)]  # fmt: skip


@pytest.mark.parametrize("L, at, lam", [c for c in CASES if c[0] is not tl.cross], ids=lambda c: getattr(c, "name", ""))
def test_quadrature_gives_the_known_learning_coefficients(L, at, lam):
    # regular, quasi-homogeneous and separable minima: E[n_beta K] tends to lambda as n_beta grows (the localizing
    # gamma only matters at order gamma / n_beta for regular directions and a power of it for the others)
    n_beta = 1e4 if L is tl.hyperbola else 1e8  # a curved valley: the grid resolves its thin posterior up to 1e4
    value = tl.tempered_expectation(L, at, n_beta=n_beta, gamma=1.0)
    assert value == pytest.approx(lam, abs=0.012)


def test_crossing_minima_read_low_by_the_multiplicity_term():
    # (x y)^2 at 0: lambda = 1/2 with multiplicity m = 2, so a finite n_beta reads about lambda - (m - 1) / ln(n_beta)
    for n_beta in (1e6, 1e8, 1e10):
        value = tl.tempered_expectation(tl.cross, [0, 0], n_beta=n_beta)
        assert value == pytest.approx(0.5 - 1 / np.log(n_beta), abs=0.012)
        assert value < 0.5


@pytest.mark.parametrize("L, at, lam", CASES, ids=lambda c: getattr(c, "name", ""))
def test_the_tempered_sampler_agrees_with_the_quadrature(L, at, lam):
    r = tl.learning_coefficient(L, at, n_beta=1000, chains=8, draws=2000, seed=1)
    exact = tl.tempered_expectation(L, at, n_beta=1000)
    assert r.estimate == pytest.approx(exact, rel=0.05, abs=0.02), r
    assert r.note == "" and 0.35 < r.acceptance < 0.8
    assert r.trace.shape == (2000, 8) and r.samples.shape == (len(r.n_betas), 1000, 2) and r.n_betas[-1] == 1000
    # the ladder's curve: every rung is an estimate at its own temperature (checked on two of them)
    for k in (0, len(r.n_betas) // 2):
        assert r.curve[k] == pytest.approx(tl.tempered_expectation(L, at, n_beta=r.n_betas[k]), rel=0.08, abs=0.03)


def test_devinterps_sampler_is_right_where_the_posterior_is_simple_and_low_where_it_has_arms():
    bowl = tl.learning_coefficient(tl.bowl, [0, 0], sampler="sgld", draws=4000, seed=0)
    assert bowl.estimate == pytest.approx(1.0, abs=0.08) and len(bowl.n_betas) == 1
    assert bowl.step * 1000 * 1.0 < 0.021  # STEP_ACCURACY on the bowl's curvature 1 (plus gamma)
    # the cross's posterior has two thin arms: the unadjusted chains, with steps fit for the arms' narrow ends,
    # neither spread along them nor agree with one another
    exact = tl.tempered_expectation(tl.cross, [0, 0], n_beta=1000)
    for seed in (0, 1):
        sgld = tl.learning_coefficient(tl.cross, [0, 0], sampler="sgld", draws=2000, seed=seed)
        tempered = tl.learning_coefficient(tl.cross, [0, 0], draws=2000, seed=seed)
        assert sgld.estimate < 0.95 * exact and sgld.stderr > 3 * tempered.stderr


def test_a_small_network_uses_fewer_parameters_than_it_has():
    from toylands import nets

    L = nets.mlp_landscape(nets.two_moons(60, noise=0.1, seed=0), hidden=(6,), activation="tanh", seed=0)
    theta = nets.train(L, tl.adam(0.05), steps=3000, seed=0).final[0]
    r = tl.learning_coefficient(L, theta, n_beta=200, chains=4, draws=600, seed=0)
    assert 0 < r.estimate < L.dim / 2, r
    assert r.trace.shape == (600, 4)


def test_a_point_that_is_not_a_minimum_is_refused():
    with pytest.raises(tl.LandscapeError, match="not a minimum of 'double_well': the Hessian has a negative eigenvalue -4"):
        tl.learning_coefficient(tl.double_well, [0, 0], n_beta=100, chains=4, draws=300, seed=0)
    with pytest.raises(tl.LandscapeError, match="not a minimum of 'himmelblau': the gradient there is 26.1, not 0"):
        tl.learning_coefficient(tl.himmelblau, [0, 0])  # it read -169999
    with pytest.raises(tl.LandscapeError, match="not a minimum"):
        tl.tempered_expectation(tl.double_well, [0, 0])


def test_bad_input_is_refused_clearly():
    with pytest.raises(tl.LandscapeError, match="n_beta must be a positive number"):
        tl.learning_coefficient(tl.bowl, [0, 0], n_beta=0)
    with pytest.raises(tl.LandscapeError, match="sampler must be"):
        tl.learning_coefficient(tl.bowl, [0, 0], sampler="hmc")
    with pytest.raises(tl.LandscapeError, match="one point of 2 coordinates"):
        tl.learning_coefficient(tl.bowl, [[0, 0], [1, 1]])
    with pytest.raises(tl.LandscapeError, match="chains must be a whole number >= 2"):
        tl.learning_coefficient(tl.bowl, [0, 0], chains=1)
    with pytest.raises(tl.LandscapeError, match="must be a toylands Landscape"):
        tl.learning_coefficient(lambda p: p @ p, [0, 0])
    with pytest.raises(tl.LandscapeError, match="needs a 2-D Landscape"):
        tl.tempered_expectation(tl.get("rosenbrock_nd"), [1, 1, 1, 1])
    with pytest.raises(tl.LandscapeError, match="diverged"):
        tl.learning_coefficient(tl.bowl, [0, 0], sampler="sgld", step=10.0, draws=50)


def test_pictures_and_widget():
    import matplotlib

    matplotlib.use("Agg")
    from toylands import plot, widgets

    r = tl.learning_coefficient(tl.cross, [0, 0], n_beta=100, chains=4, draws=200, seed=0)
    dots = plot.tempered_posterior(r, tl.cross, rung=2)
    np.testing.assert_array_equal(dots.get_offsets(), r.samples[2])
    ax = plot.learning_coefficients({"cross": r}, known={"cross": 0.5})
    np.testing.assert_allclose(ax.lines[0].get_ydata(), r.curve)
    cases = {"cross": (tl.cross, (0, 0), 0.5), "bowl": (tl.bowl, (0, 0), 1.0)}
    w = widgets.TemperedPosterior(cases, records={"cross": r}, n_beta=100, chains=4, draws=200)
    w.set(minimum="bowl", n_beta=10.0)
    assert w.readout.startswith("bowl at nβ = 10: estimate") and w.rung == 3
    np.testing.assert_array_equal(w.draws, w.records["bowl"].samples[3])
    with pytest.raises(ValueError, match="share one ladder"):
        widgets.TemperedPosterior(cases, records={"cross": r}, n_beta=1000, chains=4, draws=100)
