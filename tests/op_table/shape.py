"""Op-table rows for the shape and indexing family (views, joins, gather, __getitem__), on
every dtype: these ops move values without looking at them."""

import numpy as np

import tapeflow as tf
from op_table import UNARY_SHAPES, OpCase, random_array

ALL = ("float32", "float64", "int32", "int64", "bool")
MATRICES = (((3, 5),), ((33, 4),), ((1, 7),), ((2, 0, 3),), ((2, 3, 4, 5),), ((4, 1),))
AT_LEAST_1D = tuple(s for s in UNARY_SHAPES if len(s[0]) >= 1)


def _row(name, fn, ref, shapes, **kw):
    return OpCase(name, fn, ref, shapes, dtypes=kw.pop("dtypes", ALL), **kw)


def _broadcast_target(shape):
    return (2,) + tuple(4 if d == 1 else d for d in shape)


def _gather_inputs(axis, index_shape):
    """params of the case dtype, and int32 indices valid for `axis` (shape `index_shape`)."""
    def make(rng, shapes, dtype):
        params = random_array(rng, shapes[0], dtype)
        n = params.shape[axis]
        indices = rng.integers(0, max(n, 1), size=index_shape if n else (0,))
        return [params, indices.astype(np.int32)]
    return make


def _ref_gather(params, indices, axis=0, batch_dims=0):
    if batch_dims == 0:
        return np.take(params, indices, axis=axis)
    return np.stack([np.take(p, i, axis=axis - 1) for p, i in zip(params, indices, strict=True)])


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
    _row("reshape[-1]", lambda x: tf.reshape(x, [-1]), lambda x: x.reshape(-1), UNARY_SHAPES),
    _row("reshape[rows,-1]", lambda x: tf.reshape(x, (x.shape[0], -1)),
         lambda x: x.reshape(x.shape[0], -1), MATRICES),
    _row("reshape[split_last]", lambda x: tf.reshape(x, tuple(x.shape[:-1]) + (2, -1)),
         lambda x: x.reshape(x.shape[:-1] + (2, -1)), (((4,),), ((3, 6),), ((5, 3, 4),))),
    _row("reshape[explicit]", lambda x: tf.reshape(x, tuple(x.shape[:-1]) + (2, x.shape[-1] // 2)),
         lambda x: x.reshape(x.shape[:-1] + (2, x.shape[-1] // 2)), (((2, 0, 4),), ((3, 6),))),
    _row("transpose", tf.transpose, np.transpose, UNARY_SHAPES),
    _row("transpose[perm]", lambda x: tf.transpose(x, perm=[1, 2, 0]),
         lambda x: np.transpose(x, (1, 2, 0)), (((2, 3, 4),), ((2, 0, 3),), ((1, 7, 1),))),
    _row("expand_dims[0]", lambda x: tf.expand_dims(x, 0), lambda x: np.expand_dims(x, 0),
         UNARY_SHAPES),
    _row("expand_dims[-1]", lambda x: tf.expand_dims(x, -1), lambda x: np.expand_dims(x, -1),
         UNARY_SHAPES),
    _row("squeeze", tf.squeeze, np.squeeze, (((),), ((1,),), ((3, 1, 5),), ((1, 7, 1),),
                                            ((1, 0, 1),))),
    _row("squeeze[axis=-1]", lambda x: tf.squeeze(x, -1), lambda x: np.squeeze(x, -1),
         (((1,),), ((1, 7, 1),), ((4, 1),))),
    _row("broadcast_to", lambda x: tf.broadcast_to(x, _broadcast_target(x.shape)),
         lambda x: np.broadcast_to(x, _broadcast_target(x.shape)),
         (((),), ((1,),), ((7,),), ((3, 1),), ((1, 1, 5),), ((0, 1),))),
    _row("reverse[0]", lambda x: tf.reverse(x, [0]), lambda x: np.flip(x, 0), AT_LEAST_1D),
    _row("reverse[-1,0]", lambda x: tf.reverse(x, [-1, 0]), lambda x: np.flip(x, (-1, 0)),
         MATRICES),
    _row("identity", tf.identity, lambda x: x, UNARY_SHAPES),
    _row("concat[0]", lambda *xs: tf.concat(list(xs), 0), lambda *xs: np.concatenate(xs, 0),
         (((2, 3), (4, 3), (0, 3)), ((7,), (1,)), ((1025,),), ((2, 0, 3), (1, 0, 3)))),
    _row("concat[-1]", lambda *xs: tf.concat(xs, axis=-1), lambda *xs: np.concatenate(xs, -1),
         (((3, 2), (3, 5)), ((2, 3, 4), (2, 3, 1), (2, 3, 0)), ((33, 4), (33, 4)))),
    _row("stack[0]", lambda *xs: tf.stack(xs), lambda *xs: np.stack(xs),
         (((), ()), ((7,), (7,), (7,)), ((3, 5), (3, 5)), ((0, 3), (0, 3)))),
    _row("stack[-1]", lambda *xs: tf.stack(xs, axis=-1), lambda *xs: np.stack(xs, -1),
         (((), ()), ((7,), (7,)), ((3, 5), (3, 5), (3, 5)))),
    _row("split[3]", lambda x: tf.split(x, 3), lambda x: np.split(x, 3),
         (((6,),), ((3, 5),), ((0, 2),), ((9, 4),))),
    _row("split[sizes,axis=1]", lambda x: tf.split(x, [1, -1, 2], axis=1),
         lambda x: np.split(x, [1, x.shape[1] - 2], axis=1), (((3, 5),), ((2, 4, 3),),
                                                              ((0, 3),))),
    _row("unstack", tf.unstack, lambda x: list(x), AT_LEAST_1D[:6]),
    _row("unstack[axis=-1]", lambda x: tf.unstack(x, axis=-1),
         lambda x: [x[..., i] for i in range(x.shape[-1])], (((3, 5),), ((2, 3, 4),), ((4, 1),))),
    _row("tile", lambda x: tf.tile(x, [2] + [1] * (x.ndim - 1)),
         lambda x: np.tile(x, [2] + [1] * (x.ndim - 1)), AT_LEAST_1D),
    _row("tile[every_axis]", lambda x: tf.tile(x, [3, 2]), lambda x: np.tile(x, (3, 2)),
         (((3, 5),), ((1, 7),), ((0, 3),), ((4, 1),))),
    _row("tile[zero]", lambda x: tf.tile(x, [0, 2, 1]), lambda x: np.tile(x, (0, 2, 1)),
         (((2, 3, 4),),)),
    _row("gather", lambda p, i: tf.gather(p, i), lambda p, i: np.take(p, i, axis=0),
         (((7,), (5,)), ((3, 5), (4,)), ((1025,), (33,))), make_inputs=_gather_inputs(0, (9,))),
    _row("gather[axis=1,2-D]", lambda p, i: tf.gather(p, i, axis=1),
         lambda p, i: np.take(p, i, axis=1), (((3, 5), ()), ((2, 3, 4), ()), ((4, 0), ())),
         make_inputs=_gather_inputs(1, (2, 3))),
    _row("gather[axis=-1,0-d]", lambda p, i: tf.gather(p, i[0], axis=-1),
         lambda p, i: np.take(p, i[0], axis=-1), (((3, 5), ()), ((7,), ())),
         make_inputs=_gather_inputs(-1, (1,))),
    _row("gather[batch_dims=1]", lambda p, i: tf.gather(p, i, axis=1, batch_dims=1),
         lambda p, i: _ref_gather(p, i, axis=1, batch_dims=1),
         (((3, 5), ()), ((3, 4, 2), ())),
         make_inputs=lambda rng, shapes, dtype: [
             random_array(rng, shapes[0], dtype),
             rng.integers(0, shapes[0][1], size=(shapes[0][0], 6)).astype(np.int32)]),
    *_getitem_rows(),
]
