"""Sliders and dropdowns that redraw descents at once: ``Explorer``, ``LRLab``, ``Race``, ``LandscapeViewer`` and ``Picker``.

Each widget is one line in a notebook (``tl.widgets.Explorer("rosenbrock")``) and can be driven from
code: ``w.controls`` holds its ipywidgets, ``w.set(lr=0.01)`` changes them (refusing values they
cannot take), ``w.state`` and ``w.readout`` say what is shown, ``w.trajectory`` is the run drawn.

Why dragging is instant: what a slider can reach is computed ahead as one batched run (every
learning rate of the slider at once), so moving the slider only picks a precomputed path; the map
is drawn once and each update redraws only the moving artists (``toylands.stage``, the blitting
engine animations use too). Bursts of events are coalesced: a fast drag never queues stale redraws.
With ``%matplotlib widget`` (ipympl) the figure is a live canvas you can click to set the start;
without ipympl the same widget shows images.

``FanMap`` is the first widget on the drawing layer (``_drawing``, ``static/``): the kernel computes, the browser
draws what moves, and a slider over computed results redraws with no kernel round trip. The package divides the
way the code does: ``_base`` (the shared ``_Widget``, checks and slider helpers),
``landscape`` (the landscape explorers), ``networks`` (network views) and ``science`` (science viewers).
"""

from ..stage import ipympl_active
from ._base import LR_VALUES, OPTIMIZER_KNOBS, Coalescer, _Widget, nice_values
from .explorer import Explorer, LRLab
from .landscape import LandscapeViewer, Picker
from .race import Race
from .networks import NetworkPath, Pruning, SkipConnections
from .science import GrokkingViewer, SignalPropagation, TemperedPosterior

__all__ = ["Explorer", "Race", "LRLab", "LandscapeViewer", "Picker", "NetworkPath", "GrokkingViewer", "SignalPropagation",
           "SkipConnections", "Pruning",
           "TemperedPosterior",
           "ipympl_active",
           "LR_VALUES",
           "nice_values"]  # fmt: skip
_ = (OPTIMIZER_KNOBS, Coalescer, _Widget)


def __getattr__(name):
    """``FanMap``, the first widget drawn in the browser, loads anywidget only when asked for."""
    if name == "FanMap":
        from .fan import FanMap

        return FanMap
    raise AttributeError(f"module 'toylands.widgets' has no attribute {name!r}")
