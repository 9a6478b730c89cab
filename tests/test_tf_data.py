"""tf.data.Dataset: slices and batches of in-memory arrays, as TensorFlow makes them."""

import numpy as np
import pytest

import tapeflow as tf


def test_slices_keep_the_structure_and_index_the_first_dimension():
    images = np.arange(12.0, dtype="float32").reshape(3, 2, 2)
    labels = np.array([7, 8, 9], dtype="uint8")
    dataset = tf.data.Dataset.from_tensor_slices((images, labels))
    assert len(dataset) == dataset.cardinality() == 3
    elements = list(dataset)
    assert all(isinstance(e, tuple) and len(e) == 2 for e in elements)
    image, label = elements[1]
    assert isinstance(image, tf.Tensor) and image.shape == (2, 2) and image.dtype == tf.float32
    np.testing.assert_array_equal(image.numpy(), images[1])
    assert label.shape == () and int(label) == 8

    by_name = list(tf.data.Dataset.from_tensor_slices({"x": images, "y": labels}))
    assert list(by_name[2]) == ["x", "y"]
    np.testing.assert_array_equal(by_name[2]["x"].numpy(), images[2])


def test_a_list_is_one_tensor_with_tensorflow_dtypes():
    ints = list(tf.data.Dataset.from_tensor_slices([1, 2, 3]))
    assert [int(t) for t in ints] == [1, 2, 3] and ints[0].dtype == tf.int32
    pairs = list(tf.data.Dataset.from_tensor_slices(([1.0, 2.0], [[1, 2], [3, 4]])))
    assert pairs[0][0].dtype == tf.float32 and pairs[1][1].numpy().tolist() == [3, 4]
    assert int(list(tf.data.Dataset.from_tensor_slices(tf.constant([5, 6])))[1]) == 6


@pytest.mark.parametrize(("drop_remainder", "sizes"), [(False, [4, 4, 2]), (True, [4, 4])])
def test_batches_are_consecutive_and_the_last_is_partial(drop_remainder, sizes):
    x = np.arange(20).reshape(10, 2)
    y = np.arange(10.0)
    dataset = tf.data.Dataset.from_tensor_slices((x, y)).batch(4, drop_remainder=drop_remainder)
    assert len(dataset) == len(sizes)
    batches = list(dataset)
    assert [len(xb) for xb, _ in batches] == sizes
    np.testing.assert_array_equal(
        np.concatenate([xb.numpy() for xb, _ in batches]), x[: sum(sizes)]
    )
    np.testing.assert_array_equal(batches[1][1].numpy(), y[4:8])
    assert list(dataset)[0][0].numpy().tolist() == batches[0][0].numpy().tolist()  # re-iterable


def test_fit_and_evaluate_accept_a_batched_dataset():
    from tapeflow import keras

    tf.random.set_seed(0)
    x = np.random.default_rng(0).normal(size=(64, 3)).astype("float32")
    y = (x @ np.array([1.0, -2.0, 0.5], dtype="float32") > 0).astype("float32")
    dataset = tf.data.Dataset.from_tensor_slices((x, y)).batch(16)
    model = keras.Sequential([keras.layers.Dense(1, activation="sigmoid")])
    model.compile(
        optimizer=keras.optimizers.RMSprop(0.05), loss="binary_crossentropy", metrics=["accuracy"]
    )
    history = model.fit(dataset, epochs=10, verbose=0)
    assert len(history.history["loss"]) == 10
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert model.evaluate(dataset, verbose=0) == pytest.approx(model.evaluate(x, y, verbose=0))


@pytest.mark.parametrize(
    ("tensors", "message"),
    [
        ((np.ones(3), np.ones(4)), "same size in their first dimension"),
        (np.float32(1.0), "cannot slice a scalar"),
        ((), "empty structure"),
    ],
)
def test_bad_slices_raise_value_errors(tensors, message):
    with pytest.raises(ValueError, match=message):
        tf.data.Dataset.from_tensor_slices(tensors)


@pytest.mark.parametrize("batch_size", [0, -1, 2.5, True, None])
def test_bad_batch_sizes_raise(batch_size):
    dataset = tf.data.Dataset.from_tensor_slices(np.ones((4, 2)))
    with pytest.raises(ValueError, match="positive integer"):
        dataset.batch(batch_size)


def test_batching_twice_is_refused():
    dataset = tf.data.Dataset.from_tensor_slices(np.ones((4, 2))).batch(2)
    with pytest.raises(NotImplementedError, match="already batched"):
        dataset.batch(2)
