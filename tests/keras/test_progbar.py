"""keras.utils.Progbar and keras.callbacks.ProgbarLogger: the exact text written to a stream
that is not a terminal (io.StringIO: no carriage returns, no colours, one line per epoch) and to
a fake terminal (redrawn in place with ANSI styles), under a fake clock."""

from __future__ import annotations

import io
import sys
import types

import numpy as np
import pytest

import tapeflow as tf
from tapeflow import keras
from tapeflow.keras.callbacks import CallbackList, LambdaCallback
from tapeflow.keras.utils import progbar as progbar_module
from tapeflow.keras.utils.progbar import Progbar, print_msg

BOLD, GREEN, WHITE, RESET = "\x1b[1m", "\x1b[32m", "\x1b[37m", "\x1b[0m"
BAR = "━"


class FakeClock:
    """Stands in for the `time` module inside progbar.py."""

    def __init__(self):
        self.now = 0.0

    def monotonic(self):
        return self.now


class FakeTerminal(io.StringIO):
    def isatty(self):
        return True


@pytest.fixture
def clock(monkeypatch):
    fake = FakeClock()
    monkeypatch.setattr(progbar_module, "time", fake)
    monkeypatch.setattr(progbar_module, "_line_open", False)
    return fake


def redirect_stdout(monkeypatch, stream):
    # progbar.py's own view of `sys` (pytest's capture would replace a patched sys.stdout).
    monkeypatch.setattr(
        progbar_module, "sys", types.SimpleNamespace(stdout=stream, modules=sys.modules)
    )
    return stream


@pytest.fixture
def log_file(monkeypatch):
    return redirect_stdout(monkeypatch, io.StringIO())  # isatty() is False: a log file, CI


@pytest.fixture
def terminal(monkeypatch):
    return redirect_stdout(monkeypatch, FakeTerminal())


def run_32_steps(clock, bar, values):
    """Step 1 ends at 0.628 s, then one step every 12 ms: step 32 ends at 1.0 s."""
    for step in range(1, 33):
        clock.now = 0.628 + 0.012 * (step - 1)
        bar.update(step, values)


VALUES = [("loss", 0.3), ("accuracy", 0.9)]


# -- Progbar ---------------------------------------------------------------------------------
def test_log_file_gets_only_the_finished_line(clock, log_file):
    run_32_steps(clock, Progbar(32), VALUES)
    # 1 s elapsed; time per step without the first: (1.0 - 0.628) / 31 = 12 ms.
    assert (
        log_file.getvalue() == f"32/32 {BAR * 20} 1s 12ms/step - loss: 0.3000 - accuracy: 0.9000\n"
    )


def test_terminal_redraws_in_place_with_eta_then_time_per_step(clock, terminal):
    run_32_steps(clock, Progbar(32), VALUES)
    draws = terminal.getvalue().split("\r")[1:]
    metrics = " - loss: 0.3000 - accuracy: 0.9000"
    # Step 1: nothing done yet in the bar; ETA = 628 ms * 31 steps left = 19 s.
    assert (
        draws[0]
        == f"{BOLD} 1/32{RESET} {WHITE}{BAR * 20}{RESET} {BOLD}19s{RESET} 628ms/step{metrics}"
    )
    # Redraws are at least 50 ms apart: steps 1, 6, 11, ..., 31, then the finished line.
    assert len(draws) == 8
    # Step 6: int(20 * 6/32) = 3 done; ETA = 12 ms * 26 = 0.3 s.
    assert draws[1] == (
        f"{BOLD} 6/32{RESET} {GREEN}{BAR * 3}{RESET}{WHITE}{BAR * 17}{RESET} {BOLD}0s{RESET} "
        f"12ms/step{metrics}  "  # 2 blanks: '19s 628ms' was 2 characters longer
    )
    assert (
        draws[-1]
        == f"{BOLD}32/32{RESET} {GREEN}{BAR * 20}{RESET} {BOLD}1s{RESET} 12ms/step{metrics}\n"
    )
    assert terminal.getvalue().count("\n") == 1


def test_terminal_blanks_the_tail_of_a_longer_previous_line(clock, terminal):
    bar = Progbar(10, stateful_metrics=["loss"])
    clock.now = 1.0
    bar.update(1, [("loss", 1234.5)])
    clock.now = 2.0
    bar.update(2, [("loss", 1.0)])
    first, second = terminal.getvalue().split("\r")[1:]
    assert first.endswith("9s\x1b[0m 1s/step - loss: 1234.5000")
    assert second.endswith("8s\x1b[0m 1s/step - loss: 1.0000   ")  # 3 characters shorter


def test_verbose_2_prints_one_plain_line_when_finished(clock, terminal):
    run_32_steps(clock, Progbar(32, verbose=2), VALUES)
    assert terminal.getvalue() == "32/32 - 1s - 12ms/step - loss: 0.3000 - accuracy: 0.9000\n"


def test_verbose_0_prints_nothing(clock, terminal):
    run_32_steps(clock, Progbar(32, verbose=0), VALUES)
    assert terminal.getvalue() == ""


@pytest.mark.parametrize(
    ("kwargs", "shown"),
    [
        ({}, "loss: 0.6667 - acc: 0.6667"),  # averaged over steps: (1 * 1 + 0.5 * 2) / 3
        ({"stateful_metrics": ["loss"]}, "loss: 0.5000 - acc: 0.6667"),
        ({"stateless_metrics": ["loss"]}, "loss: 0.6667 - acc: 0.5000"),
    ],
)
def test_values_are_averaged_unless_stateful(clock, terminal, kwargs, shown):
    bar = Progbar(10, **kwargs)
    clock.now = 1.0
    bar.update(1, [("loss", 1.0), ("acc", 1.0)])
    clock.now = 2.0
    bar.update(3, [("loss", 0.5), ("acc", 0.5)])
    assert terminal.getvalue().split("\r")[2].endswith(shown)


def test_finished_line_shows_the_values_given_last(clock, log_file):
    # A finished epoch's logs are already epoch means: shown as given, not averaged again.
    bar = Progbar(2)
    bar.update(1, [("loss", 1.0)])
    bar.update(2, [("loss", 0.25)])
    assert log_file.getvalue().endswith(" - loss: 0.2500\n")


def test_value_formatting(clock, log_file):
    bar = Progbar(1)
    values = [("tiny", 5e-4), ("negative", -2.5), ("zero", 0.0), ("name", "adam")]
    values += [("tensor", tf.constant(0.125)), ("array", np.array([0.25, 0.75]))]
    bar.update(1, values)
    assert log_file.getvalue().endswith(
        " - tiny: 5.0000e-04 - negative: -2.5000 - zero: 0.0000e+00 - name: adam"
        " - tensor: 0.1250 - array: 0.5000\n"
    )


@pytest.mark.parametrize(
    ("target", "first_step", "eta", "per_step"),
    [
        (2000, 2.0, "1:06:38", "2s/step"),  # 2 s * 1999 = 3998 s
        (40, 2.0, "1:18", "2s/step"),  # 78 s
        (10**6, 0.0005, "8:19", "500us/step"),  # 499.9995 s
    ],
)
def test_eta_and_step_time_formats(clock, terminal, target, first_step, eta, per_step):
    bar = Progbar(target)
    clock.now = first_step
    bar.update(1)
    assert f" {BOLD}{eta}{RESET} {per_step}" in terminal.getvalue()


def test_unknown_target(clock, terminal):
    bar = Progbar(None)
    clock.now = 0.7
    bar.update(7)
    # No bar, no ETA: the elapsed time; 0.7 s / 7 steps.
    assert terminal.getvalue() == f"\r{BOLD}      7/Unknown{RESET} {BOLD}1s{RESET} 100ms/step"


def test_add_advances_by_n(clock, log_file):
    bar = Progbar(4)
    bar.add(2)
    bar.add(2, [("loss", 0.5)])
    assert log_file.getvalue().startswith(f"4/4 {BAR * 20} ")


def test_print_msg_ends_an_open_bar_line_first(clock, terminal):
    bar = Progbar(10)
    clock.now = 1.0
    bar.update(1)
    print_msg("Epoch 1: saving model to m.keras")
    print_msg("next")
    bar_text = f"{GREEN}{BAR * 2}{RESET}{WHITE}{BAR * 18}{RESET}"
    drawn = f"\r{BOLD} 1/10{RESET} {bar_text} {BOLD}9s{RESET} 1s/step"
    assert terminal.getvalue() == drawn + "\nEpoch 1: saving model to m.keras\nnext\n"


def test_constructor_checks():
    with pytest.raises(ValueError, match="not both"):
        Progbar(3, stateful_metrics=["a"], stateless_metrics=["b"])
    with pytest.raises(ValueError, match="must be 0, 1 or 2. Received: verbose=3"):
        Progbar(3, verbose=3)


# -- ProgbarLogger ---------------------------------------------------------------------------
EPOCH_LOGS = {"accuracy": 0.75, "loss": 0.5, "val_accuracy": 0.5, "val_loss": 0.625}
SHOWN = "loss: 0.5000 - accuracy: 0.7500 - val_loss: 0.6250 - val_accuracy: 0.5000"


def fit(clock, epochs, steps, verbose, extra=(), steps_per_epoch=4):
    """Model.fit's callback protocol: each batch takes 0.1 s, validation 0.2 s. The epoch logs
    arrive sorted by name, as Keras 3 makes them."""
    cbs = CallbackList(list(extra), add_progbar=True, epochs=epochs, steps=steps, verbose=verbose)
    cbs.on_train_begin()
    for epoch in range(epochs):
        cbs.on_epoch_begin(epoch)
        for step in range(steps_per_epoch):
            clock.now += 0.1
            cbs.on_train_batch_end(step, {"accuracy": 0.5, "loss": 1.0 / (step + 1)})
        cbs.on_test_begin()
        cbs.on_test_batch_end(0, {"accuracy": 0.5, "loss": 0.625})
        cbs.on_test_end({"accuracy": 0.5, "loss": 0.625})
        clock.now += 0.2
        cbs.on_epoch_end(epoch, dict(EPOCH_LOGS))
    cbs.on_train_end(dict(EPOCH_LOGS))


def test_fit_to_a_log_file_prints_one_line_per_epoch_loss_first(clock, log_file):
    fit(clock, epochs=2, steps=4, verbose=1)
    # 0.6 s per epoch; time per step without the first: (0.6 - 0.1) / 3 = 167 ms.
    line = f"4/4 {BAR * 20} 1s 167ms/step - {SHOWN}\n"
    assert log_file.getvalue() == f"Epoch 1/2\n{line}Epoch 2/2\n{line}"


def test_fit_verbose_2_and_auto(clock, log_file):
    fit(clock, epochs=1, steps=4, verbose=2)  # one epoch: no "Epoch 1/1" header
    # verbose=2 never sees the batches: 0.6 s / 4 steps.
    assert log_file.getvalue() == f"4/4 - 1s - 150ms/step - {SHOWN}\n"
    log_file.truncate(0)
    log_file.seek(0)
    fit(clock, epochs=1, steps=4, verbose="auto")
    assert log_file.getvalue() == f"4/4 {BAR * 20} 1s 167ms/step - {SHOWN}\n"


def test_fit_on_a_terminal_redraws_and_keeps_validation_silent(clock, terminal):
    fit(clock, epochs=1, steps=4, verbose=1)
    out = terminal.getvalue()
    draws = out.split("\r")[1:]
    assert len(draws) == 5  # 4 batches 100 ms apart, then the finished line
    # Batch logs are the running means given by fit, shown as given (batch 2: loss 1/2).
    assert draws[1].endswith("100ms/step - loss: 0.5000 - accuracy: 0.5000")
    assert (
        draws[-1]
        == f"{BOLD}4/4{RESET} {GREEN}{BAR * 20}{RESET} {BOLD}1s{RESET} 167ms/step - {SHOWN}\n"
    )


def test_fit_with_unknown_steps_learns_them_in_the_first_epoch(clock, log_file):
    fit(clock, epochs=2, steps=None, verbose=1)
    line = f"4/4 {BAR * 20} 1s 167ms/step - {SHOWN}\n"
    assert log_file.getvalue() == f"Epoch 1/2\n{line}Epoch 2/2\n{line}"


def test_callback_messages_do_not_land_inside_the_bar(clock, terminal):
    # A user callback before the progbar prints at epoch end, while the bar line is open.
    say = LambdaCallback(on_epoch_end=lambda epoch, logs: print_msg(f"Epoch {epoch + 1}: saved"))
    fit(clock, epochs=1, steps=4, verbose=1, extra=[say])
    out = terminal.getvalue()
    assert "accuracy: 0.5000\nEpoch 1: saved\n\r" in out
    assert out.endswith(f"167ms/step - {SHOWN}\n")


def test_evaluate_and_predict_bars(clock, log_file):
    cbs = CallbackList([], add_progbar=True, epochs=1, steps=3, verbose=1)
    cbs.on_test_begin()
    for step in range(3):
        clock.now += 0.1
        cbs.on_test_batch_end(step, {"loss": 0.25})
    cbs.on_test_end({"loss": 0.25, "accuracy": 0.875})
    cbs.on_predict_begin()
    for step in range(3):
        clock.now += 0.1
        cbs.on_predict_batch_end(step, {"outputs": [[0.5]]})
    cbs.on_predict_end()
    assert log_file.getvalue() == (
        f"3/3 {BAR * 20} 0s 100ms/step - loss: 0.2500 - accuracy: 0.8750\n"
        f"3/3 {BAR * 20} 0s 100ms/step\n"
    )


def test_progbar_is_exported():
    assert keras.utils.Progbar is Progbar
    assert keras.callbacks.ProgbarLogger.__name__ == "ProgbarLogger"
