"""Op-table rows for the shape and indexing family (views and copies), on every dtype; the
getitem[...] rows evaluate the same key with NumPy."""

import numpy as np

import tapeflow as tf
from op_table import UNARY_SHAPES, OpCase, random_array

ALL = ("float32", "float64", "int32", "int64", "bool")

# Shapes for ops that need rank >= 1 / rank >= 2 / a size-1 axis.
RANK1 = (((1,),), ((7,),), ((0,),), ((3, 5),), ((33, 4),), ((1025,),), ((2, 0, 3),),
         ((2, 3, 4, 5),))
RANK2 = (((3, 5),), ((1, 7),), ((0, 3),), ((33, 4),), ((2, 3, 4),), ((2, 0, 3),),
         ((2, 3, 4, 5),))
WITH_ONES = (((1,),), ((1, 7, 1),), ((3, 1, 5),), ((1, 1),), ((0, 1),), ((2, 1, 3, 1, 4),))


def _reversed_axes(x):
    return tuple(range(np.ndim(x)))[::-1]


def _rotate(rank):
    return list(range(1, rank)) + [0]


def _tile_multiples(rank):
    return [(2, 1, 3, 1)[i % 4] for i in range(rank)]


def _gather_inputs(axis, batch_dims=0, index_shape=(5,)):
    """params of the case dtype; int32 indices in range for `axis`."""
    def make(rng, shapes, dtype):
        params = random_array(rng, shapes[0], dtype)
        size = shapes[0][axis]
        idx_shape = tuple(shapes[0][:batch_dims]) + index_shape
        indices = rng.integers(0, max(size, 1), size=idx_shape).astype(np.int32)
        if size == 0:
            indices = indices[..., :0]
        return [params, indices]
    return make


def _np_gather_batched(params, indices, batch_dims, axis):
    if batch_dims == 0:
        return np.take(params, indices, axis=axis)
    return np.stack([_np_gather_batched(p, i, batch_dims - 1, axis - 1)
                     for p, i in zip(params, indices, strict=True)])


def _one_hot_inputs(rng, shapes, dtype):
    return [rng.integers(-1, 6, size=shapes[0]).astype(dtype)]


def _np_one_hot(indices, depth=5, axis=-1, on=1.0, off=0.0):
    hot = np.arange(depth) == indices[..., None]
    out = np.where(hot, on, off)
    return np.moveaxis(out, -1, axis if axis >= 0 else indices.ndim + 1 + axis)


def _row(name, fn, ref, shapes, **kw):
    return OpCase(name, fn, ref, shapes, dtypes=kw.pop("dtypes", ALL), **kw)


def _getitem_rows():
    """(label, key, shapes): NumPy evaluates the same key on the same values."""
    table = [
        ("int", 1, ((3,), (3, 5), (2, 3, 4))),
        ("negative_int", -1, ((7,), (3, 5))),
        ("int_int", (1, -2), ((3, 5), (2, 3, 4))),
        ("slice", slice(1, None), ((7,), (3, 5), (0, 3))),
        ("slice_step", slice(None, None, 2), ((7,), (33, 4), (1025,))),
        ("negative_step", slice(None, None, -1), ((7,), (3, 5), (0,))),
        ("negative_step_bounds", slice(-2, 0, -2), ((7,), (33, 4))),
        ("clamped_slice", slice(-100, 100), ((7,), (3, 5))),
        ("empty_slice", slice(3, 1), ((7,), (3, 5))),
        ("two_slices", (slice(None, -1), slice(1, None, 3)), ((3, 5), (33, 4), (2, 0, 3))),
        ("ellipsis", (Ellipsis, 0), ((3, 5), (2, 3, 4), (2, 3, 4, 5))),
        ("ellipsis_middle", (0, Ellipsis, slice(None, None, -2)), ((2, 3, 4), (2, 3, 4, 5))),
        ("newaxis", (None, slice(None), None), ((7,), (3, 5))),
        ("scalar_newaxis", (None, Ellipsis), ((), (7,))),
        ("full", Ellipsis, ((), (3, 5))),
        ("int_newaxis_slice", (1, None, slice(None, 2)), ((3, 5), (2, 3, 4))),
        ("list_index", [2, 0, -1, 0], ((7,), (3, 5), (4, 3, 2))),
        ("array_second_axis", (slice(None), [1, 0]), ((3, 5), (2, 3, 4), (1, 7))),
        ("array_2d", np.array([[0, 1], [1, 0]]), ((3, 5), (2, 3, 4))),
        ("int_slice_array", (0, slice(None), [1, 0, 1]), ((2, 3, 4), (2, 3, 4, 5))),
        ("slice_int_array", (slice(None, None, -1), 1, [0, 0]), ((2, 3, 4), (2, 3, 4, 5))),
        ("newaxis_array", (None, [1, 0]), ((3, 5),)),
        ("empty_list", [], ((7,), (3, 5))),
        ("two_arrays", ([0, 2, 1], [1, 0, -1]), ((3, 5), (4, 3, 2))),
        ("arrays_broadcast", ([[0], [2]], slice(None), [1, 0, 1]), ((3, 4, 2), (3, 2, 2, 5))),
        ("array_and_mask", ([1, 0], np.array([True, False, True])), ((2, 3), (3, 3, 4))),
    ]
    rows = []
    for label, key, shapes in table:
        rows.append(_row(f"getitem[{label}]", lambda x, key=key: x[key],
                         lambda x, key=key: x[key], tuple((s,) for s in shapes)))
    # A boolean mask over the first one or two axes, drawn with the values.
    def mask_inputs(rng, shapes, dtype):
        x = random_array(rng, shapes[0], dtype)
        return [x, rng.random(shapes[1]) < 0.5]
    rows.append(_row("getitem[mask]", lambda x, m: x[m], lambda x, m: x[m],
                     (((7,), (7,)), ((3, 5), (3,)), ((3, 5), (3, 5)), ((2, 3, 4), (2, 3)),
                      ((0, 3), (0,))), make_inputs=mask_inputs))
    return rows


CASES = [
    OpCase("reshape_flat", lambda x: tf.reshape(x, [-1]), lambda x: x.reshape(-1),
           UNARY_SHAPES, dtypes=ALL),
    OpCase("reshape_split_last", lambda x: tf.reshape(x, [-1, 1, x.shape[-1]]),
           lambda x: x.reshape(-1, 1, x.shape[-1]),
           tuple(s for s in RANK1 if s[0][-1] != 0), dtypes=ALL),
    OpCase("reshape_merge_last", lambda x: tf.reshape(x, list(x.shape[:-2]) + [-1]),
           lambda x: x.reshape(x.shape[:-2] + (-1,)), RANK2[:-2] + (((2, 3, 4),),), dtypes=ALL),
    OpCase("transpose", tf.transpose, np.transpose, UNARY_SHAPES, dtypes=ALL),
    OpCase("transpose_perm", lambda x: tf.transpose(x, _rotate(x.ndim)),
           lambda x: np.transpose(x, _rotate(x.ndim)), RANK2, dtypes=ALL),
    OpCase("expand_dims_0", lambda x: tf.expand_dims(x, 0), lambda x: np.expand_dims(x, 0),
           UNARY_SHAPES, dtypes=ALL),
    OpCase("expand_dims_last", lambda x: tf.expand_dims(x, -1),
           lambda x: np.expand_dims(x, -1), UNARY_SHAPES, dtypes=ALL),
    OpCase("squeeze", tf.squeeze, np.squeeze, WITH_ONES + (((),), ((3, 5),)), dtypes=ALL),
    OpCase("squeeze_axis", lambda x: tf.squeeze(x, [-1]), lambda x: np.squeeze(x, -1),
           (((1,),), ((1, 7, 1),), ((0, 1),), ((2, 1, 3, 1),)), dtypes=ALL),
    OpCase("broadcast_to", lambda x: tf.broadcast_to(x, (3,) + x.shape[:-1] + (7,)),
           lambda x: np.broadcast_to(x, (3,) + x.shape[:-1] + (7,)),
           (((1,),), ((7,),), ((5, 1),), ((2, 1, 7),), ((0, 1),)), dtypes=ALL),
    OpCase("broadcast_scalar", lambda x: tf.broadcast_to(x, (2, 0, 3)) + tf.zeros(
        (2, 0, 3), x.dtype) if x.dtype.is_floating else tf.broadcast_to(x, (4, 3)),
        lambda x: np.broadcast_to(x, (2, 0, 3)) if x.dtype.kind == "f" else np.broadcast_to(
            x, (4, 3)), (((),),), dtypes=ALL),
    OpCase("identity", tf.identity, lambda x: x, UNARY_SHAPES, dtypes=ALL),
    OpCase("concat_0", lambda a, b: tf.concat([a, b], 0),
           lambda a, b: np.concatenate([a, b], 0),
           (((1,), (7,)), ((3, 5), (4, 5)), ((0, 3), (2, 3)), ((2, 3, 4), (1, 3, 4)),
            ((0,), (0,)), ((1025,), (33,))), dtypes=ALL),
    OpCase("concat_last", lambda a, b, c: tf.concat([a, b, c], -1),
           lambda a, b, c: np.concatenate([a, b, c], -1),
           (((3, 5), (3, 1), (3, 7)), ((2, 3, 4), (2, 3, 0), (2, 3, 33)),
            ((7,), (1,), (0,))), dtypes=ALL),
    OpCase("stack_0", lambda a, b: tf.stack([a, b]), lambda a, b: np.stack([a, b]),
           (((), ()), ((7,), (7,)), ((3, 5), (3, 5)), ((0, 3), (0, 3))), dtypes=ALL),
    OpCase("stack_last", lambda a, b, c: tf.stack([a, b, c], axis=-1),
           lambda a, b, c: np.stack([a, b, c], axis=-1),
           (((), (), ()), ((7,), (7,), (7,)), ((3, 5), (3, 5), (3, 5))), dtypes=ALL),
    OpCase("unstack_0", tf.unstack, lambda x: list(x), RANK1, dtypes=ALL),
    OpCase("unstack_last", lambda x: tf.unstack(x, axis=-1), lambda x: list(np.moveaxis(x, -1, 0)),
           (((3, 5),), ((2, 3, 4),), ((33, 4),)), dtypes=ALL),
    OpCase("split_even", lambda x: tf.split(x, 2, axis=-1), lambda x: np.split(x, 2, axis=-1),
           (((4,),), ((3, 6),), ((0, 2),), ((2, 3, 4),), ((2, 0),)), dtypes=ALL),
    OpCase("split_sizes", lambda x: tf.split(x, [1, -1, 2], axis=0),
           lambda x: np.split(x, [1, x.shape[0] - 2], axis=0),
           (((3,),), ((7, 3),), ((33, 4),), ((4, 0, 2),)), dtypes=ALL),
    OpCase("tile", lambda x: tf.tile(x, _tile_multiples(x.ndim)),
           lambda x: np.tile(x, _tile_multiples(x.ndim)), UNARY_SHAPES, dtypes=ALL),
    OpCase("tile_zero", lambda x: tf.tile(x, [0] + [2] * (x.ndim - 1)),
           lambda x: np.tile(x, [0] + [2] * (x.ndim - 1)), RANK1[:4], dtypes=ALL),
    OpCase("reverse", lambda x: tf.reverse(x, [-1]), lambda x: np.flip(x, -1), RANK1, dtypes=ALL),
    OpCase("reverse_many", lambda x: tf.reverse(x, [0, 2]), lambda x: np.flip(x, (0, 2)),
           (((2, 3, 4),), ((2, 0, 3),), ((2, 3, 4, 5),)), dtypes=ALL),
    OpCase("gather_0", lambda p, i: tf.gather(p, i), lambda p, i: np.take(p, i, axis=0),
           (((7,), ()), ((3, 5), ()), ((33, 4), ()), ((2, 3, 4), ())), dtypes=ALL,
           make_inputs=_gather_inputs(0)),
    OpCase("gather_1", lambda p, i: tf.gather(p, i, axis=1), lambda p, i: np.take(p, i, axis=1),
           (((3, 5), ()), ((2, 3, 4), ()), ((2, 0, 3), ())), dtypes=ALL,
           make_inputs=_gather_inputs(1, index_shape=(2, 3))),
    OpCase("gather_batch", lambda p, i: tf.gather(p, i, axis=1, batch_dims=1),
           lambda p, i: _np_gather_batched(p, i, 1, 1),
           (((3, 5), ()), ((2, 3, 4), ()), ((4, 7, 2, 3), ())), dtypes=ALL,
           make_inputs=_gather_inputs(1, batch_dims=1, index_shape=(4,))),
    OpCase("one_hot", lambda i: tf.one_hot(i, 5), _np_one_hot,
           (((),), ((7,),), ((0,),), ((3, 4),), ((2, 3, 4),)), dtypes=("int32", "int64"),
           make_inputs=_one_hot_inputs, grad=False),
    OpCase("one_hot_axis0", lambda i: tf.one_hot(i, 5, on_value=2.0, off_value=-1.0, axis=0),
           lambda i: _np_one_hot(i, 5, 0, 2.0, -1.0),
           (((),), ((7,),), ((3, 4),)), dtypes=("int32", "int64"),
           make_inputs=_one_hot_inputs, grad=False),
    OpCase("getitem_basic", lambda x: x[1:, ::-2], lambda x: x[1:, ::-2], RANK2, dtypes=ALL),
    OpCase("getitem_int_ellipsis", lambda x: x[..., -1, None], lambda x: x[..., -1, None],
           RANK2[:2] + RANK2[3:5] + RANK2[6:], dtypes=ALL),
    OpCase("getitem_array", lambda x: x[:, [0, -1, 0]], lambda x: x[:, [0, -1, 0]],
           (((3, 5),), ((1, 7),), ((0, 3),), ((2, 3, 4),)), dtypes=ALL),
    _row("reshape_explicit", lambda x: tf.reshape(x, tuple(x.shape[:-1]) + (2, x.shape[-1] // 2)),
         lambda x: x.reshape(x.shape[:-1] + (2, x.shape[-1] // 2)), (((2, 0, 4),), ((3, 6),))),
    _row("tile_every_axis", lambda x: tf.tile(x, [3, 2]), lambda x: np.tile(x, (3, 2)),
         (((3, 5),), ((1, 7),), ((0, 3),), ((4, 1),))),
    _row("gather_0d_index", lambda p, i: tf.gather(p, i[0], axis=-1),
         lambda p, i: np.take(p, i[0], axis=-1), (((3, 5), ()), ((7,), ())),
         make_inputs=_gather_inputs(-1, index_shape=(1,))),
    *_getitem_rows(),
]
