"""Connected and singular minima, and the symmetry valleys of tiny networks."""

import autograd.numpy as anp
import numpy as np

from ..landscape import CriticalPoint as C
from ..landscape import CriticalSet, Landscape
from ._registry import Param, entry, stack, sym2


@entry(radius=Param(0.0, 10.0, open_low=True, slider=(0.5, 2.0), why="the radius of the circle of minima"))
def ring(radius=1.0):
    r2 = radius**2

    def f(p):
        return (p[..., 0] ** 2 + p[..., 1] ** 2 - r2) ** 2

    def hess(p):
        x, y = p[..., 0], p[..., 1]
        q = x**2 + y**2 - r2
        return sym2(4 * q + 8 * x**2, 8 * x * y, 4 * q + 8 * y**2)

    R = radius
    return Landscape(
        "ring",
        f,
        group="symmetric",
        make=ring,
        params=dict(radius=radius),
        grad_fn=lambda p: 4 * (p[..., 0] ** 2 + p[..., 1] ** 2 - r2)[..., None] * p,
        hessian_fn=hess,
        bounds=[(-1.6 * R, 1.6 * R), (-1.6 * R, 1.6 * R)],
        starts=np.array([(0.1, 0.05), (1.5, 1.2), (-1.4, 0.3), (0.3, -1.5)]) * R,
        critical=(C((0, 0), "max", r2**2, note="the top of the hump in the middle"),),
        critical_sets=(CriticalSet("circle of minima", lambda t: R * np.stack([np.cos(t), np.sin(t)], -1), (0, 2 * np.pi)),),
        complete=True,
        tags={"connected", "symmetric"},
        formula=r"f = (x^2 + y^2 - r^2)^2",
        description=(
            "A Mexican hat: every point of the circle of radius r is a minimum, and they are all "
            "connected. Rotating the parameters changes nothing, so there is no single answer, only a "
            "set of them; each start slides straight out (or in) to the nearest point of the ring. At "
            "any minimum the Hessian has a zero eigenvalue along the ring."
        ),
        reference="Goldstone's potential; see e.g. Sagun et al., 'Empirical analysis of the Hessian of "
        "over-parametrized neural networks' (2017) on flat directions.",
    )


@entry()
def hyperbola():
    def f(p):
        return (p[..., 0] * p[..., 1] - 1) ** 2

    def grad(p):
        x, y = p[..., 0], p[..., 1]
        r = 2 * (x * y - 1)
        return stack(r * y, r * x)

    def hess(p):
        x, y = p[..., 0], p[..., 1]
        return sym2(2 * y**2, 4 * x * y - 2, 2 * x**2)

    branch = lambda s: lambda t: s * np.stack([np.exp(t), np.exp(-t)], -1)  # noqa: E731
    span = (np.log(1 / 3), np.log(3))
    return Landscape(
        "hyperbola",
        f,
        group="symmetric",
        make=hyperbola,
        grad_fn=grad,
        hessian_fn=hess,
        bounds=[(-3, 3), (-3, 3)],
        starts=[(0.2, 2.5), (2.6, 0.1), (-2.0, -0.3), (0.5, -0.5)],
        critical=(C((0, 0), "saddle", 1.0, note="where the two branches' valleys meet"),),
        critical_sets=(CriticalSet("branch x, y > 0", branch(1), span), CriticalSet("branch x, y < 0", branch(-1), span)),
        complete=True,
        tags={"connected", "symmetric", "rescaling", "neural-network"},
        formula=r"f = (x y - 1)^2",
        description=(
            "The loss of the smallest deep linear network, y = x w1 w2, fitting y = x: only the product "
            "w1 w2 matters, so rescaling w1 -> a w1, w2 -> w2 / a changes nothing and the minima form the "
            "hyperbola xy = 1, two branches of them (both signs). Near the axes the hyperbola is steep "
            "in one direction and flat in the other, so the same minimum can look sharp or flat "
            "depending on where on the branch you sit. The origin is a saddle."
        ),
        reference="Saxe, McClelland & Ganguli, 'Exact solutions to the nonlinear dynamics of learning in deep "
        "linear neural networks', ICLR (2014); Dinh et al., 'Sharp minima can generalize for deep nets', ICML (2017).",
    )


@entry()
def cross():
    def f(p):
        return (p[..., 0] * p[..., 1]) ** 2

    def grad(p):
        x, y = p[..., 0], p[..., 1]
        return stack(2 * x * y**2, 2 * x**2 * y)

    def hess(p):
        x, y = p[..., 0], p[..., 1]
        return sym2(2 * y**2, 4 * x * y, 2 * x**2)

    line = lambda axis: lambda t: np.stack([t, 0 * t][:: 1 - 2 * axis], -1)  # noqa: E731
    return Landscape(
        "cross",
        f,
        group="symmetric",
        make=cross,
        grad_fn=grad,
        hessian_fn=hess,
        bounds=[(-2, 2), (-2, 2)],
        starts=[(1.5, 1.2), (-1.8, 0.6), (0.4, -1.9)],
        critical_sets=(CriticalSet("x axis", line(0), (-2, 2)), CriticalSet("y axis", line(1), (-2, 2))),
        complete=True,
        tags={"connected", "singular", "symmetric"},
        formula=r"f = (x y)^2",
        description=(
            "Minima along both axes, crossing at the origin. Away from the origin each minimum has one "
            "flat direction (along its axis); at the origin both directions are flat and the Hessian is "
            "zero: a singular minimum, where the two valleys of solutions meet. Gradient descent "
            "slows to a crawl as it approaches it."
        ),
        reference="Watanabe, Algebraic Geometry and Statistical Learning Theory (2009): singularities of learning machines.",
    )


# A student with two tanh units learns a teacher with two tanh units on a fixed grid of inputs.
_X = np.linspace(-3, 3, 41)
_TEACHER = (1.5, 0.4)


def _target():
    return np.tanh(_TEACHER[0] * _X) + np.tanh(_TEACHER[1] * _X)


@entry()
def permutation_2d():
    X, Y = _X, _target()

    def f(p):
        w1, w2 = p[..., 0:1], p[..., 1:2]
        r = anp.tanh(w1 * X) + anp.tanh(w2 * X) - Y
        return anp.mean(r**2, axis=-1)

    def grad(p):
        w = p[..., None]  # (..., 2, 1)
        t = np.tanh(w * X)
        r = t.sum(-2) - Y  # (..., n)
        return np.mean(2 * r[..., None, :] * X * (1 - t**2), axis=-1)

    def hess(p):
        t = np.tanh(p[..., None] * X)  # (..., 2, n)
        s = X * (1 - t**2)  # d tanh(w x) / dw
        r = t.sum(-2) - Y
        diag = np.mean(2 * s**2 - 4 * r[..., None, :] * X * t * s, axis=-1)
        off = np.mean(2 * s[..., 0, :] * s[..., 1, :], axis=-1)
        return sym2(diag[..., 0], off, diag[..., 1])

    return Landscape(
        "permutation_2d",
        f,
        group="symmetric",
        make=permutation_2d,
        grad_fn=grad,
        hessian_fn=hess,
        bounds=[(-1, 3), (-1, 3)],
        starts=[(2.8, 2.6), (-0.8, 2.0), (2.5, -0.5), (0.2, 0.1)],
        critical=(
            C((1.5, 0.4), "min", 0.0, True, note="the teacher itself", name="the teacher"),
            C((0.4, 1.5), "min", 0.0, True, note="the teacher with its units swapped", name="the swapped teacher"),
            C(
                (0.6975009226028162, 0.6975009226028162),
                "saddle",
                0.011225523860126225,
                note="the permutation saddle: both units the same",
                name="the permutation saddle",
            ),
        ),
        complete=True,
        tags={"symmetric", "permutation", "saddle", "neural-network"},
        formula=r"f = \mathrm{mean}_x (\tanh w_1 x + \tanh w_2 x - \tanh 1.5 x - \tanh 0.4 x)^2",
        description=(
            "A network with two hidden tanh units learning a teacher with two units: the coordinates are "
            "the student's two input weights. Swapping the units changes nothing, so the landscape is a "
            "mirror image of itself across the diagonal: two mirror-image global minima, (1.5, 0.4) and "
            "(0.4, 1.5), and on the diagonal, where both units are the same, a permutation saddle "
            "between them. Every network with hidden units has such copies of each minimum."
        ),
        reference="Brea, Simsek, Illing & Gerstner, 'Weight-space symmetry in deep networks gives rise to "
        "permutation saddles, connected by equal-loss valleys across the loss landscape' (2019).",
    )


_TEACHER_OUT = (1.0, 1.0)


@entry()
def permutation_4d():
    X, Y = _X, _target()

    def f(p):
        w1, a1, w2, a2 = (p[..., i : i + 1] for i in range(4))
        r = a1 * anp.tanh(w1 * X) + a2 * anp.tanh(w2 * X) - Y
        return anp.mean(r**2, axis=-1)

    def grad(p):
        w, a = p[..., 0::2, None], p[..., 1::2, None]  # (..., 2, 1)
        t = np.tanh(w * X)
        r = 2 * ((a * t).sum(-2) - Y)[..., None, :]
        gw = np.mean(r * a * X * (1 - t**2), axis=-1)
        ga = np.mean(r * t, axis=-1)
        return np.stack([gw[..., 0], ga[..., 0], gw[..., 1], ga[..., 1]], -1)

    # Where the two units coincide (w1 = w2 = w*) and share the output weight 2 a* in any proportion
    # (a1 = a* + t, a2 = a* - t), the network computes one unit's best fit: a line of critical points,
    # refined by Newton's method at t = 0. It is a line of saddles while both output weights have one
    # sign (|t| < a*), and continues as degenerate points, flat to second order, where they differ in
    # sign (Fukumizu & Amari 2000). Each comes with its sign-flipped copy.
    w, a = 0.9289112940335778, 0.8878983424037584
    v = 0.0018204522300031116
    end = 2.5 - a  # where the line leaves the box

    def line(sign):
        return lambda t: sign * np.stack(np.broadcast_arrays(w, a + t, w, a - t), -1)

    sets = []
    for sign, copy in ((1, ""), (-1, " (sign-flipped copy)")):
        sets += [
            CriticalSet("line of permutation saddles" + copy, line(sign), (-0.98 * a, 0.98 * a), v, "saddle"),
            CriticalSet("degenerate continuation" + copy, line(sign), (1.02 * a, end), v, "degenerate"),
            CriticalSet("degenerate continuation" + copy, line(sign), (-end, -1.02 * a), v, "degenerate"),
        ]
    return Landscape(
        "permutation_4d",
        f,
        group="symmetric",
        make=permutation_4d,
        grad_fn=grad,
        bounds=[(-2.5, 2.5)] * 4,
        labels=("w_1", "a_1", "w_2", "a_2"),
        view=(0, 2),
        critical_sets=tuple(sets),
        starts=[(2.0, 0.5, 1.0, 1.5), (0.3, 0.2, -0.2, 0.3), (-2.0, -1.0, 1.0, 0.5)],
        critical=(
            C((1.5, 1.0, 0.4, 1.0), "min", 0.0, True),
            C((1.5, 1.0, -0.4, -1.0), "min", 0.0, True),
            C((-1.5, -1.0, 0.4, 1.0), "min", 0.0, True),
            C((-1.5, -1.0, -0.4, -1.0), "min", 0.0, True),
            C((0.4, 1.0, 1.5, 1.0), "min", 0.0, True),
            C((0.4, 1.0, -1.5, -1.0), "min", 0.0, True),
            C((-0.4, -1.0, 1.5, 1.0), "min", 0.0, True),
            C((-0.4, -1.0, -1.5, -1.0), "min", 0.0, True),
            C(
                (0.9289112940335778, 0.8878983424037584, 0.9289112940335778, 0.8878983424037584),
                "saddle",
                0.0018204522300031116,
                note="the middle of the line of permutation saddles: one unit's best fit, shared equally by two copies",
            ),
            C(
                (-0.9289112940335778, -0.8878983424037584, -0.9289112940335778, -0.8878983424037584),
                "saddle",
                0.0018204522300031116,
                note="its sign-flipped copy",
            ),
            C((0.0, 0.0, 0.0, 0.0), "saddle", 2.0585258952034216, note="both units off: the network outputs 0"),
        ),
        complete=False,
        tags={"symmetric", "permutation", "saddle", "neural-network", "high-dimensional"},
        formula=r"f = \mathrm{mean}_x (a_1 \tanh w_1 x + a_2 \tanh w_2 x - \tanh 1.5 x - \tanh 0.4 x)^2",
        description=(
            "The same two-unit student, now with its output weights free: p = (w1, a1, w2, a2). Swapping "
            "the units, or flipping the signs of one unit's w and a together (tanh is odd), leaves the "
            "network unchanged, so each solution comes in 2 x 2 x 2 = 8 copies. Where the two units "
            "coincide (w1 = w2) lies the permutation saddle: a line of critical points along which the "
            "unit's output weight is shared between the copies in any proportion. It is a line of saddles "
            "while both output weights have the same sign (the way down pulls the two units apart, w1 != w2) "
            "and continues as degenerate points, flat to second order, where their signs differ."
        ),
        reference="Brea et al. (2019), as for permutation_2d; Fukumizu & Amari, 'Local minima and plateaus in "
        "hierarchical structures of multilayer perceptrons', Neural Networks 13 (2000) 317-327.",
    )
