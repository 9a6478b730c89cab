"""Reductions (csrc/ops/reduce.cpp): ``axis`` may be None (all axes), an int, a list or tuple of
ints (negative counts from the end) or a 0-d/1-D integer tensor."""

from __future__ import annotations

import numbers

import numpy as np

from tapeflow import _C
from tapeflow import dtypes as _dtypes
from tapeflow._convert import convert_to_tensor

_R = _C.ReduceOp


def _axes(axis):
    if axis is None:
        return None
    if isinstance(axis, bool):
        raise TypeError(f"axis must be an int or a list of ints, got {axis!r}")
    if isinstance(axis, numbers.Integral):
        return [int(axis)]
    if isinstance(axis, _C.Tensor) or hasattr(axis, "__tf_tensor__"):
        axis = np.asarray(convert_to_tensor(axis))
    if isinstance(axis, np.ndarray):
        if axis.dtype.kind not in "iu" or axis.ndim > 1:
            raise TypeError(f"axis must be a 0-d or 1-D integer tensor, got dtype {axis.dtype} "
                            f"and shape {axis.shape}")
        return [int(a) for a in axis.reshape(-1)]
    if isinstance(axis, (list, tuple)):
        for a in axis:
            if isinstance(a, bool) or not isinstance(a, numbers.Integral):
                raise TypeError(f"axis must be an int or a list of ints, got {axis!r}")
        return [int(a) for a in axis]
    raise TypeError(f"axis must be an int or a list of ints, got {axis!r}")


def _reducer(op):
    def fn(input_tensor, axis=None, keepdims=False, name=None):
        return _C.reduce(op, convert_to_tensor(input_tensor), _axes(axis), bool(keepdims))

    return fn


reduce_sum = _reducer(_R.sum)
reduce_prod = _reducer(_R.prod)
reduce_max = _reducer(_R.max)
reduce_min = _reducer(_R.min)
reduce_any = _reducer(_R.any)
reduce_all = _reducer(_R.all)


def reduce_mean(input_tensor, axis=None, keepdims=False, name=None):
    """Mean over the axes; integer inputs give a truncated integer mean, as in TensorFlow."""
    return _C.reduce_mean(convert_to_tensor(input_tensor), _axes(axis), bool(keepdims))


def reduce_logsumexp(input_tensor, axis=None, keepdims=False, name=None):
    """log(sum(exp(x))) over the axes, computed without overflow."""
    return _C.reduce_logsumexp(convert_to_tensor(input_tensor), _axes(axis), bool(keepdims))


def _single_axis(axis, default):
    if axis is None:
        return default
    axes = _axes(axis)
    if len(axes) != 1:
        raise ValueError(f"expected a single axis, got {axis!r}")
    return axes[0]


def argmax(input, axis=None, output_type=_dtypes.int64, name=None):  # noqa: A002
    """Index of the largest value along `axis` (default 0, as in TensorFlow)."""
    out = _dtypes.as_dtype(output_type)
    return _C.arg_reduce(True, convert_to_tensor(input), _single_axis(axis, 0), out._c)


def argmin(input, axis=None, output_type=_dtypes.int64, name=None):  # noqa: A002
    """Index of the smallest value along `axis` (default 0, as in TensorFlow)."""
    out = _dtypes.as_dtype(output_type)
    return _C.arg_reduce(False, convert_to_tensor(input), _single_axis(axis, 0), out._c)


__all__ = ["reduce_sum", "reduce_prod", "reduce_max", "reduce_min", "reduce_any", "reduce_all",
           "reduce_mean", "reduce_logsumexp", "argmax", "argmin"]
