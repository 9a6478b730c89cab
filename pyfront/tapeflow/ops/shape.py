"""Shape and indexing ops (csrc/ops/shape.cpp, csrc/ops/index.cpp), with TensorFlow's names,
signatures and errors.

reshape, transpose, expand_dims, squeeze, broadcast_to, reverse, identity, split, unstack and
basic indexing (``x[1:, ::-1, None]``) return views sharing the input's storage; concat, stack,
tile, gather and integer-array indexing copy. Shapes, axes and sizes may be Python ints, lists,
``TensorShape``s or integer tensors; they are parsed in C++.

    x = tf.reshape(tf.range(6), (2, 3))
    tf.transpose(x)[::-1, 0]      # <tf.Tensor: shape=(3,), ..., numpy=array([2, 1, 0])>
"""

from __future__ import annotations

from tapeflow import _C
from tapeflow import dtypes as _dtypes
from tapeflow._convert import convert_to_tensor

Tensor = _C.Tensor


def _t(x):
    return x if type(x) is Tensor else convert_to_tensor(x)


def _tensor_list(values):
    """Tensors from a list that may mix tensors and Python values; plain values take the dtype
    of the first tensor in the list (TensorFlow's packing rule)."""
    if isinstance(values, Tensor):
        return _C.unstack(values, None, 0)
    if not isinstance(values, (list, tuple)):
        values = list(values)
    if all(type(v) is Tensor for v in values):
        return values
    like = next((v for v in values if isinstance(v, Tensor) or hasattr(v, "__tf_tensor__")), None)
    if like is None:
        return [convert_to_tensor(v) for v in values]
    dtype = _dtypes.from_c(convert_to_tensor(like)._dtype)
    return [v if type(v) is Tensor else convert_to_tensor(v, dtype_hint=dtype) for v in values]


def reshape(tensor, shape, name=None):
    """`tensor`'s values in a new shape; one entry of `shape` may be -1 (inferred)."""
    return _C.reshape(_t(tensor), shape)


def transpose(a, perm=None, conjugate=False, name="transpose"):
    """Permutes the axes: ``out.shape[i] = a.shape[perm[i]]``; perm defaults to reversing them."""
    return _C.transpose(_t(a), perm)


def expand_dims(input, axis, name=None):  # noqa: A002  (TF's argument name)
    """Inserts a size-1 axis at `axis`, in [-rank - 1, rank]."""
    return _C.expand_dims(_t(input), axis)


def squeeze(input, axis=None, name=None):  # noqa: A002
    """Drops size-1 axes: all of them, or those listed in `axis` (which must have size 1)."""
    return _C.squeeze(_t(input), axis)


def broadcast_to(input, shape, name=None):  # noqa: A002
    """A zero-copy view of `input` broadcast (NumPy rules) to `shape`."""
    return _C.broadcast_to(_t(input), shape)


def reverse(tensor, axis, name=None):
    """`tensor` with the listed axes reversed (a view with negative strides)."""
    return _C.reverse(_t(tensor), axis)


def identity(input, name=None):  # noqa: A002
    """The same values as a new tensor (sharing storage); gradients pass through."""
    return _C.identity(_t(input))


def concat(values, axis, name="concat"):
    """Joins tensors of one rank along an existing axis."""
    return _C.concat(_tensor_list(values), axis)


def stack(values, axis=0, name="stack"):
    """Joins tensors of one shape along a new axis."""
    values = _tensor_list(values)
    if not values and axis == 0:
        return convert_to_tensor([])  # TensorFlow packs [] into an empty float32 tensor
    return _C.stack(values, axis)


def split(value, num_or_size_splits, axis=0, num=None, name="split"):
    """A list of pieces of `value` along `axis`: `num_or_size_splits` equal ones, or pieces of
    the listed sizes (one may be -1)."""
    return _C.split(_t(value), num_or_size_splits, axis)


def unstack(value, num=None, axis=0, name="unstack"):
    """The slices of `value` along `axis`, as a list (that axis removed)."""
    return _C.unstack(_t(value), num, axis)


def tile(input, multiples, name=None):  # noqa: A002
    """`input` repeated `multiples[i]` times along each axis i."""
    return _C.tile(_t(input), multiples)


def gather(params, indices, validate_indices=None, axis=None, batch_dims=0, name=None):
    """Slices of `params` at `indices` along `axis` (default: batch_dims). Indices outside
    [0, params.shape[axis]) raise InvalidArgumentError, as on TensorFlow's CPU."""
    if axis is None:
        axis = batch_dims
    return _C.gather(_t(params), _t(indices), axis, batch_dims)


def shape(input, out_type=_dtypes.int32, name=None):  # noqa: A002
    """The shape of `input` as a 1-D int32 (or int64) tensor."""
    return _C.shape_of(_t(input), _dtypes.as_dtype(out_type)._c)


def size(input, out_type=_dtypes.int32, name=None):  # noqa: A002
    """The number of elements of `input` as a 0-d int32 (or int64) tensor."""
    return _C.size_of(_t(input), _dtypes.as_dtype(out_type)._c)


def rank(input, name=None):  # noqa: A002
    """The rank of `input` as a 0-d int32 tensor."""
    return _C.rank_of(_t(input))


def getitem(tensor, key):
    """``tensor[key]`` with NumPy's rules (installed as Tensor.__getitem__): ints, slices,
    ``...``, ``None`` (tf.newaxis), integer arrays (gathered, broadcast together) and boolean
    masks."""
    return _C.getitem(_t(tensor), key)


newaxis = None

__all__ = [
    "reshape", "transpose", "expand_dims", "squeeze", "broadcast_to", "reverse", "identity",
    "concat", "stack", "split", "unstack", "tile", "gather", "shape", "size", "rank", "newaxis",
]
