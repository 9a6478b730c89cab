"""tf.function: traced programs replay exactly what the eager code computes, and a call the
recorder cannot reproduce runs eagerly (function.py, csrc/graph/trace.h)."""

import numpy as np
import pytest

import tapeflow as tf
from tapeflow import keras
from tapeflow.keras import layers


def _data(rows=64, features=6, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((rows, features)).astype(np.float32)
    y = rng.integers(0, 3, rows).astype(np.int32)
    return x, y


def _model(dropout=False, seed=1):
    tf.random.set_seed(seed)
    stack = [keras.Input((6,)), layers.Dense(16, activation="relu")]
    if dropout:
        stack.append(layers.Dropout(0.3))
    stack.append(layers.Dense(3, activation="softmax"))
    return keras.Sequential(stack)


def _train(model, optimizer, batches, traced: bool):
    loss_fn = keras.losses.SparseCategoricalCrossentropy()

    def step(x, y):
        with tf.GradientTape() as tape:
            loss = loss_fn(y, model(x, training=True))
        grads = tape.gradient(loss, model.trainable_weights)
        optimizer.apply_gradients(zip(grads, model.trainable_weights, strict=True))
        return loss

    run = tf.function(step) if traced else step
    losses = [float(run(tf.constant(x), tf.constant(y))) for x, y in batches]
    return losses, run


def _batches():
    x, y = _data()
    return [(x[i:i + 16], y[i:i + 16]) for i in range(0, 64, 16)] * 2


@pytest.mark.parametrize("optimizer", ["sgd", "rmsprop", "adam", "adamax", "adagrad", "nadam",
                                       "adadelta"])
def test_replayed_training_equals_eager_training(optimizer):
    batches = _batches()
    results = []
    for traced in (False, True):
        model = _model()
        losses, run = _train(model, keras.optimizers.get(optimizer), batches, traced)
        results.append((losses, [w.numpy() for w in model.weights]))
    x, y = batches[0]
    assert run.experimental_get_tracing_reason(tf.constant(x), tf.constant(y)) is None
    (eager_losses, eager_weights), (traced_losses, traced_weights) = results
    np.testing.assert_allclose(traced_losses, eager_losses, rtol=1e-6)
    for got, want in zip(traced_weights, eager_weights, strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-7)


def test_replayed_dropout_is_seeded_and_new_at_every_step():
    # As in TensorFlow, an op without its own seed takes one from the global seed when traced
    # (eager calls take a new one per call), then its kernel draws new numbers at every run.
    def run(seed):
        model = _model(dropout=True)
        tf.random.set_seed(seed)
        losses, _ = _train(model, keras.optimizers.SGD(0.0), _batches(), traced=True)
        return losses

    first, again, other = run(7), run(7), run(8)
    assert first == again and first != other
    assert first[0] != first[4]  # the same batch, another dropout mask


def test_python_side_effects_run_only_when_tracing():
    calls = []

    @tf.function
    def f(x):
        calls.append(1)
        return x * 2.0 + 1.0

    for value in (1.0, 2.0, 3.0):
        out = f(tf.constant([value, value]))
        np.testing.assert_allclose(out.numpy(), [2 * value + 1] * 2)
    assert len(calls) == 1
    f(tf.constant([1.0, 2.0, 3.0]))  # a new shape traces again
    assert len(calls) == 2 and f.experimental_get_tracing_count() == 2


def test_a_value_read_in_python_makes_the_call_eager():
    calls = []

    @tf.function
    def f(x):
        calls.append(1)
        return x * 2.0 if float(tf.reduce_sum(x)) > 0 else x * -1.0

    assert f(tf.constant([1.0])).numpy()[0] == 2.0
    assert f(tf.constant([-1.0])).numpy()[0] == 1.0  # not the branch traced first
    assert len(calls) == 2
    assert "read in Python" in f.experimental_get_tracing_reason(tf.constant([1.0]))


def test_variables_are_read_and_written_at_every_run():
    v = tf.Variable([1.0, 2.0])

    @tf.function
    def bump(delta):
        v.assign_add(delta)
        return v * 10.0

    bump(tf.constant([1.0, 1.0]))
    np.testing.assert_allclose(bump(tf.constant([1.0, 1.0])).numpy(), [30.0, 40.0])
    v.assign([0.0, 0.0])  # an eager write between runs is seen by the next run
    np.testing.assert_allclose(bump(tf.constant([0.5, 0.5])).numpy(), [5.0, 5.0])
    np.testing.assert_allclose(v.numpy(), [0.5, 0.5])


def test_a_value_read_before_a_run_keeps_its_values():
    v = tf.Variable([1.0])

    @tf.function
    def bump():
        v.assign_add([1.0])
        return v.value()

    first = bump()
    held = v.value()  # a reader holds the current value: the next run must not change it
    second = bump()
    third = bump()
    assert float(first[0]) == 2.0 and float(held[0]) == 2.0
    assert float(second[0]) == 3.0 and float(third[0]) == 4.0  # outputs are not aliased either


def test_variables_created_on_the_first_call_trace_on_a_later_one():
    layer = layers.Dense(2)

    @tf.function
    def f(x):
        return layer(x)

    x = tf.constant(np.ones((1, 3), np.float32))
    f(x)  # builds the layer: refused
    assert "Variable was created" in f.experimental_get_tracing_reason(x)
    f(x)
    assert f.experimental_get_tracing_reason(x) is None
    layer.kernel.assign(np.full((3, 2), 2.0, np.float32))
    np.testing.assert_allclose(f(x).numpy(), [[6.0, 6.0]])


def test_random_ops_draw_new_numbers_at_every_run():
    @tf.function
    def noise(x):
        return x + tf.random.uniform((4,))

    zero = tf.constant(np.zeros(4, np.float32))
    draws = [noise(zero).numpy() for _ in range(4)]
    assert noise.experimental_get_tracing_reason(zero) is None
    for a, b in zip(draws, draws[1:], strict=False):
        assert not np.array_equal(a, b)


def test_seeded_random_streams_match_eager_calls():
    def draw():
        return tf.random.normal((3,), seed=5)

    tf.random.set_seed(11)
    eager = [draw().numpy() for _ in range(3)]
    traced = tf.function(draw)
    tf.random.set_seed(11)
    replayed = [traced().numpy() for _ in range(3)]
    np.testing.assert_array_equal(np.stack(replayed), np.stack(eager))


def test_numpy_arguments_and_exceptions():
    @tf.function
    def f(x, scale=2.0):
        if x.shape[0] == 0:
            raise ValueError("empty")
        return x * scale

    np.testing.assert_allclose(f(np.ones(2, np.float32)).numpy(), [2.0, 2.0])
    np.testing.assert_allclose(f(np.ones(2, np.float32), scale=3.0).numpy(), [3.0, 3.0])
    with pytest.raises(ValueError, match="empty"):
        f(np.ones(0, np.float32))
    np.testing.assert_allclose(f(np.ones(2, np.float32)).numpy(), [2.0, 2.0])


def test_gradients_through_a_function_under_an_outer_tape():
    w = tf.Variable(3.0)

    @tf.function
    def f(x):
        return w * x * x

    x = tf.constant(2.0)
    f(x)
    f(x)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = f(x)
    dw, dx = tape.gradient(y, [w, x])
    assert float(dw) == 4.0 and float(dx) == 12.0


def test_a_tape_from_outside_makes_the_call_eager():
    tape = tf.GradientTape(persistent=True)
    x = tf.constant(3.0)

    @tf.function
    def f(scale):
        with tape:
            tape.watch(x)  # NOTE: x from the closure: a traced call sees new handles of its
            return x * x * scale  # arguments, which a tape outside does not know

    one = tf.constant(1.0)
    for _ in range(4):
        assert float(tape.gradient(f(one), x)) == 6.0
    assert "outside the function" in f.experimental_get_tracing_reason(one)


def test_learning_rate_changes_reach_a_traced_step():
    x, y = _data(16)
    model = _model()
    optimizer = keras.optimizers.SGD(0.1)
    _, run = _train(model, optimizer, [(x, y)] * 2, traced=True)
    before = [w.numpy() for w in model.trainable_weights]
    optimizer.learning_rate = 0.0
    run(tf.constant(x), tf.constant(y))
    for got, want in zip(model.trainable_weights, before, strict=True):
        np.testing.assert_array_equal(got.numpy(), want)


def test_run_functions_eagerly():
    calls = []

    @tf.function
    def f(x):
        calls.append(1)
        return x + 1.0

    tf.config.run_functions_eagerly(True)
    try:
        f(tf.constant(1.0))
        f(tf.constant(1.0))
    finally:
        tf.config.run_functions_eagerly(False)
    assert len(calls) == 2 and f.experimental_get_tracing_count() == 0


def test_fit_traced_equals_fit_eager():
    x, y = _data(96)
    histories, weights = [], []
    for run_eagerly in (True, False):
        model = _model()
        model.compile(optimizer="rmsprop", loss="sparse_categorical_crossentropy",
                      metrics=["accuracy"], run_eagerly=run_eagerly)
        np.random.seed(3)  # noqa: NPY002 (fit shuffles with NumPy's global generator, as Keras)
        history = model.fit(x, y, batch_size=16, epochs=3, verbose=0, validation_split=0.25)
        histories.append(history.history)
        weights.append([w.numpy() for w in model.weights])
    step = model._step_functions[("train", True)]
    xb, yb = tf.constant(x[:16]), tf.constant(y[:16])
    assert step.experimental_get_tracing_reason(xb, yb, None, frozenset(
        map(id, model.trainable_weights))) is None  # fit's steps replayed a program
    for key in histories[0]:
        np.testing.assert_allclose(histories[1][key], histories[0][key], rtol=1e-5, err_msg=key)
    for got, want in zip(weights[1], weights[0], strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


def test_one_tensor_passed_twice():
    @tf.function
    def f(a, b):
        return a - b

    x = tf.constant([1.0, 2.0])
    assert float(tf.reduce_sum(f(x, x))) == 0.0
    np.testing.assert_allclose(f(x, tf.constant([0.5, 0.5])).numpy(), [0.5, 1.5])
    np.testing.assert_allclose(f(x, tf.constant([1.0, 1.0])).numpy(), [0.0, 1.0])
    assert f(x, x).numpy().tolist() == [0.0, 0.0]


def test_program_inputs_are_checked():
    tf.function(lambda a: a * 2.0)(tf.constant([1.0]))
    from tapeflow import _C

    _C.begin_recording([tf.constant([1.0])])
    program, why = _C.end_recording([])
    assert why == ""
    with pytest.raises(ValueError, match="takes 1 inputs"):
        program.run([])
    with pytest.raises(ValueError, match="should have shape"):
        program.run([tf.constant([1, 2])])
    with pytest.raises(tf.errors.InternalError, match="already active"):
        _C.begin_recording([])
        _C.begin_recording([])
    _C.abandon_recording()
    with pytest.raises(tf.errors.InternalError, match="no recording is active"):
        _C.end_recording([])
    with pytest.raises(ValueError, match="bad capture index 5"):
        program.bind_inputs([5])
    with pytest.raises(TypeError):
        _C.begin_recording([1.0])
    _C.abandon_recording()  # none active: nothing to drop
    _C.poison_recording("outside a recording: ignored")


def test_runs_write_variables_in_place():
    v = tf.Variable([1.0])

    @tf.function
    def bump():
        v.assign_add([1.0])
        return v.value()

    bump()
    bump()
    value_id = v._value._id  # tensors' ids are never reused
    bump()
    bump()
    assert v._value._id == value_id  # nothing held the value: no copy-on-write
    assert float(v.numpy()[0]) == 5.0


def test_predict_runs_traced_and_matches_eager():
    x, _ = _data(40)
    model = _model(dropout=True)
    traced = model.predict(x, batch_size=16, verbose=0)
    model.predict(x, batch_size=16, verbose=0)  # the first call built nothing: replays now
    step = model._step_functions[("predict", False)]
    assert step.experimental_get_tracing_reason((tf.constant(x[:16]),), None) is None
    model.compile(run_eagerly=True)
    eager = model.predict(x, batch_size=16, verbose=0)
    np.testing.assert_allclose(traced, eager, rtol=1e-6)
