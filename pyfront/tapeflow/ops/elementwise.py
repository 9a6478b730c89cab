"""Elementwise ops with NumPy broadcasting (csrc/ops/elementwise.cpp).

Inputs share one dtype: TensorFlow never promotes, and neither does tapeflow. A Python or NumPy
value beside a tensor takes that tensor's dtype (``x * 2``).
"""

from __future__ import annotations

from tapeflow import _C
from tapeflow import dtypes as _dtypes
from tapeflow._convert import binary_operands, convert_to_tensor

_B = _C.BinaryOp
_U = _C.UnaryOp
_binary = _C.binary
_unary = _C.unary


def _binary_op(op):
    def fn(x, y, name=None):
        x, y = binary_operands(x, y)
        return _binary(op, x, y)

    return fn


def _unary_op(op):
    def fn(x, name=None):
        return _unary(op, convert_to_tensor(x))

    return fn


add = _binary_op(_B.add)
subtract = _binary_op(_B.subtract)
multiply = _binary_op(_B.multiply)
floordiv = floor_div = _binary_op(_B.floordiv)
floormod = mod = _binary_op(_B.floormod)
pow = _binary_op(_B.pow)  # noqa: A001  (tf.pow)
maximum = _binary_op(_B.maximum)
minimum = _binary_op(_B.minimum)
equal = _binary_op(_B.equal)
not_equal = _binary_op(_B.not_equal)
less = _binary_op(_B.less)
less_equal = _binary_op(_B.less_equal)
greater = _binary_op(_B.greater)
greater_equal = _binary_op(_B.greater_equal)
logical_and = _binary_op(_B.logical_and)
logical_or = _binary_op(_B.logical_or)
logical_xor = _binary_op(_B.logical_xor)

negative = _unary_op(_U.negative)
abs = _unary_op(_U.abs)  # noqa: A001  (tf.abs)
sign = _unary_op(_U.sign)
square = _unary_op(_U.square)
sqrt = _unary_op(_U.sqrt)
rsqrt = _unary_op(_U.rsqrt)
reciprocal = _unary_op(_U.reciprocal)
exp = _unary_op(_U.exp)
expm1 = _unary_op(_U.expm1)
log = _unary_op(_U.log)
log1p = _unary_op(_U.log1p)
sin = _unary_op(_U.sin)
cos = _unary_op(_U.cos)
tan = _unary_op(_U.tan)
tanh = _unary_op(_U.tanh)
sigmoid = _unary_op(_U.sigmoid)
relu = _unary_op(_U.relu)
softplus = _unary_op(_U.softplus)
floor = _unary_op(_U.floor)
ceil = _unary_op(_U.ceil)
round = _unary_op(_U.round)  # noqa: A001  (tf.round)
logical_not = _unary_op(_U.logical_not)
is_nan = _unary_op(_U.is_nan)
is_inf = _unary_op(_U.is_inf)
is_finite = _unary_op(_U.is_finite)

_TRUEDIV_FLOAT = {_C.DType.int32: _dtypes.float64, _C.DType.int64: _dtypes.float64}


def divide(x, y, name=None):
    """x / y. Integer inputs are first cast to float64, as TensorFlow's truediv does."""
    x, y = binary_operands(x, y)
    target = _TRUEDIV_FLOAT.get(x._dtype)
    if target is not None and x._dtype == y._dtype:
        x, y = _C.cast(x, target._c), _C.cast(y, target._c)
    return _binary(_B.divide, x, y)


truediv = divide


def div_no_nan(x, y, name=None):
    """x / y, with 0 wherever y == 0."""
    x, y = binary_operands(x, y)
    zero = _C.scalar_float(0.0, y._dtype)
    is_zero = _binary(_B.equal, y, zero)
    safe_y = _C.where(is_zero, _C.scalar_float(1.0, y._dtype), y)
    return _C.where(is_zero, zero, _binary(_B.divide, x, safe_y))


def squared_difference(x, y, name=None):
    x, y = binary_operands(x, y)
    diff = _binary(_B.subtract, x, y)
    return _binary(_B.multiply, diff, diff)


def where(condition, x=None, y=None, name=None):
    """Elementwise choice between x and y (all three broadcast). The one-argument form (indices
    of true elements) is not supported yet."""
    if x is None or y is None:
        raise NotImplementedError("tf.where with only a condition is not supported yet; "
                                  "pass x and y")
    condition = convert_to_tensor(condition, dtype=_dtypes.bool)
    x, y = binary_operands(x, y)
    return _C.where(condition, x, y)


def clip_by_value(t, clip_value_min, clip_value_max, name=None):
    t = convert_to_tensor(t)
    _, lo = binary_operands(t, clip_value_min)
    _, hi = binary_operands(t, clip_value_max)
    return _C.clip_by_value(t, lo, hi)


def cast(x, dtype, name=None):
    """Converts x to dtype (float -> int truncates toward zero; nonzero -> True)."""
    dtype = _dtypes.as_dtype(dtype)
    if type(x) is not _C.Tensor:
        if hasattr(x, "__tf_tensor__") or isinstance(x, _C.Tensor):
            x = convert_to_tensor(x)
        else:
            x = convert_to_tensor(x, dtype_hint=dtype)
    return _C.cast(x, dtype._c)


__all__ = [
    "add", "subtract", "multiply", "divide", "truediv", "floordiv", "floor_div", "floormod",
    "mod", "pow", "maximum", "minimum", "equal", "not_equal", "less", "less_equal", "greater",
    "greater_equal", "logical_and", "logical_or", "logical_xor", "negative", "abs", "sign",
    "square", "sqrt", "rsqrt", "reciprocal", "exp", "expm1", "log", "log1p", "sin", "cos",
    "tan", "tanh", "sigmoid", "relu", "softplus", "floor", "ceil", "round", "logical_not",
    "is_nan", "is_inf", "is_finite", "div_no_nan", "squared_difference", "where",
    "clip_by_value", "cast",
]
