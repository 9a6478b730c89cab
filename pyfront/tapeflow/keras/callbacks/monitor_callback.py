"""The shared base of callbacks that watch one logged quantity (EarlyStopping,
ModelCheckpoint): which direction is better, and what counts as an improvement.

mode="auto" decides the direction from the monitored name, `val_` prefix removed:
- `loss` (or a name ending in `_loss`): lower is better;
- the name of one of the model's compiled metrics: that metric's direction (accuracies, AUC,
  precision and recall up; errors and cross-entropies down);
- otherwise a name ending in `acc`, `accuracy` or `auc`: higher is better;
- otherwise ValueError, as in Keras 3: pass mode="min" or mode="max".
"""

from __future__ import annotations

import math
import operator
import warnings

from tapeflow.keras.callbacks.callback import Callback

_MODES = ("auto", "min", "max")


class MonitorCallback(Callback):
    """Watches `logs[monitor]`.

    Args:
        monitor: the logged name to watch (`val_loss`, `accuracy`, ...).
        mode: "min", "max" or "auto" (see the module docstring); anything else warns and
            falls back to "auto".
        min_delta: the smallest change that counts as an improvement (its sign is ignored).
    """

    def __init__(self, monitor="val_loss", mode="auto", min_delta=0):
        super().__init__()
        if mode not in _MODES:
            warnings.warn(
                f"{type(self).__name__} mode '{mode}' is unknown, fallback to auto mode.",
                stacklevel=3,
            )
            mode = "auto"
        self.monitor = monitor
        self.mode = mode
        self.min_delta = abs(min_delta)
        self.monitor_op = None  # operator.lt or operator.gt, set by _set_monitor_op

    def _set_monitor_op(self):
        """Resolves the direction; in "auto" mode the model's metrics must exist by now (the
        first epoch's end), so callers resolve it lazily."""
        if self.mode == "min":
            self.monitor_op = operator.lt
        elif self.mode == "max":
            self.monitor_op = operator.gt
        else:
            self.monitor_op = _direction_of(self.monitor.removeprefix("val_"), self.model)
        if self.monitor_op is None:
            raise ValueError(
                f"{type(self).__name__} callback received monitor={self.monitor}, but it cannot "
                "tell whether that metric should be maximized or minimized. Pass `mode='max'` "
                "to use the highest value, or `mode='min'` to use the lowest value."
            )

    def _worst_value(self) -> float:
        return math.inf if self.monitor_op is operator.lt else -math.inf

    def _is_improvement(self, value, reference) -> bool:
        """Whether `value` beats `reference` by more than min_delta."""
        if reference is None:
            return True
        if self.monitor_op is operator.lt:
            return value + self.min_delta < reference
        return value - self.min_delta > reference


def _direction_of(name, model):
    """operator.lt (lower is better), operator.gt, or None when unknown."""
    if name == "loss" or name.endswith("_loss"):
        return operator.lt
    for metric in _compiled_metrics(model):
        direction = getattr(metric, "_direction", None)
        if getattr(metric, "name", None) == name and direction in ("up", "down"):
            return operator.gt if direction == "up" else operator.lt
    if name.endswith(("acc", "accuracy", "auc")):
        return operator.gt
    return None


def _compiled_metrics(model):
    """The model's metrics, with metric containers (objects holding `.metrics`) flattened."""
    pending = list(getattr(model, "metrics", None) or [])
    while pending:
        metric = pending.pop(0)
        inner = getattr(metric, "metrics", None)
        if isinstance(inner, (list, tuple)) and inner is not metric:
            pending[:0] = inner
        else:
            yield metric
