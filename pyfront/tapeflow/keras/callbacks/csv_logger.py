"""``keras.callbacks.CSVLogger``: writes one CSV row per epoch.

    keras.callbacks.CSVLogger("training.log", separator=",", append=False)

    epoch,accuracy,loss,val_accuracy,val_loss
    0,0.9,0.3,0.88,0.35
    ...

Columns are `epoch` (from 0) then the first epoch's log keys sorted by name, as Keras does;
a key missing later is written `NA`. Rows end in CRLF (the csv module's "excel" dialect).
"""

from __future__ import annotations

import csv
import os

import numpy as np

from tapeflow.keras.callbacks.callback import Callback


class CSVLogger(Callback):
    """Streams each epoch's logs to a CSV file.

    Args:
        filename: the CSV file's path.
        separator: the field separator.
        append: True appends to an existing file (the header is written only if it is empty);
            False overwrites it.
    """

    def __init__(self, filename, separator=",", append=False):
        super().__init__()
        self.filename = os.fspath(filename)
        self.sep = separator
        self.append = append
        self.keys = None
        self.writer = None
        self.csv_file = None
        self._write_header = True

    def on_train_begin(self, logs=None):
        if self.append:
            self._write_header = not _has_content(self.filename)
        else:
            self._write_header = True
        self._close()
        self.csv_file = open(self.filename, "a" if self.append else "w", newline="")
        self.keys = None
        self.writer = None

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        if self.keys is None:
            self.keys = sorted(logs)
        if self.writer is None:
            self.writer = csv.writer(self.csv_file, delimiter=self.sep)
            if self._write_header:
                self.writer.writerow(["epoch", *self.keys])
        self.writer.writerow([epoch, *(_cell(logs.get(key, "NA")) for key in self.keys)])
        self.csv_file.flush()

    def on_train_end(self, logs=None):
        self._close()
        self.writer = None

    def _close(self):
        if self.csv_file is not None and not self.csv_file.closed:
            self.csv_file.close()


def _has_content(filename) -> bool:
    if not os.path.exists(filename):
        return False
    with open(filename) as file:
        return bool(file.readline())


def _cell(value):
    """A value as written: strings and scalars as they are, sequences as "[a, b]"."""
    if isinstance(value, str) or np.ndim(value) == 0:
        return value
    return f"[{', '.join(map(str, np.ravel(value)))}]"
