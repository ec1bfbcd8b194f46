"""The benchmarks cannot rot: every one's quick mode runs here, and says in its last line (a JSON object, see
benchmarks/_report.py) that what it timed was real work: each timed call changed the picture, the run walked the
hand-written path, the batched plane is the looped one, ... No timing thresholds: test machines are too noisy.

The browser benchmark needs chromium and playwright: skipped where they are missing, never under CI (importing
tests/test_browser.py refuses that, as its own tests do).
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from test_browser import MISSING

ROOT = Path(__file__).resolve().parents[1]
BENCHMARKS = sorted(p.stem.removeprefix("bench_") for p in (ROOT / "benchmarks").glob("bench_*.py"))


def quick(name: str, timeout: float = 240) -> dict:
    """Run ``benchmarks/bench_<name>.py --quick``; return the report on its last line."""
    proc = subprocess.run([sys.executable, str(ROOT / "benchmarks" / f"bench_{name}.py"), "--quick"], cwd=ROOT,
                          capture_output=True, text=True, timeout=timeout)  # fmt: skip
    said = f"\n--- stdout:\n{proc.stdout[-3000:]}\n--- stderr:\n{proc.stderr[-3000:]}"
    assert proc.returncode == 0, f"bench_{name} --quick exited with {proc.returncode}{said}"
    lines = proc.stdout.strip().splitlines()
    assert lines, f"bench_{name} --quick printed nothing{said}"
    return json.loads(lines[-1])


def check(name: str, report: dict):
    assert report["benchmark"] == name and report["quick"] is True
    assert report["ok"] is True and all(report["checks"].values()), report["checks"]
    assert len(report["checks"]) >= 3, f"bench_{name} checks too little: {list(report['checks'])}"
    assert report["figures"] and all(v > 0 for v in report["figures"].values()), report["figures"]


def test_every_benchmark_is_run_here():
    assert BENCHMARKS == ["animate", "browser", "nets", "run", "widgets"], "a new benchmark needs its quick mode run here"


@pytest.mark.parametrize("name", [n for n in BENCHMARKS if n != "browser"])
def test_quick_mode_measures_real_work(name):
    check(name, quick(name))


@pytest.mark.skipif(bool(MISSING), reason=MISSING or "")
def test_browser_quick_mode_measures_real_work():
    report = quick("browser", timeout=400)
    check("browser", report)
    assert report["info"]["presses"] >= 2 and report["figures"]["new_slider_ms"] > 0


def test_a_benchmark_that_measured_nothing_fails():
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        from _report import finish

        with pytest.raises(SystemExit, match="did not measure real work: every call changed the picture"):
            finish("x", True, {"ms": 1.0}, {"every call changed the picture": False})
        with pytest.raises(SystemExit, match=r"figures are positive numbers \(figures \['ms'\]\)"):
            finish("x", True, {"ms": 0.0}, {"every call changed the picture": True})  # a median of 0.0 ms timed nothing
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))


def test_bench_widgets_sees_a_change_that_changed_nothing():
    """The bug it had: learning rates that snap to the slider's value already shown time a no-op."""
    import matplotlib

    matplotlib.use("Agg")
    import numpy as np

    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import bench_widgets as bench
        from toylands import widgets

        ex = widgets.Explorer("rosenbrock", "GD", lr=1e-3, steps=100, start=bench.START)
        _, missed = bench.timed_changes(ex, [{"lr": v} for v in np.logspace(-4, -3.9, 4)])  # 1e-4, 1.08e-4 (1e-4 again), ...
        assert len(missed) == 2 and all("changed not the slider, the path" in m for m in missed), missed
        _, missed = bench.timed_changes(ex, [{"lr": v} for v in (1.5e-4, 1.2e-4, 1.5e-4)])
        assert missed == []
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
