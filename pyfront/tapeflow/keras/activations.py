"""``keras.activations``: elementwise activation functions, built from tf ops (so they are
differentiable), and their string look-up.

    keras.activations.get("relu")(x)
    layers.Dense(10, activation="softmax")     # softmax over the last axis

`get(None)` is `linear`; `serialize(relu)` is the string "relu".
"""

from __future__ import annotations

import inspect
import math

import tapeflow as tf
from tapeflow.keras import backend

_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


def relu(x, negative_slope=0.0, max_value=None, threshold=0.0):
    """max(x, 0); with options: `negative_slope * (x - threshold)` below `threshold`, and a
    ceiling at `max_value`."""
    x = backend.convert(x)
    if negative_slope == 0.0 and max_value is None and threshold == 0.0:
        return tf.nn.relu(x)
    if negative_slope < 0 or (max_value is not None and max_value < 0):
        raise ValueError(
            f"relu: negative_slope and max_value must be >= 0, got "
            f"negative_slope={negative_slope}, max_value={max_value}"
        )
    # below threshold: negative_slope * (x - threshold); above: x (capped at max_value)
    above = x * tf.cast(x > threshold, x.dtype) if threshold != 0.0 else tf.nn.relu(x)
    if max_value is not None:
        above = tf.minimum(above, max_value)
    if negative_slope != 0.0:
        above = above - negative_slope * tf.nn.relu(threshold - x)
    return above


def leaky_relu(x, negative_slope=0.2):
    """x for x >= 0, negative_slope * x otherwise."""
    x = backend.convert(x)
    return (
        tf.maximum(x, x * negative_slope)
        if negative_slope <= 1
        else tf.where(x >= 0, x, x * negative_slope)
    )


def relu6(x):
    """min(max(x, 0), 6)."""
    return tf.minimum(tf.nn.relu(backend.convert(x)), 6.0)


def elu(x, alpha=1.0):
    """x for x > 0, alpha * (exp(x) - 1) otherwise."""
    x = backend.convert(x)
    # NOTE: expm1 sees min(x, 0) so the unused branch never overflows (inf * 0 = NaN grads).
    return tf.where(x > 0, x, alpha * tf.math.expm1(tf.minimum(x, 0.0)))


def selu(x):
    """scale * elu(x, alpha) with the self-normalising constants (alpha 1.6733, scale 1.0507)."""
    return _SELU_SCALE * elu(x, _SELU_ALPHA)


def sigmoid(x):
    """1 / (1 + exp(-x))."""
    return tf.nn.sigmoid(backend.convert(x))


def hard_sigmoid(x):
    """clip(x / 6 + 0.5, 0, 1)."""
    return tf.clip_by_value(backend.convert(x) * (1.0 / 6.0) + 0.5, 0.0, 1.0)


def silu(x):
    """x * sigmoid(x) (also called swish)."""
    x = backend.convert(x)
    return x * tf.nn.sigmoid(x)


def hard_silu(x):
    """x * hard_sigmoid(x)."""
    x = backend.convert(x)
    return x * hard_sigmoid(x)


def gelu(x, approximate=False):
    """x * P(X <= x) for X ~ N(0, 1); `approximate=True` uses the tanh formula."""
    x = backend.convert(x)
    if approximate:
        inner = math.sqrt(2.0 / math.pi) * (x + 0.044715 * x * x * x)
        return 0.5 * x * (1.0 + tf.tanh(inner))
    erf = getattr(tf.math, "erf", None)
    if erf is None:
        raise NotImplementedError(
            "gelu(approximate=False) needs tf.math.erf, which tapeflow lacks; pass approximate=True"
        )
    return 0.5 * x * (1.0 + erf(x * (1.0 / math.sqrt(2.0))))


def mish(x):
    """x * tanh(softplus(x))."""
    x = backend.convert(x)
    return x * tf.tanh(tf.nn.softplus(x))


def tanh(x):
    return tf.tanh(backend.convert(x))


def softplus(x):
    """log(1 + exp(x)), computed without overflow."""
    return tf.nn.softplus(backend.convert(x))


def softsign(x):
    """x / (1 + |x|)."""
    x = backend.convert(x)
    return x / (1.0 + tf.abs(x))


def exponential(x):
    return tf.exp(backend.convert(x))


def linear(x):
    """The identity (what `activation=None` means)."""
    return x


def softmax(x, axis=-1):
    """exp(x) / sum(exp(x)) along `axis` (the last one by default)."""
    return tf.nn.softmax(backend.convert(x), axis=axis)


def log_softmax(x, axis=-1):
    return tf.nn.log_softmax(backend.convert(x), axis=axis)


swish = silu
hard_swish = hard_silu

_BUILTINS = {
    fn.__name__: fn
    for fn in (
        relu,
        leaky_relu,
        relu6,
        elu,
        selu,
        sigmoid,
        hard_sigmoid,
        silu,
        hard_silu,
        gelu,
        mish,
        tanh,
        softplus,
        softsign,
        exponential,
        linear,
        softmax,
        log_softmax,
    )
}
_BUILTINS.update({"swish": silu, "hard_swish": hard_silu})


def _tf_equivalents() -> dict:
    """tf.nn functions passed as activations (activation=tf.nn.relu) serialize by name too."""
    pairs = {
        "relu": tf.nn.relu,
        "sigmoid": tf.nn.sigmoid,
        "tanh": tf.tanh,
        "softplus": tf.nn.softplus,
        "softmax": getattr(tf.nn, "softmax", None),
    }
    return {id(fn): name for name, fn in pairs.items() if fn is not None}


def serialize(activation) -> str | dict:
    """The name of a built-in activation ("relu"), or a config dict for other callables."""
    for name, fn in _BUILTINS.items():
        if fn is activation:
            return name
    name = _tf_equivalents().get(id(activation))
    if name is not None:
        return name
    if hasattr(activation, "get_config") or inspect.isfunction(activation):
        from tapeflow.keras import _serialize

        # a user function is saved by its registered name (keras.saving), found again in
        # the registry or in custom_objects when loading
        return _serialize.serialize(activation, "keras.activations", _BUILTINS)
    raise ValueError(
        f"Cannot serialize activation {activation!r}: it is not a Keras activation, "
        "a function or an object with get_config()"
    )


def deserialize(config, custom_objects=None):
    from tapeflow.keras import _serialize

    return _serialize.deserialize(config, _BUILTINS, custom_objects, kind="activation function")


def get(identifier):
    """The activation function named or described by `identifier`; None gives `linear`."""
    if identifier is None:
        return linear
    from tapeflow.keras import _serialize

    return _serialize.get(
        identifier, _BUILTINS, deserialize, "activation function", instantiate=False
    )


__all__ = sorted(_BUILTINS) + ["serialize", "deserialize", "get"]
