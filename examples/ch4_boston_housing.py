"""Section 4.3: predicting house prices, a regression with K-fold validation (4.23-4.31).

    python examples/ch4_boston_housing.py           # Boston housing (or offline stand-in)
    python examples/ch4_boston_housing.py --quick   # a subset, 1 epoch per fold

The book's code with the imports changed, the plots replaced by printed numbers, and one
erratum fixed (marked ERRATUM). The full run trains 4 folds x 500 epochs with batch_size=1,
as the book does: minutes, not seconds. Offline, scikit-learn's diabetes data stands in
(10 measurements; the target is disease progression, about 25..346, so the MAE is larger).
"""

import argparse

import numpy as np

import book_data
from tapeflow import keras
from tapeflow.keras import layers


# Listing 4.24: normalizing the data, in place, with the training data's statistics
def normalize(train_data, test_data):
    mean = train_data.mean(axis=0)
    train_data -= mean
    std = train_data.std(axis=0)
    train_data /= std
    test_data -= mean
    test_data /= std


# Listing 4.25: model definition
def build_model():
    model = keras.Sequential([
        layers.Dense(64, activation='relu'),
        layers.Dense(64, activation='relu'),
        layers.Dense(1)
    ])
    model.compile(optimizer='rmsprop', loss='mse', metrics=['mae'])
    return model


# Listing 4.27: saving the validation logs at each fold, the loop's body: fold i of k holds
# out train_data[i * num_val_samples: (i + 1) * num_val_samples] and trains on the rest.
def train_fold(train_data, train_targets, i, num_val_samples, num_epochs, batch_size=1):
    """Returns (model, history, val_data, val_targets) of fold i."""
    print('processing fold #{}'.format(i))  # ERRATUM (X8): the book writes "... #{}' % i"
    val_data = train_data[i * num_val_samples: (i + 1) * num_val_samples]
    val_targets = train_targets[i * num_val_samples: (i + 1) * num_val_samples]
    partial_train_data = np.concatenate(
        [train_data[:i * num_val_samples],
         train_data[(i + 1) * num_val_samples:]],
        axis=0)
    partial_train_targets = np.concatenate(
        [train_targets[:i * num_val_samples],
         train_targets[(i + 1) * num_val_samples:]],
        axis=0)
    model = build_model()
    history = model.fit(partial_train_data, partial_train_targets,
                        validation_data=(val_data, val_targets),
                        epochs=num_epochs, batch_size=batch_size, verbose=0)
    return model, history, val_data, val_targets


# Listings 4.29 and 4.30 plot it, smoothed and without the first 10 points.
def smooth_curve(points, factor=0.9):
    smoothed_points = []
    for point in points:
        if smoothed_points:
            previous = smoothed_points[-1]
            smoothed_points.append(previous * factor + point * (1 - factor))
        else:
            smoothed_points.append(point)
    return smoothed_points


def main():
    parser = argparse.ArgumentParser(description="Section 4.3: Boston housing with K-fold")
    parser.add_argument("--quick", action="store_true", help="a small subset and 1-2 epochs")
    args = parser.parse_args()

    # Listing 4.23: loading the Boston housing dataset
    boston_housing = book_data.dataset("boston_housing", quick=args.quick)
    (train_data, train_targets), (test_data, test_targets) = boston_housing.load_data()
    print('train_data', train_data.shape, 'test_data', test_data.shape)

    normalize(train_data, test_data)

    # Listing 4.26: K-fold validation (listing 4.27 repeats the loop, keeping the histories:
    # the repetition is the book's own)
    k = 4
    num_val_samples = len(train_data) // k
    num_epochs = 1 if args.quick else 100
    all_scores = []
    for i in range(k):
        print('processing fold #{}'.format(i))  # ERRATUM (X8), as in train_fold
        val_data = train_data[i * num_val_samples: (i + 1) * num_val_samples]
        val_targets = train_targets[i * num_val_samples: (i + 1) * num_val_samples]
        partial_train_data = np.concatenate(
            [train_data[:i * num_val_samples],
             train_data[(i + 1) * num_val_samples:]],
            axis=0)
        partial_train_targets = np.concatenate(
            [train_targets[:i * num_val_samples],
             train_targets[(i + 1) * num_val_samples:]],
            axis=0)
        model = build_model()
        model.fit(partial_train_data, partial_train_targets,
                  epochs=num_epochs, batch_size=1, verbose=0)
        val_mse, val_mae = model.evaluate(val_data, val_targets, verbose=0)
        all_scores.append(val_mae)
    print('all_scores', all_scores, 'mean %.4f' % np.mean(all_scores))

    # Listing 4.27: saving the validation logs at each fold
    num_epochs = 1 if args.quick else 500
    all_mae_histories = []
    for i in range(k):
        model, history, val_data, val_targets = train_fold(
            train_data, train_targets, i, num_val_samples, num_epochs)
        mae_history = history.history['val_mae']
        all_mae_histories.append(mae_history)

    # Listing 4.28: the history of successive mean K-fold validation scores
    average_mae_history = [
        np.mean([x[i] for x in all_mae_histories]) for i in range(num_epochs)]

    smooth_mae_history = smooth_curve(average_mae_history[10:])
    print('validation MAE after epoch 1: %.3f, after epoch %d: %.3f'
          % (average_mae_history[0], num_epochs, average_mae_history[-1]))
    if smooth_mae_history:
        print('lowest smoothed validation MAE after epoch %d'
              % (np.argmin(smooth_mae_history) + 11))

    # Listing 4.31: training the final model
    model = build_model()
    model.fit(train_data, train_targets,
              epochs=2 if args.quick else 80, batch_size=16, verbose=0)
    test_mse_score, test_mae_score = model.evaluate(test_data, test_targets)
    print('test_mae_score %.4f' % test_mae_score)

    # 4.3.5: generating predictions on new data
    predictions = model.predict(test_data)
    print('predictions[0]', predictions[0], 'target', test_targets[0])


if __name__ == "__main__":
    main()
