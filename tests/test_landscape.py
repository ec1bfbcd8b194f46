"""The Landscape type: user landscapes, evaluation, and clear errors for bad input."""

import math

import autograd.numpy as anp
import numpy as np
import pytest

import toylands as tl
from toylands import Landscape, LandscapeError


def bowl_f(p):
    return p[..., 0] ** 2 + 3 * p[..., 1] ** 2


def test_a_user_landscape_needs_only_f_and_bounds():
    L = Landscape("mine", bowl_f, bounds=[(-2, 2), (-1, 1)])
    assert L.dim == 2 and L.starts.tolist() == [[0.0, 0.0]]
    np.testing.assert_allclose(L.grad([1.0, 1.0]), [2.0, 6.0])
    np.testing.assert_allclose(L.hessian([0.3, 0.1]), [[2, 0], [0, 6]])
    assert tl.classify(L, [0, 0]) == "min"
    [c] = tl.critical_points(L)
    assert c.kind == "min" and c.is_global and np.allclose(c.x, 0)


def test_landscapes_are_attributes_and_cached():
    assert tl.himmelblau is tl.get("himmelblau") is tl.get("Himmelblau")
    assert "rosenbrock" in dir(tl)
    with pytest.raises(AttributeError):
        tl.no_such_thing  # noqa: B018


def test_unknown_name_lists_close_matches():
    with pytest.raises(LandscapeError, match="Did you mean himmelblau"):
        tl.get("himelblau")
    with pytest.raises(LandscapeError, match="No landscape named 'zzz'"):
        tl.get("zzz")


def test_unknown_parameter_names_the_allowed_ones():
    with pytest.raises(LandscapeError, match="its parameters: kappa"):
        tl.ill_conditioned_bowl.with_params(condition=3)
    with pytest.raises(LandscapeError, match="its parameters: none"):
        tl.himmelblau.with_params(a=1)
    with pytest.raises(ValueError, match="kappa"):
        tl.ill_conditioned_bowl.with_params(kappa=0.5)


@pytest.mark.parametrize(
    "point, message",
    [
        ([1.0, 2.0, 3.0], "must have 2 coordinates .* got shape \\(3,\\)"),
        ([[1.0], [2.0]], "must have 2 coordinates"),
        (3.0, "must have 2 coordinates"),
        ([np.nan, 1.0], "must be finite"),
        ([np.inf, 1.0], "must be finite"),
        (["a", "b"], "could not read"),
    ],
)
def test_bad_points_get_clear_errors(point, message):
    with pytest.raises(LandscapeError, match=message):
        tl.himmelblau.grad(point)


def test_f_written_with_math_sin_gets_advice():
    def f(p):
        return math.sin(p[0]) + p[1] ** 2

    with pytest.raises(LandscapeError, match="autograd.numpy") as e:
        Landscape("math", f, bounds=[(-1, 1), (-1, 1)])
    assert "p[..., 0]" in str(e.value)


def test_f_written_with_np_vectorize_gets_advice():
    g = np.vectorize(lambda a, b: a * a + b * b)

    with pytest.raises(LandscapeError, match="autograd"):
        Landscape("vec", lambda p: g(p[..., 0], p[..., 1]), bounds=[(-1, 1), (-1, 1)])


def test_f_with_plain_numpy_functions_gets_advice():
    with pytest.raises(LandscapeError, match="autograd.numpy"):
        Landscape("plain", lambda p: np.sin(np.asarray(p)[..., 0]) + p[..., 1] ** 2, bounds=[(-1, 1), (-1, 1)])


def test_f_that_returns_the_wrong_shape_is_caught():
    with pytest.raises(LandscapeError, match="one number per point"):
        Landscape("sum", lambda p: anp.sum(p), bounds=[(-1, 1), (-1, 1)])


def test_bad_bounds_and_kinds():
    with pytest.raises(LandscapeError, match="one \\(low, high\\) pair"):
        Landscape("b", bowl_f, bounds=[-1, 1])
    with pytest.raises(LandscapeError, match="low < high"):
        Landscape("b", bowl_f, bounds=[(1, -1), (0, 1)])
    with pytest.raises(LandscapeError, match="kind 'minimum'"):
        tl.CriticalPoint((0, 0), "minimum", 0.0)
    with pytest.raises(LandscapeError, match="starts must have 2 coordinates"):
        Landscape("b", bowl_f, bounds=[(-1, 1), (-1, 1)], starts=[(0, 0, 0)])


def test_classify_refuses_points_that_are_not_critical():
    with pytest.raises(LandscapeError, match="not a critical point"):
        tl.classify(tl.himmelblau, [1.0, 1.0])
    assert tl.classify(tl.himmelblau, (3, 2)) == "min"
    assert tl.classify(tl.monkey_saddle, (0, 0)) == "degenerate"
    assert tl.classify(tl.saddle, (0, 0)) == "saddle"


def test_signature_rules():
    assert list(tl.signature([[1, 2], [-1, -2], [-1, 2], [0, 2], [0, -2], [0, 0]])) == [
        "min",
        "max",
        "saddle",
        "degenerate",
        "degenerate",
        "degenerate",
    ]
    assert tl.signature([-1, 0, 1]) == "saddle"  # a zero eigenvalue cannot undo a saddle
    assert tl.signature([1e-12, 1.0]) == "degenerate"


def test_hessian_eigen_directions_on_a_grid():
    lam, V = tl.hessian_eig(tl.rotated_ellipse, np.zeros((3, 4, 2)))
    assert lam.shape == (3, 4, 2) and V.shape == (3, 4, 2, 2)
    np.testing.assert_allclose(lam[0, 0], [1, 10])
    t = np.deg2rad(30)
    assert abs(V[0, 0, :, 1] @ [-np.sin(t), np.cos(t)]) == pytest.approx(1)


def test_search_is_fast_on_himmelblau():
    import time

    t = time.perf_counter()
    found = tl.critical_points(tl.himmelblau)
    assert len(found) == 9
    assert time.perf_counter() - t < 2.0  # well under a second on a quiet machine; generous for CI


def test_grid_minimum_finds_the_lowest_grid_point():
    x, v = tl.grid_minimum(tl.styblinski_tang, n=501)
    assert np.allclose(x, -2.9035, atol=0.02) and v == pytest.approx(-78.332, abs=0.01)


def test_minimum_set_distance():
    ring = tl.ring.minimum_sets[0]
    assert ring.distance([0.0, 0.0]) == pytest.approx(1.0, abs=1e-6)
    assert ring.distance([[2.0, 0.0]]) == pytest.approx([1.0], abs=1e-6)
