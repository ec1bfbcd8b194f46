"""Plateaus and cliffs: where the gradient is almost zero, or suddenly enormous."""

import autograd.numpy as anp
import numpy as np

from ..landscape import CriticalPoint as C
from ..landscape import Landscape
from ._registry import Param, entry, stack


@entry(width=Param(0.01, 4.0, slider=(0.1, 2.0), why="the width of the well"))
def narrow_well(width=0.4):
    s2 = width**2

    def f(p):
        return 1 - anp.exp(-((p[..., 0] - 1) ** 2 + (p[..., 1] - 1) ** 2) / (2 * s2))

    def grad(p):
        d = p - 1.0
        e = np.exp(-(d**2).sum(-1) / (2 * s2))
        return d * (e / s2)[..., None]

    return Landscape(
        "narrow_well",
        f,
        group="plateaus",
        make=narrow_well,
        params=dict(width=width),
        grad_fn=grad,
        bounds=[(-4, 4), (-4, 4)],
        starts=[(-3.0, -2.0), (0.2, 0.4), (2.5, 3.0)],
        critical=(C((1, 1), "min", 0.0, True),),
        complete=False,
        tags={"plateau", "vanishing-gradient"},
        formula=r"f = 1 - \exp(-|p - (1, 1)|^2 / 2 w^2)",
        description=(
            "A flat plain at height 1 with one narrow well (like Easom's function). Far from the well the "
            "gradient is smaller than any number the computer can tell from zero, so a start out on the "
            "plain never moves: no learning rate helps. Only starts within a few widths of the well "
            "find it. (The plain is flat in floating point, so a search finds 'critical points' all "
            "over it, which is why the catalogue does not call its list complete.)"
        ),
        reference="E. E. Easom, 'A survey of global optimization techniques', M. Eng. thesis, Univ. of Louisville (1990).",
    )


_T = np.log(9.0)  # logit(0.9)


@entry()
def sigmoid_plateau():
    def f(p):
        u, v = p[..., 0] + p[..., 1], p[..., 1] - p[..., 0]
        return 0.5 * ((1 / (1 + anp.exp(-u)) - 0.9) ** 2 + (1 / (1 + anp.exp(-v)) - 0.1) ** 2)

    def grad(p):
        u, v = p[..., 0] + p[..., 1], p[..., 1] - p[..., 0]
        su, sv = 1 / (1 + np.exp(-u)), 1 / (1 + np.exp(-v))
        du, dv = (su - 0.9) * su * (1 - su), (sv - 0.1) * sv * (1 - sv)
        return stack(du - dv, du + dv)

    return Landscape(
        "sigmoid_plateau",
        f,
        group="plateaus",
        make=sigmoid_plateau,
        grad_fn=grad,
        bounds=[(-6, 6), (-6, 6)],
        starts=[(-5.0, -4.0), (-4.0, 4.0), (0.0, 0.0), (5.0, 5.5)],
        critical=(C((_T, 0.0), "min", 0.0, True),),
        complete=True,
        tags={"plateau", "vanishing-gradient", "neural-network"},
        formula=r"f = \tfrac12[(\sigma(w + b) - 0.9)^2 + (\sigma(b - w) - 0.1)^2]",
        description=(
            "One sigmoid neuron sigma(w x + b) fitting 0.9 at x = 1 and 0.1 at x = -1; the coordinates "
            "are its weight w and bias b. Where the neuron saturates (w + b or b - w large) its slope "
            "sigma' vanishes and so does the gradient: wide plateaus on which gradient descent barely "
            "moves although the loss is far from its minimum at w = log 9, b = 0."
        ),
        reference="Glorot & Bengio, 'Understanding the difficulty of training deep feedforward neural networks', AISTATS (2010).",
    )


@entry(height=Param(0.1, 1000.0, log=True, slider=(1.0, 50.0), why="the height of the cliff"))
def cliff(height=10.0):
    h = height

    def f(p):
        x, y = p[..., 0], p[..., 1]
        return 0.5 * y**2 + 0.5 * (x - 1) ** 2 + 0.5 * h * (1 + anp.tanh(10 * (x - 1)))

    def grad(p):
        x, y = p[..., 0], p[..., 1]
        return stack((x - 1) + 5 * h / np.cosh(10 * (x - 1)) ** 2, y)

    x0 = _cliff_foot(h)
    return Landscape(
        "cliff",
        f,
        group="plateaus",
        make=cliff,
        params=dict(height=height),
        grad_fn=grad,
        bounds=[(-3, 3), (-2, 2)],
        starts=[(-2.5, 1.5), (-2.8, -1.0), (2.5, 0.5)],
        critical=(C((x0, 0.0), "min", float(f(np.array([x0, 0.0]))), True, note="at the foot of the cliff"),),
        complete=True,
        tags={"cliff", "exploding-gradient"},
        formula=r"f = y^2/2 + (x - 1)^2/2 + \tfrac{h}{2}(1 + \tanh 10(x - 1))",
        description=(
            "A slope that ends at the foot of a cliff of height h. The minimum lies right at the foot, so "
            "descent walks up to the wall; one step too far and it lands on the wall, where the gradient "
            "is 5h, fifty times larger than anywhere else, and is thrown far back (the exploding "
            "gradients of recurrent networks). Gradient clipping caps that throw."
        ),
        reference="Pascanu, Mikolov & Bengio, 'On the difficulty of training recurrent neural networks', ICML (2013), figure 6.",
    )


def _cliff_foot(h):
    """Where the slope (x - 1) balances the wall's 5 h sech^2(10 (x - 1)), left of the wall."""
    x = 1 - np.arccosh(np.sqrt(5 * h / 0.5)) / 10  # start: where the wall's slope is about 0.5
    for _ in range(50):  # Newton on g(x) = 0
        c = np.cosh(10 * (x - 1))
        g = (x - 1) + 5 * h / c**2
        dg = 1 - 100 * h * np.tanh(10 * (x - 1)) / c**2
        x -= g / dg
    return float(x)
