"""Issue 5's summary table from one run: every figure beside its peers, the goal and whether it
is met. The pieces come from the other benchmarks, each checking its results before it times:

- sgemm, MLP and skinny shapes: bench_gemm's child processes (tapeflow and NumPy/OpenBLAS, 1 and
  2 threads, best of --rounds medians);
- 4x4 matmul call from Python: this thread's CPU time per call, best of three medians;
- broadcast add / relu / exp over 4M floats: bench_kernels' cases, 1 thread, GB/s;
- MNIST-shaped fit and the tiny model: _peers_fit's child processes, one per library and thread
  count (tapeflow, TensorFlow/Keras, PyTorch eager, torch.compile, JAX jit, NumPy by hand);
- import wall time: bench_import's fresh interpreters.

Peers that are not importable are left out. Training figures are wall-clock seconds, so a
loaded machine (see the load averages printed) slows every column.

Run: python benchmarks/bench_summary.py [--quick]   (--quick: 2-3 minutes, smaller inputs)
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import time

import _peers_fit
import bench_gemm
import bench_import
import bench_kernels
import numpy as np
from _fit_workloads import MNIST_ROWS

import tapeflow as tf
from _timing import best_thread_seconds, machine_description, median_seconds, print_table
from tapeflow import _C

PEER_NAMES = {
    "tensorflow": "TF/Keras",
    "torch": "PyTorch eager",
    "torch.compile": "torch.compile",
    "jax": "JAX jit",
    "numpy": "NumPy by hand",
}


def _met(ok: bool) -> str:
    return "met" if ok else "NOT met"


def gemm_rows(repeats: int, rounds: int) -> list[list[str]]:
    """GFLOP/s rows from bench_gemm's workers: best of `rounds`, libraries alternating."""
    bench_gemm.check_results(tf, "float32")
    best: dict[tuple[str, int, str], float] = {}
    for threads in (1, 2):
        for _ in range(rounds):
            for library in ("tapeflow", "numpy"):
                for case, seconds in bench_gemm.timings(
                    library, threads, "float32", repeats, cpu_time=False
                ).items():
                    key = (library, threads, case)
                    best[key] = min(seconds, best.get(key, seconds))

    def gflops(library, threads, case):
        return bench_gemm.gflops(case, best[(library, threads, bench_gemm.case_name(case))])

    def case_of(m, k, n):
        return next(c for c in bench_gemm.CASES if c[:3] == (m, k, n))

    rows = []
    for (m, k, n), threads, floor in (((1024,) * 3, 1, 100.0), ((2048,) * 3, 2, 205.0)):
        case = case_of(m, k, n)
        ours, theirs = gflops("tapeflow", threads, case), gflops("numpy", threads, case)
        rows.append(
            [
                f"sgemm {m}³, {threads} thr, GFLOP/s",
                f"{ours:.1f}",
                f"OpenBLAS {theirs:.1f}",
                f">= {floor:g} and >= OpenBLAS",
                _met(ours >= floor and ours >= theirs),
            ]
        )
    groups = [
        (
            "MLP 128x784@784x512 + its 2 backward products",
            [(128, 784, 512), (784, 128, 512), (128, 512, 784)],
            1.0,
        ),
        (
            "skinny N or K = 10 (output layer, 3 products)",
            [(128, 512, 10), (512, 128, 10), (128, 10, 512)],
            1.5,
        ),
    ]
    for name, shapes, goal in groups:
        cases = [case_of(*shape) for shape in shapes]
        ours = [gflops("tapeflow", 1, c) for c in cases]
        theirs = [gflops("numpy", 1, c) for c in cases]
        worst = min(o / t for o, t in zip(ours, theirs, strict=True))
        rows.append(
            [
                f"{name}, 1 thr, GFLOP/s",
                " / ".join(f"{o:.0f}" for o in ours),
                "OpenBLAS " + " / ".join(f"{t:.0f}" for t in theirs),
                f">= {goal:g}x OpenBLAS (worst {worst:.2f}x)",
                _met(worst >= goal),
            ]
        )
    return rows


def small_matmul_row() -> list[str]:
    """µs per 4x4 float32 matmul call from Python, this thread's CPU time (load-proof)."""
    a = np.random.default_rng(0).standard_normal((4, 4)).astype(np.float32)
    ta = tf.constant(a)
    np.testing.assert_allclose(np.asarray(tf.matmul(ta, ta)), a @ a, rtol=1e-5, atol=1e-6)

    ours = best_thread_seconds(lambda: tf.matmul(ta, ta)) * 1e6
    theirs = best_thread_seconds(lambda: a @ a) * 1e6
    return [
        "4x4 matmul call from Python, µs",
        f"{ours:.2f}",
        f"NumPy {theirs:.2f}",
        "<= 1.5",
        _met(ours <= 1.5),
    ]


def elementwise_row(repeats: int) -> list[str]:
    """bench_kernels' broadcast add, relu and exp over 4M float32, 1 thread, GB/s."""
    wanted = ("add (2048,2048)+(2048,)", "relu", "exp")
    cases = [c for c in bench_kernels.elementwise_cases(np.random.default_rng(0)) if c[0] in wanted]
    _C.set_num_threads(1)
    ours, theirs = [], []
    for name, tapeflow_fn, numpy_fn, _, nbytes in cases:
        bench_kernels.check_against_numpy(name, tapeflow_fn, numpy_fn)
        ours.append(nbytes / median_seconds(tapeflow_fn, repeats) / 1e9)
        theirs.append(nbytes / median_seconds(numpy_fn, repeats) / 1e9)
    _C.set_num_threads(0)
    worst = min(o / t for o, t in zip(ours, theirs, strict=True))
    return [
        "broadcast add / relu / exp, 4M floats, 1 thr, GB/s",
        " / ".join(f"{v:.1f}" for v in ours),
        "NumPy " + " / ".join(f"{v:.1f}" for v in theirs),
        f">= 1.5x NumPy (worst {worst:.2f}x)",
        _met(worst >= 1.5),
    ]


def _peer_cell(results: dict, figure) -> str:
    cells = []
    for peer, result in results.items():
        if peer == "tapeflow" or result is None:
            continue
        text = f"failed: {result['error'][:60]}" if "error" in result else figure(result)
        cells.append(f"{PEER_NAMES[peer]} {text}")
    return ", ".join(cells) or "-"


def mnist_rows(rows: int, epochs: int, thread_counts, skip: set[str]):
    """The summary rows and, per library and thread count, the details that show each run was
    sound: CPU beside wall seconds (CPU above wall means more than one core worked) and the
    loss per epoch."""
    table, details = [], []
    for threads in thread_counts:
        results = {
            peer: _peers_fit.measure(peer, "mnist", threads, rows, epochs)
            for peer in ["tapeflow", *PEER_NAMES]
            if peer not in skip
        }
        for peer, result in results.items():
            if result is not None and "error" not in result:
                wall, cpu = result["seconds"]
                losses = " -> ".join(f"{v:.3f}" for v in result["losses"])
                name = PEER_NAMES.get(peer, peer)
                details.append([name, str(threads), f"{wall:.2f}", f"{cpu:.2f}", losses])
        ours = results["tapeflow"]
        if "error" in ours:
            raise SystemExit(f"tapeflow's MNIST run failed: {ours['error']}")
        goal = threads == 2
        table.append(
            [
                f"MNIST 784-512-10 fit, {threads} thr, s/epoch",
                f"{ours['seconds'][0]:.2f}",
                _peer_cell(results, lambda r: f"{r['seconds'][0]:.2f}"),
                "<= 0.85" if goal else "-",
                _met(ours["seconds"][0] <= 0.85) if goal else "-",
            ]
        )
    return table, details


# (peer, the style _peers_fit reports) -> label in the tiny-model rows
TINY_LOOPS = {
    ("tensorflow", "eager loop"): "TF eager",
    ("tensorflow", "tf.function loop"): "TF @tf.function",
    ("torch", "eager loop"): "PyTorch eager",
    ("jax", "jit loop"): "JAX jit",
    ("numpy", "loop"): "NumPy by hand",
}
TINY_FITS = {("tensorflow", "fit"): "Keras fit"}


def _tiny_cell(results: dict, labels: dict) -> str:
    cells = []
    for (peer, style), label in labels.items():
        result = results.get(peer)
        if result is None:
            continue
        if "error" in result:
            cells.append(f"{label} failed: {result['error'][:60]}")
        else:
            cells.append(f"{label} {result[style][0] / 1e3:.1f}k")
    return ", ".join(cells) or "-"


def tiny_rows(rows: int, repeats: int) -> list[list[str]]:
    results = {
        peer: _peers_fit.measure(peer, "tiny", 1, rows, repeats=repeats)
        for peer in ["tapeflow", *PEER_NAMES]
    }
    ours = results.pop("tapeflow")
    if "error" in ours:
        raise SystemExit(f"tapeflow's tiny-model run failed: {ours['error']}")
    return [
        [
            "tiny Dense(8), batch 8, 1 thr, eager loop, steps/s",
            f"{ours['eager loop'][0] / 1e3:.1f}k",
            _tiny_cell(results, TINY_LOOPS),
            ">= 10k",
            _met(ours["eager loop"][0] >= 10e3),
        ],
        [
            "tiny Dense(8), batch 8, 1 thr, fit, steps/s",
            f"{ours['fit'][0] / 1e3:.1f}k",
            _tiny_cell(results, TINY_FITS),
            ">= 25k",
            _met(ours["fit"][0] >= 25e3),
        ],
    ]


def import_row(repeats: int) -> list[str]:
    modules = {"tensorflow": "TF", "torch": "torch", "jax": "JAX"}
    ours = bench_import.import_seconds("tapeflow", repeats)
    peers = [
        f"{label} {bench_import.import_seconds(module, repeats):.2f}"
        for module, label in modules.items()
        if importlib.util.find_spec(module) is not None
    ]
    return [
        "import wall time, s",
        f"{ours:.3f}",
        ", ".join(peers) or "-",
        "<= 0.3",
        _met(ours <= 0.3),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="a ~2 minute smoke run")
    parser.add_argument("--epochs", type=int, default=4, help="MNIST epochs (the first warms up)")
    args = parser.parse_args()
    quick = args.quick
    load_before = os.getloadavg()
    started = time.perf_counter()

    rows = gemm_rows(repeats=3 if quick else 9, rounds=1 if quick else 2)
    rows.append(small_matmul_row())
    rows.append(elementwise_row(repeats=5 if quick else 15))
    mnist, mnist_details = mnist_rows(
        rows=6400 if quick else MNIST_ROWS,
        epochs=3 if quick else args.epochs,
        thread_counts=(2,) if quick else (2, 1),
        skip={"torch.compile"} if quick else set(),  # compiling takes ~30 s
    )
    rows += mnist
    rows += tiny_rows(rows=800 if quick else 8000, repeats=2 if quick else 5)
    rows.append(import_row(repeats=1 if quick else 5))

    load_after = os.getloadavg()
    print(
        f"\n{machine_description()}; load average (1 min) {load_before[0]:.1f} at "
        f"start, {load_after[0]:.1f} at end; {time.perf_counter() - started:.0f} s"
        + (" (--quick: MNIST on 6400 rows scaled to 60000, torch.compile skipped)" if quick else "")
    )
    print_table(
        "issue 5 summary (wall clock; peers measured in the same run)",
        ["work", "tapeflow", "peers", "goal", "status"],
        rows,
    )
    print_table(
        "MNIST runs: seconds per epoch (scaled to 60000 rows), mean loss per epoch",
        ["library", "threads", "wall", "cpu", "loss by epoch (the first warms up)"],
        mnist_details,
    )


if __name__ == "__main__":
    main()
