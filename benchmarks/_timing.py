"""Shared timing helpers: warm up, then the median of several timed repetitions; (wall, CPU)
clock pairs for the training runs; the aligned tables every benchmark prints."""

from __future__ import annotations

import os
import platform
import statistics
import time
from contextlib import contextmanager


def median_seconds(fn, repeats: int = 15, min_time: float = 0.02, clock=time.perf_counter) -> float:
    """Median time of one call of fn; each sample loops until it lasts `min_time`.

    clock=time.thread_time counts only the CPU time of the calling thread, which keeps
    single-threaded overhead measurements steady on a machine shared with other processes.
    """
    fn()
    fn()  # warm-up: caches, allocator, thread pool
    loops = 1
    while True:
        start = clock()
        for _ in range(loops):
            fn()
        if clock() - start >= min_time or loops >= 1 << 20:
            break
        loops *= 2
    samples = []
    for _ in range(repeats):
        start = clock()
        for _ in range(loops):
            fn()
        samples.append((clock() - start) / loops)
    return statistics.median(samples)


def best_thread_seconds(fn, rounds: int = 3) -> float:
    """This thread's CPU seconds per call of fn, the best of `rounds` medians: for work that runs
    on the calling thread (tiny tensors), undisturbed by other processes on a shared machine."""
    return min(median_seconds(fn, clock=time.thread_time) for _ in range(rounds))


def clocks() -> tuple[float, float]:
    """(wall, CPU) readings: a start for `since`."""
    return time.perf_counter(), time.process_time()


def since(start: tuple[float, float]) -> tuple[float, float]:
    """(wall, CPU) seconds since `start`; CPU time counts every thread of the process, and on
    a shared machine it is the better measure of single-threaded work."""
    wall, cpu = clocks()
    return wall - start[0], cpu - start[1]


def median_rates(run, count: int, repeats: int) -> tuple[float, float]:
    """Median (wall, CPU) rates, `count` units (steps, rows) per call of `run()`."""
    samples = []
    for _ in range(repeats):
        start = clocks()
        run()
        samples.append(since(start))
    return (
        statistics.median(count / wall for wall, _ in samples),
        statistics.median(count / cpu for _, cpu in samples),
    )


@contextmanager
def blas_threads(n: int):
    """Limits NumPy's BLAS to n threads (threadpoolctl, installed with scikit-learn)."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - then NumPy uses its default
        yield
        return
    with threadpool_limits(limits=n, user_api="blas"):
        yield


def machine_description() -> str:
    """The processor, its cores, the kernels tapeflow picked for it and NumPy's version."""
    import numpy as np

    import tapeflow as tf

    return (
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} cpus, "
        f"tapeflow ISA {tf.config.cpu_isa()}, numpy {np.__version__}"
    )


def print_table(title: str, header: list[str], rows: list[list[str]]) -> None:
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(header)]
    print(f"\n{title}")
    for cells in [header, *rows]:
        pairs = enumerate(zip(cells, widths, strict=True))
        aligned = [c.rjust(w) if i else c.ljust(w) for i, (c, w) in pairs]
        print("  ".join(aligned))
