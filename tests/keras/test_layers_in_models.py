"""The built-in layers inside models: the book's chapter-7 functional model, a Sequential
stack trained by hand with GradientTape, and weight constraints applied by the optimizer."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.datasets import load_digits

import tapeflow as tf
from helpers import assert_close
from tapeflow import keras
from tapeflow.keras import layers


@pytest.fixture(autouse=True)
def fresh_names():
    keras.backend.clear_session()


def test_ticket_classifier_section_7_2_2():
    vocabulary_size, num_tags, num_departments = 10000, 100, 4
    title = keras.Input(shape=(vocabulary_size,), name="title")
    text_body = keras.Input(shape=(vocabulary_size,), name="text_body")
    tags = keras.Input(shape=(num_tags,), name="tags")
    features = layers.concatenate([title, text_body, tags])
    features = layers.Dense(64, activation="relu")(features)
    priority = layers.Dense(1, activation="sigmoid", name="priority")(features)
    department = layers.Dense(num_departments, activation="softmax", name="department")(features)
    model = keras.Model(inputs=[title, text_body, tags], outputs=[priority, department])

    assert [layer.name for layer in model.layers] == [
        "title",
        "text_body",
        "tags",
        "concatenate",
        "dense",
        "priority",
        "department",
    ]
    assert [t.shape for t in model.layers[3].input] == [(None, 10000), (None, 10000), (None, 100)]
    assert model.layers[3].output.shape == (None, 20100)
    # dense: 20100 * 64 + 64, priority: 64 + 1, department: 64 * 4 + 4
    assert model.count_params() == 1286464 + 65 + 260

    rng = np.random.default_rng(0)
    data = [
        rng.integers(0, 2, size=(5, n)).astype(np.float32)
        for n in (vocabulary_size, vocabulary_size, num_tags)
    ]
    priority_out, department_out = model(data)
    assert priority_out.shape == (5, 1) and department_out.shape == (5, 4)
    assert_close(tf.reduce_sum(department_out, axis=1).numpy(), np.ones(5, np.float32), rtol=1e-6)


def test_sequential_stack_trains_by_hand_and_updates_batch_statistics():
    model = keras.Sequential(
        [
            keras.Input(shape=(4,)),
            layers.Dense(16, activation="relu"),
            layers.BatchNormalization(),
            layers.Dropout(0.5),
            layers.Dense(1),
        ]
    )
    optimizer = keras.optimizers.SGD(learning_rate=0.05)
    rng = np.random.default_rng(1)
    x = rng.normal(size=(64, 4)).astype(np.float32)
    y = (x @ np.array([[1.0], [-2.0], [0.5], [0.0]], np.float32)).astype(np.float32)
    batch_norm = model.layers[1]
    assert [w.name for w in batch_norm.non_trainable_weights] == [
        "batch_normalization/moving_mean:0",
        "batch_normalization/moving_variance:0",
    ]

    def loss_value(training):
        return tf.reduce_mean(tf.square(model(x, training=training) - y))

    start = float(loss_value(training=False))
    for _ in range(100):
        with tf.GradientTape() as tape:
            loss = loss_value(training=True)
        grads = tape.gradient(loss, model.trainable_weights)
        assert all(g is not None for g in grads)
        optimizer.apply_gradients(zip(grads, model.trainable_weights, strict=True))
    assert float(loss_value(training=False)) < 0.5 * start
    assert not np.allclose(batch_norm.moving_mean.numpy(), 0.0)  # updated by training calls
    # inference is deterministic (no dropout, moving statistics)
    assert_close(model(x).numpy(), model(x, training=False).numpy())


def test_optimizer_applies_dense_kernel_constraint():
    layer = layers.Dense(3, kernel_constraint=keras.constraints.NonNeg(), kernel_initializer="ones")
    x = np.ones((2, 4), np.float32)
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(layer(x))  # d/dkernel = 2 everywhere
    grads = tape.gradient(loss, layer.trainable_weights)
    keras.optimizers.SGD(learning_rate=1.0).apply_gradients(
        zip(grads, layer.trainable_weights, strict=True)
    )
    assert_close(layer.kernel.numpy(), np.zeros((4, 3), np.float32))  # 1 - 2 = -1, clipped to 0
    assert_close(layer.bias.numpy(), np.full(3, -2.0, np.float32))  # no constraint


def test_fit_with_built_in_layers_on_digits():
    np.random.seed(0)  # noqa: NPY002  (fit shuffles with the global generator, as Keras)
    tf.random.set_seed(0)
    data = load_digits()
    order = np.random.default_rng(0).permutation(len(data.target))  # a stratum-free split
    x, y = data.data[order].astype(np.float32), data.target[order]
    model = keras.Sequential(
        [
            keras.Input(shape=(64,)),
            layers.Rescaling(1.0 / 16),  # pixels in [0, 16]
            layers.Dense(64, activation="relu"),
            layers.BatchNormalization(),
            layers.Dropout(0.3),
            layers.Dense(10, activation="softmax"),
        ]
    )
    model.compile(optimizer="rmsprop", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(x[:1400], y[:1400], epochs=10, batch_size=32, verbose=0)
    assert history.history["loss"][-1] < 0.5 * history.history["loss"][0]
    _, accuracy = model.evaluate(x[1400:], y[1400:], verbose=0)
    assert accuracy > 0.95  # 0.97-0.98 over seeds
    assert len(model.non_trainable_weights) == 2  # BatchNormalization's moving statistics
