"""tf.function edge cases, from a hostile review of the tracing (function.py, csrc/graph/trace.h).

The contract: a replayed call computes what the eager call computes (the Python function run
as is), or the recording is refused and the call runs eagerly. Each test runs a traced call
after the tracing one and compares it with `fn.python_function` or with known values. The
review's eleven findings were fixed; their tests stay here.
"""

import collections
import math
import threading

import numpy as np
import pytest

import tapeflow as tf
from tapeflow import keras
from tapeflow.keras import layers


def _same(got, want):
    got, want = np.asarray(got), np.asarray(want)
    assert got.shape == want.shape, f"shape {got.shape} != {want.shape}"
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-6)


# -- values a replay must read fresh -----------------------------------------------------------


def test_variable_assigned_or_replaced_between_calls_is_read_fresh():
    w = tf.Variable(2.0)
    scale = tf.function(lambda a: a * w)
    scale(tf.constant(1.0))
    w.assign(5.0)  # in place
    _same(scale(tf.constant(1.0)), 5.0)
    held = w.value()
    w.assign(6.0)  # `held` keeps 5.0, so the variable's value is replaced by a copy
    _same(scale(tf.constant(1.0)), 6.0)
    _same(held, 5.0)


def test_a_snapshot_of_a_variable_value_stays_a_constant():
    v = tf.Variable([1.0, 2.0])
    snapshot = v.value()  # a tensor: later assigns copy on write and leave it as it is
    add = tf.function(lambda a: a + snapshot)
    x = tf.constant([1.0, 2.0])
    add(x)
    v.assign([10.0, 20.0])
    _same(snapshot, [1.0, 2.0])
    _same(add(x), add.python_function(x))  # replay gives [11, 22]


def test_a_returned_variable_value_held_across_a_write_keeps_its_values():
    v = tf.Variable([1.0, 2.0, 3.0])
    read = tf.function(lambda: v.value())

    @tf.function
    def bump():
        v.assign_add([1.0, 1.0, 1.0])

    read()
    held = read()  # replayed
    bump()
    bump()
    _same(v, [3.0, 4.0, 5.0])
    _same(held, [1.0, 2.0, 3.0])  # replay gives [3, 4, 5]


def test_a_closure_tensor_passed_as_the_argument_when_traced():
    two = tf.constant(2.0)
    add_two = tf.function(lambda a: a + two)
    add_two(two)
    _same(add_two(tf.constant(10.0)), 12.0)  # replay gives 20


def test_a_variable_value_passed_as_the_argument_when_traced():
    v = tf.Variable(3.0)
    scale = tf.function(lambda a: a * v)
    scale(v.value())
    _same(scale(tf.constant(10.0)), 30.0)  # replay gives 100


def test_variables_passed_as_arguments_are_keyed_by_identity():
    multiply = tf.function(lambda variable, a: variable * a)
    v, w = tf.Variable(3.0), tf.Variable(4.0)
    one = tf.constant(1.0)
    for _ in range(2):
        _same(multiply(v, one), 3.0)
        _same(multiply(w, one), 4.0)


def test_a_returned_variable_value_held_across_an_eager_write_keeps_its_values():
    v = tf.Variable([1.0, 2.0])
    read = tf.function(lambda: v.value())
    read()
    held = read()  # replayed
    v.assign_add([1.0, 1.0])
    _same(held, [1.0, 2.0])  # gives [2, 3]


def test_a_value_returned_by_a_writing_function_is_a_copy():
    v = tf.Variable(0.0)

    @tf.function
    def count():
        v.assign_add(1.0)
        return v.value()

    results = [count() for _ in range(3)]
    _same([float(r) for r in results], [1.0, 2.0, 3.0])


def test_sliced_variable_assign_inside_writes_the_variable():
    v = tf.Variable([3.0, 4.0, 5.0])

    @tf.function
    def set_middle(a):
        v[1].assign(a)
        return v * 1.0

    set_middle(tf.constant(7.0))
    _same(set_middle(tf.constant(9.0)), [3.0, 9.0, 5.0])
    _same(v, [3.0, 9.0, 5.0])


def test_writing_a_variable_passed_as_its_value_runs_eagerly():
    w = tf.Variable(1.0)

    @tf.function
    def add_after_bump(a):
        w.assign_add(1.0)
        return a + w

    for _ in range(4):
        before = float(w.numpy())
        _same(add_after_bump(w.value()), 2 * before + 1)
    assert add_after_bump.experimental_get_tracing_reason(w.value()) is not None


def test_metric_reset_between_calls():
    mean = keras.metrics.Mean()

    @tf.function
    def update(a):
        mean.update_state(a)
        return mean.result()

    for _ in range(3):
        update(tf.constant([1.0, 3.0]))
    mean.reset_state()
    update(tf.constant([10.0]))
    _same(update(tf.constant([20.0])), 15.0)


def test_methods_of_two_instances_keep_their_own_variables():
    class Scaler:
        def __init__(self, k):
            self.k = tf.Variable(k)

        @tf.function
        def __call__(self, a):
            return a * self.k

    one, two = Scaler(2.0), Scaler(3.0)
    for _ in range(2):
        _same(one(tf.constant(1.0)), 2.0)
        _same(two(tf.constant(1.0)), 3.0)


# -- Python values: baked at tracing, as in TensorFlow --------------------------------------------


def test_rebinding_a_global_tensor_is_not_seen_as_in_tensorflow():
    # Documented TF graph-mode semantics: a closure's tensor is captured by value when traced.
    offset = [tf.constant(1.0)]
    add = tf.function(lambda a: a + offset[0])
    add(tf.constant(0.0))
    offset[0] = tf.constant(5.0)
    _same(add(tf.constant(0.0)), 1.0)
    _same(add.python_function(tf.constant(0.0)), 5.0)


def test_python_arguments_kwargs_and_defaults_are_part_of_the_signature():
    @tf.function
    def affine(a, scale=2.0, *, shift=None):
        scale = 10.0 if scale is True else scale  # True must not replay the trace of 1
        return a * scale + (0.0 if shift is None else shift)

    one = tf.constant(1.0)
    for _ in range(2):
        _same(affine(one), 2.0)
        _same(affine(one, scale=3.0), 3.0)
        _same(affine(one, 4.0), 4.0)
        _same(affine(one, shift=tf.constant(1.0)), 3.0)
        _same(affine(one, shift=tf.constant(5.0)), 7.0)
        _same(affine(one, 1), 1.0)
        _same(affine(one, True), 10.0)


def test_negative_zero_is_another_python_argument():
    signed = tf.function(lambda a, s: a * math.copysign(1.0, s))
    x = tf.constant([1.0, 2.0])
    signed(x, 0.0)
    _same(signed(x, -0.0), [-1.0, -2.0])


def test_an_ordered_dict_argument_mutated_between_calls():
    batch = collections.OrderedDict(a=tf.constant([1.0]))
    double = tf.function(lambda d: d["a"] * 2.0)
    double(batch)
    batch["a"] = tf.constant([5.0])
    _same(double(batch), [10.0])


def test_lists_of_tensors_and_numpy_arguments():
    add = tf.function(lambda xs: xs[0] + xs[1])
    add([tf.constant(1.0), tf.constant(2.0)])
    _same(add([tf.constant(3.0), tf.constant(4.0)]), 7.0)
    ident = tf.function(lambda a: a)
    array = np.array([1.0, 2.0], np.float32)
    ident(array)
    out = ident(array)
    array[0] = 100.0
    _same(out, [1.0, 2.0])  # the result does not alias the caller's array


def test_a_result_without_tensors_is_a_fresh_object():
    lengths = tf.function(lambda a: [int(a.shape[0])])
    x = tf.constant([1.0, 2.0])
    first = lengths(x)
    first.append(99)
    assert lengths(x) == [2]


# -- dtypes, shapes, value-dependent shapes --------------------------------------------------------


def test_dtypes_empty_tensors_int_and_bool_ops():
    @tf.function
    def total(a):
        return tf.reduce_sum(a, axis=0) + tf.cast(tf.size(a), a.dtype)

    for _ in range(2):
        _same(total(tf.zeros((0, 3))), [0.0, 0.0, 0.0])
        _same(total(tf.constant([[3, 4]])), [5, 6])
        assert total(tf.constant([[3, 4]])).dtype == tf.int32
        _same(total(tf.constant([[1.0, 2.0]], dtype=tf.float64)), [3.0, 4.0])
    both = tf.function(lambda a, b: tf.logical_and(a > 1, b))
    both(tf.constant([1, 2]), tf.constant([True, True]))
    _same(both(tf.constant([3, 0]), tf.constant([True, False])), [True, False])


def test_python_branches_on_shapes_and_mixed_results():
    @tf.function
    def summary(a):
        if a.shape[0] > 2:  # a shape is part of the signature: each branch has its trace
            return {"total": tf.reduce_sum(a), "rows": a.shape[0], "same": (a, a)}
        return {"total": -tf.reduce_sum(a), "rows": a.shape[0], "same": (a, a)}

    for _ in range(2):
        for values in ([1.0, 2.0], [1.0, 2.0, 3.0], [4.0, 5.0]):
            got, want = summary(tf.constant(values)), summary.python_function(tf.constant(values))
            assert got.keys() == want.keys() and got["rows"] == want["rows"]
            _same(got["total"], want["total"])
            _same(got["same"][1], values)


def test_an_op_whose_shape_depends_on_a_value_runs_eagerly():
    evens = tf.function(lambda n: tf.range(n) * 2)
    evens(tf.constant(3))
    _same(evens(tf.constant(5)), [0, 2, 4, 6, 8])


# -- tf.data -------------------------------------------------------------------------------------


def test_next_of_a_dataset_iterator_advances_at_every_call():
    iterator = iter(tf.data.Dataset.from_tensor_slices(np.arange(4.0, dtype=np.float32)))
    take = tf.function(lambda: next(iterator) * 1.0)
    _same([float(take()) for _ in range(3)], [0.0, 1.0, 2.0])


def test_a_reshuffling_dataset_argument_is_iterated_at_every_call():
    def shuffled():
        return tf.data.Dataset.from_tensor_slices(np.arange(8.0, dtype=np.float32)).shuffle(
            8, seed=2
        )

    @tf.function
    def first(dataset):
        for element in dataset:
            return element * 1.0

    # Each pass reshuffles from NumPy's global generator: restart it for each run.
    np.random.seed(1)  # noqa: NPY002
    eager = shuffled()
    want = [float(first.python_function(eager)) for _ in range(4)]
    assert len(set(want)) > 1
    np.random.seed(1)  # noqa: NPY002
    traced = shuffled()
    assert [float(first(traced)) for _ in range(4)] == want


# -- tapes and exceptions ----------------------------------------------------------------------


def test_jacobian_persistent_tape_and_stop_recording_inside():
    @tf.function
    def derivatives(p):
        with tf.GradientTape(persistent=True) as tape:
            tape.watch(p)
            y = p * p
            with tape.stop_recording():
                z = p * 3.0
            y2 = y * z
        return tape.jacobian(y, p), tape.gradient(y2, p)

    p = tf.constant([1.0, 2.0, 3.0])
    derivatives(p)
    got, want = derivatives(p * 2.0), derivatives.python_function(p * 2.0)
    assert derivatives.experimental_get_tracing_reason(p) is None
    for g, w in zip(got, want, strict=True):
        _same(g, w)


def test_an_error_in_a_replay_leaves_no_tape_entered():
    @tf.function
    def gathered_grad(p, i):
        with tf.GradientTape() as tape:
            tape.watch(p)
            y = tf.reduce_sum(tf.gather(p, i) ** 2)
        return tape.gradient(y, p)

    p = tf.constant([1.0, 2.0, 3.0])
    gathered_grad(p, tf.constant([0, 1]))
    _same(gathered_grad(p, tf.constant([2, 1])), [0.0, 4.0, 6.0])
    with pytest.raises(tf.errors.InvalidArgumentError):
        gathered_grad(p, tf.constant([0, 7]))  # the replay fails inside the tape
    w = tf.Variable(2.0)
    with tf.GradientTape() as tape:
        y = w * w
    _same(tape.gradient(y, w), 4.0)
    _same(gathered_grad(p, tf.constant([0, 0])), [4.0, 0.0, 0.0])


def test_an_error_while_tracing_leaves_no_tape_entered():
    @tf.function
    def fails(a):
        with tf.GradientTape() as tape:
            tape.watch(a)
            a * a
            raise ValueError("boom")

    with pytest.raises(ValueError, match="boom"):
        fails(tf.constant(1.0))
    w = tf.Variable(3.0)
    with tf.GradientTape() as tape:
        y = w * w
    _same(tape.gradient(y, w), 6.0)


def test_nested_functions_trace_inline_and_keep_their_own_cache():
    inner = tf.function(lambda a: a * 2.0)
    outer = tf.function(lambda a: inner(a) + 1.0)
    outer(tf.constant(1.0))
    _same(outer(tf.constant(2.0)), 5.0)
    _same(inner(tf.constant(3.0)), 6.0)
    _same(inner(tf.constant(4.0)), 8.0)


def test_unseeded_random_ops_draw_new_numbers_at_every_replay():
    draw = tf.function(lambda: tf.random.uniform((8,)))
    draws = [np.asarray(draw()) for _ in range(3)]
    assert draw.experimental_get_tracing_reason() is None
    assert not np.allclose(draws[1], draws[2])


def test_global_seed_only_replays_are_reproducible_but_not_the_eager_sequence():
    # As in TensorFlow: an op without an op seed takes one from set_seed's sequence when it
    # runs in Python, so eagerly every call takes a new one; a replay keeps the traced op's seed
    # and continues that kernel's stream. Both are reproducible after set_seed.
    def draws(fn):
        tf.random.set_seed(3)
        fn = fn()
        return [np.asarray(fn()) for _ in range(3)]

    traced = draws(lambda: tf.function(lambda: tf.random.normal((2,))))
    _same(draws(lambda: tf.function(lambda: tf.random.normal((2,)))), traced)
    eager = draws(lambda: lambda: tf.random.normal((2,)))
    _same(traced[0], eager[0])  # the tracing call runs eagerly
    assert not np.allclose(traced[1], eager[1])
    assert not np.allclose(traced[1], traced[2])


def test_two_threads_replaying_one_function():
    square = tf.function(lambda a: a * a + 1.0)
    square(tf.constant([0.0, 0.0, 0.0]))
    wrong = []

    def calls(i):
        for k in range(100):
            a = np.array([i, k, 1.0], np.float32)
            out = np.asarray(square(tf.constant(a)))
            if not np.allclose(out, a * a + 1.0):
                wrong.append((i, k, out))

    threads = [threading.Thread(target=calls, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not wrong


# -- Keras: fit's traced steps equal eager steps -----------------------------------------------


def _fit(eager, callback=None, schedule=False, freeze=False):
    tf.config.run_functions_eagerly(eager)
    try:
        keras.utils.set_random_seed(1)
        model = keras.Sequential([layers.Dense(4, activation="relu"), layers.Dense(1)])
        lr = keras.optimizers.schedules.ExponentialDecay(0.1, 2, 0.5) if schedule else 0.05
        model.compile(optimizer=keras.optimizers.SGD(lr), loss="mse", metrics=["mae"])
        x = np.random.default_rng(0).random((32, 3)).astype(np.float32)
        y = x.sum(axis=1, keepdims=True)
        history = model.fit(
            x,
            y,
            batch_size=8,
            epochs=2,
            validation_split=0.25,
            verbose=0,
            callbacks=[callback] if callback else None,
        ).history
        if freeze:
            model.layers[0].trainable = False
            if freeze == "recompile":  # Keras asks for it; without it the freeze holds too
                model.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse")
            kernel = model.layers[0].kernel.numpy().copy()
            model.fit(x, y, batch_size=8, epochs=1, verbose=0)
            np.testing.assert_array_equal(model.layers[0].kernel.numpy(), kernel)
        return history, [w.numpy() for w in model.weights], int(model.optimizer.iterations)
    finally:
        tf.config.run_functions_eagerly(False)


class _SetBias(keras.callbacks.Callback):
    def on_train_batch_end(self, batch, logs=None):
        if batch == 1:
            self.model.layers[1].bias.assign(np.array([5.0], np.float32))


@pytest.mark.parametrize(
    "case",
    [
        {},
        {"callback": "set_bias"},
        {"schedule": True},
        {"freeze": "recompile"},
        {"freeze": "in place"},
    ],
    ids=str,
)
def test_fit_with_validation_callbacks_schedules_and_freezing(case):
    case = dict(case)
    if case.get("callback"):
        case["callback"] = _SetBias()
    traced, eager = _fit(False, **case), _fit(True, **case)
    assert traced[0].keys() == eager[0].keys()
    for key in eager[0]:
        np.testing.assert_allclose(traced[0][key], eager[0][key], rtol=1e-5, err_msg=key)
    for t, e in zip(traced[1], eager[1], strict=True):
        np.testing.assert_allclose(t, e, rtol=1e-5)
    assert traced[2] == eager[2]
