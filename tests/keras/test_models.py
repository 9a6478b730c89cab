"""Sequential, Functional and subclassed models: building, structure, calling, summary."""

import numpy as np
import pytest

import tapeflow as tf
from keras_helpers import Concat, Dense
from tapeflow import keras


@pytest.fixture(autouse=True)
def fresh_names():
    keras.backend.clear_session()


def summary_text(model) -> str:
    lines = []
    model.summary(print_fn=lines.append)
    return "\n".join(lines)


def test_sequential_unbuilt_then_built_listing_7_3():
    model = keras.Sequential([Dense(64, activation="relu"), Dense(10, activation="softmax")])
    with pytest.raises(ValueError, match="Weights for model sequential have not yet been "
                                         "created"):
        _ = model.weights
    with pytest.raises(ValueError, match="not yet been built"):
        model.summary()
    model.build(input_shape=(None, 3))
    assert [(w.name, tuple(w.shape)) for w in model.weights] == [
        ("dense/kernel:0", (3, 64)), ("dense/bias:0", (64,)),
        ("dense_1/kernel:0", (64, 10)), ("dense_1/bias:0", (10,))]


def test_sequential_summary_listing_7_5():
    model = keras.Sequential(name="my_example_model")
    model.add(Dense(64, activation="relu", name="my_first_layer"))
    model.add(Dense(10, activation="softmax", name="my_last_layer"))
    model.build((None, 3))
    text = summary_text(model)
    assert text.startswith('Model: "my_example_model"')
    rows = [line for line in text.splitlines() if line.startswith("│")]
    assert [row.split("│")[1:4] for row in rows] == [
        [" my_first_layer (Dense)          ", " (None, 64)             ", "           256 "],
        [" my_last_layer (Dense)           ", " (None, 10)             ", "           650 "]]
    assert " Total params: 906 (3.54 KB)" in text
    assert " Trainable params: 906 (3.54 KB)" in text
    assert " Non-trainable params: 0 (0.00 B)" in text


def test_sequential_with_input_builds_on_each_add_listing_7_6():
    model = keras.Sequential()
    model.add(keras.Input(shape=(3,)))
    model.add(Dense(64, activation="relu"))
    assert "Total params: 256" in summary_text(model)
    model.add(Dense(10, activation="softmax"))
    text = summary_text(model)
    assert "Total params: 906" in text and "InputLayer" not in text
    assert model.layers[0].output.shape == (None, 64)  # one node despite the rebuild


def test_sequential_builds_on_first_call_with_any_batch_size():
    model = keras.Sequential([Dense(4), Dense(2)])
    out = model(np.ones((5, 3)))
    assert out.shape == (5, 2) and out.dtype == tf.float32
    assert model.output_shape == (None, 2)
    assert model(np.ones((7, 3))).shape == (7, 2)
    with pytest.raises(ValueError):
        model(np.ones((7, 4)))


def test_sequential_pop_and_duplicate_names():
    model = keras.Sequential([Dense(4, name="a"), Dense(2, name="b")])
    with pytest.raises(ValueError, match="unique names"):
        model.add(Dense(1, name="a"))
    assert model.pop().name == "b" and [layer.name for layer in model.layers] == ["a"]
    with pytest.raises(TypeError, match="must be an instance of class Layer"):
        model.add("dense")


def test_functional_single_input_summary_and_call():
    inputs = keras.Input(shape=(3,), name="my_input")
    features = Dense(64, activation="relu")(inputs)
    outputs = Dense(10, activation="softmax")(features)
    model = keras.Model(inputs=inputs, outputs=outputs)
    assert features.shape == (None, 64)
    assert model.name == "functional"
    assert [type(layer).__name__ for layer in model.layers] == ["InputLayer", "Dense", "Dense"]
    text = summary_text(model)
    assert "my_input (InputLayer)" in text and "(None, 3)" in text
    assert "Total params: 906" in text and "Connected to" not in text
    probs = model(np.random.default_rng(0).random((4, 3)))
    np.testing.assert_allclose(np.asarray(tf.reduce_sum(probs, axis=-1)), np.ones(4), rtol=1e-6)


def ticket_model():
    vocabulary_size, num_tags, num_departments = 50, 7, 4
    title = keras.Input(shape=(vocabulary_size,), name="title")
    text_body = keras.Input(shape=(vocabulary_size,), name="text_body")
    tags = keras.Input(shape=(num_tags,), name="tags")
    features = Concat()([title, text_body, tags])
    features = Dense(16, activation="relu")(features)
    priority = Dense(1, activation="sigmoid", name="priority")(features)
    department = Dense(num_departments, activation="softmax", name="department")(features)
    return keras.Model(inputs=[title, text_body, tags], outputs=[priority, department])


def ticket_data(n=20):
    rng = np.random.default_rng(0)
    inputs = [rng.integers(0, 2, (n, 50)), rng.integers(0, 2, (n, 50)),
              rng.integers(0, 2, (n, 7))]
    targets = [rng.random((n, 1)), np.eye(4)[rng.integers(0, 4, n)]]
    return inputs, targets


def test_multi_input_multi_output_structure_section_7_2_2():
    model = ticket_model()
    assert [type(layer).__name__ for layer in model.layers] == [
        "InputLayer", "InputLayer", "InputLayer", "Concat", "Dense", "Dense", "Dense"]
    concat = model.layers[3]
    assert [t.shape for t in concat.input] == [(None, 50), (None, 50), (None, 7)]
    assert concat.output.shape == (None, 107)
    assert model.input_names == ["title", "text_body", "tags"]
    assert model.output_names == ["priority", "department"]
    text = summary_text(model)
    assert "Connected to" in text and "title[0][0]" in text


def test_multi_input_model_takes_lists_or_dicts_keyed_by_input_name():
    model = ticket_model()
    inputs, _ = ticket_data(5)
    priority, department = model(inputs)
    by_name = dict(zip(["title", "text_body", "tags"], inputs, strict=True))
    priority2, department2 = model(by_name)
    np.testing.assert_array_equal(np.asarray(priority), np.asarray(priority2))
    assert department.shape == (5, 4)
    with pytest.raises(ValueError, match="missing data for inputs"):
        model({"title": inputs[0]})
    with pytest.raises(ValueError, match="expects 3 input"):
        model(inputs[:2])


def test_feature_extraction_model_shares_weights_section_7_2_2_e():
    model = ticket_model()
    features = model.layers[4].output
    difficulty = Dense(3, activation="softmax", name="difficulty")(features)
    new_model = keras.Model(inputs=model.inputs,
                            outputs=[*model.outputs, difficulty])
    assert new_model.layers[4] is model.layers[4]
    inputs, _ = ticket_data(3)
    np.testing.assert_allclose(np.asarray(new_model(inputs)[0]), np.asarray(model(inputs)[0]))


def test_dict_outputs_and_graph_errors():
    a = keras.Input(shape=(2,), name="a")
    model = keras.Model(a, {"scores": Dense(2, name="out")(a)})
    assert set(model(np.ones((1, 2)))) == {"scores"} and model.output_names == ["scores"]
    other = keras.Input(shape=(2,))
    with pytest.raises(ValueError, match="Graph disconnected"):
        keras.Model(a, Dense(1)(Concat()([a, other])))
    with pytest.raises(ValueError, match="keras.Input"):
        keras.Model(np.ones(2), Dense(1)(a))


def test_subclassed_model_section_7_2_3():
    class CustomerTicketModel(keras.Model):
        def __init__(self, num_departments):
            super().__init__()
            self.concat_layer = Concat()
            self.mixing_layer = Dense(64, activation="relu")
            self.priority_scorer = Dense(1, activation="sigmoid")
            self.department_classifier = Dense(num_departments, activation="softmax")

        def call(self, inputs):
            features = self.concat_layer([inputs["title"], inputs["text_body"], inputs["tags"]])
            features = self.mixing_layer(features)
            return self.priority_scorer(features), self.department_classifier(features)

    model = CustomerTicketModel(num_departments=4)
    inputs, _ = ticket_data(6)
    priority, department = model(dict(zip(["title", "text_body", "tags"], inputs,
                                           strict=True)))
    assert priority.shape == (6, 1) and department.shape == (6, 4)
    assert len(model.layers) == 4 and len(model.weights) == 6
    text = summary_text(model)
    assert "(None, 64)" not in text and "Total params: 7,237" in text


def test_mixing_styles_section_7_2_4():
    class Classifier(keras.Model):
        def __init__(self, num_classes=2):
            super().__init__()
            units, activation = (1, "sigmoid") if num_classes == 2 else (num_classes, "softmax")
            self.dense = Dense(units, activation=activation)

        def call(self, inputs):
            return self.dense(inputs)

    inputs = keras.Input(shape=(3,))
    features = Dense(64, activation="relu")(inputs)
    outputs = Classifier(num_classes=10)(features)
    model = keras.Model(inputs=inputs, outputs=outputs)
    assert outputs.shape == (None, 10) and model(np.ones((2, 3))).shape == (2, 10)

    inner_inputs = keras.Input(shape=(64,))
    binary_classifier = keras.Model(inputs=inner_inputs,
                                    outputs=Dense(1, activation="sigmoid")(inner_inputs))

    class MyModel(keras.Model):
        def __init__(self, num_classes=2):
            super().__init__()
            self.dense = Dense(64, activation="relu")
            self.classifier = binary_classifier

        def call(self, inputs):
            return self.classifier(self.dense(inputs))

    model = MyModel()
    assert model(np.ones((2, 5))).shape == (2, 1)
    assert len(model.trainable_weights) == 4


def test_subclass_with_functional_constructor_keeps_its_methods_section_7_4_5():
    class CustomModel(keras.Model):
        def marker(self):
            return "custom"

    inputs = keras.Input(shape=(4,))
    model = CustomModel(inputs, Dense(2)(inputs))
    assert isinstance(model, CustomModel) and isinstance(model, keras.Model)
    assert model.marker() == "custom" and model(np.ones((3, 4))).shape == (3, 2)
    assert type(model).__name__ == "CustomModel"


def test_get_layer_by_name_and_index():
    model = ticket_model()
    assert model.get_layer("priority").name == "priority"
    assert model.get_layer(index=0).name == "title"
    with pytest.raises(ValueError, match="No such layer: nope"):
        model.get_layer("nope")


def test_model_call_under_tape_gives_gradients_for_every_weight():
    model = ticket_model()
    inputs, _ = ticket_data(4)
    with tf.GradientTape() as tape:
        priority, department = model(inputs)
        loss = tf.reduce_sum(priority) + tf.reduce_sum(department * department)
    grads = tape.gradient(loss, model.trainable_weights)
    assert all(g is not None for g in grads) and len(grads) == 6


def test_subclassed_model_build_with_input_shape():
    class Tiny(keras.Model):
        def __init__(self):
            super().__init__()
            self.dense = Dense(3)

        def call(self, inputs):
            return self.dense(inputs)

    model = Tiny()
    model.build((None, 5))
    assert [tuple(w.shape) for w in model.weights] == [(5, 3), (3,)]
