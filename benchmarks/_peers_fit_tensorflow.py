"""TensorFlow / Keras on the fit workloads (_fit_workloads): model.fit with its default compiled
train step (tf.function, no XLA on CPU), and custom loops with GradientTape, eager and under
@tf.function."""

from __future__ import annotations

from _fit_workloads import (
    MNIST_BATCH,
    MNIST_FEATURES,
    TINY_BATCH,
    TINY_FEATURES,
    TINY_LEARNING_RATE,
    check_tiny_sgd_step,
    steps_per_second,
    tiny_batches,
)

from _timing import clocks, since


def _keras(threads: int):
    import tensorflow as tf

    tf.config.threading.set_intra_op_parallelism_threads(threads)  # before TF runs any op
    tf.config.threading.set_inter_op_parallelism_threads(threads)
    tf.keras.utils.set_random_seed(0)
    return tf, tf.keras


def mnist_epochs(x, y, epochs: int, threads: int):
    tf, keras = _keras(threads)
    seconds, starts = [], []
    timer = keras.callbacks.LambdaCallback(
        on_epoch_begin=lambda epoch, logs: starts.append(clocks()),
        on_epoch_end=lambda epoch, logs: seconds.append(since(starts[-1])),
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


def tiny_rates(x, y, repeats: int, threads: int) -> dict:
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
        "fit": steps_per_second(
            lambda: fit_model.fit(x, y, batch_size=TINY_BATCH, verbose=0).history["loss"][0],
            steps,
            repeats,
        )
    }
    batches = [(tf.constant(a), tf.constant(b)) for a, b in tiny_batches(x, y)]
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

        rates[style] = steps_per_second(epoch, len(batches), repeats)
    return rates
