"""Optimizers against their published update rules, closed forms, and a table of landscapes."""

import math

import numpy as np
import pytest

import toylands as tl
from toylands import OptimizerError

L = tl.rosenbrock
STARTS = np.array([[-1.2, 1.0], [0.5, -0.3], [1.3, 1.9]])
STEPS = 12


def grad_of(x):
    return [float(v) for v in L.grad(np.array(x))]


# ---------------------------------------------------------------------------------------------
# Straight transcriptions of the published formulas, one coordinate at a time, plain floats.
# torch.optim documents each algorithm in pseudo-code; these follow it line by line.


def ref_sgd(x, lr, momentum=0.0, nesterov=False, weight_decay=0.0, dampening=0.0):
    n = len(x)
    b = [0.0] * n
    path = [list(x)]
    for t in range(1, STEPS + 1):
        g = grad_of(x)
        for i in range(n):
            gi = g[i] + weight_decay * x[i]
            if momentum != 0:
                b[i] = momentum * b[i] + (1 - dampening) * gi if t > 1 else gi
                gi = gi + momentum * b[i] if nesterov else b[i]
            x[i] = x[i] - lr * gi
        path.append(list(x))
    return path


def ref_adagrad(x, lr, eps=1e-10, weight_decay=0.0, lr_decay=0.0, initial=0.0):
    n = len(x)
    s = [initial] * n
    path = [list(x)]
    for t in range(1, STEPS + 1):
        g = grad_of(x)
        clr = lr / (1 + (t - 1) * lr_decay)
        for i in range(n):
            gi = g[i] + weight_decay * x[i]
            s[i] = s[i] + gi * gi
            x[i] = x[i] - clr * gi / (math.sqrt(s[i]) + eps)
        path.append(list(x))
    return path


def ref_rmsprop(x, lr, alpha=0.99, eps=1e-8, weight_decay=0.0, momentum=0.0, centered=False):
    n = len(x)
    v, gavg, b = [0.0] * n, [0.0] * n, [0.0] * n
    path = [list(x)]
    for _ in range(STEPS):
        g = grad_of(x)
        for i in range(n):
            gi = g[i] + weight_decay * x[i]
            v[i] = alpha * v[i] + (1 - alpha) * gi * gi
            vt = v[i]
            if centered:
                gavg[i] = alpha * gavg[i] + (1 - alpha) * gi
                vt = vt - gavg[i] ** 2
            if momentum > 0:
                b[i] = momentum * b[i] + gi / (math.sqrt(vt) + eps)
                x[i] = x[i] - lr * b[i]
            else:
                x[i] = x[i] - lr * gi / (math.sqrt(vt) + eps)
        path.append(list(x))
    return path


def ref_adam(x, lr, b1=0.9, b2=0.999, eps=1e-8, weight_decay=0.0, amsgrad=False, decoupled=False):
    n = len(x)
    m, v, vmax = [0.0] * n, [0.0] * n, [0.0] * n
    path = [list(x)]
    for t in range(1, STEPS + 1):
        g = grad_of(x)
        for i in range(n):
            gi = g[i]
            if decoupled:  # AdamW: theta <- theta - lr * lambda * theta
                xi = x[i] - lr * weight_decay * x[i]
            else:
                gi = gi + weight_decay * x[i]
                xi = x[i]
            m[i] = b1 * m[i] + (1 - b1) * gi
            v[i] = b2 * v[i] + (1 - b2) * gi * gi
            mhat = m[i] / (1 - b1**t)
            if amsgrad:
                vmax[i] = max(vmax[i], v[i])
                vhat = vmax[i] / (1 - b2**t)
            else:
                vhat = v[i] / (1 - b2**t)
            x[i] = xi - lr * mhat / (math.sqrt(vhat) + eps)
        path.append(list(x))
    return path


def ref_lion(x, lr, b1=0.9, b2=0.99, weight_decay=0.0):
    """Chen et al. 2023, Algorithm 2."""
    n = len(x)
    m = [0.0] * n
    path = [list(x)]
    for _ in range(STEPS):
        g = grad_of(x)
        for i in range(n):
            c = b1 * m[i] + (1 - b1) * g[i]
            x[i] = x[i] - lr * (math.copysign(1.0, c) if c != 0 else 0.0) - lr * weight_decay * x[i]
            m[i] = b2 * m[i] + (1 - b2) * g[i]
        path.append(list(x))
    return path


def ref_newton(x, lr, damping=0.0, saddle_free=False):
    path = [list(x)]
    for _ in range(STEPS):
        g = np.array(grad_of(x))
        H = L.hessian(np.array(x))
        if saddle_free:  # Dauphin et al. 2014: |H| = V |Lambda| V^T
            lam, V = np.linalg.eigh(H)
            H = V @ np.diag(np.abs(lam)) @ V.T
        step = np.linalg.solve(H + damping * np.eye(len(x)), g)
        x = [xi - lr * si for xi, si in zip(x, step, strict=False)]
        path.append(list(x))
    return path


def ref_nadam(x, lr, b1=0.9, b2=0.999, eps=1e-8, weight_decay=0.0, momentum_decay=4e-3, decoupled=False):
    n = len(x)
    m, v = [0.0] * n, [0.0] * n
    mus = [1.0]  # products of mu_1 .. mu_t
    path = [list(x)]
    for t in range(1, STEPS + 1):
        g = grad_of(x)
        mu_t = b1 * (1 - 0.5 * 0.96 ** (t * momentum_decay))
        mu_next = b1 * (1 - 0.5 * 0.96 ** ((t + 1) * momentum_decay))
        mus.append(mus[-1] * mu_t)
        for i in range(n):
            gi = g[i]
            if weight_decay and decoupled:
                x[i] = x[i] - lr * weight_decay * x[i]
            elif weight_decay:
                gi = gi + weight_decay * x[i]
            m[i] = b1 * m[i] + (1 - b1) * gi
            v[i] = b2 * v[i] + (1 - b2) * gi * gi
            m_hat = mu_next * m[i] / (1 - mus[t] * mu_next) + (1 - mu_t) * gi / (1 - mus[t])
            v_hat = v[i] / (1 - b2**t)
            x[i] = x[i] - lr * m_hat / (math.sqrt(v_hat) + eps)
        path.append(list(x))
    return path


def ref_radam(x, lr, b1=0.9, b2=0.999, eps=1e-8, weight_decay=0.0, decoupled=False):
    n = len(x)
    m, v = [0.0] * n, [0.0] * n
    rho_inf = 2 / (1 - b2) - 1
    path = [list(x)]
    for t in range(1, STEPS + 1):
        g = grad_of(x)
        rho_t = rho_inf - 2 * t * b2**t / (1 - b2**t)
        for i in range(n):
            gi = g[i]
            if weight_decay and decoupled:
                x[i] = x[i] - lr * weight_decay * x[i]
            elif weight_decay:
                gi = gi + weight_decay * x[i]
            m[i] = b1 * m[i] + (1 - b1) * gi
            v[i] = b2 * v[i] + (1 - b2) * gi * gi
            m_hat = m[i] / (1 - b1**t)
            if rho_t > 5:
                l_t = math.sqrt(1 - b2**t) / (math.sqrt(v[i]) + eps)
                r_t = math.sqrt((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t))
                x[i] = x[i] - lr * m_hat * r_t * l_t
            else:
                x[i] = x[i] - lr * m_hat
        path.append(list(x))
    return path


def ref_adamax(x, lr, b1=0.9, b2=0.999, eps=1e-8, weight_decay=0.0):
    n = len(x)
    m, u = [0.0] * n, [0.0] * n
    path = [list(x)]
    for t in range(1, STEPS + 1):
        g = grad_of(x)
        for i in range(n):
            gi = g[i] + weight_decay * x[i]
            m[i] = b1 * m[i] + (1 - b1) * gi
            u[i] = max(b2 * u[i], abs(gi) + eps)
            x[i] = x[i] - lr * m[i] / ((1 - b1**t) * u[i])
        path.append(list(x))
    return path


def ref_adadelta(x, lr, rho=0.9, eps=1e-6, weight_decay=0.0):
    n = len(x)
    v, u = [0.0] * n, [0.0] * n
    path = [list(x)]
    for _ in range(STEPS):
        g = grad_of(x)
        for i in range(n):
            gi = g[i] + weight_decay * x[i]
            v[i] = rho * v[i] + (1 - rho) * gi * gi
            dx = math.sqrt(u[i] + eps) / math.sqrt(v[i] + eps) * gi
            u[i] = rho * u[i] + (1 - rho) * dx * dx
            x[i] = x[i] - lr * dx
        path.append(list(x))
    return path


def ref_rprop(x, lr, etas=(0.5, 1.2), step_sizes=(1e-6, 50.0)):
    n = len(x)
    prev, eta = [0.0] * n, [lr] * n
    path = [list(x)]
    for _ in range(STEPS):
        g = grad_of(x)
        for i in range(n):
            gi = g[i]
            if prev[i] * gi > 0:
                eta[i] = min(eta[i] * etas[1], step_sizes[1])
            elif prev[i] * gi < 0:
                eta[i] = max(eta[i] * etas[0], step_sizes[0])
                gi = 0.0
            x[i] = x[i] - eta[i] * (gi > 0) + eta[i] * (gi < 0)
            prev[i] = gi
        path.append(list(x))
    return path


def ref_lbfgs(x, lr=1.0, history=10, tolerance_grad=1e-7, tolerance_change=1e-9):
    # torch.optim.LBFGS.step with max_iter=1 and no line search, transcribed (state kept across steps)
    def dot(a, b):
        return sum(u * v for u, v in zip(a, b, strict=True))

    path, st = [list(x)], {"n_iter": 0}
    for _ in range(STEPS):
        g = grad_of(x)
        if max(abs(v) for v in g) <= tolerance_grad:
            path.append(list(x))
            continue
        st["n_iter"] += 1
        if st["n_iter"] == 1:
            d = [-v for v in g]
            st.update(old_dirs=[], old_stps=[], ro=[], H_diag=1.0)
        else:
            y = [a - b for a, b in zip(g, st["prev_flat_grad"], strict=True)]
            s_ = [v * st["t"] for v in st["d"]]
            ys = dot(y, s_)
            if ys > 1e-10:
                if len(st["old_dirs"]) == history:
                    st["old_dirs"].pop(0), st["old_stps"].pop(0), st["ro"].pop(0)
                st["old_dirs"].append(y), st["old_stps"].append(s_), st["ro"].append(1.0 / ys)
                st["H_diag"] = ys / dot(y, y)
            num_old = len(st["old_dirs"])
            al = [0.0] * num_old
            q = [-v for v in g]
            for i in range(num_old - 1, -1, -1):
                al[i] = dot(st["old_stps"][i], q) * st["ro"][i]
                q = [a - al[i] * b for a, b in zip(q, st["old_dirs"][i], strict=True)]
            r = [v * st["H_diag"] for v in q]
            for i in range(num_old):
                be_i = dot(st["old_dirs"][i], r) * st["ro"][i]
                r = [a + (al[i] - be_i) * b for a, b in zip(r, st["old_stps"][i], strict=True)]
            d = r
        st["prev_flat_grad"], st["d"] = list(g), d
        st["t"] = min(1.0, 1.0 / sum(abs(v) for v in g)) * lr if st["n_iter"] == 1 else lr
        if dot(g, d) > -tolerance_change:
            path.append(list(x))
            continue
        x = [a + st["t"] * b for a, b in zip(x, d, strict=True)]
        path.append(list(x))
    return path


TRANSCRIPTIONS = [
    ("gd", tl.gd(1e-3), lambda x: ref_sgd(x, 1e-3)),
    ("momentum", tl.momentum(1e-3, 0.9), lambda x: ref_sgd(x, 1e-3, momentum=0.9)),
    ("momentum+wd", tl.momentum(1e-3, 0.8, weight_decay=0.1), lambda x: ref_sgd(x, 1e-3, 0.8, weight_decay=0.1)),
    ("nesterov", tl.nesterov(1e-3, 0.9), lambda x: ref_sgd(x, 1e-3, momentum=0.9, nesterov=True)),
    ("adagrad", tl.adagrad(0.1), lambda x: ref_adagrad(x, 0.1)),
    (
        "adagrad+wd",
        tl.adagrad(0.1, weight_decay=0.05, initial=0.1),
        lambda x: ref_adagrad(x, 0.1, weight_decay=0.05, initial=0.1),
    ),
    ("rmsprop", tl.rmsprop(0.01), lambda x: ref_rmsprop(x, 0.01)),
    ("rmsprop centered", tl.rmsprop(0.01, centered=True), lambda x: ref_rmsprop(x, 0.01, centered=True)),
    ("rmsprop momentum", tl.rmsprop(0.01, momentum=0.7), lambda x: ref_rmsprop(x, 0.01, momentum=0.7)),
    (
        "rmsprop all",
        tl.rmsprop(0.01, alpha=0.9, momentum=0.5, centered=True, weight_decay=0.01),
        lambda x: ref_rmsprop(x, 0.01, alpha=0.9, momentum=0.5, centered=True, weight_decay=0.01),
    ),
    ("adam", tl.adam(0.05), lambda x: ref_adam(x, 0.05)),
    (
        "adam+wd",
        tl.adam(0.05, b1=0.8, b2=0.99, weight_decay=0.1),
        lambda x: ref_adam(x, 0.05, 0.8, 0.99, weight_decay=0.1),
    ),
    ("amsgrad", tl.amsgrad(0.05), lambda x: ref_adam(x, 0.05, amsgrad=True)),
    ("adamw", tl.adamw(0.05, weight_decay=0.1), lambda x: ref_adam(x, 0.05, weight_decay=0.1, decoupled=True)),
    (
        "adamw amsgrad",
        tl.adamw(0.05, amsgrad=True),
        lambda x: ref_adam(x, 0.05, weight_decay=1e-2, amsgrad=True, decoupled=True),
    ),
    ("momentum dampened", tl.momentum(1e-3, 0.9, dampening=0.3), lambda x: ref_sgd(x, 1e-3, 0.9, dampening=0.3)),
    ("sgd dampened+wd", tl.sgd(1e-3, noise=0, momentum=0.8, dampening=0.5, weight_decay=0.1),
     lambda x: ref_sgd(x, 1e-3, 0.8, weight_decay=0.1, dampening=0.5)),
    ("adagrad lr_decay", tl.adagrad(0.1, lr_decay=0.05), lambda x: ref_adagrad(x, 0.1, lr_decay=0.05)),
    ("nadam", tl.nadam(0.02), lambda x: ref_nadam(x, 0.02)),
    ("nadam+wd", tl.nadam(0.02, b1=0.8, weight_decay=0.1, momentum_decay=0.01),
     lambda x: ref_nadam(x, 0.02, 0.8, weight_decay=0.1, momentum_decay=0.01)),
    ("nadam decoupled", tl.nadam(0.02, weight_decay=0.1, decoupled_weight_decay=True),
     lambda x: ref_nadam(x, 0.02, weight_decay=0.1, decoupled=True)),
    ("radam", tl.radam(1e-3), lambda x: ref_radam(x, 1e-3)),
    ("radam b2=0.9", tl.radam(1e-3, b2=0.9, weight_decay=0.1), lambda x: ref_radam(x, 1e-3, b2=0.9, weight_decay=0.1)),
    ("radam decoupled", tl.radam(1e-3, b2=0.8, weight_decay=0.1, decoupled_weight_decay=True),
     lambda x: ref_radam(x, 1e-3, b2=0.8, weight_decay=0.1, decoupled=True)),
    ("adamax", tl.adamax(0.02), lambda x: ref_adamax(x, 0.02)),
    ("adamax+wd", tl.adamax(0.02, b1=0.8, b2=0.99, weight_decay=0.1), lambda x: ref_adamax(x, 0.02, 0.8, 0.99, weight_decay=0.1)),
    ("adadelta", tl.adadelta(1.0), lambda x: ref_adadelta(x, 1.0)),
    ("adadelta+wd", tl.adadelta(0.5, rho=0.95, eps=1e-4, weight_decay=0.1),
     lambda x: ref_adadelta(x, 0.5, 0.95, 1e-4, 0.1)),
    ("rprop", tl.rprop(0.01), lambda x: ref_rprop(x, 0.01)),
    ("rprop bounded", tl.rprop(0.05, etas=(0.3, 1.5), step_sizes=(0.01, 0.08)),
     lambda x: ref_rprop(x, 0.05, (0.3, 1.5), (0.01, 0.08))),
    ("lbfgs", tl.lbfgs(0.05), lambda x: ref_lbfgs(x, 0.05)),
    ("lbfgs short memory", tl.lbfgs(0.1, history=3), lambda x: ref_lbfgs(x, 0.1, history=3)),
    ("lion", tl.lion(0.01), lambda x: ref_lion(x, 0.01)),
    ("lion+wd", tl.lion(0.01, b1=0.95, b2=0.98, weight_decay=0.5), lambda x: ref_lion(x, 0.01, 0.95, 0.98, 0.5)),
    ("newton", tl.newton(0.5), lambda x: ref_newton(x, 0.5)),
    ("newton damped", tl.newton(1.0, damping=2.0), lambda x: ref_newton(x, 1.0, damping=2.0)),
    ("saddle-free newton", tl.saddle_free_newton(0.5), lambda x: ref_newton(x, 0.5, 1e-3, saddle_free=True)),
]


@pytest.mark.parametrize("name, opt, reference", TRANSCRIPTIONS, ids=[t[0] for t in TRANSCRIPTIONS])
def test_matches_the_published_formula_step_by_step(name, opt, reference):
    traj = tl.run(opt, L, STARTS, STEPS)
    for b, start in enumerate(STARTS):
        want = np.array(reference(list(start)))
        np.testing.assert_allclose(traj.positions[:, b], want, rtol=1e-12, atol=1e-12)


def test_sgd_noise_is_the_gradient_plus_seeded_gaussian_noise():
    traj = tl.run(tl.sgd(1e-3, noise=0.3, seed=7), L, STARTS[:1], 5)
    rng = np.random.default_rng(7)
    x = STARTS[:1].copy()
    for t in range(5):
        x = x - 1e-3 * (L.grad(x) + 0.3 * rng.standard_normal(x.shape))
        np.testing.assert_allclose(traj.positions[t + 1], x, rtol=1e-13)


# ---------------------------------------------------------------------------------------------
# Closed forms on quadratics


def test_gd_on_a_quadratic_matches_the_closed_form_iterates():
    Q = tl.rotated_ellipse.with_params(kappa=8.0, angle=25.0)
    A = Q.hessian([0.0, 0.0])
    x0 = np.array([2.0, -1.5])
    lr = 0.17
    traj = tl.run(tl.gd(lr), Q, x0, 40)
    M = np.eye(2) - lr * A
    want = np.array([np.linalg.matrix_power(M, k) @ x0 for k in range(41)])
    np.testing.assert_allclose(traj.positions[:, 0], want, rtol=1e-12, atol=1e-15)


def test_momentum_on_a_quadratic_matches_its_linear_recurrence():
    a, lr, mu = 3.0, 0.1, 0.6  # 1-D: b <- mu b + a x; x <- x - lr b
    Q = tl.ill_conditioned_bowl.with_params(kappa=a)
    traj = tl.run(tl.momentum(lr, mu), Q, [0.0, 1.0], 30)
    T = np.array([[1 - lr * a, -lr * mu], [a, mu]])  # acts on (x_k, b_{k-1})
    state = np.array([1.0, 0.0])
    for k in range(1, 31):
        state = T @ state
        assert traj.positions[k, 0, 1] == pytest.approx(state[0], rel=1e-12, abs=1e-15)


@pytest.mark.parametrize("kappa", [1.0, 10.0, 250.0])
def test_gd_diverges_exactly_when_lr_exceeds_two_over_lambda_max(kappa):
    Q = tl.ill_conditioned_bowl.with_params(kappa=kappa)
    threshold = tl.stability_threshold(Q)
    assert threshold == pytest.approx(2 / kappa)
    lrs = threshold * np.linspace(0.9, 1.1, 41)
    lrs = lrs[np.abs(lrs - threshold) > 1e-9 * threshold]  # the threshold itself oscillates forever
    sweep = tl.lr_sweep(tl.gd, Q, [1.0, 1.0], lrs, steps=2000)
    np.testing.assert_array_equal(sweep.diverged, lrs > threshold)
    assert sweep.divergence_lr == pytest.approx(lrs[lrs > threshold].min())


def test_newton_solves_a_quadratic_in_one_step():
    traj = tl.run(tl.newton(), tl.booth, tl.booth.starts, 1)
    np.testing.assert_allclose(traj.final, np.tile([1.0, 3.0], (3, 1)), atol=1e-12)


# ---------------------------------------------------------------------------------------------
# Every optimizer reaches the minimum of a bowl and of Rosenbrock with suitable settings

REACHES = [
    # name, optimizer, bowl steps, rosenbrock optimizer, rosenbrock steps, tolerance
    ("GD", tl.gd(0.3), 200, tl.gd(1e-3), 20000, 1e-2),
    ("SGD", tl.sgd(0.1, noise=0.01, seed=1), 300, tl.sgd(1e-3, noise=0.01, seed=1), 20000, 2e-2),
    ("Momentum", tl.momentum(0.1, 0.9), 300, tl.momentum(1e-3, 0.9), 5000, 1e-2),
    ("Nesterov", tl.nesterov(0.1, 0.9), 300, tl.nesterov(1e-3, 0.9), 5000, 1e-2),
    ("AdaGrad", tl.adagrad(0.5), 500, tl.adagrad(0.3), 20000, 1e-2),
    ("RMSprop", tl.rmsprop(0.01), 1000, tl.rmsprop(1e-3), 20000, 1e-2),
    (
        "RMSprop centered",
        tl.rmsprop(0.01, centered=True, momentum=0.5),
        1000,
        tl.rmsprop(1e-3, centered=True),
        20000,
        1e-2,
    ),
    ("Adam", tl.adam(0.1), 1000, tl.adam(0.01), 10000, 1e-2),
    ("AdamW", tl.adamw(0.1, weight_decay=1e-4), 1000, tl.adamw(0.01, weight_decay=1e-4), 10000, 1e-2),
    ("AMSGrad", tl.amsgrad(0.1), 1000, tl.amsgrad(0.05), 10000, 1e-2),
    ("NAdam", tl.nadam(0.1), 1000, tl.nadam(0.003), 10000, 1e-2),
    ("RAdam", tl.radam(0.1), 1000, tl.radam(0.003), 10000, 1e-2),
    ("Adamax", tl.adamax(0.1), 1000, tl.adamax(0.01), 10000, 1e-2),
    ("Adadelta", tl.adadelta(1.0), 1000, tl.adadelta(0.3, rho=0.999), 60000, 0.1),  # slow in Rosenbrock's valley
    ("Rprop", tl.rprop(0.01), 1000, tl.rprop(0.003), 10000, 1e-2),
    ("L-BFGS", tl.lbfgs(1.0), 20, tl.lbfgs(1.0, line_search="backtracking"), 200, 1e-4),  # tolerance_change stops it
    ("Lion", tl.lion(0.005), 1000, tl.lion(5e-4), 20000, 1e-2),
    ("Newton", tl.newton(), 5, tl.newton(), 10, 1e-8),
    ("Saddle-free Newton", tl.saddle_free_newton(), 10, tl.saddle_free_newton(), 50, 1e-6),
]


@pytest.mark.parametrize("name, opt, steps, ros_opt, ros_steps, tol", REACHES, ids=[r[0] for r in REACHES])
def test_every_optimizer_reaches_the_minimum(name, opt, steps, ros_opt, ros_steps, tol):
    bowl = tl.run(opt, tl.bowl, steps=steps)
    assert np.all(np.linalg.norm(bowl.final, axis=1) < tol), bowl.final
    assert not bowl.diverged.any()
    ros = tl.run(ros_opt, tl.rosenbrock, [-1.2, 1.0], ros_steps)
    assert np.linalg.norm(ros.final - [1.0, 1.0]) < tol, ros.final
    assert ros.ended_in_within(tol).tolist() == [0]


def test_all_named_optimizers_are_in_the_table():
    assert {r[0] for r in REACHES} >= set(tl.OPTIMIZERS)


# ---------------------------------------------------------------------------------------------
# Composition, schedules, clipping, your own optimizer


def test_a_chain_of_blocks_follows_the_published_update():
    mine = tl.chain(tl.scale_by_adam(0.9, 0.999), tl.scale_by_lr(0.05))
    a = tl.run(mine, L, STARTS, STEPS)
    for b, start in enumerate(STARTS):
        np.testing.assert_allclose(a.positions[:, b], np.array(ref_adam(list(start), 0.05)), rtol=1e-12, atol=1e-12)


def test_a_chain_applies_its_blocks_in_order():
    seen = []

    def block(tag, factor):
        def update(u, state, params, **extra):
            seen.append(tag)
            return factor * u, state

        return tl.Optimizer(lambda p: (), update, tag)

    opt = tl.chain(block("a", 2.0), tl.clip_by_value(1.0), block("b", 3.0), tl.scale_by_lr(0.1))
    step, _ = opt.update(np.array([[0.2, 4.0]]), opt.init(np.zeros((1, 2))), np.zeros((1, 2)))
    assert seen == ["a", "b"]
    np.testing.assert_allclose(step, [[-0.12, -0.3]])  # 0.2 -> 0.4 -> 0.4 -> 1.2; 4 -> 8 -> 1 -> 3; times -0.1


def _one_cycle(t, max_lr=0.1, total=50, pct=0.3, div=25.0, final_div=1e4, cos=True, three=False):
    # torch.optim.lr_scheduler.OneCycleLR.get_lr, transcribed
    initial, low = max_lr / div, max_lr / div / final_div
    if three:
        phases = [(pct * total - 1, initial, max_lr), (2 * pct * total - 2, max_lr, initial), (total - 1, initial, low)]
    else:
        phases = [(pct * total - 1, initial, max_lr), (total - 1, max_lr, low)]
    start = 0
    for i, (end, a, b) in enumerate(phases):
        if t <= end or i == len(phases) - 1:
            x = (t - start) / (end - start)
            return b + (a - b) / 2 * (math.cos(math.pi * x) + 1) if cos else (b - a) * x + a
        start = end


def _cyclic(t, base=0.01, peak=0.1, up=7, down=5, mode="triangular", gamma=1.0):
    # torch.optim.lr_scheduler.CyclicLR.get_lr (learning rate only), transcribed
    total = up + down
    ratio = up / total
    cycle = math.floor(1 + t / total)
    x = 1.0 + t / total - cycle
    scale = x / ratio if x <= ratio else (x - 1) / (ratio - 1)
    factor = {"triangular": 1.0, "triangular2": 1 / (2.0 ** (cycle - 1)), "exp_range": gamma**t}[mode]
    return base + (peak - base) * scale * factor


def _warm_restarts(t, lr=0.1, T_0=5, T_mult=2, eta_min=0.001):
    # torch.optim.lr_scheduler.CosineAnnealingWarmRestarts, one step per update: T_cur and T_i
    T_i, T_cur = T_0, t
    while T_cur >= T_i:
        T_cur -= T_i
        T_i *= T_mult
    return eta_min + (lr - eta_min) * (1 + math.cos(math.pi * T_cur / T_i)) / 2


NEW_SCHEDULES = [
    (tl.multi_step(0.1, milestones=[30, 10, 45], gamma=0.5), lambda t: 0.1 * 0.5 ** sum(t >= m for m in (10, 30, 45))),
    (tl.polynomial_decay(0.1, total_iters=40, power=2.0), lambda t: 0.1 * (1 - min(t, 40) / 40) ** 2),
    (tl.cosine_warm_restarts(0.1, T_0=5, T_mult=2, eta_min=0.001), _warm_restarts),
    (tl.cosine_warm_restarts(0.1, T_0=7), lambda t: _warm_restarts(t, T_0=7, T_mult=1, eta_min=0.0)),
    (tl.cyclic(0.01, 0.1, step_size_up=7, step_size_down=5), _cyclic),
    (tl.cyclic(0.01, 0.1, step_size_up=7, step_size_down=5, mode="triangular2"), lambda t: _cyclic(t, mode="triangular2")),
    (tl.cyclic(0.01, 0.1, step_size_up=7, step_size_down=5, mode="exp_range", gamma=0.99),
     lambda t: _cyclic(t, mode="exp_range", gamma=0.99)),
    (tl.one_cycle(0.1, total_steps=60), lambda t: _one_cycle(t, total=60)),
    (tl.one_cycle(0.1, total_steps=60, anneal_strategy="linear", three_phase=True),
     lambda t: _one_cycle(t, total=60, cos=False, three=True)),
]


@pytest.mark.parametrize("schedule, formula", NEW_SCHEDULES, ids=lambda v: getattr(v, "__name__", ""))
def test_torch_schedules_follow_their_transcriptions(schedule, formula):
    for t in range(60):
        assert schedule(t) == pytest.approx(formula(t), rel=1e-12, abs=1e-15), t
    traj = tl.run(tl.gd(schedule), tl.bowl, [1.0, -1.0], 50)
    x = np.array([1.0, -1.0])
    for t in range(50):
        x = x - formula(t) * x
    np.testing.assert_allclose(traj.final[0], x, rtol=1e-12)


def test_lbfgs_line_search_descends_and_runs_in_batches():
    starts = np.array([[-1.2, 1.0], [0.5, -0.3], [1.3, 1.9], [-0.5, 2.5]])
    runs = tl.run(tl.lbfgs(1.0, line_search="backtracking"), tl.rosenbrock, starts, 100)
    assert np.all(np.diff(runs.values, axis=0) <= 1e-12)  # Armijo: the loss never rises
    np.testing.assert_allclose(runs.final, 1.0, atol=1e-4)  # where g . d < 1e-9 (torch's tolerance_change)
    one = tl.run(tl.lbfgs(1.0, line_search="backtracking"), tl.rosenbrock, starts[2], 100)
    np.testing.assert_allclose(one.positions[:, 0], runs.positions[:, 2], rtol=1e-13, atol=1e-13)  # runs independent
    # on a quadratic of n dimensions, L-BFGS with exact steps ends in about n + 1 steps
    quad = tl.run(tl.lbfgs(1.0, line_search="backtracking"), tl.get("rotated_ellipse", kappa=50.0), [1.5, -1.0], 30)
    assert np.linalg.norm(quad.final) < 1e-8


def test_new_schedules_and_optimizers_refuse_bad_settings():
    with pytest.raises(OptimizerError, match="past its total_steps"):
        tl.run(tl.gd(tl.one_cycle(0.1, total_steps=10)), tl.bowl, [1.0, 1.0], 20)
    with pytest.raises(OptimizerError, match="mode must be"):
        tl.cyclic(0.01, 0.1, mode="sine")
    with pytest.raises(OptimizerError, match="T_0 must be a whole number"):
        tl.cosine_warm_restarts(0.1, T_0=0)
    with pytest.raises(OptimizerError, match="etas must be"):
        tl.rprop(0.01, etas=(1.2, 0.5))
    with pytest.raises(OptimizerError, match="strong_wolfe' is not transcribed"):
        tl.lbfgs(line_search="strong_wolfe")
    with pytest.raises(OptimizerError, match="Nesterov momentum requires dampening = 0"):
        tl.sgd(0.01, momentum=0.9, nesterov=True, dampening=0.1)
    runs = tl.run(tl.nadam(np.array([0.01, 0.02])), tl.rosenbrock, [-1.2, 1.0], 5)  # hyperparameters per run
    assert runs.final.shape == (2, 2) and not np.allclose(runs.final[0], runs.final[1])


@pytest.mark.parametrize(
    "schedule, formula",
    [
        (tl.constant(0.1), lambda t: 0.1),
        (tl.step_decay(0.1, every=10, factor=0.5), lambda t: 0.1 * 0.5 ** (t // 10)),
        (tl.exponential_decay(0.1, gamma=0.97), lambda t: 0.1 * 0.97**t),
        (
            tl.cosine_decay(0.1, steps=40, final=0.01),
            lambda t: 0.01 + 0.09 * (1 + math.cos(math.pi * min(t, 40) / 40)) / 2,
        ),
        (tl.warmup(0.1, steps=5), lambda t: 0.1 * min(1, (t + 1) / 5)),
        (
            tl.warmup(tl.cosine_decay(0.1, 40), steps=5),
            lambda t: 0.05 * (1 + math.cos(math.pi * min(t, 40) / 40)) * min(1, (t + 1) / 5),
        ),
    ],
)
def test_schedules_follow_their_formulas_and_drive_gd(schedule, formula):
    for t in range(60):
        assert schedule(t) == pytest.approx(formula(t), rel=1e-14)
    traj = tl.run(tl.gd(schedule), tl.bowl, [1.0, -1.0], 50)
    x = np.array([1.0, -1.0])
    for t in range(50):
        x = x - formula(t) * x  # the bowl's gradient is x
    np.testing.assert_allclose(traj.final[0], x, rtol=1e-12)


def test_clipping_caps_the_cliff_throw():
    start = [0.5, 0.0]  # below the cliff's foot: one step of 0.9 lands on the wall
    wild = tl.run(tl.gd(0.9), tl.cliff, start, 30)
    tame = tl.run(tl.chain(tl.clip_by_norm(1.0), tl.scale_by_lr(0.9)), tl.cliff, start, 30)
    jumps = lambda tr: np.linalg.norm(np.diff(tr.positions[:, 0], axis=0), axis=-1).max()  # noqa: E731
    assert jumps(wild) > 20
    assert jumps(tame) <= 0.9 + 1e-12
    values = tl.run(tl.chain(tl.clip_by_value(0.2), tl.scale_by_lr(1.0)), tl.cliff, start, 5).positions
    assert np.abs(np.diff(values, axis=0)).max() <= 0.2 + 1e-12


def test_a_student_optimizer_in_a_few_lines_plugs_into_everything():
    def heavy_ball(grad, velocity, lr=0.05, beta=0.9):
        velocity = beta * velocity + grad
        return -lr * velocity, velocity

    mine = tl.optimizer(heavy_ball, init=np.zeros_like, lr=1e-3, beta=0.9)
    ours = tl.momentum(1e-3, 0.9)
    a, b = tl.run(mine, L, STARTS, 200), tl.run(ours, L, STARTS, 200)
    np.testing.assert_allclose(a.positions, b.positions, rtol=1e-13)
    assert repr(mine) == "heavy_ball(lr=0.001, beta=0.9)"
    # it races, sweeps and draws basins like any other
    res = tl.race({"mine": mine, "GD": tl.gd(1e-3)}, L, STARTS[:1], 100)
    assert set(res) == {"mine", "GD"}
    sweep = tl.lr_sweep(lambda lr: tl.optimizer(heavy_ball, init=np.zeros_like, lr=lr), tl.bowl, [1.0, 1.0], [0.01, 0.1, 5.0])
    assert sweep.diverged.tolist() == [False, False, True]


def test_a_student_optimizer_can_ask_for_params_and_step():
    @tl.optimizer(lr=0.5)
    def decaying(grad, state, lr, step, params):
        assert params.shape == grad.shape
        return -lr / (1 + step) * grad, state

    traj = tl.run(decaying, tl.bowl, [1.0, 0.0], 3)
    np.testing.assert_allclose(traj.positions[:, 0, 0], [1.0, 0.5, 0.375, 0.3125])


def test_grid_of_hyperparameters_runs_as_one_batch():
    g = tl.grid(lr=np.logspace(-3, -1, 4), momentum=[0.0, 0.5, 0.9])
    traj = tl.run(tl.momentum(**g), tl.ill_conditioned_bowl, [2.0, 1.0], 100)
    assert traj.runs == 12
    loss = traj.final_values.reshape(4, 3)
    assert loss[-1, -1] < loss[0, 0]


# ---------------------------------------------------------------------------------------------
# Bad input


@pytest.mark.parametrize("lr", [0.0, -0.1, np.nan, np.inf, [0.1, -1.0]])
def test_bad_learning_rates_are_refused_by_name(lr):
    with pytest.raises(OptimizerError, match="^lr must"):
        tl.adam(lr)


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda: tl.momentum(0.1, momentum=1.0), "momentum must be a number in \\[0, 1\\)"),
        (lambda: tl.adam(0.1, b2=1.5), "b2 must be a number in"),
        (lambda: tl.rmsprop(0.1, alpha=-0.1), "alpha must be a number in \\[0, 1\\]"),
        (lambda: tl.sgd(0.1, noise=-1), "noise must be a number >= 0"),
        (lambda: tl.gd(np.ones((2, 2))), "1-D array .* toylands.grid"),
        (lambda: tl.gd("fast"), "lr must be a positive number.*got 'fast' \\(a str\\)"),
        (lambda: tl.step_decay(0.1, every=0), "every must be a whole number of steps >= 1"),
    ],
)
def test_bad_hyperparameters_name_the_argument(make, message):
    with pytest.raises(OptimizerError, match=message):
        make()
