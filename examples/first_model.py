"""The book's first model (Deep Learning with Python, listings 2.1-2.7), run on tapeflow.

By default it trains on scikit-learn's bundled handwritten digits (1,797 real 8x8 scans in
MNIST's 28x28 frame, no download: book_data.py), which keeps the main job offline; `--mnist`
uses MNIST itself through `keras.datasets.mnist` (downloaded once to ~/.keras/datasets). Only
the imports differ from the book.

    python examples/first_model.py            # digits, offline
    python examples/first_model.py --mnist    # the book's data
"""

import argparse

import book_data
from tapeflow import keras
from tapeflow.keras import layers


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mnist", action="store_true", help="use MNIST (downloads it once)")
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="1 epoch (for tests)")
    args = parser.parse_args()

    if args.mnist:
        from tapeflow.keras.datasets import mnist

        (train_images, train_labels), (test_images, test_labels) = mnist.load_data()
    else:
        print("Using scikit-learn's bundled digits (offline); pass --mnist for MNIST.")
        (train_images, train_labels), (test_images, test_labels) = book_data.stand_in("mnist")
    pixels = train_images.shape[1] * train_images.shape[2]

    # Listing 2.2: the network architecture
    model = keras.Sequential([
        layers.Dense(512, activation="relu"),
        layers.Dense(10, activation="softmax"),
    ])
    # Listing 2.3: the compilation step
    model.compile(optimizer="rmsprop",
                  loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    # Listing 2.4: preparing the image data
    train_images = train_images.reshape((len(train_images), pixels))
    train_images = train_images.astype("float32") / 255
    test_images = test_images.reshape((len(test_images), pixels))
    test_images = test_images.astype("float32") / 255
    # Listing 2.5: "fitting" the model
    model.fit(train_images, train_labels, epochs=1 if args.quick else args.epochs,
              batch_size=128)
    # Listing 2.6: using the model to make predictions
    test_digits = test_images[0:10]
    predictions = model.predict(test_digits)
    print("predicted:", predictions.argmax(axis=1), " actual:", test_labels[0:10])
    # Listing 2.7: evaluating the model on new data
    test_loss, test_acc = model.evaluate(test_images, test_labels)
    print(f"test_acc: {test_acc:.4f}")


if __name__ == "__main__":
    main()
