"""toylands: learn how neural networks learn by walking their loss landscapes.

    >>> import toylands as tl
    >>> tl.himmelblau.dim, len(tl.himmelblau.minima)
    (2, 4)

Every catalogue landscape is an attribute (``tl.rosenbrock``) and ``tl.get(name, **params)``;
``tl.catalogue()`` lists them by group. The core (landscapes, optimizers, runs, analysis)
never imports matplotlib or ipywidgets: pictures live in ``toylands.plot``.
"""

from .analysis import (
    Basins,
    Escape,
    Sweep,
    Tuned,
    OptimizerTable,
    SENSIBLE_LRS,
    compare_optimizers,
    basins,
    classify,
    critical_points,
    escape_times,
    grid_minimum,
    hessian_eig,
    lr_sweep,
    newton_refine,
    signature,
    stability_threshold,
    tune,
)
from .degeneracy import LearningCoefficient, learning_coefficient, tempered_expectation
from .landscape import KINDS, CriticalPoint, CriticalSet, Landscape, LandscapeError, MinimumSet
from .zoo import GROUPS, catalogue, get, landscapes, param_ranges
from .optim import *  # noqa: F403  (the optimizers, blocks and schedules)
from .optim import __all__ as _optim_all
from .run import OUTCOMES, Outcome, RunError, Trajectory, gradient_flow, race, run
from . import online  # online problems: tl.online.reddi, tl.online.run_online

__version__ = "0.1.0"

__all__ = [
    "KINDS",
    "GROUPS",
    "CriticalPoint",
    "CriticalSet",
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
    "param_ranges",
    "newton_refine",
    "signature",
    "stability_threshold",
    "lr_sweep",
    "Sweep",
    "tune",
    "compare_optimizers",
    "OptimizerTable",
    "SENSIBLE_LRS",
    "Tuned",
    "basins",
    "Basins",
    "escape_times",
    "Escape",
    "learning_coefficient",
    "LearningCoefficient",
    "tempered_expectation",
    "RunError",
    "Trajectory",
    "Outcome",
    "OUTCOMES",
    "online",
    "gradient_flow",
    "race",
    "run",
    *_optim_all,
]


_LAZY_MODULES = ("plot", "animate", "widgets", "gallery")


def __getattr__(name):
    # tl.himmelblau and friends: catalogue landscapes with default parameters, built on first use.
    if name in landscapes():
        return get(name)
    # tl.plot, tl.animate ...: the drawing layer, imported only when asked for (it needs matplotlib).
    if name in _LAZY_MODULES:
        import importlib

        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'toylands' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(landscapes()))
