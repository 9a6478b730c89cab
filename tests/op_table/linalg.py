"""Op-table rows for matmul and tensordot: 2-D and batched products with NumPy broadcasting,
every transposition, sizes that leave partial register tiles (1, 7, 33, 65, 129), K = 0 and
other zero-size dimensions, integer dtypes through the reference kernel. Then the fused dense
op, activation(x @ kernel + bias), for each activation, with and without a bias."""

import numpy as np

import tapeflow as tf
from op_table import OpCase
from tapeflow.ops.nn import _dense

ALL_DTYPES = ("float32", "float64", "int32", "int64")
# Sums of up to ~1000 products: float32 carries about sqrt(K) rounding errors per element.
RTOL = {"float32": 1e-4, "float64": 1e-11}
ATOL = {"float32": 1e-4, "float64": 1e-11}


def _np_matmul(a, b, transpose_a=False, transpose_b=False):
    a = np.swapaxes(a, -1, -2) if transpose_a else a
    b = np.swapaxes(b, -1, -2) if transpose_b else b
    return np.matmul(a, b)


def _np_tensordot(a, b, axes):
    return np.tensordot(a, b, axes=axes)


MATMUL_SHAPES = (
    ((1, 1), (1, 1)),
    ((2, 3), (3, 4)),
    ((7, 33), (33, 65)),
    ((33, 7), (7, 1)),
    ((65, 129), (129, 33)),
    ((129, 1), (1, 7)),
    ((1, 1025), (1025, 1)),
    ((3, 0), (0, 4)),  # K = 0: zeros
    ((0, 3), (3, 4)),
    ((3, 4), (4, 0)),
    ((2, 3, 4), (2, 4, 5)),
    ((2, 1, 3, 4), (5, 4, 6)),
    ((4, 3), (2, 3, 5)),
    ((1, 7, 33), (3, 33, 1)),
    ((0, 3, 4), (4, 2)),
    ((2, 2, 6, 16), (16, 16)),
)


def _transposed(shapes, transpose_a, transpose_b):
    """The stored shapes that give the same product shapes once transposed."""
    a, b = shapes
    swap = lambda s: s[:-2] + (s[-1], s[-2])  # noqa: E731
    return (swap(a) if transpose_a else a, swap(b) if transpose_b else b)


def _matmul_rows():
    rows = [
        OpCase(
            "matmul", tf.matmul, _np_matmul, MATMUL_SHAPES, dtypes=ALL_DTYPES, rtol=RTOL, atol=ATOL
        )
    ]
    for ta, tb in ((True, False), (False, True), (True, True)):
        shapes = tuple(_transposed(s, ta, tb) for s in MATMUL_SHAPES)
        rows.append(
            OpCase(
                f"matmul[transpose_a={ta},transpose_b={tb}]",
                tf.matmul,
                _np_matmul,
                shapes,
                dtypes=ALL_DTYPES,
                rtol=RTOL,
                atol=ATOL,
                kwargs={"transpose_a": ta, "transpose_b": tb},
            )
        )
    return rows


def _tensordot_rows():
    table = [
        (
            1,
            (
                ((3, 4), (4, 5)),
                ((2, 3, 4), (4, 5)),
                ((7,), (7,)),
                ((0, 3), (3, 2)),
                ((2, 0), (0, 3)),
                ((33,), (33, 7)),
            ),
        ),
        (0, (((), ()), ((3,), (4,)), ((2, 3), (1,)))),
        (2, (((2, 3, 4), (3, 4, 5)), ((7, 1), (7, 1)))),
        ([[1, 2], [1, 0]], (((2, 3, 4), (4, 3, 5)),)),
        ([[0], [2]], (((33, 2), (3, 1, 33)),)),
        ([2, 0], (((2, 3, 4), (4, 5)),)),
        ([[-1, 0], [0, -1]], (((5, 2, 3), (3, 7, 5)),)),
    ]
    return [
        OpCase(
            f"tensordot[axes={axes}]",
            tf.tensordot,
            _np_tensordot,
            shapes,
            dtypes=ALL_DTYPES,
            rtol=RTOL,
            atol=ATOL,
            kwargs={"axes": axes},
        )
        for axes, shapes in table
    ]


NUMPY_ACTIVATIONS = {
    "linear": lambda z: z,
    "relu": lambda z: np.maximum(z, 0.0),
    "sigmoid": lambda z: 1.0 / (1.0 + np.exp(-z)),
    "tanh": np.tanh,
}
# (x, kernel, bias) shapes; the gradient checks take the first four (all small): rank 2,
# rank 3 (leading axes flatten into M), K = 0 (activation(bias)) and one row.
DENSE_SHAPES = (
    ((2, 3), (3, 4), (4,)),
    ((2, 3, 5), (5, 4), (4,)),
    ((3, 0), (0, 2), (2,)),
    ((1, 1), (1, 1), (1,)),
    ((0, 5), (5, 3), (3,)),
    ((7, 17), (17, 15), (15,)),
    ((13, 33), (33, 65), (65,)),
    ((2, 2, 6, 16), (16, 16), (16,)),
)


def _dense_rows():
    rows = []
    for activation, np_activation in NUMPY_ACTIVATIONS.items():
        rows.append(
            OpCase(
                f"dense[activation={activation}]",
                lambda x, kernel, bias, a=activation: _dense(x, kernel, bias, a),
                lambda x, kernel, bias, f=np_activation: f(x @ kernel + bias),
                DENSE_SHAPES,
                rtol=RTOL,
                atol=ATOL,
            )
        )
        rows.append(
            OpCase(
                f"dense[activation={activation},bias=None]",
                lambda x, kernel, a=activation: _dense(x, kernel, None, a),
                lambda x, kernel, f=np_activation: f(x @ kernel),
                tuple(shapes[:2] for shapes in DENSE_SHAPES),
                rtol=RTOL,
                atol=ATOL,
            )
        )
    return rows


CASES = _matmul_rows() + _tensordot_rows() + _dense_rows()
