"""Creation ops (csrc/ops/creation.cpp, one_hot in csrc/ops/index.cpp), with TensorFlow's
names, defaults and dtype rules: Python ints give int32, floats float32.

    tf.constant([[1, 2], [3, 4]])           # int32, shape (2, 2)
    tf.constant(0.5, shape=(2, 3))          # filled, float32
    tf.range(5), tf.range(0.0, 1.0, 0.25)   # int32, float32
    tf.one_hot([0, 2], depth=3)             # float32 rows of the identity
"""

from __future__ import annotations

import builtins
import numbers

from tapeflow import _C
from tapeflow import dtypes as _dtypes
from tapeflow._convert import convert_to_tensor

Tensor = _C.Tensor


def _t(x):
    return x if type(x) is Tensor else convert_to_tensor(x)


def _dims(shape):
    """A shape argument; a single int means a 1-D shape, as TensorFlow reads it."""
    if type(shape) is int or (
        isinstance(shape, numbers.Integral) and not isinstance(shape, builtins.bool)
    ):
        return [shape]
    return shape


def constant(value, dtype=None, shape=None, name=None):
    """A tensor holding `value` (any nest of numbers, a NumPy array or a tensor). With `shape`,
    a one-element value is filled into it and a value of the same size reshaped to it."""
    if dtype is not None:
        dtype = _dtypes.as_dtype(dtype)
    if isinstance(value, Tensor) and dtype is not None and value._dtype != dtype._c:
        raise TypeError(f"Expected tensor {value!r} with dtype {dtype!r}, but got dtype "
                        f"{_dtypes.from_c(value._dtype)!r}.")
    t = convert_to_tensor(value, dtype=dtype)
    if shape is None:
        return t
    dims = list(_dims(shape))
    if any(d is None for d in dims):
        raise ValueError(f"tf.constant needs a fully known shape, got {dims}")
    count = 1
    for d in dims:
        count *= d
    if tuple(dims) == tuple(t._shape):
        return t
    if t._numel == count:
        return _C.reshape(t, dims)
    if t._numel == 1:
        return _C.fill(dims, _C.reshape(t, []))
    raise TypeError(f"Eager execution of tf.constant with unsupported shape (value has "
                    f"{t._numel} elements, shape is {tuple(dims)} with {count} elements).")


def zeros(shape, dtype=_dtypes.float32, name=None, layout=None):
    return _C.zeros(_dims(shape), _dtypes.as_dtype(dtype)._c)


def ones(shape, dtype=_dtypes.float32, name=None, layout=None):
    return _C.ones(_dims(shape), _dtypes.as_dtype(dtype)._c)


def zeros_like(input, dtype=None, name=None, layout=None):  # noqa: A002
    x = _t(input)
    return _C.zeros(x._shape, x._dtype if dtype is None else _dtypes.as_dtype(dtype)._c)


def ones_like(input, dtype=None, name=None, layout=None):  # noqa: A002
    x = _t(input)
    return _C.ones(x._shape, x._dtype if dtype is None else _dtypes.as_dtype(dtype)._c)


def fill(dims, value, name=None, layout=None):
    """A tensor of shape `dims` filled with the scalar `value` (whose dtype it takes)."""
    return _C.fill(_dims(dims), _t(value))


def eye(num_rows, num_columns=None, batch_shape=None, dtype=_dtypes.float32, name=None):
    """Identity matrices of shape batch_shape + (num_rows, num_columns)."""
    return _C.eye(num_rows, num_columns, batch_shape, _dtypes.as_dtype(dtype)._c)


_INT32_MIN, _INT32_MAX = -(2**31), 2**31 - 1
_RANGE_ORDER = (_dtypes.int32, _dtypes.int64, _dtypes.float32, _dtypes.float64)


def range(start, limit=None, delta=1, dtype=None, name="range"):  # noqa: A001  (tf.range)
    """[start, start + delta, ...) stopping before `limit`; ``range(n)`` counts from 0. Without
    `dtype` the widest argument dtype wins (Python ints give int32, floats float32)."""
    if limit is None:
        start, limit = 0, start
    if dtype is not None:
        dtype = _dtypes.as_dtype(dtype)
    args = (start, limit, delta)
    if dtype is None and all(type(a) is int for a in args):  # the common tf.range(n)
        if all(_INT32_MIN <= a <= _INT32_MAX for a in args):
            return _C.range(*[_C.scalar_int(a, _C.DType.int32) for a in args])
    args = [a if isinstance(a, Tensor) else convert_to_tensor(a, dtype=dtype)
            for a in args]
    kinds = [_dtypes.from_c(a._dtype) for a in args]
    if dtype is None:
        for k in kinds:
            if k not in _RANGE_ORDER:
                raise TypeError(f"range: arguments must be int32, int64, float32 or float64, "
                                f"got {k.name}")
        dtype = max(kinds, key=_RANGE_ORDER.index)
    elif dtype.is_bool:
        raise TypeError("range: dtype bool is not supported")
    args = [a if k is dtype else _C.cast(a, dtype._c) for a, k in zip(args, kinds, strict=True)]
    return _C.range(*args)


def linspace(start, stop, num, name=None, axis=0):
    """`num` evenly spaced values from `start` to `stop`, both included, along a new `axis`.
    Integer inputs give float64, as TensorFlow's division does."""
    start = _t(start)
    stop = stop if isinstance(stop, Tensor) else convert_to_tensor(
        stop, dtype=_dtypes.from_c(start._dtype))
    if start._dtype in (_C.DType.int32, _C.DType.int64):
        start, stop = _C.cast(start, _C.DType.float64), _C.cast(stop, _C.DType.float64)
    return _C.linspace(start, stop, num, axis)


lin_space = linspace


def one_hot(indices, depth, on_value=None, off_value=None, axis=None, dtype=None, name=None):
    """`on_value` where the index matches the position along a new axis (default last),
    `off_value` elsewhere; indices outside [0, depth) give all `off_value`. The dtype comes
    from `dtype`, else from on_value/off_value, else float32."""
    if dtype is not None:
        dtype = _dtypes.as_dtype(dtype)
    on = None if on_value is None else convert_to_tensor(on_value, dtype_hint=dtype)
    off = None if off_value is None else convert_to_tensor(off_value, dtype_hint=dtype)
    for value, what in ((on, "on_value"), (off, "off_value")):
        if value is not None and dtype is not None and value._dtype != dtype._c:
            raise TypeError(f"dtype {_dtypes.from_c(value._dtype).name} of {what} does not "
                            f"match dtype parameter {dtype.name}")
    if dtype is None:
        given = on if on is not None else off
        dtype = _dtypes.float32 if given is None else _dtypes.from_c(given._dtype)
    if on is None:
        on = _C.scalar_int(1, dtype._c)
    if off is None:
        off = _C.scalar_int(0, dtype._c)
    if on._dtype != off._dtype:
        raise TypeError(f"dtype {_dtypes.from_c(on._dtype).name} of on_value does not match "
                        f"dtype {_dtypes.from_c(off._dtype).name} of off_value")
    return _C.one_hot(_t(indices), depth, on, off, -1 if axis is None else axis)


__all__ = [
    "constant", "zeros", "ones", "zeros_like", "ones_like", "fill", "eye", "range", "linspace",
    "one_hot",
]
