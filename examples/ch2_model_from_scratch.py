"""Section 2.5: the first MNIST model again, "from scratch": NaiveDense and NaiveSequential
classes holding tf.Variables, a batch generator, a training step with tf.GradientTape, the
training loop, and the accuracy computed by hand.

    python examples/ch2_model_from_scratch.py           # MNIST (or offline digits), 10 epochs
    python examples/ch2_model_from_scratch.py --quick   # a subset, 2 epochs

The book's code with the imports changed, sizes taken from the data (the offline stand-in
has fewer samples) and two errata fixed (marked ERRATUM).
"""

import argparse

import numpy as np

import book_data
import tapeflow as tf
from tapeflow.keras import optimizers


# A simple Dense class
class NaiveDense:
    def __init__(self, input_size, output_size, activation):
        self.activation = activation

        w_shape = (input_size, output_size)
        w_initial_value = tf.random.uniform(w_shape, minval=0, maxval=1e-1)
        self.W = tf.Variable(w_initial_value)

        b_shape = (output_size,)
        b_initial_value = tf.zeros(b_shape)
        self.b = tf.Variable(b_initial_value)

    def __call__(self, inputs):
        return self.activation(tf.matmul(inputs, self.W) + self.b)

    @property
    def weights(self):
        return [self.W, self.b]


# A simple Sequential class
class NaiveSequential:
    def __init__(self, layers):
        self.layers = layers

    def __call__(self, inputs):
        x = inputs
        for layer in self.layers:
            x = layer(x)
        return x

    @property
    def weights(self):
        weights = []
        for layer in self.layers:
            weights += layer.weights
        return weights


# A batch generator
class BatchGenerator:
    def __init__(self, images, labels, batch_size=128):
        self.index = 0
        self.images = images
        self.labels = labels
        self.batch_size = batch_size

    def next(self):
        images = self.images[self.index : self.index + self.batch_size]
        labels = self.labels[self.index : self.index + self.batch_size]
        self.index += self.batch_size
        return images, labels


# 2.5.2 Running one training step
def one_training_step(model, images_batch, labels_batch):
    with tf.GradientTape() as tape:
        predictions = model(images_batch)
        per_sample_losses = tf.keras.losses.sparse_categorical_crossentropy(
            labels_batch, predictions)
        average_loss = tf.reduce_mean(per_sample_losses)
    gradients = tape.gradient(average_loss, model.weights)
    update_weights(gradients, model.weights)
    return average_loss


# ERRATUM (X1): the book's hand-written update subtracts `w * learning_rate` and walks the
# global model's weights; the correct step is `w.assign_sub(g * learning_rate)` for each
# (g, w) in zip(gradients, weights). The book then switches to an optimizer, as here:
optimizer = optimizers.SGD(learning_rate=1e-3)


def update_weights(gradients, weights):
    optimizer.apply_gradients(zip(gradients, weights))


# 2.5.3 The full training loop
def fit(model, images, labels, epochs, batch_size=128):
    for epoch_counter in range(epochs):
        print('Epoch %d' % epoch_counter)
        batch_generator = BatchGenerator(images, labels)
        for batch_counter in range(len(images) // batch_size):
            images_batch, labels_batch = batch_generator.next()
            loss = one_training_step(model, images_batch, labels_batch)
            if batch_counter % 100 == 0:
                print('loss at batch %d: %.2f' % (batch_counter, loss))


def main():
    parser = argparse.ArgumentParser(description="Section 2.5: a model from scratch")
    parser.add_argument("--quick", action="store_true", help="a small subset and 2 epochs")
    parser.add_argument("--epochs", type=int, default=10, help="the book trains for 10")
    args = parser.parse_args()

    model = NaiveSequential([
        NaiveDense(input_size=28 * 28, output_size=512, activation=tf.nn.relu),
        NaiveDense(input_size=512, output_size=10, activation=tf.nn.softmax),
    ])
    assert len(model.weights) == 4

    mnist = book_data.dataset("mnist", quick=args.quick)
    (train_images, train_labels), (test_images, test_labels) = mnist.load_data()

    train_images = train_images.reshape((len(train_images), 28 * 28))  # the book: 60000
    train_images = train_images.astype('float32') / 255
    test_images = test_images.reshape((len(test_images), 28 * 28))  # the book: 10000
    test_images = test_images.astype('float32') / 255

    fit(model, train_images, train_labels, epochs=2 if args.quick else args.epochs, batch_size=128)

    # 2.5.4 Evaluating the model
    predictions = model(test_images)
    predictions = predictions.numpy()
    predicted_labels = np.argmax(predictions, axis=1)
    matches = predicted_labels == test_labels
    print('accuracy: %.2f' % matches.mean())  # ERRATUM (X2): the book calls matches.average()
    if mnist.offline:
        print("(SGD at 1e-3 learns slowly: the stand-in's 1,540 images give 12 updates an "
              "epoch where MNIST gives 468; try --epochs 200)")


if __name__ == "__main__":
    main()
