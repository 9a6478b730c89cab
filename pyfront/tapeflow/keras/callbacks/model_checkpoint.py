"""``keras.callbacks.ModelCheckpoint``: saves the model (or its weights) during training.

    keras.callbacks.ModelCheckpoint("best.keras", monitor="val_loss", save_best_only=True)
    keras.callbacks.ModelCheckpoint("ckpt/{epoch:02d}-{val_loss:.2f}.weights.h5",
                                    save_weights_only=True)

The path must end in `.keras` to save the whole model with `model.save`, or in
`.weights.h5` with `save_weights_only=True` (`model.save_weights`); anything else is a
ValueError when the callback is made. `{epoch}` (from 1), `{batch}` (from 1, with an integer
save_freq) and any log key are filled in with `str.format`.

NOTE (a deliberate Keras 2 compatibility deviation, see keras/saving/saving_api.py): a path
with no suffix at all, like the book's `ModelCheckpoint(filepath='my_checkpoint_path')`, is
accepted and gets the `.keras` zip written at exactly that path, which
`keras.models.load_model('my_checkpoint_path')` reads back. The legacy `.h5` model format
is not supported.
"""

from __future__ import annotations

import numbers
import os
import warnings

from tapeflow.keras.callbacks.monitor_callback import MonitorCallback
from tapeflow.keras.utils.progbar import print_msg


class ModelCheckpoint(MonitorCallback):
    """Saves the model or its weights after every epoch, or every `save_freq` batches.

    Args:
        filepath: where to save; may hold `{epoch:02d}`, `{batch}` and log fields.
        monitor: the logged quantity that decides what is best (with `save_best_only`).
        verbose: 1 prints a line for each decision.
        save_best_only: save only when `monitor` improves on the best value so far (a
            filepath without fields is then always the best model).
        save_weights_only: save only the weights (`model.save_weights`), not the whole model.
        mode: "auto", "min" or "max" (see MonitorCallback for "auto").
        save_freq: "epoch", or an integer: save after every that many training batches.
        initial_value_threshold: the best value to beat before the first save (with
            `save_best_only`).
    """

    def __init__(
        self,
        filepath,
        monitor="val_loss",
        verbose=0,
        save_best_only=False,
        save_weights_only=False,
        mode="auto",
        save_freq="epoch",
        initial_value_threshold=None,
    ):
        super().__init__(monitor, mode)
        self.filepath = os.fspath(filepath)
        self.verbose = verbose
        self.save_best_only = save_best_only
        self.save_weights_only = save_weights_only
        self.save_freq = save_freq
        self.best = initial_value_threshold
        self._current_epoch = 0
        self._batches_since_last_save = 0
        self._last_batch_seen = 0
        if save_freq != "epoch" and not (
            isinstance(save_freq, numbers.Integral)
            and not isinstance(save_freq, bool)
            and save_freq > 0
        ):
            raise ValueError(
                f"Unrecognized save_freq: {save_freq}. Expected save_freq are 'epoch' or "
                "positive integer values"
            )
        if save_weights_only:
            if not self.filepath.endswith(".weights.h5"):
                raise ValueError(
                    "When using `save_weights_only=True` in `ModelCheckpoint`, the filepath "
                    "provided must end in `.weights.h5` (Keras weights format). Received: "
                    f"filepath={self.filepath}"
                )
        elif not (self.filepath.endswith(".keras") or _has_no_suffix(self.filepath)):
            raise ValueError(
                "The filepath provided must end in `.keras` (Keras model format). Received: "
                f"filepath={self.filepath}"
            )

    def on_epoch_begin(self, epoch, logs=None):
        self._current_epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        if self.save_freq == "epoch":
            return
        # A batch index not above the last one means a new epoch began.
        if batch <= self._last_batch_seen:
            self._batches_since_last_save += batch + 1
        else:
            self._batches_since_last_save += batch - self._last_batch_seen
        self._last_batch_seen = batch
        if self._batches_since_last_save >= self.save_freq:
            self._batches_since_last_save = 0
            self._save(self._current_epoch, batch, logs)

    def on_epoch_end(self, epoch, logs=None):
        if self.save_freq == "epoch":
            self._save(epoch, None, logs)

    def _save(self, epoch, batch, logs):
        logs = logs or {}
        filepath = self._format_filepath(epoch, batch, logs)
        if not self._should_save(epoch, logs, filepath):
            return
        directory = os.path.dirname(filepath)
        if directory:
            os.makedirs(directory, exist_ok=True)
        if os.path.isdir(filepath):
            raise OSError(
                "Please specify a non-directory filepath for ModelCheckpoint. Filepath used is "
                f"an existing directory: {filepath}"
            )
        if self.save_weights_only:
            self.model.save_weights(filepath)
        else:
            self.model.save(filepath)
        if self.verbose > 0:
            print_msg(f"Epoch {epoch + 1}: finished saving model to {filepath}")

    def _should_save(self, epoch, logs, filepath) -> bool:
        if not self.save_best_only:
            if self.verbose > 0:
                print_msg(f"Epoch {epoch + 1}: saving model to {filepath}")
            return True
        current = logs.get(self.monitor)
        if current is None:
            warnings.warn(f"Can save best model only with {self.monitor} available.", stacklevel=3)
            return True
        if self.monitor_op is None:
            self._set_monitor_op()
        if self.best is None:
            self.best = self._worst_value()
        if self._is_improvement(current, self.best):
            if self.verbose > 0:
                print_msg(
                    f"Epoch {epoch + 1}: {self.monitor} improved from {self.best:.5f} to "
                    f"{current:.5f}, saving model to {filepath}"
                )
            self.best = current
            return True
        if self.verbose > 0:
            print_msg(f"Epoch {epoch + 1}: {self.monitor} did not improve from {self.best:.5f}")
        return False

    def _format_filepath(self, epoch, batch, logs) -> str:
        fields = dict(logs, epoch=epoch + 1)
        if batch is not None and "batch" not in logs:
            fields["batch"] = batch + 1
        try:
            return self.filepath.format(**fields)
        except KeyError as error:
            raise KeyError(
                f'Failed to format this callback filepath: "{self.filepath}". Reason: {error}'
            ) from None


def _has_no_suffix(filepath: str) -> bool:
    """A Keras 2 style path (the book's 'my_checkpoint_path'): its last component has no
    dot; format fields are not looked into."""
    from tapeflow.keras.saving import saving_api

    return saving_api.has_no_suffix(filepath)
