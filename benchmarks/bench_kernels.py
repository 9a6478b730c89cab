"""Kernels beside NumPy on the same inputs: elementwise and reductions in GB/s, matmul in
GFLOP/s, with 1 and 2 threads. Every result is checked against NumPy before it is timed.

Run: python benchmarks/bench_kernels.py [--quick]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from contextlib import contextmanager

import numpy as np

import tapeflow as tf
from _timing import blas_threads, machine_description, median_seconds, print_table
from tapeflow import _C

try:
    import torch
except ImportError:  # pragma: no cover - then the PyTorch columns say "-"
    torch = None

N = 4 * 1024 * 1024  # 4M float32 = 16 MiB per operand


def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


def elementwise_cases(rng):
    """The elementwise and reduction cases over 4M float32, on inputs drawn from rng."""
    x = rng.standard_normal((2048, N // 2048)).astype(np.float32)
    positive = np.abs(x) + np.float32(1e-3)
    row = rng.standard_normal((N // 2048,)).astype(np.float32)
    angle = x * np.float32(10)  # sin: several periods, both signs
    tx, tpos, trow, tangle = (tf.convert_to_tensor(a) for a in (x, positive, row, angle))
    px, ppos, prow, pangle = (
        torch.from_numpy(a) if torch else None for a in (x, positive, row, angle)
    )
    # NumPy writes the ufuncs' results into one preallocated array: a fresh 16 MiB result
    # comes from malloc, which may hand back new pages (page faults) or warm ones depending on
    # the process's history, moving NumPy's figure between ~4 and ~28 GB/s; tapeflow's caching
    # allocator always reuses warm blocks. With `out=` both write to warm memory.
    out = np.empty_like(x)
    # (name, tapeflow fn, numpy fn, torch fn, bytes moved per call)
    return [
        ("add (2048,2048)+(2048,)", lambda: tx + trow, lambda: np.add(x, row, out=out),
         lambda: px + prow, 2 * x.nbytes),
        ("multiply same shape", lambda: tx * tx, lambda: np.multiply(x, x, out=out),
         lambda: px * px, 3 * x.nbytes),
        ("relu", lambda: tf.nn.relu(tx), lambda: np.maximum(x, 0, out=out),
         lambda: torch.relu(px), 2 * x.nbytes),
        ("exp", lambda: tf.exp(tx), lambda: np.exp(x, out=out), lambda: torch.exp(px),
         2 * x.nbytes),
        ("log", lambda: tf.math.log(tpos), lambda: np.log(positive, out=out),
         lambda: torch.log(ppos), 2 * x.nbytes),
        ("tanh", lambda: tf.tanh(tx), lambda: np.tanh(x, out=out), lambda: torch.tanh(px),
         2 * x.nbytes),
        ("sigmoid", lambda: tf.sigmoid(tx), lambda: _sigmoid(x), lambda: torch.sigmoid(px),
         2 * x.nbytes),
        ("softplus", lambda: tf.math.softplus(tx), lambda: np.logaddexp(0, x),
         lambda: torch.nn.functional.softplus(px), 2 * x.nbytes),
        ("sin", lambda: tf.sin(tangle), lambda: np.sin(angle, out=out),
         lambda: torch.sin(pangle),
         2 * x.nbytes),
        ("pow x**y same shape", lambda: tf.pow(tpos, tx), lambda: np.power(positive, x, out=out),
         lambda: torch.pow(ppos, px), 3 * x.nbytes),
        ("pow x**2.5", lambda: tf.pow(tpos, 2.5),
         lambda: np.power(positive, np.float32(2.5), out=out),
         lambda: torch.pow(ppos, 2.5), 2 * x.nbytes),
        ("reduce_sum all", lambda: tf.reduce_sum(tx), lambda: np.sum(x), lambda: px.sum(),
         x.nbytes),
        ("reduce_sum axis=0", lambda: tf.reduce_sum(tx, axis=0), lambda: np.sum(x, axis=0),
         lambda: px.sum(0), x.nbytes),
        ("reduce_max axis=1", lambda: tf.reduce_max(tx, axis=1), lambda: np.max(x, axis=1),
         lambda: px.amax(1), x.nbytes),
        ("argmax axis=1", lambda: tf.argmax(tx, axis=1), lambda: np.argmax(x, axis=1),
         lambda: px.argmax(1), x.nbytes),
    ]


def _matmul_cases(rng, quick: bool):
    shapes = [(128, 784, 512), (128, 512, 10), (256, 256, 256), (1024, 1024, 1024)]
    if not quick:
        shapes.append((2048, 2048, 2048))
    cases = []
    for m, k, n in shapes:
        a = rng.standard_normal((m, k)).astype(np.float32)
        b = rng.standard_normal((k, n)).astype(np.float32)
        ta, tb = tf.convert_to_tensor(a), tf.convert_to_tensor(b)
        cases.append((f"matmul {m}x{k} @ {k}x{n}", lambda ta=ta, tb=tb: tf.matmul(ta, tb),
                      lambda a=a, b=b: a @ b, 2.0 * m * k * n))
    return cases


def check_against_numpy(name, ours, theirs):
    """ours() must equal theirs() (NumPy) to 1e-4, relative to the largest |value|."""
    got, want = np.asarray(ours()), np.asarray(theirs())
    scale = max(1.0, float(np.max(np.abs(want)))) if want.size else 1.0
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-4 * scale, err_msg=name)


def _elementwise_rows(cases, repeats):
    rows = []
    for name, ours, theirs, peer, nbytes in cases:
        check_against_numpy(name, ours, theirs)
        if torch:
            check_against_numpy(name + " (torch)", peer, theirs)
        numpy_s = median_seconds(theirs, repeats)
        row = [name, f"{nbytes / numpy_s / 1e9:.1f}"]
        for threads in (1, 2):
            _C.set_num_threads(threads)
            ours_s = median_seconds(ours, repeats)
            if torch:
                torch.set_num_threads(threads)
                row.append(f"{nbytes / median_seconds(peer, repeats) / 1e9:.1f}")
            else:
                row.append("-")
            row += [f"{nbytes / ours_s / 1e9:.1f}", f"{numpy_s / ours_s:.2f}x"]
        rows.append(row)
    _C.set_num_threads(0)
    return rows


@contextmanager
def _busy_core():
    """Another process spinning on one core: a thread pool must degrade, not stall."""
    spinner = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        time.sleep(0.2)
        yield
    finally:
        spinner.kill()
        spinner.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer repetitions and sizes")
    args = parser.parse_args()
    repeats = 5 if args.quick else 15
    rng = np.random.default_rng(0)
    print(f"machine: {machine_description()}")

    cases = elementwise_cases(rng)
    header = ["case", "numpy", "torch 1thr", "tf 1thr", "vs numpy", "torch 2thr", "tf 2thr",
              "vs numpy"]
    print_table("elementwise and reductions over 4M float32, GB/s (NumPy is single-threaded)",
                header, _elementwise_rows(cases, repeats))
    busy = [case for case in cases if case[0] in ("add (2048,2048)+(2048,)", "exp", "tanh")]
    with _busy_core():
        print_table("the same with one core kept busy by another process", header,
                    _elementwise_rows(busy, repeats))

    rows = []
    for name, ours, theirs, flops in _matmul_cases(rng, args.quick):
        check_against_numpy(name, ours, theirs)
        row = [name]
        for threads in (1, 2):
            _C.set_num_threads(threads)
            with blas_threads(threads):
                numpy_s = median_seconds(theirs, repeats)
            ours_s = median_seconds(ours, repeats)
            row += [f"{flops / numpy_s / 1e9:.1f}", f"{flops / ours_s / 1e9:.1f}",
                    f"{numpy_s / ours_s:.2f}x"]
        rows.append(row)
    _C.set_num_threads(0)
    print_table("matmul float32, GFLOP/s (NumPy = OpenBLAS)",
                ["case", "np 1thr", "tf 1thr", "ratio", "np 2thr", "tf 2thr", "ratio"], rows)


if __name__ == "__main__":
    main()
