"""``tf.Variable``: mutable state, usable wherever a tensor is.

A Variable holds a tensor value. Reading it (any op, ``value()``, ``read_value()``) under a
GradientTape with ``watch_accessed_variables=True`` makes the tape watch it when trainable.
``assign`` writes in place when nothing else can see the current value (no tensor read
earlier, no view, no tape-saved copy); otherwise it copies on write, so values read earlier
never change under their reader.
"""

from __future__ import annotations

import sys
import weakref

import numpy as np

from tapeflow import _C, _convert, _tensor
from tapeflow import dtypes as _dtypes
from tapeflow._convert import convert_to_tensor
from tapeflow.tensor_shape import TensorShape

Tensor = _C.Tensor


# The entered GradientTapes, innermost last (gradient_tape owns the list). A read while it is empty,
# the common case outside training, costs one check.
_entered_tapes: list = []


# Every live Variable: tf.function finds which tensors a traced program read are Variable
# values (function.py), to pass each run the variable's value of that moment.
_all_variables: weakref.WeakSet = weakref.WeakSet()


# The Variables read while a tf.function is traced (function.py binds their values as inputs);
# None outside tracing.
_reads_in_recording: set | None = None


def _value_read(variable):
    """`variable`'s value, read by tapeflow's own code (a tape's sources, an optimizer): noted
    as a read when a tf.function is being traced, as __tf_tensor__ does."""
    if _reads_in_recording is not None:
        _reads_in_recording.add(variable)
    return variable._value


def _replacing_value() -> None:
    """Called before a Variable's value is replaced by a new tensor: a tf.function being traced
    cannot replay that (Python holds the new value), so its recording is refused."""
    if _C.recording():
        _C.poison_recording("a Variable's value was replaced by a copy (a value read earlier "
                            "was still held when it was written)")


def _read_hook(variable) -> None:
    """Replaced by gradient_tape at import: tells entered tapes about a variable read."""


class Variable:
    __slots__ = ("_value", "_trainable", "_name", "__weakref__", "_layer_meta")

    def __init__(self, initial_value=None, trainable=True, name=None, dtype=None, shape=None,
                 validate_shape=True, **kwargs):
        if initial_value is None:
            raise ValueError("initial_value must be specified")
        if _C.recording():
            _C.poison_recording("a Variable was created (layers and metrics build on their first "
                                "call; the next call traces again)")
        if callable(initial_value):
            initial_value = initial_value()
        if dtype is not None:
            dtype = _dtypes.as_dtype(dtype)
            source = initial_value.__tf_tensor__() if hasattr(initial_value, "__tf_tensor__") \
                else initial_value
            if isinstance(source, Tensor):
                value = _C.cast(source, dtype._c) if source._dtype != dtype._c else source
            else:
                value = convert_to_tensor(np.asarray(source) if not isinstance(
                    source, (int, float, bool)) else source, dtype=dtype)
        else:
            value = convert_to_tensor(initial_value)
        if shape is not None and validate_shape and TensorShape(shape) != value.shape:
            raise ValueError(f"initial value of shape {value.shape} does not match the "
                             f"requested shape {TensorShape(shape)}")
        # A private copy on the placement device (the tf.device scope's, else the default
        # device): the variable owns its storage.
        self._value = _C.clone(_C.place(value))
        self._trainable = bool(trainable)
        self._name = (name or "Variable") + (":0" if not (name or "").endswith(":0") else "")
        self._layer_meta = None
        _all_variables.add(self)

    # -- reading ---------------------------------------------------------------------------
    def __tf_tensor__(self, dtype=None, name=None):
        if _entered_tapes and self._trainable:
            _read_hook(self)
        if _reads_in_recording is not None:
            _reads_in_recording.add(self)
        return self._value

    def value(self):
        return self.__tf_tensor__()

    def read_value(self):
        return self.__tf_tensor__()

    def numpy(self) -> np.ndarray:
        return self._value.numpy()

    def __array__(self, dtype=None, copy=None):
        if copy is False:
            raise ValueError("a Variable cannot be viewed without a copy (it is mutable)")
        array = self._value.numpy()
        return array if dtype is None else array.astype(dtype)

    @property
    def shape(self) -> TensorShape:
        return TensorShape(self._value._shape)

    @property
    def dtype(self):
        return _dtypes.from_c(self._value._dtype)

    @property
    def ndim(self) -> int:
        return self._value.ndim

    @property
    def name(self) -> str:
        return self._name

    @property
    def trainable(self) -> bool:
        return self._trainable

    @property
    def device(self) -> str:
        return self._value.device

    def get_shape(self) -> TensorShape:
        return self.shape

    # -- writing ---------------------------------------------------------------------------
    def _owns_value_alone(self) -> bool:
        # References to the value object: this slot + getrefcount's argument.
        return sys.getrefcount(self._value) <= 2 and self._value._storage_owners == 1

    def _converted(self, value):
        if type(value) is float or type(value) is int:  # counters and metrics, every step
            return _convert.scalar(value, _dtypes.from_c(self._value._dtype))
        if hasattr(value, "__tf_tensor__") or isinstance(value, Tensor):
            value = convert_to_tensor(value)
            if value._dtype != self._value._dtype:
                raise ValueError(f"cannot assign a {_dtypes.from_c(value._dtype).name} value "
                                 f"to a variable of dtype {self.dtype.name}")
            return value
        return convert_to_tensor(value, dtype=self.dtype)

    def assign(self, value, use_locking=None, name=None, read_value=True):
        value = self._converted(value)
        if tuple(value._shape) != tuple(self._value._shape):
            raise ValueError(f"Cannot assign value of shape {TensorShape(value._shape)} to a "
                             f"variable of shape {self.shape}: shapes must be equal")
        if self._owns_value_alone():
            _C.write_into(self._value, value)
        else:
            _replacing_value()
            self._value = _C.clone(value)
        return self

    def assign_add(self, delta, use_locking=None, name=None, read_value=True):
        return self._update(_C.BinaryOp.add, delta)

    def assign_sub(self, delta, use_locking=None, name=None, read_value=True):
        return self._update(_C.BinaryOp.subtract, delta)

    def _update(self, op, delta):
        if type(delta) is not Tensor or delta._dtype != self._value._dtype:
            delta = self._converted(delta)
        if self._owns_value_alone():  # in place, no temporary (metrics and counters every step)
            _C.update_into(op, self._value, delta)
            return self
        return self.assign(_C.binary(op, self._value, delta))

    def __getitem__(self, key):
        return _SlicedVariable(self, key)

    def _assign_slice(self, key, value):
        from tapeflow.ops import shape as shape_ops

        if not self._owns_value_alone():
            _replacing_value()
            self._value = _C.clone(self._value)
        view = shape_ops.getitem(_value_read(self), key)
        if view._storage_owners < 2:
            raise NotImplementedError("assignment through advanced (integer-array) indexing is "
                                      "not supported; use slices and integers")
        value = self._converted(value)
        _C.write_into(view, value)
        return self

    def __repr__(self) -> str:
        values = np.array_repr(self._value.numpy()) if self.ndim else repr(
            self._value.numpy().item())
        if "\n" in values:
            values = "\n" + values
        return (f"<tf.Variable '{self._name}' shape={self.shape} dtype={self.dtype.name}, "
                f"numpy={values}>")

    def __str__(self) -> str:
        return self.__repr__()

    def __hash__(self) -> int:
        return id(self)

    def __setitem__(self, key, value):
        raise TypeError("'Variable' object does not support item assignment; use "
                        "v[key].assign(value)")


class _SlicedVariable:
    """``v[key]``: reads as the sliced tensor; ``assign`` writes through into the variable."""

    __slots__ = ("_variable", "_key")

    def __init__(self, variable, key):
        self._variable = variable
        self._key = key

    def __tf_tensor__(self, dtype=None, name=None):
        from tapeflow.ops import shape as shape_ops

        return shape_ops.getitem(self._variable.__tf_tensor__(), self._key)

    def assign(self, value, use_locking=None, name=None, read_value=True):
        return self._variable._assign_slice(self._key, value)

    def numpy(self):
        return self.__tf_tensor__().numpy()

    def __array__(self, dtype=None, copy=None):
        return np.asarray(self.__tf_tensor__().numpy(), dtype=dtype)

    @property
    def shape(self):
        return self.__tf_tensor__().shape

    @property
    def dtype(self):
        return self._variable.dtype

    def __repr__(self) -> str:
        return repr(self.__tf_tensor__())


def _delegate(name):
    method = getattr(Tensor, name)

    def fn(self, *args):
        return method(self.__tf_tensor__(), *args)

    fn.__name__ = name
    return fn


_DELEGATED = [name for name in _tensor._METHODS if name.startswith("__") and name not in {
    "__array__", "__array_priority__", "__setitem__", "__getitem__", "__hash__", "__str__",
    "__repr__", "__eq__", "__ne__"}] + ["ref"]

for _cls in (Variable, _SlicedVariable):
    for _name in _DELEGATED:
        if _name not in _cls.__dict__:
            setattr(_cls, _name, _delegate(_name))
    _cls.__array_priority__ = 100

# Variables compare by identity (so they can be dict keys, as in TF's eager Variables).
Variable.__eq__ = lambda self, other: self is other
Variable.__ne__ = lambda self, other: self is not other
