"""What the lessons say their results show, as expressions over each lesson's own variables.

Each entry is ``(the sentence in the lesson, an expression that must be true after the lesson ran)``. The test
runs every lesson, then evaluates these in the same kernel, so text and figures cannot drift apart.
"""

CLAIMS: dict[str, list[tuple[str, str]]] = {}

#: The answers a student could hand in without doing what a "measure" exercise asks: the lesson's own rule of thumb,
#: a number printed above the exercise, the example the lesson already ran. Each entry is ``(exercise, what the answer
#: is, an expression over the lesson's variables giving it, a tuple for several answers)``; the test hands each to the
#: exercise's check, which must refuse it.
SHORTCUTS: dict[str, list[tuple[str, str, str]]] = {}

#: The lessons of the third edition (issue 22): in these, every measure exercise has at least one SHORTCUTS entry.
THIRD_EDITION: set[str] = set()

CLAIMS["00-welcome"] = [
    ("Himmelblau's function: four minima of equal value 0", "len(L.minima) == 4 and all(c.value == 0 for c in L.minima)"),
    ("the slope is most negative, -|grad f|, straight against the gradient: no direction goes down faster",
     "np.isclose(steepest @ tl.himmelblau.grad([1.0, 1.0]), -np.linalg.norm(tl.himmelblau.grad([1.0, 1.0]))) "
     "and steepest @ tl.himmelblau.grad([1.0, 1.0]) < slopes.min()"),
    ("gradient descent from Himmelblau's five default starts converges, in four different minima",
     "all(o.kind == 'converged' for o in traj.outcomes) and len(set(traj.ended_in.tolist())) == 4"),
    ("the film: within its 60 steps every walker settles in its minimum, four minima for five walkers",
     "all(o.kind == 'converged' for o in first.outcomes) and len(set(first.ended_in.tolist())) == 4"),
    ("on the saddle the loss has no bottom: the run escapes",
     "tl.run(tl.gd(0.05), tl.saddle, [-1.8, 0.1], steps=200).outcomes[0].kind == 'escaped'"),
    ("on the round bowl a learning rate of 2.5 is too large: the run diverges",
     "tl.run(tl.gd(2.5), tl.bowl, [1.5, 1.0], steps=50).outcomes[0].kind == 'diverged'"),
    ("the explorer at lr = 0.02 shows 0.02, and the run converges",
     "ex.state['lr'] == 0.02 and ex.trajectory.outcomes[0].kind == 'converged'"),
    ("(3, 2) is a minimum of height 0", "L([3.0, 2.0]) == 0 and any(np.allclose(c.x, [3, 2]) for c in L.minima)"),
    ("the eight slopes and the steepest: along the gradient the slope is +|grad f|, every direction lies between",
     "np.all(np.abs(slopes) <= np.linalg.norm(tl.himmelblau.grad([1.0, 1.0])) + 1e-9) and len(slopes) == 8"),
    ("five default starts, five walkers", "traj.positions.shape[1] == 5 == len(tl.himmelblau.starts)"),
    ("a run ends in one of five words", "tl.OUTCOMES == ('converged', 'resting', 'moving', 'escaped', 'diverged')"),
    ("where heights span decades (Himmelblau, Rosenbrock) the levels are log-spaced and the colour bar says so; the "
     "double well's are not",
     "all('log-spaced' in plot.landscape_map(tl.get(n)).colorbar.ax.get_ylabel() for n in ('himmelblau', 'rosenbrock')) "
     "and 'log-spaced' not in plot.landscape_map(tl.double_well).colorbar.ax.get_ylabel() and plt.close('all') is None"),
    ("0.2: the term xy moves the minimum away from where the two squares vanish (1, -0.5)",
     "np.linalg.norm(mine.grad([1.0, -0.5])) > 0.5 and np.linalg.norm(np.asarray(minimum) - [1, -0.5]) > 0.3"),
]

SHORTCUTS["00-welcome"] = [
    ("00.2", "the minimum of the two squares alone, read off the formula without the term xy", "(mine, (1.0, -0.5))"),
    ("00.2", "Himmelblau's minimum printed above", "(mine, (3.0, 2.0))"),
]
THIRD_EDITION |= {"00-welcome"}

CLAIMS["01-a-tour-of-landscapes"] = [
    ("the six-hump camel has six minima: two global and four local",
     "len(tl.six_hump_camel.minima) == 6 and sum(c.is_global for c in tl.six_hump_camel.minima) == 2"),
    ("at the saddle of x^2 - y^2 one eigenvalue is negative and one positive", "lam[0] < 0 < lam[1]"),
    ("on the double well the strip around x = 0 curves down (red), the wells curve up (blue)",
     "tl.hessian_eig(tl.double_well, [0.0, 0.0])[0][0] < 0 < tl.hessian_eig(tl.double_well, [1.0, 0.0])[0][0]"),
    ("the monkey saddle's Hessian at the origin is zero",
     "np.allclose(tl.monkey_saddle.hessian([0.0, 0.0]), 0)"),
    ("the degenerate saddle's Hessian has eigenvalues 2 and 0, yet the loss falls along y",
     "np.allclose(tl.hessian_eig(tl.degenerate_saddle, [0.0, 0.0])[0], [0, 2]) and tl.degenerate_saddle([0.0, 1.0]) < 0"),
    ("along a connected set of minima the Hessian has a zero eigenvalue",
     "all(abs(tl.hessian_eig(tl.get(n), s.points(5))[0][:, 0]).max() < 1e-9 for n in ('ring', 'hyperbola') "
     "for s in tl.get(n).minimum_sets)"),
    ("the search finds Himmelblau's nine critical points: four minima, four saddles, one maximum",
     "sorted(c.kind for c in found) == ['max'] + ['min'] * 4 + ['saddle'] * 4"),
    ("the monkey saddle has three valleys: along a circle round the origin the loss falls below 0 three times",
     "all(int(np.sum(np.diff(np.sign(tl.monkey_saddle(np.stack([np.cos(t), np.sin(t)], -1)))) != 0)) == 6 "
     "for t in [np.linspace(0.01, 2 * np.pi + 0.01, 721)])"),
    ("Rosenbrock's ravine: on its floor the gradient points at the wall, within a few degrees of across the floor",
     "all(abs(tl.rosenbrock.grad(np.array([x, x * x + 0.1])) @ np.array([1, 2 * x])) "
     "/ np.linalg.norm(tl.rosenbrock.grad(np.array([x, x * x + 0.1]))) / np.hypot(1, 2 * x) < 0.1 for x in (-1.0, 0.5))"),
    ("the sigmoid plateau is wide: on a third of its box the gradient is under a tenth of its largest",
     "np.mean((g_ := np.linalg.norm(tl.sigmoid_plateau.grad(np.stack(np.meshgrid(np.linspace(-6, 6, 60), "
     "np.linspace(-6, 6, 60)), -1).reshape(-1, 2)), axis=-1)) < 0.1 * g_.max()) > 0.3"),
    ("at the cliff the gradient is huge: more than ten times its median over the box",
     "(g_ := np.linalg.norm(tl.cliff.grad(np.stack(np.meshgrid(np.linspace(-3, 3, 60), np.linspace(-2, 2, 60)), -1)"
     ".reshape(-1, 2)), axis=-1)).max() > 10 * np.median(g_)"),
    ("the cross has two lines of minima that cross, with a zero eigenvalue along them",
     "len(tl.cross.minimum_sets) == 2 and all(abs(tl.hessian_eig(tl.cross, s.points(5))[0][:, 0]).max() < 1e-9 "
     "for s in tl.cross.minimum_sets)"),
    ("the three-hump camel has a critical point near (1.07, -0.54)",
     "np.abs(tl.newton_refine(tl.three_hump_camel, [1.07, -0.54]) - [1.07, -0.54]).max() < 0.01"),
    ("Styblinski-Tang: four minima, one in each quarter of its box",
     "sorted((c.x[0] > 0, c.x[1] > 0) for c in tl.styblinski_tang.minima) == [(False, False), (False, True), (True, False), "
     "(True, True)]"),
    ("on the six-hump camel, which minimum a run ends in depends on where it starts",
     "len(set(tl.run(tl.gd(0.02), tl.six_hump_camel, steps=300).ended_in.tolist())) > 1"),
    ("1.3: x^4 + y^4 has a zero Hessian at the origin, yet is a minimum", "np.allclose(quartic.hessian([0.0, 0.0]), 0)"),
]

SHORTCUTS["01-a-tour-of-landscapes"] = [
    ("01.2", "the start between two minima, not refined", "(-2.9, 0.0)"),
    ("01.2", "a minimum of the function (read off the map)", "tuple(tl.styblinski_tang.minima[0].x)"),
    ("01.2", "the midpoint of two neighbouring minima", "tuple((np.asarray(tl.styblinski_tang.minima[0].x) "
     "+ tl.styblinski_tang.minima[1].x) / 2)"),
]
THIRD_EDITION |= {"01-a-tour-of-landscapes"}

CLAIMS["02-gradient-descent-and-the-learning-rate"] = [
    ("the smallest learning rate crawls, the middle one gets there, the largest blows up",
     "[o.kind for o in traj.outcomes] == ['moving', 'converged', 'diverged']"),
    ("the diverged learning rates begin at the first one past the line 2 / lambda_max",
     "sweep.threshold == 0.2 and sweep.divergence_lr == sweep.lr[sweep.lr > 0.2].min() "
     "and not sweep.diverged[sweep.lr < 0.2].any()"),
    ("Rosenbrock: at its minimum lambda_max is about 1002, so the minimum is stable only below about 0.002",
     "abs(tl.hessian_eig(tl.rosenbrock, [1.0, 1.0])[0][-1] - 1002) < 1 and abs(rosen.threshold - 0.002) < 1e-5"),
    ("the valley is sharper still at the start", "at_start < rosen.threshold"),
    ("below 0.002 the minimum is stable: the larger learning rates converge, the smallest are still on their way",
     "np.all(rosen_lrs[groups['converged']] < rosen.threshold) and groups['converged'].sum() >= 5 "
     "and rosen_lrs[groups['still on their way']].max() < rosen_lrs[groups['converged']].min()"),
    ("between 0.002 and about 0.006 they stall, bouncing between two points; above about 0.006 they diverge",
     "rosen_lrs[groups['stalled, bouncing']].min() > rosen.threshold and 0.005 < rosen_lrs[groups['stalled, bouncing']].max() "
     "< rosen_lrs[groups['diverged']].min() < 0.007 and groups['diverged'][-1]"),
    ("every run falls in one of the four groups",
     "sum(g.astype(int) for g in groups.values()).tolist() == [1] * len(rosen_lrs)"),
    ("stalled runs stop where lambda_max = 2 / lr (at the middle of their two points), to three digits",
     "all(abs(lr * tl.hessian_eig(tl.rosenbrock, (rosen.trajectory.positions[-1, i] + rosen.trajectory.positions[-2, i]) / 2)"
     "[0][-1] / 2 - 1) < 1e-3 for i, lr in enumerate(rosen_lrs) if groups['stalled, bouncing'][i])"),
    ("the run with lr 0.004 stalls bouncing between two points",
     "stall.outcomes[0].period == 2 and abs(0.004 * tl.hessian_eig(tl.rosenbrock, middle)[0][-1] / 2 - 1) < 1e-3"),
    ("small steps follow the gradient flow (at time 3 they are where it is); large ones leave it (they cross y = 0, "
     "which the flow never does)",
     "np.linalg.norm(small.final[0] - flow.final[0]) < 0.02 and large.positions[:, 0, 1].min() < 0 < flow.positions[:, 0, 1].min()"),
    ("the stalled run with lr 0.004: its first step throws it up the wall, the loss flares up again on the way down, "
     "and it ends bouncing between two points",
     "stall.values[1, 0] > 100 and stall.values[5:, 0].max() > 15 and stall.values[-1, 0] < 1 and stall.outcomes[0].period == 2"),
    ("on Himmelblau every start ends in one of the four minima, about a quarter each",
     "b.fractions()['elsewhere'] == 0 and b.fractions()['diverged'] == 0 "
     "and all(0.2 < b.fractions()[k] < 0.3 for k in range(4))"),
]

SHORTCUTS["02-gradient-descent-and-the-learning-rate"] = [
    ("02.1", "the old exercise's rule 2 / kappa for the bowl with kappa = 50", "2 / 50"),
    ("02.1", "2 over the largest diagonal entry of the Hessian (the steep axis, as on the lesson's bowl)",
     "2 / tl.himmelblau.hessian([3.0, 2.0]).diagonal().max()"),
    ("02.1", "Rosenbrock's threshold printed above", "float(rosen.threshold)"),
    ("02.2", "the fastest rate 1/lambda_max of the derivation", "1 / 18"),
    ("02.2", "the stability threshold 2/lambda_max itself", "2 / 18"),
    ("02.3", "the minimum's x = 1", "1.0"),
    ("02.3", "where the lr 0.004 example on the b = 100 valley ended", "float(middle[0])"),
    ("02.4", "two global minima out of six: a third", "1 / 3"),
]
THIRD_EDITION |= {"02-gradient-descent-and-the-learning-rate"}

CLAIMS["03-momentum-and-nesterov"] = [
    ("about kappa steps: ten times the condition number costs about ten times the steps",
     "9 < gd_steps[1000.0] / gd_steps[100.0] < 11"),
    ("both momentum methods get below 1e-6 within about 80 of the 150 steps, Nesterov first; gradient descent not at all",
     "0 <= race['Nesterov'].steps_to(1e-6)[0] < race['Momentum'].steps_to(1e-6)[0] <= 80 "
     "and race['GD'].steps_to(1e-6)[0] == -1"),
    ("at lr 0.035 gradient descent (lr lambda_max = 1.75 < 2) and heavy ball stay stable; Nesterov diverges",
     "np.isclose(0.035 * 50, 1.75) and [push[k].outcomes[0].kind for k in ('GD', 'Momentum', 'Nesterov')] "
     "== ['moving', 'converged', 'diverged']"),
    ("at beta = 0.8 Nesterov's edge is 1.38, below gradient descent's 2 and heavy ball's 3.6",
     "round((2 + 2 * 0.8) / (1 + 2 * 0.8), 2) == 1.38 and 2 * (1 + 0.8) == 3.6"),
    ("the diverged pairs begin at heavy ball's edge, in every row of the phase diagram (within one cell)",
     "all(np.searchsorted(lrs, lrs[blown.reshape(40, 30)[:, j]].min()) - np.searchsorted(lrs, 2 * (1 + b) / 50) in (-1, 0) "
     "for j, b in enumerate(betas))"),
    ("the fastest pair of the grid sits next to Polyak's optimum",
     "abs(np.log(lrs[i] / (4 / (np.sqrt(50) + 1) ** 2))) < 0.1 and abs(betas[j] - ((np.sqrt(50) - 1) / (np.sqrt(50) + 1)) ** 2) < 0.04"),
]

CLAIMS["03-momentum-and-nesterov"] += [
    ("3.4's text: gradient descent at lr 1.9 / kappa needs about 600 steps to 1e-10",
     "580 < int(np.argmax(tl.run(tl.gd(1.9 / 100), tl.get('ill_conditioned_bowl', kappa=100.0), [2.0, 1.0], 2000)"
     ".values[:, 0] < 1e-10)) < 660"),
]

CLAIMS["03-momentum-and-nesterov"] += [
    ("at lr 0.035 on the race's bowl heavy ball's edge is 2 * 1.8 / 50 = 0.072, well above it",
     "np.isclose(2 * 1.8 / 50, 0.072) and 0.035 < 0.072"),
    ("Nesterov blows up within a few steps, the other two hold", "push['Nesterov'].stopped_at[0] < 20"),
    ("3.1's feedback: Nesterov's edge is below heavy ball's and even below gradient descent's 2 / lambda_max",
     "nesterov_edge < 2 / 100 < 2 * 1.9 / 100"),
    ("Rosenbrock, beta = 0.9: it takes the bend without overshooting and ends about 0.02 from the minimum",
     "ex.state['momentum'] == 0.9 and ex.trajectory.positions[:, 0, 0].max() < 1 "
     "and 0.01 < np.linalg.norm(ex.trajectory.final[0] - 1) < 0.03"),
    ("beta = 0.99 overshoots: across x = 1 more than a dozen times, and still ends nearest the minimum",
     "(lambda t: np.sum(np.diff(np.sign(t.positions[:, 1, 0] - 1)) != 0) > 12 "
     "and np.argmin(np.linalg.norm(t.final - 1, axis=-1)) == 1)"
     "(tl.run(tl.momentum(1e-3, np.array([0.9, 0.99, 0.5])), tl.rosenbrock, ex.start, 1000))"),
    ("beta = 0.5 crawls: after 1,000 steps it is still at x about 0.4, about 1 from the minimum",
     "(lambda t: abs(t.final[0, 0] - 0.4) < 0.05 and 0.9 < np.linalg.norm(t.final[0] - 1) < 1.1)"
     "(tl.run(tl.momentum(1e-3, 0.5), tl.rosenbrock, ex.start, 1000))"),
    ("3.3's feedback: the diagonal would have said 0.5", "2 * 1.5 / 6 == 0.5 and tilted_edge < 0.9 * 0.5"),
    ("summary: Polyak's pair needs about sqrt(kappa) steps: ten times kappa, three to four times the steps (to 1e-6)",
     "(lambda n: 3 < n(1000.0) / n(100.0) < 4)(lambda k: int(tl.run(tl.momentum(4 / (np.sqrt(k) + 1) ** 2, "
     "((np.sqrt(k) - 1) / (np.sqrt(k) + 1)) ** 2), tl.ill_conditioned_bowl.with_params(kappa=k), [2.0, 1.0], 3000)"
     ".steps_to(1e-6)[0]))"),
    ("summary and 3.4: over a short run a pair near Polyak's does better, 60 steps to 1e-10 against its 93",
     "int(first.min()) == 60 and int(np.argmax(tl.run(tl.momentum(4 / 11 ** 2, (9 / 11) ** 2), bowl100, [2.0, 1.0], 150)"
     ".values[:, 0] < 1e-10)) == 93 and abs(fast_lr / (4 / 121) - 1) < 0.1 and abs(fast_beta - (9 / 11) ** 2) < 0.05"),
]
SHORTCUTS["03-momentum-and-nesterov"] = [
    ("03.1", "heavy ball's edge 2 (1 + beta) / lambda_max", "2 * (1 + 0.9) / 100"),
    ("03.1", "gradient descent's edge 2 / lambda_max", "2 / 100"),
    ("03.1", "Nesterov's formula at the race's beta = 0.8, not 0.9", "(2 + 2 * 0.8) / ((1 + 2 * 0.8) * 100)"),
    ("03.2", "gradient descent's step, with no velocity", "lambda grad, velocity, lr=0.01, beta=0.9: (-lr * grad, velocity)"),
    ("03.2", "Nesterov's step, the one expression in which the two differ",
     "lambda grad, velocity, lr=0.01, beta=0.9: (-lr * (grad + beta * (beta * velocity + grad)), beta * velocity + grad)"),
    ("03.3", "the largest diagonal entry of the Hessian in place of its largest eigenvalue", "2 * (1 + 0.5) / 6"),
    ("03.3", "the bowl's rule 2 (1 + beta) / kappa with the ravine's kappa = 7 / 2", "2 * (1 + 0.5) / (7 / 2)"),
    ("03.4", "Polyak's optimum for kappa = 100", "(4 / (np.sqrt(100) + 1) ** 2, ((np.sqrt(100) - 1) / (np.sqrt(100) + 1)) ** 2)"),
    ("03.4", "the phase diagram's fastest pair (kappa = 50)", "(float(lrs[i]), float(betas[j]))"),
]
THIRD_EDITION |= {"03-momentum-and-nesterov"}

CLAIMS["04-adaptive-methods"] = [
    ("tl.tune's chosen rates are never at the edge of the grid", "not any(t.at_edge for t in (*axis_best.values(), *fair.values()))"),
    ("along the axes AdaGrad and RMSprop straighten the ravine: a few steps, where momentum needs hundreds and GD more",
     "0 <= axis_race['AdaGrad'].steps_to(1e-6)[0] <= 30 and 0 <= axis_race['RMSprop'].steps_to(1e-6)[0] <= 30 "
     "and axis_race['Momentum'].steps_to(1e-6)[0] > 100 and axis_race['GD'].steps_to(1e-6)[0] == -1"),
    ("turned by 45 degrees, AdaGrad and RMSprop no longer reach 1e-6 within 300 steps",
     "turned_race['AdaGrad'].steps_to(1e-6)[0] == -1 and turned_race['RMSprop'].steps_to(1e-6)[0] == -1"),
    ("Adam still converges on the turned ravine, but no faster than plain momentum",
     "abs(int(turned_race['Adam'].steps_to(1e-6)[0]) - int(turned_race['Momentum'].steps_to(1e-6)[0])) <= 15"),
    ("Adam with L2 rests exactly at the minimum of f + lambda |x|^2 / 2",
     "np.allclose(decays['Adam + L2'].final[0], l2_minimum, atol=1e-6) and decays['Adam + L2'].outcomes[0].kind == 'resting'"),
    ("AdamW never rests beyond its box |x_i| <= 1 / lambda = 2, and creeps towards the face y = 2, short of the minimum's 3",
     "np.abs(decays['AdamW'].final[0]).max() <= 2 and 1.9 < decays['AdamW'].final[0, 1] <= 2"),
    ("on Reddi's problem Adam (beta2 = 0.1) ends at the worst point x = +1, AMSGrad at the best, x = -1",
     "online['Adam'].final[0] > 0.99 and online['AMSGrad'].final[0] < -0.99"),
    ("Adam's average regret stays high; AMSGrad's falls towards 0",
     "online['Adam'].regret[-1, 0] > 0.5 and online['AMSGrad'].regret[-1, 0] < 0.02"),
    ("with beta2 = 0.99 Adam finds x = -1 too",
     "tl.online.run_online(tl.adam(lr, b1=0.0, b2=0.99), problem, steps=6000).final[0] < -0.99"),
]

CLAIMS["04-adaptive-methods"] += [
    ("along the axes AdaGrad and RMSprop get there in 7 and 23 steps; Adam needs 168, hardly fewer than momentum's 173",
     "[int(axis_race[k].steps_to(1e-6)[0]) for k in ('AdaGrad', 'RMSprop', 'Adam', 'Momentum')] == [7, 23, 168, 173]"),
    ("4.1's feedback: tuned AdaGrad no longer gets below 1e-6 within 300 steps on the turned ravine", "adagrad_loss > 1e-6"),
    ("summary: Adam, on both ravines, is about as fast as momentum",
     "all(abs(int(r['Adam'].steps_to(1e-6)[0]) - int(r['Momentum'].steps_to(1e-6)[0])) <= 15 for r in (axis_race, turned_race))"),
    ("RMSprop's loss curve on Rosenbrock jumps up twice (by half or more a step), late in the run (after step 300)",
     "(lambda up: int(up[0]) + int(np.sum(up[1:] & ~up[:-1])) == 2 and np.nonzero(up)[0].min() > 300)"
     "(valley['RMSprop'].values[1:, 0] > 1.5 * valley['RMSprop'].values[:-1, 0])"),
    ("Reddi's problem: in each period of three steps one large gradient (3) and two small ones (-1)",
     "sorted(float(problem.grad(t, 0.0)) for t in (1, 2, 3)) == [-1.0, -1.0, 3.0] and np.isclose(problem.average(1.0), 1 / 3)"),
    ("4.3: with weight decay 0.4, y rests on the face 2.5 and x inside, at 1.4 (a run of 40,000 steps is within 0.01)",
     "(lambda t: abs(t.final[0, 0] - 1.4) < 0.01 and abs(t.final[0, 1] - 2.5) < 0.01 and t.final[0].max() <= 2.5)"
     "(tl.run(tl.adamw(0.05, weight_decay=0.4), tl.booth, [-8.0, -8.0], steps=40000)) and abs(rest_x - 1.4) < 1e-9"),
    ("4.4: the largest failing beta2 is well above the rule's 1 / (1 + 3^2) = 0.1", "largest_failing_b2 >= 4 * 0.1"),
]
SHORTCUTS["04-adaptive-methods"] = [
    ("04.1", "gradient descent's loss on the axis-aligned bowl", "float(axis_race['GD'].final_values[0])"),
    ("04.1", "the 1e-6 of the question", "1e-6"),
    ("04.2", "AdaGrad's accumulator from the table, in place of RMSprop's average",
     "lambda grad, v, lr=0.01, alpha=0.99, eps=1e-8: (-lr * grad / (np.sqrt(v + grad**2) + eps), v + grad**2)"),
    ("04.2", "a plain gradient step", "lambda grad, v, lr=0.01, alpha=0.99, eps=1e-8: (-lr * grad, v)"),
    ("04.3", "the bold rule's face of the box, 1 / lambda", "1 / 0.4"),
    ("04.3", "the minimum's x = 1", "1.0"),
    ("04.3", "where x is after 8,000 steps",
     "float(tl.run(tl.adamw(0.05, weight_decay=0.4), tl.booth, [-8.0, -8.0], steps=8000).final[0, 0])"),
    ("04.3", "where AdamW's x is in the lesson's run with lambda = 0.5", "float(decays['AdamW'].final[0, 0])"),
    ("04.4", "the rule 1 / (1 + 3^2)", "0.1"),
    ("04.4", "the first beta2 of the grid", "0.05"),
]
THIRD_EDITION |= {"04-adaptive-methods"}

CLAIMS["05-saddles-and-plateaus"] = [
    ("minima among random symmetric matrices are far rarer than coin flips, from d = 2 on",
     "all(share[d] < 2.0 ** -d * 0.7 for d in (2, 5)) and share[10] == 0 and share[20] == 0"),
    ("started on the stable direction, gradient descent rests at the saddle; a hair off it, it escapes",
     "[o.kind for o in traj.outcomes] == ['resting', 'escaped', 'escaped', 'escaped']"),
    ("the time to escape grows as the offset shrinks, by about the same number of steps per factor of 10",
     "traj.stopped_at[1] > traj.stopped_at[2] > traj.stopped_at[3] and "
     "abs((traj.stopped_at[1] - traj.stopped_at[2]) / 3 - (traj.stopped_at[2] - traj.stopped_at[3]) / 2) < 6"),
    ("escape time is logarithmic in the noise and follows the theory", "np.allclose(esc.median, theory, rtol=0.15)"),
    ("at noise up to 1e-3 no median run leaves the degenerate saddle within 4,000 steps; every run leaves the "
     "ordinary saddle within a few hundred",
     "len(escapes['saddle'].median) == 6 and not (escapes['degenerate_saddle'].median < 4000).any() "
     "and escapes['saddle'].escaped.all() and escapes['saddle'].steps.max() < 500"),
    ("Newton rests at the saddle; saddle-free Newton and gradient descent do not",
     "newton_race['Newton'].outcomes[0].kind == 'resting' and newton_race['Saddle-free Newton'].outcomes[0].kind == 'converged' "
     "and newton_race['GD'].outcomes[0].kind != 'resting'"),
    ("the run from (-4, 4) creeps along the plateau, its loss stuck near 0.40 and its gradient below 5e-3, for about 800 "
     "steps, then drops to the minimum",
     "plateau.outcomes[1].kind == 'converged' and np.all(abs(plateau.values[50:750, 1] - 0.4) < 0.01) "
     "and np.all(plateau.grad_norms[50:750, 1] < 5e-3) and 750 < 50 + np.argmax(plateau.grad_norms[50:, 1] > 1e-2) < 900"),
    ("the run from (-5, -4) is still on the plateau after 1,500 steps",
     "plateau.outcomes[0].kind == 'moving' and plateau.values[-1, 0] > 0.3"),
]

CLAIMS["05-saddles-and-plateaus"] += [
    ("5.1's feedback: about one in forty, five times rarer than coin flips",
     "36 < 1 / share_3 < 44 and 4.5 < 0.125 / share_3 < 5.5"),
    ("far rarer than coin flips, and ever more so as d grows",
     "share[1] * 2 > share[2] * 4 > share[5] * 32"),
    ("5.2's feedback: about a hundred extra steps; the formula comes within a few",
     "abs(extra_steps - 100) < 5 and 1 < abs(extra_steps - np.log(1e4) / np.log(1.1)) < 5"),
    ("5.4's answer is orders of magnitude more noise than the ordinary saddle needs (it escapes at 1e-8)",
     "smallest_escaping_noise >= 1e4 * noise[0] and escapes['saddle'].escaped[0].all()"),
]
SHORTCUTS["05-saddles-and-plateaus"] = [
    ("05.1", "coin flips, 1/8", "0.125"),
    ("05.1", "the large-d law e^(-theta d^2) at d = 3", "3 ** (-9 / 4)"),
    ("05.2", "the formula log(r / y0) / log(1 + 2 lr) of cell 11, as log(10^4) / log(1.1)", "np.log(1e4) / np.log(1 + 2 * 0.05)"),
    ("05.2", "the theory's line in the escape figure", "theory[2] - theory[6]"),
    ("05.4", "the largest noise in the degenerate saddle's figure, 1e-3", "float(noise[5])"),
]
THIRD_EDITION |= {"05-saddles-and-plateaus"}

CLAIMS["06-symmetry-valleys"] = [
    ("each run ends in the copy of the teacher on its side of the diagonal",
     "all(o.kind == 'converged' and (o.at.x[0] > o.at.x[1]) == (s[0] > s[1]) for o, s in zip(traj.outcomes, traj.positions[0]))"),
    ("each solution of permutation_4d has 2 x 2 x 2 = 8 copies", "sum(c.kind == 'min' for c in tl.permutation_4d.critical) == 8"),
    ("the preferred view holds two of the copies", "sum(c.kind == 'min' for c in tl.permutation_4d.as_2d().critical) == 2"),
    ("where the units coincide, w = 0.929 and the shared output weight a1 + a2 = 1.776",
     "round(w_star, 3) == 0.929 and round(2 * a_star, 3) == 1.776"),
    ("the plane of the output weights holds the line of saddles and its degenerate continuation",
     "{s.kind for s in saddle_line.critical_sets} == {'saddle', 'degenerate'}"),
    ("the direction of negative curvature pulls the two units apart, and along it the loss falls on both sides",
     "lam[0] < 0 and np.allclose(np.abs(V[:, 0]), [2 ** -0.5, 0, 2 ** -0.5, 0], atol=1e-3) "
     "and tl.permutation_4d(p_star + 0.2 * V[:, 0]) < tl.permutation_4d(p_star) > tl.permutation_4d(p_star - 0.2 * V[:, 0])"),
    ("gradient descent nearly keeps w1^2 - w2^2 (within 1%)",
     "np.all(np.abs(balance[-1] - balance[0]) <= 0.01 * np.abs(balance[0]) + 1e-9)"),
    ("the run from (0.5, -0.5) can only rest at the saddle at the origin", "hyper_runs.outcomes[3].kind == 'resting'"),
    ("into the singular minimum gradient descent crawls; into the bowl's it falls exponentially",
     "np.linalg.norm(into_cross.final[0]) > 1e-3 and np.linalg.norm(into_bowl.final[0]) < 1e-12 "
     "and 'cross' in into_cross.endings[0]"),
]

CLAIMS["06-symmetry-valleys"] += [
    ("four starts on the permutation landscape", "traj.runs == 4"),
    ("the teacher and its mirror image across the diagonal, and between them, on the diagonal, a permutation saddle",
     "sorted(c.kind for c in tl.permutation_2d.critical) == ['min', 'min', 'saddle'] "
     "and tuple(tl.permutation_2d.minima[0].x[::-1]) == tuple(tl.permutation_2d.minima[1].x) "
     "and [c.x[0] == c.x[1] for c in tl.permutation_2d.critical if c.kind == 'saddle'] == [True]"),
    ("the run from (0.5, -0.5) stays on the line w1 = -w2", "np.allclose(hyper_runs.positions[:, 3, 0], -hyper_runs.positions[:, 3, 1])"),
    ("the ring has a circle of minima and a maximum in the middle; the cross's Hessian at the origin is zero",
     "[s.kind for s in tl.ring.minimum_sets] == ['min'] and tl.ring.critical[0].kind == 'max' "
     "and np.allclose(tl.cross.hessian([0.0, 0.0]), 0)"),
    ("across the hyperbola the curvature is steep near the axes and gentle near (1, 1)",
     "tl.hessian_eig(tl.hyperbola, [0.25, 4.0])[0][-1] > 5 * tl.hessian_eig(tl.hyperbola, [1.0, 1.0])[0][-1]"),
    ("the last run starts at (0.5, -0.5), with balance 0", "np.allclose(hyper_runs.positions[0, 3], [0.5, -0.5]) and balance[0, 3] == 0"),
    ("6.2's feedback: the bowl needs a few dozen steps to come within 0.1",
     "10 < np.argmax(np.linalg.norm(into_bowl.positions[:, 0], axis=-1) < 0.1) < 50 < steps_to_tenth"),
    ("the cross's line in the figure has the slope -1/2 (fitted over steps 1,000 to 20,000)",
     "abs(np.polyfit(np.log(np.arange(1000, 20001)), np.log(distance[1000:20001]), 1)[0] + 0.5) < 0.002"),
    ("the flow's count (2 / 0.1^2 - 1) / (4 eta) lands a few steps from the run's", "1 <= abs((2 / 0.1**2 - 1) / 0.4 - steps_to_tenth) <= 5"),
    ("6.3's feedback: gradient descent with lr 0.01 from (2.5, 2) lands within 1% of the flow's point, not exactly",
     "1e-4 < abs(tl.run(tl.gd(0.01), tl.hyperbola, [2.5, 2.0], steps=3000).final[0, 0] / landing_w1(2.5, 2.0) - 1) < 0.01"),
]
SHORTCUTS["06-symmetry-valleys"] = [
    ("06.2", "the bowl's count, as if every minimum were reached alike",
     "int(np.argmax(np.linalg.norm(into_bowl.positions[:, 0], axis=-1) < 0.1))"),
    ("06.2", "the gradient flow's count (2 / 0.1^2 - 1) / (4 eta) of the Why below it", "round((2 / 0.1**2 - 1) / 0.4)"),
    ("06.2", "about 500, read off the figure's line", "500"),
    ("06.3", "a function that runs gradient descent (lr 0.01, 3,000 steps) instead of using the law",
     "lambda w1, w2: float(tl.run(tl.gd(0.01), tl.hyperbola, [w1, w2], steps=3000).final[0, 0])"),
    ("06.3", "the w1 where the run from (3, 0.5) ends, whatever the start",
     "lambda w1, w2: float(tl.run(tl.gd(0.01), tl.hyperbola, [3.0, 0.5], steps=3000).final[0, 0])"),
]
THIRD_EDITION |= {"06-symmetry-valleys"}

CLAIMS["07-small-networks-landscapes"] = [
    ("the network learns the moons", "nets.accuracy(L, theta) == 1.0 and nets.accuracy(L, theta, test=True) >= 0.97"),
    ("along the straight line from the initialization the loss falls all the way, with no bump",
     "np.all(np.diff(line.loss[(line.t >= 0) & (line.t <= 1)]) < 0)"),
    ("each solution sits in a valley of its own: the ground between them rises far above their losses",
     "all(nets.interpolate(L, p, q).barrier > 10 * max(L(p), L(q)) for p, q in ((a, b), (a, c), (b, c)))"),
    ("on the plane through them, the midpoint of each pair is far higher than both ends",
     "all(three([(x0 + x1) / 2, (y0 + y1) / 2]) > 10 * max(three([x0, y0]), three([x1, y1])) "
     "for (x0, y0), (x1, y1) in ((three.marks[0][1], three.marks[1][1]), (three.marks[0][1], three.marks[2][1]), "
     "(three.marks[1][1], three.marks[2][1])))"),
    ("momentum's path is a smooth arc; gradient descent's large steps zig-zag at first",
     "np.sum(np.diff(np.sign(np.diff(planes['Momentum'].coordinates(momentum_run.positions[:, 0])[:, 0]))) != 0) <= 4 "
     "and np.sum(np.diff(np.sign(np.diff(planes['GD'].coordinates(large_step_run.positions[:100, 0])[:, 1]))) != 0) >= 20"),
    ("the runs move in few directions: each PCA plane captures more than 95% of its run's movement",
     "planes['Momentum'].explained > 0.95 and planes['GD'].explained > 0.95"),
]

CLAIMS["07-small-networks-landscapes"] += [
    ("a 2-16-16-1 tanh network", "tuple(L.model.sizes) == (2, 16, 16, 1) and L.model.activation == 'tanh'"),
    ("this 51 x 51 plane evaluates 2,601 networks", "51 * 51 == 2601"),
    ("three solutions from seeds 1, 2 and 3, each fitting the training set", "all(L(t) < 0.05 for t in (a, b, c))"),
    ("7.3: at step 100 the large-step run is sharper than 2 / lr = 1, by step 400 below it (flatter ground)",
     "sharpness_at_100 > 1 > float(nets.top_eigenvalues(L, large_step_run.positions[400, 0], iters=30)[0])"),
    ("7.4's feedback: batch 4 leaves about a tenth of the movement off its plane; with batch 32 the drift wins again",
     "0.05 < 1 - noisy_share < 0.2 and nets.pca_plane(L, tl.run(nets.sgd(0.5, batch_size=32, seed=0), L, steps=400))[0]"
     ".explained > noisy_share + 0.05"),
    ("7.2: the trained circles network passes 0.95 on the test set", "nets.accuracy(L_circles, theta_circles, test=True) >= 0.95"),
]
SHORTCUTS["07-small-networks-landscapes"] = [
    ("07.2", "the two moons' network and its solution, trained above", "(L, theta)"),
    ("07.2", "the circles network untrained", "(L_circles, L_circles.starts[0])"),
    ("07.3", "the rule's edge 2 / lr = 1 itself", "2 / 2.0"),
    ("07.3", "the sharpness at the start", "float(nets.top_eigenvalues(L, large_step_run.positions[0, 0], iters=30)[0])"),
    ("07.4", "the share of the full-batch run's plane", "planes['GD'].explained"),
]
THIRD_EDITION |= {"07-small-networks-landscapes"}

CLAIMS["08-curvature-and-generalization"] = [
    ("Here P = 65", "L.dim == 65 and len(eigenvalues) == 65"),
    ("Lanczos from 30 products finds the full Hessian's three largest eigenvalues", "np.allclose(top, full, rtol=1e-6)"),
    ("Hutchinson's estimate is near the exact trace", "abs(hutchinson - exact_trace) < 0.15 * exact_trace"),
    ("57 of the 65 exact eigenvalues lie within 0.01 of zero, and the largest, 0.67, is more than twice the next",
     "int(np.sum(np.abs(eigenvalues) < 0.01)) == 57 and round(float(eigenvalues[-1]), 2) == 0.67 "
     "and eigenvalues[-1] > 2 * eigenvalues[-2]"),
    ("the sharpness starts near 0.9", "all(abs(edge[lr][1][0] - 0.9) < 0.03 for lr in edge)"),
    ("at lr 0.5 the sharpness is still climbing after 3,000 steps, below its cap of 4",
     "edge[0.5][1].max() < 4 and np.all(np.diff(edge[0.5][1][3:]) > 0)"),
    ("at lr 1 it climbs past its cap of 2, to 2.14, then falls back to 1.83 (also the summary)",
     "round(float(edge[1.0][1].max()), 2) == 2.14 and round(float(edge[1.0][1][-1]), 2) == 1.83 "
     "and np.argmax(edge[1.0][1]) < len(edge[1.0][1]) - 1 and np.all(np.diff(edge[1.0][1][np.argmax(edge[1.0][1]):]) < 0)"),
    ("at lr 2 it overshoots its cap of 1 twice, and settles below it",
     "np.sum((edge[2.0][1][1:] > 1) & (edge[2.0][1][:-1] <= 1)) == 2 and np.all(edge[2.0][1][7:] < 1)"),
    ("each time, within about a hundred and fifty steps, the loss jumps more than tenfold",
     "(lambda v, up: (lambda groups: len(groups) == 2 and 150 < groups[0][0] < 300 and 450 < groups[1][0] < 750 "
     "and all(v[g[-1] + 1] > 10 * v[g[0] - 5] for g in groups))(np.split(up, np.nonzero(np.diff(up) > 50)[0] + 1)))"
     "(edge[2.0][2].values[:, 0], np.nonzero(np.diff(edge[2.0][2].values[:, 0]) > 0.1)[0])"),
    ("over the 3,000 steps the loss falls from 0.68 to 0.071, 0.048 and 0.022, lowest for the largest step",
     "all(round(float(edge[lr][2].values[0, 0]), 2) == 0.68 for lr in edge) "
     "and [round(float(edge[lr][2].values[-1, 0]), 3) for lr in edge] == [0.071, 0.048, 0.022]"),
    ("at lr 1, near step 1,950, with the sharpness above its cap, the loss climbs by about a sixth (from 0.062 to 0.073) "
     "in thirty steps, bounces from step to step for two hundred more, then falls again; it never rises elsewhere",
     "(lambda v, up: 1900 <= up.min() and up.max() <= 2200 and up.size > 100 "
     "and (lambda k: 1950 < k < 1990 and round(float(v[1900:k].min()), 3) == 0.062 and round(float(v[k]), 3) == 0.073 "
     "and 0.15 < v[k] / v[1900:k].min() - 1 < 0.18)(1900 + int(np.argmax(v[1900:2300]))) "
     "and edge[1.0][1][(edge[1.0][0] >= 1800) & (edge[1.0][0] <= 2250)].min() > 2)"
     "(edge[1.0][2].values[:, 0], np.nonzero(np.diff(edge[1.0][2].values[:, 0]) > 0)[0])"),
    ("at lr 0.5 the loss falls at every step", "np.all(np.diff(edge[0.5][2].values[:, 0]) < 0)"),
    ("every setting reaches the training loss 0.07", "all(r.step >= 0 and abs(r.loss - 0.07) < 0.005 for r in rows)"),
    ("the large step and the small batch found minima more than twice as flat as the small full-batch step "
     "(0.79 and 0.71 against 1.92; the summary too)",
     "all(2 * r.sharpness < rows[0].sharpness for r in rows[1:]) and [round(r.sharpness, 2) for r in rows] == [1.92, 0.79, 0.71]"),
    ("their test accuracy is no better here (0.950 and 0.940 against 0.945)",
     "[round(r.test_accuracy, 3) for r in rows] == [0.945, 0.95, 0.94]"),
    ("8.3: the loss is unchanged by the rescaling", "bool(np.isclose(R(solution), R(rescaled), rtol=1e-9))"),
    ("rescaling made it about six times sharper (summary)",
     "5.5 < rescaled_sharpness / float(nets.top_eigenvalues(R, solution, iters=30)[0]) < 6.5"),
    ("8.4's feedback: batch 32 lies between batch 8's sharpness and the full batch's",
     "rows[2].sharpness < batch32_sharpness < rows[0].sharpness and batch32[0].step >= 0"),
    ("8.2's feedback: another initialization, another sharpness", "abs(other_sharpness - top[0]) > 0.1 * top[0]"),
]
SHORTCUTS["08-curvature-and-generalization"] = [
    ("08.1", "the rule: it stops at the cap 2 / lr = 2 and stays there", "(2.0, 2.0)"),
    ("08.1", "the cap as its peak, a little above it at the end", "(2.0, 2.05)"),
    ("08.1", "it keeps rising: the largest value is the last", "(float(edge[1.0][1].max()), float(edge[1.0][1].max()))"),
    ("08.2", "the sharpness Lanczos found above, at theta", "float(top[0])"),
    ("08.2", "the exact top eigenvalue printed above", "float(full[0])"),
    ("08.3", "the same function, the same sharpness: the network before rescaling",
     "float(nets.top_eigenvalues(R, solution, iters=30)[0])"),
    ("08.3", "the sharpness times alpha^2 = 16", "16 * float(nets.top_eigenvalues(R, solution, iters=30)[0])"),
    ("08.4", "batch 8's sharpness in the table", "rows[2].sharpness"),
    ("08.4", "the full batch's sharpness in the table", "rows[0].sharpness"),
]
THIRD_EDITION |= {"08-curvature-and-generalization"}

CLAIMS["09-mode-connectivity"] = [
    ("both solutions are excellent", "L(a) < 0.01 and L(b) < 0.01 and nets.accuracy(L, a, test=True) >= 0.98 and nets.accuracy(L, b, test=True) >= 0.98"),
    ("on the straight line the loss rises by a barrier: here 0.284 (also the summary)",
     "round(float(line.barrier), 3) == 0.284 and line.barrier > 50 * max(L(a), L(b))"),
    ("its peak is not halfway but about two thirds of the way along, at t = 0.65",
     "abs(line.t[np.argmax(line.loss)] - 0.65) < 0.013"),
    ("at t = 0.5 the network still classifies 95% of the test points right",
     "abs(line.test_accuracy[np.argmin(np.abs(line.t - 0.5))] - 0.95) < 0.003"),
    ("along the trained curve the barrier falls from 0.284 to 0.0057, about fifty times lower (also the summary)",
     "round(float(bent.barrier), 4) == 0.0057 and 45 < line.barrier / bent.barrier < 55"),
    ("the curve's test accuracy stays at 0.95 or above all the way, and so does the line to the aligned copy's",
     "bent.test_accuracy.min() >= 0.95 and aligned.test_accuracy.min() >= 0.95"),
    ("matching the units: 0.00048 on the line to the aligned copy, about six hundred times lower than the first "
     "(also the summary); the aligned b is the same function",
     "round(float(aligned.barrier), 5) == 0.00048 and 550 < line.barrier / aligned.barrier < 650 "
     "and bool(np.isclose(L(b_aligned), L(b)))"),
    ("the barriers span decades, hence the log axis", "line.barrier / aligned.barrier > 100"),
    ("on the plane, a and the aligned b share one valley; b sits in a copy of it",
     "plane([0.5 * plane.marks[2][1][0], 0.5]) < 5 * max(L(a), L(b)) and plane([0.5, 0.0]) > 50 * max(L(a), L(b))"),
    ("on the straight line to b, at t = 0.65 where the loss peaks, the network misclassifies about one test point in "
     "six (test accuracy 0.835)",
     "round(float(line.test_accuracy.min()), 3) == 0.835 and abs(line.t[np.argmin(line.test_accuracy)] - 0.65) < 0.013 "
     "and 5 < 1 / (1 - line.test_accuracy.min()) < 7"),
    ("swapping two units raises the loss by a few thousandths of the straight-line barrier", "0.001 < rise / line.barrier < 0.01"),
    ("the middle of the swap is not a critical point: its gradient is many times larger than at a",
     "np.linalg.norm(L.grad(midpoint)) > 5 * np.linalg.norm(L.grad(a))"),
    ("9.2's feedback: after matching, 32 units and 16 both far below their straight line's barrier",
     "wide_aligned_barrier < 0.1 * nets.interpolate(W, wa, wb).barrier and aligned_barrier < 0.01 * line.barrier"),
    ("9.3's feedback and the summary: a tiny fraction again, under 1% for both pairs tried",
     "0 < rise_fraction < 0.01 and rise / line.barrier < 0.01"),
    ("9.4's feedback: the wide pair's curve has a barrier far below their straight line's",
     "wide_bezier_barrier < 0.02 * nets.interpolate(W, wa, wb).barrier"),
]
SHORTCUTS["09-mode-connectivity"] = [
    ("09.1", "the straight line's barrier: the same as to b itself", "float(line.barrier)"),
    ("09.1", "the Bezier curve's barrier, shown above", "float(bent.barrier)"),
    ("09.2", "the 16-unit network's matched barrier, in the figure above", "float(aligned.barrier)"),
    ("09.2", "the wide pair's straight line without matching", "float(nets.interpolate(W, wa, wb).barrier)"),
    ("09.3", "the rise of the swap of units 0 and 1, printed above", "float(rise / line.barrier)"),
    ("09.3", "the rise itself, not as a fraction", "rise"),
    ("09.4", "the 16-unit network's Bezier barrier", "float(bent.barrier)"),
    ("09.4", "the wide pair's matched straight line (9.2)", "float(wide_aligned_barrier)"),
]
THIRD_EDITION |= {"09-mode-connectivity"}

CLAIMS["10-phase-transitions"] = [
    ("the network learns the teacher's four modes one at a time, strongest first",
     "learned_at == sorted(learned_at) and len(set(learned_at)) == 4 and traj.values[-1, 0] < 0.01"),
    ("a mode of half the strength takes about twice as long: s t is about constant",
     "max(s * t for s, t in zip(teacher, learned_at)) < 1.25 * min(s * t for s, t in zip(teacher, learned_at))"),
    ("the origin is a saddle of the landscape: the gradient vanishes there and some direction curves down",
     "np.allclose(L.grad(np.zeros(L.dim)), 0) and np.linalg.eigvalsh(L.autograd_hessian(np.zeros(L.dim)))[0] < 0"),
    ("on the hyperbola from near its saddle: a long wait, then a sudden arrival",
     "tl.run(tl.gd(0.05), tl.hyperbola, [0.01, 0.012], steps=400).outcomes[0].kind == 'converged'"),
    ("each factor of 100 smaller initialization adds about the same extra wait",
     "first_drop[1e-4] > first_drop[1e-2] and abs((first_drop[1e-6] - first_drop[1e-4]) - (first_drop[1e-4] - first_drop[1e-2])) "
     "< 0.1 * (first_drop[1e-4] - first_drop[1e-2])"),
]

CLAIMS["10-phase-transitions"] += [
    ("the loss, a mean over the 6 samples, starts at sum s^2 / n = 3.54",
     "abs(traj.values[0, 0] - sum(s * s for s in teacher) / 6) < 1e-3 and round(sum(s * s for s in teacher) / 6, 2) == 3.54"),
    ("between the drops the loss sits at the unlearned modes' share: 0.875, then 0.208 and 0.042",
     "[round(sum(s * s for s in teacher[m:]) / 6, 3) for m in (1, 2, 3)] == [0.875, 0.208, 0.042] and "
     "all(abs(traj.values[(a + b) // 2, 0] / (sum(s * s for s in teacher[m + 1:]) / 6) - 1) < 0.05 "
     "for m, (a, b) in enumerate(zip(learned_at, learned_at[1:])))"),
    ("k = n ln(s / a0) / (4 eta s) with a0 = sigma^2 h / 2 = 3e-8: 351 steps for s = 4, the run took 370; every mode within 6%",
     "np.isclose(1e-4 ** 2 * 6 / 2, 3e-8) and round(6 * np.log(4 / 3e-8) / (4 * 0.02 * 4)) == 351 and learned_at[0] == 370 "
     "and all(abs(6 * np.log(s / 3e-8) / (4 * 0.02 * s) / t - 1) < 0.06 for s, t in zip(teacher, learned_at))"),
    ("without the 1/n of the mean the formula would say 117", "round(np.log(4 / 3e-8) / (2 * 0.02 * 4)) == 117"),
    ("a mode of half the strength waits nearly (not quite) twice as long",
     "all(1.7 < b / a < 2.05 for a, b in zip(learned_at, learned_at[1:]))"),
    ("on the hyperbola, the nearer the saddle the start, the longer the wait",
     "np.argmax((w := tl.run(tl.gd(0.05), tl.hyperbola, [[0.01, 0.012], [0.001, 0.0012]], steps=600)).values[:, 1] "
     "< w.values[0, 1] / 2) > np.argmax(w.values[:, 0] < w.values[0, 0] / 2) > 0"),
    ("each factor of 100 adds about the same wait to the first drop, 176 then 174 steps; the formula gives 173",
     "first_drop[1e-4] - first_drop[1e-2] == 176 and first_drop[1e-6] - first_drop[1e-4] == 174 "
     "and round(6 * np.log(1e4) / (4 * 0.02 * 4)) == 173"),
    ("10.2's feedback and the summary: one more layer, a much longer plateau growing like 1 / scale",
     "first_drop_deep > 5 * first_drop[1e-2] and 2.7 < first_drop_deep / int(np.argmax((v := tl.run(tl.gd(0.02), "
     "nets.mlp_landscape(data, hidden=(6, 6), activation='linear', init='normal', scale=3e-2, seed=0), steps=4000)"
     ".values[:, 0]) < 0.5 * (v[0] + v[-1]))) < 3.3"),
]
SHORTCUTS["10-phase-transitions"] = [
    ("10.1", "the s t rule from the printed step of the mode of strength 2", "round(learned_at[1] * 2 / 1.5)"),
    ("10.1", "the formula n ln(s / a0) / (4 eta s) at s = 1.5", "round(6 * np.log(1.5 / 3e-8) / (4 * 0.02 * 1.5))"),
    ("10.2", "the two-layer network's first drop from the same scale", "first_drop[1e-2]"),
    ("10.2", "the formula for the strongest mode with a0 = sigma^2 h / 2 at sigma = 1e-2",
     "round(6 * np.log(4 / (1e-4 * 6 / 2)) / (4 * 0.02 * 4))"),
    ("10.3", "twice the four-mode teacher's fourth step (half the strength, twice the wait)", "2 * learned_at[3]"),
    ("10.3", "the formula n ln(s / a0) / (4 eta s) at s = 0.25", "round(6 * np.log(0.25 / 3e-8) / (4 * 0.02 * 0.25))"),
]
THIRD_EDITION |= {"10-phase-transitions"}

CLAIMS["11-grokking"] = [
    ("the network is shown half of the 961 sums (480) and answers the other 481",
     "len(data.X) == 480 and len(data.X_test) == 481 and data.n_classes == 31"),
    ("with weight decay 0.3 every training pair is right by step 20, while the test accuracy is below 1%",
     "slow.memorized_at == 20 and slow.test_accuracy[slow.index(20)] < 0.01"),
    ("the test accuracy climbs over hundreds of steps and passes 99% at step 830", "slow.generalized_at == 830"),
    ("the training accuracy stays at 100% after step 20",
     "np.all(slow.train_accuracy[slow.index(20):] == 1.0)"),
    ("the test loss first rises, then, from about step 100, falls steadily",
     "slow.index(20) < np.argmax(slow.test_loss) < slow.index(100) and np.all(np.diff(slow.test_loss[slow.index(100):]) < 0)"),
    ("purity about 0.17 for random weights; each neuron nearly a single frequency at the end (decay 1.2)",
     "abs(fast.purity[0] - 0.17) < 0.01 and fast.purity[-1] > 0.9"),
    ("the purity rises steadily while the test accuracy sits near zero",
     "np.all(np.diff(slow.purity[slow.index(20):]) > 0) and slow.purity[slow.index(100)] > 1.5 * slow.purity[0] "
     "and slow.test_accuracy[slow.index(100)] < 0.1"),
    ("the test accuracy reaches 99% at a purity of about 0.5 in every run that generalizes",
     "all(0.45 < r.purity[r.index(r.generalized_at)] < 0.6 for r in runs if r.generalized_at)"),
    ("all four runs memorize by step 20", "all(r.memorized_at <= 20 for r in runs)"),
    ("without weight decay the test accuracy is still below 10% after 1,000 steps",
     "none.generalized_at is None and none.test_accuracy[-1] < 0.1 and none.steps[-1] == 1000"),
    ("weight decay times the grok step stays near 250",
     "all(230 <= r.weight_decay * r.generalized_at <= 270 for r in (slow, medium, fast))"),
    ("decay acts on a time scale of 1 / (lr lambda) = 333 steps for lambda = 0.3, and the network generalizes after "
     "about two and a half of these", "round(1 / (0.01 * 0.3)) == 333 and 2.3 < slow.generalized_at * 0.01 * 0.3 < 2.7"),
    ("one colour per weight decay: decay 0.3 in the same blue in every figure and the widget, and no run in the "
     "widget's purity colour", "DECAY_COLORS[1] == plot.PALETTE[5] and plot.PALETTE[2] not in DECAY_COLORS "
     "and len(set(DECAY_COLORS)) == 4"),
    ("62 inputs, 256 hidden units, 31 outputs, no biases: about 24,000 weights", "round((62 * 256 + 256 * 31), -3) == 24000"),
    ("below 1%: worse than guessing (1 in 31, about 3%)", "round(1 / 31, 2) == 0.03 and slow.test_accuracy[slow.index(20)] < 1 / 31"),
    ("the test accuracy climbs over hundreds of steps (below 10% at step 100, not yet 99% at step 800)",
     "slow.test_accuracy[slow.index(100)] < 0.1 and slow.test_accuracy[slow.index(800)] < 0.99"),
    ("the test loss falls from about step 100, hundreds of steps before the test accuracy reaches 99%",
     "slow.generalized_at - 100 >= 500"),
    ("by the training set's measure nothing happened after step 20 (training accuracy 100%, training loss tiny)",
     "np.all(slow.train_accuracy[slow.index(20):] == 1.0) and slow.train_loss[slow.index(100):].max() < 0.01"),
    ("at the end each neuron is nearly a single bright cell (decay 1.2): purity close to 1",
     "fast.purity[-1] > 0.9 and fast.purity[-1] > 5 * fast.purity[0]"),
    ("11.3's feedback: with weight decay the neurons tune in, without it they stay mixed",
     "none.purity[-1] < 0.35 and all(r.purity[-1] > 0.55 for r in (slow, medium, fast))"),
]

SHORTCUTS["11-grokking"] = [
    ("11.1", "the rule decay x grok step = 250, at decay 2.4", "round(250 / 2.4)"),
    ("11.1", "twice the decay, half the wait: half of decay 1.2's grok step", "round(fast.generalized_at / 2)"),
    ("11.2", "the rule decay x grok step = 250, at decay 1.2", "round(250 / 1.2)"),
    ("11.2", "the 31-hour clock's grok step at the same decay", "fast.generalized_at"),
    ("11.3", "the purity of random weights printed above (decay 1.2's start)", "round(fast.purity[0], 2)"),
    ("11.3", "the level near 0.5 at which the decaying runs generalized", "0.5"),
]
THIRD_EDITION |= {"11-grokking"}

CLAIMS["12-edge-of-chaos"] = [
    ("ordered: every pair becomes correlated to within 1% in 15 or so layers",
     "np.all(theory['ordered'][16] > 0.99)"),
    ("chaotic: every pair decorrelates to the same low value c* of about 0.17, even a pair that started at 0.9",
     "np.all(np.abs(theory['chaotic'][-1] - 0.17) < 0.025) "
     "and abs(float(nets.correlation_fixed_point(4.0, 0.05)) - 0.17) < 0.01"),
    ("on the edge, after 30 layers the three pairs are still told apart",
     "np.all(np.diff(theory['edge of chaos'][-1]) > 0.03) and theory['edge of chaos'][-1].max() < 0.95"),
    ("one wide random network follows the theory (dots on the lines)",
     "np.abs(measured['ordered'] - theory['ordered']).max() < 0.1 "
     "and np.abs(measured['edge of chaos'] - theory['edge of chaos']).max() < 0.15"),
    ("without biases the edge is at sigma_w2 = 1; biases push it to larger weights: 1.761 at 0.05",
     "abs(edge_line[0] - 1) < 1e-6 and np.all(np.diff(edge_line) > 0) and round(settings['edge of chaos'], 3) == 1.761"),
    ("chi1 = 0.759 and xi = 3.6 at sigma_w2 = 1; 0.939 and 15.8 at 1.5",
     "round(float(nets.chi1(1, 0.05)), 3) == 0.759 and round(float(nets.depth_scale(1, 0.05)), 1) == 3.6 "
     "and round(float(nets.chi1(1.5, 0.05)), 3) == 0.939 and round(float(nets.depth_scale(1.5, 0.05)), 1) == 15.8"),
    ("the depth scale peaks at the edge of chaos", "abs(grid[np.argmax(xi)] - settings['edge of chaos']) < 0.05"),
    ("shallow networks train from every initialization", "np.all(table.accuracy[0] >= 0.85)"),
    ("at 20 layers the most ordered network (xi about 1.2) no longer learns at all",
     "table.accuracy[2, 0] < 0.6 and round(float(table.depth_scale[0]), 1) == 1.2"),
    ("at 40 layers neither sigma_w2 = 1 (6 xi about 22) nor the most chaotic one learns; near the edge 75-90%",
     "table.accuracy[3, 1] < 0.6 and table.accuracy[3, -1] < 0.6 and round(6 * float(table.depth_scale[1])) == 22 "
     "and np.all((table.accuracy[3, 2:5] >= 0.75) & (table.accuracy[3, 2:5] <= 0.9))"),
    ("a network just inside the 6 xi line (sigma_w2 = 4 at 40 layers, 6 xi about 42) learns less than every network nearer "
     "the edge",
     "40 < 6 * table.depth_scale[5] and round(6 * float(table.depth_scale[5])) == 42 "
     "and table.accuracy[3, 5] < table.accuracy[3, 2:5].min()"),
    ("the standard deviation falls from 0.22 at width 30 to 0.06 at width 300, 3.5 times smaller; 1/sqrt(N) gives 3.2",
     "round(spread[30], 2) == 0.22 and round(spread[300], 2) == 0.06 and round(spread[30] / spread[300], 1) == 3.5 "
     "and round(10 ** 0.5, 1) == 3.2"),
    ("every width scatters around the same curve", "all(np.abs(np.median(r, axis=0) - exact).mean() < 0.1 for r in runs.values())"),
    ("the bars (10%-90% of the networks) never pass 1", "all(np.quantile(r, 0.9, axis=0).max() <= 1 for r in runs.values())"),
    ("from layer 25 on, width 30 scatters about as much as width 100 (0.173 against 0.166)",
     "round(late[30], 3) == 0.173 and round(late[100], 3) == 0.166 and abs(late[30] / late[100] - 1) < 0.1 "
     "and late[300] < late[100]"),
    ("erf is drawn dashed because it runs on top of tanh",
     "np.abs(np.log(1 - nets.correlation_curve(0.5, 1000, *families['erf'][1:], 'erf')[1:]) "
     "- np.log(1 - nets.correlation_curve(0.5, 1000, edge, 0.05)[1:])).max() < 0.25"),
    ("there a third of the width-30 correlations are above 0.95, none of width 300's",
     "0.25 <= (runs[30][:, 25:] > 0.95).mean() <= 0.4 and (runs[300][:, 25:] > 0.95).mean() == 0"),
    ("ReLU's edge is a single point: chi1 = sigma_w2 / 2 is 1 only at sigma_w2 = 2; with a bias the length grows without "
     "bound there",
     "float(nets.chi1(2.0, 0.0, 'relu')) == 1 and abs(float(nets.chi1(2.5, 0.1, 'relu')) - 1.25) < 1e-9 "
     "and float(nets.q_star(2.0, 0.05, 'relu')) == float('inf') and float(nets.q_star(2.0, 0.0, 'relu')) < float('inf')"),
    ("the three networks nearest the edge are sigma_w2 = 1.5, 1.76 and 2.5",
     "[round(float(v), 2) for v in table.sigma_w2[2:5]] == [1.5, 1.76, 2.5]"),
    ("the map stops at sigma_b2 = 0.3", "bias_variances.max() == 0.3"),
    ("universality slopes -0.99, -0.99 and -1.94 (the legend)",
     "[round(slopes[n], 2) for n in ('tanh', 'erf', 'ReLU')] == [-0.99, -0.99, -1.94]"),
    ("tanh and erf approach like 1/l, ReLU like 1/l^2",
     "abs(slopes['tanh'] + 1) < 0.05 and abs(slopes['erf'] + 1) < 0.05 and abs(slopes['ReLU'] + 2) < 0.1"),
]

SHORTCUTS["12-edge-of-chaos"] = [
    ("12.1", "the chi1 of the old exercise, sigma_w2 = 2.5 at sigma_b2 = 0.05", "float(nets.chi1(2.5, 0.05))"),
    ("12.2", "the theory's chi1 at the same initialization, instead of the network's", "float(nets.chi1(1.25, 0.05))"),
    ("12.3", "tanh's first layer above 0.99 on its edge",
     "int(np.argmax(nets.correlation_curve(0.5, 2000, edge, 0.05) > 0.99))"),
    ("12.4", "the middle of the printed edges at sigma_b2 = 0.1 and 0.2", "float(edge_line[3] + edge_line[4]) / 2"),
]
THIRD_EDITION |= {"12-edge-of-chaos"}

CLAIMS["13-singular-minima"] = [
    ("the tempered estimates reproduce the exact (quadrature) values at n_beta = 10^4",
     "all(abs(r.estimate - tl.tempered_expectation(cases[n][0], cases[n][1], n_beta=1e4)) < 0.05 for n, r in records.items())"),
    ("bowl 1.00, x^2 + y^4 0.72, hyperbola 0.49, cross 0.40 (below its true 1/2)",
     "np.allclose([records[n].estimate for n in cases], [1.0, 0.72, 0.49, 0.40], rtol=0, atol=0.006)"),
    ("x^2 + y^4: the cloud is stretched along y",
     "np.std(records['x^2 + y^4'].samples[rung][:, 1]) > 2 * np.std(records['x^2 + y^4'].samples[rung][:, 0])"),
    ("the bowl's cloud is round", "0.8 < np.std(records['bowl'].samples[rung][:, 0]) / np.std(records['bowl'].samples[rung][:, 1]) < 1.25"),
    ("regular and flat-but-isolated minima level off at their lambda",
     "all(abs(records[n].curve[records[n].n_betas >= 100] - lam).max() < 0.06 "
     "for n, lam in (('bowl', 1.0), ('x^2 + y^4', 0.75), ('hyperbola', 0.5)))"),
    ("the cross keeps climbing, like lambda - 1/ln(n_beta)",
     "records['cross'].curve[-1] > records['cross'].curve[4] + 0.05 and abs(exact_cross - (0.5 - 1 / np.log(1e4))) < 0.03"),
    ("SGLD reads low and differs from run to run by several times the tempered sampler's spread",
     "max(sgld) < exact and np.std(sgld) > 3 * np.std(tempered) and abs(np.mean(tempered) - exact) < 0.02"),
    ("the narrow network's minimum counts for far less than its d/2",
     "networks[4][2].estimate < networks[4][0].dim / 4"),
    ("quadrupling the width adds only about one to the estimate while it adds 48 parameters",
     "0.5 < networks[16][2].estimate - networks[4][2].estimate < 1.5 and networks[16][0].dim - networks[4][0].dim == 48"),
    ("the estimate is still rising with n_beta here", "networks[16][2].curve[-1] > networks[16][2].curve[-3]"),
]

CLAIMS["13-singular-minima"] += [
    ("for a quadratic bowl the estimate tends to d/2; at small n_beta it reads below it",
     "records['bowl'].curve[0] < 0.9 and abs(records['bowl'].curve[-1] - 1.0) < 0.05"),
]
CLAIMS["13-singular-minima"] += [
    ("13.1's feedback: between the quartic's 3/4 and the rule's 1 at n_beta = 1e4; in full (above 0.99) at 1e8",
     "0.8 < lam_barely < 0.95 and tl.tempered_expectation(barely, [0, 0], n_beta=1e8) > 0.99"),
    ("13.1's feedback: at loss 1 / n_beta = 1e-4 the term 0.01 y^2 is about as large as y^4 (both 1e-4 at y = 0.1)",
     "np.isclose(0.01 * 0.1 ** 2, 0.1 ** 4)"),
    ("the hyperbola's cloud is a strip along the valley; a few draws reach the other branch",
     "0 < (records['hyperbola'].samples[rung][:, 0] < 0).mean() < 0.1"),
    ("the cross's cloud lies along both valleys",
     "(np.abs(records['cross'].samples[rung]).min(axis=1) < 0.2).mean() > 0.9 "
     "and np.abs(records['cross'].samples[rung][:, 0]).max() > 1 and np.abs(records['cross'].samples[rung][:, 1]).max() > 1"),
    ("chains at temperatures from n_beta = 1 to 10^4; the networks learn 100 points of two moons; d = 17 and 65",
     "records['bowl'].n_betas[0] == 1 and records['bowl'].n_betas[-1] == 1e4 and len(moons.X) == 100 "
     "and networks[4][0].dim == 17 and networks[16][0].dim == 65"),
    ("the widget: as n_beta grows the bowl's cloud tightens in every direction",
     "np.all(np.std(records['bowl'].samples[-1], axis=0) < 0.3 * np.std(records['bowl'].samples[rung], axis=0))"),
]
SHORTCUTS["13-singular-minima"] = [
    ("13.1", "the rules' value for two curved directions, 1", "1.0"),
    ("13.1", "x^2 + y^4's 3/4, as if 0.01 y^2 were not there", "0.75"),
    ("13.1", "the quartic's estimate printed above", "records['x^2 + y^4'].estimate"),
    ("13.2", "the value 1/2 the lesson gives for the same valley", "0.5"),
    ("13.2", "the estimate printed above at (1, 1)", "records['hyperbola'].estimate"),
]
THIRD_EDITION |= {"13-singular-minima"}

CLAIMS["14-landscapes-in-practice"] = [
    ("without skips the plane is pitted: 15 to 21 local minima on every seed; with skips a handful (2 to 4)",
     "all(15 <= r[2].minima <= 21 for r in deep[False]) and all(2 <= r[2].minima <= 4 for r in deep[True])"),
    ("the residual networks end with lower training loss",
     "all(r[1].values[-1, 0] < p[1].values[-1, 0] for p, r in zip(deep[False], deep[True]))"),
    ("in the plain network the first layer's gradient is 2,000 to 30,000 times smaller than in the residual network",
     "all(2e3 < r[3][0] / p[3][0] < 3e4 for p, r in zip(deep[False], deep[True]))"),
    ("on the turned moons fine-tuning reaches loss 0.1 in a median of 12 steps against 158 from scratch",
     "[np.median(transfers['moons turned 30°'].steps_to_target[k]) for k in ('transfer', 'scratch')] == [12, 158]"),
    ("travels less than half as far (3.8 against 10.4); test accuracy 0.93 against 0.97",
     "[round(float(np.median(transfers['moons turned 30°'].distance[k])), 1) for k in ('transfer', 'scratch')] == [3.8, 10.4] "
     "and [round(float(np.median(transfers['moons turned 30°'].test_accuracy[k])), 2) for k in ('transfer', 'scratch')] == [0.93, 0.97]"),
    ("on XOR fine-tuning is slower than starting from scratch (61 steps against 36)",
     "[np.median(transfers['XOR'].steps_to_target[k]) for k in ('transfer', 'scratch')] == [61, 36]"),
    ("up to a quarter of the weights go at almost no cost (loss up by less than 10%, test accuracy unchanged)",
     "(pruned.loss[:, 1] < 1.1 * pruned.loss[:, 0]).all() and (pruned.accuracy[:, 1] >= pruned.accuracy[:, 0]).all()"),
    ("at three quarters OBS's loss is about 8 times lower than magnitude's; OBD no better than magnitude",
     "7 < pruned.loss[0, 3] / pruned.loss[2, 3] < 10 and pruned.loss[1, 3] > 0.9 * pruned.loss[0, 3]"),
    ("at 90% OBD worst (test accuracy 0.28 against 0.79); fine-tuning recovers part of the loss",
     "[round(float(a), 2) for a in pruned.accuracy[:, 4]] == [0.79, 0.28, 0.79] "
     "and (pruned.finetuned_loss[:, 4] < pruned.loss[:, 4]).all()"),
    ("RMSprop wins the bowl, L-BFGS Rosenbrock and the network, GD the plateau",
     "list(table.winners().values()) == ['RMSprop', 'L-BFGS', 'GD', 'L-BFGS']"),
    ("a tuned rate can diverge from other starts: RMSprop on the bowl, Momentum and L-BFGS on Rosenbrock",
     "np.isinf(table.scores[2, 0]).any() and np.isinf(table.scores[1, 1]).any() and np.isinf(table.scores[4, 1]).any()"),
    ("every tuned rate is inside its grid", "not table.at_edge.any()"),
    ("OBS keeps the lowest loss from half of the weights on; at a quarter the three are within 10%; at 70% OBD's "
     "boundary misses the tip of a moon (its accuracy drops below the others')",
     "all(pruner.scores['obs', f][0] < min(pruner.scores['magnitude', f][0], pruner.scores['obd', f][0]) "
     "for f in pruner.fractions if f >= 0.5) "
     "and max(pruner.scores[m, 0.25][0] for m in pruner.methods) < 1.1 * min(pruner.scores[m, 0.25][0] for m in pruner.methods) "
     "and pruner.scores['obd', 0.7][1] < min(pruner.scores['magnitude', 0.7][1], "
     "pruner.scores['obs', 0.7][1]) - 0.03"),
    ("at a quarter, magnitude's direction is above 86% of the Hessian's eigenvalues, OBD's in the middle, OBS's above 8%; "
     "the loss rises 20 to 70 times less; the quadratic predicts each rise within a factor of two; at three quarters "
     "it underestimates them severalfold",
     "[round(nets.pruning_direction(small, trained, nets.prune(small, trained, 0.25, m)).rank, 2) for m in nets.PRUNING_METHODS] "
     "== [0.86, 0.51, 0.08] "
     "and all(20 < (lambda r: (r[0].loss[-1] - r[0].loss[0]) / (r[k].loss[-1] - r[k].loss[0]))("
     "[nets.pruning_direction(small, trained, nets.prune(small, trained, 0.25, m)) for m in nets.PRUNING_METHODS]) < 70 "
     "for k in (1, 2)) "
     "and all(0.5 < (d.loss[-1] - d.loss[0]) / (d.quadratic[-1] - d.quadratic[0]) < 2 "
     "for d in (nets.pruning_direction(small, trained, nets.prune(small, trained, 0.25, m)) for m in nets.PRUNING_METHODS)) "
     "and all((d.loss[-1] - d.loss[0]) > 2.5 * (d.quadratic[-1] - d.quadratic[0]) "
     "for d in (nets.pruning_direction(small, trained, nets.prune(small, trained, 0.75, m)) for m in nets.PRUNING_METHODS))"),
    ("the run from scratch ends 10.2 away from the plane, of the 10.4 it moved; the fine-tuned run lies in it",
     "round(float(off), 1) == 10.2 and round(float(np.linalg.norm(scratch_run.final[0] - scratch_run.positions[0, 0])), 1) == 10.4 "
     "and np.allclose(nets.project(through, tuned_run).positions[-1, 0], through.marks[2][1], atol=1e-9)"),
    ("the initialization sits on a higher shelf than the pretrained start, which lies above the fine-tuned end",
     "turned(scratch_run.positions[0, 0]) > turned(tuned_run.positions[0, 0]) > 10 * turned(tuned_run.final[0])"),
    ("the skip-connection widget: at depth 2 the networks are alike; the plain first layer fades as it deepens, the "
     "residual one's does not",
     "skips.set(depth=2).first_layer(True) < 3 * skips.first_layer(False) "
     "and skips.set(depth=40).first_layer(False) < skips.set(depth=20).first_layer(False) < skips.set(depth=2).first_layer(False) "
     "and skips.set(depth=40).first_layer(True) > skips.set(depth=2).first_layer(True)"),
    ("Momentum's tuned rate diverges from Rosenbrock's usual start; from about half of it on it converges and is the "
     "best of the four",
     "list(tl.rosenbrock.starts[0]) == [-1.5, 2.5] and tl.run(tl.momentum(tuned['Momentum']), tl.rosenbrock, steps=300).stopped[0] "
     "and tl.run(tl.momentum(0.0025), tl.rosenbrock, steps=300).stopped[0] "
     "and tl.run(tl.momentum(0.0018), tl.rosenbrock, steps=300).values[-1, 0] "
     "< min(tl.run(tl.OPTIMIZERS[n](race.state[f'lr {n}']), tl.rosenbrock, steps=300).values[-1, 0] "
     "for n in tuned if n != 'Momentum')"),
]

CLAIMS["14-landscapes-in-practice"] += [
    ("the plain network's gradient is about as small at every layer: on average over the three initializations between "
     "1e-4 and 1e-3 at each, against 0.9 to 8 in the residual one",
     "(lambda g, h: (1e-4 <= g).all() and (g <= 1e-3).all() and (0.9 <= h).all() and (h <= 8).all())("
     "np.exp(np.log([r[3] for r in deep[False]]).mean(0)), np.exp(np.log([r[3] for r in deep[True]]).mean(0)))"),
    ("14.1's feedback: the plain networks' loss starts at ln 2 = 0.693, a coin's; in a typical one the signal shrinks "
     "on its way forward",
     "all(abs(r[0](r[0].starts[0]) - np.log(2)) < 2e-3 for r in deep[False]) and round(float(np.log(2)), 3) == 0.693"),
    ("summary: four times wider, far less (the plain network keeps over a hundred times more of the residual one's "
     "first-layer gradient)",
     "ratio_32 > 100 * deep[False][0][3][0] / deep[True][0][3][0] and ratio_32 < 0.5"),
    ("removing more weights does not always cost more: magnitude's loss 0.311 at 75% and 0.131 at 80%; OBD's 0.304 at "
     "70%, 0.131 at 80%",
     "round(float(pruned.loss[0, 3]), 3) == 0.311 and round(float(pruner.scores['magnitude', 0.8][0]), 3) == 0.131 "
     "and round(float(pruner.scores['obd', 0.7][0]), 3) == 0.304 and round(float(pruner.scores['obd', 0.8][0]), 3) == 0.131"),
]
CLAIMS["14-landscapes-in-practice"] += [
    ("14.3 takes 'lbfgs' and 'l_bfgs' for L-BFGS, and tells 'bfgs' as an unknown spelling",
     "all(__import__('toylands.exercises').exercises.evaluate('14.3', table, w)[0] for w in ('lbfgs', 'l_bfgs')) "
     "and 'does not know' in __import__('toylands.exercises').exercises.evaluate('14.3', table, 'bfgs')[1]"),
]
SHORTCUTS["14-landscapes-in-practice"] = [
    ("14.1", "the width-8 fraction of the first section (seed 0)", "deep[False][0][3][0] / deep[True][0][3][0]"),
    ("14.1", "He's edge of chaos taken for any width: no shrinking, 1", "1.0"),
    ("14.2", "the 30-degree turn's speed-up, printed above",
     "np.median(transfers['moons turned 30°'].steps_to_target['scratch']) "
     "/ np.median(transfers['moons turned 30°'].steps_to_target['transfer'])"),
    ("14.2", "no difference at all, 1", "1.0"),
    ("14.2", "the XOR task's ratio, printed above",
     "np.median(transfers['XOR'].steps_to_target['scratch']) / np.median(transfers['XOR'].steps_to_target['transfer'])"),
]
THIRD_EDITION |= {"14-landscapes-in-practice"}
