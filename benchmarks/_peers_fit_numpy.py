"""NumPy by hand on the fit workloads (_fit_workloads): forward, backward and the optimizer
written out in float32 (OpenBLAS for the products)."""

from __future__ import annotations

import numpy as np
from _fit_workloads import (
    EPSILON,
    LEARNING_RATE,
    MNIST_BATCH,
    RHO,
    TINY_BATCH,
    TINY_FEATURES,
    TINY_LEARNING_RATE,
    check_tiny_sgd_step,
    glorot_uniform,
    mnist_initial_params,
    steps_per_second,
    tiny_batches,
)

from _timing import clocks, since


def mnist_epochs(x, y, epochs: int, threads: int):
    """(wall, CPU) seconds and mean loss of each epoch; the threads are OpenBLAS's, which the
    driver limits through the environment."""
    rng = np.random.default_rng(0)
    params = mnist_initial_params(rng)
    velocity = [np.zeros_like(p) for p in params]
    seconds, losses = [], []
    for _ in range(epochs):
        start, total = clocks(), 0.0
        order = rng.permutation(len(x))
        for i in range(0, len(x), MNIST_BATCH):
            index = order[i : i + MNIST_BATCH]
            xb, yb = x[index], y[index]
            w1, b1, w2, b2 = params
            hidden = np.maximum(xb @ w1 + b1, 0)  # (batch, 512)
            logits = hidden @ w2 + b2  # (batch, 10)
            logits -= logits.max(axis=1, keepdims=True)
            log_probs = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
            rows = np.arange(len(index))
            total -= log_probs[rows, yb].sum()
            dlogits = np.exp(log_probs)  # softmax - one_hot, over the batch mean
            dlogits[rows, yb] -= 1
            dlogits /= len(index)
            dhidden = (dlogits @ w2.T) * (hidden > 0)
            grads = [xb.T @ dhidden, dhidden.sum(0), hidden.T @ dlogits, dlogits.sum(0)]
            for p, v, g in zip(params, velocity, grads, strict=True):
                v *= RHO
                v += (1 - RHO) * g * g
                p -= LEARNING_RATE * g / np.sqrt(v + EPSILON)
        seconds.append(since(start))
        losses.append(total / len(x))
    return seconds, losses


def tiny_rates(x, y, repeats: int, threads: int) -> dict:
    rng = np.random.default_rng(0)
    w, b = glorot_uniform(rng, TINY_FEATURES, 8), np.zeros(8, np.float32)
    scale = np.float32(2.0 / (TINY_BATCH * 8))

    def step(xb, yb):
        error = xb @ w + b - yb  # (batch, 8)
        grad = scale * error
        w[...] -= TINY_LEARNING_RATE * (xb.T @ grad)
        b[...] -= TINY_LEARNING_RATE * grad.sum(0)
        return error

    w0, b0 = w.copy(), b.copy()
    step(x[:TINY_BATCH], y[:TINY_BATCH])
    check_tiny_sgd_step(x[:TINY_BATCH], y[:TINY_BATCH], w0, b0, w, b)
    batches = tiny_batches(x, y)

    def epoch():
        for xb, yb in batches:
            error = step(xb, yb)
        return float(np.mean(error * error))

    return {"loop": steps_per_second(epoch, len(batches), repeats)}
