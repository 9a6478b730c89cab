"""bench_fit's two workloads run by each peer the way an expert user of that library writes them
fast, one peer and thread count per child process so that thread pools never share a process:

- MNIST-shaped (784-512 relu-10 softmax, rmsprop lr 1e-3 rho 0.9 eps 1e-7 as Keras, sparse
  categorical cross-entropy, accuracy, batch 128): per-epoch (wall, CPU) seconds and mean loss.
- tiny (Dense(8) on 8 features, batch 8, SGD 0.01, mse): (wall, CPU) steps per second for each
  way the library trains it (fit, eager loop, compiled loop).

Peers: tapeflow and PyTorch eager (bench_fit's own loops, so the figures are the same code),
TensorFlow/Keras (model.fit with its default compiled train step: tf.function, no XLA on CPU;
custom loops with GradientTape eager and under @tf.function), torch.compile, JAX (jax.jit steps,
RMSprop written by hand: optax is not a dependency) and NumPy (forward and backward by hand).

Each child checks before it times: one tiny SGD step equals the NumPy step worked by hand, and
the loss falls over the epochs. A peer that is not importable is skipped (None).

Run one child by hand: python benchmarks/_peers_fit.py --peer jax --workload mnist --threads 1
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import subprocess
import sys

import numpy as np
from bench_fit import (
    MNIST_BATCH,
    MNIST_FEATURES,
    MNIST_ROWS,
    TINY_BATCH,
    TINY_FEATURES,
    _clocks,
    _since,
    mnist_like_data,
    tiny_data,
)

LEARNING_RATE, RHO, EPSILON = 1e-3, 0.9, 1e-7  # Keras's RMSprop defaults (eps inside the root)
TINY_LEARNING_RATE = 0.01
PEER_MODULES = {
    "tapeflow": "tapeflow",
    "tensorflow": "tensorflow",
    "torch": "torch",
    "torch.compile": "torch",
    "jax": "jax",
    "numpy": "numpy",
}


def glorot_uniform(rng, fan_in: int, fan_out: int) -> np.ndarray:
    limit = np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-limit, limit, (fan_in, fan_out)).astype(np.float32)


def check_tiny_sgd_step(x, y, w0, b0, w1, b1) -> None:
    """(w1, b1) must be one SGD step of mse from (w0, b0) on (x, y), worked in float64."""
    w0, b0 = np.asarray(w0, np.float64), np.asarray(b0, np.float64)
    error = x @ w0 + b0 - y  # d mean((xw + b - y)^2) = 2 error / (batch * units)
    scale = 2.0 / error.size
    np.testing.assert_allclose(w1, w0 - TINY_LEARNING_RATE * scale * x.T @ error, 1e-5, 1e-6)
    np.testing.assert_allclose(b1, b0 - TINY_LEARNING_RATE * scale * error.sum(0), 1e-5, 1e-6)


def _batches(x, y):
    return [(x[i : i + TINY_BATCH], y[i : i + TINY_BATCH]) for i in range(0, len(x), TINY_BATCH)]


def _steps_per_second(epoch, steps: int, repeats: int) -> list[float]:
    """Median (wall, CPU) steps/s of epoch() after a warm-up epoch; its loss must fall."""
    first = epoch()
    samples = []
    for _ in range(repeats):
        start = _clocks()
        epoch()
        samples.append(_since(start))
    last = epoch()
    assert last < first, f"the tiny model's loss did not fall: {first} -> {last}"
    return [float(np.median([steps / s[i] for s in samples])) for i in (0, 1)]


# -- TensorFlow / Keras ----------------------------------------------------------------------------
def _keras(threads: int):
    import tensorflow as tf

    tf.config.threading.set_intra_op_parallelism_threads(threads)  # before TF runs any op
    tf.config.threading.set_inter_op_parallelism_threads(threads)
    tf.keras.utils.set_random_seed(0)
    return tf, tf.keras


def tensorflow_mnist_epochs(x, y, epochs: int, threads: int):
    tf, keras = _keras(threads)
    seconds, starts = [], []
    timer = keras.callbacks.LambdaCallback(
        on_epoch_begin=lambda epoch, logs: starts.append(_clocks()),
        on_epoch_end=lambda epoch, logs: seconds.append(_since(starts[-1])),
    )
    model = keras.Sequential(
        [
            keras.Input((MNIST_FEATURES,)),
            keras.layers.Dense(512, activation="relu"),
            keras.layers.Dense(10, activation="softmax"),
        ]
    )
    model.compile(optimizer="rmsprop", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(x, y, epochs=epochs, batch_size=MNIST_BATCH, verbose=0, callbacks=[timer])
    return seconds, history.history["loss"]


def tensorflow_tiny_rates(x, y, repeats: int, threads: int) -> dict:
    tf, keras = _keras(threads)

    def tiny_model():
        model = keras.Sequential([keras.Input((TINY_FEATURES,)), keras.layers.Dense(8)])
        model.compile(optimizer=keras.optimizers.SGD(TINY_LEARNING_RATE), loss="mse")
        return model

    model = tiny_model()
    w0, b0 = model.get_weights()
    model.fit(x[:TINY_BATCH], y[:TINY_BATCH], batch_size=TINY_BATCH, verbose=0, shuffle=False)
    check_tiny_sgd_step(x[:TINY_BATCH], y[:TINY_BATCH], w0, b0, *model.get_weights())

    steps = len(x) // TINY_BATCH
    fit_model = tiny_model()
    rates = {
        "fit": _steps_per_second(
            lambda: fit_model.fit(x, y, batch_size=TINY_BATCH, verbose=0).history["loss"][0],
            steps,
            repeats,
        )
    }
    batches = [(tf.constant(a), tf.constant(b)) for a, b in _batches(x, y)]
    for style in ("eager loop", "tf.function loop"):
        model = tiny_model()
        loss_fn, optimizer = (
            keras.losses.MeanSquaredError(),
            keras.optimizers.SGD(TINY_LEARNING_RATE),
        )

        def train_step(xb, yb, model=model, loss_fn=loss_fn, optimizer=optimizer):
            with tf.GradientTape() as tape:
                loss = loss_fn(yb, model(xb, training=True))
            grads = tape.gradient(loss, model.trainable_weights)
            optimizer.apply_gradients(zip(grads, model.trainable_weights, strict=True))
            return loss

        step = tf.function(train_step) if style == "tf.function loop" else train_step

        def epoch(step=step):
            for xb, yb in batches:
                loss = step(xb, yb)
            return float(loss)

        rates[style] = _steps_per_second(epoch, len(batches), repeats)
    return rates


# -- PyTorch -------------------------------------------------------------------------------------
def _torch(threads: int):
    import torch

    torch.set_num_threads(threads)
    torch.manual_seed(0)
    return torch


def torch_mnist_epochs(x, y, epochs: int, threads: int):
    from bench_fit import torch_mnist_epochs as eager_epochs

    _torch(threads)
    return eager_epochs(x, y, epochs)


def torch_tiny_rates(x, y, repeats: int, threads: int) -> dict:
    from bench_fit import torch_tiny_loop_steps_per_second

    torch = _torch(threads)
    model = torch.nn.Linear(TINY_FEATURES, 8)
    w0, b0 = model.weight.detach().numpy().T.copy(), model.bias.detach().numpy().copy()
    optimizer = torch.optim.SGD(model.parameters(), lr=TINY_LEARNING_RATE)
    xb, yb = torch.from_numpy(x[:TINY_BATCH]), torch.from_numpy(y[:TINY_BATCH])
    torch.nn.functional.mse_loss(model(xb), yb).backward()
    optimizer.step()
    w1, b1 = model.weight.detach().numpy().T, model.bias.detach().numpy()
    check_tiny_sgd_step(x[:TINY_BATCH], y[:TINY_BATCH], w0, b0, w1, b1)
    return {"eager loop": list(torch_tiny_loop_steps_per_second(x, y, repeats))}


def torch_compile_mnist_epochs(x, y, epochs: int, threads: int):
    """torch.compile on the model and loss (forward and backward through inductor), the
    optimizer step eager; the last, short batch compiles its own static graph in the first
    epoch (the warm-up)."""
    torch = _torch(threads)
    model = torch.nn.Sequential(
        torch.nn.Linear(MNIST_FEATURES, 512), torch.nn.ReLU(), torch.nn.Linear(512, 10)
    )
    optimizer = torch.optim.RMSprop(model.parameters(), lr=LEARNING_RATE, alpha=RHO, eps=EPSILON)
    loss_fn = torch.nn.CrossEntropyLoss()
    compiled_loss = torch.compile(lambda xb, yb: loss_fn(model(xb), yb), dynamic=False)
    tx, ty = torch.from_numpy(x), torch.from_numpy(y.astype(np.int64))
    seconds, losses = [], []
    for _ in range(epochs):
        start, total = _clocks(), torch.zeros(())
        order = torch.randperm(len(tx))
        for i in range(0, len(tx), MNIST_BATCH):
            index = order[i : i + MNIST_BATCH]
            optimizer.zero_grad(set_to_none=True)
            loss = compiled_loss(tx[index], ty[index])
            loss.backward()
            optimizer.step()
            total += loss.detach() * len(index)
        seconds.append(_since(start))
        losses.append(float(total) / len(tx))
    return seconds, losses


# -- JAX -----------------------------------------------------------------------------------------
def _jax(threads: int):
    """XLA_FLAGS (set by `measure`) make XLA's kernels single-threaded, but its runtime still
    runs steps on a thread beside the dispatching Python thread (CPU time above wall time was
    measured); with one thread the process is also pinned to one core."""
    if threads == 1 and hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    import jax

    return jax


def jax_mnist_epochs(x, y, epochs: int, threads: int):
    """One jitted step per batch (gather, forward, backward, RMSprop, accuracy), buffers donated;
    the data sit on the device once and each step gathers its batch by index inside XLA."""
    jax = _jax(threads)
    import jax.numpy as jnp

    rng = np.random.default_rng(0)
    params = {
        "w1": glorot_uniform(rng, MNIST_FEATURES, 512),
        "b1": np.zeros(512, np.float32),
        "w2": glorot_uniform(rng, 512, 10),
        "b2": np.zeros(10, np.float32),
    }
    params = jax.tree.map(jnp.asarray, params)
    velocity = jax.tree.map(jnp.zeros_like, params)

    def loss_and_logits(params, xb, yb):
        hidden = jax.nn.relu(xb @ params["w1"] + params["b1"])
        logits = hidden @ params["w2"] + params["b2"]
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
        start, total = _clocks(), 0.0
        order = rng.permutation(len(x)).astype(np.int32)
        for i in range(0, len(x), MNIST_BATCH):
            params, velocity, loss, _ = step(
                params, velocity, x_all, y_all, order[i : i + MNIST_BATCH]
            )
            total = total + loss  # stays on the device: no sync per step
        total = float(jax.block_until_ready(total))
        seconds.append(_since(start))
        losses.append(total / len(x))
    return seconds, losses


def jax_tiny_rates(x, y, repeats: int, threads: int) -> dict:
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
    batches = [(jnp.asarray(a), jnp.asarray(b)) for a, b in _batches(x, y)]
    params = [jnp.asarray(w0), jnp.asarray(b0)]

    def epoch():
        nonlocal params
        for xb, yb in batches:
            params, loss = step(params, xb, yb)
        return float(loss)

    return {"jit loop": _steps_per_second(epoch, len(batches), repeats)}


# -- NumPy by hand -------------------------------------------------------------------------------
def numpy_mnist_epochs(x, y, epochs: int, threads: int):
    """Forward, backward and RMSprop written out in float32 NumPy (OpenBLAS for the products)."""
    rng = np.random.default_rng(0)
    params = [
        glorot_uniform(rng, MNIST_FEATURES, 512),
        np.zeros(512, np.float32),
        glorot_uniform(rng, 512, 10),
        np.zeros(10, np.float32),
    ]
    velocity = [np.zeros_like(p) for p in params]
    seconds, losses = [], []
    for _ in range(epochs):
        start, total = _clocks(), 0.0
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
        seconds.append(_since(start))
        losses.append(total / len(x))
    return seconds, losses


def numpy_tiny_rates(x, y, repeats: int, threads: int) -> dict:
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
    batches = _batches(x, y)

    def epoch():
        for xb, yb in batches:
            error = step(xb, yb)
        return float(np.mean(error * error))

    return {"loop": _steps_per_second(epoch, len(batches), repeats)}


# -- tapeflow (bench_fit's own runs) ---------------------------------------------------------------
def tapeflow_mnist_epochs(x, y, epochs: int, threads: int):
    import bench_fit

    bench_fit.tf.config.threading.set_intra_op_parallelism_threads(threads)
    return bench_fit.tapeflow_mnist_epochs(x, y, epochs)


def tapeflow_tiny_rates(x, y, repeats: int, threads: int) -> dict:
    import bench_fit

    bench_fit.tf.config.threading.set_intra_op_parallelism_threads(threads)
    bench_fit.check_tiny_step()
    return {
        "fit": list(bench_fit.tapeflow_tiny_fit_steps_per_second(x, y, repeats)),
        "eager loop": list(bench_fit.tapeflow_tiny_loop_steps_per_second(x, y, repeats)),
    }


MNIST = {
    "tapeflow": tapeflow_mnist_epochs,
    "tensorflow": tensorflow_mnist_epochs,
    "torch": torch_mnist_epochs,
    "torch.compile": torch_compile_mnist_epochs,
    "jax": jax_mnist_epochs,
    "numpy": numpy_mnist_epochs,
}
TINY = {
    "tapeflow": tapeflow_tiny_rates,
    "tensorflow": tensorflow_tiny_rates,
    "torch": torch_tiny_rates,
    "jax": jax_tiny_rates,
    "numpy": numpy_tiny_rates,
}


def child(peer: str, workload: str, threads: int, rows: int, epochs: int, repeats: int) -> dict:
    if workload == "mnist":
        x, y = mnist_like_data(rows)
        seconds, losses = MNIST[peer](x, y, epochs, threads)
        losses = [float(v) for v in losses]
        assert losses[-1] < losses[0], f"{peer}: the MNIST loss did not fall: {losses}"
        timed = seconds[1:]  # the first epoch warms up (and compiles)
        per_epoch = [float(np.median([s[i] for s in timed])) * MNIST_ROWS / rows for i in (0, 1)]
        return {"seconds": per_epoch, "losses": losses}
    x, y = tiny_data(rows)
    return TINY[peer](x, y, repeats, threads)


def available(peer: str) -> bool:
    return importlib.util.find_spec(PEER_MODULES[peer]) is not None


def measure(peer: str, workload: str, threads: int, rows: int, epochs: int = 4, repeats: int = 5):
    """Runs one peer's workload in a child process limited to `threads`; None when the peer is
    not importable or has no such workload, {"error": text} when the child failed. MNIST:
    {"seconds": [wall, cpu] per epoch scaled to 60000 rows, "losses": [...]}; tiny:
    {style: [wall, cpu] steps per second}."""
    if not available(peer) or peer not in (MNIST if workload == "mnist" else TINY):
        return None
    env = dict(os.environ)
    env.update(OMP_NUM_THREADS=str(threads), OPENBLAS_NUM_THREADS=str(threads))
    env["TF_CPP_MIN_LOG_LEVEL"] = "2"
    if threads == 1:  # XLA's CPU runtime otherwise uses every core
        flags = "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1"
        env["XLA_FLAGS"] = f"{env.get('XLA_FLAGS', '')} {flags}".strip()
    here = os.path.dirname(os.path.abspath(__file__))
    # The child imports the tapeflow this process imported (a built source tree or the
    # installed wheel), never an unbuilt pyfront/ beside the scripts.
    import tapeflow  # already loaded by bench_fit

    tapeflow_home = os.path.dirname(os.path.dirname(os.path.abspath(tapeflow.__file__)))
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (here, tapeflow_home, env.get("PYTHONPATH")) if p
    )
    command = [sys.executable, os.path.abspath(__file__), "--peer", peer, "--workload", workload]
    arguments = ["--threads", str(threads), "--rows", str(rows), "--epochs", str(epochs)]
    done = subprocess.run(
        [*command, *arguments, "--repeats", str(repeats)], env=env, capture_output=True, text=True
    )
    if done.returncode != 0:
        return {"error": done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "failed"}
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--peer", choices=sorted(PEER_MODULES), required=True)
    parser.add_argument("--workload", choices=["mnist", "tiny"], required=True)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--rows", type=int, default=None, help="60000 (mnist) or 8000 (tiny)")
    parser.add_argument("--epochs", type=int, default=4)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    if args.rows is None:
        args.rows = MNIST_ROWS if args.workload == "mnist" else 8000
    result = child(args.peer, args.workload, args.threads, args.rows, args.epochs, args.repeats)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
