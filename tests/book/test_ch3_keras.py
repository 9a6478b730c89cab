"""Chapter 3's Keras code as written (imports changed): the SimpleDense layer (§3.6.1), models
of layers that infer their input shapes, the compile variants of §3.6.3, and the linear
classifier of listings 3.13-3.15 trained with fit (listings 3.22, 3.23), evaluate and predict
(§3.6.6, §3.6.7).

The tape-level code of chapter 3 (listings 3.1-3.21) is in test_ch2_3_tape.py; the points of
listings 3.13-3.15 are examples/ch3_linear_classifier.py's own.
"""

import numpy as np
import pytest

import book_data
import tapeflow as tf
from ch3_linear_classifier import two_classes_of_points
from tapeflow import keras
from tapeflow.keras import layers, models


class SimpleDense(keras.layers.Layer):

    def __init__(self, units, activation=None):
        super(SimpleDense, self).__init__()
        self.units = units
        self.activation = activation

    def build(self, input_shape):
        input_dim = input_shape[-1]
        self.W = self.add_weight(shape=(input_dim, self.units),
                                 initializer='random_normal')
        self.b = self.add_weight(shape=(self.units,),
                                 initializer='zeros')

    def call(self, inputs):
        y = tf.matmul(inputs, self.W) + self.b
        if self.activation is not None:
            y = self.activation(y)
        return y


def test_section_3_6_1_simple_dense_builds_on_its_first_call():
    keras.utils.set_random_seed(0)
    my_dense = SimpleDense(units=32, activation=tf.nn.relu)
    assert not my_dense.built and my_dense.weights == []
    input_tensor = tf.ones(shape=(2, 784))
    output_tensor = my_dense(input_tensor)
    print(output_tensor.shape)
    assert output_tensor.shape == (2, 32)
    assert my_dense.built
    assert [w.shape for w in my_dense.weights] == [(784, 32), (32,)]
    assert my_dense.trainable_weights == my_dense.weights
    # 'random_normal' is Keras's N(0, 0.05); 'zeros' is zeros; relu output is never negative
    assert 0.04 < float(np.std(my_dense.W.numpy())) < 0.06
    np.testing.assert_array_equal(my_dense.b.numpy(), np.zeros(32))
    assert float(tf.reduce_min(output_tensor)) >= 0.0
    expected = np.maximum(np.ones((2, 784)) @ my_dense.W.numpy(), 0.0)
    np.testing.assert_allclose(output_tensor.numpy(), expected, rtol=1e-5, atol=1e-5)


def test_section_3_6_1_layers_infer_their_input_shapes():
    layer = layers.Dense(32, activation='relu')
    model = models.Sequential([
        layers.Dense(32, activation='relu'),
        layers.Dense(32)
    ])
    assert layer.units == 32 and not layer.built
    outputs = model(np.ones((4, 7), dtype='float32'))
    assert outputs.shape == (4, 32)
    assert [w.shape for w in model.weights] == [(7, 32), (32,), (32, 32), (32,)]

    # The book only builds this one: its string activations are not callables in SimpleDense
    # (errata X3), so calling it would raise, as it does in TensorFlow.
    model = keras.Sequential([
        SimpleDense(32, activation='relu'),
        SimpleDense(64, activation='relu'),
        SimpleDense(32, activation='relu'),
        SimpleDense(10, activation='softmax')
    ])
    assert len(model.layers) == 4
    with pytest.raises(TypeError):
        model(np.ones((2, 5), dtype='float32'))


def test_section_3_6_1_sequential_of_simple_dense_trains_on_digits():
    keras.utils.set_random_seed(0)
    (train_images, train_labels), (test_images, test_labels) = book_data.stand_in("mnist")
    train_images = train_images.reshape((1540, 28 * 28)).astype('float32') / 255
    test_images = test_images.reshape((257, 28 * 28)).astype('float32') / 255
    model = keras.Sequential([
        SimpleDense(32, activation=tf.nn.relu),
        SimpleDense(64, activation=tf.nn.relu),
        SimpleDense(32, activation=tf.nn.relu),
        SimpleDense(10, activation=tf.nn.softmax)
    ])
    # Four narrow layers from N(0, 0.05) weights start slowly: Adam with a larger step.
    model.compile(optimizer=keras.optimizers.Adam(3e-3),
                  loss='sparse_categorical_crossentropy',
                  metrics=['accuracy'])
    model.fit(train_images, train_labels, epochs=10, batch_size=64, verbose=0)
    assert [w.shape for w in model.weights][:2] == [(784, 32), (32,)]
    test_loss, test_acc = model.evaluate(test_images, test_labels, verbose=0)
    assert test_acc > 0.82  # 0.89-0.91 over seeds 0-3


# -- §3.5.4: the two classes of points; §3.6.3-§3.6.7: a linear classifier trained with fit --


def my_custom_loss(y_true, y_pred):
    return tf.reduce_mean(tf.square(y_true - y_pred), axis=-1)


def my_custom_metric_1(y_true, y_pred):
    return tf.reduce_mean(tf.abs(y_true - y_pred), axis=-1)


def my_custom_metric_2(y_true, y_pred):
    return tf.reduce_mean(y_pred - y_true, axis=-1)


def test_section_3_6_3_compile_with_strings_objects_and_custom_functions():
    keras.utils.set_random_seed(0)
    inputs, targets = two_classes_of_points()

    model = keras.Sequential([keras.layers.Dense(1)])
    model.compile(optimizer='rmsprop',
                  loss='mean_squared_error',
                  metrics=['accuracy'])
    assert isinstance(model.optimizer, keras.optimizers.RMSprop)
    history = model.fit(inputs, targets, epochs=1, batch_size=128, verbose=0)
    assert list(history.history) == ['loss', 'accuracy']

    model.compile(optimizer=keras.optimizers.RMSprop(),
                  loss=keras.losses.MeanSquaredError(),
                  metrics=[keras.metrics.BinaryAccuracy()])
    # Listing 3.22
    history = model.fit(
        inputs,
        targets,
        epochs=5,
        batch_size=128
    )
    assert sorted(history.history) == ['binary_accuracy', 'loss']  # as printed (errata X26)
    assert all(len(values) == 5 for values in history.history.values())
    assert all(type(v) is float for v in history.history['loss'])
    assert history.history['loss'][-1] < history.history['loss'][0]

    model.compile(optimizer=keras.optimizers.RMSprop(learning_rate=1e-4),
                  loss=my_custom_loss,
                  metrics=[my_custom_metric_1, my_custom_metric_2])
    assert float(model.optimizer.learning_rate) == pytest.approx(1e-4)
    history = model.fit(inputs, targets, epochs=1, batch_size=128, verbose=0)
    assert list(history.history) == ['loss', 'my_custom_metric_1', 'my_custom_metric_2']
    # The custom loss is the MSE: evaluating it and the built-in MSE gives the same numbers.
    loss, mae, bias = model.evaluate(inputs, targets, batch_size=128, verbose=0)
    predictions = model.predict(inputs, verbose=0)
    assert loss == pytest.approx(np.mean((predictions - targets) ** 2), rel=1e-4)
    assert mae == pytest.approx(np.mean(np.abs(predictions - targets)), rel=1e-4)
    assert bias == pytest.approx(np.mean(predictions - targets), rel=1e-4, abs=1e-6)


def test_listing_3_23_validation_data_evaluate_and_predict():
    keras.utils.set_random_seed(0)
    inputs, targets = two_classes_of_points()

    model = keras.Sequential([keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.RMSprop(learning_rate=0.1),
                  loss=keras.losses.MeanSquaredError(),
                  metrics=[keras.metrics.BinaryAccuracy()])

    indices_permutation = np.random.permutation(len(inputs))
    shuffled_inputs = inputs[indices_permutation]
    shuffled_targets = targets[indices_permutation]

    num_validation_samples = int(0.3 * len(inputs))
    val_inputs = shuffled_inputs[-num_validation_samples:]
    val_targets = shuffled_targets[-num_validation_samples:]
    training_inputs = shuffled_inputs[:num_validation_samples]  # sic: 600 samples (errata X6)
    training_targets = shuffled_targets[:num_validation_samples]
    history = model.fit(
        training_inputs,
        training_targets,
        epochs=5,
        batch_size=16,
        validation_data=(val_inputs, val_targets)
    )
    assert list(history.history) == ['loss', 'binary_accuracy', 'val_loss',
                                     'val_binary_accuracy']
    # RMSprop(0.1) on batches of 16 makes the line swing from epoch to epoch.
    val_binary_accuracy = history.history['val_binary_accuracy']
    assert max(val_binary_accuracy) > 0.93  # 0.95-1.0 over seeds 0-15
    assert val_binary_accuracy[-1] > 0.85  # 0.90-1.0

    loss_and_metrics = model.evaluate(val_inputs, val_targets, batch_size=128)
    assert isinstance(loss_and_metrics, list) and len(loss_and_metrics) == 2
    assert loss_and_metrics == pytest.approx(
        [history.history['val_loss'][-1], history.history['val_binary_accuracy'][-1]])
    assert loss_and_metrics[0] < 0.2  # the MSE; a constant 0.5 would score 0.25

    # §3.6.7: calling the model gives a tensor, predict gives NumPy, batch by batch.
    new_inputs = val_inputs
    predictions = model(new_inputs)
    assert isinstance(predictions, tf.Tensor) and predictions.shape == (600, 1)
    predictions = model.predict(new_inputs, batch_size=128)
    assert isinstance(predictions, np.ndarray) and predictions.shape == (600, 1)
    print(predictions[:10])
    np.testing.assert_allclose(predictions, model(new_inputs).numpy(), rtol=1e-5, atol=1e-6)
    accuracy = np.mean((predictions[:, 0] > 0.5) == (val_targets[:, 0] > 0.5))
    assert accuracy == pytest.approx(loss_and_metrics[1])

    # A model without metrics evaluates to the bare loss.
    model.compile(optimizer='rmsprop', loss='mse')
    val_loss = model.evaluate(val_inputs, val_targets, batch_size=128, verbose=0)
    assert isinstance(val_loss, float)
    assert val_loss == pytest.approx(loss_and_metrics[0], rel=1e-5)
