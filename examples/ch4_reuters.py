"""Section 4.2: classifying newswires, a multiclass classification (listings 4.11-4.22).

    python examples/ch4_reuters.py           # Reuters (or its offline stand-in), full epochs
    python examples/ch4_reuters.py --quick   # a subset, 1-2 epochs

The book's code with the imports changed, the validation size taken from the data (the book
holds out 1,000 of 8,982 newswires: one ninth) and the plots replaced by the printed history.
Offline, scikit-learn's handwritten digits stand in as 10 of the 46 topics, each lit pixel a
"word" (see book_data.py); the 46-way model is unchanged.
"""

import argparse
import copy

import numpy as np

import book_data
from ch4_imdb import vectorize_sequences
from tapeflow import keras
from tapeflow.keras import layers
from tapeflow.keras.utils import to_categorical


# Listing 4.14: encoding the labels
def to_one_hot(labels, dimension=46):
    results = np.zeros((len(labels), dimension))
    for i, label in enumerate(labels):
        results[i, label] = 1.
    return results


# Listing 4.15: model definition (listing 4.21 prints it again, to retrain from scratch). The
# book writes Dense(46, ...): `num_topics` lets the book tests' 10-topic stand-in use it.
def build_model(num_topics=46):
    model = keras.Sequential([
        layers.Dense(64, activation='relu'),
        layers.Dense(64, activation='relu'),
        layers.Dense(num_topics, activation='softmax')
    ])
    return model


def main():
    parser = argparse.ArgumentParser(description="Section 4.2: Reuters multiclass classification")
    parser.add_argument("--quick", action="store_true", help="a small subset and 1-2 epochs")
    args = parser.parse_args()

    # Listing 4.11: loading the Reuters dataset
    reuters = book_data.dataset("reuters", quick=args.quick)
    (train_data, train_labels), (test_data, test_labels) = reuters.load_data(num_words=10000)
    print('%d training and %d test newswires' % (len(train_data), len(test_data)))

    # Listing 4.12: decoding newswires back to text
    word_index = reuters.get_word_index()
    reverse_word_index = dict([(value, key) for (key, value) in word_index.items()])
    decoded_newswire = ' '.join([reverse_word_index.get(i - 3, '?') for i in
                                 train_data[0]])
    print('first newswire:', decoded_newswire[:200], '...')
    print('its topic:', train_labels[0])

    # Listing 4.13: encoding the input data (the vectorize_sequences of listing 4.3)
    x_train = vectorize_sequences(train_data)
    x_test = vectorize_sequences(test_data)

    one_hot_train_labels = to_one_hot(train_labels)
    one_hot_test_labels = to_one_hot(test_labels)
    # The built-in way: to_categorical(train_labels) has max(label) + 1 columns, 46 for Reuters.
    assert np.array_equal(to_categorical(train_labels, 46), one_hot_train_labels)

    # Listings 4.15 and 4.16: model definition and compilation
    model = build_model()
    model.compile(optimizer='rmsprop',
                  loss='categorical_crossentropy',
                  metrics=['accuracy'])

    # Listing 4.17: setting aside a validation set
    num_validation = len(x_train) // 9  # the book: 1000
    x_val = x_train[:num_validation]
    partial_x_train = x_train[num_validation:]
    y_val = one_hot_train_labels[:num_validation]
    partial_y_train = one_hot_train_labels[num_validation:]

    # Listing 4.18: training the model
    history = model.fit(partial_x_train,
                        partial_y_train,
                        epochs=2 if args.quick else 20,
                        batch_size=512,
                        validation_data=(x_val, y_val))

    # Listings 4.19 and 4.20 plot these curves.
    for epoch, values in enumerate(zip(history.history['loss'], history.history['val_loss'],
                                       history.history['accuracy'],
                                       history.history['val_accuracy']), start=1):
        print('epoch %2d: loss %.4f  val_loss %.4f  accuracy %.4f  val_accuracy %.4f'
              % (epoch, *values))

    # Listing 4.21: retraining a model from scratch
    model = build_model()
    model.compile(optimizer='rmsprop',
                  loss='categorical_crossentropy',
                  metrics=['accuracy'])
    model.fit(partial_x_train,
              partial_y_train,
              epochs=1 if args.quick else 9,
              batch_size=512,
              validation_data=(x_val, y_val))
    results = model.evaluate(x_test, one_hot_test_labels)
    print('test loss, test accuracy:', results)

    # A random classifier's accuracy, for comparison
    test_labels_copy = copy.copy(test_labels)
    np.random.shuffle(test_labels_copy)
    hits_array = np.array(test_labels) == np.array(test_labels_copy)
    print('random baseline accuracy: %.3f' % (float(np.sum(hits_array)) / len(test_labels)))

    # 4.2.5: generating predictions on new data
    predictions = model.predict(x_test)
    print('prediction shape %s, sums to %.4f, argmax %d'
          % (predictions[0].shape, np.sum(predictions[0]), np.argmax(predictions[0])))

    # 4.2.6: integer labels with sparse_categorical_crossentropy
    y_train = np.array(train_labels)  # noqa: F841 (as printed)
    y_test = np.array(test_labels)
    model.compile(optimizer='rmsprop',
                  loss='sparse_categorical_crossentropy',
                  metrics=['accuracy'])
    print('with integer labels: test loss, test accuracy:',
          model.evaluate(x_test, y_test, verbose=0))

    # Listing 4.22: a model with an information bottleneck
    model = keras.Sequential([
        layers.Dense(64, activation='relu'),
        layers.Dense(4, activation='relu'),
        layers.Dense(46, activation='softmax')
    ])
    model.compile(optimizer='rmsprop',
                  loss='categorical_crossentropy',
                  metrics=['accuracy'])
    history = model.fit(partial_x_train,
                        partial_y_train,
                        epochs=1 if args.quick else 20,
                        batch_size=128,
                        validation_data=(x_val, y_val))
    print('bottleneck model: best val_accuracy %.4f' % max(history.history['val_accuracy']))


if __name__ == "__main__":
    main()
