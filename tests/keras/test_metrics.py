"""keras.metrics: golden values (Keras's docstring examples and the book's listings), state
across batches, reset (both spellings, overrides honoured), sample weights, Python/NumPy
inputs, (N,) vs (N, 1) labels, AUC/Precision/Recall against NumPy, look-up and configs."""

from __future__ import annotations

import numpy as np
import pytest

import tapeflow as tf
from helpers import assert_close
from tapeflow import keras
from tapeflow.keras import metrics


def value(metric):
    return float(metric.result())


# -- Mean and Sum ----------------------------------------------------------------------------
def test_mean_of_python_scalars_book_listing():
    mean_tracker = metrics.Mean()
    for v in range(5):
        mean_tracker.update_state(v)
    assert f"Mean of values: {mean_tracker.result():.2f}" == "Mean of values: 2.00"
    assert mean_tracker.name == "mean"


def test_mean_and_sum_with_sample_weights():
    m = metrics.Mean()
    m.update_state([1, 3, 5, 7])
    assert value(m) == 4.0
    m.reset_state()
    m.update_state([1, 3, 5, 7], sample_weight=[1, 1, 0, 0])
    assert value(m) == 2.0
    s = metrics.Sum()
    s.update_state([1, 3, 5, 7])
    assert value(s) == 16.0
    s.reset_state()
    s.update_state([1, 3, 5, 7], sample_weight=[1, 1, 0, 0])
    assert value(s) == 4.0


def test_mean_accumulates_across_batches_and_weights_scalars():
    m = metrics.Mean(name="loss")
    m.update_state(tf.constant(0.5), sample_weight=32)  # what fit() does for the batch loss
    m.update_state(tf.constant(2.0), sample_weight=8)
    assert_close(value(m), (0.5 * 32 + 2.0 * 8) / 40)
    m.update_state(np.array([[1.0, 3.0], [5.0, 7.0]]))  # rank 2: a mean per sample
    assert_close(value(m), (16.0 + 16.0 + 2.0 + 6.0) / 42, rtol=1e-6)


def test_mean_of_nothing_is_zero():
    assert value(metrics.Mean()) == 0.0


# -- accuracy metrics ---------------------------------------------------------------------------
def test_accuracy_golden():
    m = metrics.Accuracy()
    m.update_state([[1], [2], [3], [4]], [[0], [2], [3], [4]])
    assert value(m) == 0.75
    m.reset_state()
    m.update_state([[1], [2], [3], [4]], [[0], [2], [3], [4]], sample_weight=[1, 1, 0, 0])
    assert value(m) == 0.5


def test_binary_accuracy_golden():
    m = metrics.BinaryAccuracy()
    m.update_state([[1], [1], [0], [0]], [[0.98], [1], [0], [0.6]])
    assert value(m) == 0.75
    m.reset_state()
    m.update_state([[1], [1], [0], [0]], [[0.98], [1], [0], [0.6]], sample_weight=[1, 0, 0, 1])
    assert value(m) == 0.5
    assert m.name == "binary_accuracy" and m.threshold == 0.5


def test_binary_accuracy_rank_one_labels_against_column_predictions():
    labels = np.array([1, 0, 1, 0], np.uint8)  # IMDB-style (N,) labels, (N, 1) sigmoid output
    m = metrics.BinaryAccuracy()
    m.update_state(labels, np.array([[0.9], [0.2], [0.4], [0.7]], np.float32))
    assert value(m) == 0.5  # an (N, N) broadcast would give something else
    m.reset_state()
    m.update_state([1, 0], [0.7, 0.3])
    assert value(m) == 1.0
    with pytest.raises(ValueError, match="threshold"):
        metrics.BinaryAccuracy(threshold=1.5)


def test_categorical_accuracy_golden():
    m = metrics.CategoricalAccuracy()
    m.update_state([[0, 0, 1], [0, 1, 0]], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]])
    assert value(m) == 0.5
    m.reset_state()
    m.update_state(
        [[0, 0, 1], [0, 1, 0]], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]], sample_weight=[0.7, 0.3]
    )
    assert_close(value(m), 0.3, atol=1e-7)


@pytest.mark.parametrize(
    "labels",
    [
        [[2], [1]],
        [2, 1],
        np.array([2, 1], np.uint8),
        np.array([[2.0], [1.0]], np.float32),
        tf.constant([2, 1], dtype=tf.int64),
    ],
)
def test_sparse_categorical_accuracy_golden(labels):
    m = metrics.SparseCategoricalAccuracy()
    m.update_state(labels, [[0.1, 0.6, 0.3], [0.05, 0.95, 0]])
    assert value(m) == 0.5
    m.reset_state()
    m.update_state(labels, [[0.1, 0.6, 0.3], [0.05, 0.95, 0]], sample_weight=[0.7, 0.3])
    assert_close(value(m), 0.3, atol=1e-7)


def test_sparse_categorical_accuracy_book_listing():
    metric = keras.metrics.SparseCategoricalAccuracy()
    targets = [0, 1, 2]
    predictions = [[1, 0, 0], [0, 1, 0], [0, 0, 1]]
    metric.update_state(targets, predictions)
    assert f"result: {metric.result():.2f}" == "result: 1.00"


def test_top_k_categorical_accuracy():
    m = metrics.TopKCategoricalAccuracy(k=1)
    m.update_state([[0, 0, 1], [0, 1, 0]], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]])
    assert value(m) == 0.5
    m.reset_state()
    m.update_state(
        [[0, 0, 1], [0, 1, 0]], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]], sample_weight=[0.7, 0.3]
    )
    assert_close(value(m), 0.3, atol=1e-7)
    m2 = metrics.TopKCategoricalAccuracy(k=2)
    m2.update_state([[0, 0, 1], [0, 1, 0]], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]])
    assert value(m2) == 1.0
    sparse = metrics.SparseTopKCategoricalAccuracy(k=1)
    sparse.update_state([2, 1], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]])
    assert value(sparse) == 0.5
    ties = metrics.SparseTopKCategoricalAccuracy(k=1)  # a tie at the boundary counts as in
    ties.update_state([0], [[0.5, 0.5, 0.0]])
    assert value(ties) == 1.0


# -- regression metrics -------------------------------------------------------------------------
def test_regression_metrics_golden():
    t, p = [[0, 1], [0, 0]], [[1, 1], [0, 0]]
    for cls, plain, weighted in [
        (metrics.MeanSquaredError, 0.25, 0.5),
        (metrics.MeanAbsoluteError, 0.25, 0.5),
        (metrics.RootMeanSquaredError, 0.5, 0.70710677),
    ]:
        m = cls()
        m.update_state(t, p)
        assert_close(value(m), plain, atol=1e-7, what=cls.__name__)
        m.reset_state()
        m.update_state(t, p, sample_weight=[1, 0])
        assert_close(value(m), weighted, atol=1e-7, what=cls.__name__)


def test_regression_metrics_align_rank_one_targets():
    t = np.array([1.0, 2.0, 3.0, 4.0])  # Boston-style (N,) targets, (N, 1) predictions
    p = np.array([[1.5], [2.0], [2.0], [5.0]])
    mae = metrics.MeanAbsoluteError()
    mae.update_state(t, p)
    assert_close(value(mae), 0.625)
    mse = metrics.get("mse")
    mse.update_state(t, p)
    assert_close(value(mse), (0.25 + 0 + 1 + 1) / 4)


def test_mape_and_msle():
    m = metrics.MeanAbsolutePercentageError()
    m.update_state([[1.0, 2.0]], [[1.5, 1.0]])
    assert_close(value(m), 50.0, rtol=1e-6)
    m = metrics.MeanSquaredLogarithmicError()
    m.update_state([[1.0]], [[3.0]])
    assert_close(value(m), np.log(2.0) ** 2, rtol=1e-6)


# -- confusion-matrix metrics ---------------------------------------------------------------------
def test_precision_recall_golden():
    p = metrics.Precision()
    p.update_state([0, 1, 1, 1], [1, 0, 1, 1])
    assert_close(value(p), 2 / 3, atol=1e-6)
    p.reset_state()
    p.update_state([0, 1, 1, 1], [1, 0, 1, 1], sample_weight=[0, 0, 1, 0])
    assert value(p) == 1.0
    r = metrics.Recall()
    r.update_state([0, 1, 1, 1], [1, 0, 1, 1])
    assert_close(value(r), 2 / 3, atol=1e-6)
    r.reset_state()
    r.update_state([0, 1, 1, 1], [1, 0, 1, 1], sample_weight=[0, 0, 1, 0])
    assert value(r) == 1.0


def test_precision_recall_thresholds_and_class_id():
    p = metrics.Precision(thresholds=[0.3, 0.7])
    p.update_state([0, 1, 1, 0], [0.5, 0.9, 0.2, 0.8])
    assert_close(np.asarray(p.result()), [1 / 3, 1 / 2], atol=1e-6)
    r = metrics.Recall(class_id=1)
    r.update_state([[0, 1], [0, 1], [1, 0]], [[0.2, 0.8], [0.9, 0.1], [0.1, 0.9]])
    assert_close(value(r), 0.5, atol=1e-6)


def test_confusion_counts():
    t, p = [0, 1, 1, 0, 1], [0.9, 0.8, 0.1, 0.2, 0.6]
    counts = {
        cls: cls()
        for cls in (
            metrics.TruePositives,
            metrics.FalsePositives,
            metrics.TrueNegatives,
            metrics.FalseNegatives,
        )
    }
    for m in counts.values():
        m.update_state(t, p)
    assert [value(m) for m in counts.values()] == [2.0, 1.0, 1.0, 1.0]


def test_auc_golden():
    m = metrics.AUC(num_thresholds=3)
    m.update_state([0, 0, 1, 1], [0, 0.5, 0.3, 0.9])
    assert_close(value(m), 0.75, atol=1e-6)
    m.reset_state()
    m.update_state([0, 0, 1, 1], [0, 0.5, 0.3, 0.9], sample_weight=[1, 0, 0, 1])
    assert_close(value(m), 1.0, atol=1e-6)
    assert m.num_thresholds == 3 and len(m.thresholds) == 3


def np_roc_auc(labels, scores):
    """The exact ROC AUC: the probability that a positive outranks a negative."""
    pos, neg = scores[labels == 1], scores[labels == 0]
    greater = (pos[:, None] > neg[None, :]).mean()
    ties = (pos[:, None] == neg[None, :]).mean()
    return greater + 0.5 * ties


def test_auc_approaches_the_exact_roc_auc():
    r = np.random.default_rng(3)
    labels = r.integers(0, 2, 400)
    scores = np.clip(labels * 0.3 + r.normal(0.35, 0.2, 400), 0, 1)
    m = metrics.AUC(num_thresholds=1000)
    for lo in range(0, 400, 100):  # in batches: the counts accumulate
        m.update_state(labels[lo : lo + 100], scores[lo : lo + 100])
    assert abs(value(m) - np_roc_auc(labels, scores)) < 2e-3


def test_auc_pr_and_summation_methods():
    labels = np.array([0, 0, 1, 1, 1, 0, 1])
    scores = np.array([0.1, 0.4, 0.35, 0.8, 0.9, 0.6, 0.55])
    results = {}
    for curve in ("ROC", "PR"):
        for method in ("interpolation", "minoring", "majoring"):
            m = metrics.AUC(num_thresholds=50, curve=curve, summation_method=method)
            m.update_state(labels, scores)
            results[curve, method] = value(m)
    for curve in ("ROC", "PR"):
        assert results[curve, "minoring"] <= results[curve, "interpolation"] + 1e-6
        assert results[curve, "interpolation"] <= results[curve, "majoring"] + 1e-6
    assert 0.5 < results["PR", "interpolation"] < 1.0
    with pytest.raises(ValueError, match="Invalid AUC curve"):
        metrics.AUC(curve="XY")


def test_auc_multi_label_is_the_mean_of_per_label_aucs():
    labels = np.array([[0, 1], [0, 0], [1, 1], [1, 0]])
    scores = np.array([[0.1, 0.8], [0.4, 0.3], [0.35, 0.9], [0.8, 0.2]])
    m = metrics.AUC(num_thresholds=200, multi_label=True)
    m.update_state(labels, scores)
    expected = np.mean([np_roc_auc(labels[:, j], scores[:, j]) for j in range(2)])
    assert_close(value(m), expected, atol=1e-2)


def test_auc_from_logits():
    m = metrics.AUC(from_logits=True, num_thresholds=3)
    m.update_state([0, 0, 1, 1], np.log(np.array([1e-9, 1.0, 0.3 / 0.7, 9.0])))
    assert_close(value(m), 0.75, atol=1e-6)


# -- the Metric contract --------------------------------------------------------------------------
class RootMeanSquaredError(keras.metrics.Metric):
    """The book's custom metric (listing 7.x), with reset_states as the book spells it."""

    def __init__(self, name="rmse", **kwargs):
        super().__init__(name=name, **kwargs)
        self.mse_sum = self.add_weight(name="mse_sum", initializer="zeros")
        self.total_samples = self.add_weight(
            name="total_samples", initializer="zeros", dtype="int32"
        )

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true = tf.one_hot(y_true, depth=tf.shape(y_pred)[1])
        mse = tf.reduce_sum(tf.square(y_true - y_pred))
        self.mse_sum.assign_add(mse)
        num_samples = tf.shape(y_pred)[0]
        self.total_samples.assign_add(num_samples)

    def result(self):
        return tf.sqrt(self.mse_sum / tf.cast(self.total_samples, tf.float32))

    def reset_states(self):
        self.mse_sum.assign(0.0)
        self.total_samples.assign(0)


def test_book_custom_metric_and_reset_spellings():
    m = RootMeanSquaredError()
    assert [v.dtype for v in m.variables] == [tf.float32, tf.int32]
    assert all(not v.trainable for v in m.variables)
    m.update_state(np.array([0, 1]), tf.constant([[0.5, 0.5], [0.0, 1.0]]))
    assert_close(value(m), np.sqrt(0.5 / 2))
    m.reset_state()  # the trainer's spelling reaches the book's override
    assert int(m.total_samples.numpy()) == 0 and float(m.mse_sum.numpy()) == 0.0


def test_reset_state_override_is_reached_through_reset_states():
    calls = []

    class Counting(metrics.Mean):
        def reset_state(self):
            calls.append("reset_state")
            super().reset_state()

    m = Counting()
    m.update_state(3.0)
    m.reset_states()
    assert calls == ["reset_state"] and value(m) == 0.0


def test_reset_states_calling_super_reset_state_does_not_recurse():
    class Both(metrics.Mean):
        def reset_states(self):
            super().reset_state()

    m = Both()
    m.update_state(3.0)
    m.reset_state()
    assert value(m) == 0.0


def test_call_is_update_then_result():
    m = metrics.Mean()
    assert float(m([1.0, 2.0])) == 1.5
    assert float(m(6.0)) == 3.0


def test_forgetting_super_init_raises():
    class Broken(metrics.Metric):
        def __init__(self):
            self.x = self.add_weight(name="x")

    with pytest.raises(RuntimeError, match=r"super\(\)\.__init__\(\)"):
        Broken()


def test_name_dtype_and_variables():
    m = metrics.Mean(name="loss", dtype="float64")
    assert m.name == "loss" and m.dtype == "float64"
    assert [v.dtype for v in m.variables] == [tf.float64, tf.float64]
    m.name = "val_loss"  # compile() renames metrics after the string given
    assert m.name == "val_loss"


def test_nested_metric_variables_are_tracked():
    class Outer(metrics.Metric):
        def __init__(self):
            super().__init__(name="outer")
            self.inner = metrics.Mean()
            self.extra = self.add_weight(name="extra")

        def update_state(self, x):
            self.inner.update_state(x)

        def result(self):
            return self.inner.result()

    m = Outer()
    assert len(m.variables) == 3
    m.update_state(4.0)
    m.reset_state()
    assert value(m) == 0.0


# -- look-up and configs -------------------------------------------------------------------------
@pytest.mark.parametrize(
    "name, cls, metric_name",
    [
        ("mae", metrics.MeanAbsoluteError, "mean_absolute_error"),
        ("mse", metrics.MeanSquaredError, "mean_squared_error"),
        ("mean_absolute_error", metrics.MeanAbsoluteError, "mean_absolute_error"),
        ("binary_accuracy", metrics.BinaryAccuracy, "binary_accuracy"),
        ("categorical_accuracy", metrics.CategoricalAccuracy, "categorical_accuracy"),
        (
            "sparse_categorical_accuracy",
            metrics.SparseCategoricalAccuracy,
            "sparse_categorical_accuracy",
        ),
        ("accuracy", metrics.Accuracy, "accuracy"),
        ("acc", metrics.Accuracy, "accuracy"),
        ("AUC", metrics.AUC, None),
        ("auc", metrics.AUC, None),
        ("Precision", metrics.Precision, None),
        ("recall", metrics.Recall, None),
        ("RootMeanSquaredError", metrics.RootMeanSquaredError, "root_mean_squared_error"),
        ("binary_crossentropy", metrics.BinaryCrossentropy, "binary_crossentropy"),
    ],
)
def test_get_by_name(name, cls, metric_name):
    m = metrics.get(name)
    assert type(m) is cls
    if metric_name is not None:
        assert m.name == metric_name


def test_get_errors_and_passthrough():
    with pytest.raises(ValueError, match="Could not interpret metric identifier: 'foo'"):
        metrics.get("foo")
    m = metrics.Mean()
    assert metrics.get(m) is m
    assert metrics.get(metrics.binary_accuracy) is metrics.binary_accuracy


def test_auto_names_are_unique():
    keras.backend.clear_session()
    assert metrics.AUC().name == "auc"
    assert metrics.AUC().name == "auc_1"
    keras.backend.clear_session()
    assert metrics.AUC().name == "auc"


@pytest.mark.parametrize(
    "metric",
    [
        metrics.Mean(name="m"),
        metrics.BinaryAccuracy(threshold=0.7),
        metrics.TopKCategoricalAccuracy(k=3),
        metrics.Precision(thresholds=[0.2, 0.4], class_id=1),
        metrics.Recall(),
        metrics.AUC(num_thresholds=20, curve="PR", multi_label=True, num_labels=2),
        metrics.AUC(thresholds=[0.25, 0.5, 0.75]),
        metrics.RootMeanSquaredError(),
        metrics.MeanMetricWrapper(metrics.mean_squared_error, name="wrapped"),
        metrics.CategoricalCrossentropy(from_logits=True),
    ],
)
def test_config_round_trip(metric):
    config = metric.get_config()
    again = type(metric).from_config(config)
    assert again.get_config() == config
    rebuilt = metrics.deserialize(metrics.serialize(metric))
    assert type(rebuilt) is type(metric) and rebuilt.get_config() == config


def test_directions():
    assert metrics.Accuracy()._direction == "up" and metrics.AUC()._direction == "up"
    assert metrics.MeanSquaredError()._direction == "down"
    assert metrics.MeanMetricWrapper(keras.losses.mean_absolute_error)._direction == "down"
