"""The two training workloads that bench_fit and every peer of _peers_fit run, defined once: the
data, the hyper-parameters, the check of one SGD step worked by hand, and how epochs and steps
are timed.

- MNIST-shaped: 784-512(relu)-10(softmax), RMSprop with Keras's defaults, sparse categorical
  cross-entropy, accuracy, batch 128, on 60000 random rows of 784 floats whose labels a linear
  teacher assigns (so the loss must fall); seconds per epoch for epochs 2..N (the first warms up).
- tiny: Dense(8) on 8 features, batch 8, SGD 0.01, mean squared error; steps per second.
"""

from __future__ import annotations

import statistics

import numpy as np

from _timing import median_rates

MNIST_ROWS, MNIST_FEATURES, MNIST_BATCH = 60000, 784, 128
TINY_ROWS, TINY_FEATURES, TINY_BATCH = 8000, 8, 8
LEARNING_RATE, RHO, EPSILON = 1e-3, 0.9, 1e-7  # Keras's RMSprop defaults (eps inside the root)
TINY_LEARNING_RATE = 0.01


def mnist_like_data(rows: int, seed: int = 0):
    """x (rows, 784) uniform in [0, 1) like scaled pixels; y (rows,) int32 from a fixed random
    linear teacher."""
    rng = np.random.default_rng(seed)
    x = rng.random((rows, MNIST_FEATURES), dtype=np.float32)
    teacher = rng.standard_normal((MNIST_FEATURES, 10)).astype(np.float32)
    y = np.argmax((x - 0.5) @ teacher, axis=1).astype(np.int32)
    return x, y


def tiny_data(rows: int, seed: int = 1):
    """x (rows, 8) and y (rows, 8) = x @ a fixed random teacher, float32."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((rows, TINY_FEATURES)).astype(np.float32)
    y = (x @ rng.standard_normal((TINY_FEATURES, 8)).astype(np.float32)).astype(np.float32)
    return x, y


def tiny_batches(x, y) -> list[tuple[np.ndarray, np.ndarray]]:
    """(x, y) cut into batches of TINY_BATCH rows, in order."""
    return [(x[i : i + TINY_BATCH], y[i : i + TINY_BATCH]) for i in range(0, len(x), TINY_BATCH)]


def glorot_uniform(rng, fan_in: int, fan_out: int) -> np.ndarray:
    limit = np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-limit, limit, (fan_in, fan_out)).astype(np.float32)


def mnist_initial_params(rng) -> list[np.ndarray]:
    """[w1 (784, 512), b1 (512,), w2 (512, 10), b2 (10,)]: Keras's Dense initialisers."""
    return [
        glorot_uniform(rng, MNIST_FEATURES, 512),
        np.zeros(512, np.float32),
        glorot_uniform(rng, 512, 10),
        np.zeros(10, np.float32),
    ]


def check_tiny_sgd_step(x, y, w0, b0, w1, b1) -> None:
    """(w1, b1) must be one SGD step of mse from (w0, b0) on (x, y), worked in float64."""
    w0, b0 = np.asarray(w0, np.float64), np.asarray(b0, np.float64)
    error = x @ w0 + b0 - y  # d mean((xw + b - y)^2) = 2 error / (batch * units)
    scale = 2.0 / error.size
    np.testing.assert_allclose(w1, w0 - TINY_LEARNING_RATE * scale * x.T @ error, 1e-5, 1e-6)
    np.testing.assert_allclose(b1, b0 - TINY_LEARNING_RATE * scale * error.sum(0), 1e-5, 1e-6)


def steps_per_second(epoch, steps: int, repeats: int) -> tuple[float, float]:
    """Median (wall, CPU) steps per second of `epoch()` (which returns its last loss) after a
    warm-up epoch; the loss must fall."""
    first = epoch()
    rates = median_rates(epoch, steps, repeats)
    last = epoch()
    assert last < first, f"the tiny model's loss did not fall: {first} -> {last}"
    return rates


def epoch_seconds(library: str, seconds, losses) -> tuple[float, float]:
    """Median (wall, CPU) seconds of epochs 2..N (the first warms up and compiles), checking
    that the mean loss fell from the first epoch to the last."""
    assert losses[-1] < losses[0], f"{library}: the MNIST loss did not fall: {losses}"
    timed = seconds[1:]
    return statistics.median(s[0] for s in timed), statistics.median(s[1] for s in timed)
