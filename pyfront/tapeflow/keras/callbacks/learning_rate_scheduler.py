"""``keras.callbacks.LearningRateScheduler``: sets the learning rate at each epoch's start.

    def schedule(epoch, lr):
        return lr if epoch < 10 else lr * 0.9

    model.fit(x, y, epochs=20, callbacks=[keras.callbacks.LearningRateScheduler(schedule)])

`schedule(epoch, lr)` gets the epoch (from 0) and the current rate as a float and returns a
float; a one-argument `schedule(epoch)` also works. Each epoch's logs get `learning_rate`.
"""

from __future__ import annotations

import inspect

import numpy as np

import tapeflow as tf
from tapeflow.keras.callbacks.callback import Callback
from tapeflow.keras.utils.progbar import print_msg


class LearningRateScheduler(Callback):
    """Sets `model.optimizer.learning_rate = schedule(epoch, lr)` before each epoch.

    Args:
        schedule: `f(epoch, lr) -> float` (or `f(epoch) -> float`).
        verbose: 1 prints the new rate every epoch.
    """

    def __init__(self, schedule, verbose=0):
        super().__init__()
        if not callable(schedule):
            raise TypeError(
                f"LearningRateScheduler: `schedule` must be callable; received {schedule!r}"
            )
        self.schedule = schedule
        self.verbose = verbose
        self._takes_lr = _accepts_two_arguments(schedule)

    def on_epoch_begin(self, epoch, logs=None):
        optimizer = self.model.optimizer
        if not hasattr(optimizer, "learning_rate"):
            raise ValueError('Optimizer must have a "learning_rate" attribute.')
        if self._takes_lr:
            learning_rate = self.schedule(epoch, float(optimizer.learning_rate))
        else:
            learning_rate = self.schedule(epoch)
        if isinstance(learning_rate, tf.Tensor) and learning_rate.shape == ():
            learning_rate = float(learning_rate)
        if not isinstance(learning_rate, (float, np.floating)):
            raise ValueError(
                f"The output of the `schedule` function should be a float. Got: {learning_rate!r}"
            )
        optimizer.learning_rate = float(learning_rate)
        if self.verbose > 0:
            print_msg(
                f"Epoch {epoch + 1}: LearningRateScheduler setting learning rate to "
                f"{float(learning_rate)}."
            )

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None:
            logs["learning_rate"] = float(self.model.optimizer.learning_rate)


def _accepts_two_arguments(function) -> bool:
    """Whether `function(epoch, lr)` binds (else the schedule is the older `f(epoch)`)."""
    try:
        inspect.signature(function).bind(0, 0.0)
    except TypeError:
        return False
    except ValueError:  # no signature (some builtins): assume the current API
        return True
    return True
