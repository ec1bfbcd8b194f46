"""Network landscapes: a 51 x 51 filter-normalized plane of a 2-16-16-1 tanh MLP on 200 points evaluated as one
batched computation, against a Python loop calling the loss 2,601 times; and the top Hessian eigenvalue from
20 Hessian-vector products. Measured in the same run.

    python benchmarks/bench_nets.py        # about 15 s

Targets (issue: networks): batched at least 3x faster than the loop; the eigenvalue well under a second.
"""

import statistics
import time

import numpy as np

import toylands as tl
from toylands import nets


def main():
    data = nets.two_moons(200, seed=0)
    L = nets.mlp_landscape(data, hidden=(16, 16), activation="tanh", seed=0)
    theta = tl.run(tl.adam(0.02), L, steps=300).final[0]
    plane = nets.random_plane(L, theta, seed=1)
    xs = np.linspace(-1, 1, 51)
    grid = np.stack(np.meshgrid(xs, xs), -1)  # (51, 51, 2)

    def batched():
        return plane.f(grid)  # float64, as every value toylands reports

    def drawing():
        return plane.grid(51)[2]  # what a contour map of the plane evaluates: float32

    def looped():
        out = np.empty((51, 51))
        for i in range(51):
            for j in range(51):
                out[i, j] = L.f(plane.point(grid[i, j]))
        return out

    np.testing.assert_allclose(batched(), looped(), rtol=1e-10)
    np.testing.assert_allclose(drawing(), looped(), rtol=1e-4)
    times = {"batched float64": [], "batched float32 (drawing)": [], "loop": []}
    for _ in range(5):
        for name, fn in (("batched float64", batched), ("batched float32 (drawing)", drawing), ("loop", looped)):
            t = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - t)
    med = {k: statistics.median(v) for k, v in times.items()}
    print(f"51 x 51 filter-normalized plane of a {L.model.name} tanh MLP ({L.dim} parameters) on 200 points:")
    print(f"    Python loop of 2,601 loss calls (float64): {med['loop'] * 1e3:6.1f} ms")
    for name in ("batched float64", "batched float32 (drawing)"):
        print(f"    {name:27s}               {med[name] * 1e3:6.1f} ms   -> {med['loop'] / med[name]:4.1f}x faster than the loop")
    print("    (float64 tanh in numpy has no SIMD path and the loop does the same tanh work, so in float64 batching only")
    print("     removes the per-call overhead; pictures use float32, whose tanh is vectorized)")

    t = time.perf_counter()
    top = nets.top_eigenvalues(L, theta, iters=20)[0]
    dt = time.perf_counter() - t
    exact = np.linalg.eigvalsh(L.autograd_hessian(theta)).max()
    print(f"top Hessian eigenvalue from 20 Hessian-vector products: {top:.6g} (full Hessian: {exact:.6g}) in {dt * 1e3:.0f} ms")


if __name__ == "__main__":
    main()
