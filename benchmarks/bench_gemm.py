"""tf.matmul (tapeflow's packed GEMM) beside NumPy's OpenBLAS, float32, 1 and 2 threads.

Every product is first checked against NumPy in float64; then each side is timed (median of
several runs) and one aligned row per case and thread count gives GFLOP/s and the ratio
tapeflow / NumPy (above 1 means tapeflow is faster).

Each library is timed in its own child process per thread count, the two alternating for
--rounds rounds (the best median of each is kept: a shared machine's load varies). NumPy's
child gets OPENBLAS_NUM_THREADS and loses OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE (some machines
set them, which slows OpenBLAS).

Run: python benchmarks/bench_gemm.py [--repeats N] [--rounds N] [--dtype float32|float64]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys

import numpy as np

from _timing import median_seconds, print_table

# (M, K, N): C (M,N) = A (M,K) @ B (K,N)
CASES = [(256, 256, 256), (1024, 1024, 1024), (128, 784, 512), (128, 512, 10)]
THREADS = (1, 2)


def _operands(m, k, n, dtype):
    rng = np.random.default_rng(m * 1_000_003 + k * 1009 + n)
    a = rng.standard_normal((m, k)).astype(dtype)
    b = rng.standard_normal((k, n)).astype(dtype)
    return a, b


def _gflops(m, k, n, seconds):
    return 2.0 * m * k * n / seconds / 1e9


def worker(library: str, threads: int, dtype: str, repeats: int) -> None:
    """Child process: prints {case: seconds} for one library at one thread count."""
    if library == "numpy":
        run = np.matmul
    else:
        import tapeflow as tf
        from tapeflow import _C

        _C.set_num_threads(threads)
        run, convert = tf.matmul, tf.convert_to_tensor
    times = {}
    for m, k, n in CASES:
        a, b = _operands(m, k, n, dtype)
        if library != "numpy":
            a, b = convert(a), convert(b)
        times[f"{m}x{k}x{n}"] = median_seconds(lambda a=a, b=b: run(a, b), repeats)
    print(json.dumps(times))


def timings(library: str, threads: int, dtype: str, repeats: int) -> dict:
    """Runs `worker` in a fresh process. NumPy gets `threads` BLAS threads; tapeflow gets one,
    so that no idle OpenBLAS thread spins beside tapeflow's pool."""
    env = dict(os.environ)
    for noisy in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"):
        env.pop(noisy, None)
    blas_threads = threads if library == "numpy" else 1
    env.update(OPENBLAS_NUM_THREADS=str(blas_threads), OMP_NUM_THREADS=str(blas_threads))
    command = [sys.executable, __file__, "--worker", library, "--threads", str(threads)]
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
    for m, k, n in CASES:
        a, b = _operands(m, k, n, dtype)
        got = np.asarray(tf.matmul(tf.convert_to_tensor(a), tf.convert_to_tensor(b)))
        want = a.astype(np.float64) @ b.astype(np.float64)
        err = np.max(np.abs(got - want) / (np.abs(want) + np.sqrt(k)))
        if not err < tol:
            raise SystemExit(f"matmul {m}x{k}x{n}: relative error {err:.2e} above {tol:.0e}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=9)
    parser.add_argument("--dtype", default="float32", choices=["float32", "float64"])
    parser.add_argument("--rounds", type=int, default=2, help="alternating runs; best kept")
    parser.add_argument("--worker", choices=["numpy", "tapeflow"], help=argparse.SUPPRESS)
    parser.add_argument("--threads", type=int, default=1, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker, args.threads, args.dtype, args.repeats)
        return

    import tapeflow as tf
    from tapeflow import _C

    check_results(tf, args.dtype)
    rows = []
    for threads in THREADS:
        # Alternate the two libraries and keep each one's best median: on a shared machine
        # the load changes between runs.
        best = {"tapeflow": {}, "numpy": {}}
        for _ in range(args.rounds):
            for library, seen in best.items():
                for case, seconds in timings(library, threads, args.dtype, args.repeats).items():
                    seen[case] = min(seconds, seen.get(case, float("inf")))
        for m, k, n in CASES:
            ours, theirs = best["tapeflow"][f"{m}x{k}x{n}"], best["numpy"][f"{m}x{k}x{n}"]
            rows.append(
                [
                    f"{m}x{k} @ {k}x{n}",
                    str(threads),
                    f"{_gflops(m, k, n, ours):.1f}",
                    f"{_gflops(m, k, n, theirs):.1f}",
                    f"{theirs / ours:.2f}",
                ]
            )
    print(
        f"{platform.processor() or platform.machine()}, tapeflow ISA: {_C.cpu_isa()}, "
        f"numpy {np.__version__}, dtype {args.dtype}"
    )
    print_table(
        "matmul GFLOP/s (median)",
        ["case", "threads", "tapeflow", "numpy", "tapeflow/numpy"],
        rows,
    )


if __name__ == "__main__":
    main()
