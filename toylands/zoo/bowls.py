"""Bowls: quadratics with one minimum, where only the shape changes."""

import numpy as np

from ..landscape import CriticalPoint as C
from ..landscape import Landscape
from ._registry import Param, entry, stack, sym2


def quadratic(name, A, **kw) -> Landscape:
    """The bowl f = p.A.p / 2 for a symmetric positive definite 2 x 2 matrix ``A``."""
    (a, b), (_, c) = np.asarray(A, dtype=float)
    return Landscape(
        name,
        lambda p: 0.5 * (a * p[..., 0] ** 2 + 2 * b * p[..., 0] * p[..., 1] + c * p[..., 1] ** 2),
        grad_fn=lambda p: stack(a * p[..., 0] + b * p[..., 1], b * p[..., 0] + c * p[..., 1]),
        hessian_fn=lambda p: sym2(*(np.full(p.shape[:-1], v) for v in (a, b, c))),
        critical=(C((0, 0), "min", 0.0, True),),
        complete=True,
        group="bowls",
        **kw,
    )


@entry()
def bowl():
    return quadratic(
        "bowl",
        np.eye(2),
        make=bowl,
        bounds=[(-2, 2), (-2, 2)],
        starts=[(-1.5, 1.2), (1.8, 1.0), (0.5, -1.7)],
        tags={"convex", "quadratic"},
        formula=r"f = (x^2 + y^2)/2",
        description=(
            "The round bowl: every direction curves the same (Hessian = identity), so the gradient points "
            "straight at the minimum and gradient descent walks a straight line to it. Learning rates "
            "below 2 converge, 1 arrives in one step, and above 2 the steps overshoot further each time."
        ),
        reference="Any optimization textbook, e.g. Nocedal & Wright, Numerical Optimization (2006), ch. 2.",
    )


KAPPA = Param(1.0, 1e8, log=True, slider=(1.0, 1000.0), why="kappa is the condition number, at least 1")


@entry(kappa=KAPPA)
def ill_conditioned_bowl(kappa=20.0):
    return quadratic(
        "ill_conditioned_bowl",
        np.diag([1.0, kappa]),
        params=dict(kappa=kappa),
        make=ill_conditioned_bowl,
        bounds=[(-3, 3), (-1.5, 1.5)],
        starts=[(-2.8, 1.0), (2.5, -1.2), (-2.0, -0.4)],
        tags={"convex", "quadratic", "ill-conditioned", "ravine"},
        formula=r"f = (x^2 + \kappa y^2)/2",
        description=(
            "A bowl stretched into a trough: curvature 1 along x and kappa along y. The steep direction "
            "caps the learning rate below 2/kappa, so progress along the shallow x direction takes about "
            "kappa steps: the condition number is the price of gradient descent. Momentum and "
            "adaptive methods cut it."
        ),
        reference="Goh, 'Why Momentum Really Works', Distill (2017).",
    )


@entry(kappa=KAPPA, angle=Param(-360.0, 360.0, slider=(0.0, 180.0), why="the angle is in degrees"))
def rotated_ellipse(kappa=10.0, angle=30.0):
    t = np.deg2rad(angle)
    R = np.array([[np.cos(t), -np.sin(t)], [np.sin(t), np.cos(t)]])
    return quadratic(
        "rotated_ellipse",
        R @ np.diag([1.0, kappa]) @ R.T,
        params=dict(kappa=kappa, angle=angle),
        make=rotated_ellipse,
        bounds=[(-3, 3), (-3, 3)],
        starts=[(-2.5, 2.0), (2.5, 0.5), (0.5, -2.5)],
        tags={"convex", "quadratic", "ill-conditioned"},
        formula=r"f = p^\top R D R^\top p / 2,\ D = \mathrm{diag}(1, \kappa)",
        description=(
            "The ill-conditioned bowl turned by an angle. Its axes no longer line up with the coordinates, "
            "so methods that scale each coordinate on its own (AdaGrad, RMSprop, Adam) lose their edge, "
            "while momentum and Newton's method do not care about the rotation."
        ),
        reference="Nocedal & Wright, Numerical Optimization (2006), section 3.3.",
    )
