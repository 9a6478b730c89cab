"""``keras.callbacks.TerminateOnNaN``: stops training at the first NaN or infinite loss.

model.fit(x, y, callbacks=[keras.callbacks.TerminateOnNaN()])
"""

from __future__ import annotations

import math

from tapeflow.keras.callbacks.callback import Callback
from tapeflow.keras.utils.progbar import print_msg


class TerminateOnNaN(Callback):
    """After each training batch, stops training if `logs["loss"]` is NaN or infinite.

    Args:
        raise_error: False sets `model.stop_training` (the epoch ends, `on_train_end` runs);
            True raises RuntimeError at once.
    """

    def __init__(self, raise_error=False):
        super().__init__()
        self.raise_error = raise_error

    def on_batch_end(self, batch, logs=None):
        loss = (logs or {}).get("loss")
        if loss is None or math.isfinite(loss):
            return
        if self.raise_error:
            raise RuntimeError(
                f"NaN or Inf loss encountered at batch {batch}. Loss value: {loss}. "
                "Terminating training immediately."
            )
        print_msg(f"Batch {batch}: Invalid loss, terminating training")
        self.model.stop_training = True
