"""One registry for the catalogue: each entry is a factory whose keyword arguments are its params.

A catalogue entry is one declaration, read top to bottom: a factory decorated with ``@entry(...)``
(the allowed range of each parameter) that returns a ``Landscape`` naming itself, its group, its
parameters and its factory. The registry checks that these agree; it never edits a landscape.
"""

from __future__ import annotations

import difflib
import functools
import inspect
import math
from typing import NamedTuple
from collections.abc import Callable

import numpy as np

from .._args import got, interval, real
from ..landscape import Landscape, LandscapeError

GROUPS = {
    "bowls": "Bowls: one minimum, and how its shape (conditioning, rotation) steers descent",
    "valleys": "Ravines and valleys: narrow curved floors that make gradient descent zig-zag",
    "saddles": "Saddles: flat points that are not minima, ordinary and degenerate",
    "plateaus": "Plateaus and cliffs: vanishing and exploding gradients",
    "multimodal": "Many minima: where you start decides where you end",
    "sharpness": "Sharp versus flat: equal depth, different curvature",
    "symmetric": "Connected and singular minima: rings, hyperbolas, crossings, permutation symmetry",
    "classic": "Classic test functions from the optimization literature",
}


def _is_whole(value) -> bool:
    """A finite number with no fractional part (3 or 3.0; not True, not '3')."""
    number = isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, (bool, np.bool_))
    return number and math.isfinite(value) and value == round(value)


class Param(NamedTuple):
    """The allowed values of a landscape parameter: ``[low, high]`` (``(low, high]`` with ``open_low``).

    ``log`` says that a slider should move on a log scale; ``integer`` that only whole numbers
    are allowed; ``slider`` narrows the range a slider offers (default: the allowed range);
    ``why`` explains the limits in the error message.
    """

    low: float
    high: float
    log: bool = False
    integer: bool = False
    open_low: bool = False
    slider: tuple[float, float] | None = None
    why: str = ""

    def check(self, name: str, value):
        why = f"; {self.why}" if self.why else ""
        if self.integer:
            if _is_whole(value) and self.low <= value <= self.high and not (self.open_low and value == self.low):
                return int(round(value))
            raise LandscapeError(f"{name} must be a whole number in {interval(self.low, self.high, self.open_low)}{why}; "
                                 f"got {got(value)}")  # fmt: skip
        return real(name, value, low=self.low, high=self.high, open_low=self.open_low, error=LandscapeError, why=self.why)

    @property
    def slider_range(self) -> tuple[float, float]:
        return self.slider or (self.low, self.high)


_FACTORIES: dict[str, Callable[..., Landscape]] = {}
_PARAMS: dict[str, dict[str, Param]] = {}


def entry(**specs: Param):
    """Register a factory ``name(**params) -> Landscape`` in the catalogue; ``specs`` give each parameter's range."""

    def register(factory):
        name = factory.__name__
        defaults = {
            k: p.default for k, p in inspect.signature(factory).parameters.items() if p.default is not inspect.Parameter.empty
        }
        if set(defaults) != set(specs):
            raise TypeError(f"catalogue entry {name}: declare the range of every parameter ({', '.join(defaults) or 'none'})")

        @functools.wraps(factory)
        def build(**params):
            unknown = set(params) - set(defaults)
            if unknown:
                raise LandscapeError(
                    f"{name!r} has no parameter {', '.join(sorted(unknown))}; its parameters: {', '.join(defaults) or 'none'}"
                )
            params = {k: specs[k].check(k, v) for k, v in {**defaults, **params}.items()}
            landscape = factory(**params)
            _check_declaration(landscape, name, params, build)
            return landscape

        _FACTORIES[name] = build
        _PARAMS[name] = dict(specs)
        return build

    return register


def _check_declaration(L: Landscape, name: str, params: dict, build):
    """A declaration must say who it is: its name, its group, its parameters and its factory."""
    problems = []
    if L.name != name:
        problems.append(f"its name is {L.name!r}, not {name!r}")
    if L.group not in GROUPS:
        problems.append(f"its group {L.group!r} is not one of {', '.join(GROUPS)}")
    if dict(L.params) != params:
        problems.append(f"it declares params {dict(L.params)} for {params}")
    if L.make is not build:
        problems.append(f"it does not name its factory (make={name})")
    if problems:
        raise LandscapeError(f"catalogue entry {name}: " + "; ".join(problems))


def param_ranges(name: str) -> dict[str, Param]:
    """The allowed range of each parameter of the catalogue landscape ``name``."""
    return dict(_PARAMS[_key(name)])


@functools.cache
def _default(name: str) -> Landscape:
    return _FACTORIES[name]()


def _key(name) -> str:
    key = str(name).strip().lower().replace("-", "_").replace(" ", "_")
    if key not in _FACTORIES:
        close = difflib.get_close_matches(key, list(_FACTORIES), n=4, cutoff=0.5)
        hint = f" Did you mean {', '.join(close)}?" if close else ""
        raise LandscapeError(f"No landscape named {name!r}.{hint} See toylands.landscapes() for all {len(_FACTORIES)}.")
    return key


def get(name: str | Landscape, **params) -> Landscape:
    """The catalogue landscape called ``name``, with ``params`` changed from their defaults.

    A Landscape passes through (with ``params`` changed, if any), so every function that takes a
    landscape also takes a catalogue name.
    """
    if isinstance(name, Landscape):
        return name.with_params(**params) if params else name
    if not isinstance(name, str):
        raise LandscapeError(f"a landscape must be a toylands Landscape or a catalogue name; got {type(name).__name__}")
    key = _key(name)
    return _FACTORIES[key](**params) if params else _default(key)


def landscapes(group: str | None = None, tag: str | None = None) -> list[str]:
    """Names of the catalogue's landscapes, in catalogue order, optionally of one group or tag."""
    if group is not None and group not in GROUPS:
        raise LandscapeError(f"unknown group {group!r}; groups: {', '.join(GROUPS)}")
    names = list(_FACTORIES)
    if group is not None:
        names = [n for n in names if _default(n).group == group]
    if tag is not None:
        names = [n for n in names if tag in _default(n).tags]
    return names


def catalogue() -> dict[str, list[str]]:
    """The catalogue's names grouped by what they teach: ``{group: [names]}``."""
    return {g: landscapes(g) for g in GROUPS if landscapes(g)}


### helpers for writing entries


def stack(*cols):
    """``np.stack`` of columns on a new last axis (a gradient), broadcasting them where they differ."""
    first = cols[0]
    if type(first) is np.ndarray and all(type(c) is np.ndarray and c.shape == first.shape and c.dtype == first.dtype
                                         for c in cols):  # the common case, a step of a run: 4x faster than np.stack
        out = np.empty((*first.shape, len(cols)), first.dtype)
        for i, c in enumerate(cols):
            out[..., i] = c
        return out
    try:
        return np.stack(cols, axis=-1)
    except ValueError:  # constants beside arrays
        return np.stack(np.broadcast_arrays(*cols), axis=-1)


def sym2(hxx, hxy, hyy):
    """A batch of symmetric 2 x 2 Hessians from their three entries."""
    hxx, hxy, hyy = np.broadcast_arrays(hxx, hxy, hyy)
    return np.stack([np.stack([hxx, hxy], -1), np.stack([hxy, hyy], -1)], -2)


def separable_critical(f, d1, d2, intervals):
    """Every critical point of a separable f(x, y) = g(x) + h(y) in a box, from the 1-D roots.

    ``d1(i, t)``, ``d2(i, t)`` are the first and second derivatives of coordinate ``i``'s term;
    roots are bracketed on a fine grid and polished by Newton's method. A point is a minimum
    where every coordinate is, a maximum where every one is, a saddle otherwise.
    """
    from itertools import product

    from ..landscape import CriticalPoint

    roots = []
    for i, (lo, hi) in enumerate(intervals):
        t = np.linspace(lo, hi, 200_001)
        s = np.sign(d1(i, t))
        r = np.concatenate([t[s == 0], t[:-1][s[:-1] * s[1:] < 0]])
        for _ in range(30):
            r = r - d1(i, r) / d2(i, r)
        roots.append([(float(v), "min" if d2(i, v) > 0 else "max") for v in r])
    pts = []
    for combo in product(*roots):
        x = tuple(v for v, _ in combo)
        kinds = {k for _, k in combo}
        pts.append((x, kinds.pop() if len(kinds) == 1 else "saddle"))
    found = [(x, k, float(f(np.array(x)))) for x, k in pts]
    best = min(v for _, k, v in found if k == "min")
    points = (CriticalPoint(x, k, v, is_global=(k == "min" and v <= best + 1e-12)) for x, k, v in found)
    return tuple(sorted(points, key=lambda c: c.value))
