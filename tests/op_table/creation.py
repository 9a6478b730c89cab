"""Op-table rows for the creation ops that take tensors (fills, linspace, one_hot). range, eye
and the shape-only constructors are checked in tests/test_creation.py."""

import numpy as np

import tapeflow as tf
from op_table import UNARY_SHAPES, OpCase

ALL = ("float32", "float64", "int32", "int64", "bool")


def _one_hot_ref(indices, depth=5, axis=-1):
    valid = (indices >= 0) & (indices < depth)
    out = (indices[..., None] == np.arange(depth)) & valid[..., None]
    return np.moveaxis(out.astype(np.float32), -1, axis)


CASES = [
    OpCase("zeros_like", tf.zeros_like, np.zeros_like, UNARY_SHAPES, dtypes=ALL, grad=False),
    OpCase("ones_like", tf.ones_like, np.ones_like, UNARY_SHAPES, dtypes=ALL, grad=False),
    OpCase("fill", lambda v: tf.fill([3, 4], v), lambda v: np.full((3, 4), v), (((),),),
           dtypes=ALL),
    OpCase("fill[empty]", lambda v: tf.fill([0, 4], v), lambda v: np.full((0, 4), v), (((),),),
           dtypes=ALL),
    OpCase("linspace", lambda s, e: tf.linspace(s, e, 7), lambda s, e: np.linspace(s, e, 7),
           (((), ()), ((3,), (3,)), ((2, 1), (3,)), ((0,), ()))),
    OpCase("linspace[axis=-1]", lambda s, e: tf.linspace(s, e, 4, axis=-1),
           lambda s, e: np.linspace(s, e, 4, axis=-1), (((), ()), ((3,), ()), ((2, 3), (2, 3)))),
    OpCase("linspace[num=1]", lambda s, e: tf.linspace(s, e, 1), lambda s, e: np.linspace(s, e, 1),
           (((), ()), ((3,), (3,)))),
    OpCase("one_hot", lambda i: tf.one_hot(i, 5), _one_hot_ref, UNARY_SHAPES,
           dtypes=("int32", "int64"), low=-1, high=5, grad=False),
    OpCase("one_hot[axis=0]", lambda i: tf.one_hot(i, 5, axis=0),
           lambda i: _one_hot_ref(i, axis=0), (((),), ((7,),), ((3, 4),), ((0, 2),)),
           dtypes=("int32", "int64"), low=-1, high=5, grad=False),
]
