"""JAX on the fit workloads (_fit_workloads): jax.jit steps, RMSprop and SGD written by hand
(optax is not a dependency)."""

from __future__ import annotations

import os

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


def _jax(threads: int):
    """XLA_FLAGS (set by _peers_fit.measure) make XLA's kernels single-threaded, but its runtime
    still runs steps on a thread beside the dispatching Python thread (CPU time above wall time
    was measured); with one thread the process is also pinned to one core."""
    if threads == 1 and hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    import jax

    return jax


def mnist_epochs(x, y, epochs: int, threads: int):
    """One jitted step per batch (gather, forward, backward, RMSprop, accuracy), buffers donated;
    the data sit on the device once and each step gathers its batch by index inside XLA."""
    jax = _jax(threads)
    import jax.numpy as jnp

    rng = np.random.default_rng(0)
    params = [jnp.asarray(p) for p in mnist_initial_params(rng)]  # [w1, b1, w2, b2]
    velocity = jax.tree.map(jnp.zeros_like, params)

    def loss_and_logits(params, xb, yb):
        w1, b1, w2, b2 = params
        hidden = jax.nn.relu(xb @ w1 + b1)  # (batch, 512)
        logits = hidden @ w2 + b2  # (batch, 10)
        picked = jnp.take_along_axis(jax.nn.log_softmax(logits), yb[:, None], axis=1)
        return -jnp.mean(picked), logits

    def step(params, velocity, x_all, y_all, index):
        xb, yb = x_all[index], y_all[index]
        (loss, logits), grads = jax.value_and_grad(loss_and_logits, has_aux=True)(params, xb, yb)
        velocity = jax.tree.map(lambda v, g: RHO * v + (1 - RHO) * g * g, velocity, grads)
        params = jax.tree.map(
            lambda p, g, v: p - LEARNING_RATE * g / jnp.sqrt(v + EPSILON), params, grads, velocity
        )
        correct = jnp.sum(jnp.argmax(logits, axis=1) == yb)
        return params, velocity, loss * len(index), correct

    step = jax.jit(step, donate_argnums=(0, 1))
    x_all, y_all = jnp.asarray(x), jnp.asarray(y)
    seconds, losses = [], []
    for _ in range(epochs):
        start, total = clocks(), 0.0
        order = rng.permutation(len(x)).astype(np.int32)
        for i in range(0, len(x), MNIST_BATCH):
            params, velocity, loss, _ = step(
                params, velocity, x_all, y_all, order[i : i + MNIST_BATCH]
            )
            total = total + loss  # stays on the device: no sync per step
        total = float(jax.block_until_ready(total))
        seconds.append(since(start))
        losses.append(total / len(x))
    return seconds, losses


def tiny_rates(x, y, repeats: int, threads: int) -> dict:
    jax = _jax(threads)
    import jax.numpy as jnp

    def loss_fn(params, xb, yb):
        return jnp.mean((xb @ params[0] + params[1] - yb) ** 2)

    @jax.jit
    def step(params, xb, yb):
        loss, grads = jax.value_and_grad(loss_fn)(params, xb, yb)
        return [p - TINY_LEARNING_RATE * g for p, g in zip(params, grads, strict=True)], loss

    rng = np.random.default_rng(0)
    w0, b0 = glorot_uniform(rng, TINY_FEATURES, 8), np.zeros(8, np.float32)
    (w1, b1), _ = step([jnp.asarray(w0), jnp.asarray(b0)], x[:TINY_BATCH], y[:TINY_BATCH])
    check_tiny_sgd_step(x[:TINY_BATCH], y[:TINY_BATCH], w0, b0, np.asarray(w1), np.asarray(b1))
    batches = [(jnp.asarray(a), jnp.asarray(b)) for a, b in tiny_batches(x, y)]
    params = [jnp.asarray(w0), jnp.asarray(b0)]

    def epoch():
        nonlocal params
        for xb, yb in batches:
            params, loss = step(params, xb, yb)
        return float(loss)

    return {"jit loop": steps_per_second(epoch, len(batches), repeats)}
