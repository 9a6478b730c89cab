"""``keras.utils.Progbar``: the progress bar that `fit`, `evaluate` and `predict` print.

    bar = keras.utils.Progbar(target=32)
    for step in range(32):
        ...
        bar.update(step + 1, values=[("loss", loss)])

While an epoch runs (verbose=1, on a terminal) one line is redrawn in place with the ETA:

     7/32 ━━━━━━━━━━━━━━━━━━━━ 0s 12ms/step - loss: 0.4123

and the finished line shows the elapsed time and the time per step, first step excluded:

    32/32 ━━━━━━━━━━━━━━━━━━━━ 1s 12ms/step - loss: 0.3000 - accuracy: 0.9000

On a stream that is not a terminal (a log file, CI) nothing is redrawn: no carriage returns, no
colours, only the finished line. verbose=2 prints one plain line when finished:
``32/32 - 1s - 12ms/step - loss: 0.3000``.

NOTE: Keras decides "terminal" with `"posix" in sys.modules`, which is always true on Linux and
macOS, so it floods log files with redraws; here it is `sys.stdout.isatty()` (or a notebook).
"""

from __future__ import annotations

import math
import numbers
import sys
import time

import numpy as np

_BOLD, _GREEN, _WHITE, _RESET = "\x1b[1m", "\x1b[32m", "\x1b[37m", "\x1b[0m"
_BAR_CHAR = "━"

# True while a dynamic progress bar has drawn a line without ending it; print_msg ends it first.
_line_open = False


def print_msg(message: str) -> None:
    """Prints one line to sys.stdout, first ending a progress-bar line drawn in place, so a
    callback's message (``Epoch 3: early stopping``) never lands in the middle of the bar."""
    global _line_open
    if _line_open:
        message = "\n" + message
        _line_open = False
    sys.stdout.write(message + "\n")
    sys.stdout.flush()


def _is_dynamic_display() -> bool:
    """Whether sys.stdout can redraw a line in place: a terminal or a Jupyter notebook."""
    isatty = getattr(sys.stdout, "isatty", None)
    return bool(isatty and isatty()) or "ipykernel" in sys.modules


class Progbar:
    """Displays a progress bar.

    Args:
        target: the number of steps expected, or None if unknown.
        width: the bar's width in characters.
        verbose: 0 (silent), 1 (the bar), 2 (one line when finished).
        interval: the shortest time between two redraws, in seconds.
        stateful_metrics: names of values shown as given; all others are averaged over the
            steps seen (weighted by the steps between updates). Give this or `stateless_metrics`.
        stateless_metrics: names of values that are averaged; all others are shown as given.
        unit_name: the name of a step in the time per step (``12ms/step``).
    """

    def __init__(
        self,
        target,
        width=20,
        verbose=1,
        interval=0.05,
        stateful_metrics=None,
        stateless_metrics=None,
        unit_name="step",
    ):
        if stateful_metrics is not None and stateless_metrics is not None:
            raise ValueError(
                "Progbar: give `stateful_metrics` (averaged unless listed) or "
                "`stateless_metrics` (shown as given unless listed), not both. Received: "
                f"stateful_metrics={stateful_metrics}, stateless_metrics={stateless_metrics}"
            )
        if verbose not in (0, 1, 2):
            raise ValueError(f"Progbar: `verbose` must be 0, 1 or 2. Received: verbose={verbose}")
        self.target = target
        self.width = width
        self.verbose = verbose
        self.interval = interval
        self.unit_name = unit_name
        # Exactly one of the two sets is used; by default every value is averaged.
        self._stateless = set(stateless_metrics) if stateless_metrics is not None else None
        self._stateful = set(stateful_metrics or ()) if self._stateless is None else None
        self._dynamic_display = _is_dynamic_display()
        self._values = {}  # name -> [weighted sum, weight]; the shown value is sum / weight
        self._seen_so_far = 0
        self._start = time.monotonic()
        self._last_update = -math.inf
        self._time_after_first_step = None
        self._prev_width = 0  # printed width of the line drawn in place, to blank its tail

    def update(self, current, values=None, finalize=None):
        """Updates the bar to `current` steps done.

        Args:
            current: the number of steps done.
            values: a list of `(name, value)` pairs; values are averaged over the steps unless
                they are stateful (see the class docstring).
            finalize: whether this is the last update; None means `current >= target`.
        """
        if finalize is None:
            finalize = self.target is not None and current >= self.target
        for name, value in values or ():
            self._record(name, value, current, finalize)
        self._seen_so_far = current
        now = time.monotonic()
        time_per_step = self._estimate_step_duration(current, now)

        if self.verbose == 1:
            if not finalize and (
                not self._dynamic_display or now - self._last_update < self.interval
            ):
                return
            self._draw(current, now, time_per_step, finalize)
        elif self.verbose == 2 and finalize:
            count = self._count(current)
            line = f"{count} - {now - self._start:.0f}s - {_format_step_time(time_per_step)}"
            line += f"/{self.unit_name}{self._metrics_text()}"
            sys.stdout.write(line + "\n")
            sys.stdout.flush()
        self._last_update = now

    def add(self, n, values=None):
        """Advances the bar by `n` steps."""
        self.update(self._seen_so_far + n, values)

    # -- internals ---------------------------------------------------------------------------
    def _record(self, name, value, current, finalize):
        if not isinstance(value, (str, numbers.Number)):
            value = float(np.mean(np.asarray(value)))  # a tensor or array: its mean
        if self._stateful is not None:
            averaged = name not in self._stateful
        else:
            averaged = name in self._stateless
        if not averaged or finalize or isinstance(value, str):
            # A finished epoch's logs are already epoch means: show them as given.
            self._values[name] = [value, 1]
            return
        # Steps since the last update weigh this value (at least 1: an update may repeat `current`).
        weight = max(current - self._seen_so_far, 1)
        total = self._values.setdefault(name, [0.0, 0])
        total[0] += value * weight
        total[1] += weight

    def _count(self, current) -> str:
        if not self.target:
            return f"{current:7d}/Unknown"
        digits = len(str(self.target))
        return f"{current:{digits}d}/{self.target}"

    def _draw(self, current, now, time_per_step, finalize):
        """Draws the verbose=1 line: redrawn in place on a terminal, printed once otherwise."""
        global _line_open
        if self.target and not finalize:
            clock = _format_eta(time_per_step * (self.target - current))
        else:
            clock = f"{now - self._start:.0f}s"
        # (text, ANSI style on a terminal): bold counts and clock, green done, white to do.
        segments = [(self._count(current), _BOLD)]
        if self.target:
            done = min(int(self.width * current / self.target), self.width)
            segments += [(" ", ""), (_BAR_CHAR * done, _GREEN)]
            segments += [(_BAR_CHAR * (self.width - done), _WHITE)]
        segments += [(" ", ""), (clock, _BOLD)]
        segments += [(f" {_format_step_time(time_per_step)}/{self.unit_name}", "")]
        segments += [(self._metrics_text(), "")]
        plain = "".join(text for text, _ in segments)
        if not self._dynamic_display:
            sys.stdout.write(plain + "\n")
            sys.stdout.flush()
            return
        line = "".join(
            f"{style}{text}{_RESET}" if style and text else text for text, style in segments
        )
        # Back to the line's start; blank what a longer previous line left behind.
        line = "\r" + line + " " * max(self._prev_width - len(plain), 0)
        self._prev_width = len(plain)
        sys.stdout.write(line + ("\n" if finalize else ""))
        sys.stdout.flush()
        _line_open = not finalize

    def _metrics_text(self) -> str:
        parts = []
        for name, (total, weight) in self._values.items():
            if isinstance(total, numbers.Number):
                value = total / max(weight, 1)
                parts.append(
                    f" - {name}: {value:.4f}" if abs(value) > 1e-3 else f" - {name}: {value:.4e}"
                )
            else:
                parts.append(f" - {name}: {total}")
        return "".join(parts)

    def _estimate_step_duration(self, current, now) -> float:
        """Seconds per step. After the first step, the first step (which pays for set-up and
        compilation) is left out: (now - end of step 1) / (current - 1)."""
        if not current:
            return 0.0
        if self._time_after_first_step is not None and current > 1:
            per_step = (now - self._time_after_first_step) / (current - 1)
        else:
            per_step = (now - self._start) / current
        if current == 1:
            self._time_after_first_step = now
        return per_step


def _format_step_time(seconds: float) -> str:
    """'2s', '12ms' or '340us' (the unit name is appended by the caller)."""
    if seconds >= 1 or seconds == 0:
        return f"{seconds:.0f}s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.0f}ms"
    return f"{seconds * 1e6:.0f}us"


def _format_eta(seconds: float) -> str:
    """'42s', '3:07' (minutes:seconds) or '1:02:03' (hours:minutes:seconds)."""
    seconds = int(seconds)
    if seconds > 3600:
        return f"{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"
    if seconds > 60:
        return f"{seconds // 60}:{seconds % 60:02d}"
    return f"{seconds}s"
