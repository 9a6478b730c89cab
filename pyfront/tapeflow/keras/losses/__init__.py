"""``keras.losses``: loss functions (per-sample values) and Loss classes (reduced to a scalar),
with Keras's names and string look-up.

    keras.losses.get("mse")                  # the function mean_squared_error
    keras.losses.get("BinaryCrossentropy")   # a BinaryCrossentropy() instance
    keras.losses.sparse_categorical_crossentropy(labels, probabilities)   # shape (N,)
"""

from __future__ import annotations

import inspect

from tapeflow.keras import _serialize
from tapeflow.keras.losses.classes import (
    ALL_CLASSES,
    BinaryCrossentropy,
    CategoricalCrossentropy,
    CategoricalHinge,
    CosineSimilarity,
    Hinge,
    Huber,
    KLDivergence,
    LogCosh,
    MeanAbsoluteError,
    MeanAbsolutePercentageError,
    MeanSquaredError,
    MeanSquaredLogarithmicError,
    Poisson,
    SparseCategoricalCrossentropy,
    SquaredHinge,
)
from tapeflow.keras.losses.functions import (
    binary_crossentropy,
    categorical_crossentropy,
    categorical_hinge,
    cosine_similarity,
    hinge,
    huber,
    kl_divergence,
    log_cosh,
    mean_absolute_error,
    mean_absolute_percentage_error,
    mean_squared_error,
    mean_squared_logarithmic_error,
    poisson,
    sparse_categorical_crossentropy,
    squared_hinge,
)
from tapeflow.keras.losses.loss import (
    Loss,
    LossFunctionWrapper,
    reduce_weighted_values,
    squeeze_or_expand_to_same_rank,
)

# Keras 2's short aliases (tf.keras.losses.mse etc.)
mse = MSE = mean_squared_error
mae = MAE = mean_absolute_error
mape = MAPE = mean_absolute_percentage_error
msle = MSLE = mean_squared_logarithmic_error
kld = KLD = kullback_leibler_divergence = kl_divergence
logcosh = log_cosh
huber_loss = huber

_FUNCTIONS = (
    mean_squared_error,
    mean_absolute_error,
    mean_absolute_percentage_error,
    mean_squared_logarithmic_error,
    huber,
    log_cosh,
    kl_divergence,
    poisson,
    cosine_similarity,
    hinge,
    squared_hinge,
    categorical_hinge,
    binary_crossentropy,
    categorical_crossentropy,
    sparse_categorical_crossentropy,
)

# canonical names first: serialize() names a function by its first entry
_BUILTINS = {fn.__name__: fn for fn in _FUNCTIONS}
_BUILTINS.update({cls.__name__: cls for cls in (Loss, LossFunctionWrapper, *ALL_CLASSES)})
_BUILTINS.update(
    {
        "mse": mean_squared_error,
        "MSE": mean_squared_error,
        "mae": mean_absolute_error,
        "MAE": mean_absolute_error,
        "mape": mean_absolute_percentage_error,
        "MAPE": mean_absolute_percentage_error,
        "msle": mean_squared_logarithmic_error,
        "MSLE": mean_squared_logarithmic_error,
        "kld": kl_divergence,
        "KLD": kl_divergence,
        "kullback_leibler_divergence": kl_divergence,
        "logcosh": log_cosh,
        "huber_loss": huber,
        "bce": binary_crossentropy,
        "BCE": binary_crossentropy,
    }
)


def serialize(loss):
    return _serialize.serialize(loss, "keras.losses", _BUILTINS)


def deserialize(config, custom_objects=None):
    return _serialize.deserialize(config, _BUILTINS, custom_objects, kind="loss function")


def get(identifier):
    """A loss from a name (a function name such as "mse" gives the function, a class name such
    as "MeanSquaredError" an instance), a config dict, a class or a callable; None gives
    None."""
    return _serialize.get(identifier, _BUILTINS, deserialize, "loss")


__all__ = [
    "Loss",
    "LossFunctionWrapper",
    "serialize",
    "deserialize",
    "get",
    "squeeze_or_expand_to_same_rank",
    "reduce_weighted_values",
    "mse",
    "MSE",
    "mae",
    "MAE",
    "mape",
    "MAPE",
    "msle",
    "MSLE",
    "kld",
    "KLD",
    "kullback_leibler_divergence",
    "logcosh",
    "huber_loss",
]
__all__ += [fn.__name__ for fn in _FUNCTIONS] + [cls.__name__ for cls in ALL_CLASSES]
