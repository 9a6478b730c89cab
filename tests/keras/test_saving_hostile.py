"""Hostile or broken model files: each raises a clear ValueError or TypeError (never a crash,
never code execution, never a huge allocation). The guards answer Keras's loader CVEs:
Lambda bytecode, arbitrary module imports, zip bombs and traversal, HDF5 external links,
external/virtual datasets and shape bombs."""

import io
import json
import sys
import warnings
import zipfile

import h5py
import numpy as np
import pytest

import tapeflow as tf
from tapeflow import keras
from tapeflow.keras import layers
from tapeflow.keras.saving import archive, h5_store


@pytest.fixture(autouse=True)
def fresh_names():
    keras.backend.clear_session()


def saved_members() -> dict:
    """The members of a small saved model: {name: bytes}."""
    model = keras.Sequential([keras.Input((3,)), layers.Dense(2)])
    buffer = io.BytesIO()
    model.save(buffer)
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as source:
        return {name: source.read(name) for name in source.namelist()}


def zip_of(members, compression=zipfile.ZIP_STORED) -> io.BytesIO:
    """A zip of (name, bytes) pairs (a dict or a list, which may repeat a name)."""
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about duplicate names
        with zipfile.ZipFile(buffer, "w", compression=compression) as target:
            for name, data in members.items() if isinstance(members, dict) else members:
                target.writestr(name, data)
    buffer.seek(0)
    return buffer


def with_config(config) -> io.BytesIO:
    members = saved_members()
    members["config.json"] = json.dumps(config).encode()
    return zip_of(members)


def with_weights(build) -> io.BytesIO:
    """The small model's archive whose weights file is made by build(h5py.File)."""
    members = saved_members()
    buffer = io.BytesIO()
    with h5py.File(buffer, "w") as handle:
        build(handle)
    members["model.weights.h5"] = buffer.getvalue()
    return zip_of(members)


def dense_config(**overrides):
    config = json.loads(saved_members()["config.json"])
    config["config"]["layers"][1].update(overrides)
    return config


# -- the zip ---------------------------------------------------------------------------------
def test_not_a_zip(tmp_path):
    path = tmp_path / "m.keras"
    path.write_bytes(b"this is not a zip file at all")
    with pytest.raises(ValueError, match=r"not a valid \.keras \(zip\) file"):
        keras.models.load_model(str(path))


@pytest.mark.parametrize(
    "name", ["../evil.py", "assets/../../evil", "/etc/passwd", "C:evil", "assets\\..\\evil"]
)
def test_member_paths_that_escape_are_refused(name):
    members = saved_members()
    members[name] = b"x"
    with pytest.raises(ValueError, match="unsafe member path"):
        keras.models.load_model(zip_of(members))


def test_a_member_twice_is_refused():
    members = list(saved_members().items())
    members.append(("config.json", b'{"class_name": "Sequential", "config": {"layers": []}}'))
    with pytest.raises(ValueError, match="appears twice"):
        keras.models.load_model(zip_of(members))


@pytest.mark.parametrize("missing", ["config.json", "model.weights.h5"])
def test_a_missing_member(missing):
    members = saved_members()
    del members[missing]
    with pytest.raises(ValueError, match=f"has no {missing}"):
        keras.models.load_model(zip_of(members))


def test_an_oversized_member_is_refused_before_it_is_read(monkeypatch):
    monkeypatch.setattr(archive, "MAX_JSON_BYTES", 100)
    with pytest.raises(ValueError, match=r"config\.json is \d+ bytes, more than the 100"):
        keras.models.load_model(zip_of(saved_members()))


def test_a_zip_bomb_is_refused(monkeypatch):
    monkeypatch.setattr(archive, "BOMB_FLOOR_BYTES", 1 << 10)
    members = saved_members()
    members["model.weights.h5"] = bytes(1 << 20)  # 1 MiB of zeros deflates ~1000x
    with pytest.raises(ValueError, match="zip bomb"):
        keras.models.load_model(zip_of(members, zipfile.ZIP_DEFLATED))


def test_too_many_members(monkeypatch):
    monkeypatch.setattr(archive, "MAX_MEMBERS", 5)
    members = saved_members()
    members.update({f"assets/{i}": b"" for i in range(5)})
    with pytest.raises(ValueError, match="8 members"):
        keras.models.load_model(zip_of(members))


# -- config.json -----------------------------------------------------------------------------
@pytest.mark.parametrize("text", [b"{not json", b"\xff\xfe", b"[" * 100_000 + b"]" * 100_000])
def test_config_that_is_not_json(text):
    members = saved_members()
    members["config.json"] = text
    with pytest.raises(ValueError, match="config.json is not valid JSON"):
        keras.models.load_model(zip_of(members))


@pytest.mark.parametrize("config", [[1, 2], "Sequential", {"config": {}}, None])
def test_config_that_is_not_a_model(config):
    with pytest.raises(ValueError, match="does not describe a model"):
        keras.models.load_model(with_config(config))


@pytest.mark.parametrize(
    ("module", "name", "outside_keras"),
    [
        ("os", "system", True),
        ("subprocess", "Popen", True),
        ("builtins", "eval", True),
        ("__main__", "Anything", True),
        ("keras.models", "load_model", False),
        ("keras.utils", "get_file", False),
        ("keras.config", "enable_unsafe_deserialization", False),
        ("tapeflow.keras.saving", "save_model", False),
    ],
)
def test_only_registered_or_builtin_classes_are_instantiated(module, name, outside_keras):
    config = {"module": module, "class_name": name, "config": {}, "registered_name": None}
    with pytest.raises(TypeError, match=f"Could not locate class '{name}'") as caught:
        keras.models.load_model(with_config(config))
    assert ("never imported" in str(caught.value)) == outside_keras


def test_a_function_from_an_unknown_module_is_refused():
    config = dense_config()
    config["config"]["layers"][1]["config"]["activation"] = {
        "module": "os",
        "class_name": "function",
        "config": "system",
        "registered_name": "system",
    }
    with pytest.raises((TypeError, ValueError), match="system"):
        keras.models.load_model(with_config(config))


def test_marshalled_lambda_bytecode_is_always_refused():
    config = json.loads(saved_members()["config.json"])
    config["config"]["layers"].append(
        {
            "module": "keras.layers",
            "class_name": "Lambda",
            "registered_name": None,
            "config": {
                "name": "evil",
                "function": {
                    "class_name": "__lambda__",
                    "config": {"value": ["4wEAAAAAAAAA", None]},
                },
            },
        }
    )
    for safe_mode in (True, False):
        with pytest.raises(ValueError, match="lambda"):
            keras.models.load_model(with_config(config), safe_mode=safe_mode)
    bare = {"class_name": "__lambda__", "config": {"value": "x"}}
    with pytest.raises(ValueError, match="never loads code"):
        keras.saving.deserialize_keras_object(bare, safe_mode=False)


def double(x):
    return x * 2.0


def test_lambda_layers_need_safe_mode_false_or_custom_objects(tmp_path):
    model = keras.Sequential([keras.Input((3,)), layers.Lambda(double), layers.Dense(2)])
    path = str(tmp_path / "m.keras")
    model.save(path)
    with pytest.raises(ValueError, match="safe_mode=False"):
        keras.models.load_model(path)
    x = np.ones((2, 3), np.float32)
    unsafe = keras.models.load_model(path, safe_mode=False)  # found in this imported module
    np.testing.assert_allclose(unsafe.predict(x, verbose=0), model.predict(x, verbose=0))
    trusted = keras.models.load_model(path, custom_objects={"double": double})
    assert trusted.layers[0].function is double
    assert sys.modules[__name__].double is double


def test_a_lambda_naming_os_system_is_refused_in_safe_mode():
    config = json.loads(saved_members()["config.json"])
    config["config"]["layers"].insert(
        1,
        {
            "module": "keras.layers",
            "class_name": "Lambda",
            "registered_name": None,
            "config": {
                "name": "evil",
                "function": {
                    "module": "os",
                    "class_name": "function",
                    "config": "system",
                    "registered_name": "system",
                },
            },
        },
    )
    with pytest.raises(ValueError, match="refusing to look up the function 'system'"):
        keras.models.load_model(with_config(config))


@pytest.mark.parametrize(
    "nodes",
    [
        [
            {
                "args": [
                    {
                        "class_name": "__keras_tensor__",
                        "config": {
                            "shape": [None, 3],
                            "dtype": "float32",
                            "keras_history": ["nowhere", 0, 0],
                        },
                    }
                ],
                "kwargs": {},
            }
        ],
        [
            {
                "args": [
                    {
                        "class_name": "__keras_tensor__",
                        "config": {
                            "shape": [None, 3],
                            "dtype": "float32",
                            "keras_history": ["dense", 0, 0],
                        },
                    }
                ],
                "kwargs": {},
            }
        ],  # a loop
        [
            {
                "args": [
                    {
                        "class_name": "__keras_tensor__",
                        "config": {
                            "shape": [None, 3],
                            "dtype": "float32",
                            "keras_history": ["input", "zero", 0],
                        },
                    }
                ],
                "kwargs": {},
            }
        ],
        "not a list",
    ],
)
def test_malformed_functional_graphs(nodes):
    inputs = keras.Input((3,), name="input")
    model = keras.Model(inputs, layers.Dense(2, name="dense")(inputs))
    config = json.loads(model.to_json())
    config["config"]["layers"][1]["inbound_nodes"] = nodes
    with pytest.raises(ValueError, match="functional model config"):
        keras.models.load_model(with_config(config))


def test_keras_only_options_that_are_on_are_refused():
    config = dense_config()
    config["config"]["layers"][1]["config"]["quantization_config"] = {"mode": "int8"}
    with pytest.raises(ValueError, match="quantization_config.*does not implement"):
        keras.models.load_model(with_config(config))


def test_a_huge_layer_in_a_config_raises_instead_of_allocating():
    config = dense_config()
    config["config"]["layers"][1]["config"]["units"] = 10**15
    with pytest.raises(tf.errors.ResourceExhaustedError, match="elements"):
        keras.models.load_model(with_config(config))


# -- model.weights.h5 ------------------------------------------------------------------------
@pytest.mark.parametrize("data", [b"", b"\x89HDF\r\n\x1a\n" + bytes(100), b"garbage" * 50])
def test_weights_that_are_not_hdf5(data):
    members = saved_members()
    members["model.weights.h5"] = data
    with pytest.raises(ValueError, match="not a readable HDF5 file"):
        keras.models.load_model(zip_of(members))


def test_truncated_and_bit_flipped_weights_raise_value_errors():
    members = saved_members()
    weights = members["model.weights.h5"]
    rng = np.random.default_rng(0)
    outcomes = set()
    for trial in range(60):
        damaged = bytearray(weights[: len(weights) // 2] if trial == 0 else weights)
        for _ in range(rng.integers(1, 12)):
            damaged[rng.integers(0, len(damaged))] = int(rng.integers(0, 256))
        members["model.weights.h5"] = bytes(damaged)
        try:
            keras.models.load_model(zip_of(members))
            outcomes.add("loaded")  # a flipped bit inside the numbers themselves
        except ValueError:
            outcomes.add("ValueError")
    assert "ValueError" in outcomes


def dense_weights(handle, kernel=None):
    vars_group = handle.create_group("layers/dense/vars")
    vars_group["0"] = np.zeros((3, 2), np.float32) if kernel is None else kernel
    vars_group["1"] = np.zeros((2,), np.float32)
    handle.create_group("vars")


def test_an_external_link_is_refused(tmp_path):
    other = tmp_path / "other.h5"
    with h5py.File(other, "w") as handle:
        dense_weights(handle)

    def build(handle):
        handle["layers"] = h5py.ExternalLink(str(other), "/layers")

    with pytest.raises(ValueError, match="ExternalLink"):
        keras.models.load_model(with_weights(build))


def test_a_soft_link_is_refused():
    def build(handle):
        dense_weights(handle)
        handle.move("layers/dense/vars", "real")
        handle["layers/dense/vars"] = h5py.SoftLink("/real")

    with pytest.raises(ValueError, match="SoftLink"):
        keras.models.load_model(with_weights(build))


def test_an_external_dataset_is_refused(tmp_path):
    secret = tmp_path / "secret.bin"
    secret.write_bytes(np.arange(6, dtype=np.float32).tobytes())

    def build(handle):
        dense_weights(handle)
        del handle["layers/dense/vars/0"]
        handle["layers/dense/vars"].create_dataset(
            "0", shape=(3, 2), dtype=np.float32, external=[(str(secret), 0, 24)]
        )

    with pytest.raises(ValueError, match="external dataset"):
        keras.models.load_model(with_weights(build))


def test_a_virtual_dataset_is_refused():
    def build(handle):
        dense_weights(handle)
        del handle["layers/dense/vars/0"]
        layout = h5py.VirtualLayout(shape=(3, 2), dtype=np.float32)
        layout[:] = h5py.VirtualSource("other.h5", "data", shape=(3, 2))
        handle["layers/dense/vars"].create_virtual_dataset("0", layout, fillvalue=0)

    with pytest.raises(ValueError, match="virtual dataset"):
        keras.models.load_model(with_weights(build))


def test_a_shape_bomb_is_refused_before_reading():
    def build(handle):
        dense_weights(handle)
        del handle["layers/dense/vars/0"]
        # 16 GiB declared, nothing stored: chunked, only the fill value.
        handle["layers/dense/vars"].create_dataset(
            "0", shape=(1 << 16, 1 << 16), dtype=np.float32, chunks=(256, 256)
        )

    with pytest.raises(ValueError, match="shape\\) bomb"):
        keras.models.load_model(with_weights(build))


@pytest.mark.parametrize("value", [np.array([b"ab", b"cd"]), np.zeros((3, 2), complex)])
def test_non_numeric_datasets_are_refused(value):
    with pytest.raises(ValueError, match="expected a numeric one"):
        keras.models.load_model(with_weights(lambda h: dense_weights(h, value)))


def test_wrong_shapes_and_counts():
    with pytest.raises(ValueError, match=r"shape \(3, 2\).*\(4, 2\)"):
        keras.models.load_model(
            with_weights(lambda h: dense_weights(h, np.zeros((4, 2), np.float32)))
        )

    def extra(handle):
        dense_weights(handle)
        handle["layers/dense/vars/2"] = np.zeros(2, np.float32)

    with pytest.raises(ValueError, match="expected 2 variables.*holds 3"):
        keras.models.load_model(with_weights(extra))


def test_a_dataset_where_a_group_belongs():
    def build(handle):
        handle["layers"] = np.zeros(3, np.float32)

    with pytest.raises(ValueError, match="expected a group"):
        keras.models.load_model(with_weights(build))


def test_the_store_refuses_unknown_keys():
    buffer = io.BytesIO()
    with h5py.File(buffer, "w") as handle:
        dense_weights(handle)
    with h5_store.WeightsFile(buffer, "r") as weights:
        store = weights.get("layers/dense")
        assert sorted(store.keys()) == ["0", "1"] and len(weights.get("missing")) == 0
        with pytest.raises(KeyError, match="no variable '7'"):
            store["7"]
