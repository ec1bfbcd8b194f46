"""The catalogue of landscapes, grouped by what each one teaches.

>>> from toylands import zoo
>>> zoo.get("himmelblau").dim
2
"""

from . import bowls, valleys, saddles, plateaus, multimodal, symmetric, classic  # noqa: F401  (registers)
from ._registry import GROUPS, Param, catalogue, get, landscapes, param_ranges

__all__ = ["GROUPS", "Param", "catalogue", "get", "landscapes", "param_ranges"]
