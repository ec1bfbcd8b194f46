"""The course's exercises: for each, its checker (which recomputes the answer and never prints it), its feedback,
its points and the format of its answer. Course material, not part of the package (the wheel does not hold it): a
notebook finds this file beside it, or in its parent or grandparent folder, or where TOYLANDS_COURSE points, the
first time it calls check().

Points (what nbgrader grades; challenges are optional and never graded): 2 for an exercise whose answer is code
of your own that the check runs (a landscape, an update rule, a trained network) or a measurement you assemble in
several steps the lesson has not shown (a quantity tracked along a run, a network rescaled or retrained and
compared, a result derived by hand); 1 for the rest, an answer read off one call or one formula.

A check that trains a network again (lessons 7 to 11 and 14) may take ``seconds=240`` instead of the default
60 s: on a busy machine it takes several times its usual 5-45 s.

Answer formats (``answer=``, one per argument of the checker) are checked before the checker runs, so a checker
may take its answers' types for granted: a ``number`` converts with float(), a ``point(2)`` with np.asarray().
"""

from __future__ import annotations

import functools

import numpy as np

from toylands import Landscape, analysis, get, nets, optim, run
from toylands.degeneracy import learning_coefficient, tempered_expectation
from toylands.exercises import (Wrong, anything, array, close, count, exercise, function, landscape, number, point,
                                same_word, word, words, yes_no)
from toylands.online import reddi, run_online


# 00 Welcome ---------------------------------------------------------------------------------

KIND_WORDS = ("converged", "resting", "moving", "escaped", "diverged")


def _lower(words) -> list[str]:
    """Words as the outcomes spell them (the format has checked that each is one of KIND_WORDS, in any case)."""
    return [str(w).strip().lower() for w in words]


@exercise("00.1", "how three runs end", kind="predict", points=1, answer=words(3, KIND_WORDS),
          wrong=lambda k: [["converged", "converged", "converged"], ["resting", "resting", "converged"],
                           ["converged", "diverged", "converged"]])  # fmt: skip
def _00_1(kinds):
    words = _lower(kinds)
    runs = run(optim.gd(0.05), get("double_well"), [[0.0, 1.2], [0.001, 1.2], [-1.8, -1.0]], 300)
    off = [i + 1 for i, (w, o) in enumerate(zip(words, runs.outcomes, strict=True)) if w != o.kind]
    if off:
        raise Wrong(f"run {off[0]} did not end that way: did you make the runs with tl.run, from the three starts in "
                    "that order, and read traj.outcomes? Where its start lies, which way does the gradient point?")
    return "one rests on the pass, where the gradient never leaves the line x = 0; the others roll into the wells."


@exercise("00.2", "your own landscape", points=2, answer=(landscape, point(2)))
def _00_2(mine, minimum):
    P = np.random.default_rng(0).uniform(-2, 2, (20, 2))
    want = (P[:, 0] - 1) ** 2 + 2 * (P[:, 1] + 0.5) ** 2 + P[:, 0] * P[:, 1]
    if mine.dim != 2 or not np.allclose(mine(P), want):
        raise Wrong("your f does not compute (x - 1)^2 + 2 (y + 0.5)^2 + x y: check it on a few points, e.g. mine([1, 1]) "
                    "is 5.5.")  # fmt: skip
    p = np.asarray(minimum, dtype=float)
    if np.linalg.norm(mine.grad(p)) > 1e-6:
        raise Wrong("the gradient does not vanish there, so it is not the minimum: let tl.critical_points(mine) find it "
                    "(the term x y moves it away from where the two squares vanish).")  # fmt: skip
    return "a landscape of your own, and its minimum found by the search: the cross term x y pulled it off (1, -0.5)."


@exercise("00.3", "the steepest way down", kind="explain", points=1, answer=(point(2), number),
          wrong=lambda u, s: [(-np.asarray(u), s), (2 * np.asarray(u), s), (u, 0.5 * s), (u, -s)])  # fmt: skip
def _00_3(fastest, slope):
    g = get("himmelblau").grad([-1.0, 2.0])
    u = np.asarray(fastest, dtype=float)
    if abs(np.linalg.norm(u) - 1) > 1e-6:
        raise Wrong(f"fastest has length {np.linalg.norm(u):.3g}: a direction is a unit vector (divide by its norm).")
    if u @ g > -np.linalg.norm(g) * (1 - 1e-6):
        raise Wrong("that direction does not go down fastest: which way does the gradient point, and which way is down?")
    s = float(slope)
    close(s, float(u @ g), 1e-6, "slope", "the slope along a unit vector u is the gradient dotted with u.")
    return "against the gradient the loss falls at the rate |grad f|, faster than along any other direction."


@exercise("00.4", "a tilted double well", kind="challenge", answer=landscape,
          wrong=lambda L: [get("double_well"), get("bowl")])  # fmt: skip
def _00_4(mine):
    if mine.dim != 2:
        raise Wrong(f"give a landscape of two coordinates; yours has {mine.dim}.")
    if not np.allclose(mine.bounds, [(-2, 2), (-2, 2)]):
        raise Wrong("put it on the box [-2, 2] x [-2, 2]: give bounds, one (low, high) pair per coordinate.")
    found = analysis.critical_points(mine)
    kinds = sorted(c.kind for c in found)
    if kinds != ["min", "min", "saddle"]:
        counts = ", ".join(f"{kinds.count(k)} {k}" for k in sorted(set(kinds))) or "none"
        raise Wrong(f"tl.critical_points finds {counts} in the box: you need two minima and one saddle, nothing else.")
    depths = [c.value for c in found if c.kind == "min"]
    if abs(depths[0] - depths[1]) < 1e-6 * (1 + max(map(abs, depths))):
        raise Wrong("the two minima are equally deep: tilt the landscape (add a small term in x).")
    return "two wells of different depth with a pass between them: where you start now decides how well you do."


# 01 A tour ----------------------------------------------------------------------------------

CRITICAL_KINDS = ("min", "max", "saddle", "degenerate")


@exercise("01.1", "a critical point of the three-hump camel", kind="predict", points=1, answer=word(CRITICAL_KINDS),
          choices=CRITICAL_KINDS)
def _01_1(kind):
    L = get("three_hump_camel")
    p = analysis.newton_refine(L, [1.07, -0.54])
    want = analysis.classify(L, p)
    same_word(kind, {want}, "kind", "compare the signs of the two eigenvalues with the rules above: are they of one sign?")
    return "one eigenvalue up, one down: a pass between the middle minimum and a side one."


@exercise("01.2", "a saddle of Styblinski-Tang", points=1, answer=point(2))
def _01_2(saddle):
    L = get("styblinski_tang")
    p = np.asarray(saddle, dtype=float)
    # a critical point copied to 3 digits or more is one: refine it, and accept it if it barely moved
    q = analysis.newton_refine(L, p)
    if not (np.all(np.isfinite(q)) and np.linalg.norm(L.grad(q)) < 1e-8 and np.abs(q - p).max() <= 2e-3):
        g = np.linalg.norm(L.grad(p))
        raise Wrong(f"the gradient there has norm {g:.3g}: not a critical point yet. Refine your guess with "
                    "tl.newton_refine (a point copied from its printout to 3 decimals or more is close enough).")
    kind = analysis.classify(L, q)
    if kind != "saddle":
        raise Wrong(f"that critical point is a {kind}. Start Newton's method between two neighbouring minima.")
    return "Newton's method on the gradient found a saddle; gradient descent never would."


@exercise("01.3", "what the Hessian cannot tell", kind="explain", points=1, answer=(word(CRITICAL_KINDS), yes_no),
          wrong=lambda h, m: [("min", m), ("saddle", m), (h, not m)])  # fmt: skip
def _01_3(hessian_says, is_minimum):
    same_word(hessian_says, {"degenerate"}, "hessian_says",
              "compute the eigenvalues of quartic.hessian([0, 0]) and apply the rules above.")  # fmt: skip
    if not is_minimum:
        raise Wrong("look at the formula: is x^4 + y^4 ever below its value at the origin?")
    return ("the Hessian is zero there, so the second-order test is silent; the fourth-order terms make it a minimum, "
            "one so flat that gradient descent approaches it ever more slowly.")  # fmt: skip


@exercise("01.4", "counting Goldstein-Price's critical points", kind="challenge", answer=array((3,)))
def _01_4(counts):
    try:
        c = [float(v) for v in counts]
    except (TypeError, ValueError):
        raise Wrong("give three counts: (minima, saddles, maxima).") from None
    if len(c) != 3 or any(v != int(v) or v < 0 for v in c):
        raise Wrong("give three whole numbers: (minima, saddles, maxima).")
    kinds = [p.kind for p in get("goldstein_price").critical]
    for name, k, v in zip(("minima", "saddles", "maxima"), ("min", "saddle", "max"), c, strict=True):
        if kinds.count(k) != v:
            raise Wrong(f"your count of {name} is off: run tl.critical_points(tl.goldstein_price) and count each kind.")
    return "nine critical points, in a box where the loss climbs from 3 to a million."


# 02 Gradient descent and the learning rate --------------------------------------------------


@exercise("02.1", "the largest stable step", kind="predict", points=1, answer=number)
def _02_1(threshold):
    want = 2 / float(np.linalg.eigvalsh(get("himmelblau").hessian([3.0, 2.0])).max())
    close(threshold, want, 1e-3, "threshold", "the steepest direction at the minimum need not be an axis: take the "
          "eigenvalues of the Hessian there (tl.himmelblau.hessian, np.linalg.eigvalsh).")  # fmt: skip
    return ("the steepest eigen-direction of the Hessian at the minimum sets the limit for every direction, "
            "whatever the diagonal says.")


@exercise("02.2", "a fast learning rate for Booth's function", points=1, answer=number, unique=False)
def _02_2(lr):
    lr = float(lr)
    if not lr > 0:
        raise Wrong("a learning rate must be positive.")
    traj = run(optim.gd(lr), get("booth"), [-8.0, -8.0], 100)
    o = traj.outcomes[0]
    if o.kind == "diverged":
        raise Wrong(f"with lr = {lr:g} the run {o.words}: too large for the steep direction of the bowl.")
    v = float(traj.final_values[0])
    if not v < 1e-10:
        raise Wrong(f"after 100 steps the loss is still {v:.2g}: each direction shrinks by |1 - lr lambda| a step; "
                    "which learning rate makes the worse of the two factors smallest?")  # fmt: skip
    return (f"the loss is {v:.1e} after 100 steps: both directions shrink fast at a learning rate near "
            "2 / (lambda_min + lambda_max).")


@exercise("02.3", "where gradient descent stalls", kind="explain", points=2, answer=number)
def _02_3(stall_x):
    x = float(stall_x)
    L = get("rosenbrock", b=20.0)
    traj = run(optim.gd(0.015), L, [-1.2, 1.0], 5000)
    middle = (traj.positions[-1, 0] + traj.positions[-2, 0]) / 2
    if abs(x - middle[0]) > 0.005:
        raise Wrong(f"x = {x:.4g} is not where the run stalls. Is it the x in [0, 1] on the floor y = x^2 where the top "
                    "Hessian eigenvalue equals 2 / lr, with lr = 0.015?")  # fmt: skip
    return (f"the run stalls with the middle of its two points at x = {middle[0]:.4f}: the floor's curvature alone told "
            "you where, because gradient descent stops exactly where the valley becomes too sharp for its step.")


@exercise("02.4", "the basins of the global minima", kind="challenge", answer=number)
def _02_4(global_share):
    b = analysis.basins(optim.gd(0.02), get("six_hump_camel"), n=40, steps=1000)
    want = sum(v for k, v in b.fractions().items() if isinstance(k, int) and b.minima[k].is_global)
    close(global_share, want, 0.02, "global_share", "add the shares of every minimum that is global (b.minima[k].is_global).")
    return "about half of the starts: the deep central valleys drain a large part of the box."


# 03 Momentum ---------------------------------------------------------------------------------


@exercise("03.1", "Nesterov's stability edge", kind="predict", points=1, answer=number)
def _03_1(nesterov_edge):
    beta, lam = 0.9, 100.0
    close(nesterov_edge, (2 + 2 * beta) / ((1 + 2 * beta) * lam), 0.01, "nesterov_edge",
          "sweep tl.nesterov(lr, 0.9) on the bowl with kappa = 100 over a fine grid, long enough for slow growth to "
          "show, and give sweep.divergence_lr.")  # fmt: skip
    return "Nesterov's edge is well below heavy ball's, and even below plain gradient descent's 2 / lambda_max."


def _heavy_ball_uphill(grad, velocity, lr=0.01, beta=0.9):
    velocity = beta * velocity + grad
    return lr * velocity, velocity


def _heavy_ball_forgetful(grad, velocity, lr=0.01, beta=0.9):
    return -lr * grad, grad


@exercise("03.2", "writing heavy-ball momentum", points=2, answer=function,
          wrong=lambda f: [_heavy_ball_uphill, _heavy_ball_forgetful])
def _03_2(heavy_ball):
    mine = optim.optimizer(heavy_ball, init=np.zeros_like, lr=1e-3, beta=0.9)
    a = run(mine, get("rosenbrock"), [-1.2, 1.0], 100)
    b = run(optim.momentum(1e-3, 0.9), get("rosenbrock"), [-1.2, 1.0], 100)
    if not np.abs(a.positions - b.positions).max() < 1e-10:
        k = int(np.argmax(np.abs(a.positions - b.positions).max(axis=(1, 2)) > 1e-10))
        raise Wrong(f"your path leaves torch's heavy ball at step {k}. The velocity keeps a fraction beta of itself and "
                    "adds the gradient; the step goes against the velocity.")  # fmt: skip
    return "the same path as tl.momentum, step for step."


@exercise("03.3", "heavy ball's edge on a tilted ravine", kind="explain", points=1, answer=number)
def _03_3(tilted_edge):
    lam = float(np.linalg.eigvalsh(np.array([[3.0, 2.0], [2.0, 6.0]])).max())  # the Hessian of (3x^2 + 4xy + 6y^2) / 2
    close(tilted_edge, 2 * 1.5 / lam, 1e-3, "tilted_edge",
          "the edge depends on beta and on the largest eigenvalue of the Hessian, which for a tilted ravine is not a "
          "diagonal entry: take np.linalg.eigvalsh of tilted.hessian.")  # fmt: skip
    return "the diagonal would have said 0.5: only the curvatures count, whichever way the ravine lies."


@exercise("03.4", "heavy ball within a short budget", kind="challenge", answer=(number, number), unique=False,
          wrong=lambda lr, b: [(lr, 0.0), (3 * lr, b)])  # fmt: skip
def _03_4(fast_lr, fast_beta):
    lr, beta = float(fast_lr), float(fast_beta)
    if not (lr > 0 and 0 <= beta < 1):
        raise Wrong("the learning rate must be positive and the momentum in [0, 1).")
    traj = run(optim.momentum(lr, beta), get("ill_conditioned_bowl", kappa=100.0), [2.0, 1.0], 80)
    o = traj.outcomes[0]
    if o.kind == "diverged":
        raise Wrong(f"the run {o.words}: heavy ball is stable only while lr lambda_max < 2 (1 + beta).")
    v = float(traj.final_values[0])
    if not v < 1e-10:
        raise Wrong(f"after 80 steps the loss is {v:.2g}. The best rate in the long run is not always the quickest over a "
                    "short one: run many pairs around it at once (tl.grid) and count each one's steps to 1e-10.")
    return (f"a loss of {v:.1e} within 80 steps. Polyak's pair has the best rate in the long run, but over a short run "
            "the transient from the start counts too, and a pair beside it gets there sooner.")


# 04 Adaptive methods ---------------------------------------------------------------------------


@exercise("04.1", "per-coordinate scaling on a turned ravine", kind="predict", points=1, answer=number)
def _04_1(adagrad_loss):
    turned = get("rotated_ellipse", kappa=100.0, angle=45.0)
    lr = analysis.tune(optim.adagrad, turned, [[2.5, 0.5]], np.logspace(-4, 1, 26), steps=300).lr
    want = float(run(optim.adagrad(lr), turned, [2.5, 0.5], 300).final_values[0])
    close(adagrad_loss, want, 0.05, "adagrad_loss", "tune tl.adagrad on the turned ravine with the grid and steps given, "
          "run it with t.lr from (2.5, 0.5), and give traj.final_values[0].")  # fmt: skip
    return ("AdaGrad, tuned, no longer gets below 1e-6 within 300 steps: a turned ravine is not something it can scale "
            "away.")


def _rmsprop_without_root(grad, v, lr=0.01, alpha=0.99, eps=1e-8):
    v = alpha * v + (1 - alpha) * grad**2
    return -lr * grad / (v + eps), v


def _rmsprop_uphill(grad, v, lr=0.01, alpha=0.99, eps=1e-8):
    v = alpha * v + (1 - alpha) * grad**2
    return lr * grad / (np.sqrt(v) + eps), v


@exercise("04.2", "writing RMSprop", points=2, answer=function, wrong=lambda f: [_rmsprop_without_root, _rmsprop_uphill])
def _04_2(rmsprop_update):
    mine = optim.optimizer(rmsprop_update, init=np.zeros_like, lr=0.01, alpha=0.99, eps=1e-8)
    a = run(mine, get("rosenbrock"), [-1.2, 1.0], 50)
    b = run(optim.rmsprop(0.01), get("rosenbrock"), [-1.2, 1.0], 50)
    if not np.allclose(a.positions, b.positions, rtol=1e-10, atol=1e-12):
        raise Wrong("your steps differ from torch's RMSprop: check the running average of squared gradients, and what the "
                    "gradient is divided by.")  # fmt: skip
    return "the same path as tl.rmsprop."


@exercise("04.3", "AdamW's box, half full", kind="explain", points=1, answer=number)
def _04_3(rest_x):
    y = 1 / 0.4  # y rests on the face of the box; x where Booth's gradient in x, 10 x + 8 y - 34, vanishes
    want = (34 - 8 * y) / 10
    v = float(rest_x)
    if not np.isfinite(v) or abs(v - want) > 0.01 * abs(want):
        raise Wrong(f"rest_x = {v:.4g} is not where x comes to rest. A coordinate rests on the face of the box only while "
                    "its gradient keeps pushing it out; inside the box its step must vanish. Which coordinate presses on the "
                    "face, and where is the other one's gradient 0 with the first one there? (A run of 8,000 or 20,000 "
                    "steps has not arrived yet.)")
    return ("y rests on the face 1 / lambda, where the loss still pushes it; x rests inside, where its own gradient "
            "vanishes: the box limits only the coordinates the loss pushes out of it.")


@exercise("04.4", "how short a memory breaks Adam", kind="challenge", answer=number)
def _04_4(largest_failing_b2):
    b2s = np.round(np.arange(0.05, 0.96, 0.05), 2)
    ends = run_online(optim.adam(optim.inverse_sqrt(0.5), b1=0.0, b2=b2s), reddi(3.0), steps=6000).final
    want = float(b2s[ends > 0].max())
    v = float(largest_failing_b2)
    if not np.any(np.isclose(v, b2s, rtol=0, atol=1e-9)):
        raise Wrong(f"largest_failing_b2 = {v:.4g} is not one of the nineteen values 0.05, 0.10, ..., 0.95.")
    if not np.isclose(v, want, rtol=0, atol=1e-9):
        raise Wrong(f"largest_failing_b2 = {v:.4g} is not the one: the rule 1 / (1 + 3^2) only says where the failure is "
                    "sure. Run all nineteen values of b2 at once (b2=b2s) and look at which end above 0.")
    return "below it Adam forgets the rare large gradient between two visits; above it the memory spans the period."


# 05 Saddles and plateaus -----------------------------------------------------------------------


@exercise("05.1", "minima among random critical points", kind="predict", points=1, answer=number)
def _05_1(share_3):
    A = np.random.default_rng(1).standard_normal((400_000, 3, 3))
    want = float(np.mean(np.all(np.linalg.eigvalsh((A + np.swapaxes(A, 1, 2)) / 2) > 0, -1)))
    close(share_3, want, 0.12, "share_3",
          "draw 100,000 matrices (A + A^T) / 2 of shape (3, 3) and count those whose eigenvalues are all positive.")  # fmt: skip
    return "about one in forty, five times rarer than coin flips would make it: the eigenvalues push each other apart."


@exercise("05.2", "escape time and noise", points=1, answer=number)
def _05_2(extra_steps):
    e = analysis.escape_times(get("saddle"), [0.0, 0.0], [1e-6, 1e-2], lr=0.05, steps=1000, radius=1.0, seeds=32)
    want = float(e.median[0] - e.median[1])
    v = float(extra_steps)
    if not np.isfinite(v):
        raise Wrong("extra_steps is not finite: measure it with tl.escape_times and read its .median.")
    if abs(v - want) > 0.01 * abs(want):
        far = abs(v - want) > 0.1 * abs(want)
        raise Wrong(f"extra_steps = {v:.4g} is not the measured difference"
                    + (" (it is far off)" if far else " (it is near it, as a formula would be)")
                    + ": run tl.escape_times with the two noise levels and 32 seeds and use its .median, not a formula.")
    return ("10,000 times less noise costs only about a hundred extra steps: escape is logarithmic in the noise. "
            "The formula log(10^4) / log(1 + 2 lr) comes within a few steps; the noise's own random walk makes up the rest.")


@exercise("05.3", "Newton and saddle-free Newton on Himmelblau", kind="explain", points=1, answer=words(2, KIND_WORDS),
          wrong=lambda k: [["converged", "converged"], ["resting", "resting"], ["converged", "resting"]])  # fmt: skip
def _05_3(kinds):
    words = _lower(kinds)
    pair = {n: run(o, get("himmelblau"), [3.3, 0.3], 60) for n, o in
            (("Newton", optim.newton()), ("Saddle-free Newton", optim.saddle_free_newton()))}  # fmt: skip
    for w, (name, tr) in zip(words, pair.items(), strict=True):
        if w != tr.outcomes[0].kind:
            raise Wrong(f"that is not how {name} ends: run both from (3.3, 0.3) for 60 steps and read .outcomes.")
    return "Newton takes the nearby saddle for its goal; with |H| the same step turns downhill, into a minimum."


@exercise("05.4", "noise enough to leave a degenerate saddle", kind="challenge", answer=number)
def _05_4(smallest_escaping_noise):
    levels = np.logspace(-3, -0.5, 6)
    slow = analysis.escape_times(get("degenerate_saddle"), [0.0, 0.0], levels, lr=0.05, steps=4000, radius=1.0, seeds=16)
    want = float(levels[slow.median < 4000].min())
    v = float(smallest_escaping_noise)
    if not np.any(np.isclose(v, levels, rtol=1e-6)):
        raise Wrong(f"smallest_escaping_noise = {v:.4g} is not one of the six levels np.logspace(-3, -0.5, 6).")
    if not np.isclose(v, want, rtol=1e-6):
        raise Wrong(f"smallest_escaping_noise = {v:.4g} is not the one: measure all six levels at once with "
                    "tl.escape_times and read the median of each against the 4,000-step budget.")
    return "orders of magnitude more noise than the ordinary saddle needs: near a degenerate saddle the push away is cubic."


# 06 Symmetry valleys ---------------------------------------------------------------------------


@exercise("06.1", "where on the hyperbola", kind="predict", points=1, answer=point(2))
def _06_1(reached):
    p = np.asarray(reached, dtype=float)
    if abs(p[0] * p[1] - 1) > 1e-4:
        raise Wrong("that point is not on the hyperbola of minima: run longer, or check the start.")
    want = run(optim.gd(0.05), get("hyperbola"), [2.0, 2.0], 2000).final[0]
    if np.linalg.norm(p - want) > 1e-3:
        raise Wrong("it is a minimum, but not the one gradient descent reaches from (2, 2): run it and look.")
    return "from (2, 2) the balance w1^2 - w2^2 is 0, and it stays 0: the run can only end where w1 = w2."


def _first_within(tr, radius: float) -> int:
    return int(np.argmax(np.linalg.norm(tr.positions[:, 0], axis=-1) < radius))


@exercise("06.2", "the crawl into a singular minimum", points=1, answer=count)
def _06_2(steps_to_tenth):
    want = _first_within(run(optim.gd(0.1), get("cross"), [1.0, 1.0], 20000, progress=False), 0.1)
    v = int(float(steps_to_tenth))
    if v == want:
        return (f"{want} steps to come within 0.1, where the bowl needs a few dozen: along the diagonal each step shrinks "
                "the distance by a share that shrinks with it.")
    far = abs(v - want) > 0.1 * want
    raise Wrong("steps_to_tenth is not the count the run gives" + (" (it is far off)" if far else " (it is near)")
                + ": measure it on into_cross itself (np.linalg.norm of its positions, then np.argmax of a comparison; "
                "positions[0] is the start, so k is an index into positions), rather than from a formula or the figure.")


def _hyperbola_landing(w1: float, w2: float) -> float:
    c = w1 * w1 - w2 * w2
    return float(np.sqrt((c + np.sqrt(c * c + 4)) / 2))


def _landing_by_descent(w1, w2):
    return float(run(optim.gd(0.01), get("hyperbola"), [w1, w2], 3000, progress=False).final[0, 0])


@exercise("06.3", "the balance law off the diagonal", kind="explain", points=2, answer=function,
          wrong=lambda f: [_landing_by_descent, lambda w1, w2: float(np.sqrt(abs(w1 * w1 - w2 * w2)))])
def _06_3(landing_w1):
    for start in ((3.0, 0.5), (0.5, 3.0), (2.5, 2.0), (1.2, 0.3)):
        want = _hyperbola_landing(*start)
        try:
            v = float(landing_w1(*start))
        except NotImplementedError:
            raise
        except Exception as e:  # noqa: BLE001 -- the student's function, whatever it raises
            raise Wrong(f"landing_w1{start} raised {type(e).__name__}: {e}") from None
        if not np.isfinite(v) or abs(v - want) > 1e-6 * want:
            near = np.isfinite(v) and abs(v - want) < 0.01 * want
            raise Wrong(f"landing_w1{start} = {v:.6g} is not where the flow lands"
                        + (" (it is near: where gradient descent with finite steps lands is not quite the flow's point)"
                           if near else "")
                        + ": from the law alone, solve w1 w2 = 1 together with w1^2 - w2^2 = its value at the start "
                        "(a quadratic equation in w1^2).")
    return ("the start decides where on the curve of minima the flow lands: w1^2 - w2^2 is all it remembers. "
            "Gradient descent with lr 0.01 from (2.5, 2) lands within 1% of it, not exactly.")


@exercise("06.4", "another copy of the teacher", kind="challenge", answer=point(4))
def _06_4(copy):
    p = np.asarray(copy, dtype=float)
    L = get("permutation_4d")
    if L(p) > 1e-10:
        raise Wrong("the loss is not 0 there: a copy of a solution is as good as the solution.")
    if np.allclose(p, [1.5, 1.0, 0.4, 1.0]):
        raise Wrong("that is the teacher itself.")
    if not np.allclose(p, [0.4, 1.0, -1.5, -1.0]):
        raise Wrong("it is a copy, but not the one asked for: swap the units first, then flip both weights of the second.")
    return "the same network, with its units in the other order and the second one's signs flipped: one of eight copies."


# 07 Small networks' landscapes ----------------------------------------------------------------


@functools.cache
def _moons_network():
    return nets.mlp_landscape(nets.two_moons(200, noise=0.15, seed=0), hidden=(16, 16), activation="tanh", seed=0)


@functools.cache
def _moons_solution(seed: int) -> np.ndarray:
    return nets.train(_moons_network(), optim.adam(0.02), steps=800, seed=seed).final[0]


@exercise("07.1", "three solutions", kind="predict", points=1, answer=number, seconds=240)
def _07_1(first_barrier):
    L = _moons_network()
    close(first_barrier, nets.interpolate(L, _moons_solution(1), _moons_solution(2)).barrier, 1e-3, "first_barrier",
          "train with seed=1 and seed=2 (Adam, 0.02, 800 steps) and measure the barrier with nets.interpolate.")  # fmt: skip
    return "a barrier many times the loss of either end: the two solutions are separated by higher ground on the line."


def _is_circles_2_8_1(L) -> str:
    """What is wrong with ``L`` as the 2-8-1 tanh network on nets.circles(200, seed=0), or ""."""
    net = getattr(L, "net", None)
    if net is None or not hasattr(net, "data"):
        return "L is not a network's landscape: build it with nets.mlp_landscape"
    want = nets.circles(200, seed=0)
    if net.data.X.shape != want.X.shape or not np.array_equal(net.data.X, want.X):
        return f"L learns {net.data.name}, not the concentric circles nets.circles(200, seed=0)"
    if tuple(net.model.sizes) != (2, 8, 1) or net.model.activation != "tanh":
        return f"L is the network {L.model}, not a 2-8-1 tanh network (hidden=(8,))"
    return ""


@exercise("07.2", "training a small network", points=2, answer=(landscape, array((None,))),
          wrong=lambda L, theta: [(L, np.zeros_like(np.asarray(theta, float))), (L, -np.asarray(theta, float)),
                                  (_moons_network(), _moons_solution(1))])
def _07_2(L, theta):
    if problem := _is_circles_2_8_1(L):
        raise Wrong(problem + ".")
    theta = np.asarray(theta, float)
    if theta.shape != (L.dim,):
        raise Wrong(f"theta has shape {theta.shape}; this network has {L.dim} parameters: give the final point of its training.")
    acc = float(nets.accuracy(L, theta, test=True))
    if acc < 0.95:
        raise Wrong(f"test accuracy {acc:.2f}: train it further (nets.train with one of the optimizers you know) and "
                    "check nets.accuracy(L, theta, test=True) before you hand it in.")
    return f"test accuracy {acc:.2f} on points the network never saw."


@exercise("07.3", "why the large step zig-zags", kind="explain", points=1, answer=number, seconds=240)
def _07_3(sharpness_at_100):
    L = _moons_network()
    at_100 = run(optim.gd(2.0), L, L.starts[0], 100).final[0]
    want = float(nets.top_eigenvalues(L, at_100, iters=30)[0])
    close(sharpness_at_100, want, 0.01, "sharpness_at_100",
          "measure the top Hessian eigenvalue (nets.top_eigenvalues) at large_step_run's point after 100 steps.")  # fmt: skip
    return (f"{want:.2f} > 2 / lr = 1: there the landscape is too sharp for the step, and the run oscillates; by step 400 "
            "training has reached flatter ground, below 2 / lr.")


@exercise("07.4", "how planar a noisy run is", kind="challenge", answer=number, seconds=240)
def _07_4(noisy_share):
    L = _moons_network()
    want = nets.pca_plane(L, run(nets.sgd(0.5, batch_size=4, seed=0), L, L.starts[0], 400))[0].explained
    close(noisy_share, want, 1e-3, "noisy_share", "run nets.sgd(0.5, batch_size=4, seed=0) for 400 steps from L's start "
          "and give the explained share of its PCA plane.")  # fmt: skip
    return (f"{1 - want:.0%} of its movement lies off its plane: batches of 4 are noisy enough to spread a run over "
            "many directions (try batch 32: the drift wins again).")


# 08 Curvature and generalization --------------------------------------------------------------


def _noisy_moons_network(activation="tanh", init="glorot"):
    return nets.mlp_landscape(nets.two_moons(200, noise=0.2, seed=1), hidden=(16,), activation=activation, init=init, seed=0)


@exercise("08.1", "the sharpness at the edge", kind="predict", points=1, answer=(number, number), seconds=240)
def _08_1(highest, last):
    at, sharp, _ = nets.sharpness_during_training(_noisy_moons_network(), lr=1.0, steps=3000, every=150, iters=15)
    close(highest, float(sharp.max()), 0.02, "highest",
          "the largest of the sharpnesses measured along the run (one every 150 steps), not the cap 2 / lr.")  # fmt: skip
    close(last, float(sharp[-1]), 0.02, "last", "the sharpness measured at the run's last step, 3,000.")
    return ("it went a few percent past the cap 2 / lr = 2, then fell back below it, while over the run the loss fell "
            "on, unevenly: gradient descent trains at the edge of stability, pushed back when it crosses it.")


@exercise("08.2", "another solution, another sharpness", points=1, answer=number, seconds=240)
def _08_2(other_sharpness):
    L = _noisy_moons_network()
    other = nets.train(L, optim.adam(0.02), steps=800, seed=2).final[0]
    exact = float(np.linalg.eigvalsh(L.autograd_hessian(other)).max())
    close(other_sharpness, exact, 1e-3, "other_sharpness", "train from the initialization the exercise names and "
          "measure the top Hessian eigenvalue where that run ends (nets.top_eigenvalues), not at theta.")  # fmt: skip
    return (f"{exact:.2f}: the same data, the same network, the same optimizer, and a minimum of another sharpness: "
            "sharpness belongs to the minimum a run finds, not to the task.")


@exercise("08.3", "the same function, another sharpness", kind="explain", points=2, answer=number, seconds=240)
def _08_3(rescaled_sharpness):
    R = _noisy_moons_network("relu", "he")
    solution = nets.train(R, optim.adam(0.02), steps=1500).final[0]
    (W1, b1), (W2, b2) = R.model.unflatten(solution)
    rescaled = R.model.flatten([(4 * W1, 4 * b1), (W2 / 4, b2)])
    want = float(nets.top_eigenvalues(R, rescaled, iters=30)[0])
    close(rescaled_sharpness, want, 0.01, "rescaled_sharpness", "the sharpness is measured on the rescaled parameters "
          "(R.model.unflatten, scale each layer, R.model.flatten), and it need not scale by a simple power of 4.")  # fmt: skip
    before = float(nets.top_eigenvalues(R, solution, iters=30)[0])
    return (f"the loss is the same to the last digit, but the sharpness went from {before:.2f} to {want:.2f}: a number "
            "that changes while the function does not cannot by itself decide how well the function generalizes.")


@exercise("08.4", "where a larger batch lands", kind="challenge", answer=number, seconds=240)
def _08_4(batch32_sharpness):
    rows = nets.flat_vs_sharp(_noisy_moons_network(), {"b": nets.sgd(0.5, batch_size=32, seed=0)}, steps=4000, until=0.07)
    close(batch32_sharpness, rows[0].sharpness, 1e-6, "batch32_sharpness",
          "train from the table's start with batch 32, stop where the training loss first reaches 0.07 "
          "(nets.flat_vs_sharp does both), and take that minimum's sharpness.")  # fmt: skip
    return ("it lies between batch 8's sharpness and the full batch's in the table: less noise, a sharper place to "
            "rest.")


# 09 Mode connectivity ----------------------------------------------------------------------------


@functools.cache
def _moons_pair(width: int):
    """Lesson 9's network of ``width`` hidden units and its two solutions (seeds 1 and 2), trained once per kernel."""
    L = nets.mlp_landscape(nets.two_moons(200, noise=0.15, seed=0), hidden=(width,), seed=0)
    a, b = (nets.train(L, optim.adam(0.02), steps=1500, seed=s).final[0] for s in (1, 2))
    return L, a, b


@exercise("09.1", "the barrier after matching units", kind="predict", points=1, answer=number, seconds=240)
def _09_1(aligned_barrier):
    L, a, b = _moons_pair(16)
    close(aligned_barrier, nets.interpolate(L, a, nets.weight_matching(L, a, b)[0]).barrier, 0.01, "aligned_barrier",
          "match b's units to a's (nets.weight_matching), then measure the barrier on the straight line from a to "
          "the matched copy (nets.interpolate), not to b itself.")  # fmt: skip
    return "once the hidden units are matched, the two solutions sit in one valley: the barrier was mostly labels."


@exercise("09.2", "matching a wider network", points=2, answer=number, seconds=240)
def _09_2(wide_aligned_barrier):
    W, wa, wb = _moons_pair(32)
    want = nets.interpolate(W, wa, nets.weight_matching(W, wa, wb)[0]).barrier
    close(wide_aligned_barrier, want, 0.01, "wide_aligned_barrier",
          "train both 2-32-1 solutions as the lesson trained a and b, match their units, and measure the barrier "
          "on the straight line between them.")  # fmt: skip
    L, a, b = _moons_pair(16)
    narrow = nets.interpolate(L, a, nets.weight_matching(L, a, b)[0]).barrier
    return (f"after matching: {want:.3g} for 32 units, against {narrow:.3g} for 16. Both far below the straight line's "
            "barrier; matching is a heuristic, and how well it works depends on the pair, not only on the width.")


@exercise("09.3", "the cost of swapping two units", kind="explain", points=1, answer=number, seconds=240)
def _09_3(rise_fraction):
    L, a, b = _moons_pair(16)
    swap = nets.swap_path(L, a, 2, 5)
    want = float(swap.loss[len(swap.t) // 2] - swap.loss[0]) / nets.interpolate(L, a, b).barrier
    close(rise_fraction, want, 0.01, "rise_fraction",
          "swap units 2 and 5 the way the lesson swapped 0 and 1 (nets.swap_path), and divide the rise at the "
          "middle of the swap by the straight line's barrier between a and b.")  # fmt: skip
    return "a tiny fraction again: in a network with spare units, swapping two of them costs almost nothing."


@exercise("09.4", "a curve between wider solutions", kind="challenge", answer=number, seconds=240)
def _09_4(wide_bezier_barrier):
    W, wa, wb = _moons_pair(32)
    want = nets.curve_along(W, nets.bezier(W, wa, wb, steps=800, lr=0.01)).barrier
    close(wide_bezier_barrier, want, 0.01, "wide_bezier_barrier",
          "train the curve between the wide pair as the lesson trained it between a and b (nets.bezier), then "
          "measure its barrier (nets.curve_along).")  # fmt: skip
    return "a trained curve joins the wider solutions too, with a barrier far below their straight line's."


# 10 Phase transitions ----------------------------------------------------------------------------


@functools.cache  # seeded, so a refused shortcut or a second try need not train again
def _mode_steps(values: tuple, init_scale: float, steps: int, every: int = 5) -> tuple:
    """The first step (on a grid of ``every``) at which each mode of a linear teacher passes half its strength."""
    L = nets.mlp_landscape(nets.linear_teacher(singular_values=values, size=6, seed=0), hidden=(6,), activation="linear",
                           init="normal", scale=init_scale, seed=0)  # fmt: skip
    tr = run(optim.gd(0.02), L, L.starts[0], steps, progress=False)
    grid = np.arange(0, steps + 1, every)
    sv = np.array([np.linalg.svd(nets.end_to_end(L, tr.positions[k, 0]), compute_uv=False) for k in grid])
    return tuple(int(grid[np.argmax(sv[:, m] > s / 2)]) for m, s in enumerate(values))


@functools.cache
def _first_drop(hidden: tuple, scale: float, steps: int = 4000) -> int:
    """The first step at which the four-mode teacher's loss is below the middle of its starting and final loss."""
    L = nets.mlp_landscape(nets.linear_teacher(singular_values=(4.0, 2.0, 1.0, 0.5), size=6, seed=0), hidden=hidden,
                           activation="linear", init="normal", scale=scale, seed=0)  # fmt: skip
    v = run(optim.gd(0.02), L, L.starts[0], steps, progress=False).values[:, 0]
    return int(np.argmax(v < 0.5 * (v[0] + v[-1])))


def _ten_percent_off(step):
    return [round(step * 1.1), round(step * 0.9)]


def _the_measured_step(value, name: str, want: int, how: str) -> None:
    """Wrong unless the step is within 1% of the run's (a grid of 5 steps makes it exact), saying only coarsely how far
    off it is (no direction to bisect on) and what to reconsider: the lesson's formula and its s t rule come within
    3-6%, which is not a measurement."""
    step = int(value)
    if abs(step - want) > 0.01 * want:
        far = "far off (more than 30% away)" if abs(step - want) > 0.3 * want else "close, but not the run's step"
        raise Wrong(f"{name} = {step} is {far}: a formula or a rule of thumb is not a measurement; {how}")


@exercise("10.1", "when the second mode is learned", kind="predict", points=2, answer=count, seconds=240, wrong=_ten_percent_off)
def _10_1(second_mode_step):
    first, want, _ = _mode_steps((3.0, 1.5, 0.75), 1e-4, 3000)
    _the_measured_step(second_mode_step, "second_mode_step", want, "train on the three-mode teacher, check the second "
                       "singular value (index 1) of nets.end_to_end(L3, theta) every 5 steps and take the first step where "
                       "it is above 0.75.")  # fmt: skip
    return (f"the mode of strength 1.5 waits {want / first:.1f} times as long as the one of strength 3: the wait goes like "
            "ln(s / a0) / s, and the logarithm changes little, so nearly like 1 / s.")


@exercise("10.2", "the first plateau of a deeper network", points=1, answer=count, seconds=240, wrong=_ten_percent_off)
def _10_2(first_drop_deep):
    want = _first_drop((6, 6), 1e-2)
    _the_measured_step(first_drop_deep, "first_drop_deep", want, "train hidden=(6, 6) from scale 1e-2 for 4,000 steps "
                       "and find the first step whose loss is below the middle of the starting and the final loss.")  # fmt: skip
    two, third = _first_drop((6,), 1e-2), _first_drop((6, 6), 3e-2)
    return (f"{want / two:.0f} times the two-layer network's wait from the same scale. And from a scale three times "
            f"larger the deeper network waits {want / third:.1f} times less: with three layers the wait grows like "
            "1 / scale, not by a fixed number of steps per factor (Saxe et al. 2014).")


@exercise("10.3", "a weaker mode waits longer", kind="explain", points=2, answer=count, seconds=240, wrong=_ten_percent_off)
def _10_3(fifth_mode_step):
    *_, fourth, want = _mode_steps((4.0, 2.0, 1.0, 0.5, 0.25), 1e-4, 8000)
    _the_measured_step(fifth_mode_step, "fifth_mode_step", want, "train on the five-mode teacher for 8,000 steps, check the "
                       "fifth singular value (index 4) every 5 steps and take the first step above 0.125.")  # fmt: skip
    return (f"half the strength of the fourth mode, {want / fourth:.2f} times its wait: s t stays nearly constant down the "
            "staircase (the wait goes like ln(s / a0) / s, and the logarithm shrinks a little with s).")


@exercise("10.4", "the wait on the hyperbola", kind="challenge", answer=count)
def _10_4(steps_to_half):
    v = run(optim.gd(0.05), get("hyperbola"), [0.01, 0.012], 400).values[:, 0]
    want = int(np.argmax(v < v[0] / 2))
    if int(steps_to_half) != want:
        raise Wrong("count the steps until traj.values[:, 0] first falls below half of traj.values[0, 0].")
    return "a long wait at the saddle, then the whole drop within a few steps."


# 11 Grokking -------------------------------------------------------------------------------------


@functools.cache  # seeded, so a second check of the same exercise need not train again
def _grok_step(p: int, weight_decay: float, steps: int) -> int | None:
    return nets.grokking(p=p, weight_decay=weight_decay, steps=steps, seed=0, stop_at=0.99, progress=False).generalized_at


def _the_step(value, name: str, want: int, how: str, known: dict[int, str]) -> int:
    """``want`` if the step the student measured is the run's own (records every 10 steps, so it is exact), else
    Wrong saying only how far off, coarsely (no direction to bisect on), and what to reconsider; a value in ``known``
    (the rule's step, another run's step) is told what it is."""
    step = int(value)
    if step != want:
        if step in known:
            raise Wrong(f"{name} = {step} is {known[step]}, not a measurement of this run: {how}")
        far = "far off (more than 30% away)" if abs(step - want) > 0.3 * want else "not the run's step"
        raise Wrong(f"{name} = {step} is {far}: the check wants the step the run itself records; {how}")
    return want


@exercise("11.1", "a stronger weight decay", kind="predict", points=1, answer=count, seconds=240, wrong=_ten_percent_off)
def _11_1(grok_step):
    want = _the_step(grok_step, "grok_step", _grok_step(31, 2.4, 400),
                     "train with weight_decay=2.4 (p = 31, seed 0) and read the record's generalized_at.",
                     {round(250 / 2.4): "the rule's 250 / 2.4", round(_grok_step(31, 1.2, 800) / 2): "half of decay 1.2's step"})
    return (f"weight decay x grok step = {2.4 * want:.0f}, against about 250 for the runs above: twice the decay, "
            f"about half the wait, though the rule's 250 / 2.4 = {250 / 2.4:.0f} comes a little early.")


@exercise("11.2", "a smaller clock", points=1, answer=count, seconds=240, wrong=_ten_percent_off)
def _11_2(small_grok_step):
    big = _grok_step(31, 1.2, 800)
    want = _the_step(small_grok_step, "small_grok_step", _grok_step(23, 1.2, 800),
                     "train on (a + b) mod 23 with weight_decay=1.2 (seed 0) and read generalized_at.",
                     {round(250 / 1.2): "the rule's 250 / 1.2", big: "the 31-hour clock's step at this decay"})
    ratio = want / big
    shown = [len(nets.modular_addition(p, 0.5, 0).X) for p in (23, 31)]
    return (f"the 23-hour clock takes {ratio:.1f} times as long as the 31-hour one at the same decay: it is shown "
            f"{shown[0]} pairs instead of {shown[1]}, and fewer examples pin the rule down less firmly."
            if ratio > 1.1 else f"about as long as the 31-hour clock ({ratio:.1f} times): the delay is set by the decay.")


@functools.cache  # seeded: the purity of the run without weight decay, at the start and at step 1000
def _no_decay_purity() -> tuple[float, float]:
    purity = nets.grokking(weight_decay=0.0, steps=1000, seed=0, every=1000, progress=False).purity
    return float(purity[0]), float(purity[-1])


@exercise("11.3", "no weight decay, no tuning", kind="explain", points=1, answer=number, seconds=240)
def _11_3(none_purity):
    start, want = _no_decay_purity()
    try:
        if abs(float(none_purity) - start) <= 0.05 * start:  # 0.17 as printed
            raise Wrong(f"none_purity = {float(none_purity):.2f} is the purity of the random weights at step 0 "
                        "(record.purity[0]); the exercise asks for the last record's.")  # fmt: skip
    except (TypeError, ValueError):
        pass  # close() says what a number is
    close(none_purity, want, 0.01, "none_purity", "take the run with weight decay 0 (none) and the last entry of its "
          "purity, the value at step 1000.")  # fmt: skip
    return (f"{want:.2f}: far below the level near 0.5 at which every decaying run generalized: its neurons stayed "
            "mixed. Nothing pulls them towards one frequency each: the memorizing weights fit the data, and no gradient "
            "says otherwise.")


# 12 The edge of chaos ----------------------------------------------------------------------------


@exercise("12.1", "ordered or chaotic", kind="predict", points=1, answer=number)
def _12_1(chi_3):
    want = float(nets.chi1(3.0, 1.0))
    v = float(chi_3)
    if abs(v - float(nets.chi1(3.0, 0.05))) < 1e-4:
        hint = "that is chi1 at the map's bias variance 0.05; the question is at sigma_b2 = 1."
    elif abs(v - float(nets.chi1(1.0, 3.0))) < 1e-4:
        hint = "that is sigma_w2 = 1 with sigma_b2 = 3: nets.chi1 takes the weight variance first, then the bias variance."
    else:
        hint = "nets.chi1 takes the weight variance first, then the bias variance."
    close(chi_3, want, 1e-4, "chi_3", hint)
    edge = float(nets.critical_sigma_w2(1.0))
    return (f"chi1 = {want:.3f} < 1: ordered. The edge keeps moving to larger weights as the biases grow: at "
            f"sigma_b2 = 1 it is at sigma_w2 = {edge:.2f}, so a weight variance far to the right of the map's edge line "
            "is still ordered.")


@exercise("12.2", "the slope measured in a network", points=1, answer=number)
def _12_2(measured_chi):
    p = nets.propagate(1.25, 0.05, depth=30, width=1000, seed=0)
    want = float(np.exp(np.mean(np.log(p.grad[:-1] / p.grad[1:]))))
    close(measured_chi, want, 1e-3, "measured_chi", "a geometric mean of ratios is the exponential of the mean of "
          "their logarithms; each ratio is one layer's gradient over the next layer's, for every pair of layers. The "
          "theory's chi1 is not what is asked: this network's own ratios are.")  # fmt: skip
    theory = float(nets.chi1(1.25, 0.05))
    apart = abs(want - theory) / theory
    return (f"the network's squared gradients shrink by {want:.4f} per layer on the way back, the theory says {theory:.4f}: "
            f"{apart:.{0 if apart >= 0.1 else 1 if apart >= 0.01 else 2}%} apart in one network of width 1,000.")


@exercise("12.3", "how ReLU approaches its edge", kind="explain", points=1, answer=count, wrong=_ten_percent_off)
def _12_3(relu_layer):
    want = int(np.argmax(nets.correlation_curve(0.5, 2000, 2.0, 0.0, "relu") > 0.99))
    relu_layer = int(relu_layer)
    if relu_layer != want:
        far = ("far off (more than a factor of two)" if not want / 2 <= relu_layer <= 2 * want
               else "within a factor of two, but not that layer")
        raise Wrong(f"relu_layer = {relu_layer} is {far}: it is the first index at which the ReLU curve (correlation "
                    "c0 = 0.5, sigma_w2 = 2, sigma_b2 = 0) is above 0.99; np.argmax finds the first True of a boolean "
                    "array.")  # fmt: skip
    tanh = nets.correlation_curve(0.5, 2000, float(nets.critical_sigma_w2(0.05)), 0.05)
    tanh_layer = int(np.argmax(tanh > 0.99)) if np.any(tanh > 0.99) else None
    later = f"layer {tanh_layer}" if tanh_layer else "not within 2,000 layers"
    return (f"ReLU merges the two inputs at layer {want}, tanh on its edge at {later}: 1 - c falls like 1/l^2 for "
            "ReLU and like 1/l for tanh, so a very deep ReLU network at He's initialization forgets input differences "
            "sooner, even on its edge.")


@exercise("12.4", "the edge by bisection", kind="challenge", answer=number)
def _12_4(edge_015):
    close(edge_015, float(nets.critical_sigma_w2(0.15)), 1e-3, "edge_015", "keep the half of the interval where chi1 - 1 "
          "changes sign, and stop when the interval is shorter than 0.001.")  # fmt: skip
    return "the edge moves to larger weight variances as the bias variance grows."


# 13 Singular minima -----------------------------------------------------------------------------


def _barely_curved():
    return Landscape("x^2 + 0.01 y^2 + y^4", lambda p: p[..., 0] ** 2 + 0.01 * p[..., 1] ** 2 + p[..., 1] ** 4,
                     bounds=[(-1.5, 1.5), (-1.5, 1.5)])


@functools.cache
def _far_hyperbola() -> float:
    return learning_coefficient(get("hyperbola"), [2.0, 0.5], n_beta=1000, seed=0).estimate


@exercise("13.1", "a barely curved direction", kind="predict", points=1, answer=number, wrong=lambda v: [1.0, 0.75, 0.5])
def _13_1(lam_barely):
    want = tempered_expectation(_barely_curved(), [0, 0], n_beta=1e4)
    v = float(lam_barely)
    if abs(v - want) > 0.01 * want:
        far = "far off" if abs(v - want) > 0.1 else "not what the quadrature gives"
        raise Wrong(f"lam_barely = {v:.4g} is {far}: a rule is not a measurement. Is your landscape x^2 + 0.01 y^2 + y^4, and "
                    "did you call tl.tempered_expectation at the origin with n_beta = 1e4?")
    late = tempered_expectation(_barely_curved(), [0, 0], n_beta=1e8)
    return (f"{want:.3f}, between the quartic's 3/4 and the rule's 1: where this posterior sits (loss about 1 / n_beta) the "
            "term 0.01 y^2 is only about as large as y^4, so y counts as part quartic, part ordinary. Only at far colder "
            f"temperatures does it count in full ({late:.3f} at n_beta = 1e8). What a direction counts depends on the "
            "scale you look at.")


@exercise("13.2", "another point of the valley", points=1, answer=number, wrong=lambda v: [1.1 * v, 0.9 * v, 1.0])
def _13_2(lam_far):
    want = _far_hyperbola()
    close(lam_far, want, 1e-6, "lam_far", "estimate at the point (2, 1/2) of the valley with n_beta = 1000 and seed = 0 (another "
          "seed or temperature gives another number), and give the record's .estimate.")  # fmt: skip
    return (f"{want:.3f}, as at (1, 1): every point of the valley uses one parameter's worth (the direction across the "
            "valley, 1/2); the direction along it costs nothing.")


@exercise("13.3", "the network's effective parameters", kind="explain", points=1, answer=(anything, landscape, number),
          wrong=lambda record, L, f: [(record, L, 2 * f), (record, L, f / 2), (record, L, 0.5)])
def _13_3(record, L, effective_fraction):
    lam, d = float(record.estimate), int(L.dim)
    want = 2 * lam / d
    close(effective_fraction, want, 1e-3, "effective_fraction", "a regular parameter adds 1/2 to lambda: 2 lambda "
          "regular parameters give the same lambda; divide by the number of parameters, L.dim.")  # fmt: skip
    return (f"2 lambda = {2 * lam:.1f} effective parameters of {d}, {want:.0%}: most directions at this minimum are "
            "flat or barely constrained (hidden units that do almost nothing, weights the data hardly pin down). "
            "A model that uses fewer "
            "effective parameters is, in Watanabe's theory, expected to generalize better, though lambda here depends "
            "on n_beta and on how far the training got.")


# 14 Landscapes in practice ----------------------------------------------------------------------


@functools.cache
def _plain_over_residual(width: int) -> float:
    data = nets.spirals(n=200)
    first = [nets.gradient_norms(L, L.starts[0])[0] for r in (False, True)
             for L in [nets.mlp_landscape(data, hidden=[width] * 20, activation="relu", init="he", seed=0, residual=r)]]
    return float(first[0] / first[1])


@exercise("14.1", "wider layers", kind="predict", points=1, answer=number, seconds=240, wrong=lambda v: [1 / v, 10 * v, 1.0])
def _14_1(ratio_32):
    want, at_8 = _plain_over_residual(32), _plain_over_residual(8)
    close(ratio_32, want, 1e-6, "ratio_32", "build both networks with hidden=[32] * 20, ReLU, init='he', seed=0 on "
                "nets.spirals(n=200), one with residual=True, and divide the plain one's first gradient_norms entry by the "
                "residual one's. Neither 1 nor the width-8 value is a measurement of this network.")  # fmt: skip
    return (f"{want:.2g} at width 32 against {at_8:.2g} at width 8: {want / at_8:,.0f} times nearer. He's initialization "
            "keeps a signal's size on average over random layers, and a layer of 32 units stays near that average. A "
            "layer of 8 strays far from it, one layer up, the next down, and the losses compound: in a typical narrow "
            "network the signal shrinks on its way forward, the output hardly depends on the input (the plain networks' "
            "loss starts at ln 2 = 0.693, a coin's), and every layer's gradient is small. Lesson 12's edge of chaos is a "
            "statement about wide layers; a skip connection does not need them.")


@functools.cache
def _quarter_turn() -> tuple:
    moons = nets.mlp_landscape(nets.two_moons(n=300), hidden=[16, 16])
    quarter = nets.mlp_landscape(nets.rotate(nets.two_moons(n=30, noise=0.2, seed=1), 90), hidden=[16, 16])
    t = nets.transfer(moons, quarter, seeds=5)
    return tuple(float(np.median(t.steps_to_target[k])) for k in ("scratch", "transfer"))


@exercise("14.2", "a quarter turn", points=1, answer=number, seconds=240, wrong=lambda v: [1 / v, 2 * v, 1.0])
def _14_2(speedup_90):
    scratch, tuned = _quarter_turn()
    want = scratch / tuned
    close(speedup_90, want, 1e-6, "speedup_90", "turn nets.two_moons(n=30, noise=0.2, seed=1) by 90 degrees, "
                "transfer with seeds=5, and divide the median scratch steps by the median fine-tuning steps; the 30-degree "
                "turn's speed-up is another task's.")  # fmt: skip
    verdict = "still helps" if want > 1.5 else ("makes no real difference" if want > 0.67 else "hurts")
    why = ("the features the body learned (the bends of the moons' boundary) still fit, turned, and a fresh head "
           "uses them" if want > 1.5 else "what the body learned fits the turned task less well than at 30 degrees")
    return f"{want:.2g}x ({tuned:.0f} steps against {scratch:.0f}): a quarter turn {verdict}; {why}."


@exercise("14.3", "the network's best optimizer", kind="explain", points=1, answer=(anything, word()),
          wrong=lambda table, name: [(table, n) for n in table.optimizers if n != name][:2])
def _14_3(table, best_on_network):
    names = [n for n in table.landscapes if n.startswith("MLP")]
    if not names:
        raise Wrong("pass the table from tl.compare_optimizers with the small network in it.")
    want = table.winners()[names[0]]
    same_word(best_on_network, {want}, "best_on_network", f"not the best median on {names[0]}: read its column "
              "(lowest number) or use table.winners().", known=table.optimizers)  # fmt: skip
    j = table.landscapes.index(names[0])
    order = np.argsort(table.median[:, j])
    second = table.optimizers[int(order[1])]
    gap = float(np.log10(table.median[order[1], j]) - np.log10(table.median[order[0], j]))
    why = {"L-BFGS": "it builds an estimate of the curvature from its last steps, so it takes Newton-like steps "
                     "across a small network's ill-conditioned directions",
           "Adam": "its per-parameter scaling evens out the very different gradient sizes of the layers"}.get(
        want, "its update suits this landscape's shape")  # fmt: skip
    return (f"{want}, {gap:.1f} decades below the next, {second}: {why}. On the plateau or the bowl another method "
            "won: the landscape decides.")
