"""``tf.device``: where new tensors go.

tapeflow follows TensorFlow's eager placement:

- New tensors (``tf.constant``, conversions of Python numbers and NumPy arrays, ``tf.zeros``,
  random draws, ``tf.Variable``) go to the innermost ``tf.device`` scope's device, else to the
  default device: ``GPU:0`` when a GPU is visible, the CPU otherwise.
- An op runs on the device its inputs live on. When they disagree, it runs on the GPU among
  them and copies the others there silently (TensorFlow's default device policy). Inputs on
  two different GPUs raise ``InvalidArgumentError``.
- ``tf.identity(x)`` under a scope copies ``x`` to the scope's device.
- Small host-side results stay on the host, as TensorFlow keeps them in host memory:
  ``tf.shape``, ``tf.size`` and ``tf.rank``; integer arguments (shapes, axes, ``tf.range``
  bounds) are read on the host wherever they live.
- Fused optimizer updates run on the CPU only for now: variables on a GPU take the optimizers'
  ``update_step`` (made of ops every backend has).
- Soft placement (on by default, as in TensorFlow 2): a scope naming a device that does not
  exist (``/GPU:0`` on a machine without a GPU, ``/CPU:1``, ``/TPU:0``) places on the CPU.
  With ``tf.config.set_soft_device_placement(False)`` such a scope raises
  ``InvalidArgumentError`` when entered.

Scopes are per thread, as in TensorFlow.
"""

from __future__ import annotations

import re

from tapeflow import _C
from tapeflow import errors as _errors

# "/job:localhost/replica:0/task:0/device:GPU:0", "/device:GPU:0", "/GPU:0", "gpu:1", "CPU"
_SPEC = re.compile(
    r"^(?:/job:[\w-]+)?(?:/replica:\d+)?(?:/task:\d+)?(?:/?(?:device:)?([A-Za-z_]+)(?::(\d+|\*))?)?$"
)

_soft_placement = True


def set_soft_device_placement(enabled: bool) -> None:
    global _soft_placement
    _soft_placement = bool(enabled)


def get_soft_device_placement() -> bool:
    return _soft_placement


def parse(spec: str) -> tuple[str, int] | None:
    """("CPU" | "GPU" | other type, index) from a device string; None when it names no device
    type (a partial spec like "/job:localhost")."""
    if not isinstance(spec, str):
        raise ValueError(f"Expected a device string, got {type(spec).__name__}: {spec!r}")
    match = _SPEC.match(spec.strip())
    if match is None or (match.group(1) is None and match.group(2) is not None):
        raise ValueError(
            f"Invalid device specification: {spec!r} (expected something like "
            "'/GPU:0', 'GPU:0', '/device:CPU:0' or "
            "'/job:localhost/replica:0/task:0/device:GPU:0')"
        )
    if match.group(1) is None:
        return None
    index = match.group(2)
    return match.group(1).upper(), 0 if index in (None, "*") else int(index)


def resolve(spec: str) -> tuple[str, int] | None:
    """The existing device a scope for `spec` places on (soft placement applied); None for a
    spec that names no device."""
    parsed = parse(spec)
    if parsed is None:
        return None
    kind, index = parsed
    if (kind == "GPU" and index < _C.visible_gpu_count()) or (kind, index) == ("CPU", 0):
        return kind, index
    if not _soft_placement:
        raise _errors.InvalidArgumentError(
            f"Could not satisfy device specification '{spec}': this process has the CPU:0 and "
            f"{_C.visible_gpu_count()} GPU(s); enable soft placement "
            "(tf.config.set_soft_device_placement(True)) to fall back to the CPU"
        )
    return "CPU", 0


class device:  # noqa: N801  (tf.device)
    """Context manager placing new tensors on `device_name` (see the module docstring).

        with tf.device("/GPU:0"):
            x = tf.random.normal((1024, 1024))   # on GPU:0 when there is one
        y = tf.identity(x)                        # x stays where it is
        with tf.device("/CPU:0"):
            z = tf.identity(x)                    # a copy on the CPU

    `None` or "" returns to the default device.
    """

    def __init__(self, device_name):
        self._target = None if device_name in (None, "") else resolve(device_name)
        self._keep_outer = device_name not in (None, "") and self._target is None
        self._saved = []

    def __enter__(self):
        previous = _C.scope_device()
        self._saved.append(previous)
        if not self._keep_outer:
            _C.set_scope_device(*(self._target or (None, 0)))
        return self

    def __exit__(self, *exc_info):
        previous = self._saved.pop()
        _C.set_scope_device(*(previous or (None, 0)))
        return False
