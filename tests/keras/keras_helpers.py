"""Small layers the Keras tests share (the book's SimpleDense, a Dense with Keras's weight
names, a concatenation) so model and trainer tests do not depend on the built-in layers."""

import tapeflow as tf
from tapeflow import keras


class SimpleDense(keras.layers.Layer):
    """The book's section 3.6.1 layer, verbatim apart from the imports."""

    def __init__(self, units, activation=None):
        super().__init__()
        self.units = units
        self.activation = activation

    def build(self, input_shape):
        input_dim = input_shape[-1]
        self.W = self.add_weight(shape=(input_dim, self.units), initializer="random_normal")
        self.b = self.add_weight(shape=(self.units,), initializer="zeros")

    def call(self, inputs):
        y = tf.matmul(inputs, self.W) + self.b
        if self.activation is not None:
            y = self.activation(y)
        return y



class Dense(SimpleDense):
    """SimpleDense with Keras's weight names ('kernel', 'bias') and string activations."""

    def __init__(self, units, activation=None, name=None):
        keras.layers.Layer.__init__(self, name=name)
        self.units = units
        self.activation = keras.activations.get(activation)

    def build(self, input_shape):
        self.W = self.add_weight(shape=(input_shape[-1], self.units), name="kernel")
        self.b = self.add_weight(shape=(self.units,), initializer="zeros", name="bias")

    def call(self, inputs):
        return super().call(tf.cast(inputs, self.dtype))  # as Keras's Dense: ints become floats


class Concat(keras.layers.Layer):
    def call(self, inputs):
        return tf.concat(inputs, axis=-1)
