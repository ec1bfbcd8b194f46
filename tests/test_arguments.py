"""Every public entry point checks its arguments at the door (toylands._args): a careless input gets an error of the
module's own class that names the argument and says what is allowed, and work that would not fit is refused from a
forecast, before anything is allocated. One table per family of entry points, so that a new input of a known kind
is one more row."""

import time
import tracemalloc

import numpy as np
import pytest

import toylands as tl
from toylands import _args, _budget, nets
from toylands.landscape import LandscapeError
from toylands.nets import DataError
from toylands.optim import OptimizerError
from toylands.run import RunError

D = nets.two_moons(30, seed=0)
NET = nets.mlp_landscape(D, hidden=(4,), seed=0)
THETA = NET.starts[0]
BIG = 10**9  # a size that no machine holds: every forecast refuses it


def refuses(call, error, message):
    with pytest.raises(error, match=message) as info:
        call()
    assert not isinstance(info.value, MemoryError), "a forecast raises the module's own error, not numpy's"
    return info.value


# ---------------------------------------------------------------------------------------------
# The helper itself


@pytest.mark.parametrize(
    "check, message",
    [
        (lambda: _args.real("lr", "0.1", low=0, open_low=True), r"^lr must be a positive number; got '0.1' \(a str\)$"),
        (lambda: _args.real("b", True, low=0, high=1), r"^b must be a number in \[0, 1\]; got True \(a bool\)$"),
        (lambda: _args.real("x", float("nan")), r"^x must be a finite number; got nan$"),
        (lambda: _args.real("x", None, low=0), r"^x must be a number >= 0; got None$"),
        (lambda: _args.real("x", 1j, low=0), r"^x must be a number >= 0; got 1j \(a complex\)$"),
        (lambda: _args.whole("n", 2.0, 1), r"^n must be a whole number >= 1; got 2.0$"),
        (lambda: _args.whole("n", 9, 1, high=5), r"^n must be a whole number from 1 to 5; got 9$"),
        (lambda: _args.whole("n", "3"), r"^n must be a whole number >= 1; got '3' \(a str\)$"),
        (lambda: _args.reals("lr", [0.1, "a"], low=0), r"^lr must be a number >= 0, or a 1-D array of them .*\(a list\)$"),
        (lambda: _args.reals("lr", np.ones((2, 2))), r"got an array of shape \(2, 2\)\. For a grid .* toylands.grid"),
        (lambda: _args.reals("lr", [0.1, -1.0], low=0), r"got an array containing -1$"),
        (lambda: _args.reals("lr", []), r"got an empty array$"),
        (lambda: _args.choice("mode", "sine", ("a", "b")), r"^mode must be one of 'a', 'b'; got 'sine' \(a str\)$"),
        (lambda: _args.choice("mode", np.ones(2), ("a",)), r"^mode must be one of 'a'; got array"),
        (lambda: _args.flag("bias", "yes"), r"^bias must be True or False; got 'yes' \(a str\)$"),
        (lambda: _args.box("bounds", [(1, 0), (0, 1)], 2), r"^bounds must be 2 pairs \(low, high\) of finite numbers"),
        (lambda: _args.afford(2.0**70, "a grid", "use a smaller n"),
         r"^a grid would need 1\.05e\+06 PiB of memory, .*: use a smaller n$"),
        (lambda: _args.forecast(1e6, "a search", "use fewer", max_seconds=60),
         r"^a search would take about 11\.6 days here \(the limit is max_seconds=60\): use fewer$"),
    ],
)  # fmt: skip
def test_the_helper_names_the_argument_what_is_allowed_and_what_was_given(check, message):
    with pytest.raises((ValueError, MemoryError), match=message):
        check()


def test_the_helper_passes_good_values_through_and_costs_microseconds():
    assert _args.real("lr", np.float32(0.5), low=0) == 0.5 and _args.whole("n", np.int64(3)) == 3
    assert _args.reals("lr", [0.1, 0.2]).tolist() == [0.1, 0.2] and _args.choice("m", None, (None, "a")) is None
    t = time.perf_counter()
    for _ in range(10_000):
        _args.real("lr", 0.1, low=0, open_low=True)
        _args.whole("steps", 200, 0)
    assert (time.perf_counter() - t) / 10_000 < 2e-5, "a door check costs microseconds"


# ---------------------------------------------------------------------------------------------
# Obscure errors: one table per family, each row a call, the error class, and what the message must say


OPTIMIZERS = [
    (lambda: tl.gd("0.1"), r"^lr must be a positive number, or a 1-D array of them \(one per run\); got '0.1' \(a str\)"),
    (lambda: tl.gd(True), r"^lr must be a positive number.*got True \(a bool\)"),
    (lambda: tl.gd(None), r"^lr must be a positive number.*got None"),
    (lambda: tl.adam(0.1, eps="1e-8"), r"^eps must be a number >= 0.*got '1e-8' \(a str\)"),
    (lambda: tl.adam(0.1, b1=[0.9, "x"]), r"^b1 must be a number in \[0, 1\).*\(a list\)"),
    (lambda: tl.adam(0.1, amsgrad="yes"), r"^amsgrad must be True or False; got 'yes'"),
    (lambda: tl.momentum(0.1, momentum=5), r"^momentum must be a number in \[0, 1\).*got 5"),
    (lambda: tl.sgd(0.1, seed="0"), r"^seed must be a whole number >= 0; got '0' \(a str\)"),
    (lambda: tl.sgd(0.1, momentum=0.9, nesterov=1), r"^nesterov must be True or False; got 1"),
    (lambda: tl.rmsprop(0.1, centered="no"), r"^centered must be True or False"),
    (lambda: tl.lbfgs(history=10**7), r"^history must be a whole number of steps from 1 to 1000; got 10000000"),
    (lambda: tl.newton(damping=-1), r"^damping must be a number >= 0"),
    (lambda: tl.optimizer(lambda g, s: (-g, s), lr="0.1"), r"^lr must be a finite number.*got '0.1' \(a str\)"),
    (lambda: tl.grid(lr=[0.1], momentum="a"), r"^momentum must be a finite number.*got 'a' \(a str\)"),
]

SCHEDULES = [
    (lambda: tl.step_decay(0.1, every="10"), r"^every must be a whole number of steps >= 1; got '10' \(a str\)"),
    (lambda: tl.cosine_decay(0.1, steps=2.5), r"^steps must be a whole number of steps >= 1; got 2.5"),
    (lambda: tl.warmup(0.1, steps=0), r"^steps must be a whole number of steps >= 1; got 0"),
    (lambda: tl.multi_step(0.1, milestones=5), r"^milestones must be a list of steps, e.g. \[100, 200\]; got 5"),
    (lambda: tl.multi_step(0.1, milestones=[10, 2.5]), r"^a milestone must be a whole number of steps >= 0; got 2.5"),
    (lambda: tl.one_cycle(0.1, total_steps=10, pct_start=2), r"^pct_start must be a number in \[0, 1\]"),
    (lambda: tl.one_cycle(0.1, total_steps=10, anneal_strategy="cosine"), r"^anneal_strategy must be one of 'cos', 'linear'"),
    (lambda: tl.cyclic(0.01, 0.1, mode="sine"), r"^mode must be one of 'triangular', 'triangular2', 'exp_range'"),
    (lambda: tl.exponential_decay("0.1", 0.9), r"^lr must be a positive number.*\(a str\)"),
]

RUNS = [
    (lambda: tl.run(tl.gd(0.1), tl.bowl, steps="10"), RunError, r"^steps must be a whole number >= 0; got '10'"),
    (lambda: tl.run(tl.gd(0.1), tl.bowl, seed=-1), RunError, r"^seed must be a whole number >= 0; got -1"),
    (lambda: tl.run(tl.gd(0.1), tl.bowl, common_noise="yes"), RunError, r"^common_noise must be True or False"),
    (lambda: tl.run(tl.gd(0.1), tl.bowl, progress="no"), RunError, r"^progress must be True or False"),
    (lambda: tl.run(tl.gd(0.1), tl.bowl, noise="0.1"), OptimizerError, r"^noise must be a number >= 0.*\(a str\)"),
    (lambda: tl.gradient_flow(tl.bowl, lr="0.1", steps=10), OptimizerError, r"^lr must be a positive number"),
]

ANALYSIS = [
    (lambda: tl.critical_points(tl.himmelblau, n=2.5), LandscapeError, r"^n must be a whole number of starts >= 1; got 2.5"),
    (lambda: tl.critical_points(tl.himmelblau, gtol=0), LandscapeError, r"^gtol must be a positive number; got 0"),
    (lambda: tl.critical_points(tl.himmelblau, include_sets=1), LandscapeError, r"^include_sets must be True or False"),
    (lambda: tl.grid_minimum(tl.himmelblau, n="10"), LandscapeError, r"^n must be a whole number of points per axis >= 2"),
    (lambda: tl.basins(tl.gd(0.1), tl.himmelblau, n=10.0), LandscapeError, r"^n must be a whole number of grid points"),
    (lambda: tl.basins(tl.gd(0.1), tl.himmelblau, bounds=[(1, 0), (0, 1)]), LandscapeError,
     r"^bounds must be 2 pairs \(low, high\) of finite numbers with low < high"),
    (lambda: tl.basins(tl.gd(0.1), tl.himmelblau, radius=-1), LandscapeError, r"^radius must be a positive number"),
    (lambda: tl.lr_sweep(tl.gd, tl.bowl, lrs=["a"]), RunError, r"^lrs must be a positive number, or a 1-D array"),
    (lambda: tl.tune(tl.gd, tl.bowl, lrs=[0.1, 0.2]), RunError, r"at least three positive learning rates.*got 2"),
    (lambda: tl.tune(tl.gd, tl.bowl, last=0), RunError, r"^last must be a number in \(0, 1\]"),
    (lambda: tl.escape_times(tl.saddle, [0, 0], [0.1], seeds=2.0), RunError,
     r"^seeds must be a whole number of runs per noise level >= 1; got 2.0"),
    (lambda: tl.escape_times(tl.saddle, [0, 0], [-0.1]), RunError, r"^noises must be a number >= 0"),
    (lambda: tl.classify(tl.bowl, [1, 1]), LandscapeError, r"^\[1.0, 1.0\] is not a critical point of 'bowl'"),
    (lambda: tl.learning_coefficient(tl.bowl, [0, 0], sampler="hmc"), LandscapeError,
     r"^sampler must be one of 'tempered', 'sgld' \(parallel-tempered MALA, or devinterp's SGLD\); got 'hmc'"),
    (lambda: tl.learning_coefficient(tl.bowl, [0, 0], chains=2.0), LandscapeError, r"^chains must be a whole number >= 2"),
    (lambda: tl.learning_coefficient(tl.bowl, [0, 0], seed=-1), LandscapeError, r"^seed must be a whole number >= 0"),
    (lambda: tl.tempered_expectation(tl.bowl, [0, 0], n_beta="1e3"), LandscapeError, r"^n_beta must be a positive number"),
]

LANDSCAPES = [
    (lambda: tl.get("rosenbrock", b="1"), r"^b must be a number in \(0, 10000\].*got '1' \(a str\)"),
    (lambda: tl.get("rosenbrock_nd", n=2.5), r"^n must be a whole number in \[2, 12\].*got 2.5"),
    (lambda: tl.himmelblau.grid(n="10"), r"^n must be a whole number of points per axis >= 2; got '10' \(a str\)"),
    (lambda: tl.himmelblau.grid(20, bounds=[(0, 1)]), r"^bounds must be 2 pairs"),
    (lambda: tl.Landscape("x", lambda p: p[..., 0] ** 2, [(-1, 1)], critical=[(0,)]), r"must hold CriticalPoint"),
]

NETS = [
    (lambda: nets.two_moons(30, noise=-1), r"^noise must be a number >= 0; got -1"),
    (lambda: nets.two_moons(30, seed=1.5), r"^seed must be a whole number >= 0; got 1.5"),
    (lambda: nets.spirals(30, turns=0), r"^turns must be a positive number; got 0"),
    (lambda: nets.circles(30, factor="half"), r"^factor must be a positive number; got 'half' \(a str\)"),
    (lambda: nets.teacher_student(30, n_inputs=0), r"^n_inputs must be a whole number >= 1; got 0"),
    (lambda: nets.linear_teacher([1.0, "a"]), r"^singular_values must be a number >= 0"),
    (lambda: nets.modular_addition(7, train_fraction="0.5"), r"^train_fraction must be a number in \(0, 1\); got '0.5'"),
    (lambda: nets.mlp_landscape(D, scale=-1), r"^scale must be a positive number; got -1"),
    (lambda: nets.mlp_landscape(D, n_starts=0), r"^n_starts must be a whole number >= 1; got 0"),
    (lambda: nets.propagate("1.5", 0.05), r"^sigma_w2 must be a positive number.*got '1.5' \(a str\)"),
    (lambda: nets.propagate(1.5, 0.05, seed=-2), r"^seed must be a whole number >= 0"),
    (lambda: nets.top_eigenvalues(NET, THETA, k=10**6), r"^k must be a whole number of eigenvalues from 1 to 17"),
    (lambda: nets.top_eigenvalues(NET, THETA, k=2.5), r"^k must be a whole number of eigenvalues from 1 to 17; got 2.5"),
    (lambda: nets.spectral_density(NET, THETA, sigma=0), r"^sigma must be a positive number"),
    (lambda: nets.interpolate(NET, THETA, THETA, n=1), r"^n must be a whole number of points >= 2"),
    (lambda: nets.interpolate(NET, THETA, THETA, extend=-1), r"^extend must be a number >= 0"),
    (lambda: nets.swap_path(NET, THETA, 0.5, 1), r"^i must be a whole number >= 0; got 0.5"),
    (lambda: nets.bezier(NET, THETA, THETA, samples=0), r"^samples must be a whole number >= 1"),
    (lambda: nets.train(NET, tl.adam(0.01), steps=10, seed="0"), r"^seed must be a whole number >= 0; got '0' \(a str\)"),
    (lambda: nets.init_params(NET.model, seed=-1), r"^seed must be a whole number >= 0; got -1"),
    (lambda: nets.mean_field_init(NET.model, 1.0, 0.05, seed=-1), r"^seed must be a whole number >= 0; got -1"),
    (lambda: nets.random_permutation(NET, seed="a"), r"^seed must be a whole number >= 0; got 'a' \(a str\)"),
    (lambda: nets.random_plane(NET, THETA, seed=2.5), r"^seed must be a whole number >= 0; got 2.5"),
    (lambda: nets.random_plane(NET, THETA, span=-1), r"^span must be a positive number; got -1"),
    (lambda: nets.new_head(NET, NET, THETA, seed=-1), r"^seed must be a whole number >= 0; got -1"),
    (lambda: nets.rotate(D, "30"), r"^degrees must be a finite number; got '30' \(a str\)"),
    (lambda: nets.prune(NET, THETA, "0.5"), r"^fraction must be a number in \[0, 1\]; the share of weights removed; got '0.5'"),
    (lambda: nets.sharpness_during_training(NET, lr=0.1, steps=10, every=0), r"^every must be a whole number of steps >= 1"),
    (lambda: nets.weight_matching(NET, THETA, THETA, max_iter=0), r"^max_iter must be a whole number >= 1; got 0"),
    (lambda: nets.pca_plane(NET, tl.run(tl.adam(0.01), NET, steps=20), run=5), r"^run must be a whole number .* from 0 to 0"),
    (lambda: nets.correlation_curve(0.5, 2.5, 1.5, 0.05), r"^depth must be a whole number >= 0; got 2.5"),
    (lambda: nets.q_star([[1.0, "a"]], 0.05), r"^sigma_w2 must be a positive number, or an array of them"),
]


@pytest.mark.parametrize("call, message", OPTIMIZERS + SCHEDULES)
def test_optimizers_and_schedules_name_each_hyperparameter(call, message):
    refuses(call, OptimizerError, message)


@pytest.mark.parametrize("call, error, message", RUNS + ANALYSIS)
def test_runs_and_searches_name_each_argument(call, error, message):
    refuses(call, error, message)


@pytest.mark.parametrize("call, message", LANDSCAPES)
def test_landscapes_name_each_argument(call, message):
    refuses(call, LandscapeError, message)


@pytest.mark.parametrize("call, message", NETS)
def test_networks_and_data_name_each_argument(call, message):
    refuses(call, DataError, message)


@pytest.mark.parametrize(
    "dpi, message",
    [("0", "got 0"), ("5", "got 5"), ("100000", "got 100000")],
)
def test_gallery_refuses_a_dpi_it_cannot_draw_with_exit_2(tmp_path, capsys, dpi, message):
    from toylands.__main__ import main

    assert main(["gallery", str(tmp_path / "g"), "--only", "bowl", "--dpi", dpi]) == 2
    err = capsys.readouterr().err
    assert err.startswith("python -m toylands gallery: dpi must be a whole number of dots per inch from 10 to 1200")
    assert message in err
    assert "Traceback" not in err and not (tmp_path / "g").exists()


# ---------------------------------------------------------------------------------------------
# Hangs: searches that do not size themselves up. Each is refused from its forecast, before it allocates, at once.


MEMORY = [
    (lambda: tl.critical_points(tl.himmelblau, n=BIG), LandscapeError, "critical_points on the 2-D 'himmelblau' from"),
    (lambda: tl.critical_points(tl.get("rastrigin"), n=10**5), LandscapeError, "from 10000000000 starts"),
    (lambda: tl.grid_minimum(tl.himmelblau, n=BIG), LandscapeError, "grid_minimum on a grid of"),
    (lambda: tl.basins(tl.gd(0.1), tl.himmelblau, n=10**6), LandscapeError, "basins on a grid of 1000000 x 1000000"),
    (lambda: tl.escape_times(tl.saddle, [0, 0], [0.1], seeds=BIG), RunError, "escape_times: 1 noise levels x"),
    (lambda: tl.learning_coefficient(tl.bowl, [0, 0], draws=10**8, chains=10**4), LandscapeError,
     "learning_coefficient with 10000 chains"),
    (lambda: tl.tempered_expectation(tl.bowl, [0, 0], n=10**6), LandscapeError, "tempered_expectation on a grid"),
    (lambda: tl.gradient_flow(tl.bowl, lr=0.1, steps=10**12), RunError, "gradient_flow sampled at"),
    (lambda: tl.run(tl.adam(0.1), tl.bowl, steps=10**12), RunError, "a run of 1000000000000 steps"),
    (lambda: tl.himmelblau.grid(n=10**6), LandscapeError, "a grid of 1000000 x 1000000 points"),
    (lambda: tl.grid(lr=np.ones(10**4), momentum=np.ones(10**4), b=np.ones(10**4)), OptimizerError, "a grid of 10000 x"),
    (lambda: nets.two_moons(10**12), DataError, "two moons with n = 1000000000000 samples"),
    (lambda: nets.teacher_student(30, n_inputs=10**6, hidden=10**6), DataError, "teacher_student with"),
    (lambda: nets.linear_teacher(size=10**7), DataError, "linear_teacher with size"),
    (lambda: nets.modular_addition(10**4), DataError, "modular_addition with p = 10000"),
    (lambda: nets.propagate(1.5, 0.05, width=10**6), DataError, "propagate through 30 layers of width 1000000"),
    (lambda: nets.mlp_landscape(D, hidden=(10**5, 10**5)), DataError, r"an MLP 2-100000-100000-1"),
    (lambda: nets.interpolate(NET, THETA, THETA + 1, n=BIG), DataError, "interpolate at 1000000000 points"),
    (lambda: nets.swap_path(NET, THETA, n=BIG), DataError, "interpolate at"),
    (lambda: nets.hessian_trace(NET, THETA, samples=10**12), DataError, "hessian_trace with"),
    (lambda: nets.bezier(NET, THETA, THETA + 1, steps=1, samples=BIG), DataError, "bezier with"),
    (lambda: nets.roughness(nets.plane(NET, THETA, np.eye(NET.dim)[0], np.eye(NET.dim)[1]), n=10**6), DataError,
     "a grid of 1000000 x 1000000 networks"),
    (lambda: nets.transfer(NET, NET, seeds=BIG), DataError, "transfer with 1000000000 seeds"),
    (lambda: nets.grokking(p=7, steps=BIG, every=1), DataError, "grokking with p = 7"),
    (lambda: nets.correlation_curve(0.5, 10**10, 1.5, 0.05), DataError, "correlation_curve through 10000000000 layers"),
]


@pytest.mark.parametrize("call, error, what", MEMORY)
def test_work_that_cannot_fit_is_refused_from_its_forecast_before_it_allocates(call, error, what):
    tracemalloc.start()
    t = time.perf_counter()
    try:
        e = refuses(call, error, "would need .* of memory, and .* is available: ")
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    assert str(e).startswith(what) or what in str(e)
    assert time.perf_counter() - t < 1.0, "a refusal is immediate"
    assert peak < 64 * 2**20, f"{peak / 2**20:.0f} MiB were allocated before the refusal"


def test_the_forecast_follows_the_memory_there_is(monkeypatch):
    """The same call is refused on a small machine and allowed on a large one: the limit is read, not hard-coded."""
    call = lambda: tl.grid_minimum(tl.himmelblau, n=300)  # noqa: E731
    monkeypatch.setattr(_budget, "available_memory", lambda: 2**10)
    refuses(call, LandscapeError, r"^grid_minimum on a grid of 300\*\*2 points over 'himmelblau' would need .* of memory, "
            r"and 0.000977 MiB is available: use a smaller n$")
    monkeypatch.setattr(_budget, "available_memory", lambda: 2**34)
    x, v = call()
    assert v < 0.01  # one of the four minima, found on a grid of 300 x 300


TIME = [
    (lambda: tl.grid_minimum(tl.himmelblau, n=10**6), LandscapeError, r"^grid_minimum on a grid of 1000000\*\*2 points"),
    (lambda: tl.critical_points(tl.himmelblau, n=300, max_seconds=1e-4), LandscapeError, r"^critical_points on the 2-D"),
    (lambda: tl.basins(tl.gd(0.01), tl.himmelblau, n=3000, steps=10**5), LandscapeError, r"^basins on a grid of 3000 x 3000"),
    (lambda: tl.learning_coefficient(tl.bowl, [0, 0], burn_in=10**9, draws=10), LandscapeError,
     r"^learning_coefficient with 8 chains x \d+ temperatures x 1000000010 steps"),
]


@pytest.mark.parametrize("call, error, message", TIME)
def test_searches_that_would_run_for_ages_say_so_up_front(call, error, message):
    t = time.perf_counter()
    e = refuses(call, error, message)
    assert "would take about" in str(e) and "max_seconds" in str(e)
    assert time.perf_counter() - t < 2.0, "the forecast is a short pilot, not the work"


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda w: w.Explorer("bowl", lr="0.1"), r"^lr must be a positive number; got '0.1' \(a str\)"),
        (lambda w: w.Race("bowl", {"GD": "0.1"}), r"^lr GD must be a positive number; got '0.1' \(a str\)"),
        (lambda w: w.Race("bowl", steps=2.5), r"^steps must be a whole number; got 2.5"),
        (lambda w: w.Explorer("bowl", seed="1"), r"^seed must be a whole number >= 0; got '1'"),
        (lambda w: w.Pruning(NET, THETA, n=10**6), r"^21 pictures of 1000000 x 1000000 points would need .* of memory"),
        (lambda w: w.NetworkPath(NET, {"a": [THETA, THETA + 1]}, n_grid=10**5), r"^2 pictures of 100000 x 100000 points"),
        (lambda w: w.NetworkPath(NET, {"a": [THETA, THETA + 1]}, n_grid=2.5), r"^n_grid must be a whole number of points"),
        (lambda w: w.SignalPropagation(width=10**6), r"^propagate through 30 layers of width 1000000"),
        (lambda w: w.TemperedPosterior(draws=BIG), r"^learning_coefficient with 8 chains .* would need"),
    ],
)
def test_widgets_check_what_they_are_made_with(make, message):
    w = pytest.importorskip("toylands.widgets")
    t = time.perf_counter()
    with pytest.raises(ValueError, match=message):
        make(w)
    assert time.perf_counter() - t < 2.0


def test_a_long_search_that_is_allowed_shows_a_progress_bar(monkeypatch):
    shown = []
    real = _budget.progress

    def spy(iterable=None, **kw):
        shown.append(kw.get("enabled", True))
        return real(iterable, **{**kw, "enabled": False})

    import toylands.analysis as analysis

    monkeypatch.setattr(analysis, "progress_bar", spy)
    monkeypatch.setattr(_args, "PROGRESS_SECONDS", 0.0)  # every forecast counts as long
    tl.grid_minimum(tl.himmelblau, n=50)
    assert shown == [True]
