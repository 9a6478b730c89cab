"""Shape ops: views share storage, TensorFlow's error cases, gradients of every shape/index
op-table row (seeded through output_gradients, so no other op's gradient is involved), and
kernels beyond the op table's sizes (parallel paths, thread-count determinism)."""

from __future__ import annotations

import numpy as np
import pytest

import tapeflow as tf
from helpers import assert_close
from op_table import creation as creation_rows
from op_table import shape as shape_rows
from tapeflow import _C

InvalidArgumentError = tf.errors.InvalidArgumentError


def c(x, dtype=None):
    return tf.constant(x, dtype=dtype)


def _shares_storage(view, base):
    """Both handles are counted by one storage, and the view's first element lies in it."""
    return view._storage_owners >= 2 and base._storage_owners >= 2


# --- gradients: the transpose of each (linear) op, against central differences --------------

def _grad_params():
    for case in shape_rows.CASES + creation_rows.CASES:
        if not case.grad or "float64" not in case.dtypes:
            continue
        small = [s for s in case.shapes if all(int(np.prod(x)) <= 64 for x in s)][:3]
        for shapes in small:
            yield pytest.param(case, shapes, id=f"{case.name}-{shapes}")


def _outputs(result):
    return list(result) if isinstance(result, (list, tuple)) else [result]


@pytest.mark.parametrize("case,shapes", list(_grad_params()))
def test_gradient_is_the_adjoint(case, shapes, rng):
    inputs = case.inputs(rng, shapes, "float64")
    tensors = [c(x) for x in inputs]
    floats = [i for i, x in enumerate(inputs) if x.dtype == np.float64]
    outs = _outputs(case.fn(*tensors, **case.kwargs))
    weights = [rng.uniform(0.5, 1.5, size=tuple(o.shape)) for o in outs]
    with tf.GradientTape() as tape:
        tape.watch([tensors[i] for i in floats])
        outs = _outputs(case.fn(*tensors, **case.kwargs))
    grads = tape.gradient(outs, [tensors[i] for i in floats],
                          output_gradients=[c(w) for w in weights])

    def f(arrays):
        result = _outputs(case.fn(*[c(a) for a in arrays], **case.kwargs))
        return sum(float(np.sum(np.asarray(o) * w)) for o, w in zip(result, weights, strict=True))

    for pos, grad in zip(floats, grads, strict=True):
        numeric = np.zeros_like(inputs[pos])
        for index in np.ndindex(inputs[pos].shape):
            plus = [a.copy() for a in inputs]
            minus = [a.copy() for a in inputs]
            plus[pos][index] += 1e-6
            minus[pos][index] -= 1e-6
            numeric[index] = (f(plus) - f(minus)) / 2e-6
        got = np.zeros_like(numeric) if grad is None else grad.numpy()
        assert got.shape == numeric.shape
        assert_close(got, numeric, rtol=1e-6, atol=1e-6, what=f"{case.name} d/dx{pos}")


@pytest.mark.parametrize("fn", [
    lambda x: x[1:, ::-2],
    lambda x: x[:, [2, 0, 2]],
    lambda x: x[c([True, False, True])],
    lambda x: x[[2, 0, 2], [1, 3, 3]],
    lambda x: tf.gather(x, [1, 1, 0], axis=1),
    lambda x: tf.concat([x, x[:1]], 0),
    lambda x: tf.transpose(x),
    lambda x: tf.reshape(x, [-1]),
    lambda x: tf.stack(tf.unstack(x, axis=1)),
], ids=["slice", "array", "mask", "two_arrays", "gather", "concat", "transpose", "reshape",
        "unstack"])
def test_second_order_the_backward_pass_is_recorded(fn, rng):
    """The gradient of <d/dx (w . f(x)), v> with respect to w is f(v): the backward pass of each
    op is built from recorded ops."""
    x = c(rng.normal(size=(3, 4)))
    v = c(rng.normal(size=(3, 4)))
    w = c(rng.normal(size=tuple(fn(x).shape)))
    with tf.GradientTape() as outer:
        outer.watch(w)
        with tf.GradientTape() as inner:
            inner.watch(x)
            y = fn(x)
        dx = inner.gradient(y, x, output_gradients=w)
        total = dx * v
    dw = outer.gradient(total, w, output_gradients=tf.ones_like(total))
    assert_close(dw.numpy(), fn(v).numpy(), rtol=1e-12, atol=1e-12, what="d/dw")


# --- views ----------------------------------------------------------------------------------

@pytest.mark.parametrize("fn", [
    lambda x: tf.reshape(x, [4, 3]),
    lambda x: tf.transpose(x),
    lambda x: tf.expand_dims(x, 1),
    lambda x: tf.squeeze(tf.expand_dims(x, 0)),
    lambda x: tf.broadcast_to(x, [2, 3, 4]),
    lambda x: tf.reverse(x, [1]),
    lambda x: tf.identity(x),
    lambda x: tf.split(x, 2, axis=1)[1],
    lambda x: tf.unstack(x)[2],
    lambda x: x[1:, ::2],
], ids=["reshape", "transpose", "expand_dims", "squeeze", "broadcast_to", "reverse",
        "identity", "split", "unstack", "slice"])
def test_views_share_storage(fn):
    base = c(np.arange(12.0).reshape(3, 4))
    owners = base._storage_owners
    view = fn(base)
    assert view._storage_owners == owners + 1
    assert view._id != base._id
    lo, hi = base._data_ptr, base._data_ptr + 12 * 8
    assert lo <= view._data_ptr < hi


def test_reshape_of_a_transposed_view_copies_but_a_compatible_one_does_not():
    x = c(np.arange(24.0).reshape(2, 3, 4))
    t = tf.transpose(x, [1, 0, 2])  # (3, 2, 4), rows of 4 still contiguous
    merged = tf.reshape(t, [6, 4])  # needs a copy: axes 0 and 1 are not in order
    assert merged._storage_owners == 1
    np.testing.assert_array_equal(merged.numpy(), np.transpose(x.numpy(), (1, 0, 2)).reshape(6, 4))
    split_last = tf.reshape(t, [3, 2, 2, 2])  # only splits a contiguous axis: a view
    assert _shares_storage(split_last, x)
    np.testing.assert_array_equal(split_last.numpy(),
                                  np.transpose(x.numpy(), (1, 0, 2)).reshape(3, 2, 2, 2))


def test_broadcast_to_has_zero_strides():
    b = tf.broadcast_to(c([1.0, 2.0, 3.0]), [4, 3])
    assert b._strides == (0, 1)
    np.testing.assert_array_equal(b.numpy(), np.broadcast_to([1.0, 2.0, 3.0], (4, 3)))


def test_reverse_of_a_reverse_and_negative_strides_read_back():
    x = c(np.arange(10))
    r = tf.reverse(x, [0])
    assert r._strides == (-1,)
    np.testing.assert_array_equal(np.asarray(r[::3]), np.arange(10)[::-1][::3])
    np.testing.assert_array_equal((r + 0).numpy(), np.arange(10)[::-1])


# --- values, dtypes, sizes ------------------------------------------------------------------

def test_shape_size_rank():
    x = tf.zeros([2, 0, 3])
    assert tf.shape(x).dtype == tf.int32 and tf.shape(x).numpy().tolist() == [2, 0, 3]
    assert tf.shape(x, out_type=tf.int64).dtype == tf.int64
    assert int(tf.size(x)) == 0 and int(tf.rank(x)) == 3
    assert tf.shape(c(1.0)).shape == (0,)
    assert tf.reshape(tf.range(6), tf.shape(tf.zeros([3, 2]))).shape == (3, 2)


def test_reshape_accepts_every_spelling_of_a_shape():
    x = tf.range(6)
    for shape in ([2, 3], (2, -1), tf.TensorShape([2, 3]), np.array([2, 3]), c([2, 3]),
                  [c(2), np.int64(3)]):
        assert tf.reshape(x, shape).shape == (2, 3)
    assert tf.reshape(c(5), []).shape == ()
    assert tf.reshape(c([5]), []).shape == ()


def test_lists_mixing_tensors_and_python_numbers():
    assert tf.stack([c(1.0), 2.0]).dtype == tf.float32
    assert tf.concat([c([1, 2]), [3]], 0).numpy().tolist() == [1, 2, 3]
    assert tf.stack([]).shape == (0,)
    assert [t.numpy().tolist() for t in tf.unstack(c([[1, 2], [3, 4]]), axis=1)] == [[1, 3], [2, 4]]


def test_gather_large_and_parallel_matches_numpy(rng):
    params = rng.normal(size=(1000, 64)).astype(np.float32)
    indices = rng.integers(0, 1000, size=(300, 7))
    out = tf.gather(c(params), c(indices))
    np.testing.assert_array_equal(out.numpy(), params[indices])
    scalars = rng.normal(size=100_000)
    idx = rng.integers(0, 100_000, size=70_000)
    np.testing.assert_array_equal(tf.gather(c(scalars), c(idx)).numpy(), scalars[idx])


def test_tile_large_strided_input(rng):
    x = rng.normal(size=(40, 33))
    view = tf.transpose(c(np.ascontiguousarray(x.T)))
    np.testing.assert_array_equal(tf.tile(view, [3, 50]).numpy(), np.tile(x, (3, 50)))


def test_scatter_sum_gradient_does_not_depend_on_the_thread_count(rng):
    """The embedding-style gradient: many repeated indices summed into few rows."""
    params = c(rng.normal(size=(50, 256)))
    indices = c(rng.integers(0, 50, size=20_000))
    seed = c(rng.normal(size=(20_000, 256)))

    def grad():
        with tf.GradientTape() as tape:
            tape.watch(params)
            out = tf.gather(params, indices)
        return tape.gradient(out, params, output_gradients=seed).numpy()

    before = _C.num_threads()
    try:
        _C.set_num_threads(1)
        single = grad()
        _C.set_num_threads(4)
        multi = grad()
    finally:
        _C.set_num_threads(before)
    np.testing.assert_array_equal(single, multi)
    expected = np.zeros((50, 256))
    np.add.at(expected, indices.numpy(), seed.numpy())
    assert_close(single, expected, rtol=1e-12, atol=1e-10, what="scatter_sum")


# --- errors -----------------------------------------------------------------------------------

X = np.arange(6.0).reshape(2, 3)


@pytest.mark.parametrize("fn,error,message", [
    (lambda x: tf.reshape(x, [4]), InvalidArgumentError, "tensor with 6 values, but the "
     "requested shape has 4"),
    (lambda x: tf.reshape(x, [-1, -1]), InvalidArgumentError, "only one input size may be -1"),
    (lambda x: tf.reshape(x, [4, -1]), InvalidArgumentError, "requires a multiple of 4"),
    (lambda x: tf.reshape(x, [-2, -3]), InvalidArgumentError, "must be non-negative"),
    (lambda x: tf.reshape(x, [2**40, 2**40]), InvalidArgumentError, "too many elements"),
    (lambda x: tf.reshape(x, [2**70]), InvalidArgumentError, "does not fit in int64"),
    (lambda x: tf.reshape(x, [1] * 13), InvalidArgumentError, "maximum supported rank"),
    (lambda x: tf.reshape(x, [2.0, 3]), TypeError, "must be an integer"),
    (lambda x: tf.reshape(x, [True, 6]), TypeError, "must be an integer"),
    (lambda x: tf.reshape(x, "23"), TypeError, "must be a list of integers"),
    (lambda x: tf.reshape(x, [None, 3]), InvalidArgumentError, "fully known"),
    (lambda x: tf.reshape(x, c([2.0, 3.0])), InvalidArgumentError, "1-D integer tensor"),
    (lambda x: tf.transpose(x, [0]), InvalidArgumentError, "one entry per axis"),
    (lambda x: tf.transpose(x, [0, 2]), IndexError, r"perm\[1\] = 2 is out of range"),
    (lambda x: tf.transpose(x, [-1, 0]), IndexError, r"perm\[0\] = -1 is out of range"),
    (lambda x: tf.transpose(x, [1, 1]), InvalidArgumentError, "contains 1 twice"),
    (lambda x: tf.expand_dims(x, 3), IndexError, "axis 3 is out of range"),
    (lambda x: tf.expand_dims(x, -4), IndexError, "axis -4 is out of range"),
    (lambda x: tf.expand_dims(x, 1.0), TypeError, "must be an integer"),
    (lambda x: tf.squeeze(x, 0), InvalidArgumentError, r"can not squeeze dim\[0\], expected a "
     "dimension of 1, got 2"),
    (lambda x: tf.squeeze(x, [2]), IndexError, "axis 2 is out of range"),
    (lambda x: tf.broadcast_to(x, [3]), InvalidArgumentError, "cannot broadcast"),
    (lambda x: tf.broadcast_to(x, [4, 3]), InvalidArgumentError, "Incompatible shapes"),
    (lambda x: tf.broadcast_to(x, [-1, 3]), InvalidArgumentError, "non-negative"),
    (lambda x: tf.reverse(x, [0, -2]), InvalidArgumentError, "more than once"),
    (lambda x: tf.reverse(x, [2]), IndexError, "out of range"),
    (lambda x: tf.concat([x, tf.zeros([3], tf.float64)], 0), InvalidArgumentError,
     "ranks of all input"),
    (lambda x: tf.concat([x, tf.zeros([2, 2], tf.float64)], 0), InvalidArgumentError,
     "dimension 1 in both shapes must be equal"),
    (lambda x: tf.concat([x, tf.zeros([2, 3])], 0), InvalidArgumentError, "same dtype"),
    (lambda x: tf.concat([x], 2), IndexError, "axis 2 is out of range"),
    (lambda x: tf.concat([c(1.0), c(2.0)], 0), InvalidArgumentError, "use tf.stack"),
    (lambda x: tf.concat([], 0), InvalidArgumentError, "at least one tensor"),
    (lambda x: tf.stack([x, x[:1]]), InvalidArgumentError, "shapes of all inputs must match"),
    (lambda x: tf.stack([x], axis=3), IndexError, "axis 3 is out of range"),
    (lambda x: tf.stack([x, c([[1, 2, 3], [4, 5, 6]])]), InvalidArgumentError, "same dtype"),
    (lambda x: tf.split(x, 2, axis=1), InvalidArgumentError, "evenly divide"),
    (lambda x: tf.split(x, 0), InvalidArgumentError, "must be positive"),
    (lambda x: tf.split(x, [1, 1], axis=1), InvalidArgumentError, "add up to the size"),
    (lambda x: tf.split(x, [2, 2], axis=1), InvalidArgumentError, "add up to more than"),
    (lambda x: tf.split(x, [-1, -1, 3], axis=1), InvalidArgumentError, "only one dimension"),
    (lambda x: tf.split(x, [-2, 5], axis=1), InvalidArgumentError, "non-negative"),
    (lambda x: tf.split(x, 1, axis=2), IndexError, "out of range"),
    (lambda x: tf.split(c(1.0), 1), InvalidArgumentError, "cannot split a scalar"),
    (lambda x: tf.unstack(x, num=3), InvalidArgumentError, "does not match the size 2"),
    (lambda x: tf.unstack(c(1.0)), InvalidArgumentError, "rank >= 1"),
    (lambda x: tf.unstack(x, axis=-3), IndexError, "out of range"),
    (lambda x: tf.tile(x, [2]), InvalidArgumentError, "multiples of length 2"),
    (lambda x: tf.tile(x, [1, -1]), InvalidArgumentError, r"multiples\[1\] >= 0"),
    (lambda x: tf.tile(x, [2**62, 2**62]), tf.errors.ResourceExhaustedError, "too many"),
    (lambda x: tf.gather(x, [0, 3, 1]), InvalidArgumentError, r"indices\[1\] = 3 is not in "
     r"\[0, 2\)"),
    (lambda x: tf.gather(x, [[0, 1], [7, 0]], axis=1), InvalidArgumentError,
     r"indices\[1,0\] = 7 is not in \[0, 3\)"),
    (lambda x: tf.gather(x, [-1]), InvalidArgumentError, r"= -1 is not in \[0, 2\)"),
    (lambda x: tf.gather(x, [0.0]), InvalidArgumentError, "must be int32 or int64"),
    (lambda x: tf.gather(x, [0], axis=2), IndexError, "axis 2 is out of range"),
    (lambda x: tf.gather(c(1.0), [0]), InvalidArgumentError, "at least 1-dimensional"),
    (lambda x: tf.gather(x, [[0], [1]], axis=1, batch_dims=2), InvalidArgumentError,
     "less than or equal to axis"),
    (lambda x: tf.gather(x, [0, 1, 0], axis=1, batch_dims=1), InvalidArgumentError,
     "must match"),
    (lambda x: tf.shape(x, out_type=tf.float32), InvalidArgumentError, "int32 or int64"),
])
def test_errors_name_what_was_received(fn, error, message):
    with pytest.raises(error, match=message):
        fn(c(X))
