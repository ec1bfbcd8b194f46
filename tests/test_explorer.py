"""Explorer and LRLab on Scene: the kernel computes the fan, the browser draws what the sliders select.

Headless: values, readouts, recomputation only where needed, bad input refused in words. In chromium (over the
saved state, as on the site): the path drawn matches matplotlib's painting point by point within 1 px, the sliders
redraw with no kernel, a click snaps to the starts computed ahead, and the widget reads on a dark 390-px page.
"""

import io

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from scene_page import canvas_png, figure_png, mask, scene_page, stage_png  # noqa: E402

import toylands as tl  # noqa: E402
from toylands.widgets.explorer import Explorer, LRLab  # noqa: E402
from toylands.widgets._scene import unwire  # noqa: E402
from toylands.widgets._base import LR_VALUES  # noqa: E402
from toylands.widgets._drawing import to_pixel  # noqa: E402


def test_the_fan_is_computed_once_and_the_lr_slider_picks_from_it():
    ex = Explorer("rosenbrock", "GD", lr=1e-3, steps=200)
    fan, before = ex.fan, ex.counts["recomputes"]
    ex.set(lr=1e-4)
    assert ex.fan is fan and ex.counts["recomputes"] == before, "moving the learning rate must not recompute"
    alone = tl.run(tl.gd(1e-4), tl.rosenbrock, ex.start, 200)
    np.testing.assert_allclose(ex.trajectory.positions, alone.positions, rtol=1e-12)
    np.testing.assert_allclose(ex.shown["path"], alone.positions[:, 0], rtol=1e-12)
    assert "lr = 0.0001," in ex.readout and ex.state["lr"] == 1e-4
    xy = unwire(ex.layers[0]).reshape(len(LR_VALUES), 201, 2)  # what the browser gets: half floats over the map
    (x0, x1), (y0, y1) = ex.axes[0]["xlim"], ex.axes[0]["ylim"]
    err = np.abs(xy[ex.index] - alone.positions[:, 0]) / [(x1 - x0) / 2, (y1 - y0) / 2]
    assert err.max() <= 2**-11 * 2, err.max()  # within a 4000th of the map's width: under 0.2 px


def test_divergence_and_escape_are_shown_and_named():
    ex = Explorer("ill_conditioned_bowl", "GD", lr=0.05, steps=100)
    ex.set(lr=0.5)
    k = ex.trajectory.diverged_at[0]
    assert k > 0 and f"diverged at step {k}" in ex.readout and ex.shown["label"] == f"diverged at step {k}"
    assert "tl-bad" in ex.readout and "color:" not in ex.readout  # a class both themes colour, no inline colour
    ex.set(lr=0.05)
    assert "diverged" not in ex.readout and ex.shown["label"] == ""
    ex = Explorer("saddle", "GD", lr=0.05, steps=200, start=[-1.8, 0.1])
    assert "escaped at step" in ex.readout and ex.shown["label"].startswith("escaped at step")


def test_the_step_slider_scrubs_and_the_readout_follows():
    ex = Explorer("himmelblau", "GD", lr=0.01, steps=200)
    full = ex.shown["path"]
    ex.set(step=40)
    np.testing.assert_allclose(ex.shown["path"], full[:41])
    v = ex.trajectory.values[40, 0] - ex.landscape.min_value
    assert f"showing step 40: loss - min {v:.4g}" in ex.readout
    ex.set(steps=100)
    assert ex.state["step"] == 100 and len(ex.shown["path"]) == 101


def test_every_kernel_control_recomputes_and_changes_the_path():
    ex = Explorer("himmelblau", "GD", lr=0.01, steps=200)
    last = ex.shown["path"]
    for name, value in [("optimizer", "Momentum"), ("momentum", 0.5), ("steps", 100), ("x", -4.0), ("y", 4.0),
                        ("noise", 1.0), ("seed", 3), ("optimizer", "Adam"), ("b1", 0.5), ("b2", 0.95), ("lr", 0.1)]:  # fmt: skip
        ex.set(**{name: value})
        assert ex.state[name] == pytest.approx(value)
        now = ex.shown["path"]
        assert now.shape != last.shape or not np.allclose(now, last), f"changing {name} changed nothing"
        last = now
    assert ex.trajectory.name == "Adam" and ex.trajectory.positions.shape == (101, 1, 2)
    np.testing.assert_allclose(ex.trajectory.positions[0, 0], [-4.0, 4.0])
    assert [c["name"] for c in ex.controls if c["name"] in ("momentum", "b1", "b2")] == ["b1", "b2"]


def test_changing_the_landscape_resets_the_start_and_its_parameters_slide():
    ex = Explorer("rosenbrock", "GD", lr=1e-3)
    ex.set(landscape="ill_conditioned_bowl")
    assert ex.landscape.name == "ill_conditioned_bowl"
    np.testing.assert_allclose(ex.start, tl.ill_conditioned_bowl.starts[0])
    assert ex.axes[0]["xlim"] == [-3.0, 3.0]
    ex.set(kappa=100.0)
    assert ex.landscape.params["kappa"] == pytest.approx(100.0, rel=0.05)
    assert "2/&lambda;<sub>max</sub> = 0.02 at the global minimum" in ex.readout  # 2/kappa follows the slider
    ex.set(landscape="rosenbrock_nd")  # higher dimensions through a 2-D section
    assert ex.landscape.dim == 2 and "section" in ex.landscape.tags


def test_a_new_start_from_the_map_recomputes_and_one_off_the_map_is_refused():
    ex = Explorer("rosenbrock", "GD", lr=1e-3, steps=100)
    ex.start = [0.5, 2.0]  # what a click on the map sets
    np.testing.assert_allclose(ex.trajectory.positions[0, 0], [0.5, 2.0])
    assert ex.answered == 1  # the browser stops greying the old path
    with pytest.raises(ValueError, match="outside the map"):
        ex.start = [50.0, 0.0]
    assert ex.start == [0.5, 2.0] and ex.answered == 2 and "outside the map" in ex.note


def test_bad_input_is_refused_or_put_on_the_slider():
    ex = Explorer("bowl", "GD", lr=0.1)
    ex.set(lr=1e6)
    assert ex.state["lr"] == 10.0 and "diverged" in ex.readout
    ex.set(lr=0.0123)
    assert ex.state["lr"] == 0.012 and "lr = 0.012," in ex.readout
    with pytest.raises(ValueError, match=r"start x must lie in the map, \[-2, 2\]; got 99.0"):
        ex.set(x=99.0)
    for name, bad in (("lr", float("nan")), ("lr", -0.1), ("noise", float("nan")), ("momentum", float("inf")),
                      ("steps", 2.5), ("x", "left"), ("optimizer", "Shampoo")):  # fmt: skip
        before = ex.state
        with pytest.raises(ValueError, match=name):
            ex.set(**{name: bad})
        assert ex.state == before, f"a refused {name} changed the widget"
    with pytest.raises(KeyError, match="no control 'learning_rate'"):
        ex.set(learning_rate=0.1)
    with pytest.raises(tl.LandscapeError, match="unknown optimizer 'Shampoo'"):
        Explorer("bowl", "Shampoo")
    with pytest.raises(TypeError, match="unknown settings beta"):
        Explorer("bowl", "GD", beta=0.9)


def test_a_users_own_landscape_works():
    import autograd.numpy as anp

    mine = tl.Landscape("mine", lambda p: (p[..., 0] - 1) ** 2 + anp.sin(p[..., 1]) ** 2, bounds=[(-2, 2), (-2, 2)])
    ex = Explorer(mine, "Adam", lr=0.05, steps=200)
    assert "landscape" not in [c["name"] for c in ex.controls]
    assert ex.trajectory.final_values[0] < 1e-3


def test_lr_lab_marks_the_current_lr_against_the_threshold():
    lab = LRLab("ill_conditioned_bowl", lr=0.05)
    assert lab.shown["marker"] == 0.05 and lab.threshold == pytest.approx(0.1)
    assert lab.diverged[lab.lrs > 0.1].all() and not lab.diverged[lab.lrs < 0.099].any()
    lab.set(lr=0.2)
    assert "diverged" in lab.readout and lab.shown["marker"] == 0.2


def test_the_page_without_a_kernel_stays_within_its_data_budget():
    import json

    from toylands.widgets._drawing import saved

    cases = ((Explorer("rosenbrock", "GD", lr=1e-3, steps=300), 10), (LRLab("ill_conditioned_bowl", lr=0.05, steps=100), 10),
             (Explorer("rosenbrock", "GD", lr=1e-3, steps=1000), 1))
    for w, starts in cases:
        state = saved(w)
        size = len(json.dumps(state)) * 3 / 4  # base64 holds 3 bytes in 4 characters
        assert size < 1.6e6, f"{type(w).__name__}'s saved state is {size / 1e6:.2f} MB"
        start = next(c for c in state["controls"] if c["kind"] == "map")
        assert len(start.get("points", [0])) == starts  # its own start and a 3 x 3 or 2 x 2 grid, or none


# ---------------------------------------------------------------------------------------------- in chromium
MAGENTA = "#FF00FF"


def _magenta(ex):
    """The widget with its path drawn magenta and no halo (a colour nothing else on the map has)."""
    ex.color, ex.halo = MAGENTA, None
    ex._set_layers(*ex._layers_for([ex.fan], range(ex.fan.steps + 1)))
    return ex


def test_the_browser_draws_the_path_where_matplotlib_paints_it_point_by_point():
    """Each point of the path, mapped to pixels, must sit on the browser's stroke and on matplotlib's, within 1 px;
    and the two drawings must cover each other (the mean nearest-pixel gap, both ways, under 1 px)."""
    from scipy.spatial import cKDTree

    ex = _magenta(Explorer("rosenbrock", "GD", lr=1.5e-3, steps=200))
    ex.set(step=120)
    want = mask(figure_png(ex))
    assert len(want) > 200
    with scene_page(ex) as page:
        got = mask(stage_png(page))
    px, py = to_pixel(ex.axes[0], *ex.shown["path"].T)
    pts = np.column_stack([py, px])  # rows, columns
    inside = (px > ex.axes[0]["box"][0] + 2) & (py > ex.axes[0]["box"][1] + 2)
    for end in (pts[0], pts[-1]):  # the start's ring and the head's marker are drawn over the path there
        inside &= np.hypot(*(pts - end).T) > 9
    for name, drawn in (("the browser", got), ("matplotlib", want)):
        d = cKDTree(drawn).query(pts[inside] - 0.5)[0]
        assert d.max() <= 1.0, f"{name}'s stroke misses a point of the path by {d.max():.2f} px"
    gap = (cKDTree(want).query(got)[0].mean() + cKDTree(got).query(want)[0].mean()) / 2
    assert gap < 1.0, f"the browser's path lies {gap:.2f} px from matplotlib's on average"


def test_the_loss_panel_draws_its_curve_and_marker_where_matplotlib_paints_them(monkeypatch):
    """The loss curve over steps and its marker at the shown step (a marker that shares the curve's y-only data):
    the browser's magenta pixels on the loss axes within 1 px of matplotlib's on average, both ways."""
    from scipy.spatial import cKDTree

    from toylands.widgets import explorer

    monkeypatch.setattr(explorer.plot, "color_of", lambda name: MAGENTA)  # the loss curve's colour: the optimizer's
    ex = Explorer("himmelblau", "GD", lr=0.02, steps=300)  # the loss reaches zero: the last points are not drawn
    for step in (300, 12):
        ex.set(step=step)
        want = mask(figure_png(ex))
        with scene_page(ex) as page:
            got = mask(stage_png(page))
        assert len(want) > 100 and len(got) > 100
        gap = (cKDTree(want).query(got)[0].max(), cKDTree(got).query(want)[0].mean())
        assert gap[0] < 3 and gap[1] < 1.0, f"at step {step} the browser's loss panel lies {gap} px from matplotlib's"


def test_the_sliders_redraw_without_a_kernel_and_a_click_snaps_to_a_start_computed_ahead():
    ex = Explorer("himmelblau", "GD", lr=0.01, steps=200)
    with scene_page(ex) as page:
        before = canvas_png(page)
        lr = page.locator("input[type=range][aria-label=lr]")
        lr.focus()
        page.keyboard.press("ArrowRight")
        assert page.locator(".tl-control output").first.text_content() == "0.012"
        after = canvas_png(page)
        assert after != before, "the lr slider did not redraw"
        assert "lr = 0.012," in page.locator(".tl-readout").inner_html()
        step = page.locator("input[type=range][aria-label='show step']")
        step.focus()
        page.keyboard.press("Home")
        assert canvas_png(page) != after and "showing step 0" in page.locator(".tl-readout").text_content()
        assert "needs a running kernel: open this lesson on Binder" in page.locator(".tl-status").text_content()
        assert page.locator("select").first.is_disabled()
        box = page.locator(".toylands-stage canvas").bounding_box()
        scale = box["width"] / ex.size[0]
        grid = ex.grid(3)
        gx, gy = to_pixel(ex.axes[0], grid[0, 0], grid[0, 1])  # click near the first grid start
        page.mouse.click(box["x"] + (float(gx) + 3) * scale, box["y"] + (float(gy) - 3) * scale)
        assert page.evaluate("window.model.get('value')")["start"] == 0, "the model is the saved one: values stay local"
        shown = canvas_png(page)
        assert shown != after
        readout = page.locator(".tl-readout").text_content()
        assert "lr = 0.012" in readout


def test_it_reads_on_a_dark_page_390_px_wide(tmp_path):
    ex = Explorer("rosenbrock", "GD", lr=1e-3, steps=200)
    ex.set(lr=0.01)
    with scene_page(ex, width=390, height=800, dark=True) as page:
        png = page.screenshot(full_page=True)
        width = page.evaluate("document.documentElement.scrollWidth")
        color = page.evaluate("getComputedStyle(document.querySelector('.tl-readout b.tl-bad')).color")
    (tmp_path / "dark-390.png").write_bytes(png)
    assert width <= 390, f"the widget is {width} px wide on a 390-px screen"
    r, g, b = (int(v) for v in color[color.index("(") + 1: -1].split(",")[:3])
    assert r > 200 and g > 100, f"the verdict colour {color} is not the dark theme's"
    img = plt.imread(io.BytesIO(png))
    assert img.shape[1] == 390
