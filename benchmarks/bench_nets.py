"""Network landscapes: a 51 x 51 filter-normalized plane of a 2-16-16-1 tanh MLP on 200 points evaluated as one
batched computation, against a Python loop calling the loss 2,601 times; and the top Hessian eigenvalue from
20 Hessian-vector products, against the full Hessian's. Measured in the same run.

    python benchmarks/bench_nets.py            # about 15 s
    python benchmarks/bench_nets.py --quick    # a few seconds: a 21 x 21 plane, two repeats (CI runs it)

Targets (issue: networks): batched at least 3x faster than the loop; the eigenvalue well under a second.
"""

import statistics
import time

import numpy as np

import toylands as tl
from toylands import nets
from _report import arguments, finish


def main():
    args = arguments(__doc__)
    quick = args.quick
    n, repeats = (21, 2) if quick else (51, 5)
    data = nets.two_moons(200, seed=0)
    L = nets.mlp_landscape(data, hidden=(16, 16), activation="tanh", seed=0)
    theta = tl.run(tl.adam(0.02), L, steps=300).final[0]
    plane = nets.random_plane(L, theta, seed=1)
    xs = np.linspace(-1, 1, n)
    grid = np.stack(np.meshgrid(xs, xs), -1)  # (n, n, 2)

    def batched():
        return plane.f(grid)  # float64, as every value toylands reports

    def drawing():
        return plane.grid(n)[2]  # what a contour map of the plane evaluates: float32

    def looped():
        out = np.empty((n, n))
        for i in range(n):
            for j in range(n):
                out[i, j] = L.f(plane.point(grid[i, j]))
        return out

    times = {"batched float64": [], "batched float32 (drawing)": [], "loop": []}
    last = {}
    for _ in range(repeats):
        for name, fn in (("batched float64", batched), ("batched float32 (drawing)", drawing), ("loop", looped)):
            t = time.perf_counter()
            last[name] = fn()
            times[name].append(time.perf_counter() - t)
    med = {k: statistics.median(v) for k, v in times.items()}
    print(f"{n} x {n} filter-normalized plane of a {L.model.name} tanh MLP ({L.dim} parameters) on 200 points:")
    print(f"    Python loop of {n * n:,} loss calls (float64): {med['loop'] * 1e3:6.1f} ms")
    for name in ("batched float64", "batched float32 (drawing)"):
        print(f"    {name:27s}               {med[name] * 1e3:6.1f} ms   -> {med['loop'] / med[name]:4.1f}x faster than the loop")
    print("    (float64 tanh in numpy has no SIMD path and the loop does the same tanh work, so in float64 batching only")
    print("     removes the per-call overhead; pictures use float32, whose tanh is vectorized)")

    t = time.perf_counter()
    top = nets.top_eigenvalues(L, theta, iters=20)[0]
    dt = time.perf_counter() - t
    exact = np.linalg.eigvalsh(L.autograd_hessian(theta)).max()
    print(f"top Hessian eigenvalue from 20 Hessian-vector products: {top:.6g} (full Hessian: {exact:.6g}) in {dt * 1e3:.0f} ms")
    loop = last["loop"]
    lp, b64, b32 = med["loop"], med["batched float64"], med["batched float32 (drawing)"]
    finish(
        "nets",
        quick,
        {
            "loop_ms": lp * 1e3,
            "batched_ms": b64 * 1e3,
            "drawing_ms": b32 * 1e3,
            "batched_speedup": lp / b64,
            "drawing_speedup": lp / b32,
            "eigenvalue_ms": dt * 1e3,
        },  # fmt: skip
        {
            "the batched plane is the looped one (float64)": np.allclose(last["batched float64"], loop, rtol=1e-10),
            "the drawn plane is the looped one (float32)": np.allclose(last["batched float32 (drawing)"], loop, rtol=1e-4),
            "the plane is not flat": np.ptp(loop) > 1e-3 * np.abs(loop).max(),
            "the eigenvalue is the full Hessian's": np.isclose(top, exact, rtol=1e-4),
        },
        {"grid": n, "parameters": L.dim},
    )


if __name__ == "__main__":
    main()
