"""The book's chapter 2-3 tape-level code, as written (imports changed), with the values it
states. The linear classifier of listings 3.13-3.21 is examples/ch3_linear_classifier.py's own.
"""

import numpy as np

import tapeflow as tf
from ch3_linear_classifier import linear_classifier, train, two_classes_of_points


def test_section_2_4_4_scalar_variable():
    x = tf.Variable(0.)
    with tf.GradientTape() as tape:
        y = 2 * x + 3
    grad_of_y_wrt_x = tape.gradient(y, x)
    assert float(grad_of_y_wrt_x) == 2.0


def test_section_2_4_4_tensor_variable():
    x = tf.Variable(tf.random.uniform((2, 2)))
    with tf.GradientTape() as tape:
        y = 2 * x + 3
    grad_of_y_wrt_x = tape.gradient(y, x)
    assert grad_of_y_wrt_x.shape == (2, 2)
    np.testing.assert_array_equal(grad_of_y_wrt_x.numpy(), np.full((2, 2), 2.0))


def test_section_2_4_4_list_of_variables():
    W = tf.Variable(tf.random.uniform((2, 2)))
    b = tf.Variable(tf.zeros((2,)))
    x = tf.random.uniform((2, 2))
    with tf.GradientTape() as tape:
        y = tf.matmul(W, x) + b
    grad_of_y_wrt_W_and_b = tape.gradient(y, [W, b])
    assert isinstance(grad_of_y_wrt_W_and_b, list)
    assert grad_of_y_wrt_W_and_b[0].shape == (2, 2)
    assert grad_of_y_wrt_W_and_b[1].shape == (2,)
    # dy/dW[i, k] = sum_j x[k, j]; dy/db = 2 (b broadcast over the rows)
    expected_W = np.tile(np.asarray(x).sum(axis=1), (2, 1))
    np.testing.assert_allclose(grad_of_y_wrt_W_and_b[0].numpy(), expected_W, rtol=1e-6)
    np.testing.assert_array_equal(grad_of_y_wrt_W_and_b[1].numpy(), [2.0, 2.0])


def test_figure_2_22_computation_graph():
    x, w, b, y_true = tf.constant(2.0), tf.Variable(3.0), tf.Variable(1.0), tf.constant(4.0)
    with tf.GradientTape() as tape:
        x1 = x * w
        x2 = x1 + b
        loss_val = abs(y_true - x2)
    grad_w, grad_b = tape.gradient(loss_val, [w, b])
    assert float(grad_w) == 2.0 and float(grad_b) == 1.0


def test_listing_3_10():
    input_var = tf.Variable(initial_value=3.)
    with tf.GradientTape() as tape:
        result = tf.square(input_var)
    gradient = tape.gradient(result, input_var)
    assert float(gradient) == 6.0


def test_listing_3_11():
    input_const = tf.constant(3.)
    with tf.GradientTape() as tape:
        tape.watch(input_const)
        result = tf.square(input_const)
    gradient = tape.gradient(result, input_const)
    assert float(gradient) == 6.0


def test_listing_3_12_acceleration_is_9_8():
    time = tf.Variable(0.)
    with tf.GradientTape() as outer_tape:
        with tf.GradientTape() as inner_tape:
            position = 4.9 * time ** 2
            speed = inner_tape.gradient(position, time)
    acceleration = outer_tape.gradient(speed, time)
    assert abs(float(acceleration) - 9.8) < 1e-6


def test_listings_3_5_to_3_8_variables():
    v = tf.Variable(initial_value=tf.random.normal(shape=(3, 1)))
    v.assign(tf.ones((3, 1)))
    np.testing.assert_array_equal(v.numpy(), np.ones((3, 1)))
    v[0, 0].assign(3.)
    np.testing.assert_array_equal(v.numpy(), [[3.0], [1.0], [1.0]])
    v.assign_add(tf.ones((3, 1)))
    np.testing.assert_array_equal(v.numpy(), [[4.0], [2.0], [2.0]])  # cumulative (errata)


def test_listings_3_13_to_3_21_linear_classifier(capsys):
    np.random.seed(0)
    tf.random.set_seed(3)
    inputs, targets = two_classes_of_points()
    assert inputs.shape == (2000, 2) and inputs.dtype == np.float32
    assert targets.shape == (2000, 1) and targets[:1000].sum() == 0 and targets[1000:].sum() == 1000

    W, b, model, training_step = linear_classifier()
    loss = train(training_step, inputs, targets, steps=40)
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 40 and lines[0].startswith("Loss at step 0: ")
    assert lines[-1] == "Loss at step 39: %.4f" % float(loss)
    assert float(loss) < 0.035

    predictions = model(inputs)
    accuracy = np.mean((predictions[:, 0] > 0.5).numpy() == (targets[:, 0] > 0.5))
    assert accuracy >= 0.97
    # The decision line of §3.5.4 evaluates with Variable indexing and NumPy operands.
    x = np.linspace(-1, 4, 100)
    y = -W[0] / W[1] * x + (0.5 - b) / W[1]
    assert y.shape == (100,)
