"""``keras.callbacks.History``: records each epoch's logs; `fit` returns it.

history = model.fit(x, y, epochs=3, validation_split=0.2)
history.history["val_loss"]     # [0.52, 0.41, 0.37]: one float per epoch
history.epoch                   # [0, 1, 2]
"""

from __future__ import annotations

from tapeflow.keras.callbacks.callback import Callback


class History(Callback):
    """Records `history` (name -> list of one value per epoch) and `epoch` (the epochs run).

    `fit` adds one to its callbacks and sets `model.history` to it.
    """

    def __init__(self):
        super().__init__()
        self.history = {}
        self.epoch = []

    def on_train_begin(self, logs=None):
        self.epoch = []

    def on_epoch_end(self, epoch, logs=None):
        self.epoch.append(epoch)
        for name, value in (logs or {}).items():
            self.history.setdefault(name, []).append(value)
        if self.model is not None:
            # The model's history is the latest one, even when fit stops early or raises.
            self.model.history = self
