"""Section 4.1: classifying movie reviews, a binary classification (listings 4.1-4.10).

    python examples/ch4_imdb.py           # IMDB (or its offline stand-in), 20 + 4 epochs
    python examples/ch4_imdb.py --quick   # a subset, 2 + 1 epochs

The book's code with the imports changed, the validation size taken from the data (the book
holds out 10,000 of 25,000 reviews: two fifths) and the plots replaced by the printed
history. Offline, scikit-learn's breast-cancer biopsies stand in, each measurement a "word"
(see book_data.py), so the same multi-hot encoding and model apply.
"""

import argparse

import numpy as np

import book_data
from tapeflow import keras
from tapeflow.keras import layers


# Listing 4.3: encoding the integer sequences via multi-hot encoding
def vectorize_sequences(sequences, dimension=10000):
    # float32 where the book has NumPy's float64 default: half the memory, same values.
    results = np.zeros((len(sequences), dimension), dtype='float32')
    for i, sequence in enumerate(sequences):
        results[i, sequence] = 1.
    return results


# Listing 4.4: model definition (listing 4.10 prints it again, to retrain from scratch)
def build_model():
    model = keras.Sequential([
        layers.Dense(16, activation='relu'),
        layers.Dense(16, activation='relu'),
        layers.Dense(1, activation='sigmoid')
    ])
    return model


def main():
    parser = argparse.ArgumentParser(description="Section 4.1: IMDB binary classification")
    parser.add_argument("--quick", action="store_true", help="a small subset and 1-2 epochs")
    args = parser.parse_args()

    # Listing 4.1: loading the IMDB dataset
    imdb = book_data.dataset("imdb", quick=args.quick)
    (train_data, train_labels), (test_data, test_labels) = imdb.load_data(num_words=10000)
    print('largest word index:', max([max(sequence) for sequence in train_data]))

    # Listing 4.2: decoding reviews back to text
    word_index = imdb.get_word_index()
    reverse_word_index = dict(
        [(value, key) for (key, value) in word_index.items()])
    decoded_review = ' '.join(
        [reverse_word_index.get(i - 3, '?') for i in train_data[0]])
    print('first review:', decoded_review[:200], '...')
    print('its label:', train_labels[0])

    x_train = vectorize_sequences(train_data)
    x_test = vectorize_sequences(test_data)
    y_train = np.asarray(train_labels).astype('float32')
    y_test = np.asarray(test_labels).astype('float32')

    model = build_model()

    # Listing 4.6: setting aside a validation set
    num_validation = len(x_train) * 2 // 5  # the book: 10000
    x_val = x_train[:num_validation]
    partial_x_train = x_train[num_validation:]
    y_val = y_train[:num_validation]
    partial_y_train = y_train[num_validation:]

    # Listings 4.5 and 4.7: compiling and training the model
    model.compile(optimizer='rmsprop',
                  loss='binary_crossentropy',
                  metrics=['acc'])
    history = model.fit(partial_x_train,
                        partial_y_train,
                        epochs=2 if args.quick else 20,
                        batch_size=512,
                        validation_data=(x_val, y_val))

    # Listings 4.8 and 4.9 plot these four curves.
    history_dict = history.history
    print('history keys:', sorted(history_dict.keys()))
    for epoch, values in enumerate(zip(history_dict['loss'], history_dict['val_loss'],
                                       history_dict['acc'], history_dict['val_acc']), start=1):
        print('epoch %2d: loss %.4f  val_loss %.4f  acc %.4f  val_acc %.4f' % (epoch, *values))

    # Listing 4.10: retraining a model from scratch
    model = build_model()
    model.compile(optimizer='rmsprop',
                  loss='binary_crossentropy',
                  metrics=['accuracy'])
    model.fit(x_train, y_train, epochs=1 if args.quick else 4, batch_size=512)
    results = model.evaluate(x_test, y_test)
    print('test loss, test accuracy:', results)

    # 4.1.5: using a trained model to generate predictions on new data
    print('predictions:', model.predict(x_test)[:5].ravel())


if __name__ == "__main__":
    main()
