"""keras.callbacks: each callback driven through CallbackList by hand, as Model.fit drives it,
on a small fake model; golden behaviour worked out by hand in each test's comments."""

from __future__ import annotations

import csv
import math
import os

import numpy as np
import pytest

import tapeflow as tf
from tapeflow import keras
from tapeflow.keras import callbacks
from tapeflow.keras.callbacks import CallbackList


class FakeModel:
    """The part of keras.Model that callbacks use."""

    def __init__(self, learning_rate=0.1, metrics=()):
        self.stop_training = False
        self.optimizer = keras.optimizers.SGD(learning_rate)
        self.metrics = list(metrics)
        self.saved = []  # (method, filepath) per save call
        self._weights = [np.zeros(2)]

    def get_weights(self):
        return [w.copy() for w in self._weights]

    def set_weights(self, weights):
        self._weights = [np.array(w) for w in weights]

    def save(self, filepath):
        self._record("save", filepath)

    def save_weights(self, filepath):
        self._record("save_weights", filepath)

    def _record(self, method, filepath):
        self.saved.append((method, filepath))
        with open(filepath, "w") as file:
            file.write(method)


def fit(model, callback_list, epoch_logs, steps=2, batch_loss=None):
    """Model.fit's callback protocol by hand. Epoch i 'trains' the weights to [i+1, i+1] and
    ends with the logs epoch_logs[i]; batch logs carry `loss` (batch_loss(epoch, step) if given,
    else the epoch's loss). Stops when model.stop_training is set after an epoch."""
    cbs = CallbackList(
        callback_list, add_history=True, model=model, epochs=len(epoch_logs), steps=steps, verbose=0
    )
    model.stop_training = False
    cbs.on_train_begin()
    logs = {}
    for epoch, given in enumerate(epoch_logs):
        cbs.on_epoch_begin(epoch)
        for step in range(steps):
            cbs.on_train_batch_begin(step)
            model.set_weights([np.full(2, epoch + 1.0)])
            loss = batch_loss(epoch, step) if batch_loss else given.get("loss", 0.0)
            cbs.on_train_batch_end(step, {"loss": loss})
            if model.stop_training:
                break
        logs = dict(given)
        cbs.on_epoch_end(epoch, logs)
        if model.stop_training:
            break
    cbs.on_train_end(logs)
    return model.history


def losses(*values, name="loss"):
    return [{name: v} for v in values]


def trained_epoch(model):
    """The epoch (from 0) whose end the model's weights come from."""
    return int(model.get_weights()[0][0]) - 1


# -- Callback and CallbackList ---------------------------------------------------------------
class Recorder(callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.calls = []

    def on_train_begin(self, logs=None):
        self.calls.append(("train_begin",))

    def on_epoch_begin(self, epoch, logs=None):
        self.calls.append(("epoch_begin", epoch))

    def on_batch_end(self, batch, logs=None):  # the old name: reached via on_train_batch_end
        self.calls.append(("batch_end", batch, logs["loss"]))

    def on_epoch_end(self, epoch, logs=None):
        self.calls.append(("epoch_end", epoch, dict(logs)))

    def on_train_end(self, logs=None):
        self.calls.append(("train_end",))


def test_hooks_are_called_in_fit_order_with_logs():
    recorder = Recorder()
    fit(FakeModel(), [recorder], losses(0.5, 0.25), batch_loss=lambda e, s: 10 * e + s)
    assert recorder.calls == [
        ("train_begin",),
        ("epoch_begin", 0),
        ("batch_end", 0, 0.0),
        ("batch_end", 1, 1.0),
        ("epoch_end", 0, {"loss": 0.5}),
        ("epoch_begin", 1),
        ("batch_end", 0, 10.0),
        ("batch_end", 1, 11.0),
        ("epoch_end", 1, {"loss": 0.25}),
        ("train_end",),
    ]


def test_book_callback_without_logs_default():
    # §7.3.3: hooks declared with `logs` and no default still receive the logs dict.
    class LossHistory(keras.callbacks.Callback):
        def on_train_begin(self, logs):
            self.per_batch_losses = []
            self.train_begin_logs = logs

        def on_batch_end(self, batch, logs):
            self.per_batch_losses.append(logs.get("loss"))

        def on_epoch_end(self, epoch, logs):
            self.per_batch_losses.append(("epoch", epoch))

    history = LossHistory()
    fit(FakeModel(), [history], losses(0.9, 0.8), steps=3, batch_loss=lambda e, s: s / 4)
    assert history.train_begin_logs == {}
    assert history.per_batch_losses == [0.0, 0.25, 0.5, ("epoch", 0), 0.0, 0.25, 0.5, ("epoch", 1)]


def test_callback_list_adds_history_and_progbar_last_and_sets_model_and_params():
    model, user = FakeModel(), Recorder()
    cbs = CallbackList(
        [user], add_history=True, add_progbar=True, model=model, epochs=3, steps=5, verbose=1
    )
    kinds = [type(c) for c in cbs.callbacks]
    assert kinds == [Recorder, callbacks.History, callbacks.ProgbarLogger]
    assert model.history is cbs.callbacks[1]
    params = {"epochs": 3, "steps": 5, "verbose": 1}
    assert all(c.model is model and c.params == params for c in cbs.callbacks)
    assert user.model is model


def test_callback_list_keeps_the_users_own_history_and_progbar():
    history, progbar = callbacks.History(), callbacks.ProgbarLogger()
    cbs = CallbackList([progbar, history], add_history=True, add_progbar=True, model=FakeModel())
    assert cbs.callbacks == [progbar, history]
    assert CallbackList(None).callbacks == []
    single = Recorder()
    assert CallbackList(single).callbacks == [single]


def test_callback_list_rejects_non_callbacks():
    with pytest.raises(TypeError, match="received function"):
        CallbackList([lambda: None])


def test_callback_list_turns_scalar_logs_into_python_floats():
    seen = []
    spy = callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs: seen.append(logs))
    logs = {"loss": np.float32(0.5), "acc": tf.constant(0.25), "n": np.int64(3), "tag": "x"}
    CallbackList([spy]).on_epoch_end(0, logs)
    assert seen[0] is logs
    assert logs == {"loss": 0.5, "acc": 0.25, "n": 3.0, "tag": "x"}
    assert all(type(logs[k]) is float for k in ("loss", "acc", "n"))


def test_callback_list_forwards_every_hook():
    calls = []

    class Spy(callbacks.Callback):
        def __getattribute__(self, name):
            if name.startswith("on_"):
                return lambda *args: calls.append((name, *args))
            return super().__getattribute__(name)

    cbs = CallbackList([Spy()])
    hooks = [n for n in vars(callbacks.Callback) if n.startswith("on_")]
    indexed = [n for n in hooks if "batch" in n or "epoch" in n]
    for name in hooks:
        getattr(cbs, name)(*([7] if name in indexed else []))
    # Every hook reaches the callback, logs=None arriving as an empty dict.
    assert calls == [(n, 7, {}) if n in indexed else (n, {}) for n in hooks]
    assert len(hooks) == 16


# -- History ---------------------------------------------------------------------------------
def test_history_records_one_float_per_epoch_and_sets_model_history():
    model = FakeModel()
    logs = [
        {"loss": 0.5, "accuracy": 0.7, "val_loss": 0.6},
        {"loss": 0.4, "accuracy": 0.8, "val_loss": 0.55},
    ]
    history = fit(model, [], logs)
    assert isinstance(history, callbacks.History) and model.history is history
    assert history.history == {"loss": [0.5, 0.4], "accuracy": [0.7, 0.8], "val_loss": [0.6, 0.55]}
    assert list(history.history) == ["loss", "accuracy", "val_loss"]  # the logs' order
    assert history.epoch == [0, 1]


# -- EarlyStopping ---------------------------------------------------------------------------
def test_early_stopping_patience_counts_epochs_without_improvement():
    # best 1.0, 0.8 (epochs 0, 1); epoch 2 (0.9): wait 1; epoch 3 (0.85): wait 2 >= 2 -> stop.
    model = FakeModel()
    stopper = callbacks.EarlyStopping(monitor="loss", patience=2, restore_best_weights=True)
    history = fit(model, [stopper], losses(1.0, 0.8, 0.9, 0.85, 0.7, 0.6))
    assert history.epoch == [0, 1, 2, 3]
    assert stopper.stopped_epoch == 3 and stopper.best == 0.8 and stopper.best_epoch == 1
    assert trained_epoch(model) == 1  # the weights of epoch 1 came back


def test_early_stopping_patience_zero_stops_at_first_non_improving_epoch():
    stopper = callbacks.EarlyStopping(monitor="loss")
    history = fit(FakeModel(), [stopper], losses(1.0, 1.0, 0.5))  # equal is no improvement
    assert history.epoch == [0, 1] and stopper.stopped_epoch == 1


def test_early_stopping_never_stops_in_epoch_zero_nor_without_restore_flag_restores():
    model = FakeModel()
    stopper = callbacks.EarlyStopping(monitor="loss", patience=0)
    history = fit(model, [stopper], losses(math.nan, 2.0, 1.0))  # NaN never improves
    assert history.epoch == [0, 1, 2] and stopper.stopped_epoch == 0
    assert trained_epoch(model) == 2  # restore_best_weights=False: last weights kept


def test_early_stopping_book_accuracy_patience_one():
    # §7.3.2: monitor="accuracy" is maximized; patience=1 stops after one epoch that does not
    # improve: epochs 0.5, 0.6 improve, 0.55 does not -> stop at epoch 2.
    stopper = callbacks.EarlyStopping(monitor="accuracy", patience=1)
    history = fit(FakeModel(), [stopper], losses(0.5, 0.6, 0.55, 0.7, name="accuracy"))
    assert history.epoch == [0, 1, 2] and stopper.stopped_epoch == 2


@pytest.mark.parametrize(
    ("monitor", "values", "stopped"),
    [
        ("val_acc", (0.5, 0.4), 1),  # max: 0.4 does not improve
        ("val_auc", (0.5, 0.6, 0.6), 2),
        ("val_loss", (0.5, 0.6), 1),  # min
        ("dense_1_loss", (0.5, 0.4, 0.45), 2),  # a multi-output loss: min
    ],
)
def test_early_stopping_auto_mode_direction_from_the_name(monitor, values, stopped):
    stopper = callbacks.EarlyStopping(monitor=monitor)
    fit(FakeModel(), [stopper], losses(*values, name=monitor))
    assert stopper.stopped_epoch == stopped


def test_early_stopping_auto_mode_direction_from_the_models_metrics():
    # val_mae is not a known name; the model's MeanAbsoluteError says lower is better.
    mae = keras.metrics.MeanAbsoluteError(name="mae")
    stopper = callbacks.EarlyStopping(monitor="val_mae")
    fit(FakeModel(metrics=[mae]), [stopper], losses(0.5, 0.4, 0.45, name="val_mae"))
    assert stopper.stopped_epoch == 2

    # A metric container (as compile builds) is looked through.
    class Container:
        metrics = [keras.metrics.Precision(name="p")]

    stopper = callbacks.EarlyStopping(monitor="p")
    fit(FakeModel(metrics=[Container()]), [stopper], losses(0.5, 0.4, name="p"))
    assert stopper.stopped_epoch == 1  # higher is better: 0.4 did not improve


def test_early_stopping_unknown_direction_raises_in_auto_mode():
    with pytest.raises(ValueError, match="monitor=val_foo.*mode='max'"):
        fit(FakeModel(), [callbacks.EarlyStopping(monitor="val_foo")], losses(1.0, name="val_foo"))
    stopper = callbacks.EarlyStopping(monitor="val_foo", mode="max")
    fit(FakeModel(), [stopper], losses(1.0, 0.5, name="val_foo"))
    assert stopper.stopped_epoch == 1


def test_early_stopping_unknown_mode_warns_and_uses_auto():
    with pytest.warns(UserWarning, match="mode 'sideways' is unknown"):
        stopper = callbacks.EarlyStopping(mode="sideways")
    assert stopper.mode == "auto"


def test_early_stopping_min_delta():
    # 0.95 is 0.05 below 1.0: less than min_delta=0.1 (its sign is ignored), so no improvement
    # -> stop at epoch 1.
    stopper = callbacks.EarlyStopping(monitor="loss", min_delta=-0.1, patience=1)
    history = fit(FakeModel(), [stopper], losses(1.0, 0.95, 0.5))
    assert history.epoch == [0, 1] and stopper.best == 1.0
    # In max mode the delta must be exceeded upwards: 0.55 > 0.5 + 0.01.
    stopper = callbacks.EarlyStopping(monitor="acc", min_delta=0.01, patience=1)
    history = fit(FakeModel(), [stopper], losses(0.5, 0.55, 0.555, name="acc"))
    assert history.epoch == [0, 1, 2] and stopper.best == 0.55


def test_early_stopping_baseline_keeps_wait_running_until_beaten():
    # Without a baseline: improvements at epochs 0, 1 reset wait; epoch 2 -> wait 1 < 2.
    plain = callbacks.EarlyStopping(monitor="loss", patience=2)
    assert fit(FakeModel(), [plain], losses(1.0, 0.9, 0.95)).epoch == [0, 1, 2]
    assert plain.stopped_epoch == 0
    # baseline 0.5 is never beaten, so wait grows 1, 2, 3 and the first epoch that does not
    # improve (epoch 2) stops training.
    gated = callbacks.EarlyStopping(monitor="loss", patience=2, baseline=0.5)
    assert fit(FakeModel(), [gated], losses(1.0, 0.9, 0.95, 0.8)).epoch == [0, 1, 2]
    assert gated.stopped_epoch == 2 and gated.best == 0.9
    # Beating the baseline restarts wait as usual.
    beaten = callbacks.EarlyStopping(monitor="loss", patience=2, baseline=0.95)
    assert fit(FakeModel(), [beaten], losses(1.0, 0.9, 0.92, 0.93)).epoch == [0, 1, 2, 3]
    assert beaten.stopped_epoch == 3


def test_early_stopping_restores_best_weights_even_without_stopping():
    model = FakeModel()
    stopper = callbacks.EarlyStopping(monitor="val_loss", patience=5, restore_best_weights=True)
    history = fit(model, [stopper], losses(0.9, 0.4, 0.6, 0.5, name="val_loss"))
    assert history.epoch == [0, 1, 2, 3] and stopper.stopped_epoch == 0
    assert trained_epoch(model) == 1


def test_early_stopping_start_from_epoch_skips_warm_up_epochs():
    # Epochs 0, 1 are not monitored (their low loss is ignored); epoch 2 is the first best,
    # epoch 3 does not improve -> stop, and epoch 2's weights come back.
    model = FakeModel()
    stopper = callbacks.EarlyStopping(
        monitor="loss", patience=1, start_from_epoch=2, restore_best_weights=True
    )
    history = fit(model, [stopper], losses(0.1, 0.1, 1.0, 1.1, 0.9))
    assert history.epoch == [0, 1, 2, 3] and stopper.best == 1.0
    assert trained_epoch(model) == 2


def test_early_stopping_missing_monitor_warns_and_never_stops():
    stopper = callbacks.EarlyStopping(monitor="val_loss")
    with pytest.warns(
        UserWarning, match="`val_loss` which is not available. Available metrics are: loss"
    ):
        history = fit(FakeModel(), [stopper], losses(1.0, 2.0, 3.0))
    assert history.epoch == [0, 1, 2]


def test_early_stopping_state_resets_for_each_fit():
    stopper = callbacks.EarlyStopping(monitor="loss", patience=1)
    fit(FakeModel(), [stopper], losses(0.1, 0.2))
    assert stopper.stopped_epoch == 1
    # A second fit starts from scratch: 0.5 is a new best even though 0.1 was seen before.
    history = fit(FakeModel(), [stopper], losses(0.5, 0.4, 0.3))
    assert history.epoch == [0, 1, 2] and stopper.stopped_epoch == 0 and stopper.best == 0.3


def test_early_stopping_verbose_messages(capsys):
    stopper = callbacks.EarlyStopping(
        monitor="loss", patience=1, verbose=1, restore_best_weights=True
    )
    fit(FakeModel(), [stopper], losses(1.0, 0.5, 0.7, 0.2))
    assert capsys.readouterr().out == (
        "Epoch 3: early stopping\nRestoring model weights from the end of the best epoch: 2.\n"
    )


# -- ModelCheckpoint -------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("filepath", "weights_only"),
    [("model.weights", False), ("m.h5", False), ("m.keras", True), ("m.h5", True),
     ("my_checkpoint_path", True)],
)
def test_model_checkpoint_rejects_a_filepath_without_the_right_suffix(filepath, weights_only):
    suffix = ".weights.h5" if weights_only else ".keras"
    with pytest.raises(ValueError, match=f"must end in `{suffix}`.*filepath={filepath}"):
        callbacks.ModelCheckpoint(filepath, save_weights_only=weights_only)


@pytest.mark.parametrize("save_freq", ["batch", 0, -3, 2.5, True])
def test_model_checkpoint_rejects_a_bad_save_freq(save_freq):
    with pytest.raises(ValueError, match="save_freq"):
        callbacks.ModelCheckpoint("m.keras", save_freq=save_freq)


def test_model_checkpoint_saves_every_epoch_with_formatted_paths(tmp_path):
    model = FakeModel()
    path = os.path.join(tmp_path, "ckpt", "model.{epoch:02d}-{val_loss:.2f}.keras")
    logs = losses(0.512, 0.634, name="val_loss")
    fit(model, [callbacks.ModelCheckpoint(path)], logs)
    expected = [
        os.path.join(tmp_path, "ckpt", f) for f in ("model.01-0.51.keras", "model.02-0.63.keras")
    ]
    assert model.saved == [("save", p) for p in expected]  # the ckpt directory was created
    assert all(os.path.exists(p) for p in expected)


def test_model_checkpoint_save_best_only_and_weights_only(tmp_path):
    # val_loss 0.5 (best from inf), 0.6 (no), 0.4 (best): saved after epochs 0 and 2.
    model = FakeModel()
    path = os.path.join(tmp_path, "{epoch}.weights.h5")
    checkpoint = callbacks.ModelCheckpoint(path, save_best_only=True, save_weights_only=True)
    fit(model, [checkpoint], losses(0.5, 0.6, 0.4, name="val_loss"))
    assert model.saved == [
        ("save_weights", path.format(epoch=1)),
        ("save_weights", path.format(epoch=3)),
    ]
    assert checkpoint.best == 0.4


def test_model_checkpoint_max_mode_for_accuracy_and_initial_value_threshold(tmp_path):
    model = FakeModel()
    path = os.path.join(tmp_path, "best.keras")
    checkpoint = callbacks.ModelCheckpoint(
        path, monitor="val_accuracy", save_best_only=True, initial_value_threshold=0.65
    )
    # 0.6 does not beat the threshold 0.65; 0.7 does; 0.68 does not; 0.9 does.
    fit(model, [checkpoint], losses(0.6, 0.7, 0.68, 0.9, name="val_accuracy"))
    assert model.saved == [("save", path), ("save", path)] and checkpoint.best == 0.9


def test_model_checkpoint_saves_every_n_batches(tmp_path):
    # 2 batches per epoch, save_freq=3: after the 3rd batch (epoch 2, batch 1) and the 6th
    # (epoch 3, batch 2), counted from 1 in the path.
    model = FakeModel()
    path = os.path.join(tmp_path, "m-{epoch}-{batch}.keras")
    fit(model, [callbacks.ModelCheckpoint(path, save_freq=3)], losses(0.3, 0.2, 0.1))
    assert model.saved == [
        ("save", path.format(epoch=2, batch=1)),
        ("save", path.format(epoch=3, batch=2)),
    ]


def test_model_checkpoint_missing_field_is_a_key_error(tmp_path):
    path = os.path.join(tmp_path, "{val_acc:.2f}.keras")
    with pytest.raises(KeyError, match="Failed to format this callback filepath"):
        fit(FakeModel(), [callbacks.ModelCheckpoint(path)], losses(1.0))


def test_model_checkpoint_save_best_only_without_the_monitor_warns_and_saves(tmp_path):
    model = FakeModel()
    path = os.path.join(tmp_path, "m.keras")
    with pytest.warns(UserWarning, match="Can save best model only with val_loss available"):
        fit(model, [callbacks.ModelCheckpoint(path, save_best_only=True)], losses(1.0))
    assert model.saved == [("save", path)]


def test_model_checkpoint_refuses_a_directory_path(tmp_path):
    os.mkdir(os.path.join(tmp_path, "d.keras"))
    with pytest.raises(OSError, match="non-directory filepath"):
        fit(
            FakeModel(), [callbacks.ModelCheckpoint(os.path.join(tmp_path, "d.keras"))], losses(1.0)
        )


def test_model_checkpoint_verbose_messages(tmp_path, capsys):
    path = os.path.join(tmp_path, "m.keras")
    checkpoint = callbacks.ModelCheckpoint(path, save_best_only=True, verbose=1)
    fit(FakeModel(), [checkpoint], losses(0.5, 0.6, name="val_loss"))
    assert capsys.readouterr().out == (
        f"Epoch 1: val_loss improved from inf to 0.50000, saving model to {path}\n"
        f"Epoch 1: finished saving model to {path}\n"
        "Epoch 2: val_loss did not improve from 0.50000\n"
    )


# -- LearningRateScheduler -------------------------------------------------------------------
def f32(x):
    return float(np.float32(x))


def test_learning_rate_scheduler_sets_the_rate_before_each_epoch():
    # schedule halves the rate each epoch from epoch 1: 0.1, 0.05, 0.025 (float32 values).
    model = FakeModel(learning_rate=0.1)
    seen = []
    spy = callbacks.LambdaCallback(
        on_epoch_begin=lambda epoch, logs: seen.append(float(model.optimizer.learning_rate))
    )
    scheduler = callbacks.LearningRateScheduler(lambda epoch, lr: lr if epoch == 0 else lr / 2)
    history = fit(model, [scheduler, spy], losses(1.0, 1.0, 1.0))
    assert seen == [f32(0.1), f32(0.05), f32(0.025)]
    assert history.history["learning_rate"] == [f32(0.1), f32(0.05), f32(0.025)]


def test_learning_rate_scheduler_one_argument_schedule_and_tensor_result():
    model = FakeModel()
    fit(
        model, [callbacks.LearningRateScheduler(lambda epoch: 0.01 * (epoch + 1))], losses(1.0, 1.0)
    )
    assert float(model.optimizer.learning_rate) == f32(0.02)
    schedule = callbacks.LearningRateScheduler(
        lambda epoch, lr: lr * tf.math.exp(tf.constant(-1.0))
    )
    model = FakeModel(learning_rate=1.0)
    fit(model, [schedule], losses(1.0))
    assert float(model.optimizer.learning_rate) == pytest.approx(math.exp(-1.0), rel=1e-6)


@pytest.mark.parametrize("bad", [1, "0.1", None])
def test_learning_rate_scheduler_schedule_must_return_a_float(bad):
    with pytest.raises(ValueError, match="should be a float"):
        fit(FakeModel(), [callbacks.LearningRateScheduler(lambda epoch, lr: bad)], losses(1.0))


def test_learning_rate_scheduler_verbose(capsys):
    fit(FakeModel(), [callbacks.LearningRateScheduler(lambda e, lr: 0.5, verbose=1)], losses(1.0))
    assert (
        capsys.readouterr().out == "Epoch 1: LearningRateScheduler setting learning rate to 0.5.\n"
    )


# -- ReduceLROnPlateau -----------------------------------------------------------------------
def test_reduce_lr_on_plateau_patience_and_cooldown():
    # factor 0.5, patience 2, cooldown 1, min_delta 1e-4; val_loss per epoch:
    #   0: 1.0 best            1: 0.9 best           2: 0.9 wait 1
    #   3: 0.9 wait 2 -> lr 0.05, cooldown 1          4: 0.9 cooldown ends, wait 1
    #   5: 0.9 wait 2 -> lr 0.025, cooldown 1         6: 0.8 best
    # logs["learning_rate"] holds the rate at the epoch's end, before any change.
    model = FakeModel(learning_rate=0.1)
    reducer = callbacks.ReduceLROnPlateau(factor=0.5, patience=2, cooldown=1)
    history = fit(model, [reducer], losses(1.0, 0.9, 0.9, 0.9, 0.9, 0.9, 0.8, name="val_loss"))
    assert history.history["learning_rate"] == [f32(x) for x in (0.1,) * 4 + (0.05,) * 2 + (0.025,)]
    assert float(model.optimizer.learning_rate) == f32(0.025)
    assert reducer.best == 0.8 and reducer.wait == 0


def test_reduce_lr_on_plateau_min_delta_and_min_lr():
    # min_delta 0.1: 0.95 is not an improvement on 1.0. patience 1, factor 0.1:
    # epoch 1 -> lr 0.01 * 0.1 clipped to min_lr 0.005; epoch 2 -> already at min_lr.
    model = FakeModel(learning_rate=0.01)
    reducer = callbacks.ReduceLROnPlateau(
        monitor="loss", factor=0.1, patience=1, min_delta=0.1, min_lr=0.005
    )
    fit(model, [reducer], losses(1.0, 0.95, 0.94))
    assert float(model.optimizer.learning_rate) == f32(0.005)


def test_reduce_lr_on_plateau_maximizes_accuracy_in_auto_mode(capsys):
    model = FakeModel(learning_rate=0.1)
    reducer = callbacks.ReduceLROnPlateau(monitor="val_accuracy", patience=1, verbose=1)
    fit(model, [reducer], losses(0.5, 0.6, 0.59, name="val_accuracy"))  # epoch 2 lowers it
    assert float(model.optimizer.learning_rate) == f32(f32(0.1) * 0.1)
    assert capsys.readouterr().out == (
        f"Epoch 3: ReduceLROnPlateau reducing learning rate to {f32(0.1) * 0.1}.\n"
    )


def test_reduce_lr_on_plateau_rejects_factor_one_and_warns_on_missing_monitor():
    with pytest.raises(ValueError, match="factor >= 1.0. Received factor=1.0"):
        callbacks.ReduceLROnPlateau(factor=1.0)
    with pytest.warns(UserWarning, match="`val_loss` which is not available"):
        fit(FakeModel(), [callbacks.ReduceLROnPlateau(patience=0)], losses(1.0, 2.0))


# -- CSVLogger -------------------------------------------------------------------------------
def read(path):
    with open(path, newline="") as file:
        return file.read()


def test_csv_logger_writes_sorted_columns_one_row_per_epoch(tmp_path):
    path = os.path.join(tmp_path, "log.csv")
    logs = [
        {"loss": 0.5, "accuracy": 0.75, "val_loss": 0.625, "val_accuracy": 0.5},
        {"loss": 0.25, "accuracy": 0.875, "val_loss": 0.5},
    ]
    fit(FakeModel(), [callbacks.CSVLogger(path)], logs)
    assert read(path) == (
        "epoch,accuracy,loss,val_accuracy,val_loss\r\n0,0.75,0.5,0.5,0.625\r\n1,0.875,0.25,NA,0.5\r\n"
    )


def test_csv_logger_separator_append_and_overwrite(tmp_path):
    path = os.path.join(tmp_path, "log.csv")
    fit(FakeModel(), [callbacks.CSVLogger(path, separator=";")], losses(0.5))
    fit(FakeModel(), [callbacks.CSVLogger(path, separator=";", append=True)], losses(0.25, 0.125))
    assert read(path) == "epoch;loss\r\n0;0.5\r\n0;0.25\r\n1;0.125\r\n"
    fit(FakeModel(), [callbacks.CSVLogger(path)], losses(1.0))
    assert read(path) == "epoch,loss\r\n0,1.0\r\n"


def test_csv_logger_append_to_an_empty_file_writes_the_header(tmp_path):
    path = os.path.join(tmp_path, "log.csv")
    open(path, "w").close()
    fit(FakeModel(), [callbacks.CSVLogger(path, append=True)], losses(0.5))
    assert read(path) == "epoch,loss\r\n0,0.5\r\n"


def test_csv_logger_writes_sequences_as_one_quoted_cell(tmp_path):
    path = os.path.join(tmp_path, "log.csv")
    fit(FakeModel(), [callbacks.CSVLogger(path)], [{"loss": 0.5, "per_class": np.array([1, 2])}])
    assert read(path) == 'epoch,loss,per_class\r\n0,0.5,"[1, 2]"\r\n'
    with open(path, newline="") as file:
        assert list(csv.reader(file))[1] == ["0", "0.5", "[1, 2]"]


# -- TerminateOnNaN --------------------------------------------------------------------------
@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_terminate_on_nan_stops_at_the_first_bad_batch(bad, capsys):
    # The bad loss comes at epoch 1, batch 1; fit ends that epoch and stops.
    recorder = Recorder()
    history = fit(
        FakeModel(),
        [callbacks.TerminateOnNaN(), recorder],
        losses(1.0, 1.0, 1.0),
        steps=3,
        batch_loss=lambda e, s: bad if (e, s) == (1, 1) else 0.5,
    )
    assert history.epoch == [0, 1]
    assert [c[1] for c in recorder.calls if c[0] == "batch_end"] == [0, 1, 2, 0, 1]
    assert capsys.readouterr().out == "Batch 1: Invalid loss, terminating training\n"


def test_terminate_on_nan_raise_error():
    with pytest.raises(
        RuntimeError, match="NaN or Inf loss encountered at batch 0. Loss value: nan"
    ):
        fit(FakeModel(), [callbacks.TerminateOnNaN(raise_error=True)], losses(math.nan))


# -- LambdaCallback --------------------------------------------------------------------------
def test_lambda_callback_calls_the_given_functions():
    calls = []
    cb = callbacks.LambdaCallback(
        on_train_begin=lambda logs: calls.append("train_begin"),
        on_epoch_end=lambda epoch, logs: calls.append(("epoch_end", epoch, logs["loss"])),
        on_train_batch_end=lambda batch, logs: calls.append(("batch", batch)),
        on_train_end=lambda logs: calls.append("train_end"),
        on_test_end=lambda logs: calls.append("test_end"),
    )
    fit(FakeModel(), [cb], losses(0.5))
    cb.on_test_end({})
    assert calls == [
        "train_begin",
        ("batch", 0),
        ("batch", 1),
        ("epoch_end", 0, 0.5),
        "train_end",
        "test_end",
    ]


def test_lambda_callback_old_batch_name_and_unknown_hook():
    batches = []
    fit(
        FakeModel(),
        [callbacks.LambdaCallback(on_batch_end=lambda b, logs: batches.append(b))],
        losses(1.0),
    )
    assert batches == [0, 1]
    with pytest.raises(ValueError, match=r"unknown hook\(s\) \['on_epoch_ends'\]"):
        callbacks.LambdaCallback(on_epoch_ends=print)
