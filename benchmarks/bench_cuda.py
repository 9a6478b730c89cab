"""The CUDA backend: GEMM TFLOP/s and elementwise / reduction GB/s on GPU:0, beside PyTorch and
CuPy when they are importable with a GPU (cuBLAS behind both: a yardstick, never a dependency).

Every result is checked first (GEMM rows against NumPy in float64, the rest against NumPy),
then timed: the median of several runs, each ending with a device synchronisation.

Run: python benchmarks/bench_cuda.py [--repeats N]
"""

from __future__ import annotations

import argparse
import functools
import sys

import numpy as np

from _timing import median_seconds, print_table

GEMMS = [(1024, 1024, 1024), (2048, 2048, 2048), (4096, 4096, 4096), (8192, 1024, 512)]
ELEMENTWISE_N = 1 << 26  # 64 Mi elements: 256 MiB per float32 operand


def _peers():
    """{name: (to_device(array), matmul, add, relu, sum, sync)} for the peers present."""
    peers = {}
    try:
        import torch

        if torch.cuda.is_available():
            peers["torch"] = (
                lambda a: torch.from_numpy(a).cuda(),
                torch.matmul,
                torch.add,
                torch.relu,
                torch.sum,
                torch.cuda.synchronize,
            )
    except ImportError:
        pass
    try:
        import cupy

        peers["cupy"] = (
            cupy.asarray,
            cupy.matmul,
            cupy.add,
            lambda x: cupy.maximum(x, 0),
            cupy.sum,
            cupy.cuda.Device().synchronize,
        )
    except Exception:  # ImportError, or CuPy without a usable GPU
        pass
    return peers


def _check_gemm_rows(a, b, c, what):
    rows = np.linspace(0, a.shape[0] - 1, 8).astype(int)
    expected = a[rows].astype(np.float64) @ b.astype(np.float64)
    got = np.asarray(c)[rows]
    scale = np.sqrt(a.shape[1]) * (1e-5 if a.dtype == np.float32 else 1e-13)
    if not np.allclose(got, expected, rtol=scale, atol=scale):
        raise SystemExit(f"{what}: wrong result, max error {np.max(np.abs(got - expected)):.3e}")


def _seconds(fn, args, sync, repeats):
    """Median time of fn(*args) followed by a device synchronisation."""
    return median_seconds(lambda: (fn(*args), sync()), repeats)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=10)
    repeats = parser.parse_args().repeats

    import tapeflow as tf
    from tapeflow import _C

    if not tf.config.list_physical_devices("GPU"):
        print("no GPU visible: nothing to time (tapeflow runs on the CPU here)")
        return
    props = _C.gpu_properties(0)
    print(f"GPU:0 {props['device_name']} (compute capability {props['compute_capability']})")
    sync = functools.partial(_C.gpu_synchronize, 0)
    peers = _peers()
    rng = np.random.default_rng(0)

    for dtype in ("float32", "float64"):
        rows = []
        for m, k, n in GEMMS:
            a = rng.standard_normal((m, k)).astype(dtype)
            b = rng.standard_normal((k, n)).astype(dtype)
            with tf.device("/GPU:0"):
                ta, tb = tf.constant(a), tf.constant(b)
            _check_gemm_rows(a, b, tf.matmul(ta, tb), f"tapeflow {m}x{k}x{n}")
            tflop = 2.0 * m * k * n / 1e12
            row = [f"{m}x{k}x{n}", f"{tflop / _seconds(tf.matmul, (ta, tb), sync, repeats):.2f}"]
            for name, (put, matmul, *_, peer_sync) in peers.items():
                seconds = _seconds(matmul, (put(a), put(b)), peer_sync, repeats)
                row.append(f"{tflop / seconds:.2f} ({name})")
            rows.append(row)
        print_table(f"GEMM {dtype}, TFLOP/s", ["M x K x N", "tapeflow", *peers], rows)

    x = rng.standard_normal(ELEMENTWISE_N).astype(np.float32)
    y = rng.standard_normal(ELEMENTWISE_N).astype(np.float32)
    with tf.device("/GPU:0"):
        tx, ty = tf.constant(x), tf.constant(y)
    # name: (tapeflow op, its arguments, index of the peer's op, NumPy result, operands moved)
    cases = {
        "add": (tf.add, (tx, ty), 2, x + y, 3),
        "relu": (tf.nn.relu, (tx,), 3, np.maximum(x, 0), 2),
        "reduce_sum": (tf.reduce_sum, (tx,), 4, np.sum(x, dtype=np.float64), 1),
    }
    rows = []
    for name, (fn, args, peer_op, expected, operands) in cases.items():
        np.testing.assert_allclose(np.asarray(fn(*args)), expected, rtol=1e-4, atol=1e-3)
        gbytes = operands * x.nbytes / 1e9
        row = [name, f"{gbytes / _seconds(fn, args, sync, repeats):.0f}"]
        for peer, ops in peers.items():
            put, peer_sync = ops[0], ops[-1]
            peer_args = (put(x), put(y))[: len(args)]
            row.append(
                f"{gbytes / _seconds(ops[peer_op], peer_args, peer_sync, repeats):.0f} ({peer})"
            )
        rows.append(row)
    print_table(f"float32, {ELEMENTWISE_N} elements, GB/s", ["op", "tapeflow", *peers], rows)


if __name__ == "__main__":
    sys.exit(main())
