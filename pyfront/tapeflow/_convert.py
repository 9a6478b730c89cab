"""Turning Python values into tensors, with TensorFlow's dtype rules.

- Python ``float`` -> float32, ``int`` -> int32 (int64 when it does not fit), ``bool`` -> bool.
- NumPy arrays keep their dtype (float64 stays float64); dtypes tapeflow lacks convert to the
  nearest one that holds every value (uint8/int8/int16/uint16 -> int32, uint32/uint64 -> int64,
  float16 -> float32).
- Nested lists go through NumPy, then follow the Python-scalar rules (a list of floats is
  float32), unless a dtype is asked for.
- Objects with ``__tf_tensor__()`` (Variables) convert through it.
"""

from __future__ import annotations

import numbers

import numpy as np

from tapeflow import _C
from tapeflow import dtypes as _dtypes

Tensor = _C.Tensor

_INT32_MIN, _INT32_MAX = -(2**31), 2**31 - 1
_NATIVE_NUMPY_DTYPES = frozenset(
    np.dtype(t) for t in (np.float32, np.float64, np.int32, np.int64, np.bool_))
_WIDEN = {
    np.dtype(np.uint8): np.int32,
    np.dtype(np.int8): np.int32,
    np.dtype(np.int16): np.int32,
    np.dtype(np.uint16): np.int32,
    np.dtype(np.uint32): np.int64,
    np.dtype(np.uint64): np.int64,
    np.dtype(np.float16): np.float32,
}


def _describe(value) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _check_requested(tensor, dtype):
    if dtype is not None and tensor._dtype != dtype._c:
        raise ValueError(
            f"Tensor conversion requested dtype {dtype.name} for Tensor with dtype "
            f"{_dtypes.from_c(tensor._dtype).name}: {_describe(tensor)}"
        )
    return tensor


_FLOAT_C_DTYPES = (_C.DType.float32, _C.DType.float64)
_INT_BOUNDS = {_C.DType.int32: (_INT32_MIN, _INT32_MAX), _C.DType.int64: (-(2**63), 2**63 - 1)}


def scalar(value, dtype: _dtypes.DType):
    """A 0-d tensor of `dtype` from a Python number, checking that the value fits the dtype."""
    if type(value) is float and dtype._c in _FLOAT_C_DTYPES:  # the hot path: `x * 0.5`
        return _C.scalar_float(value, dtype._c)
    bounds = _INT_BOUNDS.get(dtype._c)
    if type(value) is int and bounds is not None and bounds[0] <= value <= bounds[1]:
        return _C.scalar_int(value, dtype._c)  # counters: iterations.assign_add(1)
    if isinstance(value, bool) or isinstance(value, np.bool_):
        if not dtype.is_bool:
            raise TypeError(f"Cannot convert {value!r} to EagerTensor of dtype {dtype.name}")
        return _C.scalar_int(int(value), dtype._c)
    if dtype.is_bool:
        raise TypeError(f"Cannot convert {value!r} to EagerTensor of dtype bool")
    if isinstance(value, numbers.Integral):
        value = int(value)
        if dtype.is_integer:
            info = np.iinfo(dtype.as_numpy_dtype)
            if not info.min <= value <= info.max:
                raise ValueError(f"Can't convert Python int {value} to EagerTensor of dtype "
                                 f"{dtype.name}: out of range")
            return _C.scalar_int(value, dtype._c)
        return _C.scalar_float(float(value), dtype._c)
    if isinstance(value, numbers.Real):
        if not dtype.is_floating:
            raise TypeError(f"Cannot convert {value!r} to EagerTensor of dtype {dtype.name}")
        return _C.scalar_float(float(value), dtype._c)
    raise TypeError(f"Cannot convert {_describe(value)} to a scalar of dtype {dtype.name}")


def _default_dtype_of_python(value) -> _dtypes.DType | None:
    if isinstance(value, bool):
        return _dtypes.bool
    if isinstance(value, int):
        return _dtypes.int32 if _INT32_MIN <= value <= _INT32_MAX else _dtypes.int64
    if isinstance(value, float):
        return _dtypes.float32
    return None


def _from_numpy(array: np.ndarray, dtype: _dtypes.DType | None, from_python: bool):
    kind = array.dtype.kind
    if kind == "O":
        raise ValueError(
            "Can't convert non-rectangular Python sequence to Tensor "
            "(or a sequence holding objects that are not numbers)"
        )
    if kind not in "biuf":
        raise TypeError(
            f"Cannot convert a value of NumPy dtype {array.dtype} to a tensor "
            "(expected bool, integer or floating data)"
        )
    if dtype is None:
        if from_python:  # Python literals follow TF's defaults, not NumPy's
            if kind == "f":
                dtype = _dtypes.float32
            elif kind in "iu":
                fits = array.size == 0 or (array.min() >= _INT32_MIN and array.max() <= _INT32_MAX)
                dtype = _dtypes.int32 if fits else _dtypes.int64
            else:
                dtype = _dtypes.bool
        else:
            target = _WIDEN.get(array.dtype, array.dtype)
            dtype = _dtypes.as_dtype(target)
    else:
        if dtype.is_bool != (kind == "b"):
            raise TypeError(f"Cannot convert {_describe(array)} to EagerTensor of dtype "
                            f"{dtype.name}")
        if kind == "f" and dtype.is_integer:
            raise TypeError(f"Cannot convert {_describe(array)} (floating point) to EagerTensor "
                            f"of dtype {dtype.name}")
    if array.dtype != dtype.as_numpy_dtype:
        array = array.astype(dtype.as_numpy_dtype)
    if array.ndim > 12:
        raise ValueError(f"cannot make a tensor of rank {array.ndim} (the maximum is 12)")
    return _C.from_buffer(array)


def convert_to_tensor(value, dtype=None, dtype_hint=None, name=None):
    """Converts `value` to a Tensor (``tf.convert_to_tensor``)."""
    if type(value) is Tensor:
        return value if dtype is None else _check_requested(value, _dtypes.as_dtype(dtype))
    if type(value) is np.ndarray and dtype is None and value.dtype in _NATIVE_NUMPY_DTYPES:
        return _C.from_buffer(value)  # the batches of fit: no dtype to widen or check
    if dtype is not None:
        dtype = _dtypes.as_dtype(dtype)
    if hasattr(value, "__tf_tensor__"):
        return _check_requested(value.__tf_tensor__(), dtype)
    if isinstance(value, Tensor):
        return _check_requested(value, dtype)
    if isinstance(value, (bool, int, float, np.bool_, np.number)) and not isinstance(
        value, (np.ndarray, complex)
    ):
        if isinstance(value, np.generic):
            return _from_numpy(np.asarray(value), dtype, from_python=False)
        target = dtype
        if target is None and dtype_hint is not None:
            hint = _dtypes.as_dtype(dtype_hint)
            try:
                return scalar(value, hint)
            except (TypeError, ValueError):
                pass
        return scalar(value, target or _default_dtype_of_python(value))
    if isinstance(value, np.ndarray):
        return _from_numpy(value, dtype, from_python=False)
    if isinstance(value, (list, tuple)):
        try:
            array = np.asarray(value)
        except ValueError:
            raise ValueError("Can't convert non-rectangular Python sequence to Tensor.") from None
        if dtype is None and dtype_hint is not None and array.dtype.kind in "biuf":
            hint = _dtypes.as_dtype(dtype_hint)
            if hint.is_floating or (hint.is_integer and array.dtype.kind in "iu"):
                dtype = hint
        return _from_numpy(array, dtype, from_python=True)
    if isinstance(value, (str, bytes)):
        raise TypeError(f"Cannot convert {_describe(value)} to a tensor: tapeflow has no string "
                        "tensors")
    if hasattr(value, "__array__") or hasattr(value, "__array_interface__"):
        return _from_numpy(np.asarray(value), dtype, from_python=False)
    if hasattr(value, "__dlpack__"):
        return _from_numpy(np.from_dlpack(value), dtype, from_python=False)
    raise TypeError(
        f"Attempt to convert a value ({_describe(value)}) with an unsupported type "
        f"({type(value).__name__}) to a Tensor"
    )


def binary_operands(x, y):
    """Converts the operands of a binary op: a Python or NumPy value on either side takes the
    dtype of the tensor on the other side (TensorFlow's rule for `x + 1.5`)."""
    if type(x) is Tensor:
        if type(y) is Tensor:
            return x, y
        if type(y) is float and x._dtype in _FLOAT_C_DTYPES:  # `x * 0.5`
            return x, _C.scalar_float(y, x._dtype)
        read = getattr(type(y), "__tf_tensor__", None)  # a Variable: the common mixed case
        if read is not None:
            return x, read(y)
    elif type(y) is Tensor:
        if type(x) is float and y._dtype in _FLOAT_C_DTYPES:
            return _C.scalar_float(x, y._dtype), y
        read = getattr(type(x), "__tf_tensor__", None)
        if read is not None:
            return read(x), y
    x_is_tensor = isinstance(x, Tensor) or hasattr(x, "__tf_tensor__")
    y_is_tensor = isinstance(y, Tensor) or hasattr(y, "__tf_tensor__")
    if x_is_tensor:
        x = convert_to_tensor(x)
        return x, _convert_like(y, x)
    if y_is_tensor:
        y = convert_to_tensor(y)
        return _convert_like(x, y), y
    x = convert_to_tensor(x)
    return x, _convert_like(y, x)


def _convert_like(value, like):
    if isinstance(value, Tensor) or hasattr(value, "__tf_tensor__"):
        return convert_to_tensor(value)
    dtype = _dtypes.from_c(like._dtype)
    if isinstance(value, (bool, int, float)):
        return scalar(value, dtype)
    if isinstance(value, (np.ndarray, np.generic)):
        array = np.asarray(value)
        if array.dtype.kind in "biuf" and (array.dtype.kind == "b") == dtype.is_bool:
            if not (array.dtype.kind == "f" and dtype.is_integer):
                return _from_numpy(array, dtype, from_python=False)
        return _from_numpy(array, None, from_python=False)  # raises or mismatches in the op
    return convert_to_tensor(value, dtype_hint=dtype)
