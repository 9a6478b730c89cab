"""The per-step fast paths of training keep the slow paths' behaviour: cached weight and loss
listings follow every change, the one-tensor layer call still checks its input spec and casts,
fit's batches are the rows of the shuffled order, skipped batch hooks are only the empty ones,
and in-place variable updates never change a value read earlier."""

from __future__ import annotations

import numpy as np
import pytest

import tapeflow as tf
from helpers import assert_close
from tapeflow import keras
from tapeflow.keras import layers, regularizers
from tapeflow.keras.callbacks import CallbackList
from tapeflow.keras.trainers import data_adapter


def _ids(variables):
    return [id(v) for v in variables]


def test_trainable_weights_follow_freezing_new_layers_and_new_weights():
    class Stack(keras.layers.Layer):
        def __init__(self):
            super().__init__()
            self.blocks = [layers.Dense(2)]

        def call(self, x):
            for block in self.blocks:
                x = block(x)
            return x

    stack = Stack()
    stack(tf.ones((1, 3)))
    assert len(stack.trainable_weights) == 2
    stack.blocks[0].trainable = False
    assert stack.trainable_weights == []
    stack.blocks[0].trainable = True
    stack.blocks.append(layers.Dense(4))  # an in-place change of a tracked list
    stack(tf.ones((1, 3)))
    assert _ids(stack.trainable_weights) == _ids(
        stack.blocks[0].trainable_weights + stack.blocks[1].trainable_weights
    )
    extra = stack.add_weight(shape=(1,), name="extra")
    assert _ids(stack.trainable_weights)[0] == id(extra)
    returned = stack.trainable_weights
    returned.clear()  # the caller's copy: the cache is not touched
    assert len(stack.trainable_weights) == 5


def test_losses_follow_regularized_layers_added_later():
    model = keras.Sequential([layers.Dense(2, kernel_regularizer=regularizers.L2(0.5))])
    model(tf.ones((1, 2)))
    assert len(model.losses) == 1
    model.layers[0].bias_regularizer = None  # an attribute change invalidates the cache
    inner = layers.Dense(1, activity_regularizer=regularizers.L1(1.0))
    outer = keras.Sequential([model, inner])
    outer(tf.ones((1, 2)))
    assert len(outer.losses) == 2  # the kernel penalty and the activity penalty of this call
    assert len(model.losses) == 1


def test_one_tensor_call_checks_the_spec_once_per_shape_and_casts():
    dense = layers.Dense(3)
    dense(tf.ones((2, 4)))
    out = dense(tf.constant(np.ones((5, 4))))  # float64 in, the layer's float32 out
    assert out.dtype == tf.float32 and tuple(out.shape) == (5, 3)
    with pytest.raises(ValueError, match="expected axis -1 of input shape to have value 4"):
        dense(tf.ones((2, 5)))
    dense(tf.ones((2, 4)))
    with pytest.raises(ValueError, match="expected axis -1"):
        dense(tf.ones((2, 5)))


def test_functional_single_tensor_nodes_match_a_hand_chain():
    inputs = keras.Input((3,))
    hidden = layers.Dense(4, activation="relu")(inputs)
    model = keras.Model(inputs, layers.Dense(2)(hidden))
    x = tf.constant(np.arange(6, dtype=np.float32).reshape(2, 3))
    expected = model.layers[2](model.layers[1](x))
    assert_close(model(x).numpy(), expected.numpy(), atol=0)
    # the stack path checks the input once per shape and dtype, and still casts and refuses
    assert model(tf.constant([[1, 2, 3]], dtype=tf.float64)).dtype == tf.float32
    with pytest.raises(ValueError, match=r"expects shape \(None, 3\)"):
        model(tf.ones((2, 4)))
    assert_close(model(x).numpy(), expected.numpy(), atol=0)


def test_shuffled_batches_are_the_rows_of_the_permutation():
    x = np.arange(50, dtype=np.float32).reshape(25, 2)
    y = np.arange(25, dtype=np.int64)
    data = data_adapter.ArrayData(x, y, batch_size=4, shuffle=True)
    np.random.seed(3)  # noqa: NPY002 - fit's order follows NumPy's global generator
    batches = list(data.batches())
    np.random.seed(3)  # noqa: NPY002
    order = np.random.permutation(25)  # noqa: NPY002
    assert [len(b[0]) for b in batches] == [4] * 6 + [1]
    got_x = np.concatenate([b[0].numpy() for b in batches])
    got_y = np.concatenate([b[1].numpy() for b in batches])
    np.testing.assert_array_equal(got_x, x[order])
    np.testing.assert_array_equal(got_y, y[order])
    assert batches[0][1].dtype == tf.int64


def test_shuffled_batches_of_other_dtypes_widen_and_strided_arrays_gather():
    x = np.arange(100, dtype=np.uint8).reshape(25, 4)[:, ::2]  # strided, widened to int32
    weights = np.linspace(0, 1, 25).astype(np.float16)  # widened to float32
    data = data_adapter.ArrayData(
        x, x[:, 0].astype(np.float64), weights, batch_size=8, shuffle=True
    )
    np.random.seed(5)  # noqa: NPY002
    batches = list(data.batches())
    np.random.seed(5)  # noqa: NPY002
    order = np.random.permutation(25)  # noqa: NPY002
    assert [b[0].dtype for b in batches[:1]] == [tf.int32]
    assert (batches[0][1].dtype, batches[0][2].dtype) == (tf.float64, tf.float32)
    for column, expected in enumerate((x, x[:, 0], weights)):
        got = np.concatenate([b[column].numpy() for b in batches])
        np.testing.assert_array_equal(got, expected[order].astype(got.dtype))


def test_rows_from_a_buffer_are_checked():
    values = np.arange(6, dtype=np.float32).reshape(3, 2)
    rows = tf._C.from_buffer_rows(values, np.array([2, 0]))
    np.testing.assert_array_equal(rows.numpy(), values[[2, 0]])
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"indices\[0\] = 3"):
        tf._C.from_buffer_rows(values, np.array([3]))
    with pytest.raises(tf.errors.InvalidArgumentError, match="int32 or int64"):
        tf._C.from_buffer_rows(values, np.array([1.0]))
    with pytest.raises(TypeError, match="format"):
        tf._C.from_buffer_rows(values.astype(np.uint16), np.array([1]))


def test_batch_hooks_reach_every_callback_that_defines_them():
    seen = []

    class OldName(keras.callbacks.Callback):
        def on_batch_end(self, batch, logs=None):
            seen.append(("old", batch))

    class Quiet(keras.callbacks.Callback):
        pass

    attribute = keras.callbacks.Callback()
    attribute.on_train_batch_begin = lambda batch, logs: seen.append(("attr", batch))
    cbs = CallbackList([OldName(), Quiet(), attribute])
    cbs.on_train_batch_begin(0)
    cbs.on_train_batch_end(0, {"loss": 1.0})
    late = keras.callbacks.LambdaCallback(
        on_train_batch_end=lambda b, logs: seen.append(("late", b))
    )
    cbs.callbacks.append(late)
    cbs.on_train_batch_end(1, {"loss": 1.0})
    assert seen == [("attr", 0), ("old", 0), ("old", 1), ("late", 1)]


def test_in_place_assign_add_keeps_earlier_reads():
    v = tf.Variable([1.0, 2.0])
    before = v.value()
    v.assign_add([1.0, 1.0])
    v.assign_sub(0.5)
    assert_close(before.numpy(), [1.0, 2.0], atol=0)
    assert_close(v.numpy(), [1.5, 2.5], atol=0)
    with pytest.raises(ValueError, match="does not fit the target shape"):
        v.assign_add(np.ones((2, 2), np.float32))


def test_a_non_persistent_tape_lets_the_optimizer_update_in_place():
    w = tf.Variable(np.ones((3,), np.float32))
    storage = w._value._data_ptr
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(w * w)
    grads = tape.gradient(loss, [w])
    keras.optimizers.SGD(0.1).apply_gradients(zip(grads, [w], strict=True))
    assert w._value._data_ptr == storage  # written in place, not copied
    assert_close(w.numpy(), [0.8, 0.8, 0.8], rtol=1e-6)
    with pytest.raises(RuntimeError):
        tape.gradient(loss, [w])


def _logged_fit(callbacks, seed=3):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((40, 3)).astype(np.float32)
    y = rng.integers(0, 2, 40).astype(np.float32)
    tf.random.set_seed(seed)
    model = keras.Sequential([keras.Input((3,)), layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="sgd", loss="binary_crossentropy", metrics=["accuracy"])
    history = model.fit(
        x,
        y,
        batch_size=8,
        epochs=2,
        shuffle=False,
        verbose=0,
        validation_split=0.25,
        callbacks=callbacks,
    )
    return history.history, model.evaluate(
        x, y, batch_size=8, verbose=0, return_dict=True, callbacks=callbacks
    )


def test_logs_read_once_per_epoch_equal_the_per_batch_ones():
    class BatchReader(keras.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.train, self.test = [], []

        def on_train_batch_end(self, batch, logs=None):
            self.train.append(dict(logs))

        def on_test_batch_end(self, batch, logs=None):
            self.test.append(dict(logs))

    reader = BatchReader()
    deferred_history, deferred_eval = _logged_fit(None)
    read_history, read_eval = _logged_fit([reader])
    assert deferred_history == read_history
    assert deferred_eval == read_eval
    assert set(deferred_history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert all(isinstance(v, float) for v in deferred_eval.values())
    # the batch logs are floats, the running means of the epoch so far
    assert len(reader.train) == 8 and all(type(v) is float for v in reader.train[0].values())
    assert reader.train[3]["loss"] == pytest.approx(read_history["loss"][0], rel=1e-6)
    assert reader.test[-1] == read_eval
