"""The softmax family (csrc/ops/nn.cpp)."""

from __future__ import annotations

from tapeflow import _C
from tapeflow._convert import convert_to_tensor
from tapeflow.ops.reduce import _single_axis


def softmax(logits, axis=None, name=None):
    """exp(x) / sum(exp(x)) along `axis` (default -1), max-subtracted for stability."""
    return _C.softmax(convert_to_tensor(logits), _single_axis(axis, -1))


def log_softmax(logits, axis=None, name=None):
    """x - log(sum(exp(x))) along `axis` (default -1), without overflow."""
    return _C.log_softmax(convert_to_tensor(logits), _single_axis(axis, -1))


__all__ = ["softmax", "log_softmax"]
