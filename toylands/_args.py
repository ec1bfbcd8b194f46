"""Arguments checked at the door: one vocabulary for what is wrong and what is allowed, and a forecast of the
memory and time a call will take, made before anything is allocated.

Every public entry point checks what it is given here, raising its own module's error class (``LandscapeError``,
``RunError``, ``OptimizerError``, ``DataError`` ...: all ``ValueError``), so that a careless input meets the same
words wherever it goes::

    >>> from toylands._args import whole, real
    >>> whole("steps", 2.5, 0)
    Traceback (most recent call last):
    ...
    ValueError: steps must be a whole number >= 0; got 2.5
    >>> real("lr", "0.1", low=0, open_low=True)
    Traceback (most recent call last):
    ...
    ValueError: lr must be a positive number; got '0.1' (a str)

A check costs a microsecond or two: cheap enough for every call, never inside a loop.
Core code: numpy only.
"""

from __future__ import annotations

import math
from numbers import Integral, Real

import numpy as np

from ._budget import check_memory, gib

__all__ = ["got", "interval", "real", "reals", "whole", "positive", "probability", "choice", "flag", "box", "afford",
           "forecast", "gib"]  # fmt: skip

#: Above this many seconds a forecast shows a progress bar.
PROGRESS_SECONDS = 3.0


def got(value) -> str:
    """What was given, for an error message: ``2.5``, ``'0.1' (a str)``, ``None``, ``True (a bool)``."""
    if value is None:
        return "None"
    text = repr(value)
    text = text if len(text) <= 60 else text[:57] + "..."
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (Real, np.ndarray)):
        return f"{text} (a {type(value).__name__})"
    return text


def interval(low=None, high=None, open_low=False, open_high=False) -> str:
    """``[0, 1)``, ``(0, inf)``: the allowed range, with brackets saying whether the ends belong to it."""
    left = "(" if open_low or low is None else "["
    right = ")" if open_high or high is None else "]"
    return f"{left}{'-inf' if low is None else f'{low:g}'}, {'inf' if high is None else f'{high:g}'}{right}"


def _is_number(value) -> bool:
    return isinstance(value, (Real, np.integer, np.floating)) and not isinstance(value, (bool, np.bool_))


def real(name: str, value, *, low=None, high=None, open_low=False, open_high=False, error: type = ValueError,
         why: str = "") -> float:  # fmt: skip
    """``value`` as a finite float in the range given, or ``error`` saying ``name must be a number in [low, high]``.

    Strings (even ``'0.1'``), booleans, ``None`` and complex numbers are refused: a number is a number.
    ``why`` is added to the message (what goes wrong outside the range).
    """
    ok = _is_number(value) and math.isfinite(value)
    if ok:
        value = float(value)
        ok = (low is None or value > low or (value == low and not open_low)) and (
            high is None or value < high or (value == high and not open_high)
        )
    if not ok:
        raise error(f"{name} must be {_allowed(low, high, open_low, open_high)}{'; ' + why if why else ''}; got {got(value)}")
    return value


def _allowed(low, high, open_low, open_high) -> str:
    """'a positive number', 'a number >= 0', 'a number in [0, 1)', 'a finite number'."""
    if high is None and low is not None:
        return "a positive number" if low == 0 and open_low else f"a number {'>' if open_low else '>='} {low:g}"
    if low is None and high is None:
        return "a finite number"
    return f"a number in {interval(low, high, open_low, open_high)}"


def positive(name: str, value, *, error: type = ValueError) -> float:
    """``value`` as a float > 0."""
    return real(name, value, low=0, open_low=True, error=error)


def probability(name: str, value, *, error: type = ValueError) -> float:
    """``value`` as a float in [0, 1]."""
    return real(name, value, low=0, high=1, error=error)


def reals(name: str, value, *, low=None, high=None, open_low=False, open_high=False, error: type = ValueError,
          per_run: bool = True) -> np.ndarray:  # fmt: skip
    """``value`` (a number or a 1-D array of numbers, one per run; an array of any shape unless ``per_run``) as a
    float array, every entry checked as ``real`` checks one: ``lr must be a positive number, or a 1-D array of them
    (one per run); got '0.1' (a str)``."""
    array = "a 1-D array of them (one per run)" if per_run else "an array of them"
    what = f"{name} must be {_allowed(low, high, open_low, open_high)}, or {array}"
    if _is_number(value):
        arr = np.asarray(float(value))
    else:
        listed = isinstance(value, (list, tuple))
        if not (listed or isinstance(value, np.ndarray)) or (listed and per_run and not all(_is_number(v) for v in value)):
            raise error(f"{what}; got {got(value)}")
        try:
            arr = np.asarray(value)
        except ValueError:  # a ragged list
            raise error(f"{what}; got {got(value)}") from None
        if arr.dtype.kind not in "iuf" or (arr.ndim > 1 and per_run):
            shape = f"an array of shape {arr.shape}" if arr.ndim > 1 else f"an array of {arr.dtype}"
            grid = " For a grid of two hyperparameters use toylands.grid(lr=..., momentum=...)." if arr.ndim > 1 else ""
            raise error(f"{what}; got {shape}.{grid}")
        arr = arr.astype(float)
        if arr.size == 0:
            raise error(f"{what}; got an empty array")
    bad = ~np.isfinite(arr)
    if low is not None:
        bad |= (arr < low) | ((arr == low) & open_low)
    if high is not None:
        bad |= (arr > high) | ((arr == high) & open_high)
    if bad.any():
        shown = f"{arr.item():g}" if arr.ndim == 0 else f"an array containing {arr[bad].flat[0]:g}"
        raise error(f"{what}; got {shown}")
    return arr


def whole(name: str, value, low: int = 1, *, high: int | None = None, error: type = ValueError, unit: str = "") -> int:
    """``value`` as an int ``>= low`` (and ``<= high``), or ``error`` saying that ``name`` must be a whole number
    (``unit``, e.g. ``" of steps"``): booleans, floats (even ``3.0``) and strings are refused."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (Integral, np.integer)) or value < low or (
        high is not None and value > high
    ):
        allowed = f">= {low}" if high is None else f"from {low} to {high}"
        raise error(f"{name} must be a whole number{unit} {allowed}; got {got(value)}")
    return int(value)


def choice(name: str, value, options, *, error: type = ValueError, why: str = ""):
    """``value`` if it is one of ``options``, else ``error`` listing them (and ``why``, what they mean)."""
    try:
        ok = any(value is o or (type(value) is type(o) and value == o) for o in options)
    except (TypeError, ValueError):  # an array compared with a word
        ok = False
    if not ok:
        raise error(f"{name} must be one of {', '.join(map(repr, options))}{' (' + why + ')' if why else ''}; got {got(value)}")
    return value


def flag(name: str, value, *, error: type = ValueError) -> bool:
    """``value`` if it is True or False."""
    if not isinstance(value, (bool, np.bool_)):
        raise error(f"{name} must be True or False; got {got(value)}")
    return bool(value)


def box(name: str, value, dim: int, *, error: type = ValueError) -> np.ndarray:
    """``value`` as a ``(dim, 2)`` array of finite ``(low, high)`` pairs with ``low < high``."""
    try:
        b = np.array(value, dtype=float)
    except (TypeError, ValueError):
        b = None
    if b is None or b.shape != (dim, 2) or not np.all(np.isfinite(b)) or np.any(b[:, 0] >= b[:, 1]):
        raise error(f"{name} must be {dim} pairs (low, high) of finite numbers with low < high; got {got(value)}")
    return b


def afford(nbytes: float, what: str, advice: str, *, error: type = MemoryError) -> None:
    """Refuse, before anything is allocated, work whose arrays would not fit in memory: ``"a grid of 10**12
    points would need 7.28 TiB of memory, and 3.1 GiB is available: use a smaller n"`` (``run``'s words)."""
    check_memory(float(nbytes), what, advice, error)


def forecast(seconds: float, what: str, advice: str, *, max_seconds: float, error: type = ValueError) -> bool:
    """Refuse work forecast to take longer than ``max_seconds``; return whether it is long enough for a progress bar.

    ``seconds`` is an estimate made before the work starts (a timed pilot, scaled up).
    """
    if seconds > max_seconds:
        raise error(f"{what} would take about {duration(seconds)} here (the limit is max_seconds={max_seconds:g}): {advice}")
    return seconds > PROGRESS_SECONDS


def duration(seconds: float) -> str:
    """``'40 s'``, ``'12 minutes'``, ``'3.2 hours'``, ``'41 days'``."""
    if seconds < 120:
        return f"{seconds:.2g} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} minutes"
    if seconds < 2 * 86400:
        return f"{seconds / 3600:.2g} hours"
    return f"{seconds / 86400:.3g} days"
