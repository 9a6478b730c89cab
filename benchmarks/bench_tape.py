"""What a GradientTape costs on tiny (4x4 float32) tensors, where bookkeeping dominates the maths,
beside PyTorch's eager autograd when it is installed:

- per-op time without and with a tape: the slope over chains of SHORT and LONG multiplies, so
  the fixed cost (tape creation, entering, watching) cancels out; their difference is what
  recording one op costs;
- creating, entering and leaving a tape that watches one tensor;
- `y = x*w + b` with Variables under a new tape, and a forward + backward step
  (`tape.gradient(reduce_sum(x*w + b), [w, b])`).

Times are this thread's CPU time (time.thread_time), the best of ROUNDS medians, so load from
other processes on a shared machine does not land in the table: everything here runs on this
thread (4x4 kernels do not start the thread pool, and PyTorch is limited to one thread).

Run: python benchmarks/bench_tape.py
"""

from __future__ import annotations

import numpy as np

import tapeflow as tf
from _timing import best_thread_seconds, print_table

SHORT, LONG = 8, 72  # chain lengths for the per-op slope
ROUNDS = 3  # the machine may be shared: keep the best of several medians


def _per_op(make_chain) -> float:
    """Seconds per op: the slope between a long and a short chain."""
    long_chain, short_chain = (best_thread_seconds(make_chain(n), ROUNDS) for n in (LONG, SHORT))
    return (long_chain - short_chain) / (LONG - SHORT)


def _tapeflow_cases():
    x = tf.constant(np.ones((4, 4), np.float32))
    c = tf.constant(np.full((4, 4), 1.0001, np.float32))
    w = tf.Variable(np.ones((4, 4), np.float32))
    b = tf.Variable(np.zeros((4,), np.float32))

    def chain(n, taped):
        def untaped_run():
            y = x
            for _ in range(n):
                y = y * c
            return y

        def taped_run():
            with tf.GradientTape() as tape:
                tape.watch(x)
                y = x
                for _ in range(n):
                    y = y * c
            return y, tape

        return taped_run if taped else untaped_run

    def create():
        with tf.GradientTape() as tape:
            tape.watch(x)
        return tape

    def affine():
        with tf.GradientTape() as tape:
            y = x * w + b
        return y, tape

    def step():
        with tf.GradientTape() as tape:
            y = tf.reduce_sum(x * w + b)
        return tape.gradient(y, [w, b])

    y, tape = chain(3, True)()
    np.testing.assert_allclose(tape.gradient(y, x).numpy(), np.full((4, 4), 1.0001**3), 1e-6)
    np.testing.assert_allclose(step()[1].numpy(), [4.0] * 4)
    return [
        _per_op(lambda n: chain(n, False)),
        _per_op(lambda n: chain(n, True)),
        best_thread_seconds(create, ROUNDS),
        best_thread_seconds(affine, ROUNDS),
        best_thread_seconds(step, ROUNDS),
    ]


def _torch_cases():
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(1)
    x = torch.ones((4, 4))
    c = torch.full((4, 4), 1.0001)
    w = torch.ones((4, 4), requires_grad=True)
    b = torch.zeros((4,), requires_grad=True)

    def chain(n, taped):
        def run():
            with torch.set_grad_enabled(taped):
                y = x.requires_grad_(taped)
                for _ in range(n):
                    y = y * c
            return y

        return run

    def affine():
        return x.requires_grad_(False) * w + b

    def step():
        w.grad = b.grad = None
        (x.requires_grad_(False) * w + b).sum().backward()
        return w.grad, b.grad

    np.testing.assert_allclose(step()[1].numpy(), [4.0] * 4)
    return [
        _per_op(lambda n: chain(n, False)),
        _per_op(lambda n: chain(n, True)),
        None,  # PyTorch has no tape object: recording is a flag on the tensors
        best_thread_seconds(affine, ROUNDS),
        best_thread_seconds(step, ROUNDS),
    ]


def main() -> None:
    names = [
        "one op (y * c), no tape",
        "one op (y * c), recorded on a tape",
        "create + enter + exit a tape, watch 1 tensor",
        "y = x*w + b under a new tape (Variables)",
        "forward + backward step",
    ]
    ours = _tapeflow_cases()
    theirs = _torch_cases() or [None] * len(names)
    rows = []
    for name, a, t in zip(names, ours, theirs, strict=True):
        rows.append(
            [
                name,
                f"{a * 1e6:.2f}",
                "-" if t is None else f"{t * 1e6:.2f}",
                "-" if t is None else f"{t / a:.2f}x",
            ]
        )
    print_table(
        "eager overhead on 4x4 float32 tensors, microseconds (thread CPU time, best of 3 medians)",
        ["case", "tapeflow", "pytorch", "pytorch/tapeflow"],
        rows,
    )
    print(f"\nrecording cost per op: {(ours[1] - ours[0]) * 1e6:.2f} us", end="")
    if theirs[0] is not None:
        print(f" (pytorch: {(theirs[1] - theirs[0]) * 1e6:.2f} us)")


if __name__ == "__main__":
    main()
