"""Speed of toylands.run against hand-written numpy loops of the same optimizer, measured in the same run.

    python benchmarks/bench_run.py          # about 30 s

Targets (issue: optimizers and batched runs):
  - one 2-D trajectory, 500 Adam steps on a catalogue landscape: within 1.5x of the hand-written loop;
  - 10,000 starts x 500 Adam steps on Himmelblau: within 1.5x of the hand-written vectorized loop;
  - a landscape given only as f (autograd), vectorized over the batch: >= 5 million point-steps a second.
The machine is shared and noisy, so each figure is the median of interleaved repeats, and the ratios
compare timings taken side by side.
"""

import statistics
import time

import autograd.numpy as anp
import numpy as np

import toylands as tl


def himmelblau_grad(p):
    x, y = p[..., 0], p[..., 1]
    a, b = x * x + y - 11, x + y * y - 7
    return np.stack([4 * x * a + 2 * b, 2 * a + 4 * y * b], axis=-1)


def hand_adam(x0, steps, lr=0.1, b1=0.9, b2=0.999, eps=1e-8):
    """The baseline: Adam written out by hand, recording the positions like a run does."""
    x = np.array(x0, dtype=float)
    m, v = np.zeros_like(x), np.zeros_like(x)
    X = np.empty((steps + 1,) + x.shape)
    X[0] = x
    for t in range(1, steps + 1):
        g = himmelblau_grad(x)
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        x = x - lr * (m / (1 - b1**t)) / (np.sqrt(v / (1 - b2**t)) + eps)
        X[t] = x
    return X


def timed(fn, repeats):
    out = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return out


def compare(label, ours, baseline, repeats):
    ours_t, base_t = [], []
    for _ in range(repeats):  # interleave, so both see the same machine load
        ours_t += timed(ours, 1)
        base_t += timed(baseline, 1)
    o, b = statistics.median(ours_t), statistics.median(base_t)
    print(f"{label}\n    toylands {o * 1e3:8.1f} ms   hand-written {b * 1e3:8.1f} ms   ratio {o / b:5.2f}x")
    return o, b


def main():
    L = tl.himmelblau
    start = np.array([[0.5, -0.5]])
    # correctness first: the run and the baseline walk the same path
    np.testing.assert_allclose(tl.run(tl.adam(0.1), L, start, 500).positions, hand_adam(start, 500), rtol=1e-10)

    print("1. One 2-D trajectory, 500 Adam steps on Himmelblau (hand-written gradient)")
    compare("", lambda: tl.run(tl.adam(0.1), L, start, 500), lambda: hand_adam(start, 500), 21)

    plain = tl.Landscape("himmelblau, f only", L.f, bounds=L.bounds)
    (a,) = timed(lambda: tl.run(tl.adam(0.1), plain, start, 500), 1)
    print(f"    the same landscape given only as f (autograd at every step): {a * 1e3:.0f} ms\n")

    print("2. 10,000 starts x 500 Adam steps on Himmelblau")
    starts = np.random.default_rng(0).uniform(-5, 5, (10_000, 2))
    o, b = compare("", lambda: tl.run(tl.adam(0.1), L, starts, 500), lambda: hand_adam(starts, 500), 7)
    rate, base_rate = 10_000 * 500 / o / 1e6, 10_000 * 500 / b / 1e6
    print(f"    {rate:.1f} million point-steps a second (hand-written: {base_rate:.1f})\n")

    print("3. A landscape given only as f, autograd vectorized over the batch")

    def f(p):
        x, y = p[..., 0], p[..., 1]
        return (x**2 + y - 11) ** 2 + (x + y**2 - 7) ** 2 + 0.1 * anp.sin(3 * x) * anp.cos(2 * y)

    user = tl.Landscape("user", f, bounds=[(-5, 5), (-5, 5)])
    steps = 100
    for batch in (1_000, 10_000, 50_000):
        starts = np.random.default_rng(1).uniform(-5, 5, (batch, 2))
        t = statistics.median(timed(lambda s=starts: tl.run(tl.adam(0.1), user, s, steps), 3))
        rate = batch * steps / t / 1e6
        print(f"    batch {batch:6d}: {t * 1e3:7.0f} ms for {steps} steps = {rate:5.1f} million point-steps a second")


if __name__ == "__main__":
    main()
