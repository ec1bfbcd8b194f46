"""Speed of toylands.run against hand-written numpy loops of the same optimizer, measured in the same run.

    python benchmarks/bench_run.py            # about 40 s
    python benchmarks/bench_run.py --quick    # a few seconds: smaller batches, fewer repeats (CI runs it)

Targets (issues: optimizers and batched runs; 23):
  - one 2-D trajectory, 500 Adam steps on a catalogue landscape: within 1.5x of the hand-written loop;
  - 10,000 starts x 500 Adam steps on Himmelblau: within 1.25x of the hand-written vectorized loop;
  - a landscape given only as f (autograd), vectorized over the batch: >= 5 million point-steps a second.
Times are the CPU time of this process (``time.process_time``: other work on a shared machine does not count,
the kernel's page faults do), each the median of repeats interleaved with the baseline's.

The allocator. A fresh process's malloc (glibc) gives freed memory back to the system as soon as about 320 kB lie
free at the top of its heap, until it has once freed a block of a few MB; from then on it keeps up to twice that.
Until then a loop that makes and drops arrays of 160 kB a step (10,000 x 2 floats) pays page faults, how many
depends on the order its arrays are made and dropped: a pure optimizer (optax-style, a new state from the old)
drops its old moments only after making the new ones. So the batch is timed in both states, each against the
hand-written loop in the same state, with the page faults of each (section 2). A session that has drawn one
picture (``plot.landscape_map`` and ``savefig``) is already in the second state.
"""

import statistics
import time

import autograd.numpy as anp
import numpy as np

import toylands as tl
from _report import arguments, finish

try:
    import resource
except ImportError:  # not on Windows: page faults are not counted there
    resource = None


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
        x = x - lr * ((m / (1 - b1**t)) / (np.sqrt(v / (1 - b2**t)) + eps))  # torch's order: lr times the direction
        X[t] = x
    return X


def faults() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt if resource else 0


def compare(ours, baseline, repeats):
    """Median CPU seconds and page faults of ``ours`` and ``baseline``, interleaved, and what each returned last."""
    times, flts, last = {"ours": [], "base": []}, {"ours": [], "base": []}, {}
    for _ in range(repeats):  # interleave, so both see the same machine
        for key, fn in (("ours", ours), ("base", baseline)):
            f0, t0 = faults(), time.process_time()
            last[key] = fn()
            times[key].append(time.process_time() - t0)
            flts[key].append(faults() - f0)
    med = {k: statistics.median(v) for k, v in times.items()}
    return med["ours"], med["base"], {k: int(statistics.median(v)) for k, v in flts.items()}, last


def show(o, b, flt=None):
    extra = f"   page faults a run {flt['ours']:6d} vs {flt['base']:6d}" if flt else ""
    print(f"    toylands {o * 1e3:8.1f} ms   hand-written {b * 1e3:8.1f} ms   ratio {o / b:5.2f}x{extra}")


def settle_allocator():
    """Free one 16-MB block: glibc's malloc then keeps freed memory (up to 32 MB) instead of returning it at once."""
    block = np.ones(2**21)
    del block


def main():
    args = arguments(__doc__)
    quick = args.quick
    L = tl.himmelblau
    start = np.array([[0.5, -0.5]])
    figures, checks, info = {}, {}, {}

    print("1. One 2-D trajectory, 500 Adam steps on Himmelblau (hand-written gradient)")
    o, b, _, last = compare(lambda: tl.run(tl.adam(0.1), L, start, 500), lambda: hand_adam(start, 500), 7 if quick else 21)
    show(o, b)
    figures.update(one_path_ms=o * 1e3, one_path_hand_ms=b * 1e3, one_path_ratio=o / b)
    # the same numbers, not merely close: the same operations in the same order
    checks["one path: every timed run walked the hand-written path exactly"] = np.array_equal(
        last["ours"].positions, last["base"]
    )
    checks["one path: the path moved at every step"] = bool(np.all(np.diff(last["base"], axis=0) != 0))

    plain = tl.Landscape("himmelblau, f only", L.f, bounds=L.bounds)
    t0 = time.process_time()
    tr = tl.run(tl.adam(0.1), plain, start, 500)
    a = time.process_time() - t0
    print(f"    the same landscape given only as f (autograd at every step): {a * 1e3:.0f} ms\n")
    figures["one_path_autograd_ms"] = a * 1e3
    checks["one path, f only: autograd's path is the hand-written one"] = np.allclose(tr.positions, last["base"], rtol=1e-10)

    n, steps, repeats = (2_000, 200, 5) if quick else (10_000, 500, 7)
    starts = np.random.default_rng(0).uniform(-5, 5, (n, 2))
    ours, base = (lambda: tl.run(tl.adam(0.1), L, starts, steps)), (lambda: hand_adam(starts, steps))
    print(f"2. {n:,} starts x {steps} Adam steps on Himmelblau")
    print("    in a fresh process (its allocator returns freed memory to the system at once):")
    o, b, flt, last = compare(ours, base, repeats)
    show(o, b, flt)
    figures.update(batch_fresh_ms=o * 1e3, batch_fresh_hand_ms=b * 1e3, batch_fresh_ratio=o / b)
    info.update(batch_fresh_faults=flt["ours"], batch_fresh_hand_faults=flt["base"])
    settle_allocator()
    print("    after one 16-MB block was freed (as after drawing one picture: its pixel buffers are such blocks):")
    o, b, flt, last = compare(ours, base, repeats)
    show(o, b, flt)
    rate, base_rate = n * steps / o / 1e6, n * steps / b / 1e6
    print(f"    {rate:.1f} million point-steps a second (hand-written: {base_rate:.1f})\n")
    figures.update(batch_ms=o * 1e3, batch_hand_ms=b * 1e3, batch_ratio=o / b, batch_rate_millions=rate)
    info.update(batch_faults=flt["ours"], batch_hand_faults=flt["base"], starts=n, steps=steps)
    checks["batch: every timed run walked the hand-written paths exactly"] = np.array_equal(last["ours"].positions, last["base"])
    checks["batch: every run moved"] = bool(np.all(np.any(last["base"][-1] != last["base"][0], axis=-1)))

    print("3. A landscape given only as f, autograd vectorized over the batch")

    def f(p):
        x, y = p[..., 0], p[..., 1]
        return (x**2 + y - 11) ** 2 + (x + y**2 - 7) ** 2 + 0.1 * anp.sin(3 * x) * anp.cos(2 * y)

    user = tl.Landscape("user", f, bounds=[(-5, 5), (-5, 5)])
    steps = 100
    for batch in (1_000,) if quick else (1_000, 10_000, 50_000):
        starts = np.random.default_rng(1).uniform(-5, 5, (batch, 2))
        times = []
        for _ in range(3):
            t0 = time.process_time()
            tr = tl.run(tl.adam(0.1), user, starts, steps, progress=False)
            times.append(time.process_time() - t0)
        t = statistics.median(times)
        rate = batch * steps / t / 1e6
        print(f"    batch {batch:6d}: {t * 1e3:7.0f} ms for {steps} steps = {rate:5.1f} million point-steps a second")
        figures[f"autograd_batch_{batch}_rate_millions"] = rate
        with np.errstate(all="ignore"):
            checks[f"f only, batch {batch}: most runs went down"] = np.mean(tr.values[-1] < tr.values[0]) > 0.9
    finish("run", quick, figures, checks, info)


if __name__ == "__main__":
    main()
