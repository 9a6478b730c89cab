"""``keras.callbacks.EarlyStopping``: stops training when a monitored quantity stops improving.

    keras.callbacks.EarlyStopping(monitor="val_accuracy", patience=2, restore_best_weights=True)

Each epoch (from `start_from_epoch` on) with `logs[monitor]` present:
1. `wait += 1`;
2. if the value beats `best` by more than `min_delta`: `best` = it (and its weights are kept
   when `restore_best_weights`); `wait` restarts at 0, but only if the value also beats
   `baseline` (when given);
3. otherwise, once `wait >= patience` (and never in epoch 0), `model.stop_training = True`.
So `patience=1` stops after the first epoch that does not improve. With
`restore_best_weights`, the best epoch's weights come back at the end of training whether or
not it stopped early (the first monitored epoch's if none improved).
"""

from __future__ import annotations

import warnings

from tapeflow.keras.callbacks.monitor_callback import MonitorCallback
from tapeflow.keras.utils.progbar import print_msg


class EarlyStopping(MonitorCallback):
    """Stops training when `monitor` has stopped improving.

    Args:
        monitor: the quantity to watch (a key of the epoch logs). Defaults to "val_loss".
        min_delta: the smallest change that counts as an improvement.
        patience: the number of epochs without improvement after which training stops.
        verbose: 1 prints a line when it stops and when it restores weights.
        mode: "auto", "min" or "max" (see MonitorCallback for "auto").
        baseline: a value to beat: until one epoch beats it, `wait` is never restarted, so
            training stops after `patience` epochs.
        restore_best_weights: whether to set the model's weights back to those of the best
            epoch when training ends.
        start_from_epoch: the number of warm-up epochs that are not monitored.

    Attributes:
        stopped_epoch: the epoch (from 0) at which it stopped training; 0 if it did not.
        best, best_epoch, wait: the best value so far, its epoch, epochs since it improved.
    """

    def __init__(
        self,
        monitor="val_loss",
        min_delta=0,
        patience=0,
        verbose=0,
        mode="auto",
        baseline=None,
        restore_best_weights=False,
        start_from_epoch=0,
    ):
        super().__init__(monitor, mode, min_delta)
        self.patience = patience
        self.verbose = verbose
        self.baseline = baseline
        self.restore_best_weights = restore_best_weights
        self.start_from_epoch = start_from_epoch
        self._reset()

    def _reset(self):
        self.wait = 0
        self.stopped_epoch = 0
        self.best = None  # set to the worst value once the direction is known
        self.best_weights = None
        self.best_epoch = 0

    def on_train_begin(self, logs=None):
        self._reset()  # the callback may be reused by another fit

    def on_epoch_end(self, epoch, logs=None):
        if self.monitor_op is None:
            self._set_monitor_op()
        if self.best is None:
            self.best = self._worst_value()
        current = (logs or {}).get(self.monitor)
        if current is None:
            warnings.warn(
                f"Early stopping conditioned on metric `{self.monitor}` which is not available. "
                f"Available metrics are: {','.join(logs or {})}",
                stacklevel=2,
            )
            return
        if epoch < self.start_from_epoch:
            return
        if self.restore_best_weights and self.best_weights is None:
            # Until something improves, the first monitored epoch is the best one.
            self.best_weights = self.model.get_weights()
            self.best_epoch = epoch

        self.wait += 1
        if self._is_improvement(current, self.best):
            self.best = current
            self.best_epoch = epoch
            if self.restore_best_weights:
                self.best_weights = self.model.get_weights()
            if self.baseline is None or self._is_improvement(current, self.baseline):
                self.wait = 0
            return
        if self.wait >= self.patience and epoch > 0:
            self.stopped_epoch = epoch
            self.model.stop_training = True

    def on_train_end(self, logs=None):
        if self.stopped_epoch > 0 and self.verbose > 0:
            print_msg(f"Epoch {self.stopped_epoch + 1}: early stopping")
        if self.restore_best_weights and self.best_weights is not None:
            if self.verbose > 0:
                print_msg(
                    "Restoring model weights from the end of the best epoch: "
                    f"{self.best_epoch + 1}."
                )
            self.model.set_weights(self.best_weights)
