"""keras.utils.model_to_dot / plot_model: the dot source of the book's ticket classifier
(section 7.2.2) box by box and arrow by arrow, the errors naming a missing pydot or Graphviz,
and the PNG itself where Graphviz's `dot` program is installed."""

from __future__ import annotations

import json
import sys

import numpy as np
import pytest

from tapeflow import keras
from tapeflow.keras import layers
from tapeflow.keras.utils import model_visualization

needs_pydot = pytest.mark.skipif(
    not model_visualization.check_pydot(), reason="model_to_dot needs `pydot`"
)
needs_graphviz = pytest.mark.skipif(
    not model_visualization.check_graphviz(), reason="plot_model needs Graphviz's `dot` program"
)


@pytest.fixture(autouse=True)
def fresh_names():
    keras.backend.clear_session()


def ticket_classifier():
    """Listing 7.9, with the book's sizes."""
    vocabulary_size, num_tags, num_departments = 10000, 100, 4
    title = keras.Input(shape=(vocabulary_size,), name="title")
    text_body = keras.Input(shape=(vocabulary_size,), name="text_body")
    tags = keras.Input(shape=(num_tags,), name="tags")
    features = layers.Concatenate()([title, text_body, tags])
    features = layers.Dense(64, activation="relu")(features)
    priority = layers.Dense(1, activation="sigmoid", name="priority")(features)
    department = layers.Dense(num_departments, activation="softmax", name="department")(features)
    return keras.Model(inputs=[title, text_body, tags], outputs=[priority, department])


def boxes(dot):
    """{node name: label} without the graph's `node` defaults entry."""
    return {
        n.get_name().strip('"'): n.get("label")
        for n in dot.get_nodes()
        if n.get_name() not in ("node", "edge", "graph")
    }


def arrows(dot):
    return [(e.get_source().strip('"'), e.get_destination().strip('"')) for e in dot.get_edges()]


@needs_pydot
def test_ticket_classifier_boxes_and_arrows():
    dot = keras.utils.model_to_dot(ticket_classifier())
    labels = boxes(dot)
    assert list(labels) == [
        "title",
        "text_body",
        "tags",
        "concatenate",
        "dense",
        "priority",
        "department",
    ]
    assert "<b>title</b> (InputLayer)" in labels["title"]
    assert "<b>dense</b> (Dense)" in labels["dense"]
    assert "shape" not in labels["dense"] and "Activation" not in labels["dense"]
    assert arrows(dot) == [
        ("title", "concatenate"),
        ("text_body", "concatenate"),
        ("tags", "concatenate"),
        ("concatenate", "dense"),
        ("dense", "priority"),
        ("dense", "department"),
    ]
    assert dot.get("rankdir") == "TB" and dot.get("dpi") == 200


@needs_pydot
def test_ticket_classifier_with_shapes_activations_dtypes_and_trainability():
    model = ticket_classifier()
    model.get_layer("department").trainable = False
    dot = keras.utils.model_to_dot(
        model,
        show_shapes=True,
        show_dtype=True,
        show_layer_activations=True,
        show_trainable=True,
        show_layer_names=False,
        rankdir="LR",
    )
    labels = boxes(dot)
    assert "Output shape: (None, 10000)" in labels["title"]
    assert "Input shape" not in labels["title"]  # an Input has no input
    assert "Input shape: [(None, 10000), (None, 10000), (None, 100)]" in labels["concatenate"]
    assert "Output shape: (None, 20100)" in labels["concatenate"]
    assert "Activation: relu" in labels["dense"] and "Activation: softmax" in labels["department"]
    assert "Output dtype: float32" in labels["priority"]
    assert "Trainable" in labels["dense"] and "Non-trainable" in labels["department"]
    assert "Trainable" not in labels["concatenate"]  # no weights, nothing to say
    assert "<b>Dense</b>" in labels["dense"] and "dense" not in labels["dense"]
    assert dot.get("rankdir") == "LR"


@needs_pydot
def test_sequential_is_a_chain_and_subclassed_is_one_box():
    model = keras.Sequential([layers.Dense(4, activation="relu"), layers.Dense(1)])
    with pytest.raises(ValueError, match="not yet been built"):
        keras.utils.model_to_dot(model)
    model.build((None, 3))
    dot = keras.utils.model_to_dot(model, show_shapes=True)
    assert list(boxes(dot)) == ["dense", "dense_1"]
    assert arrows(dot) == [("dense", "dense_1")]
    assert "Input shape: (None, 4)" in boxes(dot)["dense_1"]

    class Subclassed(keras.Model):
        def __init__(self):
            super().__init__(name="custom")
            self.dense = layers.Dense(2)

        def call(self, inputs):
            return self.dense(inputs)

    model = Subclassed()
    model(np.zeros((1, 3), np.float32))
    dot = keras.utils.model_to_dot(model)
    assert list(boxes(dot)) == ["custom"] and arrows(dot) == []


@needs_pydot
def test_expand_nested_draws_a_cluster_wired_to_its_inner_layers():
    head = keras.Sequential([layers.Dense(8, name="h1"), layers.Dense(2, name="h2")], name="head")
    inputs = keras.Input(shape=(4,), name="x")
    outputs = layers.Dense(1, name="out")(head(layers.Dense(4, name="pre")(inputs)))
    model = keras.Model(inputs, outputs)

    collapsed = keras.utils.model_to_dot(model)
    assert arrows(collapsed) == [("x", "pre"), ("pre", "head"), ("head", "out")]

    expanded = keras.utils.model_to_dot(model, expand_nested=True)
    clusters = expanded.get_subgraphs()
    assert [c.get_name() for c in clusters] == ["cluster_head"]
    assert list(boxes(clusters[0])) == ["head/h1", "head/h2"]
    assert arrows(clusters[0]) == [("head/h1", "head/h2")]
    assert arrows(expanded) == [("x", "pre"), ("pre", "head/h1"), ("head/h2", "out")]


def test_missing_pydot_is_named(monkeypatch):
    monkeypatch.setitem(sys.modules, "pydot", None)
    model = keras.Sequential([layers.Dense(1)])
    model.build((None, 2))
    with pytest.raises(ImportError, match=r"pip install pydot"):
        keras.utils.model_to_dot(model)
    with pytest.raises(ImportError, match=r"pip install pydot"):
        keras.utils.plot_model(model, "model.png")


@needs_pydot
def test_missing_graphviz_is_named(monkeypatch, tmp_path):
    import pydot

    def no_dot_program(self, *args, **kwargs):
        raise FileNotFoundError(2, '"dot" not found in path.')

    monkeypatch.setattr(pydot.Dot, "create", no_dot_program)
    with pytest.raises(ImportError, match="graphviz.*`dot` program"):
        keras.utils.plot_model(ticket_classifier(), tmp_path / "model.png")
    assert not (tmp_path / "model.png").exists()


@needs_graphviz
def test_plot_model_writes_the_png(tmp_path):
    path = tmp_path / "ticket_classifier.png"
    keras.utils.plot_model(ticket_classifier(), path, show_shapes=True)
    data = path.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 1000
    keras.utils.plot_model(ticket_classifier(), tmp_path / "plot.svg")
    assert b"department" in (tmp_path / "plot.svg").read_bytes()


def test_history_values_are_plain_floats_ready_for_matplotlib():
    """The book plots history.history["loss"] with matplotlib: the values must be plain
    Python floats (also JSON-serialisable), not tensors or NumPy scalars."""
    model = keras.Sequential([layers.Dense(1)])
    model.compile(optimizer="rmsprop", loss="mse", metrics=["mae"])
    rng = np.random.default_rng(0)
    x, y = rng.random((20, 3), dtype=np.float32), rng.random((20, 1), dtype=np.float32)
    history = model.fit(x, y, epochs=2, validation_split=0.25, verbose=0)
    assert sorted(history.history) == ["loss", "mae", "val_loss", "val_mae"]
    for values in history.history.values():
        assert len(values) == 2 and all(type(v) is float for v in values)
    json.dumps(history.history)
