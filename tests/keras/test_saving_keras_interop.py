"""Files written by the real Keras 3 (3.15.1, torch backend; see fixtures/make_fixtures.py)
load in tapeflow with the same predictions and optimizer state, and tapeflow writes the same
weights layout for the same architectures. (The reverse, tapeflow's files loading in Keras 3,
was checked by hand with `make_fixtures.py --check`: Keras needs to be installed.)"""

import io
import os
import zipfile

import h5py
import numpy as np
import pytest

import tapeflow as tf
from tapeflow import keras
from tapeflow.keras import layers

FIXTURES = os.path.join(os.path.dirname(__file__), "fixtures")


def fixture(name):
    return os.path.join(FIXTURES, name)


@pytest.fixture(scope="module")
def expected():
    with np.load(fixture("expected.npz")) as archive:
        return dict(archive)


@pytest.fixture(autouse=True)
def fresh_names():
    keras.backend.clear_session()


def layout(path) -> dict:
    """{dataset path: shape} of the weights inside a .keras file or of a .weights.h5 file."""
    source = path
    if path.endswith(".keras"):
        with zipfile.ZipFile(path) as archive:
            source = io.BytesIO(archive.read("model.weights.h5"))
    found = {}
    with h5py.File(source, "r") as handle:
        handle.visititems(
            lambda name, node: (
                found.__setitem__(name, node.shape) if isinstance(node, h5py.Dataset) else None
            )
        )
    return found


def keras_sequential_twin():
    """The architecture of keras_sequential.keras built in tapeflow."""
    return keras.Sequential(
        [
            keras.Input((4,)),
            layers.Dense(5, activation="relu"),
            layers.Dropout(0.25),
            layers.BatchNormalization(),
            layers.Dense(2),
        ],
        name="fixture_sequential",
    )


def test_keras_sequential_loads_with_its_predictions_and_optimizer_state(expected):
    model = keras.models.load_model(fixture("keras_sequential.keras"))
    assert isinstance(model, keras.Sequential)
    assert [type(layer).__name__ for layer in model.layers] == [
        "Dense",
        "Dropout",
        "BatchNormalization",
        "Dense",
    ]
    np.testing.assert_allclose(
        model.predict(expected["x_seq"], verbose=0),
        expected["sequential_predictions"],
        rtol=1e-5,
        atol=1e-6,
    )
    assert isinstance(model.optimizer, keras.optimizers.Adam)
    state = np.concatenate(
        [np.ravel(v.numpy()).astype(np.float64) for v in model.optimizer.variables]
    )
    np.testing.assert_array_equal(state, expected["sequential_optimizer"])
    assert int(model.optimizer.iterations) == 3
    moving_variance = model.layers[2].weights[3].numpy()
    assert not np.allclose(moving_variance, 1.0)  # trained statistics came along
    model.fit(expected["x_seq"], expected["y_seq"], batch_size=2, verbose=0)
    assert int(model.optimizer.iterations) == 6  # training goes on from Keras's state


def test_keras_weights_file_loads_into_a_tapeflow_model(expected):
    model = keras_sequential_twin()
    model.load_weights(fixture("keras_sequential.weights.h5"))
    np.testing.assert_allclose(
        model.predict(expected["x_seq"], verbose=0),
        expected["sequential_predictions"],
        rtol=1e-5,
        atol=1e-6,
    )


def test_tapeflow_writes_the_layout_keras_wrote(tmp_path, expected):
    model = keras_sequential_twin()
    model.compile(optimizer="adam", loss="mse", metrics=["mae"])
    model.fit(expected["x_seq"], expected["y_seq"], batch_size=2, verbose=0)
    path = str(tmp_path / "twin.keras")
    model.save(path)
    assert layout(path) == layout(fixture("keras_sequential.keras"))
    model.save_weights(str(tmp_path / "twin.weights.h5"))
    assert layout(str(tmp_path / "twin.weights.h5")) == layout(
        fixture("keras_sequential.weights.h5")
    )


def test_keras_functional_multi_input_multi_output(expected):
    model = keras.models.load_model(fixture("keras_functional.keras"))
    assert model.input_names == ["a", "b"] and model.output_names == ["score", "label"]
    score, label = model.predict([expected["x_a"], expected["x_b"]], verbose=0)
    np.testing.assert_allclose(score, expected["functional_score"], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(label, expected["functional_label"], rtol=1e-5, atol=1e-6)
    assert isinstance(model.optimizer, keras.optimizers.RMSprop)
    assert model.loss == ["mse", "categorical_crossentropy"]
    loss = model.evaluate(
        [expected["x_a"], expected["x_b"]], [expected["y_out"], expected["y_cls"]], verbose=0
    )
    assert np.isfinite(loss[0])


class ScaledDense(keras.layers.Layer):
    """The custom layer of keras_custom.keras, written for tapeflow."""

    def __init__(self, units, scale=1.0, **kwargs):
        super().__init__(**kwargs)
        self.units, self.scale = units, scale

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1], self.units), name="w")

    def call(self, x):
        return tf.matmul(x, self.w) * self.scale

    def get_config(self):
        return {**super().get_config(), "units": self.units, "scale": self.scale}


def test_keras_file_with_a_registered_custom_layer(expected):
    with pytest.raises(TypeError, match="Could not locate class 'ScaledDense'"):
        keras.models.load_model(fixture("keras_custom.keras"))
    # Keras saved it as registered_name "fixtures>ScaledDense".
    model = keras.models.load_model(
        fixture("keras_custom.keras"), custom_objects={"fixtures>ScaledDense": ScaledDense}
    )
    assert type(model.layers[0]) is ScaledDense and model.layers[0].scale == 2.0
    np.testing.assert_allclose(
        model.predict(expected["x_seq"], verbose=0),
        expected["custom_predictions"],
        rtol=1e-5,
        atol=1e-6,
    )
    with keras.saving.custom_object_scope({"ScaledDense": ScaledDense}):  # the class name
        keras.models.load_model(fixture("keras_custom.keras"))
