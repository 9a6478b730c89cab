"""Reductions (csrc/ops/reduce.cpp) under TensorFlow's names and signatures.

``axis`` may be None (every axis), an int, a list or tuple of ints (negative ones count from
the end; ``()`` reduces nothing) or a 0-d/1-D integer tensor. Bad axes raise IndexError,
repeated axes and wrong dtypes InvalidArgumentError, as in TensorFlow.
"""

from __future__ import annotations

import numbers

import numpy as np

from tapeflow import _C
from tapeflow import dtypes as _dtypes
from tapeflow._convert import convert_to_tensor
from tapeflow.errors import InvalidArgumentError

_R = _C.ReduceOp
_Tensor = _C.Tensor


def _axes(axis):
    """The axes as a list of Python ints (None for every axis)."""
    if axis is None:
        return None
    kind = type(axis)
    if kind is int:  # the common cases first: no isinstance chains on the hot path
        return [axis]
    if kind is list or kind is tuple:
        if all(type(a) is int for a in axis):
            return list(axis)
        return [_one_axis(a, axis) for a in axis]
    if isinstance(axis, _Tensor) or hasattr(axis, "__tf_tensor__"):
        axis = np.asarray(convert_to_tensor(axis))  # zero-copy view
    if isinstance(axis, np.ndarray):
        if axis.dtype.kind not in "iu":
            raise TypeError(f"axis must be an integer tensor, got dtype {axis.dtype}")
        if axis.ndim > 1:
            raise InvalidArgumentError(f"axis must be 0-D or 1-D, got shape {axis.shape}")
        return [int(a) for a in axis.reshape(-1)]
    return [_one_axis(axis, axis)]


def _one_axis(a, axis):
    if isinstance(a, bool) or not isinstance(a, numbers.Integral):
        raise TypeError(f"axis must be an int, a list of ints or an integer tensor, got {axis!r}")
    return int(a)


def _reducer(op, name, doc):
    def fn(input_tensor, axis=None, keepdims=False, name=None):
        x = input_tensor if type(input_tensor) is _Tensor else convert_to_tensor(input_tensor)
        return _C.reduce(op, x, _axes(axis), bool(keepdims))

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"""{doc}

    Args:
      input_tensor: the tensor to reduce.
      axis: None (all axes), an int, a list/tuple of ints or a 1-D integer tensor.
      keepdims: keep each reduced axis with length 1.

    Example: ``tf.{name}([[1, 2], [3, 4]], axis=0)`` reduces the columns.
    """
    return fn


reduce_sum = _reducer(_R.sum, "reduce_sum", "Sum over the axes (numeric; integers wrap).")
reduce_prod = _reducer(_R.prod, "reduce_prod", "Product over the axes (numeric); empty gives 1.")
reduce_max = _reducer(
    _R.max, "reduce_max", "Max over the axes (numeric); NaN wins; empty gives -inf or lowest."
)
reduce_min = _reducer(
    _R.min, "reduce_min", "Min over the axes (numeric); NaN wins; empty gives +inf or highest."
)
reduce_mean = _reducer(
    _R.mean,
    "reduce_mean",
    "Mean over the axes; integer inputs give the truncated integer mean, as in TensorFlow.",
)
reduce_any = _reducer(_R.any, "reduce_any", "Logical or over the axes (bool only).")
reduce_all = _reducer(_R.all, "reduce_all", "Logical and over the axes (bool only).")


def reduce_logsumexp(input_tensor, axis=None, keepdims=False, name=None):
    """log(sum(exp(x))) over the axes, max-subtracted: no overflow, -inf for all -inf."""
    x = input_tensor if type(input_tensor) is _Tensor else convert_to_tensor(input_tensor)
    return _C.reduce_logsumexp(x, _axes(axis), bool(keepdims))


def _single_axis(axis, default, what):
    """One axis as a Python int: an int or a 0-d integer tensor (TF's `dimension`)."""
    if axis is None:
        return default
    if type(axis) is int:
        return axis
    if isinstance(axis, (_Tensor, np.ndarray)) or hasattr(axis, "__tf_tensor__"):
        array = axis if isinstance(axis, np.ndarray) else np.asarray(convert_to_tensor(axis))
        if array.dtype.kind not in "iu":
            raise TypeError(f"{what}: axis must be an integer, got dtype {array.dtype}")
        if array.ndim != 0:
            raise InvalidArgumentError(f"{what}: axis must be a scalar, got shape {array.shape}")
        return int(array)
    if isinstance(axis, (list, tuple)):
        raise InvalidArgumentError(f"{what}: axis must be a single int, got {axis!r}")
    return _one_axis(axis, axis)


def _arg(is_max, input, axis, output_type, what):  # noqa: A002
    x = input if type(input) is _Tensor else convert_to_tensor(input)
    out = output_type if isinstance(output_type, _dtypes.DType) else _dtypes.as_dtype(output_type)
    return _C.arg_reduce(is_max, x, _single_axis(axis, 0, what), out._c)


def argmax(input, axis=None, output_type=_dtypes.int64, name=None):  # noqa: A002
    """Index of the largest value along `axis` (default 0, as in TensorFlow); the first index
    wins ties and the first NaN wins over numbers (NumPy's rule). output_type int64 or int32."""
    return _arg(True, input, axis, output_type, "argmax")


def argmin(input, axis=None, output_type=_dtypes.int64, name=None):  # noqa: A002
    """Index of the smallest value along `axis` (default 0, as in TensorFlow); the first
    index wins ties and the first NaN wins over numbers. output_type int64 or int32."""
    return _arg(False, input, axis, output_type, "argmin")


__all__ = [
    "reduce_sum",
    "reduce_prod",
    "reduce_max",
    "reduce_min",
    "reduce_any",
    "reduce_all",
    "reduce_mean",
    "reduce_logsumexp",
    "argmax",
    "argmin",
]
