"""Section 5.4.4: regularizing the IMDB model (listings 5.10-5.16): the original model beside
a smaller and a larger one, one with L2 weight regularization and one with dropout, each
trained 20 epochs with 40% of the data held out for validation.

    python examples/ch5_regularization.py           # IMDB (or its offline stand-in)
    python examples/ch5_regularization.py --quick   # a subset, 2 epochs per model

The book's code with the imports changed; its validation-loss plots are replaced by a table of
each model's best validation loss and the epoch it was reached. Offline, scikit-learn's
breast-cancer biopsies stand in for the reviews (see book_data.py).
"""

import argparse

import numpy as np

import book_data
from ch4_imdb import build_model as original_model  # listing 5.10 is listing 4.4's model
from ch4_imdb import vectorize_sequences
from tapeflow import keras
from tapeflow.keras import layers, regularizers


# Listing 5.11: a version of the model with lower capacity
def smaller_model():
    model = keras.Sequential([
        layers.Dense(4, activation='relu'),
        layers.Dense(4, activation='relu'),
        layers.Dense(1, activation='sigmoid')
    ])
    return model


# Listing 5.12: a version of the model with higher capacity
def larger_model():
    model = keras.Sequential([
        layers.Dense(512, activation='relu'),
        layers.Dense(512, activation='relu'),
        layers.Dense(1, activation='sigmoid')
    ])
    return model


# Listing 5.13: adding L2 weight regularization to the model
def l2_model():
    model = keras.Sequential([
        layers.Dense(16,
                     kernel_regularizer=regularizers.l2(0.002),
                     activation='relu'),
        layers.Dense(16,
                     kernel_regularizer=regularizers.l2(0.002),
                     activation='relu'),
        layers.Dense(1, activation='sigmoid')
    ])
    return model


# Listing 5.16: adding dropout to the IMDB model
def dropout_model():
    model = keras.Sequential([
        layers.Dense(16, activation='relu'),
        layers.Dropout(0.5),
        layers.Dense(16, activation='relu'),
        layers.Dropout(0.5),
        layers.Dense(1, activation='sigmoid')
    ])
    return model


# The five models of 5.4.4, in the book's order: name -> the listing's model
MODELS = {
    'original': original_model,  # listing 5.10: chapter 4's IMDB model (listing 4.4)
    'smaller': smaller_model,
    'larger': larger_model,
    'l2': l2_model,
    'dropout': dropout_model,
}


def compile_and_fit(model, train_data, train_labels, epochs, batch_size=512):
    """What the book writes after each of listings 5.10-5.16: compile, then fit with 40 %
    held out for validation; returns the History."""
    model.compile(optimizer='rmsprop',
                  loss='binary_crossentropy',
                  metrics=['accuracy'])
    return model.fit(train_data, train_labels,
                     epochs=epochs, batch_size=batch_size, validation_split=0.4)


def main():
    parser = argparse.ArgumentParser(description="Section 5.4.4: regularization and dropout")
    parser.add_argument("--quick", action="store_true", help="a small subset and 2 epochs")
    args = parser.parse_args()
    epochs = 2 if args.quick else 20

    imdb = book_data.dataset("imdb", quick=args.quick)
    (train_data, train_labels), _ = imdb.load_data(num_words=10000)

    train_data = vectorize_sequences(train_data)

    histories = {name: compile_and_fit(build(), train_data, train_labels, epochs)
                 for name, build in MODELS.items()}

    # Listing 5.14: the other weight regularizers available in Keras
    regularizers.l1(0.001)
    regularizers.l1_l2(l1=0.001, l2=0.001)

    # The book plots val_loss of each variant against the original's.
    print('%-10s %14s %6s %14s' % ('model', 'best val_loss', 'epoch', 'final val_loss'))
    for name, history in histories.items():
        val_loss = history.history['val_loss']
        print('%-10s %14.4f %6d %14.4f' % (name, min(val_loss), int(np.argmin(val_loss)) + 1,
                                           val_loss[-1]))


if __name__ == "__main__":
    main()
