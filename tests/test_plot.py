"""Pictures: structure of what is drawn, animations, the gallery, and a few rendered images against references."""

import os
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.testing.compare import compare_images  # noqa: E402

import toylands as tl  # noqa: E402
from toylands import plot  # noqa: E402
from toylands.analysis import NEVER  # noqa: E402
from toylands.animate import Animation, animate, find_ffmpeg  # noqa: E402

BASELINE = Path(__file__).parent / "baseline"


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_map_marks_every_critical_point_at_its_coordinates():
    m = plot.landscape_map(tl.himmelblau)
    drawn = {kind: np.column_stack(line.get_data()) for kind, line in m.markers.items()}
    assert set(drawn) == {"global", "saddle", "max"}
    for c in tl.himmelblau.critical:
        xy = drawn["global" if c.is_global else c.kind]
        assert np.min(np.linalg.norm(xy - c.x, axis=1)) < 1e-12
    assert m.colorbar is not None and m.filled is not None
    assert m.ax.get_xlim() == (-5.0, 5.0)
    labels = m.ax.get_legend_handles_labels()[1]
    assert {"global minimum", "saddle", "maximum"} <= set(labels)


def test_ravines_get_log_levels_and_bowls_linear_ones():
    _, Z = tl.rosenbrock.grid(100)[1:], tl.rosenbrock.grid(100)[2]
    levels, log = plot.levels_for(Z)
    assert log and levels[0] == pytest.approx(Z.min()) and np.all(np.diff(levels) > 0)
    assert np.diff(np.log(levels[1:] - Z.min())).std() < 1e-9  # evenly spaced in log
    assert not plot.levels_for(tl.bowl.grid(100)[2])[1]
    m = plot.landscape_map(tl.rosenbrock)
    assert "log" in m.colorbar.ax.get_ylabel()


def test_connected_minima_are_drawn_as_curves():
    m = plot.landscape_map(tl.hyperbola)
    assert len(m.sets) == 2
    x, y = m.sets[0].get_data()
    np.testing.assert_allclose(x * y, 1.0)


def test_paths_start_end_and_race_legend():
    res = tl.race({"GD": tl.gd(0.01), "Adam": tl.adam(0.1)}, tl.himmelblau, steps=100)
    p = plot.race(res)
    ax = p.map.ax
    assert len(p.paths.lines) == 10 and len(p.paths.starts) == 10 and len(p.paths.ends) == 10
    np.testing.assert_allclose(p.paths.starts[0].get_data(), np.array(tl.himmelblau.starts[0])[:, None])
    np.testing.assert_allclose(np.ravel(p.paths.ends[0].get_data()), res["GD"].final[0])
    labels = ax.get_legend().get_texts()
    assert {"GD", "Adam"} <= {t.get_text() for t in labels}
    assert len(p.loss) == 10 and p.fig.axes[2].get_yscale() == "log"


def test_diverged_runs_are_drawn_to_where_they_left_and_flagged():
    traj = tl.run(tl.gd(np.array([0.1, 2.5])), tl.bowl, [1.0, 1.0], 50)
    ax = plot.landscape_map(tl.bowl).ax
    p = plot.paths(traj, ax)
    assert len(p.ends) == 1 and p.diverged
    k = traj.diverged_at[1]
    x, _ = p.lines[1].get_data()
    assert len(x) == k  # up to the last position before it left
    texts = [a.get_text() for a in ax.texts]
    assert f"diverged at step {k}" in texts
    assert "diverged" in ax.get_legend_handles_labels()[1]


def test_a_trajectory_with_nans_draws_what_is_finite():
    pos = np.zeros((4, 1, 2))
    pos[:, 0, 0] = [1.0, 0.5, np.nan, np.inf]
    traj = tl.Trajectory(pos, tl.bowl, "broken", stopped_at=np.array([2]), causes=("nan",))
    p = plot.paths(traj)
    x, _ = p.lines[0].get_data()
    assert np.all(np.isfinite(x)) and len(x) == 2


def test_bad_requests_are_refused_clearly():
    with pytest.raises(plot.PlotError, match="5-D and a map shows two coordinates: draw a 2-D slice"):
        plot.landscape_map(tl.rosenbrock_nd.with_params(n=5))
    traj3 = tl.run(tl.gd(1e-3), tl.rosenbrock_nd.with_params(n=3), steps=3)
    with pytest.raises(plot.PlotError, match="3 coordinates but the map of 'himmelblau' has 2"):
        plot.paths(traj3, landscape=tl.himmelblau)
    empty = tl.Trajectory(np.zeros((1, 0, 2)), tl.bowl)
    with pytest.raises(plot.PlotError, match="empty"):
        plot.paths(empty)
    with pytest.raises(plot.PlotError, match="race\\(\\) takes the dict"):
        plot.race(tl.run(tl.gd(0.1), tl.bowl, steps=2))


def test_sections_slices_fields_and_curvature():
    S = tl.rosenbrock_nd.section((0, 1))
    m = plot.landscape_map(S)
    np.testing.assert_allclose(np.ravel(m.markers["global"].get_data()), [1.0, 1.0])
    assert m.ax.get_xlabel() == "$x_0$" and m.ax.get_ylabel() == "$x_1$"
    line = plot.slice_1d(tl.rosenbrock_nd)
    t, v = line.get_data()
    assert v[np.argmin(np.abs(t))] == pytest.approx(0.0, abs=1e-6)
    q = plot.gradient_field(tl.himmelblau)
    assert q.U.shape == (21 * 21,)
    plot.gradient_field(tl.double_well, kind="stream")
    arrows = plot.hessian_directions(tl.saddle, [0.0, 0.0])
    assert len(arrows) == 6
    mesh = plot.curvature_map(tl.double_well)
    assert mesh.get_array().min() < 0 < mesh.get_array().max()
    surf = plot.surface(tl.himmelblau, n=40)
    X, Y, Z = tl.himmelblau.grid(40)
    H = np.log10(Z - Z.min() + 1e-3 * (Z.max() - Z.min()))  # himmelblau is drawn log-compressed
    faces = surf.get_array()  # each face's mean height, which colours it
    assert faces.size == 39 * 39 and H.min() <= faces.min() and faces.max() <= H.max()
    assert np.ptp(faces) > 0.8 * np.ptp(H)


def test_analysis_pictures():
    s = tl.lr_sweep(tl.gd, tl.ill_conditioned_bowl, [2.0, 1.0], np.logspace(-3, 0, 20), steps=200)
    line, band, thr = plot.sweep(s)
    assert thr.get_xdata()[0] == pytest.approx(0.1) and band is not None
    g = tl.grid(lr=np.logspace(-3, -0.5, 6), momentum=[0.0, 0.5, 0.9])
    traj = tl.run(tl.momentum(**g), tl.ill_conditioned_bowl, [2.0, 1.0], 100)
    mesh = plot.phase_diagram(np.logspace(-3, -0.5, 6), [0.0, 0.5, 0.9], traj.final_values, traj.diverged)
    assert mesh.get_array().shape == (3, 6)
    b = tl.basins(tl.gd(0.05), tl.double_well, n=31, steps=200)
    mesh = plot.basins_map(b)
    assert set(np.unique(mesh.get_array())) == {2.0, 3.0, 4.0}  # elsewhere (the saddle's line x = 0), min 0, min 1
    assert np.all(b.label[:, 15] == -1) and np.all(b.label[:, :15] == 0) and np.all(b.label[:, 16:] == 1)
    e = tl.escape_times(tl.saddle, [0.0, 0.0], [1e-6, 1e-3], lr=0.05, steps=500, seeds=4)
    line, band = plot.escape(e)
    np.testing.assert_allclose(line.get_ydata(), e.median)


# ---------------------------------------------------------------------------------------------
# Animations


def race_result(steps=500):
    return tl.race({"GD": tl.gd(1e-3), "Momentum": tl.momentum(1e-3, 0.9), "Adam": tl.adam(0.05)}, tl.rosenbrock,
                   [[-1.2, 1.0], [0.0, 2.5]], steps)  # fmt: skip


def test_animation_frames_have_the_right_number_and_size():
    anim = animate(race_result(), frames=40)
    assert anim.frames == 40 and anim.size[0] % 2 == 0 and anim.size[1] % 2 == 0
    f0, f20 = anim.render(0), anim.render(20)
    assert f0.shape == (anim.size[1], anim.size[0], 3) and f0.dtype == np.uint8
    assert np.any(f0 != f20)
    assert anim.steps_at[0] == 0 and anim.steps_at[-1] == 500
    np.testing.assert_array_equal(anim.render(20), f20)  # blitting leaves nothing behind
    with pytest.raises(IndexError):
        anim.render(40)


def test_a_blitted_frame_equals_a_full_redraw():
    traj = tl.run(tl.adam(0.1), tl.himmelblau, steps=50)
    anim = animate(traj, frames=10)
    drawn = anim.render(7)  # the first frame: a full draw of the stage
    anim.render(2)
    blitted = anim.render(7)  # the same frame again: background restored, moving artists blitted
    assert np.array_equal(drawn, blitted)
    for _, _, line, head in anim._moving:  # draw the same artists the slow way
        line.set_animated(False)
        head.set_animated(False)
    anim._counter.set_animated(False)
    anim.figure.set_layout_engine("none")  # keep the layout the frames were drawn with
    anim.figure.canvas.draw()
    full = np.asarray(anim.figure.canvas.buffer_rgba())[..., :3]
    # the same picture but for the order of paths and markers where they cross (moving artists are drawn last)
    assert np.abs(blitted.astype(int) - full).mean() < 1.0


def test_webp_fallback_and_html(tmp_path):
    anim = animate(race_result(200), frames=30, fmt="webp")
    data, mime = anim.encode()
    assert mime == "image/webp" and data[:4] == b"RIFF" and data[8:12] == b"WEBP"
    from PIL import Image

    im = Image.open(anim.save(tmp_path / "race.webp"))
    assert im.n_frames == 30 and im.size == anim.size
    html = anim._repr_html_()
    assert html.startswith("<img") and "data:image/webp;base64," in html
    assert anim.save(tmp_path / "a.gif").stat().st_size > 0
    assert "<img" in anim.save(tmp_path / "a.html").read_text()
    with pytest.raises(plot.PlotError, match="save as"):
        anim.save(tmp_path / "a.avi")


@pytest.mark.skipif(find_ffmpeg() is None, reason="no ffmpeg here: the WebP fallback is tested above")
def test_video_through_ffmpeg(tmp_path):
    anim = animate(race_result(), frames=100, fmt="mp4")
    data, mime = anim.encode()
    assert mime == "video/mp4" and data[4:8] == b"ftyp"
    assert len(data) < 200_000
    html = anim.to_html()
    assert "<video" in html and "controls" in html and "data:video/mp4;base64," in html
    import subprocess

    path = anim.save(tmp_path / "race.mp4")
    probe = subprocess.run([find_ffmpeg(), "-i", str(path), "-f", "null", "-"], capture_output=True, text=True)
    assert probe.returncode == 0 and "frame=  100" in probe.stderr.replace("frame= 100", "frame=  100")


def test_player_scrubs_in_a_kernel():
    anim = animate(tl.run(tl.adam(0.1), tl.himmelblau, steps=60), frames=12)
    box = anim.player()
    (play, slider), image = box.children[0].children, box.children[1]
    before = image.value
    slider.value = 9
    assert image.value != before and image.value == anim.frame_png(9)
    assert play.max == 11


def test_animation_bad_input():
    with pytest.raises(plot.PlotError, match="frames must be"):
        Animation(tl.run(tl.gd(0.1), tl.bowl, steps=3), frames=0)
    with pytest.raises(plot.PlotError, match="fmt must be"):
        Animation(tl.run(tl.gd(0.1), tl.bowl, steps=3), fmt="avi")


# ---------------------------------------------------------------------------------------------
# The gallery


def test_gallery_command_writes_pngs_and_an_index(tmp_path):
    from toylands.__main__ import main

    assert main(["gallery", str(tmp_path), "--only", "himmelblau", "permutation_4d", "saddle"]) == 0
    index = (tmp_path / "index.html").read_text()
    for name in ("himmelblau", "permutation_4d", "saddle"):
        assert (tmp_path / f"{name}.png").stat().st_size > 10_000
        assert f"src='{name}.png'" in index


# ---------------------------------------------------------------------------------------------
# Rendered images against small committed references (regenerate: TOYLANDS_UPDATE_BASELINES=1 pytest)


def _bare(fig, ax):
    ax.set_axis_off()
    ax.set_title("")
    if ax.get_legend():
        ax.get_legend().remove()
    return fig


def fig_himmelblau_map():
    fig, ax = plt.subplots(figsize=(2.4, 2.4), dpi=60)
    plot.landscape_map(tl.himmelblau, ax, colorbar=False, legend=False, title=False)
    return _bare(fig, ax)


def fig_rosenbrock_race():
    fig, ax = plt.subplots(figsize=(2.4, 2.4), dpi=60)
    plot.landscape_map(tl.rosenbrock, ax, colorbar=False, legend=False, title=False)
    plot.paths(tl.race({"GD": tl.gd(1e-3), "Adam": tl.adam(0.05)}, tl.rosenbrock, [[-1.2, 1.0]], 400), ax)
    return _bare(fig, ax)


def fig_double_well_basins():
    fig, ax = plt.subplots(figsize=(2.4, 2.4), dpi=60)
    plot.basins_map(tl.basins(tl.gd(0.05), tl.double_well, n=24, steps=200), ax)
    return _bare(fig, ax)


@pytest.mark.parametrize("make", [fig_himmelblau_map, fig_rosenbrock_race, fig_double_well_basins], ids=lambda f: f.__name__)
def test_rendered_image_matches_its_reference(make, tmp_path):
    fig = make()
    expected = BASELINE / f"{make.__name__}.png"
    actual = tmp_path / expected.name
    fig.savefig(actual)
    if os.environ.get("TOYLANDS_UPDATE_BASELINES"):
        BASELINE.mkdir(exist_ok=True)
        fig.savefig(expected)
        pytest.skip(f"rewrote the reference image {expected.name}: look at it, then run again without the flag")
    assert expected.exists(), f"no reference image {expected.name}: run with TOYLANDS_UPDATE_BASELINES=1"
    result = compare_images(str(expected), str(actual), tol=2.0)
    assert result is None, result


def test_escape_draws_the_median_over_all_seeds_as_the_checks_read_it():
    """A level where a few seeds escaped but most did not has no median escape: it is a triangle, not a point."""
    e = tl.analysis.Escape(np.array([1e-3, 1e-2]), np.array([[10, 20, 30, 40], [50, NEVER, NEVER, NEVER]]), 1.0)
    line, _ = plot.escape(e, steps=100)
    y = line.get_ydata()
    assert y[0] == np.median([10, 20, 30, 40]) and np.isnan(y[1])
    assert list(e.median < 100) == [True, False]
