"""A tour of the tensor API: creation, broadcasting, reductions, matmul, indexing, NumPy interop.

Run: python examples/quickstart.py
"""

import numpy as np

import tapeflow as tf


def main() -> None:
    print(f"tapeflow {tf.__version__}: CPU kernels use {tf.config.cpu_isa()}, "
          f"{tf.config.threading.get_intra_op_parallelism_threads()} threads\n")

    x = tf.ones(shape=(2, 1))
    print(x)
    w = tf.random.normal(shape=(3, 1), mean=0.0, stddev=1.0, seed=7)
    b = tf.zeros((3,))
    print("w =", w.numpy().ravel(), " b =", b.numpy())

    # Broadcasting: (4, 3) + (3,) -> (4, 3); matmul (4, 3) @ (3, 1) -> (4, 1)
    inputs = tf.random.uniform((4, 3), minval=-1.0, maxval=1.0, seed=1)
    hidden = tf.nn.relu(inputs + b)
    logits = tf.matmul(hidden, w)
    print("logits", logits.shape, "mean", float(tf.reduce_mean(logits)))

    probs = tf.nn.softmax(tf.reshape(logits, (1, 4)))
    print("softmax sums to %.4f" % tf.reduce_sum(probs))
    print("argmax", int(tf.argmax(probs, axis=1)[0]))

    # Indexing and slicing are views, as in NumPy
    print("column 0 > 0:", (inputs[:, 0] > 0).numpy())
    print("last two rows reversed:\n", inputs[::-1][:2].numpy())

    # NumPy interop: zero-copy views, and NumPy arrays as operands
    as_numpy = np.asarray(inputs)
    print("np.asarray shares memory:", as_numpy.ctypes.data == inputs._data_ptr)
    print("tensor * numpy ->", (inputs * np.arange(3)).dtype)

    # Errors name what was received and what was expected
    try:
        tf.matmul(tf.ones((2, 3)), tf.ones((4, 5)))
    except tf.errors.InvalidArgumentError as error:
        print("InvalidArgumentError:", error)


if __name__ == "__main__":
    main()
