"""Creation ops (csrc/ops/creation.cpp): constant, zeros/ones/fill, eye, range, linspace."""

from __future__ import annotations

import numbers

from tapeflow import _C
from tapeflow import dtypes as _dtypes
from tapeflow._convert import convert_to_tensor, scalar
from tapeflow.ops.shape import _int, _int_list, one_hot  # noqa: F401  (one_hot: tf.one_hot lives in shape)

Tensor = _C.Tensor

__all__ = [
    "constant", "zeros", "ones", "zeros_like", "ones_like", "fill", "eye", "range", "linspace",
]

_builtin_range = range


def constant(value, dtype=None, shape=None, name="Const"):
    """A tensor from a Python or NumPy value. With `shape`, a one-element value fills the shape
    and a value with as many elements as the shape is reshaped to it."""
    if isinstance(value, Tensor) and dtype is not None:
        dtype = _dtypes.as_dtype(dtype)
        tensor = value if value._dtype == dtype._c else _C.cast(value, dtype._c)
    else:
        tensor = convert_to_tensor(value, dtype=dtype)
    if shape is None:
        return tensor
    dims = _int_list(shape, "constant: shape")
    count = 1
    for d in dims:
        count *= d
    if tensor._numel == count:
        return _C.reshape(tensor, dims)
    if tensor._numel == 1:
        return _C.fill(dims, _C.reshape(tensor, []))
    raise TypeError(f"Eager execution of tf.constant with unsupported shape. Tensor "
                    f"{value!r} has {tensor._numel} elements, but got `shape` {tuple(dims)} "
                    f"with {count} elements.")


def _filled(shape, dtype, value: int):
    dtype = _dtypes.as_dtype(dtype)
    return _C.fill(_int_list(shape, "shape"), _C.scalar_int(value, dtype._c))


def zeros(shape, dtype=_dtypes.float32, name=None):
    """A tensor of `shape` filled with zeros (False for bool)."""
    return _filled(shape, dtype, 0)


def ones(shape, dtype=_dtypes.float32, name=None):
    """A tensor of `shape` filled with ones (True for bool)."""
    return _filled(shape, dtype, 1)


def _like(input, dtype, value: int):  # noqa: A002
    tensor = input if type(input) is Tensor else convert_to_tensor(input)
    c_dtype = tensor._dtype if dtype is None else _dtypes.as_dtype(dtype)._c
    return _C.fill(list(tensor._shape), _C.scalar_int(value, c_dtype))


def zeros_like(input, dtype=None, name=None):  # noqa: A002
    """Zeros with `input`'s shape and (unless given) dtype."""
    return _like(input, dtype, 0)


def ones_like(input, dtype=None, name=None):  # noqa: A002
    """Ones with `input`'s shape and (unless given) dtype."""
    return _like(input, dtype, 1)


def fill(dims, value, name=None):
    """A tensor of shape `dims` holding the scalar `value` everywhere (value's dtype)."""
    return _C.fill(_int_list(dims, "fill: dims"), convert_to_tensor(value))


def eye(num_rows, num_columns=None, batch_shape=None, dtype=_dtypes.float32, name=None):
    """Identity matrices of shape ``batch_shape + [num_rows, num_columns]``."""
    rows = _int(num_rows, "eye: num_rows")
    cols = rows if num_columns is None else _int(num_columns, "eye: num_columns")
    batch = [] if batch_shape is None else _int_list(batch_shape, "eye: batch_shape")
    return _C.eye(rows, cols, batch, _dtypes.as_dtype(dtype)._c)


_RANGE_ORDER = (_dtypes.int32, _dtypes.int64, _dtypes.float32, _dtypes.float64)


def _range_dtype(value):
    if isinstance(value, bool):
        raise TypeError("range: arguments must be numbers, got a bool")
    if isinstance(value, numbers.Integral):
        return _dtypes.int32 if -(2**31) <= int(value) < 2**31 else _dtypes.int64
    if isinstance(value, float):
        return _dtypes.float32
    return convert_to_tensor(value).dtype


def range(start, limit=None, delta=1, dtype=None, name="range"):  # noqa: A001
    """``[start, start + delta, ...)`` stopping before `limit`; ``range(n)`` counts from 0.
    Without `dtype` the widest argument type wins (Python ints -> int32, floats -> float32)."""
    if limit is None:
        start, limit = 0, start
    args = (start, limit, delta)
    if dtype is None:
        kinds = [_range_dtype(v) for v in args]
        for kind in kinds:
            if kind not in _RANGE_ORDER:
                raise TypeError(f"range: arguments must be numeric, got {kind.name}")
        dtype = max(kinds, key=_RANGE_ORDER.index)
    else:
        dtype = _dtypes.as_dtype(dtype)
    tensors = []
    for v in args:
        if isinstance(v, numbers.Real) and not isinstance(v, bool) and not dtype.is_floating:
            tensors.append(_C.scalar_int(int(v), dtype._c))
        elif isinstance(v, numbers.Real) and not isinstance(v, bool):
            tensors.append(scalar(float(v), dtype))
        else:
            t = convert_to_tensor(v)
            tensors.append(t if t._dtype == dtype._c else _C.cast(t, dtype._c))
    return _C.range(*tensors)


def linspace(start, stop, num, name=None, axis=0):
    """`num` evenly spaced values from `start` to `stop` inclusive (float32 unless start or
    stop is a float64 tensor); tensor start/stop broadcast, the new axis goes at `axis`."""
    tensors = [v if isinstance(v, Tensor) else None for v in (start, stop)]
    dtype = next((t.dtype for t in tensors if t is not None and t.dtype.is_floating),
                 _dtypes.float32)
    out = []
    for v, t in zip((start, stop), tensors, strict=True):
        if t is None:
            t = convert_to_tensor(v)
        out.append(t if t._dtype == dtype._c else _C.cast(t, dtype._c))
    return _C.linspace(out[0], out[1], _int(num, "linspace: num"), _int(axis, "linspace: axis"))
