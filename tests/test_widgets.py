"""Widgets, headless: they build, every control changes state and drawing, bursts coalesce, bad input is survived."""

import asyncio

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

import toylands as tl  # noqa: E402
from toylands import widgets as w  # noqa: E402


def path_xy(ex):
    return np.column_stack(ex._path.get_data())


def test_explorer_builds_without_ipympl_as_images():
    ex = w.Explorer("rosenbrock", "GD", lr=1e-3, steps=300)
    assert not ex.stage.live and ex.stage.view.value[:8] == b"\x89PNG\r\n\x1a\n"
    assert ex.trajectory.positions.shape == (301, 1, 2)
    np.testing.assert_allclose(path_xy(ex), ex.trajectory.positions[:, 0])
    assert "final loss" in ex.readout and "2/&lambda;<sub>max</sub>" in ex.readout


def test_learning_rate_slider_picks_the_precomputed_run():
    ex = w.Explorer("rosenbrock", "GD", lr=1e-3, steps=200)
    fan = ex._fan
    before, frames = ex.stage.rgb(), ex.stage.frames
    ex.set(lr=1e-4)
    assert ex._fan is fan, "dragging the learning rate must not recompute"
    alone = tl.run(tl.gd(ex.lrs[ex.index]), tl.rosenbrock, ex.start, 200)
    np.testing.assert_allclose(ex.trajectory.positions, alone.positions, rtol=1e-12)
    np.testing.assert_allclose(path_xy(ex), alone.positions[:, 0], rtol=1e-12)
    assert ex.stage.frames == frames + 1 and np.any(ex.stage.rgb() != before)
    assert "lr = 0.0001" in ex.readout


def test_divergence_is_shown_and_the_widget_stays_usable():
    ex = w.Explorer("ill_conditioned_bowl", "GD", lr=0.05, steps=100)
    ex.set(lr=0.5)
    k = ex.trajectory.diverged_at[0]
    assert f"diverged at step {k}" in ex.readout
    assert ex._gone.get_visible() and ex._gone_text.get_text() == f"diverged at step {k}"
    ex.set(lr=0.05)
    assert "diverged" not in ex.readout and not ex._gone.get_visible()


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
    assert ex._knob_box.children == ()
    ex.set(optimizer="Momentum")
    assert [c.description for c in ex._knob_box.children] == ["momentum"]
    ex.set(optimizer="Adam")
    assert [c.description for c in ex._knob_box.children] == ["b1", "b2"]


def test_changing_landscape_resets_start_and_params():
    ex = w.Explorer("rosenbrock", "GD", lr=1e-3)
    ex.set(landscape="ill_conditioned_bowl")
    assert ex.landscape.name == "ill_conditioned_bowl"
    assert (ex.controls["x"].min, ex.controls["x"].max) == (-3.0, 3.0)
    np.testing.assert_allclose(ex.start, tl.ill_conditioned_bowl.starts[0])
    assert list(ex._param_sliders) == ["kappa"]
    ex._param_sliders["kappa"].value = 100.0
    assert ex.landscape.params["kappa"] == pytest.approx(100.0, rel=0.05)
    assert "2/&lambda;<sub>max</sub> = 0.02" in ex.readout  # threshold 2/kappa follows the slider
    ex.set(landscape="rosenbrock_nd")  # higher dimensions are explored through a 2-D section
    assert ex.landscape.dim == 2 and "section" in ex.landscape.tags


def test_a_burst_of_slider_changes_ends_in_the_last_state():
    ex = w.Explorer("rosenbrock", "Momentum", lr=1e-3, steps=200)
    values = np.logspace(-4, -3, 100)
    for v in values:
        ex.set(lr=float(v))
    assert ex.state["lr"] == pytest.approx(values[-1])
    alone = tl.run(tl.momentum(ex.lrs[ex.index], 0.9), tl.rosenbrock, ex.start, 200)
    np.testing.assert_allclose(path_xy(ex), alone.positions[:, 0], rtol=1e-12)


def test_bursts_are_coalesced_on_a_running_event_loop():
    ex = w.Explorer("rosenbrock", "GD", lr=1e-3, steps=200)

    async def burst():
        before = ex._redraw.calls, ex._recompute.calls
        for v in np.logspace(-4, -3, 100):
            ex.set(lr=float(v))
        for x in np.linspace(-1.5, -1.0, 50):
            ex.set(x=float(x))
        assert ex._redraw.pending and ex._recompute.pending
        await asyncio.sleep(0.2)
        return ex._redraw.calls - before[0], ex._recompute.calls - before[1]

    redraws, recomputes = asyncio.run(burst())
    assert redraws == 1 and recomputes == 1
    assert ex.state["x"] == pytest.approx(-1.0)
    np.testing.assert_allclose(path_xy(ex)[0], [-1.0, ex.state["y"]])


def test_lr_lab_marks_the_current_lr_against_the_threshold():
    lab = w.LRLab("ill_conditioned_bowl", lr=0.05)
    assert lab._marker.get_xdata()[0] == pytest.approx(0.05, rel=0.07)
    assert lab._thr.get_xdata()[0] == pytest.approx(0.1)
    assert lab.diverged[lab.lrs > 0.1].all() and not lab.diverged[lab.lrs < 0.099].any()
    lab.set(lr=0.2)
    assert "diverged" in lab.readout and lab._marker.get_xdata()[0] == pytest.approx(0.2, rel=0.07)


def test_race_plays_several_optimizers_from_one_start():
    race = w.Race("rosenbrock", {"GD": 1e-3, "Adam": 0.05}, steps=300)
    assert set(race.results) == {"GD", "Adam"}
    race.set(step=100)
    x, _ = race._lines["Adam"].get_data()
    assert len(x) == 101
    np.testing.assert_allclose(race._heads["GD"].get_data(), race.results["GD"].positions[100, 0][:, None])
    race.set(**{"lr Adam": 0.01})
    assert race.results["Adam"].hyper["lr"] == pytest.approx(0.01, rel=0.07)
    race.set(steps=100)
    assert race.controls["step"].max == 100 and race.results["GD"].steps == 100


def test_landscape_viewer_redraws_with_its_parameters():
    v = w.LandscapeViewer("ill_conditioned_bowl")
    first = v.stage.rgb()
    v.set(kappa=300.0)
    assert v.landscape.params["kappa"] == pytest.approx(300.0, rel=0.05)
    assert np.any(v.stage.rgb() != first)
    with pytest.raises(tl.LandscapeError, match="no parameters to slide; try one of ill_conditioned_bowl"):
        w.LandscapeViewer("himmelblau")


def test_bad_input_is_refused_or_clipped_visibly():
    ex = w.Explorer("bowl", "GD", lr=0.1)
    ex.set(lr=1e6)  # typed into the slider's box: clipped to the range, never a crash
    assert ex.state["lr"] == pytest.approx(10.0) and "diverged" in ex.readout
    ex.set(lr=0.0123)  # between the slider's values: snapped to the nearest one, which the readout shows
    assert ex.state["lr"] == pytest.approx(10**-1.9) and "lr = 0.0126" in ex.readout
    ex.set(x=99.0)
    assert ex.state["x"] == 2.0
    ex.controls["seed"].value = -5
    assert ex.state["seed"] == 0
    with pytest.raises(KeyError, match="no control 'learning_rate'"):
        ex.set(learning_rate=0.1)
    with pytest.raises(tl.LandscapeError, match="unknown optimizer 'Adamax'"):
        w.Explorer("bowl", "Adamax")
    with pytest.raises(TypeError, match="unknown settings beta"):
        w.Explorer("bowl", "GD", beta=0.9)


def test_a_users_own_landscape_works_in_the_explorer():
    import autograd.numpy as anp

    mine = tl.Landscape("mine", lambda p: (p[..., 0] - 1) ** 2 + anp.sin(p[..., 1]) ** 2, bounds=[(-2, 2), (-2, 2)])
    ex = w.Explorer(mine, "Adam", lr=0.05, steps=200)
    assert "landscape" not in ex.controls
    assert ex.trajectory.final_values[0] < 1e-3


def test_a_notebook_using_every_widget_executes_cleanly():
    from pathlib import Path

    import nbformat
    from nbclient import NotebookClient

    path = Path(__file__).parent / "notebooks" / "every-widget.ipynb"
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=120, kernel_name="python3").execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    assert not [o for o in outputs if o.get("name") == "stderr"], [o.text for o in outputs if o.get("name") == "stderr"]
    views = [o for o in outputs if "application/vnd.jupyter.widget-view+json" in o.get("data", {})]
    assert len(views) == 5  # explorer, race, lr lab, viewer, player
    printed = "".join(o.get("text", "") for o in outputs if o.output_type == "stream")
    assert printed.startswith("0.000316") and printed.strip().endswith("False")  # snapped to the slider's values
    html = [o for o in outputs if "text/html" in o.get("data", {})]
    assert any("<video" in o.data["text/html"] or "<img" in o.data["text/html"] for o in html)
