"""``keras.callbacks.Callback``: the base class of objects that `fit`, `evaluate` and `predict`
call at fixed points of their loops.

    class LossHistory(keras.callbacks.Callback):
        def on_train_begin(self, logs):
            self.per_batch_losses = []

        def on_batch_end(self, batch, logs):
            self.per_batch_losses.append(logs.get("loss"))

    model.fit(x, y, epochs=10, callbacks=[LossHistory()])

Hooks, in the order fit calls them:

    on_train_begin(logs)
      on_epoch_begin(epoch, logs)
        on_train_batch_begin(batch, logs) ... on_train_batch_end(batch, logs)   per batch
        on_test_begin(logs) ... on_test_batch_*  ... on_test_end(logs)          validation
      on_epoch_end(epoch, logs)     logs: the epoch's metrics, then `val_` ones
    on_train_end(logs)

`evaluate` calls on_test_*, `predict` on_predict_*. Batch-level `logs["loss"]` is the running
mean over the epoch so far. `on_batch_begin`/`on_batch_end` are the older names of
`on_train_batch_begin`/`on_train_batch_end`: the default train-batch hooks call them.
`self.model` is the model being trained; `self.params` is `{"epochs", "steps", "verbose"}`.
"""

from __future__ import annotations


class Callback:
    """Base class of callbacks: every hook does nothing; override the ones you need."""

    def __init__(self):
        self.params = None
        self._model = None

    def set_params(self, params):
        self.params = params

    def set_model(self, model):
        self._model = model

    @property
    def model(self):
        return self._model

    # -- fit ---------------------------------------------------------------------------------
    def on_train_begin(self, logs=None):
        """Called once when `fit` starts."""

    def on_train_end(self, logs=None):
        """Called once when `fit` ends; `logs` are the last epoch's."""

    def on_epoch_begin(self, epoch, logs=None):
        """Called at the start of epoch `epoch` (counted from 0)."""

    def on_epoch_end(self, epoch, logs=None):
        """Called at the end of an epoch; `logs` hold its metrics (`loss`, ...) and the
        validation ones (`val_loss`, ...)."""

    def on_train_batch_begin(self, batch, logs=None):
        """Called before training batch `batch` (counted from 0 in each epoch)."""
        self.on_batch_begin(batch, logs=logs)

    def on_train_batch_end(self, batch, logs=None):
        """Called after a training batch; `logs` hold the epoch's running metrics."""
        self.on_batch_end(batch, logs=logs)

    def on_batch_begin(self, batch, logs=None):
        """The older name of `on_train_batch_begin`."""

    def on_batch_end(self, batch, logs=None):
        """The older name of `on_train_batch_end`."""

    # -- evaluate (and fit's validation) -----------------------------------------------------
    def on_test_begin(self, logs=None):
        """Called when `evaluate` (or fit's validation) starts."""

    def on_test_end(self, logs=None):
        """Called when `evaluate` (or fit's validation) ends; `logs` hold its metrics."""

    def on_test_batch_begin(self, batch, logs=None):
        """Called before an evaluation batch."""

    def on_test_batch_end(self, batch, logs=None):
        """Called after an evaluation batch; `logs` hold the running metrics."""

    # -- predict -----------------------------------------------------------------------------
    def on_predict_begin(self, logs=None):
        """Called when `predict` starts."""

    def on_predict_end(self, logs=None):
        """Called when `predict` ends."""

    def on_predict_batch_begin(self, batch, logs=None):
        """Called before a prediction batch."""

    def on_predict_batch_end(self, batch, logs=None):
        """Called after a prediction batch; `logs["outputs"]` holds its predictions."""
