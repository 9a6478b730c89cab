"""Shape and indexing ops (csrc/ops/shape.cpp, csrc/ops/index.cpp).

reshape, transpose, expand_dims, squeeze, broadcast_to, identity and basic indexing return
views sharing the input's storage (tensors are immutable, so sharing is safe); concat, stack,
tile, gather and one_hot copy. Everything is validated in C++.
"""

from __future__ import annotations

import operator

import numpy as np

from tapeflow import _C
from tapeflow import dtypes as _dtypes
from tapeflow._convert import convert_to_tensor

Tensor = _C.Tensor

__all__ = [
    "reshape", "transpose", "expand_dims", "squeeze", "broadcast_to", "identity", "shape",
    "size", "rank", "concat", "stack", "unstack", "split", "tile", "gather", "one_hot",
    "reverse",
]


def _as_tensor(value):
    return value if type(value) is Tensor else convert_to_tensor(value)


def _int(value, what: str) -> int:
    """A Python int from an int, NumPy integer or 0-d integer tensor (not bool or float)."""
    if isinstance(value, bool):
        raise TypeError(f"{what} must be an integer, got {value!r}")
    if isinstance(value, Tensor) and value.ndim == 1 and value._numel == 1:
        value = np.asarray(value)[0]
    try:
        return operator.index(value)
    except TypeError:
        raise TypeError(f"{what} must be an integer, got {value!r}") from None


def _int_list(value, what: str) -> list[int]:
    """A list of ints from an int, a sequence of ints, a TensorShape or a 0-/1-D int tensor."""
    if isinstance(value, Tensor) or hasattr(value, "__tf_tensor__"):
        value = convert_to_tensor(value)
        if value.dtype not in (_dtypes.int32, _dtypes.int64) or value.ndim > 1:
            raise TypeError(f"{what} must be a 1-D int32 or int64 tensor, got a "
                            f"{value.dtype.name} tensor of shape {tuple(value._shape)}")
        return np.asarray(value).reshape(-1).tolist()
    if isinstance(value, np.ndarray):
        if value.dtype.kind not in "iu" or value.ndim > 1:
            raise TypeError(f"{what} must be a 1-D integer array, got {value.dtype} of shape "
                            f"{value.shape}")
        return value.reshape(-1).tolist()
    if isinstance(value, (list, tuple)):
        if any(v is None for v in value):
            raise ValueError(f"{what} must be fully defined, got {tuple(value)}")
        return [_int(v, what) for v in value]
    return [_int(value, what)]


def reshape(tensor, shape, name=None):
    """A tensor with `tensor`'s values in `shape` (one entry may be -1); a view when possible."""
    return _C.reshape(_as_tensor(tensor), _int_list(shape, "reshape: shape"))


def transpose(a, perm=None, conjugate=False, name="transpose"):
    """Permutes the axes: ``out.shape[i] == a.shape[perm[i]]``; by default reverses them."""
    perm = [] if perm is None else _int_list(perm, "transpose: perm")
    return _C.transpose(_as_tensor(a), perm)


def expand_dims(input, axis, name=None):  # noqa: A002  (TF's argument name)
    """Inserts a size-1 axis at `axis` (in [-rank-1, rank])."""
    return _C.expand_dims(_as_tensor(input), _int(axis, "expand_dims: axis"))


def squeeze(input, axis=None, name=None):  # noqa: A002
    """Removes size-1 axes: all of them, or those listed in `axis` (which must have size 1)."""
    axes = [] if axis is None else _int_list(axis, "squeeze: axis")
    return _C.squeeze(_as_tensor(input), axes)


def broadcast_to(input, shape, name=None):  # noqa: A002
    """A view of `input` broadcast to `shape` (NumPy rules; broadcast axes have stride 0)."""
    return _C.broadcast_to(_as_tensor(input), _int_list(shape, "broadcast_to: shape"))


def identity(input, name=None):  # noqa: A002
    """A new tensor with the same value (sharing storage)."""
    return _C.identity(_as_tensor(input))


def shape(input, out_type=_dtypes.int32, name=None):  # noqa: A002
    """The shape of `input` as a 1-D int32 (or `out_type`) tensor."""
    return _C.shape(_as_tensor(input), _dtypes.as_dtype(out_type)._c)


def size(input, out_type=_dtypes.int32, name=None):  # noqa: A002
    """The number of elements of `input` as a 0-d tensor."""
    out_type = _dtypes.as_dtype(out_type)
    if out_type not in (_dtypes.int32, _dtypes.int64):
        raise TypeError(f"size: out_type must be int32 or int64, got {out_type.name}")
    return _C.scalar_int(_as_tensor(input)._numel, out_type._c)


def rank(input, name=None):  # noqa: A002
    """The number of axes of `input` as a 0-d int32 tensor."""
    return _C.scalar_int(_as_tensor(input).ndim, _dtypes.int32._c)


def getitem(tensor, key):
    """NumPy-style indexing (``Tensor.__getitem__``): ints, slices, ``...`` and ``None`` give a
    view; integer lists/arrays/tensors and bool masks select with a copy."""
    return _C.getitem(_as_tensor(tensor), key)


def _tensor_list(values, what: str) -> list:
    """Tensors from a list whose non-tensor entries take the first tensor's dtype."""
    if isinstance(values, Tensor):
        return _C.unstack(values, 0)
    if not isinstance(values, (list, tuple)):
        raise TypeError(f"{what}: expected a list of tensors, got {type(values).__name__}")
    hint = next((convert_to_tensor(v).dtype for v in values
                 if isinstance(v, Tensor) or hasattr(v, "__tf_tensor__")), None)
    return [v if type(v) is Tensor else convert_to_tensor(v, dtype_hint=hint) for v in values]


def concat(values, axis, name="concat"):
    """Joins `values` along an existing `axis`."""
    return _C.concat(_tensor_list(values, "concat"), _int(axis, "concat: axis"))


def stack(values, axis=0, name="stack"):
    """Joins `values` (all of one shape) along a new `axis`."""
    return _C.stack(_tensor_list(values, "stack"), _int(axis, "stack: axis"))


def unstack(value, num=None, axis=0, name="unstack"):
    """The slices of `value` along `axis`, as a list of tensors of rank one less."""
    value = _as_tensor(value)
    out = _C.unstack(value, _int(axis, "unstack: axis"))
    if num is not None and _int(num, "unstack: num") != len(out):
        raise ValueError(f"unstack: num={num} but axis {axis} of shape "
                         f"{tuple(value._shape)} has size {len(out)}")
    return out


def split(value, num_or_size_splits, axis=0, num=None, name="split"):
    """Splits `value` along `axis` into equal pieces (an int) or pieces of the given sizes
    (a list, one entry may be -1)."""
    value = _as_tensor(value)
    axis = _int(axis, "split: axis")
    splits = num_or_size_splits
    if isinstance(splits, Tensor) and splits.ndim == 0:
        splits = int(splits)
    if isinstance(splits, (int, np.integer)) and not isinstance(splits, bool):
        return _C.split_even(value, int(splits), axis)
    return _C.split(value, _int_list(splits, "split: num_or_size_splits"), axis)


def tile(input, multiples, name=None):  # noqa: A002
    """`input` repeated ``multiples[i]`` times along each axis i."""
    return _C.tile(_as_tensor(input), _int_list(multiples, "tile: multiples"))


def reverse(tensor, axis, name=None):
    """A copy of `tensor` with the listed axes reversed."""
    return _C.reverse(_as_tensor(tensor), _int_list(axis, "reverse: axis"))


def gather(params, indices, validate_indices=None, axis=None, batch_dims=0, name=None):
    """Slices of `params` along `axis` at `indices`: the output's shape is
    ``params.shape[:axis] + indices.shape[batch_dims:] + params.shape[axis + 1:]``."""
    batch_dims = _int(batch_dims, "gather: batch_dims")
    axis = batch_dims if axis is None else _int(axis, "gather: axis")
    indices = indices if type(indices) is Tensor else convert_to_tensor(indices,
                                                                        dtype_hint=_dtypes.int32)
    return _C.gather(_as_tensor(params), indices, axis, batch_dims)


def one_hot(indices, depth, on_value=None, off_value=None, axis=None, dtype=None, name=None):
    """One-hot rows: ``indices.shape`` with an axis of size `depth` inserted at `axis`
    (default last), `on_value` (1) at each index and `off_value` (0) elsewhere. Indices
    outside [0, depth) give all-off rows. The dtype comes from `dtype`, else from on/off
    values, else float32."""
    dtype = None if dtype is None else _dtypes.as_dtype(dtype)
    on = off = None
    if on_value is not None:
        on = convert_to_tensor(on_value, dtype=dtype)
        dtype = dtype or on.dtype
    if off_value is not None:
        off = convert_to_tensor(off_value, dtype=dtype)
        dtype = dtype or off.dtype
    dtype = dtype or _dtypes.float32
    if on is None:
        on = _C.scalar_int(1, dtype._c)
    if off is None:
        off = _C.scalar_int(0, dtype._c)
    if on.dtype != off.dtype:
        raise TypeError(f"one_hot: on_value ({on.dtype.name}) and off_value "
                        f"({off.dtype.name}) must have the same dtype")
    indices = _as_tensor(indices)
    axis = -1 if axis is None else _int(axis, "one_hot: axis")
    return _C.one_hot(indices, _int(depth, "one_hot: depth"), on, off, axis)
