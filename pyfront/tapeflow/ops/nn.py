"""The softmax family (csrc/ops/nn.cpp): numerically stable, float32/float64 only; the
fused softmax cross-entropy with integer labels; and the fused dense op behind
keras.layers.Dense (csrc/ops/dense.cpp)."""

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


def _dense(x, kernel, bias=None, activation="linear"):
    """``activation(x @ kernel + bias)`` in one GEMM, the bias add and the activation fused
    into its write-back; x (..., K), kernel (K, N), bias (N,) or None. activation: "linear",
    "relu", "sigmoid" or "tanh". Differentiable like the composite it replaces."""
    x, kernel = convert_to_tensor(x), convert_to_tensor(kernel)
    if bias is not None:
        bias = convert_to_tensor(bias)
    return _C.dense(x, kernel, bias, activation)


def sparse_softmax_cross_entropy_with_logits(labels, logits, name=None):
    """-log(softmax(logits)[label]) per row: labels (...) int32/int64 in [0, C), logits (..., C)
    float; the result has the labels' shape. Fused: one pass forward, one backward.

    Example: ``tf.nn.sparse_softmax_cross_entropy_with_logits([0], [[0.0, 0.0]])`` is
    ``[0.6931472]`` (log 2).
    """
    x = logits if type(logits) is _Tensor else convert_to_tensor(logits)
    y = labels if type(labels) is _Tensor else convert_to_tensor(labels)
    return _C.sparse_softmax_cross_entropy(x, y)


__all__ = ["softmax", "log_softmax", "sparse_softmax_cross_entropy_with_logits"]
