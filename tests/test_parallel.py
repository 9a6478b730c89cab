"""The CPU thread pool (csrc/kernels/cpu/parallel.*): the intra-op thread knob, denormals
flushed inside kernels on every thread (and only there), jobs handed to workers that are
spinning or asleep, and the same results while another process keeps a core busy."""

from __future__ import annotations

import subprocess
import sys
import time
from contextlib import contextmanager

import numpy as np

import tapeflow as tf
from tapeflow import _C

SUBNORMAL = np.float32(1e-39)


@contextmanager
def intra_op_threads(n):
    before = tf.config.threading.get_intra_op_parallelism_threads()
    tf.config.threading.set_intra_op_parallelism_threads(n)
    try:
        yield
    finally:
        tf.config.threading.set_intra_op_parallelism_threads(before)


def test_the_intra_op_knob_sizes_the_pool():
    with intra_op_threads(1):
        assert _C.num_threads() == 1
    with intra_op_threads(2):
        assert _C.num_threads() == 2
        assert tf.config.threading.get_intra_op_parallelism_threads() == 2


def test_denormals_are_flushed_on_every_thread():
    # 4M elements: split into chunks across the pool, so every worker sees subnormals.
    x = tf.constant(np.full(1 << 22, SUBNORMAL, np.float32))
    for n in (1, 2, 3):
        with intra_op_threads(n):
            out = np.asarray(x * 1.0)
            assert not out.any(), f"{np.count_nonzero(out)} subnormals survived with {n} threads"
            total = float(tf.reduce_sum(x))
            assert total == 0.0, f"reduce_sum of subnormals gave {total} with {n} threads"


def test_the_calling_threads_mode_is_restored_after_a_kernel():
    tf.exp(tf.constant(np.ones(100_000, np.float32))).numpy()
    tf.exp(tf.constant(np.ones(3, np.float32))).numpy()
    # NumPy on this thread still computes with subnormals.
    assert np.multiply(SUBNORMAL, np.float32(1)) == SUBNORMAL


def test_jobs_reach_workers_that_spin_or_sleep():
    x = np.random.default_rng(0).standard_normal(1 << 20).astype(np.float32)
    tx = tf.constant(x)
    with intra_op_threads(1):
        want = np.asarray(tf.tanh(tx)).copy()
    with intra_op_threads(2):
        for pause in (0.0, 20e-6, 200e-6, 5e-3):  # inside and beyond the spin window
            for _ in range(10):
                np.testing.assert_array_equal(np.asarray(tf.tanh(tx)), want)
                time.sleep(pause)


def test_same_results_while_a_core_is_busy():
    x = np.random.default_rng(1).standard_normal((512, 2048)).astype(np.float32)
    tx = tf.constant(x)
    with intra_op_threads(1):
        want = [np.asarray(f(tx)).copy() for f in (tf.exp, tf.reduce_sum)]
    spinner = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        with intra_op_threads(2):
            for _ in range(20):
                np.testing.assert_array_equal(np.asarray(tf.exp(tx)), want[0])
                np.testing.assert_array_equal(np.asarray(tf.reduce_sum(tx)), want[1])
    finally:
        spinner.kill()
        spinner.wait()
