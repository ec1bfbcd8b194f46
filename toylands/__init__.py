"""toylands: learn how neural networks learn by walking their loss landscapes.

    >>> import toylands as tl
    >>> tl.himmelblau.dim, len(tl.himmelblau.minima)
    (2, 4)

Every catalogue landscape is an attribute (``tl.rosenbrock``) and ``tl.get(name, **params)``;
``tl.catalogue()`` lists them by group. The core (landscapes, optimizers, runs, analysis)
never imports matplotlib or ipywidgets: pictures live in ``toylands.plot``.
"""

from .analysis import classify, critical_points, grid_minimum, hessian_eig, newton_refine, signature
from .landscape import KINDS, CriticalPoint, Landscape, LandscapeError, MinimumSet
from .zoo import GROUPS, catalogue, get, landscapes

__version__ = "0.1.0"

__all__ = [
    "KINDS",
    "GROUPS",
    "CriticalPoint",
    "Landscape",
    "LandscapeError",
    "MinimumSet",
    "catalogue",
    "classify",
    "critical_points",
    "get",
    "grid_minimum",
    "hessian_eig",
    "landscapes",
    "newton_refine",
    "signature",
]


def __getattr__(name):
    # tl.himmelblau and friends: catalogue landscapes with default parameters, built on first use.
    if name in landscapes():
        return get(name)
    raise AttributeError(f"module 'toylands' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(landscapes()))
