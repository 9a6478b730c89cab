"""Training throughput: the book's first MNIST model in `model.fit`, and a tiny model's steps
per second in `fit` and in an eager custom loop (GradientTape + apply_gradients), beside
PyTorch eager running the same loops (skipped when PyTorch is not installed).

- MNIST-shaped: 784-512(relu)-10(softmax), rmsprop, sparse categorical cross-entropy,
  accuracy, batch 128, on 60000 random rows of 784 floats whose labels a linear teacher
  assigns (so the loss must fall); seconds per epoch for epochs 2..N (the first warms up),
  with 1 and 2 threads.
- Tiny: Dense(8) on 8 features, batch 8, SGD, mean squared error; training steps per second.

Checks before timing: one SGD step of the tiny model equals the NumPy step worked by hand,
and the MNIST loss falls over the timed epochs. Figures are medians. The workloads are defined
in _fit_workloads.py, PyTorch's side in _peers_fit_torch.py (also a peer of bench_summary).

Run: python benchmarks/bench_fit.py [--quick] [--epochs N]
"""

from __future__ import annotations

import argparse
import importlib.util

import _peers_fit_torch
import numpy as np
from _fit_workloads import (
    MNIST_BATCH,
    MNIST_ROWS,
    TINY_BATCH,
    TINY_FEATURES,
    TINY_LEARNING_RATE,
    TINY_ROWS,
    check_tiny_sgd_step,
    epoch_seconds,
    mnist_like_data,
    steps_per_second,
    tiny_batches,
    tiny_data,
)

import tapeflow as tf
from _timing import clocks, median_rates, print_table, since
from tapeflow import keras
from tapeflow.keras import layers


# -- tapeflow ------------------------------------------------------------------------------------
class _EpochTimer(keras.callbacks.Callback):
    def on_train_begin(self, logs=None):
        self.seconds, self.losses = [], []

    def on_epoch_begin(self, epoch, logs=None):
        self._start = clocks()

    def on_epoch_end(self, epoch, logs=None):
        self.seconds.append(since(self._start))
        self.losses.append(logs["loss"])


def tapeflow_mnist_epochs(x, y, epochs: int, threads: int) -> tuple[list, list]:
    """(wall, CPU) seconds and mean loss of each epoch of the book's model in fit."""
    tf.config.threading.set_intra_op_parallelism_threads(threads)
    tf.random.set_seed(0)
    model = keras.Sequential(
        [layers.Dense(512, activation="relu"), layers.Dense(10, activation="softmax")]
    )
    model.compile(optimizer="rmsprop", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    timer = _EpochTimer()
    model.fit(x, y, epochs=epochs, batch_size=MNIST_BATCH, verbose=0, callbacks=[timer])
    return timer.seconds, timer.losses


def _tiny_model():
    model = keras.Sequential([keras.Input((TINY_FEATURES,)), layers.Dense(8)])
    model.compile(optimizer=keras.optimizers.SGD(TINY_LEARNING_RATE), loss="mse")
    return model


def check_tiny_step():
    """One fit step of the tiny model against the same step in NumPy (float64)."""
    x, y = tiny_data(TINY_BATCH)
    model = _tiny_model()
    w0, b0 = (np.array(v) for v in model.get_weights())
    model.fit(x, y, batch_size=TINY_BATCH, epochs=1, verbose=0, shuffle=False)
    check_tiny_sgd_step(x, y, w0, b0, *model.get_weights())


def _tiny_fit_steps_per_second(x, y, repeats: int) -> tuple[float, float]:
    model = _tiny_model()
    model.fit(x[:800], y[:800], batch_size=TINY_BATCH, verbose=0)  # warm-up
    return median_rates(
        lambda: model.fit(x, y, batch_size=TINY_BATCH, verbose=0), len(x) // TINY_BATCH, repeats
    )


def _tiny_loop_steps_per_second(x, y, repeats: int) -> tuple[float, float]:
    model = _tiny_model()
    loss_fn = keras.losses.MeanSquaredError()
    optimizer = keras.optimizers.SGD(TINY_LEARNING_RATE)
    batches = [(tf.constant(a), tf.constant(b)) for a, b in tiny_batches(x, y)]

    def epoch():
        for xb, yb in batches:
            with tf.GradientTape() as tape:
                loss = loss_fn(yb, model(xb, training=True))
            grads = tape.gradient(loss, model.trainable_weights)
            optimizer.apply_gradients(zip(grads, model.trainable_weights, strict=True))
        return float(loss)

    return steps_per_second(epoch, len(batches), repeats)


def tapeflow_tiny_rates(x, y, repeats: int, threads: int) -> dict:
    """{"fit", "eager loop": (wall, CPU) steps/s}, after checking one step against NumPy."""
    tf.config.threading.set_intra_op_parallelism_threads(threads)
    check_tiny_step()
    return {
        "fit": _tiny_fit_steps_per_second(x, y, repeats),
        "eager loop": _tiny_loop_steps_per_second(x, y, repeats),
    }


def _rate(pair) -> str:
    return "-" if pair is None else f"{pair[0]:,.0f} ({pair[1]:,.0f})"


def _seconds(pair, scale: float) -> str:
    return "-" if pair is None else f"{pair[0] * scale:.3f} ({pair[1] * scale:.3f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer rows and repeats")
    parser.add_argument("--epochs", type=int, default=4, help="MNIST epochs (the first is warm-up)")
    args = parser.parse_args()
    rows = 12800 if args.quick else MNIST_ROWS
    repeats = 3 if args.quick else 5
    x, y = mnist_like_data(rows)
    has_torch = importlib.util.find_spec("torch") is not None

    scale = MNIST_ROWS / rows
    if scale != 1:
        print(f"(--quick: {rows} rows; seconds per epoch scaled by {scale:g} to 60000 rows)")
    rows_out = []
    for threads in (1, 2):
        seconds, losses = tapeflow_mnist_epochs(x, y, args.epochs, threads)
        ours = epoch_seconds("tapeflow", seconds, losses)
        theirs = None
        if has_torch:
            theirs = epoch_seconds(
                "torch", *_peers_fit_torch.mnist_epochs(x, y, args.epochs, threads)
            )
        rows_out.append(
            [
                f"MNIST 784-512-10 fit, {threads} thr: s/epoch wall (cpu)",
                _seconds(ours, scale),
                _seconds(theirs, scale),
                f"{rows / ours[0]:,.0f}",
                f"{losses[0]:.3f} -> {losses[-1]:.3f}",
            ]
        )

    tx, ty = tiny_data(TINY_ROWS if not args.quick else 2400)
    ours = tapeflow_tiny_rates(tx, ty, repeats, threads=1)
    theirs = _peers_fit_torch.tiny_rates(tx, ty, repeats, threads=1) if has_torch else {}
    rows_out.append(
        ["tiny Dense(8), batch 8, fit: steps/s wall (cpu)", _rate(ours["fit"]), "-", "-", "-"]
    )
    rows_out.append(
        [
            "tiny Dense(8), batch 8, eager loop: steps/s wall (cpu)",
            _rate(ours["eager loop"]),
            _rate(theirs.get("eager loop")),
            "-",
            "-",
        ]
    )
    print_table(
        "training throughput (medians)",
        ["case", "tapeflow", "pytorch eager", "samples/s", "loss (first -> last epoch)"],
        rows_out,
    )


if __name__ == "__main__":
    main()
