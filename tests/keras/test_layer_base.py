"""The Layer base class: lazy building, naming, weight tracking, losses, the training flag,
and symbolic calls on keras.Input."""

import numpy as np
import pytest

import tapeflow as tf
from keras_helpers import SimpleDense
from tapeflow import keras
from tapeflow.keras import layers


class Flag(keras.layers.Layer):
    """Returns its input times 2 in training, unchanged otherwise; remembers the flag."""

    def call(self, inputs, training=None):
        self.seen = training
        return inputs * 2.0 if training else inputs


@pytest.fixture(autouse=True)
def fresh_names():
    keras.backend.clear_session()


def test_book_simple_dense_builds_lazily_on_first_call():
    my_dense = SimpleDense(units=32, activation=tf.nn.relu)
    assert not my_dense.built and my_dense.weights == []
    input_tensor = tf.ones(shape=(2, 784))
    output_tensor = my_dense(input_tensor)
    assert output_tensor.shape == (2, 32)
    assert my_dense.built
    assert [tuple(w.shape) for w in my_dense.weights] == [(784, 32), (32,)]
    std = float(np.std(my_dense.W.numpy()))
    assert 0.04 < std < 0.06  # random_normal: N(0, 0.05)
    assert my_dense.count_params() == 784 * 32 + 32


def test_auto_names_are_unique_per_class_and_reset_by_clear_session():
    assert [SimpleDense(1).name for _ in range(3)] == ["simple_dense", "simple_dense_1",
                                                       "simple_dense_2"]
    keras.backend.clear_session()
    assert SimpleDense(1).name == "simple_dense"
    assert SimpleDense(1).__class__.__name__ == "SimpleDense"


def test_weight_names_and_numpy_round_trip():
    layer = SimpleDense(3)
    layer(np.ones((1, 2), np.float32))
    assert layer.W.name == "simple_dense/variable:0"
    values = [np.full((2, 3), 0.5, np.float32), np.arange(3, dtype=np.float32)]
    layer.set_weights(values)
    np.testing.assert_array_equal(layer.get_weights()[1], values[1])
    out = layer(np.ones((1, 2)))
    np.testing.assert_allclose(np.asarray(out), [[1.0, 2.0, 3.0]])
    with pytest.raises(ValueError, match="expected 2 weights, but received 1"):
        layer.set_weights(values[:1])
    with pytest.raises(ValueError, match=r"shape \(2, 3\).*\(3, 2\)"):
        layer.set_weights([np.zeros((3, 2)), values[1]])


def test_unknown_keyword_argument_is_a_type_error():
    with pytest.raises(TypeError, match="Unrecognized keyword arguments passed to Layer"):
        keras.layers.Layer(units=3)


def test_count_params_before_build_raises():
    with pytest.raises(ValueError, match="isn't built"):
        SimpleDense(2).count_params()


def test_numpy_float64_inputs_are_cast_to_the_layer_dtype():
    layer = SimpleDense(2)
    out = layer(np.ones((4, 3), dtype=np.float64))
    assert out.dtype == tf.float32


class Block(keras.layers.Layer):
    def __init__(self):
        super().__init__()
        self.first = SimpleDense(4)
        self.rest = [SimpleDense(3), {"last": SimpleDense(2)}]
        self.scale = tf.Variable(2.0, name="scale")
        self.counter = tf.Variable(0, trainable=False, name="counter")

    def call(self, x):
        x = self.first(x)
        x = self.rest[0](x)
        return self.rest[1]["last"](x) * self.scale


def test_sublayers_and_variables_in_attributes_are_tracked():
    block = Block()
    block(np.ones((1, 5), np.float32))
    shapes = [tuple(w.shape) for w in block.weights]
    # own weights first (trainable, then non-trainable), then each sub-layer in order
    assert shapes == [(), (), (5, 4), (4,), (4, 3), (3,), (3, 2), (2,)]
    assert len(block.trainable_weights) == 7
    assert [w.name for w in block.non_trainable_weights] == ["counter:0"]


def test_freezing_a_layer_freezes_its_sublayers():
    block = Block()
    block(np.ones((1, 5), np.float32))
    block.trainable = False
    assert block.trainable_weights == []
    assert len(block.non_trainable_weights) == 8
    assert not block.first.trainable
    block.trainable = True
    assert len(block.trainable_weights) == 7


def test_weight_regularizer_losses_are_recomputed_from_current_weights():
    class Reg(keras.layers.Layer):
        def build(self, shape):
            self.w = self.add_weight(shape=(2,), initializer="ones",
                                     regularizer=keras.regularizers.l2(0.5))

        def call(self, x):
            return x * self.w

    layer = Reg()
    layer(np.ones((1, 2), np.float32))
    assert float(layer.losses[0]) == pytest.approx(0.5 * 2)
    layer.w.assign([3.0, 0.0])
    assert float(layer.losses[0]) == pytest.approx(0.5 * 9)


def test_activity_regularizer_and_add_loss_are_reset_at_each_outer_call():
    class Noisy(keras.layers.Layer):
        def call(self, x):
            self.add_loss(tf.reduce_sum(x))
            return x

    outer = keras.Sequential([Noisy(activity_regularizer="l1")])
    outer(np.ones((1, 3), np.float32))
    outer(np.ones((1, 3), np.float32))
    values = sorted(float(v) for v in outer.losses)
    assert values == pytest.approx([0.03, 3.0])  # add_loss 3, l1(0.01) of the output


def test_training_flag_explicit_then_inherited_then_default():
    inner = Flag()

    class Outer(keras.layers.Layer):
        def __init__(self):
            super().__init__()
            self.inner = inner

        def call(self, x):
            return self.inner(x)

    outer = Outer()
    x = np.ones((1, 1), np.float32)
    assert float(outer(x, training=True)[0, 0]) == 2.0 and inner.seen is True
    assert float(outer(x)[0, 0]) == 1.0 and inner.seen is None
    assert float(outer(x, training=False)[0, 0]) == 1.0 and inner.seen is False
    assert float(inner(x, training=True)[0, 0]) == 2.0


def test_forgotten_super_init_still_works():
    # Errata X18: the book's Classifier never calls super().__init__().
    class Classifier(keras.Model):
        def __init__(self, num_classes=2):
            if num_classes == 2:
                num_units, activation = 1, "sigmoid"
            else:
                num_units, activation = num_classes, "softmax"
            self.dense = SimpleDense(num_units, activation=keras.activations.get(activation))

        def call(self, inputs):
            return self.dense(inputs)

    model = Classifier(num_classes=10)
    assert model(np.ones((2, 4), np.float32)).shape == (2, 10)
    assert model.name == "classifier"
    assert len(model.trainable_weights) == 2


def test_symbolic_call_gives_keras_tensors_with_shapes():
    inputs = keras.Input(shape=(3,), name="my_input")
    assert inputs.shape == (None, 3) and inputs.dtype == tf.float32
    features = SimpleDense(64, activation=tf.nn.relu)(inputs)
    assert features.shape == (None, 64)
    layer = features._keras_history[0]
    assert layer.input is inputs and layer.output is features
    assert layer.output_shape == (None, 64)


def test_symbolic_call_keeps_unknown_sizes_unknown():
    class SumOverTime(keras.layers.Layer):
        def call(self, x):
            return tf.reduce_sum(x, axis=1)

    seq = keras.Input(shape=(None, 4))
    assert SumOverTime()(seq).shape == (None, 4)
    assert keras.Input(batch_shape=(8, 2)).shape == (8, 2)


def test_input_validates_its_shape():
    with pytest.raises(ValueError, match="shape"):
        keras.Input()
    with pytest.raises(ValueError, match="non-negative"):
        keras.Input(shape=(-1,))


def test_symbolic_tensor_has_no_value():
    with pytest.raises(TypeError, match="no value"):
        np.asarray(keras.Input(shape=(2,)))


def test_input_spec_mismatch_message():
    layer = SimpleDense(2)
    layer.input_spec = layers.InputSpec(min_ndim=2, axes={-1: 784})
    layer.built = True
    with pytest.raises(ValueError, match=r'Input 0 of layer "simple_dense" is incompatible.*'
                                         r"axis -1 of input shape to have value 784, but "
                                         r"received input with shape \(32, 28\)"):
        layer(np.ones((32, 28), np.float32))


def test_nested_python_lists_are_one_input():
    layer = SimpleDense(2)
    assert layer([[1.0, 2.0, 3.0]]).shape == (1, 2)
