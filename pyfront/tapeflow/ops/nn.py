"""The softmax family (csrc/ops/nn.cpp): numerically stable, float32/float64 only."""

from __future__ import annotations

from tapeflow import _C
from tapeflow._convert import convert_to_tensor
from tapeflow.ops.reduce import _single_axis

_Tensor = _C.Tensor


def softmax(logits, axis=None, name=None):
    """exp(x) / sum(exp(x)) along `axis` (None means -1), max-subtracted for stability.

    Example: ``tf.nn.softmax([[1.0, 1.0]])`` is ``[[0.5, 0.5]]``.
    """
    x = logits if type(logits) is _Tensor else convert_to_tensor(logits)
    return _C.softmax(x, _single_axis(axis, -1, "softmax"))


def log_softmax(logits, axis=None, name=None):
    """x - log(sum(exp(x))) along `axis` (None means -1), without overflow."""
    x = logits if type(logits) is _Tensor else convert_to_tensor(logits)
    return _C.log_softmax(x, _single_axis(axis, -1, "log_softmax"))


__all__ = ["softmax", "log_softmax"]
