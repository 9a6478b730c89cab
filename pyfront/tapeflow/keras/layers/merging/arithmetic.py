"""The elementwise merge layers and their functional forms:

    added = layers.Add()([x1, x2])        # or layers.add([x1, x2])

Add, Multiply, Average, Maximum and Minimum take any number of inputs; Subtract exactly two.
Shapes follow base_merge.Merge.
"""

from __future__ import annotations

import functools

import tapeflow as tf
from tapeflow.keras.layers.merging.base_merge import Merge


class Add(Merge):
    """The elementwise sum of the inputs."""

    def _merge_function(self, inputs):
        return functools.reduce(tf.add, inputs)


class Subtract(Merge):
    """inputs[0] - inputs[1] (exactly two inputs)."""

    _min_inputs = 2

    def _check_list(self, inputs, what: str):
        super()._check_list(inputs, what)
        if len(inputs) != 2:
            raise ValueError(
                f"A Subtract layer should be called on exactly 2 inputs, received {len(inputs)}"
            )

    def _merge_function(self, inputs):
        return tf.subtract(inputs[0], inputs[1])


class Multiply(Merge):
    """The elementwise product of the inputs."""

    def _merge_function(self, inputs):
        return functools.reduce(tf.multiply, inputs)


class Average(Merge):
    """The elementwise mean of the inputs."""

    def _merge_function(self, inputs):
        return functools.reduce(tf.add, inputs) / float(len(inputs))


class Maximum(Merge):
    """The elementwise maximum of the inputs."""

    def _merge_function(self, inputs):
        return functools.reduce(tf.maximum, inputs)


class Minimum(Merge):
    """The elementwise minimum of the inputs."""

    def _merge_function(self, inputs):
        return functools.reduce(tf.minimum, inputs)


def add(inputs, **kwargs):
    """`Add(**kwargs)(inputs)`."""
    return Add(**kwargs)(inputs)


def subtract(inputs, **kwargs):
    """`Subtract(**kwargs)(inputs)`."""
    return Subtract(**kwargs)(inputs)


def multiply(inputs, **kwargs):
    """`Multiply(**kwargs)(inputs)`."""
    return Multiply(**kwargs)(inputs)


def average(inputs, **kwargs):
    """`Average(**kwargs)(inputs)`."""
    return Average(**kwargs)(inputs)


def maximum(inputs, **kwargs):
    """`Maximum(**kwargs)(inputs)`."""
    return Maximum(**kwargs)(inputs)


def minimum(inputs, **kwargs):
    """`Minimum(**kwargs)(inputs)`."""
    return Minimum(**kwargs)(inputs)
