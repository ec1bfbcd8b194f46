"""Budgets of memory and time: say up front when work will not fit, show progress when it takes a while.

Core code (no matplotlib, no widgets). A progress bar is tqdm's (``tqdm.auto`` picks the notebook
widget in Jupyter and text elsewhere).
"""

from __future__ import annotations

import os

__all__ = ["available_memory", "check_memory", "progress", "gib"]


def available_memory() -> int:
    """Bytes of memory available now (Linux's MemAvailable), or of physical memory where that is unknown."""
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return 8 * 2**30


def gib(nbytes: float) -> str:
    """A byte count the way a person reads it: '7.28 TiB', '19.1 GiB', '240 MiB'."""
    for unit, size in (("PiB", 2**50), ("TiB", 2**40), ("GiB", 2**30)):
        if nbytes >= size:
            return f"{nbytes / size:.3g} {unit}"
    return f"{nbytes / 2**20:.3g} MiB"


def check_memory(nbytes: float, what: str, advice: str, error=MemoryError, share: float = 0.8):
    """Raise ``error`` before allocating ``nbytes`` when they exceed ``share`` of the memory available."""
    free = available_memory()
    if nbytes > share * free:
        raise error(f"{what} would need {gib(nbytes)} of memory, and {gib(free)} is available: {advice}")


def progress(iterable=None, *, total=None, desc: str = "", enabled: bool = True):
    """A tqdm progress bar over ``iterable`` (or a manual one of ``total`` steps) that vanishes when done."""
    if not enabled:
        return _Silent(iterable)
    from tqdm.auto import tqdm

    return tqdm(iterable, total=total, desc=desc, leave=False, mininterval=0.2)


class _Silent:
    """The same interface as a tqdm bar, doing nothing."""

    def __init__(self, iterable=None):
        self.iterable = iterable

    def __iter__(self):
        return iter(self.iterable)

    def update(self, n=1):
        pass

    def close(self):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        pass
