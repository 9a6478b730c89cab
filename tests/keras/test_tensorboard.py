"""keras.callbacks.TensorBoard: the event files are read back with TensorBoard's own reader
(the EventAccumulator its data server uses) and compared with what fit reported."""

from __future__ import annotations

import io
import sys

import numpy as np
import pytest

from tapeflow import keras
from tapeflow.keras import layers

try:
    from tensorboard.backend.event_processing.plugin_event_accumulator import EventAccumulator
    from tensorboard.util.tensor_util import make_ndarray
except ImportError:  # only the missing-package test runs
    EventAccumulator = None

needs_tensorboard = pytest.mark.skipif(
    EventAccumulator is None, reason="the TensorBoard callback needs `tensorboard`"
)


@pytest.fixture(autouse=True)
def fresh_names():
    keras.backend.clear_session()


def read_run(path):
    """{tag: [(step, ndarray), ...]}, the GraphDef (or None) and the reader of a run folder."""
    accumulator = EventAccumulator(str(path), size_guidance={"tensors": 0})
    accumulator.Reload()
    tags = {}
    for tag in accumulator.Tags()["tensors"]:
        if tag != "__run_graph__":
            tags[tag] = [(e.step, make_ndarray(e.tensor_proto)) for e in accumulator.Tensors(tag)]
    graph = accumulator.Graph() if accumulator.Tags()["graph"] else None
    return tags, graph, accumulator


def scalars(run, tag):
    return [(step, float(value)) for step, value in run[tag]]


def small_problem(n=64):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(n, 5)).astype("float32")
    y = (x[:, 0] + x[:, 1] > 0).astype("int32")
    return x, y


def small_model():
    model = keras.Sequential(
        [layers.Dense(8, activation="relu"), layers.Dense(2, activation="softmax")]
    )
    model.compile(
        optimizer=keras.optimizers.RMSprop(0.01),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    return model


@needs_tensorboard
def test_epoch_scalars_match_history_in_train_and_validation_runs(tmp_path):
    x, y = small_problem()
    model = small_model()
    tensorboard = keras.callbacks.TensorBoard(log_dir=tmp_path / "logs")
    history = model.fit(
        x, y, epochs=3, batch_size=16, validation_split=0.25, callbacks=[tensorboard], verbose=0
    )

    train, _, _ = read_run(tmp_path / "logs" / "train")
    validation, _, accumulator = read_run(tmp_path / "logs" / "validation")
    assert accumulator.SummaryMetadata("epoch_loss").plugin_data.plugin_name == "scalars"
    for name in ("loss", "accuracy"):
        expected = [(epoch, np.float32(v)) for epoch, v in enumerate(history.history[name])]
        assert scalars(train, "epoch_" + name) == expected
        expected = [
            (epoch, np.float32(v)) for epoch, v in enumerate(history.history["val_" + name])
        ]
        assert scalars(validation, "epoch_" + name) == expected
    assert scalars(train, "epoch_learning_rate") == [(e, np.float32(0.01)) for e in range(3)]
    assert not any(tag.startswith("batch_") for tag in train)  # update_freq="epoch"
    # 48 training samples in batches of 16: 3 optimizer steps per epoch.
    assert [step for step, _ in validation["evaluation_loss_vs_iterations"]] == [3, 6, 9]
    assert [value for _, value in scalars(validation, "evaluation_loss_vs_iterations")] == [
        value for _, value in scalars(validation, "epoch_loss")
    ]


@needs_tensorboard
@pytest.mark.parametrize("update_freq, steps", [("batch", [1, 2, 3, 4, 5, 6]), (4, [4])])
def test_batch_scalars_every_update_freq_batches(tmp_path, update_freq, steps):
    x, y = small_problem(48)
    model = small_model()
    seen = []
    record = keras.callbacks.LambdaCallback(
        on_train_batch_end=lambda batch, logs: seen.append(logs["loss"])
    )
    tensorboard = keras.callbacks.TensorBoard(tmp_path, update_freq=update_freq)
    model.fit(x, y, epochs=2, batch_size=16, callbacks=[record, tensorboard], verbose=0)

    train, _, _ = read_run(tmp_path / "train")
    # The step counts batches over the whole run (3 per epoch); the value is the epoch's
    # running mean that the batch's logs carried.
    assert scalars(train, "batch_loss") == [(s, np.float32(seen[s - 1])) for s in steps]
    assert [step for step, _ in train["batch_accuracy"]] == steps


@needs_tensorboard
def test_weight_histograms_every_histogram_freq_epochs(tmp_path):
    x, y = small_problem()
    model = small_model()
    tensorboard = keras.callbacks.TensorBoard(tmp_path, histogram_freq=2)
    model.fit(x, y, epochs=3, batch_size=32, callbacks=[tensorboard], verbose=0)

    train, _, accumulator = read_run(tmp_path / "train")
    names = ["dense/kernel", "dense/bias", "dense_1/kernel", "dense_1/bias"]
    assert sorted(t for t in train if t.endswith("/histogram")) == sorted(
        f"{n}/histogram" for n in names
    )
    assert (
        accumulator.SummaryMetadata("dense/kernel/histogram").plugin_data.plugin_name
        == "histograms"
    )
    for name, weight in zip(names, model.weights, strict=True):
        entries = train[f"{name}/histogram"]
        assert [step for step, _ in entries] == [0, 2]  # epochs 0 and 2 of 0, 1, 2
        buckets = entries[-1][1]  # the last epoch: the final weights
        values = np.asarray(weight, dtype=np.float64).ravel()
        assert buckets.shape == (30, 3)
        assert buckets[:, 2].sum() == values.size
        if values.min() < values.max():
            assert buckets[0, 0] == values.min() and buckets[-1, 1] == values.max()


@needs_tensorboard
def test_weight_images_are_pngs_of_the_clipped_weights(tmp_path):
    from PIL import Image  # tensorboard depends on Pillow

    x, y = small_problem()
    model = small_model()
    tensorboard = keras.callbacks.TensorBoard(tmp_path, histogram_freq=1, write_images=True)
    model.fit(x, y, epochs=1, batch_size=64, callbacks=[tensorboard], verbose=0)

    train, _, accumulator = read_run(tmp_path / "train")
    assert accumulator.SummaryMetadata("dense/kernel/image").plugin_data.plugin_name == "images"
    kernel = np.asarray(model.weights[0])  # (5, 8): wider than tall, drawn as it is
    width, height, png = train["dense/kernel/image"][0][1]
    assert (int(width), int(height)) == (8, 5)
    pixels = np.asarray(Image.open(io.BytesIO(png)))
    np.testing.assert_array_equal(pixels, np.round(np.clip(kernel, 0, 1) * 255).astype(np.uint8))
    bias = np.asarray(model.weights[1])  # (8,): one column, 8 pixels tall
    width, height, png = train["dense/bias/image"][0][1]
    assert (int(width), int(height)) == (1, 8)
    pixels = np.asarray(Image.open(io.BytesIO(png)))
    np.testing.assert_array_equal(
        pixels[:, 0], np.round(np.clip(bias, 0, 1) * 255).astype(np.uint8)
    )


@needs_tensorboard
def test_layer_graph_of_a_functional_model(tmp_path):
    title = keras.Input(shape=(20,), name="title")
    tags = keras.Input(shape=(4,), name="tags")
    features = layers.Dense(8, activation="relu", name="features")(
        layers.concatenate([title, tags])
    )
    priority = layers.Dense(1, activation="sigmoid", name="priority")(features)
    model = keras.Model(inputs=[title, tags], outputs=priority)
    model.compile(optimizer="rmsprop", loss="binary_crossentropy")
    rng = np.random.default_rng(1)
    data = [rng.random((8, 20), dtype=np.float32), rng.random((8, 4), dtype=np.float32)]
    model.fit(
        data,
        rng.integers(0, 2, (8, 1)).astype("float32"),
        epochs=1,
        callbacks=[keras.callbacks.TensorBoard(tmp_path)],
        verbose=0,
    )

    _, graph, _ = read_run(tmp_path / "train")
    nodes = {node.name: node for node in graph.node}
    assert list(nodes) == ["title", "tags", "concatenate", "features", "priority"]
    assert {name: (node.op, list(node.input)) for name, node in nodes.items()} == {
        "title": ("InputLayer", []),
        "tags": ("InputLayer", []),
        "concatenate": ("Concatenate", ["title", "tags"]),
        "features": ("Dense", ["concatenate"]),
        "priority": ("Dense", ["features"]),
    }
    dims = [d.size for d in nodes["concatenate"].attr["_output_shapes"].list.shape[0].dim]
    assert dims == [-1, 24]


@needs_tensorboard
def test_no_graph_when_write_graph_is_false_or_the_model_is_subclassed(tmp_path):
    x, y = small_problem(16)
    model = small_model()
    model.fit(
        x,
        y,
        epochs=1,
        callbacks=[keras.callbacks.TensorBoard(tmp_path / "a", write_graph=False)],
        verbose=0,
    )
    assert read_run(tmp_path / "a" / "train")[1] is None

    class Subclassed(keras.Model):
        def __init__(self):
            super().__init__()
            self.dense = layers.Dense(2, activation="softmax")

        def call(self, inputs):
            return self.dense(inputs)

    model = Subclassed()
    model.compile(optimizer="rmsprop", loss="sparse_categorical_crossentropy")
    model.fit(x, y, epochs=1, callbacks=[keras.callbacks.TensorBoard(tmp_path / "b")], verbose=0)
    train, graph, _ = read_run(tmp_path / "b" / "train")
    assert graph is None and "epoch_loss" in train


@needs_tensorboard
def test_evaluate_logs_against_the_optimizer_iterations(tmp_path):
    x, y = small_problem(32)
    model = small_model()
    model.fit(x, y, epochs=1, batch_size=8, verbose=0)  # 4 optimizer steps
    loss, accuracy = model.evaluate(
        x, y, verbose=0, callbacks=[keras.callbacks.TensorBoard(tmp_path)]
    )
    validation, _, _ = read_run(tmp_path / "validation")
    assert scalars(validation, "evaluation_loss_vs_iterations") == [(4, np.float32(loss))]
    assert scalars(validation, "evaluation_accuracy_vs_iterations") == [(4, np.float32(accuracy))]
    assert not (tmp_path / "train").exists()


@needs_tensorboard
@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"update_freq": 0}, "update_freq"),
        ({"update_freq": "step"}, "update_freq"),
        ({"histogram_freq": -1}, "histogram_freq"),
        ({"profile_batch": 2}, "profile_batch=2"),
        ({"embeddings_freq": 1}, "embeddings_freq=1"),
    ],
)
def test_bad_arguments_are_refused(tmp_path, kwargs, message):
    with pytest.raises(ValueError, match=message):
        keras.callbacks.TensorBoard(tmp_path, **kwargs)


def test_missing_tensorboard_package_is_named(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "tensorboard.summary.writer.event_file_writer", None)
    with pytest.raises(ImportError, match="pip install tensorboard"):
        keras.callbacks.TensorBoard(tmp_path)
