"""Section 7.3: the built-in training loop with your own metric and callbacks: the MNIST model
of 7.3, a custom RootMeanSquaredError metric, EarlyStopping with ModelCheckpoint, a LossHistory
callback recording per-batch losses, and the TensorBoard callback.

    python examples/ch7_metrics_callbacks.py           # MNIST (or its offline stand-in)
    python examples/ch7_metrics_callbacks.py --quick   # a subset, 1-2 epochs per run

The book's code with the imports changed, the validation size taken from the data (the book
holds out 10,000 of 60,000 images: one sixth) and two errata fixed (marked ERRATUM). Files go
to the working folder: checkpoint.keras (when model saving is available), plot_at_epoch_N.png
(when matplotlib is installed) and logs/ for TensorBoard (when tensorboard is installed:
view them with `tensorboard --logdir logs`).
"""

import argparse

import book_data
import tapeflow as tf
from tapeflow import keras
from tapeflow.keras import layers

try:
    from matplotlib import pyplot as plt
except ImportError:
    plt = None  # LossHistory prints the losses instead of plotting them


# 7.3: the standard workflow: compile(), fit(), evaluate(), predict()
def get_mnist_model():
    inputs = keras.Input(shape=(28 * 28,))
    features = layers.Dense(512, activation='relu')(inputs)
    features = layers.Dropout(0.5)(features)
    outputs = layers.Dense(10, activation='softmax')(features)
    model = keras.Model(inputs, outputs)
    return model


# 7.3.1 Writing your own metrics
class RootMeanSquaredError(keras.metrics.Metric):

    def __init__(self, name='rmse', **kwargs):
        super(RootMeanSquaredError, self).__init__(name=name, **kwargs)
        self.mse_sum = self.add_weight(
            name='mse_sum', initializer='zeros')
        self.total_samples = self.add_weight(
            name='total_samples', initializer='zeros', dtype='int32')

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true = tf.one_hot(y_true, depth=tf.shape(y_pred)[1])
        mse = tf.reduce_sum(tf.square(y_true - y_pred))
        self.mse_sum.assign_add(mse)
        num_samples = tf.shape(y_pred)[0]
        self.total_samples.assign_add(num_samples)

    # ERRATUM (X19): the book prints result() and reset_states() outside the class.
    def result(self):
        return tf.sqrt(self.mse_sum / tf.cast(self.total_samples, tf.float32))

    def reset_states(self):
        self.mse_sum.assign(0.)
        self.total_samples.assign(0)


# 7.3.2 Using callbacks: EarlyStopping and ModelCheckpoint, as in the book. Its
# 'my_checkpoint_path' has no extension (Keras 2 wrote a SavedModel folder there): tapeflow
# writes the `.keras` zip at that path and load_model reads it back.
def early_stopping_and_checkpoint():
    """The book's callbacks_list of 7.3.2 (a new list at each call: callbacks keep state)."""
    callbacks_list = [
        keras.callbacks.EarlyStopping(
            monitor='accuracy',
            patience=1,
        ),
        keras.callbacks.ModelCheckpoint(
            filepath='my_checkpoint_path',
            monitor='val_loss',
            save_best_only=True,
        ),
    ]
    return callbacks_list


def fit_with_callbacks(callbacks_list, train_images, train_labels, val_images, val_labels,
                       epochs):
    """The training run the book writes for each callback of 7.3.2 and 7.3.3: a new MNIST model
    compiled as in 7.3, fit with `callbacks_list` (epochs=10 in the book); returns
    (model, history)."""
    model = get_mnist_model()
    model.compile(optimizer='rmsprop',
                  loss='sparse_categorical_crossentropy',
                  metrics=['accuracy'])
    history = model.fit(train_images, train_labels,
                        epochs=epochs,
                        callbacks=callbacks_list,
                        validation_data=(val_images, val_labels))
    return model, history


# 7.3.3 Writing your own callbacks
class LossHistory(keras.callbacks.Callback):
    def on_train_begin(self, logs):
        self.per_batch_losses = []

    def on_batch_end(self, batch, logs):
        self.per_batch_losses.append(logs.get("loss"))

    def on_epoch_end(self, epoch, logs):
        if plt is not None:
            plt.clf()
            plt.plot(range(len(self.per_batch_losses)), self.per_batch_losses,
                     label='Training loss for each batch')
            plt.xlabel('Batch (epoch %d)' % (epoch,))
            plt.ylabel('Loss')
            plt.legend()
            plt.savefig('plot_at_epoch_%d' % (epoch,))
        print('LossHistory: epoch %d, %d batch losses from %.4f to %.4f'
              % (epoch, len(self.per_batch_losses), self.per_batch_losses[0],
                 self.per_batch_losses[-1]))
        self.per_batch_losses = []


def main():
    parser = argparse.ArgumentParser(description="Section 7.3: custom metric and callbacks")
    parser.add_argument("--quick", action="store_true", help="a small subset and 1-2 epochs")
    args = parser.parse_args()

    mnist = book_data.dataset("mnist", quick=args.quick)
    (images, labels), (test_images, test_labels) = mnist.load_data()
    images = images.reshape((len(images), 28 * 28)).astype('float32') / 255  # the book: 60000
    test_images = test_images.reshape((len(test_images), 28 * 28)).astype('float32') / 255
    num_validation = len(images) // 6  # the book: 10000
    train_images, val_images = images[num_validation:], images[:num_validation]
    train_labels, val_labels = labels[num_validation:], labels[:num_validation]

    model = get_mnist_model()
    model.compile(optimizer='rmsprop',
                  loss='sparse_categorical_crossentropy',
                  metrics=['accuracy'])
    model.fit(train_images, train_labels,
              epochs=1 if args.quick else 3,
              validation_data=(val_images, val_labels))
    test_metrics = model.evaluate(test_images, test_labels)
    predictions = model.predict(test_images)  # noqa: F841 (as printed)
    print('test loss, test accuracy:', test_metrics)

    model = get_mnist_model()
    model.compile(optimizer='rmsprop',
                  loss='sparse_categorical_crossentropy',
                  metrics=['accuracy', RootMeanSquaredError()])
    model.fit(train_images, train_labels,
              epochs=1 if args.quick else 3,
              validation_data=(val_images, val_labels))
    test_metrics = model.evaluate(test_images, test_labels)
    print('test loss, accuracy, rmse:', test_metrics)

    callbacks_list = early_stopping_and_checkpoint()
    model, history = fit_with_callbacks(callbacks_list, train_images, train_labels,
                                        val_images, val_labels, epochs=2 if args.quick else 10)
    print('EarlyStopping: trained %d epochs' % len(history.history['loss']))
    model = keras.models.load_model('my_checkpoint_path')
    print('reloaded the best model: test loss, accuracy:',
          model.evaluate(test_images, test_labels, verbose=0))

    fit_with_callbacks([LossHistory()], train_images, train_labels,
                       val_images, val_labels, epochs=2 if args.quick else 10)

    # 7.3.4 Monitoring and visualization with TensorBoard
    model = get_mnist_model()
    model.compile(optimizer='rmsprop',
                  loss='sparse_categorical_crossentropy',
                  metrics=['accuracy'])
    try:
        tensorboard = keras.callbacks.TensorBoard(
            log_dir='logs',
        )
    except ImportError as error:
        print('NOTICE: no TensorBoard logs:', error)
    else:
        # ERRATUM (X21): the book fits on x_train, y_train, x_val, y_val, undefined in chapter 7.
        model.fit(train_images, train_labels, epochs=1 if args.quick else 10,
                  validation_data=(val_images, val_labels),
                  callbacks=[tensorboard])
        print('TensorBoard logs written to logs/ (view them with: tensorboard --logdir logs)')


if __name__ == "__main__":
    main()
