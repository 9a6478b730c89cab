"""``keras.callbacks.ProgbarLogger``: prints the progress bar of `fit`, `evaluate` and
`predict`; `fit` adds one unless `verbose=0`.

    Epoch 1/3
    32/32 ━━━━━━━━━━━━━━━━━━━━ 1s 12ms/step - loss: 0.3000 - accuracy: 0.9000 - val_loss: ...

`Epoch i/N` is printed only when N > 1. Metrics keep the logs' order except that `loss` comes
first, and `val_loss` first among the `val_` ones, as the book prints them (Keras 3 sorts them
alphabetically instead). Validation inside `fit` prints nothing of its own.
"""

from __future__ import annotations

from tapeflow.keras.callbacks.callback import Callback
from tapeflow.keras.utils.progbar import Progbar, print_msg


class ProgbarLogger(Callback):
    """Prints metrics to stdout as a progress bar (see `keras.utils.Progbar`).

    Its verbosity, epoch count and steps per epoch come from `params` (`set_params`):
    verbose 1 (or "auto") draws the bar, 2 prints one line per epoch.
    """

    def __init__(self):
        super().__init__()
        self.seen = 0
        self.progbar = None
        self.target = None
        self.verbose = 1
        self.epochs = 1
        self._called_in_fit = False

    def set_params(self, params):
        super().set_params(params)
        verbose = params.get("verbose", 1)
        self.verbose = 1 if verbose == "auto" else verbose
        self.epochs = params.get("epochs", 1)
        self.target = params.get("steps")

    def on_train_begin(self, logs=None):
        self._called_in_fit = True  # validation inside fit stays silent

    def on_train_end(self, logs=None):
        self._called_in_fit = False

    def on_epoch_begin(self, epoch, logs=None):
        self._new_progbar()
        if self.verbose and self.epochs > 1:
            print_msg(f"Epoch {epoch + 1}/{self.epochs}")

    def on_train_batch_end(self, batch, logs=None):
        self._update(batch, logs)

    def on_epoch_end(self, epoch, logs=None):
        self._finalize(logs)

    def on_test_begin(self, logs=None):
        if not self._called_in_fit:
            self._new_progbar()

    def on_test_batch_end(self, batch, logs=None):
        if not self._called_in_fit:
            self._update(batch, logs)

    def on_test_end(self, logs=None):
        if not self._called_in_fit:
            self._finalize(logs)

    def on_predict_begin(self, logs=None):
        self._new_progbar()

    def on_predict_batch_end(self, batch, logs=None):
        self._update(batch, None)  # the logs hold the predictions: nothing to print

    def on_predict_end(self, logs=None):
        self._finalize(None)

    # -- internals ---------------------------------------------------------------------------
    def _new_progbar(self):
        self.seen = 0
        self.progbar = None
        if self.verbose:
            # Logged metrics are already running means: shown as given, never re-averaged.
            self.progbar = Progbar(self.target, verbose=self.verbose, stateless_metrics=())

    def _update(self, batch, logs):
        self.seen = batch + 1
        if self.verbose == 1 and self.progbar is not None:
            self.progbar.update(self.seen, _loss_first(logs), finalize=False)

    def _finalize(self, logs):
        if self.progbar is None:
            return
        if self.target is None:
            # Unknown steps (a generator): the first epoch's count is the next epochs' target.
            self.target = self.progbar.target = self.seen
        self.progbar.update(self.target, _loss_first(logs), finalize=True)


def _loss_first(logs) -> list:
    """The logs as (name, value) pairs: training metrics then `val_` ones, each group in the
    logs' order but with its loss first."""
    items = list((logs or {}).items())
    return sorted(
        items, key=lambda kv: (kv[0].startswith("val_"), kv[0] not in ("loss", "val_loss"))
    )
