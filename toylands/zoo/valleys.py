"""Ravines and valleys: long narrow floors where the gradient points at the wall, not along the floor."""

import autograd.numpy as anp
import numpy as np

from ..landscape import CriticalPoint as C
from ..landscape import Landscape
from ._registry import Param, entry, stack, sym2


@entry(
    a=Param(-3.0, 3.0, slider=(0.25, 3.0), why="the minimum sits at (a, a^2)"),
    b=Param(0.0, 1e4, log=True, open_low=True, slider=(1.0, 300.0),
            why="with b = 0 every point of the line x = a is a minimum, not one point"),
)  # fmt: skip
def rosenbrock(a=1.0, b=100.0):
    s = max(1.0, abs(a))  # the box grows with a, so that the minimum (a, a^2) stays inside it

    def f(p):
        x, y = p[..., 0], p[..., 1]
        return (a - x) ** 2 + b * (y - x**2) ** 2

    def grad(p):
        x, y = p[..., 0], p[..., 1]
        r = y - x**2
        return stack(-2 * (a - x) - 4 * b * x * r, 2 * b * r)

    def hess(p):
        x, y = p[..., 0], p[..., 1]
        return sym2(2 - 4 * b * (y - x**2) + 8 * b * x**2, -4 * b * x, 2 * b + 0 * x)

    return Landscape(
        "rosenbrock",
        f,
        group="valleys",
        params=dict(a=a, b=b),
        make=rosenbrock,
        bounds=[(-2 * s, 2 * s), (-(s**2), 3 * s**2)],
        starts=np.array([(-1.5, 2.5), (-1.2, 1.0), (1.6, -0.5), (0.0, 2.5)]) * [s, s**2],
        critical=(C((a, a * a), "min", 0.0, True),),
        complete=True,
        grad_fn=grad,
        hessian_fn=hess,
        tags={"ravine", "valley", "ill-conditioned", "nonconvex"},
        log_scale=True,
        formula=r"f = (a - x)^2 + b (y - x^2)^2",
        description=(
            "Rosenbrock's banana: a steep-walled parabolic valley whose floor falls gently to the minimum "
            "at (a, a^2). Finding the valley is easy; following its curved floor is not, because the "
            "walls are b times steeper than the floor. Gradient descent zig-zags across it, momentum "
            "overshoots the bend, and Newton's method walks along it."
        ),
        reference="H. H. Rosenbrock, 'An automatic method for finding the greatest or least value of a function', "
        "The Computer Journal 3 (1960) 175-184.",
    )


# Critical points of the n-D Rosenbrock besides (1, ..., 1), refined by Newton on the gradient
# (Kok & Sandrock 2009 list the local minimum near (-1, 1, ..., 1) for 4 <= n <= 7).
_ROSENBROCK_LOCAL = {
    4: ((-0.7756592265653526, 0.6130933654850433, 0.3820628463383931, 0.14597201855219455), 3.701428610430017),
    5: (
        (-0.9620510206947501, 0.9357393959767101, 0.8807136041943207, 0.7778776758544064, 0.605093678592653),
        3.930839434133028,
    ),
    6: (
        (
            -0.9865749795709937,
            0.9833982288361818,
            0.9721066700530919,
            0.947437436826436,
            0.8986511848517297,
            0.8075739520354175,
        ),
        3.973940500930295,
    ),
}


@entry(n=Param(2, 12, integer=True, slider=(2, 8), why="n is the number of coordinates"))
def rosenbrock_nd(n=4):

    def f(p):
        x, y = p[..., :-1], p[..., 1:]
        return anp.sum(100.0 * (y - x**2) ** 2 + (1 - x) ** 2, axis=-1)

    def grad(p):
        x, y = p[..., :-1], p[..., 1:]
        r = y - x**2
        g = np.zeros_like(p)
        g[..., :-1] += -400.0 * x * r - 2 * (1 - x)
        g[..., 1:] += 200.0 * r
        return g

    critical = [C((1.0,) * n, "min", 0.0, True)]
    if n in _ROSENBROCK_LOCAL:
        x, v = _ROSENBROCK_LOCAL[n]
        critical.append(C(x, "min", v, note="the local minimum near (-1, 1, ..., 1)"))
    starts = np.tile([-1.2, 1.0], n)[:n][None] * [[1.0], [-1.0]]
    return Landscape(
        "rosenbrock_nd",
        f,
        group="valleys",
        params=dict(n=n),
        make=rosenbrock_nd,
        bounds=[(-2, 2)] * n,
        starts=np.vstack([starts, np.full((1, n), -0.5)]),
        critical=tuple(critical),
        complete=False,
        grad_fn=grad,
        tags={"ravine", "valley", "ill-conditioned", "nonconvex", "high-dimensional"},
        log_scale=True,
        formula=r"f = \sum_i 100 (x_{i+1} - x_i^2)^2 + (1 - x_i)^2",
        description=(
            "Rosenbrock's valley chained through n coordinates. The global minimum is at (1, ..., 1); from "
            "n = 4 to 7 there is also a local minimum near (-1, 1, ..., 1), so a descent that starts with "
            "x_1 < 0 can end there. Seen only through 2-D slices, it is a first taste of landscapes we "
            "cannot draw."
        ),
        reference="Kok & Sandrock, 'Locating and characterizing the stationary points of the extended "
        "Rosenbrock function', Evolutionary Computation 17 (2009) 437-453.",
    )


@entry()
def beale():
    c = np.array([1.5, 2.25, 2.625])

    def f(p):
        x, y = p[..., 0], p[..., 1]
        return (1.5 - x + x * y) ** 2 + (2.25 - x + x * y**2) ** 2 + (2.625 - x + x * y**3) ** 2

    def grad(p):
        x, y = p[..., 0], p[..., 1]
        gx, gy = 0.0, 0.0
        for k in (1, 2, 3):
            r = c[k - 1] - x + x * y**k
            gx = gx + 2 * r * (y**k - 1)
            gy = gy + 2 * r * k * x * y ** (k - 1)
        return stack(gx, gy)

    return Landscape(
        "beale",
        f,
        group="valleys",
        make=beale,
        bounds=[(-4.5, 4.5), (-4.5, 4.5)],
        starts=[(1.0, 1.4), (-2.0, -2.0), (2.0, 2.0), (-1.0, 3.5)],
        critical=(
            C((3.0, 0.5), "min", 0.0, True),
            C((0.0, 1.0), "saddle", 14.203125),
            C((0.1005379373241584, -2.6445135850231245), "saddle", 9.86451228475556, note="refined by Newton's method"),
        ),
        complete=True,
        grad_fn=grad,
        tags={"valley", "ravine", "nonconvex", "classic"},
        log_scale=True,
        formula=r"f = (1.5 - x + xy)^2 + (2.25 - x + xy^2)^2 + (2.625 - x + xy^3)^2",
        description=(
            "Beale's function: flat, curving valleys and sharp corners where the y^3 term takes over. The "
            "minimum at (3, 0.5) sits at the end of a long, narrowing valley; the line x = 0 is a level "
            "ridge of value 14.2 with a saddle at (0, 1). It is not convex, whatever some catalogues say."
        ),
        reference="E. M. L. Beale, 'On an iterative method for finding a local minimum of a function of more "
        "than one variable', Princeton Tech. Rep. 25 (1958).",
    )


@entry(steepness=Param(0.0, 1e4, log=True, open_low=True, slider=(0.5, 100.0), why="how many times steeper the walls are"))
def curved_valley(steepness=10.0):
    a = steepness

    def f(p):
        x, y = p[..., 0], p[..., 1]
        return a * (y - x**2) ** 2 + (x**2 - 1) ** 2

    def grad(p):
        x, y = p[..., 0], p[..., 1]
        r = y - x**2
        return stack(-4 * a * x * r + 4 * x * (x**2 - 1), 2 * a * r)

    def hess(p):
        x, y = p[..., 0], p[..., 1]
        return sym2(-4 * a * (y - x**2) + 8 * a * x**2 + 12 * x**2 - 4, -4 * a * x, 2 * a + 0 * x)

    return Landscape(
        "curved_valley",
        f,
        group="valleys",
        params=dict(steepness=steepness),
        make=curved_valley,
        bounds=[(-2, 2), (-1, 3)],
        starts=[(-1.8, 0.2), (1.9, 1.0), (0.2, 2.5), (-0.1, -0.5)],
        critical=(
            C((-1, 1), "min", 0.0, True),
            C((1, 1), "min", 0.0, True),
            C((0, 0), "saddle", 1.0, note="the pass between the two minima, on the valley floor"),
        ),
        complete=True,
        grad_fn=grad,
        hessian_fn=hess,
        tags={"valley", "saddle", "nonconvex"},
        log_scale=True,
        formula=r"f = a (y - x^2)^2 + (x^2 - 1)^2",
        description=(
            "A parabolic valley y = x^2 whose floor holds two minima, at (-1, 1) and (1, 1), with a pass "
            "(a saddle) at the origin between them. The steepness a sets how narrow the valley is: walls "
            "a times steeper than the floor."
        ),
        reference="Built for toylands: the double well drawn along Rosenbrock's parabola.",
    )
