"""Widgets, headless: they build, every control changes state and drawing, bursts coalesce, bad input is survived."""

import asyncio

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

import toylands as tl  # noqa: E402
from toylands import widgets as w  # noqa: E402


def path_xy(ex):
    return ex.shown["path"]


def test_explorer_builds_without_ipympl_as_images():
    ex = w.Explorer("rosenbrock", "GD", lr=1e-3, steps=300)
    assert not ex.stage.live and ex.stage.view.value[:8] == b"\x89PNG\r\n\x1a\n"
    assert ex.trajectory.positions.shape == (301, 1, 2)
    np.testing.assert_allclose(path_xy(ex), ex.trajectory.positions[:, 0])
    assert ex.trajectory.endings[0] in ex.readout and "2/&lambda;<sub>max</sub>" in ex.readout


def test_the_learning_rate_slider_offers_numbers_a_person_would_type():
    ex = w.Explorer("himmelblau", "GD", lr=0.01, steps=100)
    ex.set(lr=0.02)
    assert ex.state["lr"] == 0.02 and "lr = 0.02," in ex.readout
    assert {0.001, 0.0015, 0.002, 0.005, 0.01, 0.035, 0.1, 1.0} <= set(w.LR_VALUES.tolist())
    assert all(len(f"{v:g}".replace("e-0", "e-").lstrip("0.")) <= 6 for v in w.LR_VALUES)


def test_learning_rate_slider_picks_the_precomputed_run():
    ex = w.Explorer("rosenbrock", "GD", lr=1e-3, steps=200)
    fan, counts = ex.fan, ex.counts
    before = ex.stage.rgb()
    ex.set(lr=1e-4)
    assert ex.fan is fan and ex.counts["recomputes"] == counts["recomputes"], "dragging the learning rate must not recompute"
    alone = tl.run(tl.gd(1e-4), tl.rosenbrock, ex.start, 200)
    np.testing.assert_allclose(ex.trajectory.positions, alone.positions, rtol=1e-12)
    np.testing.assert_allclose(path_xy(ex), alone.positions[:, 0], rtol=1e-12)
    assert ex.counts["frames"] == counts["frames"] + 1 and np.any(ex.stage.rgb() != before)
    assert "lr = 0.0001," in ex.readout


def test_divergence_is_shown_and_the_widget_stays_usable():
    ex = w.Explorer("ill_conditioned_bowl", "GD", lr=0.05, steps=100)
    ex.set(lr=0.5)
    k = ex.trajectory.diverged_at[0]
    assert k > 0 and f"diverged at step {k}" in ex.readout
    assert ex.shown["label"] == f"diverged at step {k}"
    ex.set(lr=0.05)
    assert "diverged" not in ex.readout and ex.shown["label"] == ""


def test_an_escape_is_not_called_a_divergence():
    ex = w.Explorer("saddle", "GD", lr=0.05, steps=200, start=[-1.8, 0.1])
    assert "escaped at step" in ex.readout and "diverged" not in ex.readout
    assert ex.shown["label"].startswith("escaped at step")


def test_the_step_slider_scrubs_through_the_run():
    ex = w.Explorer("himmelblau", "GD", lr=0.01, steps=200)
    full, fan = path_xy(ex), ex.fan
    ex.set(step=40)
    np.testing.assert_allclose(path_xy(ex), full[:41])
    assert "showing step 40" in ex.readout and ex.fan is fan
    ex.set(steps=100)
    assert ex.state["step"] == 100 and len(path_xy(ex)) == 101


def test_the_loss_axis_fits_the_runs_not_their_blow_ups():
    ex = w.Explorer("rosenbrock", "GD", lr=1e-3, steps=500)
    lo, hi = ex.shown["loss_axis"]
    start = float(tl.rosenbrock(ex.start))
    assert start < hi <= 100 * start, "the top sits just above the starting loss, not at a diverged run's 1e8"
    assert hi / lo <= 1e13


def test_every_control_changes_state_and_drawing():
    ex = w.Explorer("himmelblau", "GD", lr=0.01, steps=200)
    last = path_xy(ex)
    changes = [
        ("optimizer", "Momentum"),
        ("momentum", 0.5),
        ("steps", 100),
        ("x", -4.0),
        ("y", 4.0),
        ("noise", 1.0),
        ("seed", 3),
        ("optimizer", "Adam"),
        ("b1", 0.5),
        ("b2", 0.95),
        ("lr", 0.1),
    ]
    for name, value in changes:
        ex.set(**{name: value})
        assert ex.state[name] == pytest.approx(value)
        now = path_xy(ex)
        assert now.shape != last.shape or not np.allclose(now, last), f"changing {name} changed nothing"
        last = now
    assert ex.trajectory.name == "Adam" and ex.trajectory.positions.shape == (101, 1, 2)
    np.testing.assert_allclose(ex.trajectory.positions[0, 0], [-4.0, 4.0])


def test_knob_sliders_show_only_for_optimizers_that_have_them():
    ex = w.Explorer("bowl", "GD")
    shown = lambda: [c.description for c in ex.box.children[2].children]  # noqa: E731
    assert shown() == []
    ex.set(optimizer="Momentum")
    assert shown() == ["momentum"]
    ex.set(optimizer="Adam")
    assert shown() == ["b1", "b2"]


def test_changing_landscape_resets_start_and_params():
    ex = w.Explorer("rosenbrock", "GD", lr=1e-3)
    ex.set(landscape="ill_conditioned_bowl")
    assert ex.landscape.name == "ill_conditioned_bowl"
    assert (ex.controls["x"].min, ex.controls["x"].max) == (-3.0, 3.0)
    np.testing.assert_allclose(ex.start, tl.ill_conditioned_bowl.starts[0])
    kappa = ex.box.children[5].children[1].children[0]
    assert kappa.description == "kappa"
    kappa.value = 100.0
    assert ex.landscape.params["kappa"] == pytest.approx(100.0, rel=0.05)
    assert "2/&lambda;<sub>max</sub> = 0.02 at the global minimum" in ex.readout  # 2/kappa follows the slider
    ex.set(landscape="rosenbrock_nd")  # higher dimensions are explored through a 2-D section
    assert ex.landscape.dim == 2 and "section" in ex.landscape.tags


def test_a_burst_of_slider_changes_ends_in_the_last_state():
    ex = w.Explorer("rosenbrock", "Momentum", lr=1e-3, steps=200)
    values = np.logspace(-4, -3, 100)
    for v in values:
        ex.set(lr=float(v))
    assert ex.state["lr"] == 0.001
    alone = tl.run(tl.momentum(0.001, 0.9), tl.rosenbrock, ex.start, 200)
    np.testing.assert_allclose(path_xy(ex), alone.positions[:, 0], rtol=1e-12)


def test_bursts_are_coalesced_on_a_running_event_loop():
    ex = w.Explorer("rosenbrock", "GD", lr=1e-3, steps=200)

    async def burst():
        before = ex.counts
        for v in np.logspace(-4, -3, 100):
            ex.set(lr=float(v))
        for x in np.linspace(-1.5, -1.0, 50):
            ex.set(x=float(x))
        assert ex.counts["pending"]
        await asyncio.sleep(0.2)
        after = ex.counts
        return after["redraws"] - before["redraws"], after["recomputes"] - before["recomputes"]

    redraws, recomputes = asyncio.run(burst())
    assert redraws == 1 and recomputes == 1
    assert ex.state["x"] == pytest.approx(-1.0)
    np.testing.assert_allclose(path_xy(ex)[0], [-1.0, ex.state["y"]])


def test_after_a_burst_the_picture_equals_a_single_render_of_the_final_state():
    ex = w.Explorer("ill_conditioned_bowl", "GD", lr=0.05, steps=100)
    for v in list(w.LR_VALUES[(w.LR_VALUES > 0.05) & (w.LR_VALUES < 0.3)])[:20]:
        ex.set(lr=float(v))
    burst = ex.stage.rgb()
    fresh = w.Explorer("ill_conditioned_bowl", "GD", lr=ex.state["lr"], steps=100)
    assert np.array_equal(burst, fresh.stage.rgb())


def test_lr_lab_marks_the_current_lr_against_the_threshold():
    lab = w.LRLab("ill_conditioned_bowl", lr=0.05)
    assert lab.shown["marker"] == 0.05 and lab.threshold == pytest.approx(0.1)
    assert lab.shown["threshold_line"] == pytest.approx(0.1)
    assert lab.diverged[lab.lrs > 0.1].all() and not lab.diverged[lab.lrs < 0.099].any()
    lab.set(lr=0.2)
    assert "diverged" in lab.readout and lab.shown["marker"] == 0.2


def test_race_plays_several_optimizers_from_one_start():
    race = w.Race("rosenbrock", {"GD": 1e-3, "Adam": 0.05}, steps=300)
    assert set(race.results) == {"GD", "Adam"}
    race.set(step=100)
    assert len(race.shown["Adam"]["path"]) == 101
    np.testing.assert_allclose(race.shown["GD"]["head"], race.results["GD"].positions[100, 0])
    race.set(**{"lr Adam": 0.01})
    assert race.results["Adam"].hyper["lr"] == 0.01
    race.set(steps=100)
    assert race.controls["step"].max == 100 and race.results["GD"].steps == 100
    assert race.readout.startswith("GD: ")


def test_landscape_viewer_redraws_with_its_parameters():
    v = w.LandscapeViewer("ill_conditioned_bowl")
    first = v.stage.rgb()
    v.set(kappa=300.0)
    assert v.landscape.params["kappa"] == pytest.approx(300.0, rel=0.05)
    assert np.any(v.stage.rgb() != first)
    with pytest.raises(tl.LandscapeError, match="no parameters to slide; try one of ill_conditioned_bowl"):
        w.LandscapeViewer("himmelblau")


def test_picker_shows_precomputed_pictures():
    calls = []

    def draw(v, fig):
        calls.append(v)
        fig.add_subplot().plot([0, 1], [0, v])

    p = w.Picker({"small": 0.1, "large": 1.0}, draw, "scale", describe=lambda v: f"scale {v}")
    first = p.box.children[1].value
    p.set(choice=1.0)
    assert p.readout == "scale 1.0" and p.box.children[1].value != first
    p.set(choice=0.1)
    assert p.box.children[1].value == first and calls == [0.1, 1.0], "each picture is drawn once"
    with pytest.raises(ValueError, match="choice must be one of 0.1, 1.0; got 0.5"):
        p.set(choice=0.5)


def test_bad_input_is_refused_or_clipped_visibly():
    ex = w.Explorer("bowl", "GD", lr=0.1)
    ex.set(lr=1e6)  # typed into the slider's box: the nearest value it offers, never a crash
    assert ex.state["lr"] == 10.0 and "diverged" in ex.readout
    ex.set(lr=0.0123)  # between the slider's values: snapped to the nearest one, which the readout shows
    assert ex.state["lr"] == 0.012 and "lr = 0.012," in ex.readout
    with pytest.raises(ValueError, match=r"start x must lie in the map, \[-2, 2\]; got 99.0"):
        ex.set(x=99.0)  # off the map: refused, as tl.run refuses a start beyond its reach (it was clipped to 2)
    for name, bad in (("lr", float("nan")), ("lr", -0.1), ("noise", float("nan")), ("momentum", float("inf")),
                      ("steps", 2.5), ("x", "left"), ("optimizer", "Shampoo")):  # fmt: skip
        before = ex.state
        with pytest.raises(ValueError, match=name):
            ex.set(**{name: bad})
        assert ex.state == before, f"a refused {name} changed the widget"
    with pytest.raises(KeyError, match="no control 'learning_rate'"):
        ex.set(learning_rate=0.1)
    with pytest.raises(tl.LandscapeError, match="unknown optimizer 'Shampoo'"):
        w.Explorer("bowl", "Shampoo")
    with pytest.raises(TypeError, match="unknown settings beta"):
        w.Explorer("bowl", "GD", beta=0.9)
    with pytest.raises(tl.LandscapeError, match="Race needs at least one optimizer"):
        w.Race("bowl", {})


def test_a_users_own_landscape_works_in_the_explorer():
    import autograd.numpy as anp

    mine = tl.Landscape("mine", lambda p: (p[..., 0] - 1) ** 2 + anp.sin(p[..., 1]) ** 2, bounds=[(-2, 2), (-2, 2)])
    ex = w.Explorer(mine, "Adam", lr=0.05, steps=200)
    assert "landscape" not in ex.controls
    assert ex.trajectory.final_values[0] < 1e-3


def test_a_notebook_using_every_widget_executes_cleanly():
    import sys
    from pathlib import Path

    import nbformat

    sys.path.insert(0, str(Path(__file__).parent))
    from run_notebook import client

    path = Path(__file__).parent / "notebooks" / "every-widget.ipynb"
    nb = nbformat.read(path, as_version=4)
    client(nb, timeout=120).execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    assert not [o for o in outputs if o.get("name") == "stderr"], [o.text for o in outputs if o.get("name") == "stderr"]
    views = [o for o in outputs if "application/vnd.jupyter.widget-view+json" in o.get("data", {})]
    assert len(views) == 6  # explorer, race, lr lab, viewer, picker, player
    ours = [o.data for o in views if "toylands-widget" in o.data.get("text/html", "")]
    assert len(ours) == 5, "each widget also carries its picture, for wherever it cannot run live"
    assert all(_png(d["image/png"]).shape[1] >= 400 and d["image/png"] in d["text/html"] for d in ours)
    printed = "".join(o.get("text", "") for o in outputs if o.output_type == "stream")
    assert printed.strip() == "0.0003 False"  # one of the slider's round values
    html = [o for o in outputs if "text/html" in o.get("data", {})]
    assert any("<video" in o.data["text/html"] or "<img" in o.data["text/html"] for o in html)


def test_live_frames_are_matplotlibs_own_at_a_faster_zlib_level():
    """The live canvas's frames (fast_frames) decode to exactly the pixels of matplotlib's webagg frames, first in
    full, then as diffs that, laid over the last frame, give the new picture; and they are encoded at level 1."""
    import io

    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.backends.backend_webagg_core import FigureCanvasWebAggCore
    from matplotlib.figure import Figure
    from PIL import Image

    from toylands.stage import fast_frames

    def canvas(fast):
        c = FigureCanvasWebAggCore(Figure(figsize=(3, 2), dpi=50))
        line = c.figure.add_subplot().plot([0, 1], [0, 1])[0]
        return fast_frames(c) if fast else c, line

    def frame(c):
        FigureCanvasAgg.draw(c)  # webagg's draw would also send the frame to its (absent) browsers
        c._png_is_old = True
        return c.get_diff_image()

    def pixels(png):
        return np.asarray(Image.open(io.BytesIO(png)).convert("RGBA"))

    (ref, ref_line), (fast, fast_line) = canvas(False), canvas(True)
    shown = None
    for k, y in enumerate([1.0, 0.3, 0.3, -0.5]):
        ref_line.set_ydata([0, y])
        fast_line.set_ydata([0, y])
        a, b = frame(ref), frame(fast)
        assert ref._current_image_mode == fast._current_image_mode == ("full" if k == 0 else "diff")
        np.testing.assert_array_equal(pixels(a), pixels(b))
        level1 = io.BytesIO()
        Image.fromarray(pixels(b)).save(level1, format="png", compress_level=1)
        assert b == level1.getvalue() and (k == 0 or len(a) != len(b))
        shown = pixels(b) if shown is None else np.where(pixels(b)[..., 3:] > 0, pixels(b), shown)  # the overlay
        np.testing.assert_array_equal(shown, np.asarray(fast.buffer_rgba()))
    assert fast.get_diff_image() is None  # nothing new drawn, nothing sent


def _png(b64: str) -> np.ndarray:
    import base64
    import io

    from PIL import Image

    return np.asarray(Image.open(io.BytesIO(base64.b64decode(b64))).convert("RGB"))


def test_a_widget_carries_its_picture_for_wherever_it_cannot_run_live():
    import base64

    ex = w.Explorer("rosenbrock", "GD", lr=1e-3, steps=300)
    data = ex._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in data  # JupyterLab shows the live widget
    shown = ex.stage.rgb().astype(float)
    assert np.abs(_png(data["image/png"]) - shown).mean() < 0.5  # what it shows (up to antialiasing)
    assert '<figure class="toylands-widget">' in data["text/html"] and data["image/png"] in data["text/html"]
    assert ex.readout in data["text/html"] and "JupyterLab or on Binder" in data["text/plain"]
    p = w.Picker({"small": 0.1, "large": 1.0}, lambda v, fig: fig.add_subplot().plot([0, v]), "scale").set(choice=1.0)
    assert p._repr_mimebundle_()["image/png"] == base64.b64encode(p.picture(1.0)).decode()  # the choice shown


def test_a_live_canvas_prints_with_its_moving_artists():
    """Live, the widget's pixels exist only once a browser asks for them; its picture is printed instead, and the
    print must carry the moving artists (which a plain draw leaves out) like the picture drawn off screen."""
    import base64
    import io

    import matplotlib.pyplot as plt

    from toylands.stage import Stage

    def stage(live, moving=True):
        st = Stage(figsize=(3, 2), dpi=50, live=live)
        ax = st.fig.add_subplot()
        ax.plot([0, 1], [0, 1])
        if moving:
            st.animated(ax.plot([0, 1], [1, 0], lw=4, color="red")[0])
        st.draw()
        return st

    def red(rgb):
        return int(np.sum((rgb[..., 0] > 200) & (rgb[..., 1] < 80)))

    live, still = stage(True), stage(False)
    printed = _png(base64.b64encode(live.picture()))
    buf = io.BytesIO()
    still.fig.savefig(buf, format="png", dpi="figure")
    np.testing.assert_array_equal(printed, _png(base64.b64encode(buf.getvalue())))
    assert red(stage(False, moving=False).rgb()) == 0 and red(printed) == pytest.approx(red(still.rgb()), rel=0.1)
    plt.close(live.fig)
