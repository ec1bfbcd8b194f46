"""One registry for the catalogue: each entry is a factory whose keyword arguments are its params."""

from __future__ import annotations

import difflib
import functools
import inspect
from types import MappingProxyType
from collections.abc import Callable

import numpy as np

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

_FACTORIES: dict[str, Callable[..., Landscape]] = {}


def entry(group: str):
    """Register a factory ``name(**params) -> Landscape`` in the catalogue under ``group``."""
    if group not in GROUPS:
        raise ValueError(f"unknown group {group!r}")

    def register(factory):
        defaults = {
            k: p.default for k, p in inspect.signature(factory).parameters.items() if p.default is not inspect.Parameter.empty
        }

        @functools.wraps(factory)
        def build(**params):
            unknown = set(params) - set(defaults)
            if unknown:
                raise LandscapeError(
                    f"{factory.__name__!r} has no parameter {', '.join(sorted(unknown))}; "
                    f"its parameters: {', '.join(defaults) or 'none'}"
                )
            params = {**defaults, **params}
            landscape = factory(**params)
            # The landscape was made here a moment ago; nobody else holds it yet.
            fields = {"make": build, "group": group, "params": MappingProxyType(params), "name": factory.__name__}
            for name, value in fields.items():
                object.__setattr__(landscape, name, value)
            return landscape

        _FACTORIES[factory.__name__] = build
        build.group = group
        return build

    return register


@functools.cache
def _default(name: str) -> Landscape:
    return _FACTORIES[name]()


def get(name: str, **params) -> Landscape:
    """The catalogue landscape called ``name``, with ``params`` changed from their defaults."""
    if isinstance(name, Landscape):
        return name.with_params(**params) if params else name
    key = str(name).strip().lower().replace("-", "_").replace(" ", "_")
    if key not in _FACTORIES:
        close = difflib.get_close_matches(key, list(_FACTORIES), n=4, cutoff=0.5)
        hint = f" Did you mean {', '.join(close)}?" if close else ""
        raise LandscapeError(f"No landscape named {name!r}.{hint} See toylands.landscapes() for all {len(_FACTORIES)}.")
    return _FACTORIES[key](**params) if params else _default(key)


def landscapes(group: str | None = None, tag: str | None = None) -> list[str]:
    """Names of the catalogue's landscapes, in catalogue order, optionally of one group or tag."""
    if group is not None and group not in GROUPS:
        raise LandscapeError(f"unknown group {group!r}; groups: {', '.join(GROUPS)}")
    names = [n for n, b in _FACTORIES.items() if group in (None, b.group)]
    if tag is not None:
        names = [n for n in names if tag in _default(n).tags]
    return names


def catalogue() -> dict[str, list[str]]:
    """The catalogue's names grouped by what they teach: ``{group: [names]}``."""
    return {g: landscapes(g) for g in GROUPS if landscapes(g)}


### helpers for writing entries


def stack(*cols):
    """``np.stack`` of columns on a new last axis (a gradient), broadcasting them where they differ."""
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
