"""Nothing lost, nothing hangs, no silent wrong answer: the careless student's and the hurried teacher's inputs."""

import json
import os
import signal
import subprocess
import sys
import time
import warnings
from pathlib import Path

import autograd.numpy as anp
import numpy as np
import pytest

import toylands as tl
from toylands import nets
from toylands.exercises import AssignError, assign, evaluate, exercise, strict
from toylands.nets import DataError
from toylands.optim import OptimizerError
from toylands.run import RunError

ROOT = Path(__file__).resolve().parents[1]
LESSONS = ROOT / "lessons"


def notebook(*cells) -> dict:
    """A notebook of (cell_type, source) pairs."""
    out = []
    for kind, src in cells:
        cell = {"cell_type": kind, "metadata": {}, "source": src}
        if kind == "code":
            cell.update(outputs=[], execution_count=None)
        out.append(cell)
    return {"cells": out, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}


def write(path: Path, nb) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(nb) if not isinstance(nb, str) else nb)
    return path


# ---------------------------------------------------------------------------------------------
# Data lost: assign and gallery never destroy a teacher's or a student's work


def test_assign_refuses_to_write_into_the_lessons_themselves(tmp_path):
    src = tmp_path / "lessons"
    write(src / "01.ipynb", notebook(("code", "### BEGIN SOLUTION\nx = 1\n### END SOLUTION\ncheck('a', x)\n")))
    before = (src / "01.ipynb").read_text()
    for out in (src, src / "student", src / "."):
        with pytest.raises(AssignError, match="overwrite the teacher's solutions"):
            assign(src, out)
    (tmp_path / "link").symlink_to(src)
    with pytest.raises(AssignError, match="overwrite the teacher's solutions"):
        assign(src, tmp_path / "link")
    assert (src / "01.ipynb").read_text() == before and not (src / "student").exists()


def test_the_command_line_says_why_and_exits_2(tmp_path, capsys):
    from toylands.__main__ import main

    assert main(["assign", str(LESSONS), str(LESSONS)]) == 2
    err = capsys.readouterr().err
    assert "overwrite the teacher's solutions" in err and "Traceback" not in err


def test_assign_again_keeps_the_students_edits_unless_forced(tmp_path):
    out = tmp_path / "student"
    assign(LESSONS, out)
    assign(LESSONS, out)  # the same files again: nothing to refuse
    edited = out / "02-gradient-descent-and-the-learning-rate.ipynb"
    nb = json.loads(edited.read_text())
    nb["cells"][-1]["source"] = "my own notes"
    edited.write_text(json.dumps(nb))
    with pytest.raises(AssignError, match=f"already exist with other contents.*{edited.name}.*--force"):
        assign(LESSONS, out)
    assert "my own notes" in edited.read_text()
    assign(LESSONS, out, force=True)
    assert "my own notes" not in edited.read_text()


def test_gallery_keeps_other_files_unless_forced(tmp_path):
    from toylands.gallery import write_gallery

    write_gallery(tmp_path, ["bowl"], steps=20)
    write_gallery(tmp_path, ["bowl"], steps=20)  # byte for byte the same: fine
    (tmp_path / "bowl.png").write_bytes(b"a student's picture")
    from toylands._files import OutputError

    with pytest.raises(OutputError, match="bowl.png"):
        write_gallery(tmp_path, ["bowl"], steps=20)
    assert (tmp_path / "bowl.png").read_bytes() == b"a student's picture"
    write_gallery(tmp_path, ["bowl"], steps=20, force=True)
    assert (tmp_path / "bowl.png").read_bytes()[:4] == b"\x89PNG"


def test_solutions_in_markdown_and_raw_cells_do_not_reach_students(tmp_path):
    src = tmp_path / "lessons"
    write(src / "a.ipynb", notebook(
        ("markdown", "Explain why.\n\n### BEGIN SOLUTION\nBecause the steep direction overshoots.\n### END SOLUTION\n"),
        ("raw", "### BEGIN SOLUTION\nsecret\n### END SOLUTION\n"),
        ("code", "### BEGIN SOLUTION\nx = 1\n### END SOLUTION\ncheck('a', x)\n"),
    ))  # fmt: skip
    assign(src, tmp_path / "out")
    text = (tmp_path / "out" / "a.ipynb").read_text()
    assert "overshoots" not in text and "secret" not in text and "BEGIN SOLUTION" not in text
    assert "YOUR ANSWER HERE" in text


def test_a_solution_inside_an_indented_block_becomes_a_stub_that_compiles(tmp_path):
    src = tmp_path / "lessons"
    code = (
        "for k in range(2):\n    ### BEGIN SOLUTION\n    print(k)\n    ### END SOLUTION\n"
        "def f(x):\n    ### BEGIN SOLUTION\n    y = x\n    ### END SOLUTION\n    return 1\n"
    )
    write(src / "a.ipynb", notebook(("code", code)))
    assign(src, tmp_path / "out")
    student = "".join(json.loads((tmp_path / "out" / "a.ipynb").read_text())["cells"][0]["source"])
    compile(student, "cell", "exec")
    assert "print(k)" not in student and "y = x" not in student


def test_folders_beside_the_lessons_are_copied(tmp_path):
    src = tmp_path / "lessons"
    write(src / "a.ipynb", notebook(("code", "x = 1\n")))
    (src / "images").mkdir()
    (src / "images" / "fig.png").write_bytes(b"png")
    (src / ".ipynb_checkpoints").mkdir()
    (src / ".ipynb_checkpoints" / "a-checkpoint.ipynb").write_text("{}")
    assign(src, tmp_path / "out")
    assert (tmp_path / "out" / "images" / "fig.png").read_bytes() == b"png"
    assert not (tmp_path / "out" / ".ipynb_checkpoints").exists()


@pytest.mark.parametrize("content, what", [("{not json", "not a readable notebook"), ("[1, 2]", "holds list"),
                                           ('{"metadata": {}}', "without a list of 'cells'")])  # fmt: skip
def test_a_broken_notebook_is_named_and_nothing_is_written(tmp_path, content, what):
    src = tmp_path / "lessons"
    write(src / "a-good.ipynb", notebook(("code", "x = 1\n")))
    write(src / "b-broken.ipynb", content)
    out = tmp_path / "out"
    with pytest.raises(AssignError, match=f"b-broken.ipynb: .*{what}"):
        assign(src, out)
    assert not out.exists(), "half an output folder was left behind"


def test_unwritable_output_is_reported(tmp_path):
    if os.geteuid() == 0:
        blocker = tmp_path / "file"
        blocker.write_text("a file, not a folder")
        out = blocker / "student"
    else:
        out = tmp_path / "ro" / "student"
        (tmp_path / "ro").mkdir(mode=0o500)
    with pytest.raises(AssignError, match="cannot write"):
        assign(LESSONS, out)


# ---------------------------------------------------------------------------------------------
# Hangs and runaway cost


@exercise("robustness.loop", "a student's endless loop")
def _endless(fn):
    fn()
    return "done"


def test_a_check_that_never_finishes_is_stopped_and_says_so():
    def student():
        while True:
            pass

    t = time.perf_counter()
    ok, message = evaluate("robustness.loop", student, seconds=0.5)
    assert not ok and "ran out of time after 0.5 s; your function may never return (an endless loop?)" in message
    assert "TOYLANDS_CHECK_SECONDS" in message
    assert time.perf_counter() - t < 5
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0), "the alarm is switched off again"


def test_a_student_cannot_swallow_the_time_limit():
    def sneaky():
        try:
            while True:
                pass
        except Exception:
            return

    ok, message = evaluate("robustness.loop", sneaky, seconds=0.3)
    assert not ok and "ran out of time after 0.3 s" in message


def test_a_flow_that_blows_up_in_finite_time_stops_at_the_box():
    L = tl.Landscape("blow-up", lambda p: -(p[..., 0] ** 4) + p[..., 1] ** 2, bounds=[(-1, 1), (-1, 1)])
    t = time.perf_counter()
    flow = tl.gradient_flow(L, [0.5, 0.5], times=np.linspace(0, 100, 201))
    assert time.perf_counter() - t < 20
    assert flow.stopped[0] and flow.outcomes[0].kind == "escaped"
    k = flow.stopped_at[0]
    assert flow.times[k - 1] < 0.5 <= flow.times[k]  # x' = 4 x^3 from 0.5 reaches infinity at t = 1/2
    assert np.all(np.isfinite(flow.positions))


def test_a_network_landscape_does_not_build_the_identity_of_its_parameters():
    data = nets.make(np.random.default_rng(0).random((40, 64)), np.arange(40) % 10, name="many inputs")
    calls = []
    import toylands.nets.mlp as mlp

    real = mlp.NetLoss.on

    def counting(self, theta, X, y):
        calls.append(np.shape(theta))
        return real(self, theta, X, y)

    mlp.NetLoss.on = counting
    try:
        L = nets.mlp_landscape(data, hidden=(256,))
    finally:
        mlp.NetLoss.on = real
    assert L.dim == 64 * 256 + 256 + 256 * 10 + 10
    assert len(calls) <= 10 and all(s[:-1] in ((), (1,), (2,), (3,)) for s in calls)


def test_a_run_too_large_for_memory_says_so_before_it_starts():
    t = time.perf_counter()
    with pytest.raises(RunError, match=r"would need .* [GT]iB of memory.*take fewer steps or runs"):
        tl.run(tl.gd(0.01), tl.bowl, np.zeros((10_000, 2)), steps=10**7)
    assert time.perf_counter() - t < 2


def test_long_runs_show_progress(capsys):
    tl.run(tl.gd(0.01), tl.bowl, steps=30, progress=True)
    assert "GD on bowl" in capsys.readouterr().err


def test_basins_keep_only_where_each_run_ended():
    b = tl.basins(tl.gd(0.05), tl.double_well, n=300, steps=5)
    assert b.trajectory.positions.shape == (2, 300 * 300, 2)
    assert b.label.shape == (300, 300)


def test_critical_points_in_many_dimensions_say_how_long_they_would_take():
    L = tl.Landscape("quartic", lambda p: anp.sum(p**4 - p**2, axis=-1), bounds=[(-2, 2)] * 300)
    with pytest.raises(tl.LandscapeError, match=r"from 4000 starts .* would take about .* here .*: give fewer starts"):
        tl.critical_points(L, max_seconds=30)


def test_running_out_of_memory_is_not_blamed_on_autograd():
    def greedy(p):
        raise MemoryError()

    L = tl.Landscape("fine", lambda p: p[..., 0] ** 2 + p[..., 1] ** 2, bounds=[(-1, 1), (-1, 1)])
    L2 = L.replace(name="greedy")
    object.__setattr__(L2, "f", greedy)
    with pytest.raises(MemoryError, match="not enough memory .* give fewer points") as e:
        L2.autograd_grad(np.zeros((5, 2)))
    assert "autograd.numpy" not in str(e.value)


# ---------------------------------------------------------------------------------------------
# Silent wrong answers


def test_a_race_keeps_optimizers_that_share_a_name():
    res = tl.race([tl.gd(0.01), tl.gd(0.1), tl.adam(0.1)], tl.bowl, steps=5)
    assert list(res) == ["GD lr=0.01", "GD lr=0.1", "Adam"]
    assert res["GD lr=0.1"].hyper["lr"] == 0.1


def test_the_best_learning_rate_never_diverged():
    s = tl.lr_sweep(tl.gd, tl.bowl, [1.0, 1.0], [0.5, 2.5, 3.0], steps=20)
    assert s.best_lr == 0.5
    s = tl.lr_sweep(tl.gd, tl.bowl, [1.0, 1.0], [2.5, 3.0], steps=20)
    with pytest.raises(RunError, match="every learning rate of the sweep .* diverged"):
        _ = s.best_lr


def test_training_with_a_progress_bar_reports_the_same_divergence():
    L = nets.mlp_landscape(nets.two_moons(50), hidden=(4,))
    quiet = nets.train(L, tl.gd(1e4), steps=20)
    shown = nets.train(L, tl.gd(1e4), steps=20, progress=True)
    assert quiet.diverged.tolist() == shown.diverged.tolist() == [True]
    np.testing.assert_array_equal(quiet.positions, shown.positions)


def test_accuracy_of_a_regression_network_is_refused():
    L = nets.mlp_landscape(nets.regression_1d(20), hidden=(4,))
    with pytest.raises(DataError, match="regression task: measure it by its loss"):
        nets.accuracy(L, L.starts[0])


def test_optimizers_that_would_climb_are_refused():
    with pytest.raises(OptimizerError, match="never turns its direction into a step.*scale_by_lr"):
        tl.run(tl.chain(), tl.bowl)
    with pytest.raises(OptimizerError, match="never turns its direction into a step"):
        tl.run(tl.chain(tl.scale_by_adam()), tl.bowl)
    with pytest.raises(OptimizerError, match=r"schedule <lambda> gave lr = -0.1 at step 0.*negative one climbs"):
        tl.run(tl.chain(tl.scale_by_lr(lambda t: -0.1)), tl.bowl)
    with pytest.raises(OptimizerError, match=r"went uphill on its first step.*-lr \* grad"):
        tl.run(lambda g, s: (0.1 * g, s), tl.bowl)
    tl.run(tl.chain(tl.scale_by_adam(), tl.scale(-0.1)), tl.bowl, steps=3)  # a negative scale is a descent step


def test_a_zero_gradient_with_eps_zero_stays_put_and_converges():
    for opt in (tl.adam(0.1, eps=0), tl.adagrad(0.1, eps=0), tl.rmsprop(0.1, eps=0)):
        traj = tl.run(opt, tl.bowl, [0.0, 0.0], steps=5)
        assert traj.endings == ["converged to the global minimum at (0, 0)"], opt.name
        assert np.all(traj.positions == 0)


def test_newton_with_a_singular_hessian_takes_no_infinite_step():
    traj = tl.run(tl.newton(), tl.cross, [0.0, 0.0], steps=5)
    assert traj.outcomes[0].kind == "converged" and np.all(traj.positions == 0)
    traj = tl.run(tl.newton(), tl.cross, [1.0, 0.5], steps=30)  # a valley of minima: singular there too
    assert traj.outcomes[0].kind == "converged" and not traj.stopped.any()


@pytest.mark.parametrize("value, want", [("1", True), ("TRUE ", True), ("on", True), ("yes", True), ("", False),
                                         ("0", False), ("off", False), ("False", False)])  # fmt: skip
def test_strict_mode_reads_what_people_write(monkeypatch, value, want):
    monkeypatch.setenv("TOYLANDS_STRICT", value)
    assert strict() is want


@pytest.mark.parametrize("value", ["2", "strict", "y e s"])
def test_strict_mode_refuses_what_it_cannot_read(monkeypatch, value):
    monkeypatch.setenv("TOYLANDS_STRICT", value)
    with pytest.raises(ValueError, match="TOYLANDS_STRICT=.* is not understood"):
        strict()


def test_a_course_exercise_cannot_be_replaced_by_accident():
    from toylands.exercises import load_course

    load_course(LESSONS / "checks.py")  # registers the course

    with pytest.raises(ValueError, match="exercise '02.1' is already registered"):

        @exercise("02.1", "mine")
        def mine(x):
            return "ok"

    right = 2 / np.linalg.eigvalsh(tl.himmelblau.hessian([3.0, 2.0])).max()  # the course's 02.1
    assert evaluate("02.1", right)[0], "the course's checker is still the one used"

    @exercise("robustness.mine", "mine")
    def mine_again(x):
        return "first"

    @exercise("robustness.mine", "mine")  # the same cell run again in a notebook
    def mine_again(x):  # noqa: F811
        return "second"

    assert evaluate("robustness.mine", 1) == (True, "second")


@pytest.mark.parametrize(
    "name, params, what",
    [
        ("rosenbrock", {"b": 0}, "b must be a number in \\(0, 10000\\]; with b = 0 every point of the line"),
        ("narrow_well", {"width": -1}, "width must be a number in \\[0.01, 4\\]"),
        ("rosenbrock_nd", {"n": 2.5}, "n must be a whole number in \\[2, 12\\]"),
        ("rosenbrock_nd", {"n": True}, "n must be a whole number"),
        ("ill_conditioned_bowl", {"kappa": 1e300}, "kappa must be a number in \\[1, 1e\\+08\\]"),
        ("ring", {"radius": -1}, "radius must be a number in \\(0, 10\\]"),
        ("cliff", {"height": float("nan")}, "height must be a number"),
        ("rastrigin", {"amplitude": "big"}, "amplitude must be a number"),
    ],
)
def test_landscape_parameters_outside_their_range_are_refused(name, params, what):
    with pytest.raises(tl.LandscapeError, match=what):
        tl.get(name, **params)


@pytest.mark.parametrize("name", [n for n in tl.landscapes() if tl.get(n).params])
def test_every_parameter_holds_its_claims_across_its_slider(name):
    ranges = tl.param_ranges(name)
    for which in (0, 1):
        params = {k: (int(p.slider_range[which]) if p.integer else p.slider_range[which]) for k, p in ranges.items()}
        L = tl.get(name, **params)
        lo, hi = L.bounds[:, 0], L.bounds[:, 1]
        for c in L.critical:
            x = np.array(c.x)
            assert np.all((x >= lo) & (x <= hi)), f"{name} {params}: {c} lies outside the box"
            assert np.linalg.norm(L.autograd_grad(x)) <= 1e-6 * (1 + abs(c.value)), f"{name} {params}: {c}"
        for s in L.critical_sets:
            assert np.allclose(L.f(s.points(20)), s.value)


def test_class_labels_must_be_zero_to_k_minus_one():
    X = np.random.default_rng(0).random((10, 2))
    with pytest.raises(DataError, match=r"labels must be the integers 0..K-1.*\[1, 2\].*np.unique"):
        nets.make(X, np.array([1, 2] * 5))
    with pytest.raises(DataError, match="at least two classes"):
        nets.make(X, np.zeros(10, int))


def test_widths_and_batch_sizes_are_whole_numbers():
    d = nets.two_moons(20)
    with pytest.raises(DataError, match="hidden must be whole numbers of units >= 1.*got 2.7"):
        nets.mlp_landscape(d, hidden=2.7)
    with pytest.raises(DataError, match="hidden must be whole numbers"):
        nets.mlp_landscape(d, hidden=(8, 0))
    with pytest.raises(DataError, match="batch_size must be a whole number >= 1; got 2.5"):
        nets.sgd(0.1, batch_size=2.5)


def test_starts_outside_the_box():
    with pytest.raises(tl.LandscapeError, match=r"starts of 'mine' must lie in its box"):
        tl.Landscape("mine", lambda p: p[..., 0] ** 2 + p[..., 1] ** 2, bounds=[(-1, 1), (-1, 1)], starts=[(5.0, 0.0)])
    with pytest.raises(RunError, match=r"start \(100, 100\) lies outside the region runs may reach"):
        tl.run(tl.gd(0.1), tl.bowl, [100.0, 100.0])
    assert not tl.run(tl.gd(0.1), tl.bowl, [3.0, 3.0], steps=50).stopped[0]  # outside the box, inside the limits: fine


def test_a_loss_that_is_nowhere_a_number_is_refused():
    with pytest.raises(tl.LandscapeError, match="not a finite number at any start point.*square root"):
        tl.Landscape("nan", lambda p: anp.sqrt(-1 - p[..., 0] ** 2) + p[..., 1], bounds=[(-1, 1), (-1, 1)])


# Silent wrong, by entry point: an ending, a declaration, a bridge, an estimate or a widget that would teach
# something false is refused or corrected where it is made.


@pytest.mark.parametrize(
    "opt, name",
    [(tl.lbfgs(), "rosenbrock"), (tl.lbfgs(), "himmelblau"), (tl.gd(0.05), "rosenbrock"), (tl.gd(0.2), "himmelblau"),
     (tl.gd(2.5), "bowl"), (tl.nesterov(0.5), "himmelblau"), (tl.adam(20.0), "rosenbrock")],
)  # fmt: skip
def test_a_run_thrown_out_of_a_bounded_landscape_diverged_it_did_not_escape(opt, name):
    """Rosenbrock, Himmelblau, a bowl and Rastrigin grow without bound far out: no run can 'escape' where the loss
    'falls away without bound'. L-BFGS's first long step on Rosenbrock was read so, on a loss never below 0."""
    tr = tl.run(opt, name, steps=300)
    assert tr.stopped.any(), "the case is meant to throw runs out"
    assert not tr.escaped.any(), tr.endings


def test_a_run_that_leaves_downhill_still_escaped():
    tr = tl.run(tl.gd(0.05), tl.saddle, [-1.8, 0.1], steps=200)
    assert tr.outcomes[0].kind == "escaped" and tr.causes[0] == "fell"
    hand_built = tl.Trajectory(tr.positions, tr.landscape, stopped_at=tr.stopped_at)  # no cause known: read from losses
    assert hand_built.outcomes[0].kind == "escaped"


BOWL = (lambda p: p[..., 0] ** 2 + 3 * p[..., 1] ** 2, [(-2, 2), (-2, 2)])


@pytest.mark.parametrize(
    "point, message",
    [
        (tl.CriticalPoint((0, 0, 0), "min", 0), r"\(min at \(0, 0, 0\), value 0\) of 'mine' has 3 coordinates; the landscape"),
        (tl.CriticalPoint((0,), "min", 0), r"has 1 coordinates; the landscape has 2"),
        (tl.CriticalPoint((0.5, 0), "min", 0.25), r"\(0.5, 0\), value 0.25\) of 'mine' is not a critical point: the gradient"),
        (tl.CriticalPoint((0, 0), "min", 1.0), r"of 'mine' has value 1, but f there is 0"),
        ((0, 0), r"critical of 'mine' must hold CriticalPoint"),
    ],
)  # fmt: skip
def test_a_declared_critical_point_that_is_not_one_is_refused_by_name(point, message):
    with pytest.raises(tl.LandscapeError, match=message):
        tl.Landscape("mine", *BOWL, critical=(point,))


def test_a_declared_kind_that_the_hessian_contradicts_is_refused():
    with pytest.raises(tl.LandscapeError, match=r"\(max at \(0, 0\), value 0\) of 'mine' is a min by its Hessian \(eigenvalues "
                       r"\[2.0, 6.0\]\), not a max"):  # fmt: skip
        tl.Landscape("mine", *BOWL, critical=(tl.CriticalPoint((0, 0), "max", 0.0),))
    flat = tl.Landscape("flat", lambda p: p[..., 0] ** 4 + p[..., 1] ** 2, [(-1, 1), (-1, 1)],
                        critical=(tl.CriticalPoint((0, 0), "min", 0.0),))  # a zero eigenvalue: the declaration decides
    assert flat.minima


def test_words_that_would_be_read_as_letters_are_refused():
    with pytest.raises(tl.LandscapeError, match=r"tags must be a collection of words, e.g. \{'ravine'\}; got the word"):
        tl.Landscape("mine", *BOWL, tags="ravine")  # it became the tags r, a, v, i, n, e
    t = tl.compare_optimizers("bowl", "GD", steps=50, seeds=2, points=3)
    assert t.optimizers == ("GD",)  # it read 'GD' as the optimizers 'G' and 'D'


def test_a_plane_and_a_correlation_that_cannot_be_are_refused():
    L = nets.mlp_landscape(nets.two_moons(20, seed=0), hidden=(3,))
    d = np.eye(L.dim)[0]
    with pytest.raises(DataError, match="d1 and d2 must be two directions that span a plane; these are zero or parallel"):
        nets.plane(L, L.starts[0], d, 2 * d)
    with pytest.raises(DataError, match=r"c0 must be a number in \[-1, 1\]"):
        nets.correlation_curve(2.0, 10, 1.5, 0.05)  # it returned 2, 1, 1, ...: a 'correlation' of 2


def test_a_declared_critical_point_rounded_to_a_few_digits_is_accepted():
    f = tl.himmelblau.f
    L = tl.Landscape("mine", f, tl.himmelblau.bounds, critical=(tl.CriticalPoint((-2.805, 3.131), "min", 0.0),))
    assert L.minima[0].x == (-2.805, 3.131)


def test_a_learning_coefficient_is_refused_where_there_is_no_minimum():
    for L, at, why in [(tl.himmelblau, [0, 0], "the gradient there is 26.1, not 0 and the Hessian has a negative eigenvalue -42"),
                       (tl.double_well, [0, 0], "the Hessian has a negative eigenvalue -4"),
                       (tl.bowl, [0.1, 0], "the gradient there is 0.1, not 0")]:  # fmt: skip
        with pytest.raises(tl.LandscapeError, match=f"is not a minimum of '{L.name}': {why}"):
            tl.learning_coefficient(L, at, draws=100)
    near = tl.learning_coefficient(tl.bowl, [0.01, 0], draws=500, seed=0)  # a gradient too small to pull it: allowed
    assert abs(near.estimate - 1.0) < 0.2


def test_from_sklearn_warns_when_the_data_are_not_the_fitted_ones():
    sk = pytest.importorskip("sklearn.neural_network")
    d = nets.two_moons(60, noise=0.1, seed=0)
    model = sk.MLPClassifier((6,), solver="lbfgs", max_iter=2000, random_state=0).fit(d.X, d.y)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        L, theta = nets.from_sklearn(model, d.X, d.y)  # its own data: no warning, and the fit's own loss
    assert float(L(theta)) == pytest.approx(model.loss_, rel=1e-9)
    other = nets.two_moons(60, noise=0.5, seed=3)
    with pytest.warns(UserWarning, match=r"the loss on this X, y is .* against .* at the end of the model's fit: these are "
                      r"not the data it was fitted on"):  # fmt: skip
        nets.from_sklearn(model, 5 * other.X[:, ::-1], other.y)
    with pytest.raises(DataError, match=r"X must have shape \(n, 2\): the model was fitted on 2 features; got \(60, 3\)"):
        nets.from_sklearn(model, np.c_[d.X, d.X[:, 0]], d.y)
    with pytest.raises(DataError, match=r"y must hold one target per row of X \(60\)"):
        nets.from_sklearn(model, d.X, d.y[:5])


@pytest.mark.parametrize(
    "setting, value, same_as",
    [
        ("momentum", 5, lambda: tl.sgd(0.1, noise=0.0, momentum=5)),
        ("b2", 1.5, lambda: tl.adam(0.1, b2=1.5)),
        ("noise", -1.0, lambda: tl.run(tl.gd(0.1), tl.bowl, noise=-1.0)),
        ("noise", "0.1", lambda: tl.run(tl.gd(0.1), tl.bowl, noise="0.1")),
    ],
)
def test_widgets_refuse_what_run_refuses_in_runs_words(setting, value, same_as):
    w = pytest.importorskip("toylands.widgets")
    with pytest.raises(ValueError) as theirs:
        same_as()
    ex = w.Explorer("bowl", "Momentum", lr=0.1)
    before = ex.state
    with pytest.raises(ValueError) as ours:
        ex.set(**{setting: value})
    assert str(ours.value) == str(theirs.value) and ex.state == before, "refused, in the same words, and nothing changed"
    with pytest.raises(ValueError) as built:
        w.Explorer("bowl", "Momentum", lr=0.1, **{setting: value})
    assert str(built.value) == str(theirs.value)


def test_widgets_refuse_a_start_off_the_map():
    w = pytest.importorskip("toylands.widgets")
    with pytest.raises(tl.LandscapeError, match=r"start \[9.0, 9.0\] lies outside the map of 'bowl', the box"):
        w.Explorer("bowl", start=(9, 9))
    with pytest.raises(tl.LandscapeError, match=r"lies outside the map of 'bowl'"):
        w.Race("bowl", start=(9, 9))
    with pytest.raises(RunError, match="seed must be a whole number >= 0; got -1"):
        w.Explorer("bowl", seed=-1)


# ---------------------------------------------------------------------------------------------
# Obscure errors: say what was wrong and what is allowed


def test_a_factory_passed_for_an_optimizer():
    with pytest.raises(RunError, match=r"tl.momentum is the factory that makes an optimizer; call it .*tl.momentum\(lr=0.01\)"):
        tl.run(tl.momentum, tl.bowl)


@pytest.mark.parametrize(
    "call, error, what",
    [
        (lambda: tl.run(tl.gd(0.1), tl.bowl, np.zeros((0, 2))), RunError, "starts is empty"),
        (lambda: tl.run(tl.gd(0.1), tl.bowl, noise=0.1, seed=-1), RunError, "seed must be a whole number >= 0"),
        (lambda: tl.run(tl.gd(0.1), tl.bowl, steps=2.5), RunError, "steps must be a whole number"),
        (lambda: tl.escape_times(tl.saddle, [0, 0], [0.1], seeds=0), RunError, "seeds must be a whole number of runs"),
        (lambda: tl.escape_times(tl.saddle, [0, 0], [-0.1]), RunError, "noises must be a number >= 0"),
        (lambda: tl.basins(tl.gd(0.1), tl.bowl, n=1), tl.LandscapeError, "n must be a whole number of grid points"),
        (lambda: nets.make(np.zeros((0, 2)), np.zeros(0, int)), DataError, "X has no samples"),
        (lambda: nets.make(np.zeros((1, 2)), np.zeros(1)), DataError, "1 samples split .* leave 0 to train"),
        (lambda: nets.two_moons(0), DataError, "n must be a whole number of samples >= 2"),
        (lambda: nets.weight_matching(None, None, None), DataError, "need a network's landscape"),
        (lambda: tl.chain(tl.gd), OptimizerError, "chain\\(\\) takes optimizer blocks"),
    ],
)
def test_obscure_errors_now_say_what_is_allowed(call, error, what):
    with pytest.raises(error, match=what):
        call()


def test_lr_sweep_takes_a_catalogue_name():
    s = tl.lr_sweep(tl.gd, "bowl", lrs=[0.1, 1.0], steps=10)
    assert s.trajectory.landscape is tl.bowl


def test_animation_settings_are_checked(tmp_path):
    import matplotlib

    matplotlib.use("Agg")
    from toylands.animate import animate
    from toylands.plot import PlotError

    traj = tl.run(tl.gd(0.1), tl.bowl, steps=10)
    with pytest.raises(PlotError, match="fps .* from 1 to 120; got 0"):
        animate(traj, fps=0)
    with pytest.raises(PlotError, match="cannot save to .* does not exist"):
        animate(traj, frames=3).save(tmp_path / "missing" / "a.mp4")


@pytest.mark.parametrize("name", tl.landscapes())
def test_landscapes_far_out_overflow_quietly(name):
    L = tl.get(name)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for big in (1e300, -1e300, 1e155):
            p = np.full((2, L.dim), big)
            L(p)
            L.grad(p)
            L.hessian(p)


def test_encoding_a_video_leaves_no_pipe_open():
    import matplotlib

    matplotlib.use("Agg")
    from toylands.animate import find_ffmpeg

    if find_ffmpeg() is None:
        pytest.skip("no ffmpeg")
    code = (
        "import warnings, matplotlib; matplotlib.use('Agg'); warnings.simplefilter('error', ResourceWarning)\n"
        "import toylands as tl; from toylands.animate import animate\n"
        "a = animate(tl.run(tl.gd(0.1), tl.bowl, steps=10), frames=5, fmt='mp4'); a.encode(); del a\n"
        "import gc; gc.collect()\n"
    )
    out = subprocess.run([sys.executable, "-X", "dev", "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0 and "ResourceWarning" not in out.stderr, out.stderr[-2000:]


# ---------------------------------------------------------------------------------------------
# The house


def test_weight_matching_tries_several_layer_orders_and_keeps_the_best():
    d = nets.two_moons(200, noise=0.15, seed=0)
    L = nets.mlp_landscape(d, hidden=(16, 16), seed=0)
    a = nets.train(L, tl.adam(0.02), 1500, seed=1).final[0]
    b = nets.train(L, tl.adam(0.02), 1500, seed=2).final[0]
    one_order = [nets.interpolate(L, a, nets.weight_matching(L, a, b, seed=s, orders=1)[0]).barrier for s in range(8)]
    best = [nets.interpolate(L, a, nets.weight_matching(L, a, b, seed=s)[0]).barrier for s in range(3)]
    assert max(one_order) > 10 * min(one_order), "the order matters (as in git-re-basin)"
    assert max(best) <= min(one_order) + 1e-9, "trying several orders finds the good one whatever the seed"


def test_sgd_says_that_it_adds_noise():
    opt = tl.sgd(0.1)
    assert "noise=0.1" in repr(opt)
    doc = " ".join(tl.sgd.__doc__.split())
    assert "adds Gaussian noise to the gradient" in doc and "noise=0`` gives torch's SGD" in doc


def test_an_n_d_landscape_says_how_it_is_best_seen():
    S = tl.permutation_4d.as_2d()
    assert S.name == "permutation_4d[w_1, w_2]" and S.labels == ("w_1", "w_2")
    line = tl.permutation_4d.section((1, 3), at=[0.9289112940335778, 0.8878983424037584] * 2)
    kinds = {s.kind for s in line.critical_sets}
    assert kinds == {"saddle", "degenerate"}, "the line of permutation saddles lies in the (a_1, a_2) plane"


def test_a_long_search_stops_at_ctrl_c():
    """critical_points works in chunks and steps, so Ctrl-C stops it within a step, not after it has finished."""
    code = "import toylands as tl; print('go', flush=True); tl.critical_points(tl.get('rastrigin'), n=2000)"
    p = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert p.stdout.readline().strip() == "go"
    time.sleep(1.5)
    t = time.perf_counter()
    p.send_signal(signal.SIGINT)
    _, err = p.communicate(timeout=30)
    assert "KeyboardInterrupt" in err and time.perf_counter() - t < 5.0, err[-500:]
