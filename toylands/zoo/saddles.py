"""Saddles: points where the gradient vanishes but the loss still goes down somewhere."""

from ..landscape import CriticalPoint as C
from ..landscape import Landscape
from ._registry import entry, stack, sym2


@entry()
def saddle():
    return Landscape(
        "saddle",
        lambda p: p[..., 0] ** 2 - p[..., 1] ** 2,
        group="saddles",
        make=saddle,
        grad_fn=lambda p: stack(2 * p[..., 0], -2 * p[..., 1]),
        hessian_fn=lambda p: sym2(2 + 0 * p[..., 0], 0 * p[..., 0], -2 + 0 * p[..., 0]),
        bounds=[(-2, 2), (-2, 2)],
        starts=[(-1.8, 0.0), (-1.8, 1e-3), (1.8, -0.1), (0.2, 1.5)],
        critical=(C((0, 0), "saddle", 0.0),),
        complete=True,
        tags={"saddle", "unbounded"},
        formula=r"f = x^2 - y^2",
        description=(
            "The plain saddle: up along x, down along y, like a horse's saddle or a mountain pass. A "
            "start exactly on the x axis slides into the saddle and stops; any other start is pushed off "
            "along y ever faster, because the loss has no bottom (runs that leave the box are flagged "
            "as diverged)."
        ),
        reference="Goodfellow, Bengio & Courville, Deep Learning (2016), section 4.3.1.",
    )


@entry()
def monkey_saddle():
    return Landscape(
        "monkey_saddle",
        lambda p: p[..., 0] ** 3 - 3 * p[..., 0] * p[..., 1] ** 2,
        group="saddles",
        make=monkey_saddle,
        grad_fn=lambda p: stack(3 * p[..., 0] ** 2 - 3 * p[..., 1] ** 2, -6 * p[..., 0] * p[..., 1]),
        hessian_fn=lambda p: sym2(6 * p[..., 0], -6 * p[..., 1], -6 * p[..., 0]),
        bounds=[(-1.5, 1.5), (-1.5, 1.5)],
        starts=[(1.2, 0.05), (-0.5, 1.0), (-0.4, -1.0)],
        critical=(C((0, 0), "degenerate", 0.0, note="a monkey saddle: three valleys and three ridges meet"),),
        complete=True,
        tags={"saddle", "degenerate", "unbounded"},
        formula=r"f = x^3 - 3 x y^2",
        description=(
            "The monkey saddle has three valleys (two for the legs and one for the tail). Its Hessian "
            "at the origin is zero, so the second-derivative test says nothing: a degenerate critical "
            "point. Near it the gradient is tiny (it grows like r^2), so descent crawls past it."
        ),
        reference="Hilbert & Cohn-Vossen, Geometry and the Imagination (1952), section 29.",
    )


@entry()
def degenerate_saddle():
    return Landscape(
        "degenerate_saddle",
        lambda p: p[..., 0] ** 2 - p[..., 1] ** 4 + p[..., 1] ** 6 / 6,
        group="saddles",
        make=degenerate_saddle,
        grad_fn=lambda p: stack(2 * p[..., 0], -4 * p[..., 1] ** 3 + p[..., 1] ** 5),
        hessian_fn=lambda p: sym2(2 + 0 * p[..., 0], 0 * p[..., 0], -12 * p[..., 1] ** 2 + 5 * p[..., 1] ** 4),
        bounds=[(-2, 2), (-3, 3)],
        starts=[(-1.8, 0.05), (1.5, -0.02), (0.5, 2.8)],
        critical=(
            C((0, 0), "degenerate", 0.0, note="a saddle the Hessian cannot see: flat (y^4) in the escape direction"),
            C((0, 2), "min", -16 / 3, True),
            C((0, -2), "min", -16 / 3, True),
        ),
        complete=True,
        tags={"saddle", "degenerate"},
        formula=r"f = x^2 - y^4 + y^6 / 6",
        description=(
            "A saddle whose downhill direction is flat to second order: along y the loss falls like "
            "-y^4, so the Hessian there has a zero eigenvalue instead of a negative one. Escaping takes "
            "far longer than from an ordinary saddle, since the push away grows like y^3, not y. Two "
            "minima wait at (0, +-2)."
        ),
        reference="Anandkumar & Ge, 'Efficient approaches for escaping higher order saddle points in "
        "non-convex optimization', COLT (2016).",
    )


@entry()
def double_well():
    return Landscape(
        "double_well",
        lambda p: (p[..., 0] ** 2 - 1) ** 2 + p[..., 1] ** 2,
        group="saddles",
        make=double_well,
        grad_fn=lambda p: stack(4 * p[..., 0] * (p[..., 0] ** 2 - 1), 2 * p[..., 1]),
        hessian_fn=lambda p: sym2(12 * p[..., 0] ** 2 - 4, 0 * p[..., 0], 2 + 0 * p[..., 0]),
        bounds=[(-2, 2), (-1.5, 1.5)],
        starts=[(0.0, 1.2), (1e-3, 1.2), (-1.8, -1.0), (1.9, 0.8)],
        critical=(
            C((-1, 0), "min", 0.0, True),
            C((1, 0), "min", 0.0, True),
            C((0, 0), "saddle", 1.0, note="the pass between the two wells"),
        ),
        complete=True,
        tags={"saddle", "multimodal", "symmetric"},
        formula=r"f = (x^2 - 1)^2 + y^2",
        description=(
            "Two equal wells at (+-1, 0) with a saddle between them: the simplest landscape where the "
            "start decides the answer. Starts on the line x = 0 roll into the saddle and stay; every "
            "other start picks the well on its side."
        ),
        reference="The quartic double well of physics, e.g. Landau & Lifshitz, Statistical Physics, section 146.",
    )


@entry()
def six_hump_camel():
    def f(p):
        x, y = p[..., 0], p[..., 1]
        return (4 - 2.1 * x**2 + x**4 / 3) * x**2 + x * y + (-4 + 4 * y**2) * y**2

    return Landscape(
        "six_hump_camel",
        f,
        group="saddles",
        make=six_hump_camel,
        grad_fn=lambda p: stack(
            8 * p[..., 0] - 8.4 * p[..., 0] ** 3 + 2 * p[..., 0] ** 5 + p[..., 1],
            p[..., 0] - 8 * p[..., 1] + 16 * p[..., 1] ** 3,
        ),
        hessian_fn=lambda p: sym2(8 - 25.2 * p[..., 0] ** 2 + 10 * p[..., 0] ** 4, 1 + 0 * p[..., 0], -8 + 48 * p[..., 1] ** 2),
        bounds=[(-2.2, 2.2), (-1.2, 1.2)],
        starts=[(-1.5, 1.0), (1.2, -1.0), (0.5, 0.0), (-2.0, -1.0)],
        critical=(
            C((-0.08984201310031807, 0.7126564030207396), "min", -1.0316284534898774, True),
            C((0.08984201310031807, -0.7126564030207396), "min", -1.0316284534898774, True),
            C((1.7036067149699812, -0.7960835686726251), "min", -0.21546382438371525),
            C((-1.7036067149699812, 0.7960835686726251), "min", -0.21546382438371525),
            C((0.0, 0.0), "saddle", 0.0),
            C((-1.1092053368047865, 0.7682680925095399), "saddle", 0.5437186009781853),
            C((1.1092053368047865, -0.7682680925095399), "saddle", 0.5437186009781853),
            C((-1.6071047529201974, -0.5686514548841314), "min", 2.1042503103112598),
            C((1.6071047529201974, 0.5686514548841314), "min", 2.1042503103112598),
            C((-1.6380679841897785, -0.22867406904439408), "saddle", 2.2293571975307147),
            C((1.6380679841897785, 0.22867406904439408), "saddle", 2.2293571975307147),
            C((-1.2960702671671092, -0.6050843880386585), "saddle", 2.229470818029859),
            C((1.2960702671671092, 0.6050843880386585), "saddle", 2.229470818029859),
            C((1.2302298765166526, 0.16233458445899498), "max", 2.4962953510235764),
            C((-1.2302298765166526, -0.16233458445899498), "max", 2.4962953510235764),
        ),
        complete=True,
        tags={"saddle", "multimodal", "classic"},
        formula=r"f = (4 - 2.1x^2 + x^4/3) x^2 + xy + (4y^2 - 4) y^2",
        description=(
            "The six-hump camel back: six minima (two global, four local) with saddles between every "
            "neighbouring pair, all in a small box. A good map for watching which basin each start "
            "falls into and which passes the paths cross."
        ),
        reference="Dixon & Szego, 'The global optimization problem: an introduction', in Towards Global "
        "Optimization 2 (1978) 1-15.",
    )


@entry()
def himmelblau():
    def f(p):
        x, y = p[..., 0], p[..., 1]
        return (x**2 + y - 11) ** 2 + (x + y**2 - 7) ** 2

    def grad(p):
        x, y = p[..., 0], p[..., 1]
        a, b = x**2 + y - 11, x + y**2 - 7
        return stack(4 * x * a + 2 * b, 2 * a + 4 * y * b)

    def hess(p):
        x, y = p[..., 0], p[..., 1]
        return sym2(12 * x**2 + 4 * y - 42, 4 * (x + y), 12 * y**2 + 4 * x - 26)

    return Landscape(
        "himmelblau",
        f,
        group="saddles",
        make=himmelblau,
        grad_fn=grad,
        hessian_fn=hess,
        bounds=[(-5, 5), (-5, 5)],
        starts=[(0.0, 0.0), (-1.0, 4.5), (-4.5, -1.0), (4.0, -4.5), (1.0, -1.0)],
        critical=(
            C((3.0, 2.0), "min", 0.0, True),
            C((3.5844283403304917, -1.8481265269644036), "min", 0.0, True),
            C((-2.805118086952745, 3.131312518250573), "min", 0.0, True),
            C((-3.779310253377747, -3.283185991286169), "min", 0.0, True),
            C((3.385154183607021, 0.0738518798377493), "saddle", 13.311926270405587),
            C((0.08667750455539634, 2.884254701174776), "saddle", 67.71915008752613),
            C((-3.0730257507643897, -0.0813530442879675), "saddle", 104.01516291755811),
            C((-0.12796134673068005, -1.9537149802445766), "saddle", 178.33723920192745),
            C((-0.2708445906673476, -0.9230385564799815), "max", 181.6165215225827),
        ),
        complete=True,
        tags={"saddle", "multimodal", "classic"},
        log_scale=True,
        formula=r"f = (x^2 + y - 11)^2 + (x + y^2 - 7)^2",
        description=(
            "Himmelblau's function: four minima of equal value 0, one in each quarter of the box, a "
            "maximum near the centre and four saddles on the ridges between neighbouring minima. Every "
            "start ends in one of the four minima; the borders between their basins run through the "
            "saddles and the maximum."
        ),
        reference="D. M. Himmelblau, Applied Nonlinear Programming, McGraw-Hill (1972).",
    )


# Published locations (Dixon & Szego; Himmelblau), refined by Newton's method on the gradient.
