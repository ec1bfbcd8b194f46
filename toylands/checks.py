"""The checkers of the lessons' exercises. Each one recomputes what it needs and never prints the answer.

Kept in the package (not in the notebooks) so that the student version cannot show them by accident.
Lessons import ``check`` from here, which registers the course's exercises on import.
"""

from __future__ import annotations

import numpy as np

from . import analysis, optim
from .run import run
from .exercises import Wrong, check, close, evaluate, exercise, same_word

__all__ = ["check", "evaluate"]
from .landscape import Landscape
from .zoo import get


def _point(p, dim, what):
    try:
        p = np.asarray(p, dtype=float)
    except (TypeError, ValueError):
        raise Wrong(f"{what} should be a point like (1.0, 2.0).") from None
    if p.shape != (dim,):
        raise Wrong(f"{what} should be one point with {dim} coordinates; got shape {p.shape}.")
    return p


def _number(value, what):
    try:
        return float(value)
    except (TypeError, ValueError):
        raise Wrong(f"{what} should be a number; got {value!r}.") from None


def _yes_no(value, what):
    if not isinstance(value, (bool, np.bool_)):
        raise Wrong(f"{what} should be True or False; got {value!r}.")
    return bool(value)


# 00 Welcome ---------------------------------------------------------------------------------


@exercise("00.1", "reading a landscape's claims")
def _00_1(n_minima, saddle_height):
    L = get("double_well")
    if n_minima != sum(c.kind == "min" for c in L.critical):
        raise Wrong("count the entries of tl.double_well.critical whose kind is 'min'.")
    close(saddle_height, 1.0, 1e-9, "saddle_height", "the saddle's height is its value: print the critical points.")
    return "two wells, and a pass between them that is 1 high."


@exercise("00.2", "your own landscape")
def _00_2(mine, minimum):
    if not isinstance(mine, Landscape):
        raise Wrong("mine should be a tl.Landscape(name, f, bounds=...).")
    P = np.random.default_rng(0).uniform(-2, 2, (20, 2))
    want = (P[:, 0] - 1) ** 2 + 2 * (P[:, 1] + 0.5) ** 2
    if mine.dim != 2 or not np.allclose(mine(P), want):
        raise Wrong("your f does not compute (x - 1)^2 + 2 (y + 0.5)^2: check it on a few points, e.g. mine([1, -0.5]).")
    p = _point(minimum, 2, "minimum")
    if np.linalg.norm(p - [1.0, -0.5]) > 1e-6:
        raise Wrong("that is not where the gradient vanishes: try tl.critical_points(mine).")
    return "a landscape of your own, and its minimum found by the search."


# 01 A tour ----------------------------------------------------------------------------------


@exercise("01.1", "telling a saddle by its Hessian")
def _01_1(kind):
    same_word(kind, {"saddle"}, "kind", "look at the signs of the two eigenvalues: one up, one down?")
    return "one positive and one negative eigenvalue: a saddle."


@exercise("01.2", "locating a saddle")
def _01_2(saddle):
    L = get("himmelblau")
    p = _point(saddle, 2, "saddle")
    g = np.linalg.norm(L.grad(p))
    if g > 1e-6:
        raise Wrong(f"the gradient there has norm {g:.3g}: not a critical point yet. Refine your guess with tl.newton_refine.")
    kind = analysis.classify(L, p)
    if kind != "saddle":
        raise Wrong(f"that critical point is a {kind}. Start Newton's method between two neighbouring minima.")
    return "Newton's method on the gradient found a saddle; gradient descent never would."


@exercise("01.3", "the monkey saddle's Hessian")
def _01_3(n_zero):
    if n_zero != 2:
        raise Wrong("compute tl.monkey_saddle.hessian([0, 0]) and count the eigenvalues that are 0.")
    return "both eigenvalues are 0: the second-derivative test cannot decide, the cubic terms do."


# 02 Gradient descent and the learning rate --------------------------------------------------


@exercise("02.1", "the stability threshold")
def _02_1(threshold):
    close(
        threshold,
        2 / 50,
        1e-6,
        "threshold",
        "the largest Hessian eigenvalue of the kappa=50 bowl is kappa; GD is stable for lr < 2 / lambda_max.",
    )
    return "above 2 / lambda_max = 2 / kappa the steep direction overshoots more every step."


@exercise("02.2", "a learning rate for Rosenbrock")
def _02_2(lr):
    lr = _number(lr, "lr")
    if not lr > 0:
        raise Wrong("a learning rate must be positive.")
    traj = run(optim.gd(lr), get("rosenbrock"), [-1.2, 1.0], 5000)
    if traj.diverged[0]:
        raise Wrong(f"with lr = {lr:g} gradient descent diverges at step {traj.diverged_at[0]}: the walls are too steep for it.")
    v = float(traj.final_values[0])
    if v > 1e-3:
        raise Wrong(f"after 5000 steps the loss is still {v:.3g}: the learning rate is too small to follow the valley.")
    return f"the loss reaches {v:.1e}: fast, yet below the threshold of the valley's walls."


@exercise("02.3", "basins of attraction")
def _02_3(share):
    b = analysis.basins(optim.gd(0.01), get("himmelblau"), n=40, steps=1000)
    close(share, b.fractions()[0], 0.05, "share", "use tl.basins(tl.gd(0.01), tl.himmelblau, n=40, steps=1000).fractions().")
    return "about a quarter of the starts drain into each minimum: where you start decides where you end."


# 03 Momentum ---------------------------------------------------------------------------------


@exercise("03.1", "writing heavy-ball momentum")
def _03_1(heavy_ball):
    mine = optim.optimizer(heavy_ball, init=np.zeros_like, lr=1e-3, beta=0.9)
    a = run(mine, get("rosenbrock"), [-1.2, 1.0], 100)
    b = run(optim.momentum(1e-3, 0.9), get("rosenbrock"), [-1.2, 1.0], 100)
    diff = float(np.abs(a.positions - b.positions).max())
    if not diff < 1e-10:
        k = int(np.argmax(np.abs(a.positions - b.positions).max(axis=(1, 2)) > 1e-10))
        raise Wrong(f"your path leaves torch's heavy ball at step {k}. The buffer is v <- beta v + grad; the step is -lr v.")
    return "the same path as tl.momentum, step for step."


@exercise("03.2", "tuning momentum on a ravine")
def _03_2(beta):
    beta = _number(beta, "beta")
    if not 0 <= beta < 1:
        raise Wrong("momentum must lie in [0, 1).")
    lr = 4 / 121
    traj = run(optim.momentum(lr, float(beta)), get("ill_conditioned_bowl", kappa=100.0), [2.0, 1.0], 200)
    d = float(np.linalg.norm(traj.final[0]))
    if traj.diverged[0]:
        raise Wrong(
            "the run diverges: at this learning rate the steep direction is only stable when lr * lambda_max < 2 (1 + beta)."
        )
    if d > 1e-6:
        raise Wrong(f"after 200 steps the run is still {d:.2g} from the minimum: it keeps orbiting; try less momentum.")
    return "critically damped: with beta near ((sqrt(kappa) - 1) / (sqrt(kappa) + 1))^2 momentum needs about sqrt(kappa) steps."


# 04 Adaptive methods ---------------------------------------------------------------------------


@exercise("04.1", "Adam's first step")
def _04_1(first_step_size):
    close(first_step_size, 0.1, 1e-3, "first_step_size", "after bias correction m / sqrt(v) = g / |g| on the first step.")
    return "Adam's first step moves every coordinate by lr, whatever the gradient's size."


@exercise("04.2", "writing RMSprop")
def _04_2(rmsprop_update):
    mine = optim.optimizer(rmsprop_update, init=np.zeros_like, lr=0.01, alpha=0.99, eps=1e-8)
    a = run(mine, get("rosenbrock"), [-1.2, 1.0], 50)
    b = run(optim.rmsprop(0.01), get("rosenbrock"), [-1.2, 1.0], 50)
    if not np.allclose(a.positions, b.positions, rtol=1e-10, atol=1e-12):
        raise Wrong("your steps differ from torch's RMSprop: v <- alpha v + (1 - alpha) g^2, step = -lr g / (sqrt(v) + eps).")
    return "the same path as tl.rmsprop."


@exercise("04.3", "where per-coordinate scaling helps")
def _04_3(helped_more):
    same_word(helped_more, {"ill conditioned bowl"}, "helped_more",
              "compare Adam's race on both bowls: which one has its long axis along a coordinate?")  # fmt: skip
    return "Adam rescales each coordinate: that only straightens a ravine that lies along the axes."


# 05 Saddles and plateaus -----------------------------------------------------------------------


@exercise("05.1", "minima are rare in many dimensions")
def _05_1(shares):
    shares = np.asarray(shares, dtype=float)
    if shares.shape != (4,):
        raise Wrong("give four shares, for d = 1, 2, 3, 4.")
    rng = np.random.default_rng(1)
    ref = []
    for d in (1, 2, 3, 4):
        A = rng.standard_normal((20_000, d, d))
        ref.append(np.mean(np.all(np.linalg.eigvalsh((A + np.swapaxes(A, 1, 2)) / 2) > 0, axis=-1)))
    for d, s, r in zip((1, 2, 3, 4), shares, ref, strict=True):
        if abs(s - r) > 0.03:
            raise Wrong(
                f"your share for d = {d} is off. Draw symmetric matrices (A + A^T) / 2 and count those with all eigenvalues > 0."
            )
    return "each added dimension makes 'all directions curve up' much less likely: most critical points are saddles."


@exercise("05.2", "escape time and noise")
def _05_2(extra_steps):
    theory = np.log(1e4) / np.log(1 + 2 * 0.05)
    close(extra_steps, theory, 0.3, "extra_steps", "subtract the median escape steps at noise 1e-2 from those at noise 1e-6.")
    return (
        "10,000 times less noise costs only log(10^4) / log(1 + 2 lr), about 97 extra steps: escape is logarithmic in the noise."
    )


@exercise("05.3", "Newton and the saddle")
def _05_3(ends_at_saddle):
    same_word(ends_at_saddle, {"newton"}, "ends_at_saddle", "which method treats negative curvature as if it were positive?")
    return "Newton's method jumps to the nearest critical point, saddles included; |H| turns it downhill."


# 06 Symmetry valleys ---------------------------------------------------------------------------


@exercise("06.1", "the nearest minimum on a hyperbola")
def _06_1(nearest):
    p = _point(nearest, 2, "nearest")
    if abs(p[0] * p[1] - 1) > 1e-4:
        raise Wrong("that point is not on the hyperbola of minima x y = 1.")
    if np.linalg.norm(p - [1.0, 1.0]) > 1e-3:
        raise Wrong("it is a minimum, but not the one gradient descent reaches from (2, 2): run it and look.")
    return "from (2, 2) the gradient points along (1, 1), straight to the symmetric minimum."


@exercise("06.2", "the mirror minimum")
def _06_2(mirror):
    L = get("permutation_2d")
    p = _point(mirror, 2, "mirror")
    if L(p) > 1e-10:
        raise Wrong("the loss is not 0 there: swapping the units swaps the coordinates.")
    if np.allclose(p, [1.5, 0.4]):
        raise Wrong("that is the teacher itself; the mirror has the units the other way round.")
    return "the same network with its hidden units swapped: a second, equally good minimum."


@exercise("06.3", "flat directions of a ring of minima")
def _06_3(n_zero):
    if n_zero != 1:
        raise Wrong(
            "compute np.linalg.eigvalsh(tl.ring.hessian(point)) at a point of the ring and count the near-zero eigenvalues."
        )
    return "one flat direction: along the ring, where the loss does not change."


# 07 Small networks' landscapes ----------------------------------------------------------------


@exercise("07.1", "training a small network")
def _07_1(L, theta):
    from .nets import accuracy

    acc = float(accuracy(L, np.asarray(theta, float), test=True))
    if acc < 0.95:
        raise Wrong(f"test accuracy {acc:.2f}: train longer, or with a larger learning rate (Adam 0.02 and 1000 steps work).")
    return f"test accuracy {acc:.2f} on points the network never saw."


@exercise("07.2", "how flat is a training run")
def _07_2(L, traj, share):
    from .nets import pca_plane

    close(share, pca_plane(L, traj)[0].explained, 1e-6, "share", "it is the plane's .explained attribute.")
    return "two directions hold most of the movement: training runs are nearly planar (Lorch 2016; Li et al. 2018)."


# 08 Curvature and generalization --------------------------------------------------------------


@exercise("08.1", "the top Hessian eigenvalue")
def _08_1(L, theta, top):
    exact = float(np.linalg.eigvalsh(L.autograd_hessian(np.asarray(theta, float))).max())
    close(top, exact, 1e-3, "top", "nets.top_eigenvalues(L, theta) uses Hessian-vector products; give its first entry.")
    return "twenty Hessian-vector products match the full Hessian's largest eigenvalue."


@exercise("08.2", "the edge of stability")
def _08_2(bound):
    close(bound, 1.0, 1e-6, "bound", "GD with learning rate lr is stable only where lambda_max < 2 / lr.")
    return "gradient descent cannot stay anywhere sharper than 2 / lr."


@exercise("08.3", "which minimum is flatter")
def _08_3(rows, flatter):
    names = {r.setting: r.sharpness for r in rows}
    want = min(names, key=names.get)
    if flatter != want:
        raise Wrong("compare the sharpness column of your table: lower is flatter.")
    return "the larger learning rate settled in the flatter minimum."


# 09 Mode connectivity ----------------------------------------------------------------------------


@exercise("09.1", "the barrier on a straight line")
def _09_1(L, a, b, line_barrier):
    from .nets import interpolate

    close(line_barrier, interpolate(L, a, b).barrier, 1e-6, "line_barrier", "nets.interpolate(L, a, b).barrier")
    return "a clear barrier: the straight line between two solutions leaves the valley."


@exercise("09.2", "alignment lowers the barrier")
def _09_2(L, a, b, aligned_barrier):
    from .nets import interpolate, weight_matching

    ref = interpolate(L, a, weight_matching(L, a, b)[0]).barrier
    close(aligned_barrier, ref, 1e-6, "aligned_barrier", "align b to a with nets.weight_matching, then interpolate from a.")
    return "once the hidden units are matched, the two solutions sit in one valley."


@exercise("09.3", "the permutation point")
def _09_3(midpoint_higher):
    if not _yes_no(midpoint_higher, "midpoint_higher"):
        raise Wrong("look at nets.swap_path(...).loss at t = 1/2 against its ends.")
    return "where two units coincide the network loses one unit's worth of capacity: the loss rises, a saddle."


# 10 Phase transitions ----------------------------------------------------------------------------


@exercise("10.1", "counting the drops")
def _10_1(n_drops):
    if n_drops != 4:
        raise Wrong("count the steps in the loss curve (or the non-zero singular values of the teacher).")
    return "one sudden drop per singular mode of the teacher."


@exercise("10.2", "which mode is learned first")
def _10_2(first_learned):
    close(first_learned, 4.0, 1e-6, "first_learned", "look at the singular values of the learned map just after the first drop.")
    return "the strongest mode is learned first: its plateau is shortest (time ~ 1 / s)."


@exercise("10.3", "initialization and the plateau")
def _10_3(longer_with_smaller_init):
    if not _yes_no(longer_with_smaller_init, "longer_with_smaller_init"):
        raise Wrong("run again with init scale 1e-6 instead of 1e-4 and compare when the first drop happens.")
    return "smaller initial weights start deeper in the saddle at the origin, so it takes longer to escape (log of the scale)."
