"""Bridges to real small networks: tiny autograd MLPs whose losses are Landscapes, small data, and the views,
curvature, mode connectivity and permutation symmetry of their landscapes."""

from . import criticality, curvature, modes, pruning, views
from .curvature import hessian_trace, hvp, sharpness_during_training, spectral_density, top_eigenvalues
from .data import (
    DataError,
    Dataset,
    circles,
    digits,
    linear_teacher,
    make,
    regression_1d,
    spirals,
    teacher_student,
    two_moons,
    xor,
)
from .criticality import (
    Propagation,
    Trainability,
    chi1,
    correlation_curve,
    correlation_fixed_point,
    correlation_map,
    critical_sigma_w2,
    depth_scale,
    mean_field_init,
    propagate,
    q_star,
    trainability,
)
from .grokking import Grokking, fourier_spectrum, frequency_purity, grokking, modular_addition
from .mlp import (MLP, NetLandscape, NetLoss, accuracy, end_to_end, from_sklearn, gradient_norms, init_params, minibatch,
                  mlp_landscape, predict, sgd)
from .pruning import (PRUNING_METHODS, Pruned, PruningCurve, PruningDirection, prune, pruning_curve, pruning_direction,
                      weight_mask)
from .modes import bezier, curve_along, flat_vs_sharp, permute, random_permutation, swap_path, train, weight_matching
from .transfer import Transfer, new_head, rotate, transfer
from .views import (Roughness, barrier, filter_normalize, interpolate, pca_plane, plane, plane_through, project, random_plane,
                    roughness)

__all__ = [
    "DataError", "Dataset", "circles", "digits", "linear_teacher", "make", "regression_1d", "spirals",
    "teacher_student", "two_moons", "xor", "modular_addition", "grokking", "Grokking", "fourier_spectrum",
    "frequency_purity", "Propagation", "Trainability", "chi1", "correlation_curve", "correlation_fixed_point", "correlation_map",
    "critical_sigma_w2", "depth_scale", "mean_field_init", "propagate", "q_star", "trainability",
    "MLP", "NetLandscape", "NetLoss", "accuracy", "end_to_end", "from_sklearn", "init_params", "minibatch", "mlp_landscape",
    "predict", "sgd", "PRUNING_METHODS", "Pruned", "PruningCurve", "prune", "pruning_curve", "weight_mask", "pruning",
    "criticality", "curvature", "modes", "views", "hessian_trace", "hvp", "sharpness_during_training", "spectral_density",
    "top_eigenvalues", "bezier", "curve_along", "flat_vs_sharp", "permute", "random_permutation", "swap_path", "train",
    "weight_matching", "barrier", "filter_normalize", "interpolate", "pca_plane", "plane", "plane_through", "random_plane",
    "gradient_norms", "project", "Roughness", "roughness", "Transfer", "new_head", "rotate", "transfer",
    "PruningDirection", "pruning_direction",
]  # fmt: skip
