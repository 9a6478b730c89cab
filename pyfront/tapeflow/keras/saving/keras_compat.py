"""Keras 3 config entries that tapeflow's built-in classes do not take.

Keras 3 writes some arguments tapeflow does not implement (quantization, ragged inputs,
batch renormalization, ...). A config that holds them at the value meaning "off" loads (the
entry is dropped); any other value raises a ValueError naming it, rather than a model that
silently computes something else.
"""

from __future__ import annotations

_OFF = {
    "InputLayer": {"ragged": False, "optional": False},
    "Dense": {"quantization_config": None, "lora_rank": None, "lora_alpha": None},
    "Embedding": {"quantization_config": None, "lora_rank": None, "lora_alpha": None},
    "BatchNormalization": {"renorm": False, "renorm_clipping": None},
}
# Entries that only matter when another is on (renorm_momentum without renorm).
_IGNORED_WITH = {"BatchNormalization": {"renorm_momentum"}}
_VARIANCE_SCALING_OFF = {"input_axes": None, "output_axes": None}


def drop_keras_only_arguments(cls, config):
    """`config` without the Keras-only entries of built-in `cls` (a new dict when any)."""
    if not isinstance(config, dict) or not _is_builtin(cls):
        return config
    off = dict(_OFF.get(cls.__name__, {}))
    if _is_variance_scaling(cls):
        off.update(_VARIANCE_SCALING_OFF)
    ignored = _IGNORED_WITH.get(cls.__name__, set())
    if not any(key in config for key in (*off, *ignored)):
        return config
    config = dict(config)
    for key, value in off.items():
        if key in config:
            if config[key] != value:
                raise ValueError(
                    f"{cls.__name__}({key}={config[key]!r}) is a Keras 3 option that tapeflow "
                    f"does not implement (only {key}={value!r} is supported)"
                )
            del config[key]
    for key in ignored:
        config.pop(key, None)
    return config


def _is_builtin(cls) -> bool:
    module = getattr(cls, "__module__", "") or ""
    return module.startswith("tapeflow.keras.")


def _is_variance_scaling(cls) -> bool:
    from tapeflow.keras.initializers import VarianceScaling

    return isinstance(cls, type) and issubclass(cls, VarianceScaling)
