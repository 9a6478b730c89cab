"""``keras.metrics``: stateful metrics (update_state / result / reset_state), their
per-sample functions, and string look-up.

    keras.metrics.get("mae")               # a MeanAbsoluteError() instance
    keras.metrics.get("binary_accuracy")   # a BinaryAccuracy() instance

"accuracy"/"acc" give a plain Accuracy here; compile() resolves them to binary, categorical or
sparse categorical accuracy from the shapes of targets and predictions.
"""

from __future__ import annotations

from tapeflow.keras import _serialize, backend
from tapeflow.keras.losses.functions import (
    binary_crossentropy,
    categorical_crossentropy,
    categorical_hinge,
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
from tapeflow.keras.metrics.accuracy_metrics import (
    Accuracy,
    BinaryAccuracy,
    CategoricalAccuracy,
    SparseCategoricalAccuracy,
    SparseTopKCategoricalAccuracy,
    TopKCategoricalAccuracy,
    accuracy,
    binary_accuracy,
    categorical_accuracy,
    sparse_categorical_accuracy,
    sparse_top_k_categorical_accuracy,
    top_k_categorical_accuracy,
)
from tapeflow.keras.metrics.auc import AUC
from tapeflow.keras.metrics.confusion_metrics import (
    FalseNegatives,
    FalsePositives,
    Precision,
    Recall,
    TrueNegatives,
    TruePositives,
)
from tapeflow.keras.metrics.metric import Metric
from tapeflow.keras.metrics.probabilistic_metrics import (
    BinaryCrossentropy,
    CategoricalCrossentropy,
    CategoricalHinge,
    Hinge,
    KLDivergence,
    Poisson,
    SparseCategoricalCrossentropy,
    SquaredHinge,
)
from tapeflow.keras.metrics.reduction_metrics import Mean, MeanMetricWrapper, Sum
from tapeflow.keras.metrics.regression_metrics import (
    CosineSimilarity,
    LogCoshError,
    MeanAbsoluteError,
    MeanAbsolutePercentageError,
    MeanSquaredError,
    MeanSquaredLogarithmicError,
    RootMeanSquaredError,
    cosine_similarity,
)

mse = MSE = mean_squared_error
mae = MAE = mean_absolute_error
mape = MAPE = mean_absolute_percentage_error
msle = MSLE = mean_squared_logarithmic_error
logcosh = log_cosh

_CLASSES = (
    Metric,
    Mean,
    Sum,
    MeanMetricWrapper,
    Accuracy,
    BinaryAccuracy,
    CategoricalAccuracy,
    SparseCategoricalAccuracy,
    TopKCategoricalAccuracy,
    SparseTopKCategoricalAccuracy,
    MeanSquaredError,
    MeanAbsoluteError,
    MeanAbsolutePercentageError,
    MeanSquaredLogarithmicError,
    RootMeanSquaredError,
    LogCoshError,
    CosineSimilarity,
    BinaryCrossentropy,
    CategoricalCrossentropy,
    SparseCategoricalCrossentropy,
    KLDivergence,
    Poisson,
    Hinge,
    SquaredHinge,
    CategoricalHinge,
    TruePositives,
    FalsePositives,
    TrueNegatives,
    FalseNegatives,
    Precision,
    Recall,
    AUC,
)
_FUNCTIONS = (
    accuracy,
    binary_accuracy,
    categorical_accuracy,
    sparse_categorical_accuracy,
    top_k_categorical_accuracy,
    sparse_top_k_categorical_accuracy,
    mean_squared_error,
    mean_absolute_error,
    mean_absolute_percentage_error,
    mean_squared_logarithmic_error,
    log_cosh,
    cosine_similarity,
    binary_crossentropy,
    categorical_crossentropy,
    sparse_categorical_crossentropy,
    kl_divergence,
    poisson,
    hinge,
    squared_hinge,
    categorical_hinge,
    huber,
)

# Names that get() resolves: class names, their snake_case (classes win over functions of the
# same name, as in Keras 3) and the short aliases.
_BUILTINS = {fn.__name__: fn for fn in _FUNCTIONS}
_BUILTINS.update({cls.__name__: cls for cls in _CLASSES})
_BUILTINS.update({backend.to_snake_case(cls.__name__): cls for cls in _CLASSES})
_BUILTINS.update(
    {
        "acc": Accuracy,
        "auc": AUC,
        "logcosh": LogCoshError,
        "mse": MeanSquaredError,
        "MSE": MeanSquaredError,
        "mae": MeanAbsoluteError,
        "MAE": MeanAbsoluteError,
        "mape": MeanAbsolutePercentageError,
        "MAPE": MeanAbsolutePercentageError,
        "msle": MeanSquaredLogarithmicError,
        "MSLE": MeanSquaredLogarithmicError,
        "bce": BinaryCrossentropy,
        "BCE": BinaryCrossentropy,
        "rmse": RootMeanSquaredError,
    }
)
_FUNCTION_NAMES = {fn.__name__: fn for fn in _FUNCTIONS}


def serialize(metric):
    return _serialize.serialize(
        metric, "keras.metrics", {**_FUNCTION_NAMES, **{cls.__name__: cls for cls in _CLASSES}}
    )


def deserialize(config, custom_objects=None):
    lookup = (
        {**_BUILTINS, **_FUNCTION_NAMES}
        if isinstance(config, dict) and config.get("class_name") == "function"
        else _BUILTINS
    )
    return _serialize.deserialize(config, lookup, custom_objects, kind="metric")


def get(identifier):
    """A metric from a name ("mae", "binary_accuracy", "AUC" give instances), a config dict, a
    class (instantiated) or a callable (returned as is); None gives None."""
    return _serialize.get(identifier, _BUILTINS, deserialize, kind="metric")


__all__ = (
    [cls.__name__ for cls in _CLASSES]
    + [fn.__name__ for fn in _FUNCTIONS]
    + [
        "mse",
        "MSE",
        "mae",
        "MAE",
        "mape",
        "MAPE",
        "msle",
        "MSLE",
        "logcosh",
        "serialize",
        "deserialize",
        "get",
    ]
)
