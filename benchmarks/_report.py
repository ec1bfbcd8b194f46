"""What every benchmark shares: its command line (``--quick``), and the last line it prints.

A benchmark prints its figures for people, then one JSON line for machines::

    {"benchmark": "run", "quick": true, "figures": {...}, "checks": {...}, "info": {...}, "ok": true}

``checks`` says, each by name, that what was timed was real work (every timed call changed the picture, the run
walked the same path as the baseline, ...). A check that fails makes the benchmark exit non-zero: a figure that
timed nothing is worse than no figure. tests/test_benchmarks.py runs every quick mode and reads that line.
"""

import argparse
import json
import math
import sys


def arguments(doc: str, add=None) -> argparse.Namespace:
    """The command line every benchmark takes: ``--quick`` (seconds, for CI) and whatever ``add(parser)`` adds."""
    ap = argparse.ArgumentParser(description=doc.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="a small version that runs in seconds (CI runs it)")
    if add is not None:
        add(ap)
    return ap.parse_args()


def finish(name: str, quick: bool, figures: dict, checks: dict, info: dict | None = None) -> None:
    """Print the JSON line; exit non-zero, naming them, if any check failed or a figure is not a positive number.

    ``figures`` are the timings and ratios (each a positive number); ``info`` holds counts that may be 0 (page faults).
    """
    bad = [k for k, v in figures.items() if not (isinstance(v, (int, float)) and math.isfinite(v) and v > 0)]
    checks = {**{k: bool(v) for k, v in checks.items()}, "figures are positive numbers": not bad}
    failed = [k for k, ok in checks.items() if not ok]
    print(
        json.dumps(
            {"benchmark": name, "quick": quick, "figures": figures, "checks": checks, "info": info or {}, "ok": not failed}
        )
    )
    if failed:
        sys.exit(f"{name}: did not measure real work: {'; '.join(failed)}" + (f" (figures {bad})" if bad else ""))
