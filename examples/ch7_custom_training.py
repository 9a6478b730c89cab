"""Section 7.4: writing your own training and evaluation loops: metrics used by hand, a complete
training loop with train_step/test_step (and a tf.function test step), then fit() with an
overridden train_step, first with its own loss tracker, then with compiled_loss and
compiled_metrics.

    python examples/ch7_custom_training.py           # MNIST (or its offline stand-in)
    python examples/ch7_custom_training.py --quick   # a subset, 1 epoch per loop

The book's code with the imports changed, the validation size taken from the data and the
errata fixed (marked ERRATUM). The listings sit at module level (the loop's steps inside
custom_loop(), which holds the book's globals) and the workflow runs under main(), so
tests/book/test_ch7.py calls them instead of keeping copies.
"""

import argparse
from types import SimpleNamespace

import book_data
import tapeflow as tf
from ch7_metrics_callbacks import get_mnist_model  # the MNIST model of 7.3
from tapeflow import keras
from tapeflow.keras import layers


# 7.4.2 Low-level usage of metrics
def use_metrics_by_hand():
    """Prints the two results of 7.4.2; returns (metric, mean_tracker)."""
    metric = keras.metrics.SparseCategoricalAccuracy()
    targets = [0, 1, 2]
    predictions = [[1, 0, 0], [0, 1, 0], [0, 0, 1]]
    metric.update_state(targets, predictions)
    current_result = metric.result()
    print('result: %.2f' % (current_result,))

    values = [0, 1, 2, 3, 4]
    mean_tracker = keras.metrics.Mean()
    for value in values:
        mean_tracker.update_state(value)
    print('Mean of values: %.2f' % (mean_tracker.result(),))
    return metric, mean_tracker


# 7.4.3 A complete training and evaluation loop
def custom_loop(model):
    """The book's training and evaluation steps (listings 7.21-7.24) around `model`. The book
    keeps loss_fn, optimizer, metrics and loss_tracking_metric as globals; here they are this
    closure's, returned with the steps as attributes of one namespace."""
    loss_fn = keras.losses.SparseCategoricalCrossentropy()
    optimizer = keras.optimizers.RMSprop()
    metrics = [keras.metrics.SparseCategoricalAccuracy()]
    loss_tracking_metric = keras.metrics.Mean()

    def train_step(inputs, targets):
        with tf.GradientTape() as tape:
            predictions = model(inputs, training=True)
            loss = loss_fn(targets, predictions)
        gradients = tape.gradient(loss, model.trainable_weights)
        optimizer.apply_gradients(zip(gradients, model.trainable_weights))

        logs = {}
        for metric in metrics:
            metric.update_state(targets, predictions)
            logs[metric.name] = metric.result()

        loss_tracking_metric.update_state(loss)
        logs['loss'] = loss_tracking_metric.result()
        return logs

    def reset_metrics():
        for metric in metrics:
            metric.reset_states()
        loss_tracking_metric.reset_states()

    def test_step(inputs, targets):
        predictions = model(inputs, training=False)
        loss = loss_fn(targets, predictions)

        logs = {}
        for metric in metrics:
            metric.update_state(targets, predictions)
            logs['val_' + metric.name] = metric.result()

        loss_tracking_metric.update_state(loss)
        logs['val_loss'] = loss_tracking_metric.result()
        return logs

    # 7.4.4 Make it fast with tf.function. The book prints test_step again, decorated: the
    # repetition is the book's own, kept as printed (named apart so that both stay callable).
    @tf.function
    def fast_test_step(inputs, targets):
        predictions = model(inputs, training=False)  # Note the training=False
        loss = loss_fn(targets, predictions)

        logs = {}
        for metric in metrics:
            metric.update_state(targets, predictions)
            logs['val_' + metric.name] = metric.result()

        loss_tracking_metric.update_state(loss)
        logs['val_loss'] = loss_tracking_metric.result()
        return logs

    return SimpleNamespace(
        loss_fn=loss_fn,
        optimizer=optimizer,
        metrics=metrics,
        loss_tracking_metric=loss_tracking_metric,
        train_step=train_step,
        reset_metrics=reset_metrics,
        test_step=test_step,
        fast_test_step=fast_test_step,
    )


def training_loop(loop, train_images, train_labels, epochs):
    """Listing 7.22's loop over epochs and batches; returns the last batch's logs."""
    training_dataset = tf.data.Dataset.from_tensor_slices(
        (train_images, train_labels))
    training_dataset = training_dataset.batch(32)
    for epoch in range(epochs):
        loop.reset_metrics()
        for inputs_batch, targets_batch in training_dataset:
            logs = loop.train_step(inputs_batch, targets_batch)
        print('Results at the end of epoch %d:' % (epoch,))
        for key, value in logs.items():
            print('...%s: %.4f' % (key, value))
    return logs


def evaluation_loop(loop, test_step, val_images, val_labels, title='Evaluation results:'):
    """Listing 7.23's evaluation loop with `test_step` (plain or tf.function); returns the logs."""
    val_dataset = tf.data.Dataset.from_tensor_slices((val_images, val_labels))
    val_dataset = val_dataset.batch(32)
    loop.reset_metrics()
    for inputs_batch, targets_batch in val_dataset:
        logs = test_step(inputs_batch, targets_batch)
    print(title)
    for key, value in logs.items():
        print('...%s: %.4f' % (key, value))
    return logs


# 7.4.5 Leveraging fit() with a custom training loop
loss_fn = keras.losses.SparseCategoricalCrossentropy()
loss_tracker = keras.metrics.Mean(name="loss")


# ERRATUM (X23): the book computes the gradients inside the tape's block, applies them with
# the global `model` and `optimizer`, and prints `metrics` outside the class; here the step
# uses its own model and compiled optimizer, and `metrics` is a property of the class.
class CustomModel(keras.Model):
    def train_step(self, data):
        inputs, targets = data
        with tf.GradientTape() as tape:
            predictions = self(inputs, training=True)
            loss = loss_fn(targets, predictions)
        gradients = tape.gradient(loss, self.trainable_weights)
        self.optimizer.apply_gradients(zip(gradients, self.trainable_weights))

        loss_tracker.update_state(loss)
        return {'loss': loss_tracker.result()}

    @property
    def metrics(self):
        # We list our `Metric` objects here so that `reset_states()` can be
        # called automatically at the start of each epoch
        # or at the start of `evaluate()`.
        return [loss_tracker]


# The book's second CustomModel: loss and metrics from compile() (renamed: both live here)
class CompiledCustomModel(keras.Model):
    def train_step(self, data):
        inputs, targets = data
        with tf.GradientTape() as tape:
            predictions = self(inputs, training=True)
            loss = self.compiled_loss(targets, predictions)
        gradients = tape.gradient(loss, self.trainable_weights)  # ERRATUM (X23), as above
        self.optimizer.apply_gradients(zip(gradients, self.trainable_weights))
        self.compiled_metrics.update_state(targets, predictions)
        return {m.name: m.result() for m in self.metrics}


def build_custom_model(model_class):
    """The MNIST model of 7.3 as a `model_class` (the book writes these lines for each)."""
    inputs = keras.Input(shape=(28 * 28,))
    features = layers.Dense(512, activation='relu')(inputs)
    features = layers.Dropout(0.5)(features)
    outputs = layers.Dense(10, activation='softmax')(features)
    model = model_class(inputs, outputs)
    return model


def main():
    parser = argparse.ArgumentParser(description="Section 7.4: custom training loops")
    parser.add_argument("--quick", action="store_true", help="a small subset and 1 epoch per loop")
    args = parser.parse_args()

    mnist = book_data.dataset("mnist", quick=args.quick)
    (images, labels), (test_images, test_labels) = mnist.load_data()
    images = images.reshape((len(images), 28 * 28)).astype('float32') / 255  # the book: 60000
    num_validation = len(images) // 6  # the book: 10000
    train_images, val_images = images[num_validation:], images[:num_validation]
    train_labels, val_labels = labels[num_validation:], labels[:num_validation]
    epochs = 1 if args.quick else 3

    use_metrics_by_hand()

    loop = custom_loop(get_mnist_model())
    training_loop(loop, train_images, train_labels, epochs)
    evaluation_loop(loop, loop.test_step, val_images, val_labels)
    evaluation_loop(loop, loop.fast_test_step, val_images, val_labels,
                    title='Evaluation results (tf.function):')

    model = build_custom_model(CustomModel)
    model.compile(optimizer=keras.optimizers.RMSprop())
    history = model.fit(train_images, train_labels, epochs=epochs)
    print('custom train_step, loss by epoch:', ['%.4f' % v for v in history.history['loss']])

    model = build_custom_model(CompiledCustomModel)
    model.compile(optimizer=keras.optimizers.RMSprop(),
                  loss=keras.losses.SparseCategoricalCrossentropy(),
                  metrics=[keras.metrics.SparseCategoricalAccuracy()])
    history = model.fit(train_images, train_labels, epochs=epochs)
    print('compiled_loss train_step, final logs:',
          {key: '%.4f' % values[-1] for key, values in history.history.items()})


if __name__ == "__main__":
    main()
