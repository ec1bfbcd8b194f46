"""The catalogue of landscapes, grouped by what each one teaches.

>>> from toylands import zoo
>>> zoo.get("himmelblau").dim
2
"""

from . import bowls, valleys, saddles, plateaus, multimodal, symmetric, classic  # noqa: F401  (registers)
from ._registry import GROUPS, catalogue, get, landscapes

__all__ = ["GROUPS", "catalogue", "get", "landscapes"]
