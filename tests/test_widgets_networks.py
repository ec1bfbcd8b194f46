"""The network views on Scene: NetworkPath, SkipConnections and Pruning.

Headless: what each one computes (the pictures, the gradients, the pruned networks), readouts, the data budget at
the lessons' sizes, bad input refused in words. In chromium (over the saved state, as on the site): the first
slider redraws with no kernel, the browser's picture is matplotlib's paint() of the same state, and a view reads
on a dark 390-px page.
"""

import io

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from scene_page import first_slider_redraws_as_matplotlib_paints, scene_page  # noqa: E402

import toylands as tl  # noqa: E402
from toylands import nets, plot  # noqa: E402
from toylands.run import number  # noqa: E402
from toylands.widgets import NetworkPath, Pruning, SkipConnections  # noqa: E402


def _bytes(w) -> int:
    return sum(len(d.get("data") or b"") for d in w.layers)


@pytest.fixture(scope="module")
def small():
    L = nets.mlp_landscape(nets.two_moons(n=60, noise=0.2), hidden=[6], seed=0)
    run = nets.train(L, tl.adam(0.05), steps=400)
    return L, run


def _walks(small, n=11):
    L, run = small
    a, b = run.positions[0, 0], run.final[0]
    t = np.linspace(0, 1, n)
    return L, {"line": (1 - t)[:, None] * a + t[:, None] * b, "back": t[:, None] * a + (1 - t)[:, None] * b}, t


def test_network_path_shows_what_the_network_computes_at_each_point(small):
    L, walks, t = _walks(small)
    w = NetworkPath(L, walks, t, label="t", n_grid=20)
    assert [c["name"] for c in w.controls] == ["path", "at"] and not any(c["kernel"] for c in w.controls)
    grid, _ = plot._input_grid(L, 20)
    w.set(path="back", at=0.3)
    assert w.path == "back" and w.index == 3 and w.state == {"path": "back", "at": 3}
    np.testing.assert_array_equal(w.theta, walks["back"][3])
    np.testing.assert_allclose(w.image, plot.class_probability(L, walks["back"][3], grid).reshape(20, 20))
    image = w.item(w._layers[0])
    np.testing.assert_allclose(image, w.image)
    acc = nets.accuracy(L, walks["back"][3][None], test=True)[0]
    assert w.readout == f"<b>back</b>, t = 0.3: training loss {number(float(L(walks['back'][3])))}, test accuracy {acc:.0%}"
    heads = [s for s in w._layers if s["kind"] == "dots" and s["axes"] == 1]
    assert len(heads) == 2 and np.allclose(w.item(heads[1])[0], [0.3, float(L(walks["back"][3]))])
    with pytest.raises(ValueError, match=r"t must be one of the path's values 0, 0\.1, .*; got 0\.35"):
        w.set(at=0.35)
    with pytest.raises(ValueError, match="path must be one of line, back"):
        w.set(path="curve")


def test_network_path_on_a_plane_puts_the_point_where_the_plane_says(small):
    L, run = small
    plane = nets.pca_plane(L, run.positions[:, 0])[0]
    steps = np.arange(0, 401, 40)
    w = NetworkPath(L, {"adam": run.positions[steps, 0]}, steps, label="step", plane=plane, n_grid=16)
    assert [c["name"] for c in w.controls] == ["at"]
    w.set(at=200)
    head = [s for s in w._layers if s["kind"] == "dots" and s["axes"] == 1][0]
    np.testing.assert_allclose(w.item(head)[0], plane.coordinates(run.positions[200, 0][None])[0], rtol=1e-6, atol=1e-6)
    assert not [s for s in w._layers if s["kind"] == "vline"]  # the loss-along-the-path marker is for no plane only


def test_network_path_keeps_to_the_data_budget_at_the_lessons_sizes(small):
    L, run = small
    one = NetworkPath(L, run.positions[::10, 0][:41], label="step")  # lesson 7: 41 points of one run
    assert one.n_grid == 90 and _bytes(one) <= 1_500_000
    L, walks, t = _walks(small, 41)
    walks["third"] = walks["line"][::-1]
    three = NetworkPath(L, walks, t)  # lesson 9: three walks of 41 points
    assert three.n_grid == 53 and _bytes(three) <= 1_500_000, (three.n_grid, _bytes(three))


def test_network_path_refuses_what_it_cannot_show(small):
    L, walks, t = _walks(small)
    with pytest.raises(ValueError, match="same number"):
        NetworkPath(L, {"a": walks["line"], "b": walks["line"][:5]})
    with pytest.raises(ValueError, match=r"one value per point of the paths \(11\)"):
        NetworkPath(L, walks, t[:4])
    with pytest.raises(ValueError, match="plane must be a 2-D view"):
        NetworkPath(L, walks, t, plane="pca")


def test_skip_connections_shows_what_gradient_norms_measure():
    w = SkipConnections(depths=(2, 20), seeds=2)
    data = nets.spirals(n=200)
    assert [c["name"] for c in w.controls] == ["depth"] and w.depth == 20
    for depth in (2, 20):
        w.set(depth=depth)
        for residual in (False, True):
            models = [nets.mlp_landscape(data, hidden=[8] * depth, activation="relu", init="he", seed=s, residual=residual)
                      for s in range(2)]  # fmt: skip
            by_layer = np.exp(np.mean(np.log([nets.gradient_norms(L, L.starts[0]) for L in models]), 0))
            np.testing.assert_allclose(w.first_layer(residual), by_layer[0], rtol=1e-12)
            line = w.item(w._layers[2 * residual])
            np.testing.assert_allclose(line, np.stack([np.arange(1, depth + 2), by_layer], -1), rtol=1e-6)
    assert "times larger with them" in w.readout and w.readout.startswith("depth 20:")
    with pytest.raises(ValueError, match="depth must be one of 2, 20; got 7"):
        w.set(depth=7)
    with pytest.raises(tl.LandscapeError, match="whole number"):
        SkipConnections(depths=(2, 0))


@pytest.fixture(scope="module")
def pruned(small):
    L, run = small
    return L, run.final[0], Pruning(L, run.final[0], fractions=(0.0, 0.5, 0.9), n=20)


def test_pruning_shows_what_prune_computes(pruned):
    L, theta, w = pruned
    grid, _ = plot._input_grid(L, 20)
    texts = [s for s in w._layers if s["kind"] == "text"]
    images = [s for s in w._layers if s["kind"] == "image"]
    for f in (0.0, 0.5, 0.9):
        w.set(fraction=f)
        for m, image, text in zip(nets.PRUNING_METHODS, images, texts, strict=True):
            p = nets.prune(L, theta, f, m)
            want = plot.class_probability(L, p.theta, grid).reshape(20, 20)
            np.testing.assert_allclose(w.picture(m), want)
            np.testing.assert_allclose(w.item(image), want, rtol=1e-6, atol=1e-7)  # what the browser draws
            assert w.item(text) == f"loss {p.loss_after:.3g}, test accuracy {float(nets.accuracy(L, p.theta, test=True)):.2f}"
    w.set(fraction=0)
    assert w.fraction == 0.0 and w.readout.startswith("0% of the weights removed; test accuracy: magnitude ")
    with pytest.raises(ValueError, match="fraction must be one of 0%, 50%, 90%; got 0.25"):
        w.set(fraction=0.25)
    with pytest.raises(tl.LandscapeError, match="from 0 to 1"):
        Pruning(L, theta, fractions=(0.5, 1.5))


def test_pruning_keeps_to_the_data_budget_at_lesson_14s_size(pruned):
    L, theta, _ = pruned
    w = Pruning(L, theta)
    assert _bytes(w) <= 1_500_000 and w.n == 80


@pytest.mark.parametrize("which", ["path", "skips", "pruning"])
def test_the_first_slider_redraws_in_the_browser_as_matplotlib_paints_it(which, small, pruned):
    if which == "path":
        L, walks, t = _walks(small)
        w = NetworkPath(L, walks, t, n_grid=30)
        first = "at"
    elif which == "skips":
        w, first = SkipConnections(depths=(2, 5, 10), seeds=1), "depth"
    else:
        w, first = Pruning(pruned[0], pruned[1], fractions=(0.0, 0.9), n=60), "fraction"
    first_slider_redraws_as_matplotlib_paints(w, first, html=True)


def test_pruning_reads_on_a_dark_page_390_px_wide(pruned, tmp_path):
    w = pruned[2]
    w.set(fraction=0.5)
    with scene_page(w, width=390, height=800, dark=True) as page:
        png = page.screenshot(full_page=True)
        width = page.evaluate("document.documentElement.scrollWidth")
    (tmp_path / "pruning-dark-390.png").write_bytes(png)
    assert width <= 390, f"the widget is {width} px wide on a 390-px screen"
    assert plt.imread(io.BytesIO(png)).shape[1] == 390
