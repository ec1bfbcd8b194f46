"""Every claim a catalogue landscape makes, checked against autograd, a dense grid and a search."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import toylands as tl

NAMES = tl.landscapes()
# more starts where critical points are dense
SEARCH_N = {"rastrigin": 128, "egg_crate": 64, "six_hump_camel": 64, "ackley": 128}


def scale_of(L, x):
    return 1.0 + abs(float(L.f(np.asarray(x, float))))


def test_catalogue_is_large_and_grouped():
    assert len(NAMES) >= 28
    groups = tl.catalogue()
    assert set(groups) == set(tl.GROUPS)
    assert sorted(n for names in groups.values() for n in names) == sorted(NAMES)


def test_the_registry_refuses_a_declaration_that_does_not_say_who_it_is():
    from toylands.zoo._registry import Param, entry

    def bowl_like(name, group, **kw):
        return tl.Landscape(name, lambda p: p[..., 0] ** 2 + p[..., 1] ** 2, bounds=[(-1, 1), (-1, 1)], group=group, **kw)

    @entry(k=Param(1, 10))
    def misnamed(k=2.0):
        return bowl_like("bowl", "bowls", params=dict(k=k), make=misnamed)

    @entry()
    def no_group():
        return bowl_like("no_group", "", make=no_group)

    @entry(k=Param(1, 10))
    def wrong_params(k=2.0):
        return bowl_like("wrong_params", "bowls", params=dict(k=k + 1), make=wrong_params)

    @entry()
    def anonymous():
        return bowl_like("anonymous", "bowls")

    for factory, what in ((misnamed, "its name is 'bowl', not 'misnamed'"), (no_group, "its group '' is not one of"),
                          (wrong_params, "it declares params {'k': 3.0} for {'k': 2.0}"),
                          (anonymous, "it does not name its factory")):  # fmt: skip
        with pytest.raises(tl.LandscapeError, match=what):
            factory()
    with pytest.raises(TypeError, match="declare the range of every parameter"):

        @entry()
        def unranged(k=1.0):
            return None

    from toylands.zoo import _registry

    for name in ("misnamed", "no_group", "wrong_params", "anonymous"):
        del _registry._FACTORIES[name], _registry._PARAMS[name]


@pytest.mark.parametrize("name", NAMES)
def test_metadata_is_complete(name):
    L = tl.get(name)
    assert L.description.count(" ") > 20, "a paragraph for lessons"
    assert len(L.reference) > 10 and L.formula and L.tags
    assert L.bounds.shape == (L.dim, 2)
    assert L.starts.shape[1] == L.dim and len(L.starts) >= 1
    lo, hi = L.bounds[:, 0], L.bounds[:, 1]
    assert np.all((L.starts >= lo) & (L.starts <= hi)), "starts lie in the box"
    assert L.critical or L.minimum_sets
    assert L.make is not None and L.with_params() is not L or not L.params


@pytest.mark.parametrize("name", NAMES)
def test_declared_critical_points(name):
    L = tl.get(name)
    for c in L.critical:
        x = np.array(c.x)
        g = L.autograd_grad(x)
        assert np.linalg.norm(g) <= 1e-7 * scale_of(L, x), f"{c}: gradient {g}"
        assert L(x) == pytest.approx(c.value, rel=1e-9, abs=1e-12)
        kind = tl.signature(np.linalg.eigvalsh(L.autograd_hessian(x)))
        if kind != "degenerate":
            assert kind == c.kind, f"{c} has Hessian signature {kind}"
        else:
            assert c.kind in ("degenerate", "min"), f"{c}: the Hessian is singular there"
    for s in L.critical_sets:
        pts = s.points(50)
        assert np.allclose(L.f(pts), s.value, atol=1e-10)
        assert np.abs(L.autograd_grad(pts)).max() < 1e-8
        lam = np.linalg.eigvalsh(L.autograd_hessian(pts))
        if s.kind == "min":  # flat along the set, curving up across it
            assert np.all(lam[:, 0] > -1e-8) and np.all(lam[:, -1] > 1e-8)
        elif s.kind == "saddle":
            assert np.all(tl.signature(lam) == "saddle"), f"{s.name}: not a saddle everywhere"
        elif s.kind == "degenerate":
            assert np.all(lam[:, 0] > -1e-8) and np.all(np.abs(lam).min(axis=1) < 1e-8)


@pytest.mark.parametrize("name", NAMES)
def test_global_minimum_is_no_higher_than_a_dense_grid(name):
    L = tl.get(name)
    if L.min_value is None:
        pytest.skip(f"{name} declares no global minimum (it is unbounded below)")
    _, v = tl.grid_minimum(L, n=31 if L.dim > 2 else 801)
    assert L.min_value <= v + 1e-12
    assert all(c.value <= L.min_value + 1e-9 * (1 + abs(c.value)) for c in L.critical if c.is_global)
    mins = [c.value for c in L.critical if c.kind == "min"] + [s.value for s in L.minimum_sets]
    assert L.min_value == pytest.approx(min(mins))


COMPLETE = [n for n in NAMES if tl.get(n).complete]


@pytest.mark.parametrize("name", COMPLETE)
def test_complete_means_the_search_finds_exactly_the_declared_set(name):
    L = tl.get(name)
    found = tl.critical_points(L, n=SEARCH_N.get(name))
    declared = np.array([c.x for c in L.critical]).reshape(-1, L.dim)
    got = np.array([c.x for c in found]).reshape(-1, L.dim)
    assert len(got) == len(declared), f"found {len(got)}, declared {len(declared)}"
    tol = 1e-5 * np.linalg.norm(L.bounds[:, 1] - L.bounds[:, 0])
    for c in L.critical:
        d = np.linalg.norm(got - np.array(c.x), axis=-1)
        match = found[int(np.argmin(d))]
        assert d.min() < tol, f"{c} was not found; nearest {match}"
        assert match.kind == c.kind, f"{c}: the search says {match.kind}"
        assert match.value == pytest.approx(c.value, rel=1e-8, abs=1e-10)


@pytest.mark.parametrize("name", NAMES)
def test_point_batch_and_grid_evaluation_agree(name):
    L = tl.get(name)
    rng = np.random.default_rng(1)
    lo, hi = L.bounds[:, 0], L.bounds[:, 1]
    P = lo + (hi - lo) * rng.random((3, 4, L.dim))
    batch = L(P)
    assert batch.shape == (3, 4)
    one_by_one = np.array([[L(P[i, j]) for j in range(4)] for i in range(3)])
    np.testing.assert_allclose(batch, one_by_one, rtol=1e-13)
    G = L.grad(P)
    assert G.shape == P.shape
    np.testing.assert_allclose(G[1, 2], L.grad(P[1, 2]), rtol=1e-12, atol=1e-14)
    H = L.hessian(P[:2])
    assert H.shape == (2, 4, L.dim, L.dim)


def _random_points(L, data, k=5):
    lo, hi = L.bounds[:, 0], L.bounds[:, 1]
    u = np.array(data.draw(st.lists(st.floats(0, 1), min_size=k * L.dim, max_size=k * L.dim)))
    return lo + (hi - lo) * u.reshape(k, L.dim)


@pytest.mark.parametrize("name", NAMES)
@settings(max_examples=20, deadline=None)
@given(data=st.data())
def test_hand_written_gradient_equals_autograd(name, data):
    L = tl.get(name)
    assert L.grad_fn is not None, "every catalogue entry carries a hand-written gradient"
    P = _random_points(L, data)
    want = L.autograd_grad(P)
    got = L.grad_fn(P)
    scale = 1 + np.abs(want).max()
    np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-9 * scale)


WITH_HESSIAN = [n for n in NAMES if tl.get(n).hessian_fn is not None]


@pytest.mark.parametrize("name", WITH_HESSIAN)
@settings(max_examples=20, deadline=None)
@given(data=st.data())
def test_hand_written_hessian_equals_autograd(name, data):
    L = tl.get(name)
    P = _random_points(L, data)
    want = L.autograd_hessian(P)
    got = L.hessian_fn(P)
    assert got.shape == want.shape
    np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-9 * (1 + np.abs(want).max()))


def test_enough_entries_carry_hessians():
    assert len(WITH_HESSIAN) >= 20


@pytest.mark.parametrize(
    "name, params",
    [
        ("ill_conditioned_bowl", {"kappa": 100.0}),
        ("rotated_ellipse", {"kappa": 5.0, "angle": 60.0}),
        ("rosenbrock", {"a": 2.0, "b": 10.0}),
        ("rosenbrock_nd", {"n": 5}),
        ("curved_valley", {"steepness": 3.0}),
        ("narrow_well", {"width": 0.2}),
        ("cliff", {"height": 20.0}),
        ("rastrigin", {"amplitude": 3.0}),
        ("sharp_and_flat", {"ratio": 5.0}),
        ("ring", {"radius": 2.0}),
    ],
)
def test_params_make_new_landscapes_whose_claims_hold(name, params):
    base = tl.get(name)
    L = base.with_params(**params)
    assert L is not base and dict(L.params) == {**base.params, **params}
    assert tl.get(name, **params).params == L.params
    for c in L.critical:
        x = np.array(c.x)
        assert np.linalg.norm(L.autograd_grad(x)) <= 1e-7 * scale_of(L, x)
        assert L(x) == pytest.approx(c.value, rel=1e-9, abs=1e-12)
    for s in L.minimum_sets:
        assert np.allclose(L.f(s.points(20)), s.value)


def test_condition_number_is_the_parameter():
    L = tl.ill_conditioned_bowl.with_params(kappa=50)
    lam = np.linalg.eigvalsh(L.hessian([0.3, -0.2]))
    assert lam.max() / lam.min() == pytest.approx(50)
    lam = np.linalg.eigvalsh(tl.rotated_ellipse.with_params(kappa=7, angle=20).hessian([0.0, 0.0]))
    assert lam.max() / lam.min() == pytest.approx(7)


def test_sharp_and_flat_minima_have_equal_depth_and_the_curvature_ratio():
    L = tl.sharp_and_flat.with_params(ratio=30)
    flat, sharp = (np.linalg.eigvalsh(L.hessian([s, 0.0])) for s in (-1, 1))
    assert L([-1.0, 0.0]) == L([1.0, 0.0]) == 0
    np.testing.assert_allclose(sharp / flat, 30)


def test_permutation_landscapes_are_symmetric_under_swapping_units():
    rng = np.random.default_rng(0)
    P = rng.uniform(-1, 3, (50, 2))
    np.testing.assert_allclose(tl.permutation_2d(P), tl.permutation_2d(P[:, ::-1]), rtol=1e-13)
    Q = rng.uniform(-2, 2, (50, 4))
    swapped = Q[:, [2, 3, 0, 1]]
    flipped = Q * [-1, -1, 1, 1]
    np.testing.assert_allclose(tl.permutation_4d(Q), tl.permutation_4d(swapped), rtol=1e-13)
    np.testing.assert_allclose(tl.permutation_4d(Q), tl.permutation_4d(flipped), rtol=1e-13)


def test_himmelblau_has_its_textbook_structure():
    kinds = sorted(c.kind for c in tl.himmelblau.critical)
    assert kinds == ["max"] + ["min"] * 4 + ["saddle"] * 4
    assert len(tl.himmelblau.minima) == 4
