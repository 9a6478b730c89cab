"""Op-table rows for the softmax family."""

import numpy as np

import tapeflow as tf
from op_table import OpCase

SHAPES = (((7,),), ((3, 5),), ((2, 3, 4),), ((1025,),), ((0, 3),), ((4, 1),))


def _softmax(x, axis):
    e = np.exp(x - np.max(x, axis=axis, keepdims=True))
    return e / np.sum(e, axis=axis, keepdims=True)


def _log_softmax(x, axis):
    shifted = x - np.max(x, axis=axis, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))


def _sparse_cross_entropy(logits, labels):
    """The composite reference: -log_softmax(logits)[label] per row."""
    picked = np.take_along_axis(_log_softmax(logits, -1), labels[..., None].astype(np.int64), -1)
    return -picked[..., 0]


def _logits_and_labels(label_dtype):
    def make(rng, shapes, dtype):
        (shape,) = shapes
        logits = rng.uniform(-5, 5, size=shape).astype(dtype)
        labels = rng.integers(0, shape[-1], size=shape[:-1]).astype(label_dtype)
        return [logits, labels]

    return make


CASES = [
    OpCase(
        f"{name}[axis={axis}]",
        lambda x, f=fn, a=axis: f(x, axis=a),
        lambda x, r=ref, a=axis: r(x, a),
        tuple(s for s in SHAPES if axis == -1 or (len(s[0]) > 1 and s[0][0] > 0)),
        low=-30,
        high=30,
    )
    for name, fn, ref in (
        ("softmax", tf.nn.softmax, _softmax),
        ("log_softmax", tf.nn.log_softmax, _log_softmax),
    )
    for axis in (-1, 0)
] + [
    OpCase(
        f"{name}[axis=1]",
        lambda x, f=fn: f(x, axis=1),
        lambda x, r=ref: r(x, 1),
        (((3, 5),), ((2, 3, 4),), ((4, 1),), ((2, 7, 33),)),
        low=-30,
        high=30,
    )
    for name, fn, ref in (
        ("softmax", tf.nn.softmax, _softmax),
        ("log_softmax", tf.nn.log_softmax, _log_softmax),
    )
] + [
    OpCase(
        f"sparse_softmax_cross_entropy_with_logits[labels={label_dtype}]",
        lambda logits, labels: tf.nn.sparse_softmax_cross_entropy_with_logits(labels, logits),
        _sparse_cross_entropy,
        (((1, 1),), ((5, 10),), ((2, 3, 7),), ((33,),), ((0, 4),)),
        make_inputs=_logits_and_labels(label_dtype),
    )
    for label_dtype in ("int32", "int64")
]
