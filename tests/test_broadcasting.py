"""Property-based checks of NumPy broadcasting for the elementwise kernels: any pair of
broadcast-compatible shapes, including size-0 and size-1 dimensions, strided views and both
thread counts, gives NumPy's answer; incompatible pairs raise InvalidArgumentError."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import tapeflow as tf
from tapeflow import _C

SETTINGS = settings(max_examples=100, deadline=None)


@st.composite
def broadcastable_pair(draw):
    shapes = draw(hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=5,
                                                    min_side=0, max_side=6))
    return shapes.input_shapes


@given(broadcastable_pair(), st.sampled_from(["add", "multiply", "maximum", "less"]),
       st.sampled_from([np.float32, np.float64, np.int32, np.int64]))
@SETTINGS
def test_binary_ops_broadcast_like_numpy(shapes, op, dtype):
    rng = np.random.default_rng(0)
    a = (rng.standard_normal(shapes[0]) * 10).astype(dtype)
    b = (rng.standard_normal(shapes[1]) * 10).astype(dtype)
    expected = getattr(np, op)(a, b)
    got = getattr(tf, op)(tf.convert_to_tensor(a), tf.convert_to_tensor(b))
    assert got.shape == expected.shape
    np.testing.assert_array_equal(got.numpy(), expected)


@given(hnp.array_shapes(min_dims=2, max_dims=4, min_side=1, max_side=40),
       st.integers(min_value=1, max_value=3))
@SETTINGS
def test_strided_inputs_from_numpy_views(shape, step):
    """Strided NumPy views (reversed, stepped) convert and compute correctly."""
    base = np.random.default_rng(1).standard_normal(shape).astype(np.float32)
    view = base[::-1, ::step]
    np.testing.assert_allclose(tf.exp(tf.convert_to_tensor(view)).numpy(), np.exp(view), rtol=1e-6)


@given(st.lists(st.integers(min_value=2, max_value=6), min_size=1, max_size=3),
       st.lists(st.integers(min_value=2, max_value=6), min_size=1, max_size=3))
@SETTINGS
def test_incompatible_shapes_raise(shape_a, shape_b):
    try:
        np.broadcast_shapes(tuple(shape_a), tuple(shape_b))
        compatible = True
    except ValueError:
        compatible = False
    a = tf.convert_to_tensor(np.zeros(shape_a, np.float32))
    b = tf.convert_to_tensor(np.zeros(shape_b, np.float32))
    if compatible:
        assert tf.add(a, b).shape == np.broadcast_shapes(tuple(shape_a), tuple(shape_b))
    else:
        try:
            tf.add(a, b)
        except tf.errors.InvalidArgumentError as error:
            assert "Incompatible shapes" in str(error)
        else:
            raise AssertionError("expected InvalidArgumentError")


def test_results_do_not_depend_on_the_thread_count():
    x = tf.convert_to_tensor(np.random.default_rng(2).standard_normal((301, 1000)).astype(
        np.float32))
    y = tf.convert_to_tensor(np.random.default_rng(3).standard_normal((1000,)).astype(
        np.float32))
    original = _C.num_threads()
    try:
        _C.set_num_threads(1)
        one = (tf.tanh(x) * y + x).numpy()
        _C.set_num_threads(2)
        two = (tf.tanh(x) * y + x).numpy()
    finally:
        _C.set_num_threads(original)
    np.testing.assert_array_equal(one, two)


def test_thread_pool_survives_resizing_and_errors():
    x = tf.convert_to_tensor(np.ones((400, 400), np.int32))
    for n in (1, 2, 3, 2):
        _C.set_num_threads(n)
        assert int(np.asarray(x * 2).sum()) == 2 * 400 * 400
        try:
            x // tf.convert_to_tensor(np.zeros((400, 400), np.int32))
        except tf.errors.InvalidArgumentError:
            pass
    _C.set_num_threads(0)
    assert _C.num_threads() >= 1
