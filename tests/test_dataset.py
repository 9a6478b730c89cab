"""tf.data.Dataset: slicing, batching, shuffling (TensorFlow's buffer semantics), map,
filter, take/skip/repeat, cardinality, and use in fit (the book's section 7.4.4)."""

import numpy as np
import pytest

import tapeflow as tf
from tapeflow import keras

Dataset = tf.data.Dataset


def rows():
    x = np.arange(20, dtype=np.float32).reshape(10, 2)
    return x, np.arange(10)


def test_slices_keep_structure_and_batches_keep_the_remainder():
    x, y = rows()
    batches = list(Dataset.from_tensor_slices((x, y)).batch(4))
    assert [tuple(b[0].shape) for b in batches] == [(4, 2), (4, 2), (2, 2)]
    np.testing.assert_array_equal(np.asarray(batches[2][1]), [8, 9])
    dropped = Dataset.from_tensor_slices({"a": x, "b": y}).batch(4, drop_remainder=True)
    assert len(dropped) == 2 and set(next(iter(dropped))) == {"a", "b"}
    element = next(iter(Dataset.from_tensor_slices((x, y))))
    assert element[0].shape == (2,) and int(element[1]) == 0


def test_full_shuffle_is_a_permutation_that_changes_each_pass():
    _, y = rows()
    dataset = Dataset.from_tensor_slices(y).shuffle(buffer_size=100).batch(10)
    first, second = (np.asarray(next(iter(dataset))) for _ in range(2))
    assert sorted(first.tolist()) == list(range(10))
    assert first.tolist() != second.tolist()
    fixed = Dataset.from_tensor_slices(y).shuffle(100, seed=3, reshuffle_each_iteration=False)
    assert [int(v) for v in fixed] == [int(v) for v in fixed]


def test_small_buffer_shuffle_is_windowed_like_tensorflow():
    # With a buffer of 2 the first element is one of the first 2, and element k comes out
    # no earlier than position k - 1.
    values = [int(v) for v in Dataset.from_tensor_slices(np.arange(50)).shuffle(2)]
    assert sorted(values) == list(range(50)) and values[0] in (0, 1)
    assert all(position >= v - 1 for position, v in enumerate(values))


def test_map_filter_take_skip_repeat_and_cardinality():
    x, y = rows()
    dataset = Dataset.from_tensor_slices((x, y)).map(lambda a, b: (a * 2.0, b + 1))
    a, b = next(iter(dataset))
    np.testing.assert_array_equal(np.asarray(a), [0.0, 2.0])
    assert int(b) == 1
    evens = Dataset.range(10).filter(lambda v: v % 2 == 0)
    assert [int(v) for v in evens] == [0, 2, 4, 6, 8]
    assert evens.cardinality() == tf.data.experimental.UNKNOWN_CARDINALITY
    with pytest.raises(TypeError, match="unknown"):
        len(evens)
    assert len(Dataset.range(10).take(3)) == 3 and len(Dataset.range(10).skip(8)) == 2
    assert [int(v) for v in Dataset.range(10).skip(8)] == [8, 9]
    assert len(Dataset.range(3).repeat(2).batch(4)) == 2
    assert Dataset.range(3).repeat().cardinality() == tf.data.experimental.INFINITE_CARDINALITY
    assert [int(v) for v in Dataset.range(3).repeat().take(7)] == [0, 1, 2, 0, 1, 2, 0]


def test_bad_arguments():
    with pytest.raises(ValueError, match="same number of rows"):
        Dataset.from_tensor_slices((np.zeros(3), np.zeros(4)))
    with pytest.raises(ValueError, match="batch_size must be a positive integer"):
        Dataset.range(3).batch(0)
    with pytest.raises(ValueError, match="buffer_size"):
        Dataset.range(3).shuffle(-1)
    with pytest.raises(TypeError, match="callable"):
        Dataset.from_generator([1, 2])


def test_generator_source_is_called_again_each_pass():
    dataset = Dataset.from_generator(lambda: iter([(np.ones(2), 1), (np.zeros(2), 0)]))
    assert [int(b) for _, b in dataset] == [1, 0] == [int(b) for _, b in dataset]
    batch = next(iter(dataset.batch(2)))
    assert batch[0].shape == (2, 2)


@pytest.fixture
def seeded():
    keras.utils.set_random_seed(0)  # the weights' initial values and the shuffle order
    yield
    tf.random.set_seed(None)


def test_fit_evaluate_predict_on_a_dataset(seeded):
    rng = np.random.default_rng(0)
    x = rng.random((64, 3)).astype(np.float32)
    y = (x.sum(axis=1) > 1.5).astype(np.float32)
    model = keras.Sequential([keras.layers.Dense(8, activation="relu"),
                              keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer=keras.optimizers.Adam(0.05), loss="binary_crossentropy",
                  metrics=["accuracy"])
    train = Dataset.from_tensor_slices((x, y)).shuffle(64).batch(16).prefetch(
        tf.data.AUTOTUNE)
    history = model.fit(train, epochs=15, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    _, accuracy = model.evaluate(Dataset.from_tensor_slices((x, y)).batch(16), verbose=0)
    assert accuracy > 0.8
    assert model.predict(Dataset.from_tensor_slices(x).batch(10), verbose=0).shape == (64, 1)
