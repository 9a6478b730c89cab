"""``keras.callbacks.ReduceLROnPlateau``: lowers the learning rate when a quantity stops
improving.

    keras.callbacks.ReduceLROnPlateau(monitor="val_loss", factor=0.1, patience=10)

Each epoch with `logs[monitor]` present (`logs["learning_rate"]` is always added):
1. in cooldown: `cooldown_counter -= 1` and `wait = 0`;
2. if the value beats `best` by more than `min_delta`: `best` = it, `wait = 0`;
3. otherwise, out of cooldown: `wait += 1`; once `wait >= patience` and lr > min_lr,
   lr = max(lr * factor, min_lr), then `cooldown_counter = cooldown` and `wait = 0`.
mode="auto" maximizes names containing "acc" and minimizes the rest.
"""

from __future__ import annotations

import math
import warnings

import numpy as np

from tapeflow.keras.callbacks.callback import Callback
from tapeflow.keras.utils.progbar import print_msg


class ReduceLROnPlateau(Callback):
    """Multiplies the learning rate by `factor` after `patience` epochs without improvement.

    Args:
        monitor: the quantity to watch. Defaults to "val_loss".
        factor: new_lr = lr * factor (must be < 1).
        patience: epochs without improvement before the rate is lowered.
        verbose: 1 prints each change.
        mode: "auto", "min" or "max".
        min_delta: the smallest change that counts as an improvement.
        cooldown: epochs to wait after a change before counting again.
        min_lr: the rate never goes below this.
    """

    def __init__(
        self,
        monitor="val_loss",
        factor=0.1,
        patience=10,
        verbose=0,
        mode="auto",
        min_delta=1e-4,
        cooldown=0,
        min_lr=0.0,
    ):
        super().__init__()
        if factor >= 1.0:
            raise ValueError(
                f"ReduceLROnPlateau does not support a factor >= 1.0. Received factor={factor}"
            )
        if mode not in ("auto", "min", "max"):
            warnings.warn(
                f"Learning rate reduction mode {mode} is unknown, fallback to auto mode.",
                stacklevel=2,
            )
            mode = "auto"
        self.monitor = monitor
        self.factor = factor
        self.patience = patience
        self.verbose = verbose
        self.mode = mode
        self.min_delta = min_delta
        self.cooldown = cooldown
        self.min_lr = min_lr
        self._maximize = mode == "max" or (mode == "auto" and "acc" in monitor)
        self._reset()

    def _reset(self):
        self.best = -math.inf if self._maximize else math.inf
        self.cooldown_counter = 0
        self.wait = 0

    def on_train_begin(self, logs=None):
        self._reset()

    def in_cooldown(self) -> bool:
        return self.cooldown_counter > 0

    def _improves(self, current) -> bool:
        if self._maximize:
            return current > self.best + self.min_delta
        return current < self.best - self.min_delta

    def on_epoch_end(self, epoch, logs=None):
        logs = {} if logs is None else logs
        optimizer = self.model.optimizer
        logs["learning_rate"] = float(optimizer.learning_rate)
        current = logs.get(self.monitor)
        if current is None:
            warnings.warn(
                f"Learning rate reduction is conditioned on metric `{self.monitor}` which is "
                f"not available. Available metrics are: {','.join(logs)}.",
                stacklevel=2,
            )
            return
        if self.in_cooldown():
            self.cooldown_counter -= 1
            self.wait = 0
        if self._improves(current):
            self.best = current
            self.wait = 0
            return
        if self.in_cooldown():
            return
        self.wait += 1
        if self.wait < self.patience:
            return
        old_lr = float(optimizer.learning_rate)
        # The rate is a float32 variable: compare in float32 so min_lr=1e-3 stops at 1e-3.
        if old_lr > np.float32(self.min_lr):
            new_lr = max(old_lr * self.factor, self.min_lr)
            optimizer.learning_rate = new_lr
            if self.verbose > 0:
                print_msg(
                    f"Epoch {epoch + 1}: ReduceLROnPlateau reducing learning rate to {new_lr}."
                )
            self.cooldown_counter = self.cooldown
            self.wait = 0
