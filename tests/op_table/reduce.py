"""Op-table rows for reductions (axis forms, keepdims, empty and 0-d inputs)."""

import numpy as np

import tapeflow as tf
from op_table import OpCase

SHAPES = (((),), ((7,),), ((3, 5),), ((2, 3, 4),), ((1025,),), ((33, 4),), ((2, 0, 3),))
AXES = (None, 0, -1, (0, 1), [0, -1], ())


def _rows(name, fn, ref, dtypes=("float32", "float64", "int32", "int64"), **kw):
    rows = []
    for axis in AXES:
        for keepdims in (False, True):

            def valid(shapes, axis=axis):
                rank = len(shapes[0])
                axes = [] if axis is None else ([axis] if isinstance(axis, int) else list(axis))
                in_range = all(-rank <= a < rank for a in axes)
                return in_range and len({a % rank for a in axes}) == len(axes)

            shapes = tuple(s for s in SHAPES if valid(s))
            rows.append(
                OpCase(
                    f"{name}[axis={axis},keepdims={keepdims}]",
                    lambda x, fn=fn, a=axis, k=keepdims: fn(x, axis=a, keepdims=k),
                    lambda x, ref=ref, a=axis, k=keepdims: ref(
                        x,
                        axis=None if a is None else tuple(a) if isinstance(a, (list, tuple)) else a,
                        keepdims=k,
                    ),
                    shapes,
                    dtypes=dtypes,
                    **kw,
                )
            )
    return rows


def _ref_max(x, axis, keepdims):
    if x.size == 0 or (
        axis is not None and axis != () and any(x.shape[a] == 0 for a in np.atleast_1d(axis))
    ):
        fill = -np.inf if x.dtype.kind == "f" else np.iinfo(x.dtype).min
        return np.max(x, axis=axis, keepdims=keepdims, initial=fill)
    return np.max(x, axis=axis, keepdims=keepdims)


def _ref_min(x, axis, keepdims):
    fill = np.inf if x.dtype.kind == "f" else np.iinfo(x.dtype).max
    return np.min(x, axis=axis, keepdims=keepdims, initial=fill)


def _ref_mean(x, axis, keepdims):
    if x.dtype.kind in "iu":
        total = np.sum(x, axis=axis, keepdims=keepdims)
        count = x.size // max(np.size(total), 1) if x.size else 0
        return total if count == 0 else (np.trunc(total / count)).astype(x.dtype)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.mean(x, axis=axis, keepdims=keepdims)


def _ref_logsumexp(x, axis, keepdims):
    with np.errstate(divide="ignore"):
        return np.log(np.sum(np.exp(x), axis=axis, keepdims=keepdims))


def _distinct(rng, shapes, dtype):
    """Values without ties (max/min/argmax gradients are defined without ties)."""
    shape = shapes[0]
    n = int(np.prod(shape))
    return [np.asarray(rng.permutation(n) / 4.0 - n / 8.0, dtype=dtype).reshape(shape)]


CASES = (
    _rows("reduce_sum", tf.reduce_sum, np.sum)
    + _rows(
        "reduce_prod", tf.reduce_prod, np.prod, low=0.5, high=1.5, dtypes=("float32", "float64")
    )
    + _rows("reduce_max", tf.reduce_max, _ref_max, make_inputs=_distinct)
    + _rows("reduce_min", tf.reduce_min, _ref_min, make_inputs=_distinct)
    + _rows("reduce_mean", tf.reduce_mean, _ref_mean)
    + _rows("reduce_logsumexp", tf.reduce_logsumexp, _ref_logsumexp, dtypes=("float32", "float64"))
    + _rows("reduce_any", tf.reduce_any, np.any, dtypes=("bool",), grad=False)
    + _rows("reduce_all", tf.reduce_all, np.all, dtypes=("bool",), grad=False)
    + [
        OpCase(
            f"{name}[axis={axis}]",
            lambda x, f=fn, a=axis: f(x, axis=a),
            lambda x, r=ref, a=axis: r(x, axis=a),
            (((7,),), ((3, 5),), ((2, 3, 4),)),
            dtypes=("float32", "float64", "int32", "int64"),
            grad=False,
            make_inputs=_distinct,
        )
        for name, fn, ref in (("argmax", tf.argmax, np.argmax), ("argmin", tf.argmin, np.argmin))
        for axis in (0, -1)
    ]
    + [
        # Bool (TF allows it; many ties) and the int32 output type.
        OpCase(
            f"{name}[bool,axis={axis}]",
            lambda x, f=fn, a=axis: f(x, axis=a),
            lambda x, r=ref, a=axis: r(x, axis=a),
            (((7,),), ((3, 5),), ((33, 4),)),
            dtypes=("bool",),
            grad=False,
        )
        for name, fn, ref in (("argmax", tf.argmax, np.argmax), ("argmin", tf.argmin, np.argmin))
        for axis in (0, -1)
    ]
    + [
        OpCase(
            "argmax[output_type=int32]",
            lambda x: tf.argmax(x, axis=1, output_type=tf.int32),
            lambda x: np.argmax(x, axis=1).astype(np.int32),
            (((3, 5),), ((33, 4),)),
            grad=False,
            make_inputs=_distinct,
        ),
    ]
)
