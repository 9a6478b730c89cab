"""``keras.backend``: global settings (epsilon, floatx), object naming and small tensor helpers
shared by the Keras front end.

    keras.backend.epsilon()        # 1e-07, the fuzz factor of losses and metrics
    keras.backend.floatx()         # 'float32', the default dtype of weights and losses
    keras.backend.clear_session()  # restarts auto-naming: the next Dense is 'dense' again
"""

from __future__ import annotations

import collections
import re

import tapeflow as tf

_EPSILON = 1e-7
_FLOATX = "float32"
_FLOAT_TYPES = ("float32", "float64")


def epsilon() -> float:
    """The fuzz factor used to keep logs and divisions finite (1e-7)."""
    return _EPSILON


def set_epsilon(value: float) -> None:
    global _EPSILON
    _EPSILON = float(value)


def floatx() -> str:
    """The default float type, as a string ('float32')."""
    return _FLOATX


def set_floatx(value) -> None:
    global _FLOATX
    name = standardize_dtype(value)
    if name not in _FLOAT_TYPES:
        raise ValueError(f"Unknown `floatx` value: {value!r}. Expected one of {_FLOAT_TYPES}")
    _FLOATX = name


def image_data_format() -> str:
    return "channels_last"


def standardize_dtype(dtype) -> str:
    """The dtype's name: 'float32' for tf.float32, np.float32, 'float32' or Python float;
    None gives floatx()."""
    if dtype is None:
        return _FLOATX
    return tf.as_dtype(dtype).name


def is_float_dtype(dtype) -> bool:
    return standardize_dtype(dtype).startswith("float")


def is_int_dtype(dtype) -> bool:
    return standardize_dtype(dtype).startswith("int")


# -- object naming: 'dense', 'dense_1', ... (reset by clear_session) ---------------------------
_NAME_UIDS: collections.defaultdict = collections.defaultdict(int)


def to_snake_case(name: str) -> str:
    """'BatchNormalization' -> 'batch_normalization', 'RMSprop' -> 'rm_sprop'."""
    name = re.sub(r"\W+", "", name)
    name = re.sub("(.)([A-Z][a-z]+)", r"\1_\2", name)
    name = re.sub("([a-z])([A-Z])", r"\1_\2", name)
    return name.lower()


def uniquify(name: str) -> str:
    """`name` the first time, then `name_1`, `name_2`, ... within a session."""
    count = _NAME_UIDS[name]
    _NAME_UIDS[name] += 1
    return name if count == 0 else f"{name}_{count}"


def auto_name(class_name: str) -> str:
    """The default name of an object of class `class_name`: snake_case, made unique."""
    return uniquify(to_snake_case(class_name))


def get_uid(prefix: str = "") -> int:
    """Keras 2's counter: 1 the first time a prefix is seen, then 2, 3, ..."""
    _NAME_UIDS[("uid", prefix)] += 1
    return _NAME_UIDS[("uid", prefix)]


def clear_session() -> None:
    """Forgets the names handed out so far (the next Dense is called 'dense' again)."""
    _NAME_UIDS.clear()


# -- tensor helpers used by losses, metrics and optimizers ------------------------------------
def convert(x, dtype=None):
    """A tensor of `dtype` from a tensor, Variable, NumPy array, list or number, casting when the
    dtype differs (Keras's `ops.convert_to_tensor(x, dtype)`; tf.convert_to_tensor refuses
    to cast)."""
    if type(x) is not tf.Tensor:
        if hasattr(x, "__tf_tensor__") or isinstance(x, tf.Tensor):
            x = tf.convert_to_tensor(x)
        elif dtype is None:
            return tf.convert_to_tensor(x)
        else:
            try:
                return tf.convert_to_tensor(x, dtype=dtype)
            except (TypeError, ValueError):  # float data asked for as int: convert, then cast
                x = tf.convert_to_tensor(x)
    return x if dtype is None else cast(x, dtype)


def divide_no_nan(x, y):
    """x / y, 0 where y == 0 (tf.math.divide_no_nan; tf.div_no_nan until that name lands)."""
    fn = getattr(tf.math, "divide_no_nan", None) or tf.div_no_nan
    return fn(x, y)


def get_value(x):
    """The value of a Variable or tensor as NumPy (Keras 2's backend.get_value)."""
    return convert(x).numpy()


def set_value(variable, value) -> None:
    """variable.assign(value) (Keras 2's backend.set_value, used by old callbacks)."""
    variable.assign(value)


def cast(x, dtype):
    """tf.cast that returns `x` itself when it already has `dtype` (cheap: optimizers call it
    for every variable at every step)."""
    if type(x) is not tf.Tensor:
        x = convert(x)
    if type(dtype) is not tf.DType:
        dtype = tf.as_dtype(dtype)
    return x if x._dtype == dtype._c else tf.cast(x, dtype)


__all__ = [
    "epsilon",
    "set_epsilon",
    "floatx",
    "set_floatx",
    "image_data_format",
    "standardize_dtype",
    "is_float_dtype",
    "is_int_dtype",
    "to_snake_case",
    "uniquify",
    "auto_name",
    "get_uid",
    "clear_session",
    "get_value",
    "set_value",
]
