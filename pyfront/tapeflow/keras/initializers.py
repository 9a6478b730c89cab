"""``keras.initializers``: objects called as ``init(shape, dtype=None)`` that return the first
value of a weight, with Keras 3's defaults and string names.

    init = keras.initializers.get("glorot_uniform")   # Dense's default kernel initializer
    w = init((784, 512))                              # U(-l, l), l = sqrt(6 / (784 + 512))

Seeds: ``seed=None`` draws from tf.random (so ``tf.random.set_seed`` makes runs repeatable and
each call gives new values); an integer seed gives the same values on every call, as Keras 3.
"""

from __future__ import annotations

import math

import numpy as np

import tapeflow as tf
from tapeflow.keras import _serialize, backend

# The stddev of a unit normal truncated to [-2, 2]: VarianceScaling divides by it.
_TRUNCATED_STDDEV = 0.87962566103423978


def compute_fans(shape) -> tuple[int, int]:
    """(fan_in, fan_out) of a weight shape: a kernel (in, out), or a convolution kernel
    (*receptive_field, in, out) whose fans are multiplied by the receptive field size."""
    shape = tuple(int(d) for d in shape)
    if len(shape) < 1:
        return 1, 1
    if len(shape) == 1:
        return shape[0], shape[0]
    if len(shape) == 2:
        return shape[0], shape[1]
    receptive_field = math.prod(shape[:-2])
    return shape[-2] * receptive_field, shape[-1] * receptive_field


class Initializer:
    """Base class: subclasses implement ``__call__(shape, dtype=None)`` and get_config()."""

    def __call__(self, shape, dtype=None, **kwargs):
        raise NotImplementedError(
            f"Initializer {type(self).__name__} does not implement `__call__()`"
        )

    def get_config(self) -> dict:
        return {}

    @classmethod
    def from_config(cls, config: dict):
        return cls(**config)

    def clone(self):
        return type(self).from_config(self.get_config())

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"


def _float_dtype(dtype, who: str):
    name = backend.standardize_dtype(dtype)
    if not name.startswith("float"):
        raise ValueError(f"{who} only makes floating-point values; got dtype={name}")
    return tf.as_dtype(name)


class Constant(Initializer):
    """Every element equal to `value` (a scalar, or anything that broadcasts to the shape)."""

    def __init__(self, value=0.0):
        self.value = value

    def __call__(self, shape, dtype=None, **kwargs):
        dtype = tf.as_dtype(backend.standardize_dtype(dtype))
        return backend.convert(self.value, dtype) * tf.ones(shape, dtype=dtype)

    def get_config(self):
        value = self.value
        if isinstance(value, np.generic):
            value = value.item()
        elif isinstance(value, np.ndarray) or hasattr(value, "numpy"):
            value = np.asarray(value).tolist()
        return {"value": value}


class Zeros(Initializer):
    def __call__(self, shape, dtype=None, **kwargs):
        return tf.zeros(shape, dtype=tf.as_dtype(backend.standardize_dtype(dtype)))


class Ones(Initializer):
    def __call__(self, shape, dtype=None, **kwargs):
        return tf.ones(shape, dtype=tf.as_dtype(backend.standardize_dtype(dtype)))


class Identity(Initializer):
    """`gain` times the identity matrix (2-D shapes only)."""

    def __init__(self, gain=1.0):
        self.gain = gain

    def __call__(self, shape, dtype=None, **kwargs):
        shape = tuple(shape)
        if len(shape) != 2:
            raise ValueError(
                "Identity matrix initializer can only be used for 2D matrices. "
                f"Received: shape={shape} of rank {len(shape)}."
            )
        dtype = _float_dtype(dtype, "Identity")
        return tf.constant(self.gain * np.eye(*shape), dtype=dtype)

    def get_config(self):
        return {"gain": self.gain}


class RandomInitializer(Initializer):
    """Holds the seed: None (draw from tf.random's global stream) or an int (same values on
    every call)."""

    def __init__(self, seed=None):
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, (int, np.integer))):
            raise ValueError(
                f"`seed` argument should be an integer or None. Received: seed={seed!r}"
            )
        self.seed = None if seed is None else int(seed)

    def _draw(self, kind: str, shape, dtype, **params):
        shape = [int(d) for d in shape]
        if self.seed is None:
            return getattr(tf.random, kind)(shape, dtype=dtype, **params)
        return getattr(tf.random, "stateless_" + kind)(
            shape, seed=(self.seed, 0), dtype=dtype, **params
        )

    def get_config(self):
        return {"seed": self.seed}


class RandomNormal(RandomInitializer):
    def __init__(self, mean=0.0, stddev=0.05, seed=None):
        super().__init__(seed)
        self.mean, self.stddev = mean, stddev

    def __call__(self, shape, dtype=None, **kwargs):
        dtype = _float_dtype(dtype, "RandomNormal")
        return self._draw("normal", shape, dtype, mean=self.mean, stddev=self.stddev)

    def get_config(self):
        return {"mean": self.mean, "stddev": self.stddev, "seed": self.seed}


class TruncatedNormal(RandomInitializer):
    """Normal values more than two standard deviations from the mean are redrawn."""

    def __init__(self, mean=0.0, stddev=0.05, seed=None):
        super().__init__(seed)
        self.mean, self.stddev = mean, stddev

    def __call__(self, shape, dtype=None, **kwargs):
        dtype = _float_dtype(dtype, "TruncatedNormal")
        return self._draw("truncated_normal", shape, dtype, mean=self.mean, stddev=self.stddev)

    def get_config(self):
        return {"mean": self.mean, "stddev": self.stddev, "seed": self.seed}


class RandomUniform(RandomInitializer):
    def __init__(self, minval=-0.05, maxval=0.05, seed=None):
        super().__init__(seed)
        self.minval, self.maxval = minval, maxval

    def __call__(self, shape, dtype=None, **kwargs):
        dtype = tf.as_dtype(backend.standardize_dtype(dtype))
        return self._draw("uniform", shape, dtype, minval=self.minval, maxval=self.maxval)

    def get_config(self):
        return {"minval": self.minval, "maxval": self.maxval, "seed": self.seed}


class VarianceScaling(RandomInitializer):
    """Samples with variance `scale / n`, n = fan_in, fan_out or their mean (`mode`), from a
    truncated normal, an untruncated normal or a uniform distribution."""

    _MODES = ("fan_in", "fan_out", "fan_avg")
    _DISTRIBUTIONS = ("uniform", "truncated_normal", "untruncated_normal")

    def __init__(self, scale=1.0, mode="fan_in", distribution="truncated_normal", seed=None):
        if not scale > 0.0:
            raise ValueError(f"Argument `scale` must be positive float. Received: scale={scale}")
        if mode not in self._MODES:
            raise ValueError(
                f"Invalid `mode` argument: {mode!r}. Expected one of {list(self._MODES)}"
            )
        distribution = distribution.lower()
        if distribution == "normal":
            distribution = "truncated_normal"
        if distribution not in self._DISTRIBUTIONS:
            raise ValueError(
                f"Invalid `distribution` argument: {distribution!r}. Expected one "
                f"of {list(self._DISTRIBUTIONS)}"
            )
        super().__init__(seed)
        self.scale, self.mode, self.distribution = scale, mode, distribution

    def __call__(self, shape, dtype=None, **kwargs):
        dtype = _float_dtype(dtype, type(self).__name__)
        fan_in, fan_out = compute_fans(shape)
        fan = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2.0}
        scale = self.scale / max(1.0, fan[self.mode])
        if self.distribution == "truncated_normal":
            stddev = math.sqrt(scale) / _TRUNCATED_STDDEV
            return self._draw("truncated_normal", shape, dtype, mean=0.0, stddev=stddev)
        if self.distribution == "untruncated_normal":
            return self._draw("normal", shape, dtype, mean=0.0, stddev=math.sqrt(scale))
        limit = math.sqrt(3.0 * scale)
        return self._draw("uniform", shape, dtype, minval=-limit, maxval=limit)

    def get_config(self):
        return {
            "scale": self.scale,
            "mode": self.mode,
            "distribution": self.distribution,
            "seed": self.seed,
        }


def _variance_scaling_preset(name, scale, mode, distribution, doc):
    def __init__(self, seed=None):
        VarianceScaling.__init__(self, scale, mode, distribution, seed)

    def get_config(self):
        return {"seed": self.seed}

    return type(
        name,
        (VarianceScaling,),
        {"__init__": __init__, "get_config": get_config, "__doc__": doc, "__module__": __name__},
    )


GlorotUniform = _variance_scaling_preset(
    "GlorotUniform",
    1.0,
    "fan_avg",
    "uniform",
    "U(-l, l) with l = sqrt(6 / (fan_in + fan_out)): Dense's default kernel initializer.",
)
GlorotNormal = _variance_scaling_preset(
    "GlorotNormal",
    1.0,
    "fan_avg",
    "truncated_normal",
    "Truncated normal with stddev sqrt(2 / (fan_in + fan_out)).",
)
HeNormal = _variance_scaling_preset(
    "HeNormal", 2.0, "fan_in", "truncated_normal", "Truncated normal with stddev sqrt(2 / fan_in)."
)
HeUniform = _variance_scaling_preset(
    "HeUniform", 2.0, "fan_in", "uniform", "U(-l, l) with l = sqrt(6 / fan_in)."
)
LecunNormal = _variance_scaling_preset(
    "LecunNormal",
    1.0,
    "fan_in",
    "truncated_normal",
    "Truncated normal with stddev sqrt(1 / fan_in).",
)
LecunUniform = _variance_scaling_preset(
    "LecunUniform", 1.0, "fan_in", "uniform", "U(-l, l) with l = sqrt(3 / fan_in)."
)


class Orthogonal(RandomInitializer):
    """A (semi-)orthogonal matrix, times `gain`, from the QR decomposition of a normal sample;
    shapes of rank > 2 are flattened to (prod(shape[:-1]), shape[-1])."""

    def __init__(self, gain=1.0, seed=None):
        super().__init__(seed)
        self.gain = gain

    def __call__(self, shape, dtype=None, **kwargs):
        shape = tuple(int(d) for d in shape)
        if len(shape) < 2:
            raise ValueError(
                "The tensor to initialize must be at least two-dimensional. "
                f"Received: shape={shape} of rank {len(shape)}."
            )
        dtype = _float_dtype(dtype, "Orthogonal")
        rows, cols = math.prod(shape[:-1]), shape[-1]
        flat = (max(rows, cols), min(rows, cols))
        a = np.asarray(self._draw("normal", flat, tf.float64, mean=0.0, stddev=1.0))
        q, r = np.linalg.qr(a)
        q = q * np.sign(np.diag(r))  # makes the decomposition unique (uniform over matrices)
        if rows < cols:
            q = q.T
        return tf.constant(self.gain * q.reshape(shape), dtype=dtype)

    def get_config(self):
        return {"gain": self.gain, "seed": self.seed}


OrthogonalInitializer = Orthogonal
IdentityInitializer = Identity

_CLASSES = (
    Constant,
    Zeros,
    Ones,
    Identity,
    RandomNormal,
    TruncatedNormal,
    RandomUniform,
    VarianceScaling,
    GlorotUniform,
    GlorotNormal,
    HeNormal,
    HeUniform,
    LecunNormal,
    LecunUniform,
    Orthogonal,
)
_BUILTINS = {cls.__name__: cls for cls in _CLASSES}
_BUILTINS.update({backend.to_snake_case(cls.__name__): cls for cls in _CLASSES})
_BUILTINS.update(
    {
        "zero": Zeros,
        "one": Ones,
        "uniform": RandomUniform,
        "normal": RandomNormal,
        "OrthogonalInitializer": Orthogonal,
        "IdentityInitializer": Identity,
    }
)

# Keras's function-style aliases: keras.initializers.glorot_uniform() etc.
constant, zeros, ones, identity = Constant, Zeros, Ones, Identity
random_normal, truncated_normal, random_uniform = RandomNormal, TruncatedNormal, RandomUniform
variance_scaling, orthogonal = VarianceScaling, Orthogonal
glorot_uniform, glorot_normal, he_normal, he_uniform = (
    GlorotUniform,
    GlorotNormal,
    HeNormal,
    HeUniform,
)
lecun_normal, lecun_uniform = LecunNormal, LecunUniform


def serialize(initializer):
    return _serialize.serialize(initializer, "keras.initializers", _BUILTINS)


def deserialize(config, custom_objects=None):
    return _serialize.deserialize(config, _BUILTINS, custom_objects, kind="initializer")


def get(identifier):
    """An initializer from a name ("glorot_uniform", "GlorotUniform"), a config dict, a class or
    a callable; None gives None."""
    return _serialize.get(identifier, _BUILTINS, deserialize, "initializer")


__all__ = [cls.__name__ for cls in _CLASSES] + [
    "Initializer",
    "RandomInitializer",
    "OrthogonalInitializer",
    "IdentityInitializer",
    "compute_fans",
    "serialize",
    "deserialize",
    "get",
]
