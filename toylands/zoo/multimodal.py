"""Many minima, and two minima of equal depth but different width."""

import autograd.numpy as anp
import numpy as np

from ..landscape import CriticalPoint as C
from ..landscape import Landscape
from ._registry import Param, entry, separable_critical, stack, sym2

TAU = 2 * np.pi


@entry(amplitude=Param(0.0, 100.0, slider=(0.0, 20.0), why="the height of the bumps"))
def rastrigin(amplitude=10.0):
    A = amplitude

    def f(p):
        x, y = p[..., 0], p[..., 1]
        return 2 * A + x**2 - A * anp.cos(TAU * x) + y**2 - A * anp.cos(TAU * y)

    d1 = lambda i, t: 2 * t + A * TAU * np.sin(TAU * t)  # noqa: E731
    d2 = lambda i, t: 2 + A * TAU**2 * np.cos(TAU * t)  # noqa: E731
    return Landscape(
        "rastrigin",
        f,
        group="multimodal",
        make=rastrigin,
        params=dict(amplitude=amplitude),
        grad_fn=lambda p: d1(0, p),
        hessian_fn=lambda p: sym2(d2(0, p[..., 0]), 0 * p[..., 0], d2(1, p[..., 1])),
        bounds=[(-5.12, 5.12), (-5.12, 5.12)],
        starts=[(-4.2, 3.8), (2.6, 2.3), (0.4, -0.45), (-3.1, -4.0)],
        critical=separable_critical(f, d1, d2, [(-5.12, 5.12)] * 2),
        complete=True,
        tags={"multimodal", "classic"},
        formula=r"f = 2A + \sum_i x_i^2 - A \cos 2\pi x_i",
        description=(
            "Rastrigin's egg box: a bowl covered with a grid of bumps of height 2A. Near every pair of "
            "integers sits a local minimum, so a small learning rate stops in the first dimple it meets. "
            "Large steps or noise skip over the bumps and feel the bowl underneath, reaching the global "
            "minimum at the origin."
        ),
        reference="L. A. Rastrigin, Systems of Extremal Control, Nauka (1974); Muhlenbein et al., Parallel "
        "Computing 17 (1991) 619-632.",
    )


_ACKLEY_EPS = 0.1


@entry()
def ackley():
    e2 = _ACKLEY_EPS**2

    def raw(p):
        x, y = p[..., 0], p[..., 1]
        s = anp.sqrt(0.5 * (x**2 + y**2) + e2)
        return -20 * anp.exp(-0.2 * s) - anp.exp(0.5 * (anp.cos(TAU * x) + anp.cos(TAU * y))) + np.e + 20

    f0 = float(raw(np.zeros(2)))

    def f(p):
        return raw(p) - f0

    def grad(p):
        x, y = p[..., 0], p[..., 1]
        s = np.sqrt(0.5 * (x**2 + y**2) + e2)
        a = 20 * 0.2 * np.exp(-0.2 * s) * 0.5 / s  # d/dr^2 term times 2
        c = np.exp(0.5 * (np.cos(TAU * x) + np.cos(TAU * y))) * 0.5 * TAU
        return stack(a * x + c * np.sin(TAU * x), a * y + c * np.sin(TAU * y))

    return Landscape(
        "ackley",
        f,
        group="multimodal",
        make=ackley,
        grad_fn=grad,
        bounds=[(-4, 4), (-4, 4)],
        starts=[(-3.3, 2.8), (2.2, 3.1), (0.9, -0.1), (-2.5, -3.5)],
        critical=(
            C((0.0, 0.0), "min", 0.0, True),
            C((0.9528058346695062, 0.0), "min", 2.209693395690074),
            C((-0.9528058346695062, 0.0), "min", 2.209693395690074),
            C((0.0, 0.9528058346695062), "min", 2.209693395690074),
            C((0.0, -0.9528058346695062), "min", 2.209693395690074),
            C((0.6226312096159493, 0.0), "saddle", 2.897361371271085),
            C((0.0, 0.6226312096159493), "saddle", 2.897361371271085),
            C((-0.6226312096159493, 0.0), "saddle", 2.897361371271085),
            C((0.0, -0.6226312096159493), "saddle", 2.897361371271085),
            C((0.9686887699951642, -0.9686887699951642), "min", 3.1953838139439164),
            C((-0.9686887699951642, -0.9686887699951642), "min", 3.1953838139439164),
            C((0.9686887699951642, 0.9686887699951642), "min", 3.1953838139439164),
            C((-0.9686887699951642, 0.9686887699951642), "min", 3.1953838139439164),
            C((-0.8765313212063501, 0.5761240471573339), "saddle", 4.185887782021375),
            C((0.8765313212063501, 0.5761240471573339), "saddle", 4.185887782021375),
            C((-0.5761240471573339, -0.8765313212063501), "saddle", 4.185887782021375),
            C((-0.5761240471573339, 0.8765313212063501), "saddle", 4.185887782021375),
            C((0.5761240471573339, -0.8765313212063501), "saddle", 4.185887782021375),
            C((0.8765313212063501, -0.5761240471573339), "saddle", 4.185887782021375),
            C((-0.8765313212063501, -0.5761240471573339), "saddle", 4.185887782021375),
            C((0.5761240471573339, 0.8765313212063501), "saddle", 4.185887782021375),
            C((-0.6717267754231719, -0.6717267754231719), "max", 4.238745477660135),
            C((0.6717267754231719, 0.6717267754231719), "max", 4.238745477660135),
            C((-0.6717267754231719, 0.6717267754231719), "max", 4.238745477660135),
            C((0.6717267754231719, -0.6717267754231719), "max", 4.238745477660135),
        ),
        complete=False,
        tags={"multimodal", "classic"},
        formula=r"f = -20 e^{-0.2 \sqrt{(x^2 + y^2)/2 + \epsilon^2}} - e^{(\cos 2\pi x + \cos 2\pi y)/2} + c",
        description=(
            "Ackley's function: a nearly flat outer region riddled with small dimples, funnelling into a "
            "deep hole at the origin. Local methods get stuck in the first dimple; only the funnel's "
            "overall slope rewards big steps. (The square root is smoothed by eps = 0.1 so that the "
            "gradient exists at the origin, and the surface shifted so that the minimum is 0.)"
        ),
        reference="D. H. Ackley, A Connectionist Machine for Genetic Hillclimbing, Kluwer (1987).",
    )


@entry()
def styblinski_tang():
    def f(p):
        return 0.5 * anp.sum(p**4 - 16 * p**2 + 5 * p, axis=-1)

    d1 = lambda i, t: 0.5 * (4 * t**3 - 32 * t + 5)  # noqa: E731
    d2 = lambda i, t: 0.5 * (12 * t**2 - 32)  # noqa: E731
    return Landscape(
        "styblinski_tang",
        f,
        group="multimodal",
        make=styblinski_tang,
        grad_fn=lambda p: d1(0, p),
        hessian_fn=lambda p: sym2(d2(0, p[..., 0]), 0 * p[..., 0], d2(1, p[..., 1])),
        bounds=[(-5, 5), (-5, 5)],
        starts=[(0.5, 0.5), (4.5, 4.5), (-1.0, 4.0), (3.0, -4.5)],
        critical=separable_critical(f, d1, d2, [(-5, 5)] * 2),
        complete=True,
        tags={"multimodal", "classic"},
        formula=r"f = \tfrac12 \sum_i x_i^4 - 16 x_i^2 + 5 x_i",
        description=(
            "Styblinski-Tang: four minima of different depths, one per quarter, a maximum near the "
            "centre and saddles between. The 5x term tilts the landscape, so the minimum at "
            "(-2.90, -2.90) is the deepest and the one at (2.75, 2.75) the shallowest."
        ),
        reference="Styblinski & Tang, 'Experiments in nonconvex optimization', Neural Networks 3 (1990) 467-483.",
    )


@entry()
def egg_crate():
    def f(p):
        x, y = p[..., 0], p[..., 1]
        return x**2 + y**2 + 25 * (anp.sin(x) ** 2 + anp.sin(y) ** 2)

    d1 = lambda i, t: 2 * t + 25 * np.sin(2 * t)  # noqa: E731
    d2 = lambda i, t: 2 + 50 * np.cos(2 * t)  # noqa: E731
    return Landscape(
        "egg_crate",
        f,
        group="multimodal",
        make=egg_crate,
        grad_fn=lambda p: d1(0, p),
        hessian_fn=lambda p: sym2(d2(0, p[..., 0]), 0 * p[..., 0], d2(1, p[..., 1])),
        bounds=[(-5, 5), (-5, 5)],
        starts=[(-4.5, 4.0), (3.5, 3.0), (2.0, -4.5), (-1.2, -1.0)],
        critical=separable_critical(f, d1, d2, [(-5, 5)] * 2),
        complete=True,
        tags={"multimodal"},
        formula=r"f = x^2 + y^2 + 25 (\sin^2 x + \sin^2 y)",
        description=(
            "An egg crate: deep round cups of width pi laid over a gentle bowl. Nine cups fit in the box, "
            "the central one lowest; the ridges between them are high enough that gradient descent never "
            "leaves the cup it starts in."
        ),
        reference="A classic of global-optimization test sets, e.g. Jamil & Yang, 'A literature survey of "
        "benchmark functions for global optimisation problems', IJMMNO 4 (2013), no. 43.",
    )


@entry(ratio=Param(1.0, 1e4, log=True, open_low=True, slider=(1.5, 300.0), why="how many times sharper one minimum is"))
def sharp_and_flat(ratio=20.0):
    c = 0.5 * np.log(ratio)

    def f(p):
        x, y = p[..., 0], p[..., 1]
        return anp.exp(c * x) * ((x**2 - 1) ** 2 + y**2)

    def grad(p):
        x, y = p[..., 0], p[..., 1]
        e, q = np.exp(c * x), (x**2 - 1) ** 2 + y**2
        return stack(e * (c * q + 4 * x * (x**2 - 1)), 2 * e * y)

    def hess(p):
        x, y = p[..., 0], p[..., 1]
        e, q = np.exp(c * x), (x**2 - 1) ** 2 + y**2
        qx = 4 * x * (x**2 - 1)
        return sym2(e * (c * c * q + 2 * c * qx + 12 * x**2 - 4), 2 * c * e * y, 2 * e)

    bounds = [(-2.4, 1.8), (-1.5, 1.5)]
    # Between the minima: the root of c (x^2 - 1) + 4 x = 0 in (-1, 1); the other root lies left of the box
    # for ratio >= 20 and is declared whenever it falls inside.
    roots = np.sort(np.roots([c, 4, -c]).real)
    critical = [
        C((-1, 0), "min", 0.0, True, note="the flat minimum", name="the flat minimum"),
        C((1, 0), "min", 0.0, True, note="the sharp minimum", name="the sharp minimum"),
    ]
    for r in roots:
        if bounds[0][0] <= r <= bounds[0][1]:
            critical.append(C((r, 0), "saddle", float(f(np.array([r, 0.0])))))
    return Landscape(
        "sharp_and_flat",
        f,
        group="sharpness",
        make=sharp_and_flat,
        params=dict(ratio=ratio),
        grad_fn=grad,
        hessian_fn=hess,
        bounds=bounds,
        starts=[(0.2, 1.2), (-0.2, -1.2), (0.0, 0.8), (-2.2, 1.0)],
        critical=tuple(critical),
        complete=True,
        tags={"sharpness", "multimodal"},
        log_scale=True,
        formula=r"f = e^{c x} ((x^2 - 1)^2 + y^2),\ c = \tfrac12 \ln \mathrm{ratio}",
        description=(
            "Two minima of exactly equal depth (0) whose curvatures differ by the factor 'ratio': a wide "
            "flat one at (-1, 0) and a narrow sharp one at (1, 0). Gradient descent with learning rate "
            "lr cannot settle where the curvature exceeds 2/lr, so a large learning rate rejects the "
            "sharp minimum and ends in the flat one, the simplest picture of why large steps and noise "
            "prefer flat minima."
        ),
        reference="Keskar et al., 'On large-batch training for deep learning: generalization gap and sharp "
        "minima', ICLR (2017); Hochreiter & Schmidhuber, 'Flat minima', Neural Computation 9 (1997).",
    )


# The global minimum and the nearest ring of critical points around it, refined by Newton's method.
