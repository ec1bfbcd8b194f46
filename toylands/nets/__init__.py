"""Bridges to real small networks: tiny autograd MLPs whose losses are Landscapes, small data, and the views,
curvature, mode connectivity and permutation symmetry of their landscapes."""

from .data import DataError, Dataset, circles, digits, make, regression_1d, spirals, teacher_student, two_moons, xor
from .mlp import MLP, NetLandscape, NetLoss, accuracy, init_params, minibatch, mlp_landscape, predict, sgd

__all__ = [
    "DataError", "Dataset", "circles", "digits", "make", "regression_1d", "spirals", "teacher_student", "two_moons", "xor",
    "MLP", "NetLandscape", "NetLoss", "accuracy", "init_params", "minibatch", "mlp_landscape", "predict", "sgd",
]  # fmt: skip

from . import curvature, modes, views  # noqa: E402
from .curvature import hessian_trace, hvp, sharpness_during_training, spectral_density, top_eigenvalues  # noqa: E402
from .modes import bezier, curve_along, flat_vs_sharp, permute, random_permutation, swap_path, train, weight_matching  # noqa: E402
from .views import barrier, filter_normalize, interpolate, pca_plane, plane, plane_through, random_plane  # noqa: E402

__all__ += [
    "curvature", "modes", "views", "hessian_trace", "hvp", "sharpness_during_training", "spectral_density",
    "top_eigenvalues", "bezier", "curve_along", "flat_vs_sharp", "permute", "random_permutation", "swap_path", "train",
    "weight_matching", "barrier", "filter_normalize", "interpolate", "pca_plane", "plane", "plane_through", "random_plane",
]  # fmt: skip
