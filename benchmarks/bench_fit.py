"""Training throughput: the book's first MNIST model in `model.fit`, and a tiny model's steps
per second in `fit` and in an eager custom loop (GradientTape + apply_gradients), beside
PyTorch eager running the same loops (skipped when PyTorch is not installed).

- MNIST-shaped: 784-512(relu)-10(softmax), rmsprop, sparse categorical cross-entropy,
  accuracy, batch 128, on 60000 random rows of 784 floats whose labels a linear teacher
  assigns (so the loss must fall); seconds per epoch for epochs 2..N (the first warms up),
  with 1 and 2 threads.
- Tiny: Dense(8) on 8 features, batch 8, SGD, mean squared error; training steps per second.

Checks before timing: one SGD step of the tiny model equals the NumPy step worked by hand,
and the MNIST loss falls over the timed epochs. Figures are medians.

Run: python benchmarks/bench_fit.py [--quick] [--epochs N]
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

import tapeflow as tf
from _timing import print_table
from tapeflow import keras
from tapeflow.keras import layers

MNIST_ROWS, MNIST_FEATURES, MNIST_BATCH = 60000, 784, 128
TINY_FEATURES, TINY_BATCH = 8, 8


def mnist_like_data(rows: int, seed: int = 0):
    """x uniform in [0, 1) like scaled pixels; y from a fixed random linear teacher."""
    rng = np.random.default_rng(seed)
    x = rng.random((rows, MNIST_FEATURES), dtype=np.float32)
    teacher = rng.standard_normal((MNIST_FEATURES, 10)).astype(np.float32)
    y = np.argmax((x - 0.5) @ teacher, axis=1).astype(np.int32)
    return x, y


def tiny_data(rows: int, seed: int = 1):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((rows, TINY_FEATURES)).astype(np.float32)
    y = (x @ rng.standard_normal((TINY_FEATURES, 8)).astype(np.float32)).astype(np.float32)
    return x, y


def _clocks():
    return time.perf_counter(), time.process_time()


def _since(start) -> tuple[float, float]:
    """(wall, CPU) seconds since `start`; CPU time counts every thread of the process, and on
    a shared machine it is the better measure of single-threaded work."""
    wall, cpu = _clocks()
    return wall - start[0], cpu - start[1]


# -- tapeflow ------------------------------------------------------------------------------------
class _EpochTimer(keras.callbacks.Callback):
    def on_train_begin(self, logs=None):
        self.seconds, self.losses = [], []

    def on_epoch_begin(self, epoch, logs=None):
        self._start = _clocks()

    def on_epoch_end(self, epoch, logs=None):
        self.seconds.append(_since(self._start))
        self.losses.append(logs["loss"])


def tapeflow_mnist_epochs(x, y, epochs: int) -> tuple[list, list]:
    """Seconds and mean loss of each epoch of the book's model in fit."""
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
    model.compile(optimizer=keras.optimizers.SGD(0.01), loss="mse")
    return model


def check_tiny_step():
    """One fit step of the tiny model against the same step in NumPy (float64)."""
    x, y = tiny_data(TINY_BATCH)
    model = _tiny_model()
    w0, b0 = (v.astype(np.float64) for v in model.get_weights())
    model.fit(x, y, batch_size=TINY_BATCH, epochs=1, verbose=0, shuffle=False)
    error = x @ w0 + b0 - y  # d mean((xw + b - y)^2) = 2 error / (batch * units)
    scale = 2.0 / error.size
    expected_w = w0 - 0.01 * scale * x.T @ error
    expected_b = b0 - 0.01 * scale * error.sum(axis=0)
    w, b = model.get_weights()
    np.testing.assert_allclose(w, expected_w, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(b, expected_b, rtol=1e-5, atol=1e-6)


def tapeflow_tiny_fit_steps_per_second(x, y, repeats: int) -> tuple[float, float]:
    model = _tiny_model()
    model.fit(x[:800], y[:800], batch_size=TINY_BATCH, verbose=0)  # warm-up
    return _rates(
        lambda: model.fit(x, y, batch_size=TINY_BATCH, verbose=0), len(x) // TINY_BATCH, repeats
    )


def _rates(run, steps: int, repeats: int) -> tuple[float, float]:
    """Median steps per second of `run()` by wall clock and by CPU time."""
    samples = []
    for _ in range(repeats):
        start = _clocks()
        run()
        samples.append(_since(start))
    return (
        statistics.median(steps / wall for wall, _ in samples),
        statistics.median(steps / cpu for _, cpu in samples),
    )


def tapeflow_tiny_loop_steps_per_second(x, y, repeats: int) -> tuple[float, float]:
    model = _tiny_model()
    loss_fn = keras.losses.MeanSquaredError()
    optimizer = keras.optimizers.SGD(0.01)
    batches = [
        (tf.constant(x[i : i + TINY_BATCH]), tf.constant(y[i : i + TINY_BATCH]))
        for i in range(0, len(x), TINY_BATCH)
    ]

    def epoch():
        for xb, yb in batches:
            with tf.GradientTape() as tape:
                loss = loss_fn(yb, model(xb, training=True))
            grads = tape.gradient(loss, model.trainable_weights)
            optimizer.apply_gradients(zip(grads, model.trainable_weights, strict=True))
        return float(loss)

    return _steps_per_second(epoch, len(batches), repeats)


def _steps_per_second(epoch, steps: int, repeats: int) -> tuple[float, float]:
    first = epoch()
    rates = _rates(epoch, steps, repeats)
    last = epoch()
    assert last < first, f"the tiny model's loss did not fall: {first} -> {last}"
    return rates


# -- PyTorch ---------------------------------------------------------------------------------------
def torch_mnist_epochs(x, y, epochs: int):
    import torch

    torch.manual_seed(0)
    model = torch.nn.Sequential(
        torch.nn.Linear(MNIST_FEATURES, 512), torch.nn.ReLU(), torch.nn.Linear(512, 10)
    )
    # Keras's RMSprop defaults (PyTorch puts epsilon outside the root: close enough here).
    optimizer = torch.optim.RMSprop(model.parameters(), lr=1e-3, alpha=0.9, eps=1e-7)
    loss_fn = torch.nn.CrossEntropyLoss()
    tx, ty = torch.from_numpy(x), torch.from_numpy(y.astype(np.int64))
    seconds, losses = [], []
    for _ in range(epochs):
        start, total = _clocks(), 0.0
        order = torch.randperm(len(tx))
        for i in range(0, len(tx), MNIST_BATCH):
            index = order[i : i + MNIST_BATCH]
            optimizer.zero_grad()
            loss = loss_fn(model(tx[index]), ty[index])
            loss.backward()
            optimizer.step()
            total += loss.item() * len(index)
        seconds.append(_since(start))
        losses.append(total / len(tx))
    return seconds, losses


def torch_tiny_loop_steps_per_second(x, y, repeats: int) -> tuple[float, float]:
    import torch

    model = torch.nn.Linear(TINY_FEATURES, 8)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
    loss_fn = torch.nn.MSELoss()
    batches = [
        (torch.from_numpy(x[i : i + TINY_BATCH]), torch.from_numpy(y[i : i + TINY_BATCH]))
        for i in range(0, len(x), TINY_BATCH)
    ]

    def epoch():
        for xb, yb in batches:
            optimizer.zero_grad()
            loss = loss_fn(model(xb), yb)
            loss.backward()
            optimizer.step()
        return loss.item()

    return _steps_per_second(epoch, len(batches), repeats)


def _set_threads(n: int) -> None:
    tf.config.threading.set_intra_op_parallelism_threads(n)
    try:
        import torch

        torch.set_num_threads(n)
    except ImportError:
        pass


def _have_torch() -> bool:
    try:
        import torch  # noqa: F401
    except ImportError:
        return False
    return True


def _timed_epochs(run, x, y, epochs: int):
    """Median (wall, CPU) seconds of epochs 2..N, checking the mean loss fell from the first
    epoch."""
    seconds, losses = run(x, y, epochs)
    assert losses[-1] < losses[0], f"the loss did not fall: {losses}"
    timed = seconds[1:]
    return (statistics.median(s[0] for s in timed), statistics.median(s[1] for s in timed)), losses


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
    check_tiny_step()
    x, y = mnist_like_data(rows)
    has_torch = _have_torch()

    scale = MNIST_ROWS / rows
    if scale != 1:
        print(f"(--quick: {rows} rows; seconds per epoch scaled by {scale:g} to 60000 rows)")
    rows_out = []
    for threads in (1, 2):
        _set_threads(threads)
        ours, losses = _timed_epochs(tapeflow_mnist_epochs, x, y, args.epochs)
        theirs = _timed_epochs(torch_mnist_epochs, x, y, args.epochs)[0] if has_torch else None
        rows_out.append(
            [
                f"MNIST 784-512-10 fit, {threads} thr: s/epoch wall (cpu)",
                _seconds(ours, scale),
                _seconds(theirs, scale),
                f"{rows / ours[0]:,.0f}",
                f"{losses[0]:.3f} -> {losses[-1]:.3f}",
            ]
        )

    _set_threads(1)
    tx, ty = tiny_data(8000 if not args.quick else 2400)
    fit_rate = tapeflow_tiny_fit_steps_per_second(tx, ty, repeats)
    loop_rate = tapeflow_tiny_loop_steps_per_second(tx, ty, repeats)
    torch_loop = torch_tiny_loop_steps_per_second(tx, ty, repeats) if has_torch else None
    rows_out.append(
        ["tiny Dense(8), batch 8, fit: steps/s wall (cpu)", _rate(fit_rate), "-", "-", "-"]
    )
    rows_out.append(
        [
            "tiny Dense(8), batch 8, eager loop: steps/s wall (cpu)",
            _rate(loop_rate),
            _rate(torch_loop),
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
