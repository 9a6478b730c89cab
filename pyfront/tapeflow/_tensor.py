"""Python behaviour of tapeflow.Tensor (the C++ class _C.Tensor): properties, NumPy interop,
operators and printing, installed on the class once at import.

Tensors are immutable values, as in TensorFlow: item assignment raises a TypeError that points
to tf.Variable.
"""

from __future__ import annotations

import numpy as np

from tapeflow import _C
from tapeflow import dtypes as _dtypes
from tapeflow.ops import elementwise as _ew
from tapeflow.ops import linalg as _linalg
from tapeflow.ops import shape as _shape_ops
from tapeflow.tensor_shape import TensorShape

Tensor = _C.Tensor


def _shape(self) -> TensorShape:
    # The C++ shape is a tuple of ints already: skip TensorShape's per-dimension checks.
    return tuple.__new__(TensorShape, self._shape)


def _dtype(self) -> _dtypes.DType:
    return _dtypes.from_c(self._dtype)


def _host(self):
    """The tensor itself when its values live on the host, else a copy there (from a GPU)."""
    return self if self._on_host else _C.to_device(self, "CPU")


def _numpy(self) -> np.ndarray:
    """A NumPy copy of the values (writable, independent of the tensor)."""
    return np.array(memoryview(_host(self)))


def _array(self, dtype=None, copy=None):
    # NumPy 2's protocol: copy=False must not copy, copy=None copies only when needed.
    if copy is False and not self._on_host:
        raise ValueError(f"a tensor on {self.device} has no host memory to view; converting "
                         "it to NumPy needs a copy, but copy=False was requested")
    view = np.asarray(memoryview(_host(self)))
    if dtype is not None and np.dtype(dtype) != view.dtype:
        if copy is False:
            raise ValueError(f"converting a {self.dtype.name} tensor to {np.dtype(dtype)} "
                             "needs a copy, but copy=False was requested")
        return view.astype(dtype)
    return view.copy() if copy else view


def _dlpack(self, *, stream=None, max_version=None, dl_device=None, copy=None):
    """DLPack export. Consumers that know DLPack >= 1.0 get a zero-copy read-only view;
    older ones cannot be told the memory is read-only, so they get a copy."""
    if not self._on_host:
        raise BufferError(f"DLPack export of a tensor on {self.device} is not supported; copy "
                          "it to the CPU first (tf.identity under tf.device('/CPU:0'))")
    if stream is not None:
        raise BufferError("CPU tensors take no stream (stream must be None)")
    if dl_device is not None and tuple(dl_device) != (1, 0):
        raise BufferError(f"cannot export a CPU tensor to DLPack device {dl_device}")
    view = np.asarray(memoryview(self))
    if copy:
        return np.array(view).__dlpack__(max_version=max_version)
    if max_version is not None and tuple(max_version) >= (1, 0):
        return view.__dlpack__(max_version=max_version)
    if copy is False:
        raise BufferError("a zero-copy export needs a DLPack >= 1.0 consumer (max_version), "
                          "since tensors are read-only")
    return np.array(view).__dlpack__()


def _dlpack_device(self):
    if self._on_host:
        return (1, 0)  # kDLCPU, device 0
    return (2, int(self.device.rsplit(":", 1)[1]))  # kDLCUDA


def _scalar_value(self, kind: str):
    if self._numel != 1:
        raise TypeError(
            f"only tensors with one element can be converted to Python {kind}s; "
            f"got shape {tuple(self._shape)}")
    view = memoryview(_host(self))
    return view.tolist() if view.ndim == 0 else view.tolist()[0] if view.ndim == 1 else \
        np.asarray(view).reshape(()).item()


def _float(self) -> float:
    return float(_scalar_value(self, "float"))


def _int(self) -> int:
    return int(_scalar_value(self, "int"))


def _index(self) -> int:
    if self._dtype not in (_C.DType.int32, _C.DType.int64) or self.ndim != 0:
        raise TypeError(f"only 0-d integer tensors can be used as an index; got a "
                        f"{self.dtype.name} tensor of shape {tuple(self._shape)}")
    return int(_scalar_value(self, "int"))


def _bool(self) -> bool:
    if self._numel != 1:
        raise ValueError("The truth value of a tensor with more than one element is ambiguous. "
                         "Use tf.reduce_any or tf.reduce_all")
    return bool(_scalar_value(self, "bool"))


def _len(self) -> int:
    if self.ndim == 0:
        raise TypeError("len is not well defined for a rank-0 tensor")
    return self._shape[0]


def _iter(self):
    if self.ndim == 0:
        raise TypeError("iterating over a rank-0 tensor is not allowed")
    for i in range(self._shape[0]):
        yield _shape_ops.getitem(self, i)


def _getitem(self, key):
    return _shape_ops.getitem(self, key)


def _setitem(self, key, value):
    raise TypeError(
        "'Tensor' object does not support item assignment: tensors are immutable. "
        "Use a tf.Variable and its assign methods (v[i, j].assign(x)) for mutable state")


def _format_values(self, is_repr: bool) -> str:
    values = np.asarray(memoryview(_host(self)))
    if self.ndim == 0:
        return np.array_str(values)
    text = np.array_repr(values) if is_repr else np.array_str(values)
    return "\n" + text if "\n" in text else text


def _str(self) -> str:
    return (f"tf.Tensor({_format_values(self, False)}, shape={_shape(self)}, "
            f"dtype={self.dtype.name})")


def _repr(self) -> str:
    return (f"<tf.Tensor: shape={_shape(self)}, dtype={self.dtype.name}, "
            f"numpy={_format_values(self, True)}>")


def _format(self, spec: str) -> str:
    if self._numel == 1 and self.ndim == 0:
        return format(_scalar_value(self, "value"), spec)
    if spec:
        raise TypeError(f"unsupported format string {spec!r} for a tensor of shape "
                        f"{tuple(self._shape)}; only scalars take a format spec")
    return str(self)


def _reflected(fn):
    return lambda self, other: fn(other, self)


def _matmul(a, b):
    return _linalg.matmul(a, b)


def _invert(self):
    if self._dtype != _C.DType.bool:
        raise TypeError(f"~ is only defined for bool tensors, got {self.dtype.name}")
    return _ew.logical_not(self)


def _eq(self, other):
    try:
        return _ew.equal(self, other)
    except (TypeError, ValueError):
        return False


def _ne(self, other):
    try:
        return _ew.not_equal(self, other)
    except (TypeError, ValueError):
        return True


def _ref(self):
    return _TensorRef(self)


class _TensorRef:
    """A hashable reference to a tensor (tensor.ref()), since tensors themselves are not."""

    __slots__ = ("_tensor",)

    def __init__(self, tensor):
        self._tensor = tensor

    def deref(self):
        return self._tensor

    def __hash__(self):
        return id(self._tensor)

    def __eq__(self, other):
        return isinstance(other, _TensorRef) and other._tensor is self._tensor


def _unhashable(self):
    raise TypeError("Tensor is unhashable. Instead, use tensor.ref() as the key.")


_METHODS = {
    "shape": property(_shape),
    "dtype": property(_dtype),
    "numpy": _numpy,
    "__array__": _array,
    "__array_priority__": 100,
    "__dlpack__": _dlpack,
    "__dlpack_device__": _dlpack_device,  # NumPy defers `ndarray + tensor` to Tensor.__radd__
    "__float__": _float,
    "__int__": _int,
    "__index__": _index,
    "__bool__": _bool,
    "__len__": _len,
    "__iter__": _iter,
    "__getitem__": _getitem,
    "__setitem__": _setitem,
    "__str__": _str,
    "__repr__": _repr,
    "__format__": _format,
    "__hash__": _unhashable,
    "ref": _ref,
    "__add__": _ew.add,
    "__radd__": _reflected(_ew.add),
    "__sub__": _ew.subtract,
    "__rsub__": _reflected(_ew.subtract),
    "__mul__": _ew.multiply,
    "__rmul__": _reflected(_ew.multiply),
    "__truediv__": _ew.divide,
    "__rtruediv__": _reflected(_ew.divide),
    "__floordiv__": _ew.floordiv,
    "__rfloordiv__": _reflected(_ew.floordiv),
    "__mod__": _ew.floormod,
    "__rmod__": _reflected(_ew.floormod),
    "__pow__": _ew.pow,
    "__rpow__": _reflected(_ew.pow),
    "__matmul__": _matmul,
    "__rmatmul__": _reflected(_matmul),
    "__neg__": _ew.negative,
    "__pos__": lambda self: self,
    "__abs__": _ew.abs,
    "__invert__": _invert,
    "__and__": _ew.logical_and,
    "__rand__": _reflected(_ew.logical_and),
    "__or__": _ew.logical_or,
    "__ror__": _reflected(_ew.logical_or),
    "__xor__": _ew.logical_xor,
    "__rxor__": _reflected(_ew.logical_xor),
    "__lt__": _ew.less,
    "__le__": _ew.less_equal,
    "__gt__": _ew.greater,
    "__ge__": _ew.greater_equal,
    "__eq__": _eq,
    "__ne__": _ne,
}


def install() -> None:
    for name, value in _METHODS.items():
        setattr(Tensor, name, value)
