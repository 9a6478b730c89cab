"""keras.saving's config (de)serialization: Keras 3's format for built-in and user objects, the
registry and custom_object_scope, layers.serialize/deserialize/get, functional graph configs
(checked against Keras 3's output for the same graphs), Keras-only options."""

import json

import numpy as np
import pytest

import tapeflow as tf
from tapeflow import keras
from tapeflow.keras import layers
from tapeflow.keras.saving import object_registration, serialization_lib


@pytest.fixture(autouse=True)
def fresh_names():
    keras.backend.clear_session()


@pytest.fixture
def clean_registry():
    saved = dict(object_registration._GLOBAL_CUSTOM_OBJECTS)
    saved_names = dict(object_registration._GLOBAL_CUSTOM_NAMES)
    yield
    object_registration._GLOBAL_CUSTOM_OBJECTS.clear()
    object_registration._GLOBAL_CUSTOM_OBJECTS.update(saved)
    object_registration._GLOBAL_CUSTOM_NAMES.clear()
    object_registration._GLOBAL_CUSTOM_NAMES.update(saved_names)


# -- built-in objects --------------------------------------------------------------------------
def test_builtin_objects_are_named_by_their_public_keras_module():
    dense = layers.Dense(3, activation="relu", kernel_regularizer="l2")
    dense(keras.Input((4,)))
    config = keras.saving.serialize_keras_object(dense)
    assert (config["module"], config["class_name"], config["registered_name"]) == (
        "keras.layers",
        "Dense",
        None,
    )
    assert config["build_config"] == {"input_shape": [None, 4]}
    assert config["config"]["kernel_initializer"]["class_name"] == "GlorotUniform"
    assert config["config"]["kernel_regularizer"]["module"] == "keras.regularizers"
    serialize = keras.saving.serialize_keras_object
    assert serialize(keras.optimizers.Adam())["module"] == "keras.optimizers"
    assert serialize(keras.losses.MeanSquaredError())["module"] == "keras.losses"
    assert serialize(keras.metrics.AUC())["module"] == "keras.metrics"
    assert serialize(keras.optimizers.schedules.ExponentialDecay(0.1, 10, 0.9))["module"] == (
        "keras.optimizers.schedules"
    )
    assert serialize(keras.activations.relu) == {
        "module": "keras.activations",
        "class_name": "function",
        "config": "relu",
        "registered_name": "relu",
    }
    assert serialize(keras.losses.mean_squared_error)["config"] == "mean_squared_error"
    inputs = keras.Input((2,))
    functional = keras.Model(inputs, layers.Dense(1)(inputs))
    assert (serialize(functional)["module"], serialize(functional)["registered_name"]) == (
        "keras.src.models.functional",
        "Functional",
    )  # what Keras 3 writes (it resolves it)


def test_builtin_round_trips_and_json():
    objects = [
        layers.Dense(3, activation="tanh"),
        layers.BatchNormalization(momentum=0.9),
        keras.optimizers.RMSprop(0.01, momentum=0.5),
        keras.losses.Huber(delta=2.0),
        keras.metrics.Precision(thresholds=0.3),
        keras.initializers.Orthogonal(gain=2.0),
    ]
    for obj in objects:
        config = json.loads(json.dumps(keras.saving.serialize_keras_object(obj)))
        clone = keras.saving.deserialize_keras_object(config)
        assert type(clone) is type(obj)
        assert clone.get_config() == obj.get_config()


@pytest.mark.parametrize(
    "module", [None, "keras.src.losses.losses", "tapeflow.keras.losses", "keras.losses"]
)
def test_module_paths_map_to_builtin_namespaces(module):
    config = {
        "module": module,
        "class_name": "MeanSquaredError",
        "config": {},
        "registered_name": None,
    }
    if module is None:  # ambiguous without a module: a loss and a metric share the name
        with pytest.raises(TypeError, match="Could not locate"):
            keras.saving.deserialize_keras_object(config)
    else:
        assert type(keras.saving.deserialize_keras_object(config)) is keras.losses.MeanSquaredError
    metric = {**config, "module": "keras.src.metrics.regression_metrics"}
    assert type(keras.saving.deserialize_keras_object(metric)) is keras.metrics.MeanSquaredError


def test_tagged_values_round_trip():
    values = {
        "array": np.arange(6, dtype=np.int32).reshape(2, 3),
        "tensor": tf.constant([1.5]),
        "bytes": b"abc",
        "scalar": np.float32(2.5),
        "nested": [1, (2, 3), {"k": None}],
    }
    config = json.loads(json.dumps(keras.saving.serialize_keras_object(values)))
    restored = keras.saving.deserialize_keras_object(config)
    np.testing.assert_array_equal(restored["array"], values["array"])
    assert restored["array"].dtype == np.int32
    np.testing.assert_array_equal(np.asarray(restored["tensor"]), [1.5])
    assert restored["bytes"] == b"abc" and restored["scalar"] == 2.5
    assert restored["nested"] == [1, [2, 3], {"k": None}]
    with pytest.raises(ValueError, match="numeric"):
        keras.saving.deserialize_keras_object(
            {"class_name": "__numpy__", "config": {"value": [1], "dtype": "object"}}
        )


# -- user objects ----------------------------------------------------------------------------
class Scale(keras.layers.Layer):
    def __init__(self, factor=2.0, **kwargs):
        super().__init__(**kwargs)
        self.factor = factor

    def call(self, x):
        return x * self.factor

    def get_config(self):
        return {**super().get_config(), "factor": self.factor}


def test_unregistered_classes_need_custom_objects():
    config = keras.saving.serialize_keras_object(Scale(3.0))
    assert (config["module"], config["class_name"], config["registered_name"]) == (
        __name__,
        "Scale",
        "Scale",
    )
    with pytest.raises(TypeError, match="Could not locate class 'Scale'.*custom_objects"):
        keras.saving.deserialize_keras_object(config)
    assert keras.saving.deserialize_keras_object(config, {"Scale": Scale}).factor == 3.0
    with keras.saving.custom_object_scope({"Scale": Scale}):
        with keras.saving.CustomObjectScope({"Other": Scale}):  # scopes nest
            assert keras.saving.deserialize_keras_object(config).factor == 3.0
    with pytest.raises(TypeError):
        keras.saving.deserialize_keras_object(config)  # the scope is gone


def test_register_keras_serializable(clean_registry, tmp_path):
    @keras.saving.register_keras_serializable(package="tests")
    class Shift(keras.layers.Layer):
        def __init__(self, offset, **kwargs):
            super().__init__(**kwargs)
            self.offset = offset

        def call(self, x):
            return x + self.offset

        def get_config(self):
            return {**super().get_config(), "offset": self.offset}

    @keras.saving.register_keras_serializable(package="tests", name="halve")
    def half_relu(x):
        return tf.nn.relu(x) * 0.5

    assert keras.saving.get_registered_name(Shift) == "tests>Shift"
    assert keras.utils.get_registered_name is keras.saving.get_registered_name  # Keras's alias
    assert keras.saving.get_registered_object("tests>halve") is half_relu
    assert keras.saving.get_custom_objects()["tests>Shift"] is Shift
    model = keras.Sequential([keras.Input((2,)), Shift(1.0), layers.Dense(2, activation=half_relu)])
    model.compile(optimizer="sgd", loss=half_relu)
    path = str(tmp_path / "m.keras")
    model.save(path)
    restored = keras.models.load_model(path)  # no custom_objects needed
    assert type(restored.layers[0]) is Shift and restored.layers[1].activation is half_relu
    assert restored.loss is half_relu
    x = np.array([[1.0, -3.0]], np.float32)
    np.testing.assert_array_equal(restored.predict(x, verbose=0), model.predict(x, verbose=0))


def test_register_refuses_classes_without_get_config_and_bad_packages():
    class Plain:
        pass

    with pytest.raises(ValueError, match="get_config"):
        keras.saving.register_keras_serializable()(Plain)
    with pytest.raises(ValueError, match="package"):
        keras.saving.register_keras_serializable(package="a>b")


def test_custom_objects_reach_nested_builtin_deserializers():
    def my_init(shape, dtype=None):
        return tf.ones(shape, dtype=dtype)

    config = keras.saving.serialize_keras_object(layers.Dense(2, kernel_initializer=my_init))
    assert config["config"]["kernel_initializer"]["config"] == "my_init"
    with keras.saving.custom_object_scope({"my_init": my_init}):
        dense = keras.saving.deserialize_keras_object(config)
    assert dense.kernel_initializer is my_init


def test_subclass_auto_config_follows_keras_3():
    class Block(keras.layers.Layer):  # no get_config: the __init__ arguments are the config
        def __init__(self, units, rate=0.5, **kwargs):
            super().__init__(**kwargs)
            self.units, self.rate = units, rate

    block = Block(4, name="b")
    assert block.get_config() == {
        "name": "b",
        "trainable": True,
        "dtype": "float32",
        "units": 4,
        "rate": 0.5,
    }
    assert Block.from_config(block.get_config()).units == 4

    class Pair(keras.layers.Layer):
        def __init__(self, sizes):  # no **kwargs: the base entries are left out
            super().__init__()
            self.sizes = sizes

    assert Pair([1, 2]).get_config() == {"sizes": [1, 2]}
    with pytest.raises(NotImplementedError, match="must override get_config"):
        Pair(np.array([1, 2])).get_config()


# -- layers.serialize / deserialize / get --------------------------------------------------
def test_layers_serialize_deserialize_get():
    dense = layers.Dense(3, name="d")
    config = layers.serialize(dense)
    clone = layers.deserialize(config)
    assert type(clone) is layers.Dense and clone.name == "d" and clone is not dense
    assert layers.get(dense) is dense and layers.get(None) is None
    assert type(layers.get(config)) is layers.Dense
    legacy = {"class_name": "Dropout", "config": {"rate": 0.2}}  # no module: bare class names
    assert layers.deserialize(legacy).rate == 0.2
    with pytest.raises(ValueError, match="Could not interpret serialized layer"):
        layers.deserialize(keras.saving.serialize_keras_object(keras.optimizers.SGD()))
    with pytest.raises(ValueError, match="layer identifier"):
        layers.get(3)


def test_sequential_config_round_trip():
    model = keras.Sequential(
        [keras.Input((3,)), layers.Dense(4), layers.Dropout(0.1)], name="stack"
    )
    config = model.get_config()
    assert config["build_input_shape"] == [None, 3]
    assert [c["class_name"] for c in config["layers"]] == ["InputLayer", "Dense", "Dropout"]
    clone = keras.Sequential.from_config(json.loads(json.dumps(config)))
    assert clone.built and [type(x) for x in clone.layers] == [layers.Dense, layers.Dropout]
    with pytest.raises(ValueError, match="list of 'layers'"):
        keras.Sequential.from_config({"name": "x"})


# -- functional graphs ---------------------------------------------------------------------
def test_functional_layer_order_and_config_match_keras_3():
    """The same graphs built with Keras 3.15 give these layer orders and node configs."""
    a, b = keras.Input((3,), name="a"), keras.Input((2,), name="b")
    y = layers.Dense(2, name="y")(layers.Dense(4, name="x")(a))
    model = keras.Model([a, b], layers.Concatenate(name="z")([y, b]))
    assert [layer.name for layer in model.layers] == ["a", "x", "y", "b", "z"]

    c, d = keras.Input((2,), name="c"), keras.Input((2,), name="d")  # d is unused
    shared = layers.Dense(2, name="s")
    model = keras.Model([c, d], shared(layers.Dense(2, name="t")(shared(c))))
    assert [layer.name for layer in model.layers] == ["c", "s", "t", "d"]
    config = json.loads(json.dumps(model.get_config()))

    def history(name, index):
        return {
            "args": [
                {
                    "class_name": "__keras_tensor__",
                    "config": {
                        "shape": [None, 2],
                        "dtype": "float32",
                        "keras_history": [name, index, 0],
                    },
                }
            ],
            "kwargs": {},
        }

    assert config["layers"][1]["inbound_nodes"] == [history("c", 0), history("t", 0)]
    assert config["layers"][0]["inbound_nodes"] == []
    assert config["input_layers"] == [["c", 0, 0], ["d", 0, 0]]
    assert config["output_layers"] == ["s", 1, 0]
    clone = keras.Model.from_config(config)
    assert [layer.name for layer in clone.layers] == ["c", "s", "t", "d"]
    assert len(clone.get_layer("s")._inbound_nodes) == 2
    x = np.ones((1, 2), np.float32)
    clone.set_weights(model.get_weights())
    np.testing.assert_array_equal(
        clone.predict([x, x], verbose=0), model.predict([x, x], verbose=0)
    )


def test_functional_dict_outputs_and_call_keyword_arguments():
    inputs = keras.Input((3,), name="in")
    dropped = layers.Dropout(0.5)(inputs, training=True)
    model = keras.Model(inputs, {"out": layers.Dense(1, name="out")(dropped)})
    config = model.get_config()
    assert config["output_layers"] == {"out": ["out", 0, 0]}
    assert config["layers"][1]["inbound_nodes"][0]["kwargs"] == {"training": True}
    clone = keras.Model.from_config(json.loads(json.dumps(config)))
    assert list(clone.output) == ["out"]
    assert clone.get_layer("dropout")._inbound_nodes[0].call_kwargs == {"training": True}


def test_functional_node_indices_count_only_this_models_calls():
    shared = layers.Dense(2, name="shared")
    first = keras.Input((2,), name="first")
    shared(first)  # a call outside the model below
    second = keras.Input((2,), name="second")
    model = keras.Model(second, shared(second))
    config = model.get_config()
    assert config["output_layers"] == ["shared", 0, 0]
    assert config["layers"][1]["inbound_nodes"][0]["args"][0]["config"]["keras_history"] == [
        "second",
        0,
        0,
    ]


# -- Keras-only options --------------------------------------------------------------------
def test_keras_only_options_at_their_off_value_are_accepted():
    dense = keras.saving.deserialize_keras_object(
        {
            "module": "keras.layers",
            "class_name": "Dense",
            "registered_name": None,
            "config": {
                "units": 2,
                "quantization_config": None,
                "kernel_initializer": {
                    "module": "keras.initializers",
                    "class_name": "GlorotUniform",
                    "registered_name": None,
                    "config": {"seed": None, "input_axes": None, "output_axes": None},
                },
            },
        }
    )
    assert dense.units == 2
    norm = layers.deserialize(
        {
            "module": "keras.layers",
            "class_name": "BatchNormalization",
            "config": {"renorm": False, "renorm_momentum": 0.5},
        }
    )
    assert type(norm) is layers.BatchNormalization
    with pytest.raises(ValueError, match=r"InputLayer\(ragged=True\)"):
        layers.deserialize(
            {
                "module": "keras.layers",
                "class_name": "InputLayer",
                "config": {"batch_shape": [None, 2], "ragged": True},
            }
        )


def test_safe_mode_is_scoped():
    assert serialization_lib.in_safe_mode() is None
    seen = []

    class Probe(keras.layers.Layer):
        @classmethod
        def from_config(cls, config):
            seen.append(serialization_lib.in_safe_mode())
            return cls(**config)

    config = keras.saving.serialize_keras_object(Probe())
    keras.saving.deserialize_keras_object(config, {"Probe": Probe})
    keras.saving.deserialize_keras_object(config, {"Probe": Probe}, safe_mode=False)
    assert seen == [True, False] and serialization_lib.in_safe_mode() is None
