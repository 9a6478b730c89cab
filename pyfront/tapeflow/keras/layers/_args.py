"""Checks and small helpers shared by the built-in layers.

Every bad constructor argument raises an error naming the layer, the argument and the value
received (`Dense: units must be a positive integer, received units=0`), before any weight or
graph node exists.
"""

from __future__ import annotations

import operator

import tapeflow as tf
from tapeflow import nest
from tapeflow.keras.layers.symbolic import KerasTensor


def positive_int(value, arg: str, who: str) -> int:
    """`value` as an int >= 1 (NumPy ints accepted; bools, floats and strings refused)."""
    try:
        if isinstance(value, bool):
            raise TypeError
        number = operator.index(value)
    except TypeError:
        number = None
    if number is None or number < 1:
        raise ValueError(f"{who}: {arg} must be a positive integer, received {arg}={value!r}")
    return number


def fraction(value, arg: str, who: str) -> float:
    """`value` as a float in [0, 1] (a dropout rate, a noise stddev)."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = None
    if isinstance(value, bool) or number is None or not 0.0 <= number <= 1.0:
        raise ValueError(f"{who}: {arg} must be a float between 0 and 1, received {arg}={value!r}")
    return number


def non_negative_float(value, arg: str, who: str) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = None
    if isinstance(value, bool) or number is None or not number >= 0.0:
        raise ValueError(f"{who}: {arg} must be a non-negative float, received {arg}={value!r}")
    return number


def seed(value, who: str):
    """None, or an int seed for the layer's random ops."""
    if value is None:
        return None
    try:
        if isinstance(value, bool):
            raise TypeError
        return operator.index(value)
    except TypeError:
        raise TypeError(
            f"{who}: seed must be an integer or None, received seed={value!r}"
        ) from None


def int_axis(axis, who: str) -> int:
    try:
        if isinstance(axis, bool):
            raise TypeError
        return operator.index(axis)
    except TypeError:
        raise TypeError(f"{who}: axis must be an integer, received axis={axis!r}") from None


def normalize_axis(axis: int, ndim: int, who: str) -> int:
    """`axis` in [0, ndim), counting negative axes from the end."""
    if not -ndim <= axis < ndim:
        raise ValueError(
            f"{who}: axis {axis} is out of range for inputs of rank {ndim} "
            f"(expected -{ndim} <= axis < {ndim})"
        )
    return axis % ndim


def as_compute_dtype(layer, x):
    """`x` cast to the layer's float dtype when it is not a float already (int inputs of
    Dense, Normalization, Rescaling, ...); floats were cast by Layer.__call__."""
    return x if x.dtype.is_floating else tf.cast(x, layer.compute_dtype)


def same_dtype_spec(layer, shape, inputs) -> KerasTensor:
    """The symbolic output of a layer that moves values around without changing their type
    (reshaping, merging): its dtype is the inputs' (floats take the layer's dtype, as
    Layer.__call__ casts them)."""
    dtype = nest.flatten(inputs)[0].dtype
    if dtype.is_floating and layer._autocast:
        dtype = layer.compute_dtype
    return KerasTensor(shape, dtype)
