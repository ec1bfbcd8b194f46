"""Widgets whose controls redraw at once: ``Explorer``, ``LRLab``, ``Race``, ``LandscapeViewer``, ``Picker`` and the
network and science views.

Each widget is one line in a notebook (``tl.widgets.Explorer("rosenbrock")``) and can be driven from code:
``w.set(lr=0.01)`` changes a control (refusing values it cannot take), ``w.state`` and ``w.readout`` say what is
shown, ``w.paint()`` is the same state painted by matplotlib alone.

The kernel computes, the browser draws (``_scene.Scene``, ``static/scene.js``): what a slider can reach is computed
ahead as one batched run (every learning rate of the slider at once), the still part is painted once by
matplotlib, and moving a slider only picks among the computed layers in the browser, with no kernel round trip.
A click or a drag on the map sets the start (Explorer, LRLab, Race). The same module runs on the course's site over
the saved state, with no kernel. Every widget here is on ``Scene``, the network and science views included. The
package divides the way the code does: ``_base``, ``_scene``, ``explorer``, ``race``, ``landscape``, ``networks``,
``science``.
"""

from ._base import LR_VALUES, nice_values
from .explorer import Explorer, LRLab
from .landscape import LandscapeViewer, Picker
from .race import Race
from .networks import NetworkPath, Pruning, SkipConnections
from .science import GrokkingViewer, SignalPropagation, TemperedPosterior

__all__ = ["Explorer", "Race", "LRLab", "LandscapeViewer", "Picker", "NetworkPath", "GrokkingViewer", "SignalPropagation",
           "SkipConnections", "Pruning",
           "TemperedPosterior",
           "LR_VALUES",
           "nice_values"]  # fmt: skip
