"""tf.matmul (tapeflow's packed GEMM) beside NumPy's OpenBLAS, and the fused dense op beside
its composites, float32, 1 and 2 threads.

Table 1, matmul: every product is first checked against NumPy in float64; then each side is
timed and one row per case and thread count gives GFLOP/s and the ratio tapeflow / NumPy
(above 1 means tapeflow is faster). The MLP cases include the two backward products with
their transposes (x^T @ dz and dz @ W^T), computed through strides on both sides.

Table 2, dense 128x784 -> 512 with relu (the book's MNIST layer), milliseconds: forward, and
forward + backward (dx, dkernel, dbias) for tapeflow's fused op (`_C.dense`, what
keras.layers.Dense runs), tapeflow's composite (matmul + add + relu), NumPy's composite written
by hand, and torch.nn.functional.linear + relu.

Each library is timed in its own child process per thread count, the libraries alternating
for --rounds rounds; each figure is the best of the rounds' medians, and `spread` is the
largest (worst - best) / best over the rounds of either side: how noisy the machine was.
NumPy's child gets OPENBLAS_NUM_THREADS and loses OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE (some
machines set them, which slows OpenBLAS).

--cpu-time times the 1-thread runs by the calling thread's CPU time (time.thread_time: every
library runs a 1-thread product on the calling thread), which a busy shared machine disturbs far
less than the wall clock; 2-thread runs are always timed by the wall clock.

Run: python benchmarks/bench_gemm.py [--repeats N] [--rounds N] [--dtype float32|float64]
                                     [--cpu-time]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time

import numpy as np

from _timing import median_seconds, print_table

# (M, K, N, transpose_a, transpose_b): C (M,N) = A (M,K) @ B (K,N), A or B stored transposed
CASES = [
    (64, 64, 64, False, False),
    (256, 256, 256, False, False),
    (1024, 1024, 1024, False, False),
    (2048, 2048, 2048, False, False),
    (128, 784, 512, False, False),  # MLP forward
    (784, 128, 512, True, False),  # its dkernel = x^T @ dz
    (128, 512, 784, False, True),  # its dx = dz @ kernel^T
    (128, 512, 10, False, False),  # output layer forward
    (512, 128, 10, True, False),  # its dkernel
    (128, 10, 512, False, True),  # its dx (K = 10)
]
THREADS = (1, 2)
DENSE = (128, 784, 512)  # batch, in, units
DENSE_LIBRARIES = ["fused", "composite", "numpy", "torch"]


def case_name(case) -> str:
    m, k, n, ta, tb = case
    return f"{m}x{k}{'ᵀ' if ta else ''} @ {k}x{n}{'ᵀ' if tb else ''}"


def _operands(case, dtype):
    m, k, n, ta, tb = case
    rng = np.random.default_rng(m * 1_000_003 + k * 1009 + n)
    a = rng.standard_normal((k, m) if ta else (m, k)).astype(dtype)
    b = rng.standard_normal((n, k) if tb else (k, n)).astype(dtype)
    return a, b


def _dense_operands(dtype):
    batch, features, units = DENSE
    rng = np.random.default_rng(7)
    x = rng.standard_normal((batch, features)).astype(dtype)
    w = (rng.standard_normal((features, units)) / np.sqrt(features)).astype(dtype)
    b = rng.standard_normal(units).astype(dtype) * 0.1
    g = rng.standard_normal((batch, units)).astype(dtype)
    return x, w, b, g


def gflops(case, seconds):
    m, k, n = case[:3]
    return 2.0 * m * k * n / seconds / 1e9


def _dense_numpy(x, w, b, g):
    out = np.maximum(x @ w + b, 0)
    dz = g * (out > 0)
    return out, dz @ w.T, x.T @ dz, dz.sum(0)


def _dense_tapeflow(tf, fused, x, w, b, g):
    from tapeflow.ops.nn import _dense

    with tf.GradientTape() as tape:
        tape.watch([x, w, b])
        out = _dense(x, w, b, "relu") if fused else tf.nn.relu(tf.matmul(x, w) + b)
    return [out, *tape.gradient(out, [x, w, b], output_gradients=g)]


def _dense_callables(library, dtype):
    """(forward, forward + backward) for one library, on the shared operands."""
    x, w, b, g = _dense_operands(dtype)
    if library == "numpy":
        return lambda: np.maximum(x @ w + b, 0), lambda: _dense_numpy(x, w, b, g)
    if library == "torch":
        import torch
        import torch.nn.functional as F

        tx, tw, tb, tg = (torch.from_numpy(v) for v in (x, w.T.copy(), b, g))
        tx, tw, tb = (t.requires_grad_() for t in (tx, tw, tb))

        def both():
            out = torch.relu(F.linear(tx, tw, tb))
            return torch.autograd.grad(out, [tx, tw, tb], tg)

        def forward():
            with torch.no_grad():
                return torch.relu(F.linear(tx, tw, tb))

        return forward, both
    import tapeflow as tf
    from tapeflow.ops.nn import _dense

    fused = library == "fused"
    x, w, b, g = (tf.convert_to_tensor(v) for v in (x, w, b, g))
    if fused:
        forward = lambda: _dense(x, w, b, "relu")  # noqa: E731
    else:
        forward = lambda: tf.nn.relu(tf.matmul(x, w) + b)  # noqa: E731
    return forward, lambda: _dense_tapeflow(tf, fused, x, w, b, g)


def worker(library: str, threads: int, dtype: str, repeats: int, cpu_time: bool) -> None:
    """Child process: prints {case: seconds} for one library at one thread count."""
    clock = time.thread_time if cpu_time and threads == 1 else time.perf_counter
    times = {}
    if library in ("numpy", "tapeflow"):
        if library == "numpy":
            run, convert = np.matmul, lambda v: v
            transpose = lambda v, flag: v.T if flag else v  # noqa: E731
        else:
            import tapeflow as tf
            from tapeflow import _C

            _C.set_num_threads(threads)
            run, convert = tf.matmul, tf.convert_to_tensor
            transpose = None
        for case in CASES:
            a, b = (convert(v) for v in _operands(case, dtype))
            ta, tb = case[3:]
            if transpose is None:
                fn = lambda a=a, b=b, ta=ta, tb=tb: run(a, b, transpose_a=ta, transpose_b=tb)  # noqa: E731
            else:
                fn = lambda a=a, b=b, ta=ta, tb=tb: run(transpose(a, ta), transpose(b, tb))  # noqa: E731
            times[case_name(case)] = median_seconds(fn, repeats, clock=clock)
    dense_libraries = {"numpy": ["numpy"], "tapeflow": ["fused", "composite"], "torch": ["torch"]}
    for name in dense_libraries[library]:
        if name == "torch":
            import torch

            torch.set_num_threads(threads)
        forward, both = _dense_callables(name, dtype)
        times[f"dense-{name}-forward"] = median_seconds(forward, repeats, clock=clock)
        times[f"dense-{name}-backward"] = median_seconds(both, repeats, clock=clock)
    print(json.dumps(times))


def timings(library: str, threads: int, dtype: str, repeats: int, cpu_time: bool) -> dict:
    """Runs `worker` in a fresh process. NumPy gets `threads` BLAS threads; tapeflow and torch
    get one, so that no idle OpenBLAS thread spins beside their pools."""
    env = dict(os.environ)
    for noisy in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"):
        env.pop(noisy, None)
    blas_threads = threads if library == "numpy" else 1
    env.update(OPENBLAS_NUM_THREADS=str(blas_threads), OMP_NUM_THREADS=str(blas_threads))
    command = [sys.executable, __file__, "--worker", library, "--threads", str(threads)]
    command += ["--cpu-time"] if cpu_time else []
    done = subprocess.run(
        [*command, "--dtype", dtype, "--repeats", str(repeats)],
        env=env,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise SystemExit(f"benchmark worker failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def check_results(tf, dtype: str) -> None:
    tol = 1e-4 if dtype == "float32" else 1e-10
    for case in CASES:
        a, b = _operands(case, dtype)
        ta, tb = case[3:]
        got = np.asarray(
            tf.matmul(tf.convert_to_tensor(a), tf.convert_to_tensor(b), ta, tb), np.float64
        )
        want = (a.T if ta else a).astype(np.float64) @ (b.T if tb else b).astype(np.float64)
        err = np.max(np.abs(got - want) / (np.abs(want) + np.sqrt(case[1])))
        if not err < tol:
            raise SystemExit(f"matmul {case_name(case)}: relative error {err:.2e} above {tol:.0e}")
    want = _dense_numpy(*(v.astype(np.float64) for v in _dense_operands(dtype)))
    for fused in (True, False):
        x, w, b, g = (tf.convert_to_tensor(v) for v in _dense_operands(dtype))
        for got, ref in zip(_dense_tapeflow(tf, fused, x, w, b, g), want, strict=True):
            err = np.max(np.abs(np.asarray(got, np.float64) - ref) / (np.abs(ref) + 1))
            if not err < tol * 10:
                raise SystemExit(f"dense (fused={fused}): relative error {err:.2e}")


def _best_and_spread(samples: list[float]) -> tuple[float, float]:
    return min(samples), max(samples) / min(samples) - 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=9)
    parser.add_argument("--dtype", default="float32", choices=["float32", "float64"])
    parser.add_argument("--rounds", type=int, default=3, help="alternating runs; best kept")
    parser.add_argument("--cpu-time", action="store_true", help="1-thread runs by CPU time")
    parser.add_argument("--worker", choices=["numpy", "tapeflow", "torch"], help=argparse.SUPPRESS)
    parser.add_argument("--threads", type=int, default=1, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker, args.threads, args.dtype, args.repeats, args.cpu_time)
        return

    import tapeflow as tf
    from tapeflow import _C

    check_results(tf, args.dtype)
    try:
        import torch  # noqa: F401

        libraries = ["tapeflow", "numpy", "torch"]
    except ImportError:
        libraries = ["tapeflow", "numpy"]
    matmul_rows, dense_rows = [], []
    for threads in THREADS:
        # Alternate the libraries: on a shared machine the load changes between runs.
        samples: dict[str, list[float]] = {}
        for _ in range(args.rounds):
            for library in libraries:
                found = timings(library, threads, args.dtype, args.repeats, args.cpu_time)
                for case, seconds in found.items():
                    samples.setdefault(f"{library}:{case}", []).append(seconds)
        for case in CASES:
            ours, our_spread = _best_and_spread(samples[f"tapeflow:{case_name(case)}"])
            theirs, their_spread = _best_and_spread(samples[f"numpy:{case_name(case)}"])
            matmul_rows.append(
                [
                    case_name(case),
                    str(threads),
                    f"{gflops(case, ours):.1f}",
                    f"{gflops(case, theirs):.1f}",
                    f"{theirs / ours:.2f}",
                    f"{max(our_spread, their_spread):.0%}",
                ]
            )
        for phase in ("forward", "backward"):
            row = [phase if phase == "forward" else "fwd + bwd", str(threads)]
            best = {}
            for name in DENSE_LIBRARIES:
                key = (
                    f"{'tapeflow' if name in ('fused', 'composite') else name}:dense-{name}-{phase}"
                )
                if key in samples:
                    best[name] = _best_and_spread(samples[key])
                row.append(f"{best[name][0] * 1e3:.3f}" if name in best else "-")
            row.append(f"{best['numpy'][0] / best['fused'][0]:.2f}")
            row.append(f"{best['torch'][0] / best['fused'][0]:.2f}" if "torch" in best else "-")
            row.append(f"{max(s for _, s in best.values()):.0%}")
            dense_rows.append(row)
    print(
        f"{platform.processor() or platform.machine()}, tapeflow ISA: {_C.cpu_isa()}, "
        f"numpy {np.__version__}, dtype {args.dtype}, best of {args.rounds} rounds of medians "
        f"of {args.repeats}, load average {os.getloadavg()[0]:.1f}"
        f"{', 1-thread rows by CPU time' if args.cpu_time else ''}"
    )
    print_table(
        "matmul GFLOP/s (ᵀ: that operand stored transposed)",
        ["case", "threads", "tapeflow", "numpy", "tapeflow/numpy", "spread"],
        matmul_rows,
    )
    batch, features, units = DENSE
    print_table(
        f"dense {batch}x{features} -> {units}, relu: milliseconds",
        [
            "pass",
            "threads",
            "fused",
            "composite",
            "numpy",
            "torch",
            "numpy/fused",
            "torch/fused",
            "spread",
        ],
        dense_rows,
    )


if __name__ == "__main__":
    main()
