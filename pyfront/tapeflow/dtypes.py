"""dtype objects: ``tf.float32`` and friends.

A ``DType`` compares equal to itself, to its name (``tf.float32 == "float32"``) and to the
matching NumPy dtype, as TensorFlow's does. ``as_dtype`` normalises every spelling a user may
pass (DType, string, NumPy dtype or scalar type, Python ``float``/``int``/``bool``).
"""

from __future__ import annotations

import builtins

import numpy as np

from tapeflow import _C


class DType:
    __slots__ = ("name", "_c", "as_numpy_dtype", "size", "is_floating", "is_integer", "is_bool")

    def __init__(self, name: str, numpy_type: type):
        self.name = name
        self._c = getattr(_C.DType, name)
        self.as_numpy_dtype = numpy_type
        self.size = np.dtype(numpy_type).itemsize
        self.is_floating = name.startswith("float")
        self.is_integer = name.startswith("int")
        self.is_bool = name == "bool"

    @property
    def base_dtype(self) -> DType:
        return self

    @property
    def is_numeric(self) -> bool:
        return not self.is_bool

    @property
    def min(self):
        return np.finfo(self.as_numpy_dtype).min if self.is_floating else (
            np.iinfo(self.as_numpy_dtype).min if self.is_integer else False)

    @property
    def max(self):
        return np.finfo(self.as_numpy_dtype).max if self.is_floating else (
            np.iinfo(self.as_numpy_dtype).max if self.is_integer else True)

    def __eq__(self, other) -> bool:
        if isinstance(other, DType):
            return other is self
        try:
            return as_dtype(other) is self
        except (TypeError, ValueError):
            return False

    def __ne__(self, other) -> bool:
        return not self.__eq__(other)

    def __hash__(self) -> int:
        return hash(self.name)

    def __repr__(self) -> str:
        return f"tf.{self.name}"

    def __str__(self) -> str:
        return self.name

    def __reduce__(self):
        return as_dtype, (self.name,)


float32 = DType("float32", np.float32)
float64 = DType("float64", np.float64)
int32 = DType("int32", np.int32)
int64 = DType("int64", np.int64)
bool = DType("bool", np.bool_)  # noqa: A001  (tf.bool)

half = None  # float16 arrives later
double = float64

_ALL = (float32, float64, int32, int64, bool)
_BY_NAME = {d.name: d for d in _ALL}
_BY_NAME.update({"float": float32, "double": float64, "int": int32, "long": int64})
_BY_C = {d._c: d for d in _ALL}
_BY_NUMPY = {np.dtype(d.as_numpy_dtype): d for d in _ALL}
_PY_TYPES = {float: float32, int: int32, builtins.bool: bool}


def as_dtype(value) -> DType:
    """Returns the DType for any spelling of a dtype; raises TypeError for unknown ones."""
    if isinstance(value, DType):
        return value
    if isinstance(value, _C.DType):
        return _BY_C[value]
    if isinstance(value, str):
        found = _BY_NAME.get(value)
        if found is not None:
            return found
        raise TypeError(
            f"Cannot convert {value!r} to a tapeflow dtype "
            f"(expected one of {', '.join(d.name for d in _ALL)})"
        )
    found = _PY_TYPES.get(value)
    if found is not None:
        return found
    try:
        np_dtype = np.dtype(value)
    except TypeError:
        raise TypeError(f"Cannot convert {value!r} to a tapeflow dtype") from None
    found = _BY_NUMPY.get(np_dtype)
    if found is None:
        raise TypeError(
            f"Cannot convert {value!r} to a tapeflow dtype: NumPy dtype {np_dtype} is not "
            f"supported (expected one of {', '.join(d.name for d in _ALL)})"
        )
    return found


def from_c(c_dtype) -> DType:
    return _BY_C[c_dtype]
