"""``tf.random``: counter-based (Philox4x32-10) random numbers with TensorFlow's seeding rules
(csrc/ops/random.cpp, csrc/kernels/philox.h).

Seeds follow ``tf.random.set_seed``:

- global seed set, op seed ``None``: the op seed is drawn from a sequence that ``set_seed``
  restarts, so a program re-run after the same ``set_seed`` sees the same numbers;
- global and op seed set: both are used; op seed only: the global seed defaults to 87654321;
- neither: fresh seeds from the OS (nondeterministic);
- an op called again with the same seeds continues its stream, as a TensorFlow kernel does:
  the second ``tf.random.uniform([2], seed=1)`` differs from the first, and ``set_seed``
  restarts every such stream.

The ``stateless_*`` ops are pure functions of their ``seed=[a, b]`` pair. A given
(seeds, shape, dtype) gives the same numbers on any backend and any thread count.

    tf.random.set_seed(42)
    w = tf.random.normal([784, 512], stddev=0.05)
    noise = tf.random.uniform((2, 3), minval=0, maxval=1e-1)
"""

from __future__ import annotations

import numbers
import operator
import random as _pyrandom
import threading

import numpy as np

from tapeflow import _C, errors
from tapeflow import dtypes as _dtypes
from tapeflow._convert import convert_to_tensor
from tapeflow.ops import elementwise as _ew

Tensor = _C.Tensor

__all__ = [
    "set_seed",
    "normal",
    "uniform",
    "truncated_normal",
    "shuffle",
    "stateless_normal",
    "stateless_uniform",
    "stateless_truncated_normal",
]

DEFAULT_GRAPH_SEED = 87654321  # TensorFlow's global seed when only an op seed is given
_MAXINT32 = 2**31 - 1
_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1


class _SeedState:
    """The global seed and the sequence op seeds are drawn from (each kernel's count of runs
    is kept in C++: bindings/init_random.cpp)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.global_seed = None
        self.op_seeds = None  # random.Random(global_seed)


_state = _SeedState()


def _check_seed(seed, what: str = "seed") -> int:
    if isinstance(seed, (bool, np.bool_)):
        raise TypeError(f"{what} must be an integer, got {seed!r}")
    try:
        seed = operator.index(seed)
    except TypeError:
        raise TypeError(f"{what} must be an integer, got {type(seed).__name__} {seed!r}") from None
    if not _INT64_MIN <= seed <= _INT64_MAX:
        raise ValueError(f"{what} {seed} does not fit in int64")
    return seed


def set_seed(seed) -> None:
    """Sets the global random seed (``None`` makes ops nondeterministic again) and restarts the
    op-seed sequence and every kernel's stream."""
    if seed is not None:
        seed = _check_seed(seed)
    with _state.lock:
        _state.global_seed = seed
        _state.op_seeds = None if seed is None else _pyrandom.Random(seed)
        _C.reset_random_runs()


def get_seed(op_seed):
    """The (global seed, op seed) pair an op uses, as ``tf.compat.v1.random.get_seed``:
    ``(None, None)`` when neither seed is set."""
    if op_seed is not None:
        op_seed = _check_seed(op_seed)
    with _state.lock:
        if _state.global_seed is not None:
            if op_seed is None:
                op_seed = _state.op_seeds.randint(0, _MAXINT32)
            seeds = (_state.global_seed, op_seed)
        elif op_seed is not None:
            seeds = (DEFAULT_GRAPH_SEED, op_seed)
        else:
            return None, None
    return (0, _MAXINT32) if seeds == (0, 0) else seeds


def _kernel_seeds(op: str, dtype: _dtypes.DType, op_seed) -> tuple:
    """(seed, seed2, call) for a stateful op: call is None, since C++ counts the runs of each
    kernel (so a traced tf.function draws new numbers at every run, as eager calls do); both
    seeds are None when no seed is set, and each run draws fresh ones."""
    seed, seed2 = get_seed(op_seed)
    return seed, seed2, None


def _stateless_seeds(seed) -> tuple[int, int, int]:
    if isinstance(seed, Tensor) or hasattr(seed, "__tf_tensor__"):
        seed = np.asarray(convert_to_tensor(seed))
    values = np.asarray(seed) if isinstance(seed, np.ndarray) else seed
    if not isinstance(values, (list, tuple, np.ndarray)) or len(values) != 2 or (
        isinstance(values, np.ndarray) and values.ndim != 1
    ):
        raise ValueError(f"seed must be a shape [2] integer tensor or a pair of ints, got {seed!r}")
    return _check_seed(values[0], "seed[0]"), _check_seed(values[1], "seed[1]"), 0


def _shape_list(shape) -> list[int]:
    """Dimensions from a list/tuple/TensorShape of ints or a 1-D integer tensor or array.
    Negative and huge dimensions are left for the C++ op to reject."""
    if isinstance(shape, Tensor) or hasattr(shape, "__tf_tensor__"):
        shape = np.asarray(convert_to_tensor(shape))
    if isinstance(shape, np.ndarray):
        if shape.dtype.kind not in "iu" or shape.ndim != 1:
            raise ValueError(f"shape must be a 1-D integer tensor, got a {shape.dtype} array of "
                             f"shape {shape.shape}")
        shape = shape.tolist()
    if not isinstance(shape, (list, tuple)):
        raise ValueError(f"shape must be a list, tuple or 1-D integer tensor, got "
                         f"{type(shape).__name__} {shape!r}")
    dims = []
    for d in shape:
        if d is None:
            raise ValueError(f"random ops need a fully known shape, got {list(shape)}")
        if isinstance(d, (bool, np.bool_)):
            raise TypeError(f"shape entries must be integers, got {d!r} in {list(shape)}")
        try:
            d = operator.index(d)
        except TypeError:
            raise TypeError(f"shape entries must be integers, got {type(d).__name__} {d!r} "
                            f"in {list(shape)}") from None
        if d > _INT64_MAX:
            raise errors.ResourceExhaustedError(f"shape {list(shape)} has too many elements")
        if d < _INT64_MIN:
            raise errors.InvalidArgumentError(
                f"shape must not have negative dimensions, got {list(shape)}")
        dims.append(d)
    return dims


def _float_param(value, dtype: _dtypes.DType, what: str):
    """A Python float, or a tensor of `dtype` when `value` is a tensor with elements to
    broadcast (TensorFlow allows any shape that broadcasts with the output)."""
    if isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{what} must be a number or a {dtype.name} tensor, got {value!r}")
    if isinstance(value, numbers.Real):
        return float(value)
    t = convert_to_tensor(value, dtype=dtype)
    return float(t) if t.ndim == 0 else t


def _int_param(value, dtype: _dtypes.DType, what: str) -> int:
    if isinstance(value, (bool, np.bool_)) or isinstance(value, (float, np.floating)):
        raise TypeError(f"Cannot convert {value!r} to EagerTensor of dtype {dtype.name} "
                        f"({what})")
    if isinstance(value, numbers.Integral):
        value = int(value)
        info = np.iinfo(dtype.as_numpy_dtype)
        if not info.min <= value <= info.max:
            raise ValueError(f"{what} {value} does not fit in {dtype.name}")
        return value
    t = convert_to_tensor(value, dtype=dtype)
    if t.ndim != 0:
        raise errors.InvalidArgumentError(f"{what} must be 0-D, got shape {tuple(t._shape)}")
    return int(t)


def _affine(z, scale, shift):
    """z * scale + shift with TensorFlow's broadcasting, for tensor-valued parameters."""
    return _ew.add(_ew.multiply(z, scale), shift)


def _uniform(dims, minval, maxval, dtype, seeds):
    if dtype.is_integer:
        if maxval is None:
            raise ValueError(f"Must specify maxval for integer dtype {dtype!r}")
        lo = _int_param(minval, dtype, "minval")
        hi = _int_param(maxval, dtype, "maxval")
        return _C.random_uniform_int(dims, dtype._c, lo, hi, *seeds)
    lo = _float_param(minval, dtype, "minval")
    hi = _float_param(1.0 if maxval is None else maxval, dtype, "maxval")
    if isinstance(lo, float) and isinstance(hi, float):
        return _C.random_uniform(dims, dtype._c, lo, hi, *seeds)
    u = _C.random_uniform(dims, dtype._c, 0.0, 1.0, *seeds)
    return _affine(u, _ew.subtract(hi, lo), lo)  # at least one bound is a tensor


def _normal(kernel, dims, mean, stddev, dtype, seeds):
    m = _float_param(mean, dtype, "mean")
    s = _float_param(stddev, dtype, "stddev")
    if isinstance(m, float) and isinstance(s, float):
        return kernel(dims, dtype._c, m, s, *seeds)
    return _affine(kernel(dims, dtype._c, 0.0, 1.0, *seeds), s, m)


def uniform(shape, minval=0, maxval=None, dtype=_dtypes.float32, seed=None, name=None):
    """Uniform samples in ``[minval, maxval)``; ``maxval`` defaults to 1 for float dtypes and
    is required for int32/int64. Python bounds take ``dtype`` (``minval=0, maxval=1e-1``
    gives float32)."""
    dtype = _dtypes.as_dtype(dtype)
    dims = _shape_list(shape)
    return _uniform(dims, minval, maxval, dtype, _kernel_seeds("uniform", dtype, seed))


def normal(shape, mean=0.0, stddev=1.0, dtype=_dtypes.float32, seed=None, name=None):
    """Normal samples with the given mean and standard deviation."""
    dtype = _dtypes.as_dtype(dtype)
    dims = _shape_list(shape)
    seeds = _kernel_seeds("normal", dtype, seed)
    return _normal(_C.random_normal, dims, mean, stddev, dtype, seeds)


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=_dtypes.float32, seed=None, name=None):
    """Normal samples redrawn until within two standard deviations of the mean."""
    dtype = _dtypes.as_dtype(dtype)
    dims = _shape_list(shape)
    seeds = _kernel_seeds("truncated_normal", dtype, seed)
    return _normal(_C.truncated_normal, dims, mean, stddev, dtype, seeds)


def shuffle(value, seed=None, name=None):
    """``value`` with its first axis randomly permuted (any dtype)."""
    value = convert_to_tensor(value)
    seeds = _kernel_seeds("shuffle", _dtypes.from_c(value._dtype), seed)
    return _C.random_shuffle(value, *seeds)


def stateless_uniform(shape, seed, minval=0, maxval=None, dtype=_dtypes.float32, name=None,
                      alg="auto_select"):
    """As ``uniform``, but a pure function of ``seed`` (a pair of ints)."""
    dtype = _dtypes.as_dtype(dtype)
    return _uniform(_shape_list(shape), minval, maxval, dtype, _stateless_seeds(seed))


def stateless_normal(shape, seed, mean=0.0, stddev=1.0, dtype=_dtypes.float32, name=None,
                     alg="auto_select"):
    """As ``normal``, but a pure function of ``seed`` (a pair of ints)."""
    dtype = _dtypes.as_dtype(dtype)
    return _normal(_C.random_normal, _shape_list(shape), mean, stddev, dtype,
                   _stateless_seeds(seed))


def stateless_truncated_normal(shape, seed, mean=0.0, stddev=1.0, dtype=_dtypes.float32,
                               name=None, alg="auto_select"):
    """As ``truncated_normal``, but a pure function of ``seed`` (a pair of ints)."""
    dtype = _dtypes.as_dtype(dtype)
    return _normal(_C.truncated_normal, _shape_list(shape), mean, stddev, dtype,
                   _stateless_seeds(seed))
