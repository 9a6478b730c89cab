"""What `compile(loss=..., metrics=..., loss_weights=...)` turns into: one loss and one list of
metrics per model output, matched to the outputs by position or by output name.

    model.compile(loss=["mean_squared_error", "categorical_crossentropy"],
                  metrics=[["mean_absolute_error"], ["accuracy"]])           # section 7.2.2
    model.compile(loss={"priority": "mse", "department": "categorical_crossentropy"}, ...)

"accuracy"/"acc" (and "crossentropy"/"ce" for losses) are resolved from the shapes of the
first batch's targets and predictions, as Keras does: a last prediction axis of 1 means
binary; targets of lower rank (or last axis 1 against a wider prediction) mean sparse
categorical; otherwise categorical. A metric given as a string is logged under that exact
string (`acc` stays `acc`); with several outputs the output name is prefixed
(`priority_mean_absolute_error`).
"""

from __future__ import annotations

import tapeflow as tf
from tapeflow import nest
from tapeflow.keras import losses as losses_module
from tapeflow.keras import metrics as metrics_module


def _kind(y_true, y_pred) -> str:
    """'binary', 'sparse' or 'categorical', from the shapes (Keras's rule)."""
    pred_shape, true_shape = tuple(y_pred.shape), tuple(getattr(y_true, "shape", ()))
    if pred_shape and pred_shape[-1] == 1:
        return "binary"
    if len(true_shape) < len(pred_shape) or (
            true_shape and true_shape[-1] == 1 and pred_shape and pred_shape[-1] != 1):
        return "sparse"
    return "categorical"


_ACCURACY = {"binary": metrics_module.BinaryAccuracy,
             "sparse": metrics_module.SparseCategoricalAccuracy,
             "categorical": metrics_module.CategoricalAccuracy}
_CROSSENTROPY = {"binary": losses_module.BinaryCrossentropy,
                 "sparse": losses_module.SparseCategoricalCrossentropy,
                 "categorical": losses_module.CategoricalCrossentropy}


def _per_output(spec, output_names: list, what: str) -> list:
    """`spec` laid out as one entry per output (None where an output has none)."""
    count = len(output_names)
    if isinstance(spec, dict):
        unknown = sorted(set(spec) - set(output_names))
        if unknown:
            raise ValueError(f"compile: {what} has keys {unknown} that are not output names; "
                             f"the model's outputs are {output_names}")
        return [spec.get(name) for name in output_names]
    if isinstance(spec, (list, tuple)) and count > 1:
        if len(spec) != count:
            raise ValueError(f"compile: {what} is a list of {len(spec)} entries, but the model "
                             f"has {count} outputs {output_names}")
        return list(spec)
    return [spec] * count


def _flat_outputs(structure, output_names: list) -> list:
    if isinstance(structure, dict):
        missing = [name for name in output_names if name not in structure]
        if missing:
            raise ValueError(f"Expected data for outputs {output_names}, missing {missing}; "
                             f"received keys {sorted(structure)}")
        return [structure[name] for name in output_names]
    if len(output_names) == 1:
        return [structure[0] if isinstance(structure, (list, tuple)) and len(structure) == 1
                else structure]
    flat = list(structure) if isinstance(structure, (list, tuple)) else nest.flatten(structure)
    if len(flat) != len(output_names):
        raise ValueError(f"Expected {len(output_names)} targets/predictions (one per output "
                         f"{output_names}), received {len(flat)}")
    return flat


class CompileLoss:
    """The compiled loss: sum over outputs of weight × loss(y_true, y_pred, sample_weight)."""

    def __init__(self, loss, loss_weights=None, output_names=None):
        self._spec = loss
        self._loss_weights = loss_weights
        self.output_names = output_names
        self._losses = None  # per output: a callable or None, built on the first batch
        self._weights = None

    def build(self, y_true, y_pred) -> None:
        names = self.output_names or _default_names(y_pred)
        self.output_names = names
        specs = _per_output(self._spec, names, "loss")
        trues, preds = _flat_outputs(y_true, names), _flat_outputs(y_pred, names)
        self._losses = [_resolve_loss(spec, t, p)
                        for spec, t, p in zip(specs, trues, preds, strict=True)]
        weights = self._loss_weights
        if weights is None:
            self._weights = [1.0] * len(names)
        elif isinstance(weights, (int, float)):
            self._weights = [float(weights)] * len(names)
        else:
            self._weights = [1.0 if w is None else float(w)
                             for w in _per_output(weights, names, "loss_weights")]

    def per_output(self, y_true, y_pred, sample_weight=None) -> list:
        """[(output name, weighted loss)] for each output that has a loss."""
        if self._losses is None:
            self.build(y_true, y_pred)
        names = self.output_names
        if type(y_pred) is tf.Tensor and type(y_true) is tf.Tensor and len(names) == 1 and (
                sample_weight is None):  # one output, unweighted: every step of most models
            fn, w = self._losses[0], self._weights[0]
            if fn is None:
                return []
            value = fn(y_true, y_pred)
            return [(names[0], value * w if w != 1.0 else value)]
        trues, preds = _flat_outputs(y_true, names), _flat_outputs(y_pred, names)
        weights = (_flat_outputs(sample_weight, names)
                   if isinstance(sample_weight, (list, tuple, dict)) else
                   [sample_weight] * len(names))
        result = []
        for name, fn, w, t, p, sw in zip(names, self._losses, self._weights, trues, preds,
                                         weights, strict=True):
            if fn is not None:
                value = fn(t, p, sample_weight=sw) if sw is not None else fn(t, p)
                result.append((name, value * w if w != 1.0 else value))
        return result

    def __call__(self, y_true, y_pred, sample_weight=None):
        parts = self.per_output(y_true, y_pred, sample_weight)
        if not parts:
            return None
        total = parts[0][1]
        for _, value in parts[1:]:
            total = total + value
        return total


def _resolve_loss(spec, y_true, y_pred):
    if spec is None:
        return None
    if spec in ("crossentropy", "ce"):
        return _CROSSENTROPY[_kind(y_true, y_pred)]()
    fn = losses_module.get(spec)
    if isinstance(fn, losses_module.Loss):
        return fn
    return losses_module.LossFunctionWrapper(fn)


class CompileMetrics:
    """The compiled metrics, one list per output, built on the first batch."""

    def __init__(self, metrics=None, weighted_metrics=None, output_names=None):
        self._spec = metrics
        self._weighted_spec = weighted_metrics
        self.output_names = output_names
        self._per_output = None  # [[(metric, weighted?)]] per output

    @property
    def built(self) -> bool:
        return self._per_output is not None

    @property
    def metrics(self) -> list:
        if self._per_output is None:
            return []
        return [metric for entries in self._per_output for metric, _ in entries]

    def build(self, y_true, y_pred) -> None:
        names = self.output_names or _default_names(y_pred)
        self.output_names = names
        trues, preds = _flat_outputs(y_true, names), _flat_outputs(y_pred, names)
        prefix = len(names) > 1
        plain = _metric_lists(self._spec, names)
        weighted = _metric_lists(self._weighted_spec, names)
        self._per_output = []
        for index, name in enumerate(names):
            entries = []
            for spec_list, is_weighted in ((plain[index], False), (weighted[index], True)):
                for spec in spec_list:
                    metric = _resolve_metric(spec, trues[index], preds[index])
                    if prefix:
                        metric.name = f"{name}_{metric.name}"
                    entries.append((metric, is_weighted))
            self._per_output.append(entries)

    def update_state(self, y_true, y_pred, sample_weight=None) -> None:
        if self._per_output is None:
            self.build(y_true, y_pred)
        names = self.output_names
        if type(y_pred) is tf.Tensor and type(y_true) is tf.Tensor and len(names) == 1 and (
                sample_weight is None):
            for metric, _ in self._per_output[0]:
                metric.update_state(y_true, y_pred)
            return
        trues, preds = _flat_outputs(y_true, names), _flat_outputs(y_pred, names)
        weights = (_flat_outputs(sample_weight, names)
                   if isinstance(sample_weight, (list, tuple, dict)) else
                   [sample_weight] * len(names))
        for entries, t, p, sw in zip(self._per_output, trues, preds, weights, strict=True):
            for metric, is_weighted in entries:
                if is_weighted and sw is not None:
                    metric.update_state(t, p, sample_weight=sw)
                else:
                    metric.update_state(t, p)

    def reset_state(self) -> None:
        for metric in self.metrics:
            metric.reset_state()

    def result(self) -> dict:
        return {metric.name: metric.result() for metric in self.metrics}


def _metric_lists(spec, names: list) -> list:
    """One list of metric specs per output."""
    if spec is None:
        return [[] for _ in names]
    if isinstance(spec, dict):
        per = _per_output(spec, names, "metrics")
        return [[] if s is None else list(s) if isinstance(s, (list, tuple)) else [s]
                for s in per]
    if isinstance(spec, (list, tuple)):
        if len(names) > 1 and spec and all(isinstance(s, (list, tuple)) or s is None
                                           for s in spec):
            per = _per_output(list(spec), names, "metrics")
            return [[] if s is None else list(s) for s in per]
        return [list(spec) for _ in names]  # the same metrics for every output (Keras 2)
    return [[spec] for _ in names]


def _resolve_metric(spec, y_true, y_pred):
    if isinstance(spec, metrics_module.Metric):
        return spec
    if isinstance(spec, str):
        if spec in ("accuracy", "acc"):
            return _ACCURACY[_kind(y_true, y_pred)](name=spec)
        if spec in ("crossentropy", "ce"):
            kind = _kind(y_true, y_pred)
            cls = {"binary": metrics_module.BinaryCrossentropy,
                   "sparse": metrics_module.SparseCategoricalCrossentropy,
                   "categorical": metrics_module.CategoricalCrossentropy}[kind]
            return cls(name=spec)
        metric = metrics_module.get(spec)
        if isinstance(metric, metrics_module.Metric):
            metric.name = spec
            return metric
        return metrics_module.MeanMetricWrapper(metric, name=spec)
    metric = metrics_module.get(spec)
    if isinstance(metric, metrics_module.Metric):
        return metric
    return metrics_module.MeanMetricWrapper(metric, name=getattr(metric, "__name__", "metric"))


def _default_names(y_pred) -> list:
    if isinstance(y_pred, dict):
        return list(y_pred)
    if isinstance(y_pred, (list, tuple)):
        return [f"output_{i + 1}" for i in range(len(y_pred))] if len(y_pred) > 1 else ["output"]
    return ["output"]
