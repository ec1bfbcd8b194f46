"""Classic test functions from the optimization literature."""

import autograd.numpy as anp

from ..landscape import CriticalPoint as C
from ..landscape import Landscape
from ._registry import entry, stack, sym2


@entry()
def booth():
    def grad(p):
        a = p[..., 0] + 2 * p[..., 1] - 7
        b = 2 * p[..., 0] + p[..., 1] - 5
        return stack(2 * a + 4 * b, 4 * a + 2 * b)

    return Landscape(
        "booth",
        lambda p: (p[..., 0] + 2 * p[..., 1] - 7) ** 2 + (2 * p[..., 0] + p[..., 1] - 5) ** 2,
        group="classic",
        make=booth,
        grad_fn=grad,
        hessian_fn=lambda p: sym2(10 + 0 * p[..., 0], 8 + 0 * p[..., 0], 10 + 0 * p[..., 0]),
        bounds=[(-10, 10), (-10, 10)],
        starts=[(-8.0, -8.0), (8.0, -6.0), (-5.0, 9.0)],
        critical=(C((1, 3), "min", 0.0, True),),
        complete=True,
        tags={"convex", "quadratic", "classic"},
        formula=r"f = (x + 2y - 7)^2 + (2x + y - 5)^2",
        description=(
            "Booth's function: a tilted elliptical bowl (Hessian eigenvalues 2 and 18, condition number "
            "9) with its minimum at (1, 3). A quadratic in disguise."
        ),
        reference="Jamil & Yang, IJMMNO 4 (2013), no. 24.",
    )


@entry()
def matyas():
    return Landscape(
        "matyas",
        lambda p: 0.26 * (p[..., 0] ** 2 + p[..., 1] ** 2) - 0.48 * p[..., 0] * p[..., 1],
        group="classic",
        make=matyas,
        grad_fn=lambda p: stack(0.52 * p[..., 0] - 0.48 * p[..., 1], 0.52 * p[..., 1] - 0.48 * p[..., 0]),
        hessian_fn=lambda p: sym2(0.52 + 0 * p[..., 0], -0.48 + 0 * p[..., 0], 0.52 + 0 * p[..., 0]),
        bounds=[(-10, 10), (-10, 10)],
        starts=[(-8.0, 9.0), (9.0, 2.0), (-6.0, -9.0)],
        critical=(C((0, 0), "min", 0.0, True),),
        complete=True,
        tags={"convex", "quadratic", "ill-conditioned", "classic"},
        formula=r"f = 0.26 (x^2 + y^2) - 0.48 x y",
        description=(
            "Matyas's function: a bowl whose long axis runs along the diagonal, with curvatures 0.04 and "
            "1.0 (condition number 25). Nearly flat along x = y, so gradient descent creeps down it."
        ),
        reference="Jamil & Yang, IJMMNO 4 (2013), no. 71.",
    )


@entry()
def mccormick():
    def f(p):
        x, y = p[..., 0], p[..., 1]
        return anp.sin(x + y) + (x - y) ** 2 - 1.5 * x + 2.5 * y + 1

    def grad(p):
        x, y = p[..., 0], p[..., 1]
        c = anp.cos(x + y)
        return stack(c + 2 * (x - y) - 1.5, c - 2 * (x - y) + 2.5)

    def hess(p):
        s = -anp.sin(p[..., 0] + p[..., 1])
        return sym2(s + 2, s - 2, s + 2)

    return Landscape(
        "mccormick",
        f,
        group="classic",
        make=mccormick,
        grad_fn=grad,
        hessian_fn=hess,
        bounds=[(-1.5, 4), (-3, 4)],
        starts=[(3.5, 3.5), (-1.0, 3.0), (3.5, -2.5)],
        critical=(
            C((-0.5471975511965979, -1.5471975511965979), "min", -1.9132229549810367, True),
            C((2.5943951023931953, 1.5943951023931953), "min", 1.2283696986087564),
            C((1.5471975511965979, 0.5471975511965979), "saddle", 1.9132229549810364),
        ),
        complete=True,
        tags={"multimodal", "classic"},
        formula=r"f = \sin(x + y) + (x - y)^2 - 1.5 x + 2.5 y + 1",
        description=(
            "McCormick's function: a valley along x = y whose floor is a sine wave, so it holds a row of "
            "minima with saddles between; the lowest in the box is near (-0.547, -1.547)."
        ),
        reference="G. P. McCormick, 'Computability of global solutions to factorable nonconvex programs', "
        "Math. Programming 10 (1976) 147-175.",
    )


@entry()
def goldstein_price():
    def f(p):
        x, y = p[..., 0], p[..., 1]
        a = 1 + (x + y + 1) ** 2 * (19 - 14 * x + 3 * x**2 - 14 * y + 6 * x * y + 3 * y**2)
        b = 30 + (2 * x - 3 * y) ** 2 * (18 - 32 * x + 12 * x**2 + 48 * y - 36 * x * y + 27 * y**2)
        return a * b

    def grad(p):
        x, y = p[..., 0], p[..., 1]
        s, q = x + y + 1, 19 - 14 * x + 3 * x**2 - 14 * y + 6 * x * y + 3 * y**2
        t, r = 2 * x - 3 * y, 18 - 32 * x + 12 * x**2 + 48 * y - 36 * x * y + 27 * y**2
        a, b = 1 + s**2 * q, 30 + t**2 * r
        ax = 2 * s * q + s**2 * (-14 + 6 * x + 6 * y)
        ay = 2 * s * q + s**2 * (-14 + 6 * x + 6 * y)
        bx = 4 * t * r + t**2 * (-32 + 24 * x - 36 * y)
        by = -6 * t * r + t**2 * (48 - 36 * x + 54 * y)
        return stack(ax * b + a * bx, ay * b + a * by)

    return Landscape(
        "goldstein_price",
        f,
        group="classic",
        make=goldstein_price,
        grad_fn=grad,
        bounds=[(-2, 2), (-2, 2)],
        starts=[(-1.5, 1.5), (1.5, 1.5), (-1.0, -1.8), (1.6, -0.5)],
        critical=(
            C((0.0, -1.0), "min", 3.0, True),
            C((-0.6, -0.4), "min", 30.0),
            C((-0.4, -0.6), "saddle", 35.0),
            C((1.8, 0.2), "min", 84.0),
            C((1.2, -0.2), "saddle", 99.0),
            C((1.2, 0.8), "min", 840.0),
            C((1.4, 0.6), "saddle", 980.0),
            C((0.6, 0.4), "saddle", 990.0),
            C((0.8, 0.2), "max", 1155.0),
        ),
        complete=True,
        tags={"multimodal", "classic"},
        log_scale=True,
        formula=r"f = [1 + (x + y + 1)^2 (19 - 14x + 3x^2 - 14y + 6xy + 3y^2)] \times [30 + (2x - 3y)^2 (\dots)]",
        description=(
            "Goldstein-Price: values from 3 to a million in a small box, a global minimum of 3 at "
            "(0, -1) and local minima of 30, 84 and 840 near it. Its range is so wide that only "
            "log-scaled contours show its shape, and only small learning rates survive it."
        ),
        reference="Goldstein & Price, 'On descent from local minima', Math. Comp. 25 (1971) 569-574.",
    )


@entry()
def three_hump_camel():
    return Landscape(
        "three_hump_camel",
        lambda p: 2 * p[..., 0] ** 2 - 1.05 * p[..., 0] ** 4 + p[..., 0] ** 6 / 6 + p[..., 0] * p[..., 1] + p[..., 1] ** 2,
        group="classic",
        make=three_hump_camel,
        grad_fn=lambda p: stack(4 * p[..., 0] - 4.2 * p[..., 0] ** 3 + p[..., 0] ** 5 + p[..., 1], p[..., 0] + 2 * p[..., 1]),
        hessian_fn=lambda p: sym2(4 - 12.6 * p[..., 0] ** 2 + 5 * p[..., 0] ** 4, 1 + 0 * p[..., 0], 2 + 0 * p[..., 0]),
        bounds=[(-2.5, 2.5), (-2.5, 2.5)],
        starts=[(-2.2, 2.0), (2.0, -2.2), (0.8, 1.5)],
        critical=(
            C((0.0, 0.0), "min", 0.0, True),
            C((-1.747552345830289, 0.8737761729151445), "min", 0.29863844223686054),
            C((1.747552345830289, -0.8737761729151445), "min", 0.29863844223686054),
            C((-1.0705422918236598, 0.5352711459118299), "saddle", 0.8773615577631402),
            C((1.0705422918236598, -0.5352711459118299), "saddle", 0.8773615577631402),
        ),
        complete=True,
        tags={"multimodal", "classic"},
        log_scale=True,
        formula=r"f = 2x^2 - 1.05x^4 + x^6/6 + xy + y^2",
        description=(
            "The three-hump camel: a global minimum at the origin, two local minima on either side and "
            "saddles between them; which of the three a start ends in depends on which side of a "
            "saddle it begins."
        ),
        reference="Dixon & Szego (1978); Jamil & Yang, IJMMNO 4 (2013), no. 29.",
    )


# Found by toylands.critical_points and refined by Newton's method on the gradient; the tests re-check each.
# All nine critical points in the box sit at exact tenths (minima: Goldstein & Price 1971).
# Found by toylands.critical_points and refined by Newton's method on the gradient; the tests re-check each.
