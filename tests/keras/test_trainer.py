"""compile / fit / evaluate / predict and the overridable steps, with golden values worked
out by hand and accuracy reached on real data (scikit-learn's bundled digits)."""

import math

import numpy as np
import pytest
from sklearn.datasets import load_digits

import tapeflow as tf
from keras_helpers import Dense
from tapeflow import keras
from tapeflow.keras.trainers.data_adapter import ArrayData


@pytest.fixture(autouse=True)
def fresh_names():
    keras.backend.clear_session()
    np.random.seed(0)  # noqa: NPY002  (fit shuffles with the global generator, as Keras)
    tf.random.set_seed(0)


@pytest.fixture(scope="module")
def digits():
    data = load_digits()
    x = (data.data / 16.0).astype("float64")  # float64 on purpose: fit casts to float32
    y = data.target.astype("uint8")
    return x[:1500], y[:1500], x[1500:], y[1500:]


def mlp(classes=10, hidden=64):
    return keras.Sequential([Dense(hidden, activation="relu"),
                             Dense(classes, activation="softmax")])


def test_fit_evaluate_predict_on_digits(digits):
    x, y, x_test, y_test = digits
    model = mlp()
    model.compile(optimizer="rmsprop", loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    history = model.fit(x, y, epochs=20, batch_size=32, verbose=0)
    assert list(history.history) == ["loss", "accuracy"]
    assert all(isinstance(v, float) for v in history.history["loss"])
    assert history.history["loss"][-1] < history.history["loss"][0]
    test_loss, test_acc = model.evaluate(x_test, y_test, verbose=0)
    assert test_acc > 0.9 and test_loss < 0.4
    predictions = model.predict(x_test, batch_size=128, verbose=0)
    assert predictions.shape == (len(x_test), 10) and predictions.dtype == np.float32
    assert np.mean(predictions.argmax(axis=1) == y_test) == pytest.approx(test_acc)


def test_evaluate_returns_scalar_without_metrics_and_dict_on_request(digits):
    x, y, _, _ = digits
    model = mlp()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    loss = model.evaluate(x[:50], y[:50], verbose=0)
    assert isinstance(loss, float)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["acc"])
    logs = model.evaluate(x[:50], y[:50], verbose=0, return_dict=True)
    assert list(logs) == ["loss", "acc"] and logs["loss"] == pytest.approx(loss, rel=1e-6)


def test_fit_before_compile_raises():
    with pytest.raises(RuntimeError, match="compile"):
        mlp().fit(np.ones((2, 3)), np.zeros(2))


class FixedModel(keras.Model):
    """Predicts x[:, :1] unchanged (no weights), so losses can be worked out by hand."""

    def call(self, inputs):
        return inputs[:, :1]


def test_epoch_loss_is_the_sample_weighted_mean_over_uneven_batches():
    # 5 samples in batches of 2, 2, 1; MSE per sample = (x - y)^2.
    x = np.array([[1.0], [2.0], [3.0], [4.0], [5.0]], np.float32)
    y = np.zeros(5, np.float32)
    model = FixedModel()
    model.compile(optimizer="sgd", loss="mse")
    history = model.fit(x, y, batch_size=2, epochs=1, shuffle=False, verbose=0)
    # batch means 2.5, 12.5, 25 weighted by 2, 2, 1 -> (1+4+9+16+25)/5 = 11
    assert history.history["loss"] == [pytest.approx(11.0)]


def test_labels_of_shape_n_against_outputs_n_by_1_do_not_broadcast():
    x = np.array([[1.0], [2.0], [3.0]], np.float32)
    y = np.array([1.0, 1.0, 1.0], np.float32)
    model = FixedModel()
    model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
    loss, mae = model.evaluate(x, y, verbose=0)
    assert loss == pytest.approx((0 + 1 + 4) / 3) and mae == pytest.approx(1.0)


def test_steps_per_epoch_is_ceil_and_validation_split_takes_the_last_samples():
    seen = []

    class Recorder(FixedModel):
        def train_step(self, data):
            seen.append(np.asarray(data[0])[:, 0].copy())
            return super().train_step(data)

    x = np.arange(10, dtype=np.float32).reshape(10, 1)
    model = Recorder()
    model.compile(optimizer="sgd", loss="mse")
    history = model.fit(x, np.zeros(10), batch_size=3, epochs=2, validation_split=0.2,
                        verbose=0)
    assert len(seen) == 2 * math.ceil(8 / 3)
    trained = np.sort(np.concatenate(seen[:3]))
    np.testing.assert_array_equal(trained, np.arange(8))  # samples 8 and 9 held out
    assert history.history["val_loss"][0] == pytest.approx((64 + 81) / 2)
    assert not np.array_equal(np.concatenate(seen[:3]), np.concatenate(seen[3:]))  # reshuffled


def test_validation_split_rejects_empty_parts_and_generators():
    data = ArrayData(np.zeros((3, 1)), np.zeros(3))
    with pytest.raises(ValueError, match="leaves no samples"):
        data.split(0.9)
    model = FixedModel()
    model.compile(optimizer="sgd", loss="mse")
    with pytest.raises(ValueError, match="only supported for NumPy"):
        model.fit(iter([(np.ones((1, 1)), np.ones(1))]), validation_split=0.5, verbose=0)


def test_mismatched_sample_counts_raise():
    model = FixedModel()
    model.compile(optimizer="sgd", loss="mse")
    with pytest.raises(ValueError, match="Data cardinality is ambiguous"):
        model.fit(np.zeros((4, 1)), np.zeros(3), verbose=0)


def test_sample_weight_and_class_weight():
    x = np.array([[1.0], [3.0]], np.float32)
    y = np.array([0.0, 0.0], np.float32)
    model = FixedModel()
    model.compile(optimizer="sgd", loss="mse")
    history = model.fit(x, y, sample_weight=np.array([1.0, 0.0]), shuffle=False, verbose=0)
    assert history.history["loss"] == [pytest.approx(0.5)]  # (1*1 + 0*9) / 2
    labels = np.array([0, 1])
    history = model.fit(x, labels.astype(np.float32), class_weight={0: 0.0, 1: 1.0},
                        shuffle=False, verbose=0)
    assert history.history["loss"] == [pytest.approx(4.0 / 2)]  # only sample 2: (3-1)^2


def test_regularization_losses_count_in_loss_and_val_loss():
    class Reg(keras.layers.Layer):
        def build(self, shape):
            self.w = self.add_weight(shape=(1,), initializer="ones",
                                     regularizer=keras.regularizers.l2(0.5))

        def call(self, x):
            return x * 0.0 + tf.stop_gradient(self.w) * 0.0

    model = keras.Sequential([Reg()])
    model.compile(optimizer=keras.optimizers.SGD(0.0), loss="mse")
    x, y = np.zeros((4, 1), np.float32), np.zeros((4, 1), np.float32)
    history = model.fit(x, y, validation_data=(x, y), verbose=0)
    assert history.history["loss"] == [pytest.approx(0.5)]
    assert history.history["val_loss"] == [pytest.approx(0.5)]


def test_multi_output_losses_metrics_and_logs_section_7_2_2():
    from test_models import ticket_data, ticket_model

    model = ticket_model()
    inputs, targets = ticket_data(40)
    model.compile(optimizer="rmsprop",
                  loss=["mean_squared_error", "categorical_crossentropy"],
                  metrics=[["mean_absolute_error"], ["accuracy"]])
    history = model.fit(inputs, targets, epochs=1, verbose=0)
    assert list(history.history) == ["loss", "priority_loss", "department_loss",
                                     "priority_mean_absolute_error", "department_accuracy"]
    h = history.history
    assert h["loss"][0] == pytest.approx(h["priority_loss"][0] + h["department_loss"][0],
                                         rel=1e-5)
    results = model.evaluate(inputs, targets, verbose=0)
    assert len(results) == 5
    priority_preds, department_preds = model.predict(inputs, verbose=0)
    assert priority_preds.shape == (40, 1) and department_preds.shape == (40, 4)

    model.compile(optimizer="rmsprop",
                  loss={"priority": "mean_squared_error",
                        "department": "categorical_crossentropy"},
                  metrics={"priority": ["mean_absolute_error"], "department": ["accuracy"]},
                  loss_weights={"priority": 2.0, "department": 0.0})
    by_name = dict(zip(["title", "text_body", "tags"], inputs, strict=True))
    logs = model.evaluate(by_name, {"priority": targets[0], "department": targets[1]},
                          verbose=0, return_dict=True)
    assert logs["loss"] == pytest.approx(logs["priority_loss"], rel=1e-5)
    assert logs["department_loss"] == 0.0


def test_accuracy_resolution_by_shapes():
    from tapeflow.keras.trainers.compile_utils import _kind

    assert _kind(np.zeros((8, 1)), np.zeros((8, 1))) == "binary"
    assert _kind(np.zeros(8), np.zeros((8, 3))) == "sparse"
    assert _kind(np.zeros((8, 1)), np.zeros((8, 3))) == "sparse"
    assert _kind(np.zeros((8, 3)), np.zeros((8, 3))) == "categorical"


def test_custom_train_step_with_metrics_property_section_7_4_5(digits):
    x, y, _, _ = digits
    loss_fn = keras.losses.SparseCategoricalCrossentropy()
    loss_tracker = keras.metrics.Mean(name="loss")

    class CustomModel(keras.Model):
        def train_step(self, data):
            inputs, targets = data
            with tf.GradientTape() as tape:
                predictions = self(inputs, training=True)
                loss = loss_fn(targets, predictions)
            gradients = tape.gradient(loss, self.trainable_weights)
            self.optimizer.apply_gradients(zip(gradients, self.trainable_weights, strict=True))
            loss_tracker.update_state(loss)
            return {"loss": loss_tracker.result()}

        @property
        def metrics(self):
            return [loss_tracker]

    inputs = keras.Input(shape=(64,))
    features = Dense(32, activation="relu")(inputs)
    outputs = Dense(10, activation="softmax")(features)
    model = CustomModel(inputs, outputs)
    model.compile(optimizer=keras.optimizers.RMSprop())
    history = model.fit(x, y, epochs=3, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]


def test_custom_train_step_with_compiled_loss_and_metrics_keras_2_api(digits):
    x, y, _, _ = digits

    class CustomModel(keras.Model):
        def train_step(self, data):
            inputs, targets = data
            with tf.GradientTape() as tape:
                predictions = self(inputs, training=True)
                loss = self.compiled_loss(targets, predictions)
            gradients = tape.gradient(loss, self.trainable_weights)
            self.optimizer.apply_gradients(zip(gradients, self.trainable_weights, strict=True))
            self.compiled_metrics.update_state(targets, predictions)
            return {m.name: m.result() for m in self.metrics}

    inputs = keras.Input(shape=(64,))
    outputs = Dense(10, activation="softmax")(Dense(32, activation="relu")(inputs))
    model = CustomModel(inputs, outputs)
    model.compile(optimizer=keras.optimizers.RMSprop(),
                  loss=keras.losses.SparseCategoricalCrossentropy(),
                  metrics=[keras.metrics.SparseCategoricalAccuracy()])
    history = model.fit(x, y, epochs=3, verbose=0)
    assert list(history.history) == ["loss", "sparse_categorical_accuracy"]
    assert history.history["sparse_categorical_accuracy"][-1] > 0.8


def test_compile_without_loss_needs_a_custom_step():
    model = FixedModel()
    model.compile(optimizer="rmsprop")
    with pytest.raises(ValueError, match="No loss to compute"):
        model.fit(np.ones((2, 1)), np.ones(2), verbose=0)


def test_fit_on_a_generator_with_steps_per_epoch(digits):
    x, y, _, _ = digits

    def batches():
        while True:
            for start in range(0, 320, 32):
                yield x[start:start + 32], y[start:start + 32]

    model = mlp()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    history = model.fit(batches(), steps_per_epoch=10, epochs=2, verbose=0)
    assert len(history.history["loss"]) == 2
    assert model.predict(x[:10], verbose=0).shape == (10, 10)


def test_single_batch_methods(digits):
    x, y, _, _ = digits
    model = mlp()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    loss, acc = model.train_on_batch(x[:32], y[:32])
    assert loss > 0 and 0 <= acc <= 1
    logs = model.test_on_batch(x[:32], y[:32], return_dict=True)
    assert set(logs) == {"loss", "accuracy"}
    assert model.predict_on_batch(x[:4]).shape == (4, 10)


def test_training_flag_reaches_layers_in_fit_but_not_in_predict():
    flags = []

    class Probe(keras.layers.Layer):
        def call(self, x, training=None):
            flags.append(training)
            return x

    model = keras.Sequential([Probe(), Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    model.fit(np.ones((2, 1)), np.ones(2), verbose=0)
    model.evaluate(np.ones((2, 1)), np.ones(2), verbose=0)
    model.predict(np.ones((2, 1)), verbose=0)
    model(np.ones((2, 1)))
    assert flags[-4:] == [True, False, False, None]


def test_tf_function_decorated_custom_loop():
    model = mlp(classes=3, hidden=8)
    optimizer = keras.optimizers.SGD(0.1)
    x = np.random.default_rng(0).random((16, 4)).astype(np.float32)
    y = (x.sum(axis=1) > 2).astype(np.int32)
    loss_fn = keras.losses.SparseCategoricalCrossentropy()

    @tf.function
    def train_step(inputs, targets):
        with tf.GradientTape() as tape:
            loss = loss_fn(targets, model(inputs, training=True))
        grads = tape.gradient(loss, model.trainable_weights)
        optimizer.apply_gradients(zip(grads, model.trainable_weights, strict=True))
        return loss

    losses = [float(train_step(x, y)) for _ in range(30)]
    assert losses[-1] < losses[0]
