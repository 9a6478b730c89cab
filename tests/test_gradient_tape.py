"""GradientTape semantics, one test per rule of TensorFlow's behaviour."""

import gc
import resource

import numpy as np
import pytest

import tapeflow as tf


def test_trainable_variables_are_watched_automatically():
    x = tf.Variable(3.0)
    with tf.GradientTape() as tape:
        y = x * x
    assert float(tape.gradient(y, x)) == 6.0
    assert tape.watched_variables() == (x,) or list(tape.watched_variables()) == [x]


def test_constants_need_watch():
    c = tf.constant(3.0)
    with tf.GradientTape() as tape:
        y = c * c
    assert tape.gradient(y, c) is None
    with tf.GradientTape() as tape:
        tape.watch(c)
        y = c * c
    assert float(tape.gradient(y, c)) == 6.0


def test_non_trainable_variables_are_not_watched():
    v = tf.Variable(2.0, trainable=False)
    with tf.GradientTape() as tape:
        y = v * v
    assert tape.gradient(y, v) is None
    assert tape.watched_variables() == ()


def test_watch_accessed_variables_false():
    v = tf.Variable(2.0)
    with tf.GradientTape(watch_accessed_variables=False) as tape:
        y = v * v
    assert tape.gradient(y, v) is None
    with tf.GradientTape(watch_accessed_variables=False) as tape:
        tape.watch(v)
        y = v * v
    assert float(tape.gradient(y, v)) == 4.0


def test_unconnected_sources_give_none_or_zeros():
    x, z = tf.Variable(1.0), tf.Variable([1.0, 2.0])
    with tf.GradientTape(persistent=True) as tape:
        y = x * 2.0
    assert tape.gradient(y, z) is None
    np.testing.assert_array_equal(tape.gradient(y, z, unconnected_gradients="zero").numpy(),
                                  [0.0, 0.0])
    np.testing.assert_array_equal(
        tape.gradient(y, z, unconnected_gradients=tf.UnconnectedGradients.ZERO).numpy(), [0, 0])


def test_integer_sources_give_none():
    i = tf.constant(3)
    with tf.GradientTape() as tape:
        tape.watch(i)
        y = i * i
    assert tape.gradient(y, i) is None


def test_second_call_on_non_persistent_tape_raises():
    x = tf.Variable(1.0)
    with tf.GradientTape() as tape:
        y = x * x
    tape.gradient(y, x)
    with pytest.raises(RuntimeError, match="non-persistent"):
        tape.gradient(y, x)


def test_persistent_tape_allows_many_calls_and_reset():
    x = tf.Variable(2.0)
    with tf.GradientTape(persistent=True) as tape:
        y = x * x
        z = y * x
    assert float(tape.gradient(y, x)) == 4.0
    assert float(tape.gradient(z, x)) == 12.0
    tape.reset()
    assert tape.gradient(z, x) is None


def test_sources_keep_their_structure():
    a, b, c = tf.Variable(1.0), tf.Variable(2.0), tf.Variable(3.0)
    with tf.GradientTape() as tape:
        y = a * b * c
    grads = tape.gradient(y, {"a": a, "rest": [b, (c,)]})
    assert set(grads) == {"a", "rest"}
    assert float(grads["a"]) == 6.0
    assert float(grads["rest"][0]) == 3.0
    assert isinstance(grads["rest"][1], tuple) and float(grads["rest"][1][0]) == 2.0


def test_a_variable_assigned_under_the_tape_gets_the_sum_over_the_values_read():
    v, w = tf.Variable(2.0), tf.Variable(5.0)
    with tf.GradientTape() as tape:
        y = v * v  # reads the value 2
        v.assign(10.0)  # copy-on-write: the tape keeps the 2
        z = y + v * 3.0 + w * v  # reads the value 10 (twice: watched once)
    gv, gw = tape.gradient(z, (v, w))
    assert float(gv) == 2 * 2.0 + 3.0 + 5.0
    assert float(gw) == 10.0
    assert tape.watched_variables() == (v, w)


def test_several_values_of_a_variable_keep_nested_and_zero_structure():
    v, unused = tf.Variable(1.0), tf.Variable([1.0, 2.0])
    with tf.GradientTape() as tape:
        y = v * 4.0
        v.assign_add(1.0)
        y = y + v * v
    grads = tape.gradient(y, {"b": [unused], "a": (v,)}, unconnected_gradients="zero")
    assert float(grads["a"][0]) == 4.0 + 2 * 2.0
    np.testing.assert_array_equal(grads["b"][0].numpy(), [0.0, 0.0])


def test_unknown_unconnected_gradients_value_raises():
    x = tf.Variable(1.0)
    with tf.GradientTape() as tape:
        y = x * x
    with pytest.raises(ValueError):
        tape.gradient(y, x, unconnected_gradients="zeros")


def test_list_of_targets_gives_gradient_of_the_sum():
    x = tf.Variable(3.0)
    with tf.GradientTape() as tape:
        y1, y2 = x * x, x * 4.0
    assert float(tape.gradient([y1, y2], x)) == 10.0


def test_non_scalar_target_is_summed_and_output_gradients_weight_it():
    x = tf.Variable([1.0, 2.0, 3.0])
    with tf.GradientTape(persistent=True) as tape:
        y = x * x
    np.testing.assert_array_equal(tape.gradient(y, x).numpy(), [2.0, 4.0, 6.0])
    weighted = tape.gradient(y, x, output_gradients=tf.constant([1.0, 0.0, 2.0]))
    np.testing.assert_array_equal(weighted.numpy(), [2.0, 0.0, 12.0])


def test_broadcasting_is_undone_in_the_gradient():
    w = tf.Variable(tf.ones((3, 4)))
    b = tf.Variable(tf.zeros((4,)))
    x = tf.ones((5, 3))
    with tf.GradientTape() as tape:
        y = tf.matmul(x, w) + b
    gw, gb = tape.gradient(y, [w, b])
    assert gw.shape == (3, 4) and gb.shape == (4,)
    np.testing.assert_array_equal(gb.numpy(), [5.0] * 4)


def test_fan_out_accumulates():
    x = tf.Variable(2.0)
    with tf.GradientTape() as tape:
        y = x * x + x * 3.0 + tf.exp(x) * 0.0
    assert float(tape.gradient(y, x)) == 7.0


def test_stop_recording():
    x = tf.Variable(2.0)
    with tf.GradientTape(persistent=True) as tape:
        y = x * x
        with tape.stop_recording():
            z = y * x  # not recorded
        w = y * 1.0
    assert tape.gradient(z, x) is None
    assert float(tape.gradient(w, x)) == 4.0


def test_stop_gradient_cuts_the_graph():
    x = tf.Variable(3.0)
    with tf.GradientTape() as tape:
        y = x * tf.stop_gradient(x)
    assert float(tape.gradient(y, x)) == 3.0


def test_nested_tapes_give_second_order_gradients():
    x = tf.Variable(2.0)
    with tf.GradientTape() as outer:
        with tf.GradientTape() as inner:
            y = x * x * x
        dy = inner.gradient(y, x)
    d2y = outer.gradient(dy, x)
    assert float(dy) == 12.0
    assert float(d2y) == 12.0


def test_persistent_tape_records_its_own_gradient_inside_its_context():
    x = tf.Variable(3.0)
    with tf.GradientTape(persistent=True) as tape:
        y = x * x
        dy = tape.gradient(y, x)
    assert float(tape.gradient(dy, x)) == 2.0


def test_copy_on_write_keeps_a_value_saved_by_the_tape():
    v = tf.Variable([1.0, 2.0])
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(v * v)  # the tape saves v's current value
        v.assign([10.0, 20.0])   # must not change what the tape saved
    np.testing.assert_array_equal(tape.gradient(y, v).numpy(), [2.0, 4.0])
    read_before = v.value()
    v.assign([5.0, 6.0])
    np.testing.assert_array_equal(read_before.numpy(), [10.0, 20.0])
    np.testing.assert_array_equal(v.numpy(), [5.0, 6.0])


def test_assignment_is_in_place_when_nothing_else_sees_the_value():
    v = tf.Variable(np.zeros(1000, np.float32))
    before = v._value._data_ptr
    v.assign_add(tf.ones((1000,)))
    assert v._value._data_ptr == before
    assert float(tf.reduce_sum(v)) == 1000.0


def test_jacobian_and_batch_jacobian():
    x = tf.Variable([1.0, 2.0, 3.0])
    with tf.GradientTape() as tape:
        y = x * x
    np.testing.assert_array_equal(tape.jacobian(y, x).numpy(), np.diag([2.0, 4.0, 6.0]))
    xb = tf.constant([[1.0, 2.0], [3.0, 4.0]])
    with tf.GradientTape() as tape:
        tape.watch(xb)
        yb = xb * xb
    jb = tape.batch_jacobian(yb, xb)
    assert jb.shape == (2, 2, 2)
    np.testing.assert_array_equal(jb.numpy()[1], np.diag([6.0, 8.0]))


def test_a_training_loop_does_not_grow_memory():
    w = tf.Variable(tf.random.normal((32, 16), seed=1))
    x = tf.random.normal((8, 32), seed=2)

    def step():
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.square(tf.matmul(x, w)))
        w.assign_sub(tape.gradient(loss, w) * 0.01)

    for _ in range(500):
        step()
    gc.collect()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    for _ in range(10_000):
        step()
    gc.collect()
    grown_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    assert grown_kb < 5_000, f"max RSS grew by {grown_kb} KiB over 10,000 steps"


def test_assign_add_from_threads_loses_no_update():
    # In-place writes keep the GIL: each read-modify-write is atomic for Python threads.
    import threading

    v = tf.Variable(0.0)

    def bump():
        for _ in range(2000):
            v.assign_add(1.0)

    threads = [threading.Thread(target=bump) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert float(v.numpy()) == 8000.0
