"""Per-op overhead of eager `y = x * w + b` on tiny tensors, without and with a GradientTape,
and a full forward+backward step, beside PyTorch's eager autograd when it is installed.

Run: python benchmarks/bench_tape.py
"""

from __future__ import annotations

import numpy as np

import tapeflow as tf
from _timing import median_seconds, print_table


def _tapeflow_cases():
    x = tf.constant(np.ones((4, 4), np.float32))
    w = tf.Variable(np.ones((4, 4), np.float32))
    b = tf.Variable(np.zeros((4,), np.float32))
    wt, bt = w.value(), b.value()

    def plain():
        return x * wt + bt

    def taped():
        with tf.GradientTape() as tape:
            y = x * w + b
        return y, tape

    def step():
        with tf.GradientTape() as tape:
            y = tf.reduce_sum(x * w + b)
        return tape.gradient(y, [w, b])

    np.testing.assert_allclose(plain().numpy(), np.ones((4, 4)))
    np.testing.assert_allclose(step()[1].numpy(), [4.0] * 4)
    return plain, taped, step


def _torch_cases():
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(1)
    x = torch.ones((4, 4))
    w = torch.ones((4, 4), requires_grad=True)
    b = torch.zeros((4,), requires_grad=True)

    def plain():
        with torch.no_grad():
            return x * w + b

    def taped():
        return x * w + b

    def step():
        w.grad = b.grad = None
        (x * w + b).sum().backward()
        return w.grad, b.grad

    np.testing.assert_allclose(step()[1].numpy(), [4.0] * 4)
    return plain, taped, step


def main() -> None:
    names = ["y = x*w + b, no tape (2 ops)", "y = x*w + b under a tape (2 ops)",
             "forward + backward step"]
    ours = [median_seconds(fn) for fn in _tapeflow_cases()]
    torch_cases = _torch_cases()
    theirs = [median_seconds(fn) for fn in torch_cases] if torch_cases else [None] * 3
    rows = []
    for name, a, t in zip(names, ours, theirs, strict=True):
        rows.append([name, f"{a * 1e6:.2f}", "-" if t is None else f"{t * 1e6:.2f}",
                     "-" if t is None else f"{t / a:.2f}x"])
    print_table("eager overhead on 4x4 float32 tensors, microseconds per call (median)",
                ["case", "tapeflow", "pytorch", "ratio"], rows)
    print(f"\ntape recording cost per op: {(ours[1] - ours[0]) / 2 * 1e6:.2f} us")


if __name__ == "__main__":
    main()
