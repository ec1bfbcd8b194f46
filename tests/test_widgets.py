"""Widgets, headless: they build, every control changes state and drawing, bursts coalesce, bad input is survived."""


import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

import toylands as tl  # noqa: E402
from toylands import widgets as w  # noqa: E402


def path_xy(ex):
    return ex.shown["path"]






























def test_race_plays_several_optimizers_from_one_start():
    race = w.Race("rosenbrock", {"GD": 1e-3, "Adam": 0.05}, steps=300)
    assert set(race.results) == {"GD", "Adam"}
    race.set(step=100)
    assert len(race.shown["Adam"]["path"]) == 101
    np.testing.assert_allclose(race.shown["GD"]["head"], race.results["GD"].positions[100, 0])
    race.set(**{"lr Adam": 0.01})
    assert race.results["Adam"].hyper["lr"] == 0.01 and race.state["lr Adam"] == 0.01
    race.set(steps=100)
    assert race.state["step"] == 100 and race.results["GD"].steps == 100
    assert race.readout.startswith("GD: ")
    race.start = [0.5, 2.0]  # a click on the map
    np.testing.assert_allclose(race.results["GD"].positions[0, 0], [0.5, 2.0])


def test_race_in_the_browser_steps_with_no_kernel_and_snaps_a_click_to_a_start_computed_ahead():
    from scene_page import canvas_png, scene_page

    race = w.Race("rosenbrock", {"GD": 1e-3, "Adam": 0.05}, steps=200)
    with scene_page(race) as page:
        before = canvas_png(page)
        step = page.locator("input[type=range][aria-label=step]")
        step.focus()
        page.keyboard.press("PageDown")
        stepped = canvas_png(page)
        assert stepped != before
        assert page.locator("input[type=range][aria-label='lr GD']").is_disabled()
        from toylands.widgets._drawing import to_pixel

        box = page.locator(".toylands-stage canvas").bounding_box()
        gx, gy = to_pixel(race.axes[0], *race.grid(3)[0])
        scale = box["width"] / race.size[0]
        page.mouse.click(box["x"] + (float(gx) + 3) * scale, box["y"] + (float(gy) - 3) * scale)  # near a grid start
        assert page.evaluate("window.model.get('value').start") == 0  # the saved model keeps its value: the view snapped
        assert canvas_png(page) != stepped, "a click on the map did not move the race to a start computed ahead"
        assert page.locator(".tl-readout").text_content() != race.readout



def test_landscape_viewer_redraws_with_its_parameters():
    v = w.LandscapeViewer("ill_conditioned_bowl")
    first = v.png
    assert v.controls[0]["kernel"]  # each value is a new map: with no kernel, the slider is disabled
    v.set(kappa=300.0)
    assert v.landscape.params["kappa"] == pytest.approx(300.0, rel=0.05) and "kappa = 300" in v.readout
    assert v.png != first
    with pytest.raises(tl.LandscapeError, match="no parameters to slide; try one of ill_conditioned_bowl"):
        w.LandscapeViewer("himmelblau")


def test_bad_input_is_refused_or_clipped_visibly():
    with pytest.raises(tl.LandscapeError, match="Race needs at least one optimizer"):
        w.Race("bowl", {})




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
    old = [o.data for o in views if "toylands-widget" in o.data.get("text/html", "")]
    scenes = [o.data for o in views if "application/vnd.toylands.widget+json" in o.data]
    assert len(old) + len(scenes) == 5, "each widget also carries its picture, for wherever it cannot run live"
    assert all(_png(d["image/png"]).shape[1] >= 400 and d["image/png"] in d["text/html"] for d in old)
    assert all(_png(d["image/png"]).shape[1] >= 400 for d in scenes) and len(scenes) >= 2  # Explorer, LRLab
    printed = "".join(o.get("text", "") for o in outputs if o.output_type == "stream")
    assert printed.strip() == "0.0003 False"  # one of the slider's round values
    html = [o for o in outputs if "text/html" in o.get("data", {})]
    assert any("<video" in o.data["text/html"] or "<img" in o.data["text/html"] for o in html)


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
    assert data["image/png"] == base64.b64encode(ex.snapshot()).decode()  # matplotlib's painting of what it shows
    saved = data["application/vnd.toylands.widget+json"]  # what the site runs the widget's module on
    assert saved["module"] == "scene.js" and saved["state"]["live"] is False
    assert "still moving" in data["text/plain"]
    p = w.Picker({"small": 0.1, "large": 1.0}, lambda v, fig: fig.add_subplot().plot([0, v]), "scale").set(choice=1.0)
    assert p._repr_mimebundle_()["image/png"] == base64.b64encode(p.picture(1.0)).decode()  # the choice shown


def test_points_travel_as_half_floats_over_their_axes_and_come_back_within_a_4000th_of_the_view():
    from toylands.widgets._scene import layer, unwire, wire

    rng = np.random.default_rng(0)
    xy = np.column_stack([rng.uniform(-2, 2, 500), 10 ** rng.uniform(-12, 3, 500)])
    xy[:3] = [[np.nan, 1.0], [1e9, 1.0], [0.5, -1.0]]  # not drawn, far off the view, not on a log axis
    view = {"xlim": [-2.0, 2.0], "ylim": [1e-12, 1e3], "xscale": "linear", "yscale": "log"}
    d = wire(layer("line", xy), view)
    assert len(d["data"]) == 2 * xy.size  # 2 bytes a number, not 4
    back = unwire(d).reshape(-1, 2)
    assert np.isnan(back[0, 0]) and np.isnan(back[2, 1])
    # far off: pulled in to 60000 half-widths right of the view's centre (y 10**-4.5), in the direction it lies
    assert back[1, 0] == pytest.approx(2 * 6e4, rel=1e-3) and abs(np.log10(back[1, 1]) + 4.5) < 1e-3
    inside = slice(3, None)
    assert np.abs(back[inside, 0] - xy[inside, 0]).max() <= 2 * 2**-11
    decades = np.abs(np.log10(back[inside, 1]) - np.log10(xy[inside, 1]))
    assert decades.max() <= 7.5 * 2**-11  # of the 15 decades shown (a half-width of 7.5)
    assert wire(layer("line", xy), None)["data"] == layer("line", xy)["data"]  # no view: float32 as it is


def test_a_layer_of_runs_that_stopped_early_travels_ragged_and_comes_back_whole():
    from toylands.widgets._scene import layer, unwire, wire

    paths = np.cumsum(np.ones((3, 10, 2)), axis=1)  # three runs of ten points
    stops = np.array([10, 3, 1])  # the second stopped after 3 points, the third after its start
    view = {"xlim": [0.0, 20.0], "ylim": [0.0, 20.0], "xscale": "linear", "yscale": "linear"}
    d = wire(layer("line", paths, dims=["run"], stops=stops), view)
    assert len(d["data"]) == 2 * 2 * (10 + 3 + 1) and np.frombuffer(d["offsets"], "<i4").tolist() == [0, 10, 13]
    back = unwire(d).reshape(3, 10, 2)
    for i, k in enumerate(stops):
        np.testing.assert_allclose(back[i, :k], paths[i, :k], atol=20 * 2**-11)
        assert np.isnan(back[i, k:]).all()
    assert "offsets" not in wire(layer("line", paths, dims=["run"], stops=[10, 10, 9]), view)  # little to save: whole
