"""Chapter 4 as written (imports changed): binary classification (§4.1), multiclass
classification (§4.2) and scalar regression with K-fold validation (§4.3).

Stand-ins (examples/book_data.py): breast-cancer "reviews" for IMDB, digit "newswires" for
Reuters (10 topics where Reuters has 46) and diabetes for Boston housing. The sizes the book
spells out (10,000 validation reviews, 46 classes, batches of 512) are scaled to these
datasets, and the long runs (100-500 epochs) are cut to what the small data needs. The
listings' functions (vectorize_sequences, to_one_hot, each section's build_model, the K-fold
train_fold, smooth_curve) are the examples' own (examples/ch4_*.py), imported.
"""

import copy

import numpy as np
import pytest

import book_data
import ch4_boston_housing
import ch4_imdb
import ch4_reuters
from ch4_boston_housing import normalize, smooth_curve, train_fold
from ch4_imdb import vectorize_sequences
from ch4_reuters import to_one_hot
from tapeflow import keras
from tapeflow.keras.utils import to_categorical

IMDB_LIKE_NUM_WORDS = 304  # the stand-in's vocabulary; IMDB's num_words=10000
REUTERS_LIKE_NUM_WORDS = 1028


def test_listings_4_1_and_4_3_reviews_become_multi_hot_vectors():
    (train_data, train_labels), (test_data, test_labels) = book_data.stand_in("imdb")
    assert train_data[0][0] == 1 and train_labels[0] in (0, 1)
    assert max([max(sequence) for sequence in train_data]) < IMDB_LIKE_NUM_WORDS
    x_train = vectorize_sequences(train_data)
    assert x_train.shape == (455, 10000) and x_train.dtype == np.float32
    assert x_train[0][:2].tolist() == [0., 1.]
    assert x_train[0].sum() == len(set(train_data[0]))
    y_train = np.asarray(train_labels).astype('float32')
    assert y_train.dtype == np.float32


def test_listings_4_4_to_4_10_binary_classification():
    keras.utils.set_random_seed(0)
    (train_data, train_labels), (test_data, test_labels) = book_data.stand_in("imdb")
    x_train = vectorize_sequences(train_data, dimension=IMDB_LIKE_NUM_WORDS)
    x_test = vectorize_sequences(test_data, dimension=IMDB_LIKE_NUM_WORDS)
    y_train = np.asarray(train_labels).astype('float32')
    y_test = np.asarray(test_labels).astype('float32')

    # Listing 4.4
    model = ch4_imdb.build_model()
    # Listing 4.5
    model.compile(optimizer='rmsprop',
                  loss='binary_crossentropy',
                  metrics=['accuracy'])
    # Listing 4.6 (10,000 of IMDB's 25,000; 150 of 455 here)
    x_val = x_train[:150]
    partial_x_train = x_train[150:]
    y_val = y_train[:150]
    partial_y_train = y_train[150:]
    # Listing 4.7 (batches of 512 of 15,000 reviews; of 16 of 305 here)
    model.compile(optimizer='rmsprop',
                  loss='binary_crossentropy',
                  metrics=['acc'])
    history = model.fit(partial_x_train,
                        partial_y_train,
                        epochs=20,
                        batch_size=16,
                        validation_data=(x_val, y_val))
    history_dict = history.history
    assert sorted(history_dict.keys()) == ['acc', 'loss', 'val_acc', 'val_loss']
    # Listings 4.8, 4.9 plot these lists: one plain float per epoch.
    loss_values = history_dict['loss']
    val_loss_values = history_dict['val_loss']
    acc = history_dict['acc']
    val_acc = history_dict['val_acc']
    epochs = range(1, len(loss_values) + 1)
    assert len(epochs) == 20 and all(type(v) is float for v in loss_values + val_acc)
    # The book's reading of the curves: the training loss keeps falling, the training
    # accuracy rises, and the model overfits: the validation loss ends above its minimum.
    assert loss_values[-1] < 0.2 * loss_values[0]
    assert acc[-1] > 0.97
    assert max(val_acc) > 0.88
    assert val_loss_values[-1] > min(val_loss_values)

    # Listing 4.10
    model = ch4_imdb.build_model()
    model.compile(optimizer='rmsprop',
                  loss='binary_crossentropy',
                  metrics=['accuracy'])
    model.fit(x_train, y_train, epochs=4, batch_size=16)
    results = model.evaluate(x_test, y_test)
    test_loss, test_acc = results
    assert test_acc > 0.9  # 0.95-0.96 over seeds 0-3; IMDB: 0.88
    assert test_loss < 0.35

    # §4.1.5
    predictions = model.predict(x_test)
    assert predictions.shape == (114, 1) and predictions.dtype == np.float32
    assert 0.0 <= predictions.min() and predictions.max() <= 1.0
    assert np.mean((predictions[:, 0] > 0.5) == (y_test == 1)) == pytest.approx(test_acc)


def _reuters_like_vectors():
    (train_data, train_labels), (test_data, test_labels) = book_data.stand_in("reuters")
    # Listing 4.13
    x_train = vectorize_sequences(train_data, dimension=REUTERS_LIKE_NUM_WORDS)
    x_test = vectorize_sequences(test_data, dimension=REUTERS_LIKE_NUM_WORDS)
    return (x_train, train_labels), (x_test, test_labels)


def test_listings_4_11_to_4_21_multiclass_classification():
    keras.utils.set_random_seed(0)
    (x_train, train_labels), (x_test, test_labels) = _reuters_like_vectors()
    assert len(x_train) == 1438 and len(x_test) == 359

    # Listing 4.14 and its Keras equivalent
    one_hot_train_labels = to_categorical(train_labels)
    one_hot_test_labels = to_categorical(test_labels)
    assert one_hot_train_labels.shape == (1438, 10) and one_hot_train_labels.dtype == np.float32
    np.testing.assert_array_equal(one_hot_train_labels, to_one_hot(train_labels, dimension=10))

    # Listing 4.15 (46 topics; 10 here)
    model = ch4_reuters.build_model(num_topics=10)
    # Listing 4.16
    model.compile(optimizer='rmsprop',
                  loss='categorical_crossentropy',
                  metrics=['accuracy'])
    # Listing 4.17 (1,000 of 8,982; 160 of 1,438 here)
    x_val = x_train[:160]
    partial_x_train = x_train[160:]
    y_val = one_hot_train_labels[:160]
    partial_y_train = one_hot_train_labels[160:]
    # Listing 4.18 (batches of 512 of 7,982; of 64 of 1,278 here)
    history = model.fit(partial_x_train,
                        partial_y_train,
                        epochs=20,
                        batch_size=64,
                        validation_data=(x_val, y_val))
    # Listings 4.19, 4.20
    loss = history.history['loss']
    val_loss = history.history['val_loss']
    acc = history.history['accuracy']
    val_acc = history.history['val_accuracy']
    assert len(loss) == len(val_loss) == len(acc) == len(val_acc) == 20
    assert loss[-1] < 0.1 * loss[0] and acc[-1] == 1.0
    assert max(val_acc) > 0.8

    # Listing 4.21
    model = ch4_reuters.build_model(num_topics=10)
    model.compile(optimizer='rmsprop',
                  loss='categorical_crossentropy',
                  metrics=['accuracy'])
    model.fit(partial_x_train,
              partial_y_train,
              epochs=9,
              batch_size=64,
              validation_data=(x_val, y_val))
    results = model.evaluate(x_test, one_hot_test_labels)
    assert results[1] > 0.8  # 0.86-0.87 over seeds 0-3; Reuters: 0.80

    # §4.2.4: a random classifier, the baseline the model beats
    test_labels_copy = copy.copy(test_labels)
    np.random.shuffle(test_labels_copy)
    hits_array = np.array(test_labels) == np.array(test_labels_copy)
    random_baseline = float(np.sum(hits_array)) / len(test_labels)
    assert random_baseline < 0.6 < results[1]

    # §4.2.5
    predictions = model.predict(x_test)
    assert predictions[0].shape == (10,)
    assert np.sum(predictions[0]) == pytest.approx(1.0, abs=1e-5)
    assert np.mean(np.argmax(predictions, axis=1) == test_labels) == pytest.approx(results[1])


def test_section_4_2_6_integer_labels_and_sparse_categorical_crossentropy():
    keras.utils.set_random_seed(0)
    (x_train, train_labels), (x_test, test_labels) = _reuters_like_vectors()
    y_train = np.array(train_labels)
    y_test = np.array(test_labels)
    model = ch4_reuters.build_model(num_topics=10)
    model.compile(optimizer='rmsprop',
                  loss='sparse_categorical_crossentropy',
                  metrics=['accuracy'])
    model.fit(x_train, y_train, epochs=9, batch_size=64, verbose=0)
    loss, accuracy = model.evaluate(x_test, y_test, verbose=0)
    assert accuracy > 0.8
    # "mathematically the same as categorical_crossentropy"
    model.compile(optimizer='rmsprop', loss='categorical_crossentropy', metrics=['accuracy'])
    assert model.evaluate(x_test, to_categorical(y_test), verbose=0) == pytest.approx(
        [loss, accuracy], rel=1e-5)


# -- §4.3 regression ---------------------------------------------------------------------------


def test_listings_4_23_to_4_31_regression_with_k_fold_validation():
    keras.utils.set_random_seed(0)
    # Listing 4.23
    (train_data, train_targets), (test_data, test_targets) = book_data.stand_in("boston_housing")
    assert train_data.shape == (354, 10) and test_data.shape == (88, 10)
    # Listing 4.24
    train_mean, train_std = train_data.mean(axis=0), train_data.std(axis=0)
    expected_test_data = (test_data - train_mean) / train_std
    normalize(train_data, test_data)
    np.testing.assert_allclose(train_data.mean(axis=0), 0.0, atol=1e-6)
    np.testing.assert_allclose(train_data.std(axis=0), 1.0, rtol=1e-6)
    np.testing.assert_allclose(test_data, expected_test_data, rtol=1e-6, atol=1e-12)
    baseline_mae = np.mean(np.abs(test_targets - train_targets.mean()))  # 6.6

    # Listings 4.26 and 4.27 in one loop (100 and 500 epochs of batches of 1 in the book):
    # the fit of 4.27 keeps the per-epoch validation MAE, the evaluate of 4.26 the last one.
    k = 4
    num_val_samples = len(train_data) // k
    num_epochs = 8
    all_scores = []
    all_mae_histories = []
    for i in range(k):
        model, history, val_data, val_targets = train_fold(
            train_data, train_targets, i, num_val_samples, num_epochs, batch_size=16)
        mae_history = history.history['val_mae']
        all_mae_histories.append(mae_history)
        val_mse, val_mae = model.evaluate(val_data, val_targets, verbose=0)
        all_scores.append(val_mae)
        assert val_mae == pytest.approx(mae_history[-1], rel=1e-5)
        assert val_mse == pytest.approx(history.history['val_loss'][-1], rel=1e-5)
    assert np.mean(all_scores) < 0.85 * baseline_mae  # 4.7-4.8 over seeds 0-3 (baseline 6.6)

    # Listing 4.28
    average_mae_history = [
        np.mean([x[i] for x in all_mae_histories]) for i in range(num_epochs)]
    # Listing 4.30 (without the first 10 points: 2 here)
    smooth_mae_history = smooth_curve(average_mae_history[2:])
    assert len(smooth_mae_history) == num_epochs - 2
    assert smooth_mae_history[-1] < smooth_mae_history[0] < average_mae_history[0]

    # Listing 4.31 (80 epochs in the book)
    model = ch4_boston_housing.build_model()
    model.fit(train_data, train_targets,
              epochs=15, batch_size=16, verbose=0)
    test_mse_score, test_mae_score = model.evaluate(test_data, test_targets)
    assert test_mae_score < 0.85 * baseline_mae  # 4.7-4.9 over seeds 0-3
    # §4.3.5
    predictions = model.predict(test_data)
    assert predictions[0].shape == (1,)
    assert np.mean(np.abs(predictions[:, 0] - test_targets)) == pytest.approx(
        test_mae_score, rel=1e-4)
