"""model.save / keras.models.load_model / save_weights / load_weights: round trips of the three
kinds of models, the H5 layout Keras 3 uses, compile and optimizer state (training resumes
exactly), path rules, the book's suffix-less checkpoint path, atomic writes."""

import io
import os
import zipfile

import h5py
import numpy as np
import pytest

import tapeflow as tf
from tapeflow import keras
from tapeflow.keras import layers


@pytest.fixture(autouse=True)
def fresh_names():
    keras.backend.clear_session()


def data(n=12, features=4, outputs=2, seed=0):
    rng = np.random.default_rng(seed)
    return rng.random((n, features), dtype=np.float32), rng.random((n, outputs), dtype=np.float32)


def sequential(dropout=True):
    stack = [keras.Input((4,)), layers.Dense(5, activation="relu")]
    stack += [layers.Dropout(0.3)] if dropout else []
    stack += [layers.BatchNormalization(), layers.Dense(2)]
    return keras.Sequential(stack)


def h5_tree(source) -> dict:
    """{path: shape} of every dataset and {path: attrs} of every group of an H5 file."""
    tree = {}

    def visit(name, node):
        if isinstance(node, h5py.Dataset):
            tree[name] = node.shape
        else:
            tree[name] = dict(node.attrs)

    with h5py.File(source, "r") as handle:
        handle.visititems(visit)
    return tree


def weights_tree(path) -> dict:
    with zipfile.ZipFile(path) as archive:
        return h5_tree(io.BytesIO(archive.read("model.weights.h5")))


def assert_same_weights(a, b):
    assert len(a.weights) == len(b.weights)
    for va, vb in zip(a.weights, b.weights, strict=True):
        np.testing.assert_array_equal(va.numpy(), vb.numpy(), err_msg=va.name)


# -- the archive and its layout --------------------------------------------------------------
def test_sequential_archive_members_and_keras_h5_layout(tmp_path):
    model = sequential()
    model.compile(optimizer="adam", loss="mse")
    x, y = data()
    model.fit(x, y, batch_size=4, verbose=0)
    path = str(tmp_path / "m.keras")
    model.save(path)
    with zipfile.ZipFile(path) as archive:
        assert archive.namelist() == ["metadata.json", "config.json", "model.weights.h5"]
    tree = weights_tree(path)
    # Paths use snake_case CLASS names made unique, never layer names; variables are keyed
    # "0", "1", ... trainable first (BatchNormalization: gamma, beta | mean, variance).
    assert {k: v for k, v in tree.items() if "/vars/" in k} == {
        "layers/dense/vars/0": (4, 5),
        "layers/dense/vars/1": (5,),
        "layers/batch_normalization/vars/0": (5,),
        "layers/batch_normalization/vars/1": (5,),
        "layers/batch_normalization/vars/2": (5,),
        "layers/batch_normalization/vars/3": (5,),
        "layers/dense_1/vars/0": (5, 2),
        "layers/dense_1/vars/1": (2,),
        # iterations, learning rate, then Adam's slots interleaved: m0 v0 m1 v1 ...
        "optimizer/vars/0": (),
        "optimizer/vars/1": (),
        **{
            f"optimizer/vars/{i}": s
            for i, s in enumerate(
                [(4, 5), (4, 5), (5,), (5,), (5,), (5,), (5,), (5,), (5, 2), (5, 2), (2,), (2,)],
                start=2,
            )
        },
    }
    assert tree["layers/dropout/vars"] == {"name": "dropout"}  # an empty group, named
    assert tree["layers/dense_1/vars"] == {"name": "dense_1"}
    assert tree["vars"] == {"name": "sequential"} and tree["optimizer/vars"] == {"name": "adam"}


def test_names_come_from_classes_not_from_layer_names(tmp_path):
    inputs = keras.Input((3,), name="features")
    hidden = layers.Dense(4, name="hidden")(inputs)
    outputs = layers.Dense(1, name="score")(hidden)
    path = str(tmp_path / "m.keras")
    keras.Model(inputs, outputs).save(path)
    tree = weights_tree(path)
    assert tree["layers/input_layer/vars"] == {"name": "features"}
    assert tree["layers/dense/vars"] == {"name": "hidden"}
    assert tree["layers/dense_1/vars"] == {"name": "score"}


def test_config_json_is_keras_3_shaped(tmp_path):
    model = sequential()
    model.compile(optimizer=keras.optimizers.RMSprop(0.01), loss="mse", metrics=["mae"])
    path = str(tmp_path / "m.keras")
    model.save(path)
    import json

    with zipfile.ZipFile(path) as archive:
        config = json.loads(archive.read("config.json"))
        metadata = json.loads(archive.read("metadata.json"))
    assert set(metadata) == {"keras_version", "date_saved"}
    assert (config["module"], config["class_name"], config["registered_name"]) == (
        "keras",
        "Sequential",
        None,
    )
    first, dense = config["config"]["layers"][:2]
    assert (first["class_name"], dense["module"], dense["class_name"]) == (
        "InputLayer",
        "keras.layers",
        "Dense",
    )
    assert dense["build_config"] == {"input_shape": [None, 4]}
    assert config["build_config"] == {"input_shape": [None, 4]}
    compiled = config["compile_config"]
    assert compiled["optimizer"]["class_name"] == "RMSprop"
    assert compiled["optimizer"]["config"]["learning_rate"] == pytest.approx(0.01)
    assert (compiled["loss"], compiled["metrics"]) == ("mse", ["mae"])


# -- round trips ---------------------------------------------------------------------------
def test_sequential_round_trip_keeps_predictions_compile_and_optimizer_state(tmp_path):
    model = sequential()
    model.compile(optimizer="adam", loss="mse", metrics=["mae"])
    x, y = data()
    model.fit(x, y, batch_size=4, epochs=2, verbose=0)
    path = tmp_path / "m.keras"
    model.save(path)  # a pathlib.Path works too
    restored = keras.models.load_model(path)
    assert type(restored) is keras.Sequential and restored.name == model.name
    assert [layer.name for layer in restored.layers] == [layer.name for layer in model.layers]
    assert_same_weights(model, restored)
    np.testing.assert_array_equal(restored.predict(x, verbose=0), model.predict(x, verbose=0))
    assert isinstance(restored.optimizer, keras.optimizers.Adam)
    assert int(restored.optimizer.iterations) == 6
    for a, b in zip(model.optimizer.variables, restored.optimizer.variables, strict=True):
        np.testing.assert_array_equal(a.numpy(), b.numpy())
    assert restored.evaluate(x, y, verbose=0) == pytest.approx(model.evaluate(x, y, verbose=0))


@pytest.mark.parametrize(
    "optimizer", ["adam", "rmsprop", "sgd", "nadam", "adamax", "adadelta", "adagrad"]
)
def test_training_resumes_exactly_after_a_round_trip(tmp_path, optimizer):
    opt = keras.optimizers.SGD(0.1, momentum=0.9) if optimizer == "sgd" else optimizer
    model = sequential(dropout=False)
    model.compile(optimizer=opt, loss="mse")
    x, y = data()
    model.fit(x, y, batch_size=4, epochs=1, shuffle=False, verbose=0)
    path = str(tmp_path / "m.keras")
    model.save(path)
    restored = keras.models.load_model(path)
    # The same further training on the original and on the restored model.
    model.fit(x, y, batch_size=4, epochs=2, shuffle=False, verbose=0)
    restored.fit(x, y, batch_size=4, epochs=2, shuffle=False, verbose=0)
    assert int(restored.optimizer.iterations) == int(model.optimizer.iterations) == 9
    assert_same_weights(model, restored)


def test_load_model_without_compile(tmp_path):
    model = sequential()
    model.compile(optimizer="adam", loss="mse")
    path = str(tmp_path / "m.keras")
    model.save(path)
    restored = keras.models.load_model(path, compile=False)
    assert restored.optimizer is None
    with pytest.raises(RuntimeError, match="compile"):
        restored.fit(*data(), verbose=0)


def test_functional_round_trip_multi_input_multi_output_shared_layer(tmp_path):
    title = keras.Input((5,), name="title")
    body = keras.Input((5,), name="body")
    shared = layers.Dense(4, activation="relu", name="shared")
    features = layers.concatenate([shared(title), shared(body)])
    priority = layers.Dense(1, activation="sigmoid", name="priority")(features)
    department = layers.Dense(3, activation="softmax", name="department")(features)
    model = keras.Model([title, body], {"priority": priority, "department": department})
    model.compile(
        optimizer="rmsprop",
        loss={"priority": "binary_crossentropy", "department": "categorical_crossentropy"},
        metrics={"department": ["accuracy"]},
    )
    rng = np.random.default_rng(1)
    x = [rng.random((8, 5), dtype=np.float32), rng.random((8, 5), dtype=np.float32)]
    y = {
        "priority": rng.random((8, 1), dtype=np.float32),
        "department": np.eye(3, dtype=np.float32)[rng.integers(0, 3, 8)],
    }
    model.fit(x, y, batch_size=4, verbose=0)
    path = str(tmp_path / "m.keras")
    model.save(path)
    restored = keras.models.load_model(path)
    assert [layer.name for layer in restored.layers] == [layer.name for layer in model.layers]
    assert len(restored.get_layer("shared")._inbound_nodes) == 2  # still shared
    expected, got = model.predict(x, verbose=0), restored.predict(x, verbose=0)
    for key in ("priority", "department"):
        np.testing.assert_array_equal(got[key], expected[key])
    assert restored.evaluate(x, y, verbose=0) == pytest.approx(model.evaluate(x, y, verbose=0))


def test_nested_models_round_trip(tmp_path):
    inner = keras.Sequential([keras.Input((3,)), layers.Dense(4)], name="inner")
    inputs = keras.Input((3,))
    block_in = keras.Input((4,))
    block = keras.Model(block_in, layers.Dense(2)(block_in), name="block")
    outputs = block(inner(inputs))
    model = keras.Model(inputs, outputs)
    path = str(tmp_path / "m.keras")
    model.save(path)
    restored = keras.models.load_model(path)
    x = np.random.default_rng(2).random((5, 3), dtype=np.float32)
    np.testing.assert_array_equal(restored.predict(x, verbose=0), model.predict(x, verbose=0))
    tree = weights_tree(path)
    assert tree["layers/sequential/layers/dense/vars/0"] == (3, 4)
    assert tree["layers/functional/layers/dense/vars/0"] == (4, 2)


class Residual(keras.layers.Layer):
    """A custom layer with sub-layers, its own weight and an explicit get_config."""

    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.inner = layers.Dense(units)
        self.blocks = [layers.Dense(units), layers.Dense(units)]

    def build(self, input_shape):
        self.gate = self.add_weight(shape=(self.units,), initializer="ones", name="gate")

    def call(self, x):
        y = self.inner(x)
        return y + self.gate * self.blocks[1](self.blocks[0](y))

    def get_config(self):
        return {**super().get_config(), "units": self.units}


class TicketModel(keras.Model):
    """The book's subclassed model style: no get_config, plain __init__ arguments."""

    def __init__(self, num_departments):
        super().__init__()
        self.residual = Residual(4)
        self.classifier = layers.Dense(num_departments, activation="softmax")

    def call(self, inputs):
        return self.classifier(self.residual(inputs))


def test_subclassed_model_round_trip_with_custom_objects(tmp_path):
    model = TicketModel(3)
    model.compile(optimizer="adam", loss="categorical_crossentropy")
    x = np.random.default_rng(3).random((6, 4), dtype=np.float32)
    y = np.eye(3, dtype=np.float32)[[0, 1, 2, 0, 1, 2]]
    model.fit(x, y, verbose=0)
    # Keras 3 auto config: the __init__ arguments, base entries __init__ does not take dropped.
    assert model.get_config() == {"num_departments": 3}
    path = str(tmp_path / "m.keras")
    model.save(path)
    tree = weights_tree(path)
    # Attribute names extend the path, lists name their items by class. As in Keras 3 (checked
    # against it), a model's `layers` sorts between "classifier" and "residual", so the
    # residual block is saved under layers/.
    assert tree["classifier/vars/0"] == (4, 3) and tree["layers/residual/vars/0"] == (4,)
    assert tree["layers/residual/blocks/dense_1/vars/0"] == (4, 4)
    assert tree["layers/residual/inner/vars/1"] == (4,)
    with pytest.raises(TypeError, match="Could not locate class 'TicketModel'"):
        keras.models.load_model(path)
    restored = keras.models.load_model(
        path, custom_objects={"TicketModel": TicketModel, "Residual": Residual}
    )
    assert type(restored) is TicketModel
    np.testing.assert_array_equal(restored.predict(x, verbose=0), model.predict(x, verbose=0))
    assert int(restored.optimizer.iterations) == 1


def test_subclassed_layer_without_get_config_and_object_arguments_cannot_be_saved(tmp_path):
    class Scale(keras.layers.Layer):
        def __init__(self, factor):
            super().__init__()
            self.factor = factor

        def call(self, x):
            return x * self.factor

    model = keras.Sequential([keras.Input((2,)), Scale(np.float32(2.0))])
    with pytest.raises(NotImplementedError, match="must override get_config"):
        model.save(str(tmp_path / "m.keras"))
    assert not os.path.exists(tmp_path / "m.keras")


def test_functional_subclass_built_from_inputs_and_outputs(tmp_path):
    class CustomModel(keras.Model):
        def train_step(self, data):
            return super().train_step(data)

    inputs = keras.Input((3,))
    model = CustomModel(inputs, layers.Dense(2)(inputs))
    model.compile(optimizer="sgd", loss="mse")
    path = str(tmp_path / "m.keras")
    model.save(path)
    restored = keras.models.load_model(path, custom_objects={"CustomModel": CustomModel})
    assert isinstance(restored, CustomModel) and isinstance(restored, keras.models.Functional)
    x = np.ones((2, 3), np.float32)
    np.testing.assert_array_equal(restored.predict(x, verbose=0), model.predict(x, verbose=0))


# -- weights only ----------------------------------------------------------------------------
def test_save_weights_and_load_weights(tmp_path):
    model = sequential()
    model.compile(optimizer="adam", loss="mse")
    model.fit(*data(), verbose=0)
    path = str(tmp_path / "w.weights.h5")
    model.save_weights(path)
    assert h5_tree(path)["layers/dense/vars/0"] == (4, 5)
    other = sequential()
    other.compile(optimizer="adam", loss="mse")
    other.load_weights(path)
    assert_same_weights(model, other)
    assert int(other.optimizer.iterations) == 1  # the optimizer state came along
    # A .keras file works as a source of weights too.
    model.save(str(tmp_path / "m.keras"))
    third = sequential()
    third.load_weights(str(tmp_path / "m.keras"))
    assert_same_weights(model, third)


@pytest.mark.parametrize("name", ["w.h5", "w.keras", "weights", "w.weights"])
def test_save_weights_requires_the_weights_h5_suffix(tmp_path, name):
    with pytest.raises(ValueError, match=r"must end in `\.weights\.h5`"):
        sequential().save_weights(str(tmp_path / name))


def test_load_weights_is_all_or_nothing_unless_skip_mismatch(tmp_path):
    source = keras.Sequential([keras.Input((4,)), layers.Dense(5), layers.Dense(3)])
    path = str(tmp_path / "w.weights.h5")
    source.save_weights(path)
    target = keras.Sequential([keras.Input((4,)), layers.Dense(5), layers.Dense(2)])
    before = [w.numpy().copy() for w in target.weights]
    with pytest.raises(ValueError, match=r"at layers/dense_1: .*shape \(5, 2\).*\(5, 3\)"):
        target.load_weights(path)
    for weight, value in zip(target.weights, before, strict=True):
        np.testing.assert_array_equal(weight.numpy(), value)  # the first Dense too
    with pytest.warns(UserWarning, match="could not be loaded"):
        target.load_weights(path, skip_mismatch=True)
    np.testing.assert_array_equal(target.weights[0].numpy(), source.weights[0].numpy())


def test_unbuilt_models(tmp_path):
    model = keras.Sequential([layers.Dense(2)])
    with pytest.raises(ValueError, match="not yet been built"):
        model.save_weights(str(tmp_path / "w.weights.h5"))
    with pytest.raises(ValueError, match="not yet been built"):
        model.load_weights(str(tmp_path / "w.weights.h5"))
    with pytest.warns(UserWarning, match="not yet been built"):
        model.save(str(tmp_path / "m.keras"))
    restored = keras.models.load_model(str(tmp_path / "m.keras"))
    assert not restored.built
    restored.build((None, 3))
    assert restored(np.ones((1, 3), np.float32)).shape == (1, 2)


# -- paths ---------------------------------------------------------------------------------
def test_book_section_7_3_2_suffixless_path_is_a_keras_zip(tmp_path, monkeypatch):
    """model.save('my_checkpoint_path') and ModelCheckpoint(filepath='my_checkpoint_path')
    run unchanged (a deliberate Keras 2 compatibility deviation: Keras 3 wants `.keras`)."""
    monkeypatch.chdir(tmp_path)
    model = sequential()
    model.compile(optimizer="rmsprop", loss="mse", metrics=["mae"])
    x, y = data()
    checkpoint = keras.callbacks.ModelCheckpoint(
        filepath="my_checkpoint_path", monitor="val_loss", save_best_only=True
    )
    model.fit(x, y, epochs=2, validation_data=(x, y), callbacks=[checkpoint], verbose=0)
    assert zipfile.is_zipfile("my_checkpoint_path")
    restored = keras.models.load_model("my_checkpoint_path")
    assert isinstance(restored, keras.Sequential) and restored.optimizer is not None
    model.save("my_checkpoint_path")
    restored = keras.models.load_model("my_checkpoint_path")
    np.testing.assert_array_equal(restored.predict(x, verbose=0), model.predict(x, verbose=0))


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("m.h5", "legacy HDF5"),
        ("m.hdf5", "legacy HDF5"),
        ("m.tf", "Invalid filepath extension"),
        ("m.weights.h5", "legacy HDF5"),
    ],
)
def test_save_rejects_other_suffixes(tmp_path, name, message):
    with pytest.raises(ValueError, match=message):
        sequential().save(str(tmp_path / name))


def test_load_model_path_errors(tmp_path):
    with pytest.raises(ValueError, match="File not found"):
        keras.models.load_model(str(tmp_path / "missing.keras"))
    os.mkdir(tmp_path / "saved_model")
    with pytest.raises(ValueError, match="is a directory"):
        keras.models.load_model(str(tmp_path / "saved_model"))
    with pytest.raises(ValueError, match="is an existing directory"):
        sequential().save(str(tmp_path / "saved_model"))
    model = sequential()
    model.save_weights(str(tmp_path / "w.weights.h5"))
    with pytest.raises(ValueError, match="weights only"):
        keras.models.load_model(str(tmp_path / "w.weights.h5"))
    (tmp_path / "notes.txt").write_text("hello")
    with pytest.raises(ValueError, match="not supported"):
        keras.models.load_model(str(tmp_path / "notes.txt"))


def test_file_objects(tmp_path):
    model = sequential()
    buffer = io.BytesIO()
    model.save(buffer)
    buffer.seek(0)
    restored = keras.saving.load_model(buffer)
    assert_same_weights(model, restored)


def test_save_model_and_to_json_aliases(tmp_path):
    model = sequential()
    keras.saving.save_model(model, str(tmp_path / "a.keras"))
    keras.models.save_model(model, str(tmp_path / "b.keras"))
    assert_same_weights(
        keras.models.load_model(str(tmp_path / "a.keras")),
        keras.saving.load_model(str(tmp_path / "b.keras")),
    )
    clone = keras.models.model_from_json(model.to_json())
    assert [type(layer) for layer in clone.layers] == [type(layer) for layer in model.layers]
    assert clone.layers[0].weights[0] is not model.layers[0].weights[0]


# -- atomic writes ---------------------------------------------------------------------------
def test_a_failed_save_leaves_the_previous_file_and_no_temporary(tmp_path, monkeypatch):
    model = sequential()
    path = tmp_path / "m.keras"
    model.save(str(path))
    before = path.read_bytes()

    def fail(*args, **kwargs):
        raise OSError("disk full")

    from tapeflow.keras.saving import archive

    monkeypatch.setattr(archive.os, "fsync", fail)
    with pytest.raises(OSError, match="disk full"):
        sequential().save(str(path))
    assert path.read_bytes() == before
    assert sorted(os.listdir(tmp_path)) == ["m.keras"]


def test_overwrite_false_keeps_the_file_when_the_answer_is_no(tmp_path, monkeypatch):
    path = tmp_path / "m.keras"
    sequential().save(str(path))
    before = path.read_bytes()
    monkeypatch.setattr("builtins.input", lambda prompt: "n")
    sequential().save(str(path), overwrite=False)
    assert path.read_bytes() == before
    monkeypatch.setattr("builtins.input", lambda prompt: "y")
    sequential().save(str(path), overwrite=False)
    assert path.read_bytes() != before


def test_saved_file_has_ordinary_permissions(tmp_path):
    path = tmp_path / "m.keras"
    sequential().save(str(path))
    umask = os.umask(0)
    os.umask(umask)
    assert os.stat(path).st_mode & 0o777 == 0o666 & ~umask


def test_variables_are_float32_tensors_after_loading(tmp_path):
    model = sequential()
    model.save(str(tmp_path / "m.keras"))
    restored = keras.models.load_model(str(tmp_path / "m.keras"))
    assert all(w.dtype == tf.float32 for w in restored.weights)
