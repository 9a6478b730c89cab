"""Section 3.5.4: a linear classifier in pure TensorFlow (listings 3.13-3.21): two classes of
random points in the plane, two Variables, a mean-squared-error loss, and full-batch gradient
descent with tf.GradientTape.

    python examples/ch3_linear_classifier.py

The book's code with the imports changed; its plots are replaced by printed numbers
(the line that separates the classes and the share of points on the right side of it).
The data is the book's own: random points, no download. `--quick` is accepted for
uniformity; the run is short anyway. The listings sit at module level (the classifier's
variables and steps inside linear_classifier(), which holds the book's globals) and the
workflow runs under main(), so the book tests call them instead of keeping copies.
"""

import argparse

import numpy as np

import tapeflow as tf


# Listings 3.13-3.15: two classes of random points in a 2D plane, stacked into an array with
# shape (2000, 2), and the corresponding targets (0 and 1), shape (2000, 1)
def two_classes_of_points():
    num_samples_per_class = 1000
    negative_samples = np.random.multivariate_normal(
        mean=[0, 3], cov=[[1, 0.5], [0.5, 1]], size=num_samples_per_class)
    positive_samples = np.random.multivariate_normal(
        mean=[3, 0], cov=[[1, 0.5], [0.5, 1]], size=num_samples_per_class)

    inputs = np.vstack((negative_samples, positive_samples)).astype(np.float32)

    targets = np.vstack((np.zeros((num_samples_per_class, 1), dtype='float32'),
                         np.ones((num_samples_per_class, 1), dtype='float32')))
    return inputs, targets


# Listing 3.19: the mean squared error loss function
def square_loss(targets, predictions):
    per_sample_losses = tf.square(targets - predictions)
    return tf.reduce_mean(per_sample_losses)


def linear_classifier():
    """Listings 3.17, 3.18 and 3.20. The book keeps W, b, model and training_step global;
    here they are this closure's. Returns (W, b, model, training_step)."""
    # Listing 3.17: the linear classifier variables
    input_dim = 2
    output_dim = 1
    W = tf.Variable(initial_value=tf.random.uniform(shape=(input_dim, output_dim)))
    b = tf.Variable(initial_value=tf.zeros(shape=(output_dim,)))

    # Listing 3.18: the forward pass function
    def model(inputs):
        return tf.matmul(inputs, W) + b

    # Listing 3.20: the training step function
    learning_rate = 0.1

    def training_step(inputs, targets):
        with tf.GradientTape() as tape:
            predictions = model(inputs)
            loss = square_loss(predictions, targets)
        grad_loss_wrt_W, grad_loss_wrt_b = tape.gradient(loss, [W, b])
        W.assign_sub(grad_loss_wrt_W * learning_rate)
        b.assign_sub(grad_loss_wrt_b * learning_rate)
        return loss

    return W, b, model, training_step


# Listing 3.21: the batch training loop
def train(training_step, inputs, targets, steps):
    """Prints each step's loss; returns the last one."""
    for step in range(steps):
        loss = training_step(inputs, targets)
        print('Loss at step %d: %.4f' % (step, loss))
    return loss


def main():
    parser = argparse.ArgumentParser(description="Section 3.5.4: a linear classifier")
    parser.add_argument("--quick", action="store_true", help="(the full run is already short)")
    parser.add_argument("--steps", type=int, default=20,
                        help="training steps (the book's code runs 20; its text speaks of 30)")
    args = parser.parse_args()

    inputs, targets = two_classes_of_points()
    W, b, model, training_step = linear_classifier()
    train(training_step, inputs, targets, args.steps)

    # Figures 3.7 and 3.8: class "1" where the prediction is above 0.5; the line between the
    # classes is w1 * x + w2 * y + b = 0.5, i.e. y = -w1 / w2 * x + (0.5 - b) / w2.
    predictions = model(inputs)
    accuracy = np.mean((predictions.numpy()[:, 0] > 0.5) == (targets[:, 0] == 1))
    w1, w2, b0 = float(W[0, 0]), float(W[1, 0]), float(b[0])
    print('line: y = %.3f * x %+.3f' % (-w1 / w2, (0.5 - b0) / w2))
    print('training points on the right side of the line: %.3f' % accuracy)


if __name__ == "__main__":
    main()
