"""The built-in per-sample loss functions: ``mean_squared_error(y_true, y_pred)`` returns one
value per sample (the mean over the last axis); the Loss classes in classes.py reduce them.

Every loss is made of tf ops, so it is differentiable through a GradientTape. Probabilities
are clipped to [epsilon, 1 - epsilon] (epsilon = 1e-7) before a log, as Keras does:
``binary_crossentropy(1., 0.)`` is -log(1e-7) = 16.118, not inf.
"""

from __future__ import annotations

import math
import warnings

import tapeflow as tf
from tapeflow.keras import backend
from tapeflow.keras.losses.loss import squeeze_or_expand_to_same_rank

_Tensor = tf.Tensor
_FLOAT_DTYPES = frozenset(dtype._c for dtype in (tf.float32, tf.float64))

# -- helpers -----------------------------------------------------------------------------------


def _pair(y_true, y_pred):
    """Tensors of y_pred's dtype with aligned ranks ((N,) vs (N, 1) never broadcasts)."""
    if (type(y_pred) is _Tensor and type(y_true) is _Tensor and y_true._dtype == y_pred._dtype
            and y_pred._dtype in _FLOAT_DTYPES and len(y_true._shape) == len(y_pred._shape)):
        return y_true, y_pred  # already aligned: what a Loss hands on at every step
    y_pred = backend.convert(y_pred)
    if not y_pred.dtype.is_floating:
        y_pred = tf.cast(y_pred, backend.floatx())
    y_true = backend.convert(y_true, y_pred.dtype)
    return squeeze_or_expand_to_same_rank(y_true, y_pred)


def _shapes(a, b) -> str:
    return f"target.shape={tuple(a.shape)}, output.shape={tuple(b.shape)}"


def _log_probabilities(y_pred, from_logits: bool, axis: int):
    """log p from logits (log_softmax) or from probabilities (renormalised, then clipped)."""
    if from_logits:
        return tf.nn.log_softmax(y_pred, axis=axis)
    eps = backend.epsilon()
    y_pred = y_pred / tf.reduce_sum(y_pred, axis=axis, keepdims=True)
    return tf.math.log(tf.clip_by_value(y_pred, eps, 1.0 - eps))


# -- per-sample loss functions ----------------------------------------------------------------


def mean_squared_error(y_true, y_pred):
    """mean((y_true - y_pred)**2, axis=-1)."""
    y_true, y_pred = _pair(y_true, y_pred)
    return tf.reduce_mean(tf.square(y_true - y_pred), axis=-1)


def mean_absolute_error(y_true, y_pred):
    """mean(|y_true - y_pred|, axis=-1)."""
    y_true, y_pred = _pair(y_true, y_pred)
    return tf.reduce_mean(tf.abs(y_true - y_pred), axis=-1)


def mean_absolute_percentage_error(y_true, y_pred):
    """100 * mean(|(y_true - y_pred) / max(|y_true|, epsilon)|, axis=-1)."""
    y_true, y_pred = _pair(y_true, y_pred)
    diff = tf.abs((y_true - y_pred) / tf.maximum(tf.abs(y_true), backend.epsilon()))
    return 100.0 * tf.reduce_mean(diff, axis=-1)


def mean_squared_logarithmic_error(y_true, y_pred):
    """mean((log(y_pred + 1) - log(y_true + 1))**2, axis=-1), values below epsilon raised to
    epsilon."""
    y_true, y_pred = _pair(y_true, y_pred)
    eps = backend.epsilon()
    first = tf.math.log1p(tf.maximum(y_pred, eps))
    second = tf.math.log1p(tf.maximum(y_true, eps))
    return tf.reduce_mean(tf.square(first - second), axis=-1)


def huber(y_true, y_pred, delta=1.0):
    """mean(0.5 * e**2 if |e| <= delta else delta * |e| - 0.5 * delta**2, axis=-1),
    e = y_pred - y_true."""
    y_true, y_pred = _pair(y_true, y_pred)
    error = y_pred - y_true
    abs_error = tf.abs(error)
    quadratic = 0.5 * tf.square(error)
    linear = delta * abs_error - 0.5 * delta * delta
    return tf.reduce_mean(tf.where(abs_error <= delta, quadratic, linear), axis=-1)


def log_cosh(y_true, y_pred):
    """mean(log(cosh(y_pred - y_true)), axis=-1), computed as x + softplus(-2x) - log 2 so that
    large errors do not overflow."""
    y_true, y_pred = _pair(y_true, y_pred)
    x = y_pred - y_true
    return tf.reduce_mean(x + tf.nn.softplus(-2.0 * x) - math.log(2.0), axis=-1)


def kl_divergence(y_true, y_pred):
    """sum(y_true * log(y_true / y_pred), axis=-1), both clipped to [epsilon, 1]."""
    y_true, y_pred = _pair(y_true, y_pred)
    eps = backend.epsilon()
    y_true = tf.clip_by_value(y_true, eps, 1.0)
    y_pred = tf.clip_by_value(y_pred, eps, 1.0)
    return tf.reduce_sum(y_true * tf.math.log(y_true / y_pred), axis=-1)


def poisson(y_true, y_pred):
    """mean(y_pred - y_true * log(y_pred + epsilon), axis=-1)."""
    y_true, y_pred = _pair(y_true, y_pred)
    return tf.reduce_mean(y_pred - y_true * tf.math.log(y_pred + backend.epsilon()), axis=-1)


def cosine_similarity(y_true, y_pred, axis=-1):
    """-sum(l2_normalize(y_true) * l2_normalize(y_pred), axis): -1 for parallel vectors."""
    y_true, y_pred = _pair(y_true, y_pred)

    def normalize(x):
        return x * tf.math.rsqrt(
            tf.maximum(tf.reduce_sum(tf.square(x), axis=axis, keepdims=True), 1e-12)
        )

    return -tf.reduce_sum(normalize(y_true) * normalize(y_pred), axis=axis)


def _hinge_labels(y_true):
    """0/1 labels become -1/1 (labels that are not all 0 or 1 are left as they are)."""
    if bool(tf.reduce_all(tf.logical_or(tf.equal(y_true, 0.0), tf.equal(y_true, 1.0)))):
        return 2.0 * y_true - 1.0
    return y_true


def hinge(y_true, y_pred):
    """mean(max(1 - y_true * y_pred, 0), axis=-1) with y_true in {-1, 1} (0/1 converted)."""
    y_true, y_pred = _pair(y_true, y_pred)
    return tf.reduce_mean(tf.nn.relu(1.0 - _hinge_labels(y_true) * y_pred), axis=-1)


def squared_hinge(y_true, y_pred):
    """mean(max(1 - y_true * y_pred, 0)**2, axis=-1) with y_true in {-1, 1}."""
    y_true, y_pred = _pair(y_true, y_pred)
    return tf.reduce_mean(tf.square(tf.nn.relu(1.0 - _hinge_labels(y_true) * y_pred)), axis=-1)


def categorical_hinge(y_true, y_pred):
    """max(max((1 - y_true) * y_pred) - sum(y_true * y_pred) + 1, 0) per sample."""
    y_true, y_pred = _pair(y_true, y_pred)
    positive = tf.reduce_sum(y_true * y_pred, axis=-1)
    negative = tf.reduce_max((1.0 - y_true) * y_pred, axis=-1)
    return tf.nn.relu(negative - positive + 1.0)


def binary_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    """mean(-(t log p + (1 - t) log(1 - p)), axis) with p clipped to [1e-7, 1 - 1e-7], or from
    logits x as (1 - t) softplus(x) + t softplus(-x) (no clipping, no overflow).
    `label_smoothing` s moves the targets towards 0.5: t (1 - s) + s / 2."""
    y_true, y_pred = _pair(y_true, y_pred)
    if label_smoothing:
        y_true = y_true * (1.0 - label_smoothing) + 0.5 * label_smoothing
    if from_logits:
        # d/dx = sigmoid(x) - t everywhere (also at x = 0), and both terms are >= 0
        losses = (1.0 - y_true) * tf.nn.softplus(y_pred) + y_true * tf.nn.softplus(-y_pred)
    else:
        eps = backend.epsilon()
        p = tf.clip_by_value(y_pred, eps, 1.0 - eps)
        losses = -(y_true * tf.math.log(p) + (1.0 - y_true) * tf.math.log(1.0 - p))
    return tf.reduce_mean(losses, axis=axis)


def categorical_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    """-sum(t log p, axis) for one-hot (or soft) targets t. Probabilities are renormalised to
    sum to 1, then clipped; logits go through log_softmax. `label_smoothing` s gives
    t (1 - s) + s / num_classes."""
    if isinstance(axis, bool) or not isinstance(axis, int):
        raise ValueError(f"`axis` must be of type `int`. Received: axis={axis!r}")
    y_pred = backend.convert(y_pred)
    y_true = backend.convert(y_true, y_pred.dtype)
    if tuple(y_true.shape) != tuple(y_pred.shape):
        raise ValueError(
            "Arguments `target` and `output` must have the same shape. Received: "
            + _shapes(y_true, y_pred)
        )
    if y_pred.shape[axis] == 1:
        warnings.warn(
            "In loss categorical_crossentropy, expected y_pred.shape to be "
            "(batch_size, num_classes) with num_classes > 1. Received: "
            f"y_pred.shape={tuple(y_pred.shape)}. Consider using "
            "'binary_crossentropy' if you only have 2 classes.",
            SyntaxWarning,
            stacklevel=2,
        )
    if label_smoothing:
        y_true = y_true * (1.0 - label_smoothing) + label_smoothing / y_true.shape[axis]
    return -tf.reduce_sum(y_true * _log_probabilities(y_pred, from_logits, axis), axis=axis)


def sparse_categorical_crossentropy(y_true, y_pred, from_logits=False, ignore_class=None, axis=-1):
    """-log p[label] per sample, for integer labels of shape (N,) or (N, 1) (any integer dtype,
    or floats holding integers) against (N, C) probabilities or logits. Probabilities are
    clipped to [1e-7, 1 - 1e-7]; labels outside [0, C) raise InvalidArgumentError.
    Labels equal to `ignore_class` get a loss of 0."""
    y_pred = backend.convert(y_pred)
    y_true = backend.convert(y_true)
    if y_pred.ndim < 1:
        raise ValueError(
            f"sparse_categorical_crossentropy: y_pred must have a class axis, got "
            f"shape {tuple(y_pred.shape)}"
        )
    if axis not in (-1, y_pred.ndim - 1):
        raise ValueError(f"Only axis=-1 is currently supported. Received: axis={axis}")
    if y_true.ndim == y_pred.ndim and y_true.shape[-1] == 1:
        y_true = tf.squeeze(y_true, axis=-1)
    if y_true.ndim != y_pred.ndim - 1 or tuple(y_true.shape) != tuple(y_pred.shape[:-1]):
        raise ValueError(
            "Arguments `target` and `output` must have the same shape up until "
            "the last dimension (target: (N,) or (N, 1) integer labels, output: "
            "(N, num_classes)): " + _shapes(y_true, y_pred)
        )
    labels = y_true if y_true.dtype in (tf.int32, tf.int64) else backend.cast(y_true, tf.int64)
    valid = None
    if ignore_class is not None:
        valid = tf.not_equal(labels, int(ignore_class))
        labels = labels * tf.cast(valid, labels.dtype)
    if not from_logits:  # as Keras: clipped log-probabilities act as logits
        eps = backend.epsilon()
        y_pred = tf.math.log(tf.clip_by_value(y_pred, eps, 1.0 - eps))
    # Fused (one op forward, one backward); labels outside [0, C) raise InvalidArgumentError.
    losses = tf.nn.sparse_softmax_cross_entropy_with_logits(labels, y_pred)
    if valid is not None:
        losses = losses * tf.cast(valid, losses.dtype)
    return losses
