"""InputSpec: what a layer accepts (rank, sizes of given axes), checked on every call.

    self.input_spec = InputSpec(min_ndim=2, axes={-1: 784})   # Dense after build

A mismatch raises ValueError in Keras 3's words:
    Input 0 of layer "dense" is incompatible with the layer: expected axis -1 of input shape
    to have value 784, but received input with shape (32, 28)
"""

from __future__ import annotations

from tapeflow import nest


class InputSpec:
    """Constraints on one input of a layer (any argument left None is not checked)."""

    def __init__(
        self,
        dtype=None,
        shape=None,
        ndim=None,
        max_ndim=None,
        min_ndim=None,
        axes=None,
        allow_last_axis_squeeze=False,
        name=None,
    ):
        self.dtype = dtype
        self.shape = None if shape is None else tuple(shape)
        self.ndim = len(self.shape) if self.shape is not None else ndim
        self.max_ndim = max_ndim
        self.min_ndim = min_ndim
        self.axes = {int(k): v for k, v in (axes or {}).items()}
        self.allow_last_axis_squeeze = allow_last_axis_squeeze
        self.name = name

    def __repr__(self) -> str:
        parts = [
            f"{key}={value}"
            for key, value in (
                ("dtype", self.dtype),
                ("shape", self.shape),
                ("ndim", self.ndim),
                ("max_ndim", self.max_ndim),
                ("min_ndim", self.min_ndim),
                ("axes", self.axes or None),
            )
            if value is not None
        ]
        return f"InputSpec({', '.join(parts)})"

    def get_config(self) -> dict:
        return {
            "dtype": self.dtype,
            "shape": self.shape,
            "ndim": self.ndim,
            "max_ndim": self.max_ndim,
            "min_ndim": self.min_ndim,
            "axes": self.axes,
        }


def assert_input_compatibility(input_spec, inputs, layer_name: str) -> None:
    """Raises ValueError when `inputs` (a nest of tensors) break `input_spec` (one InputSpec
    or a list, one per input)."""
    specs = input_spec if isinstance(input_spec, (list, tuple)) else [input_spec]
    flat = nest.flatten(inputs)
    if len(specs) != len(flat):
        raise ValueError(
            f'Layer "{layer_name}" expects {len(specs)} input(s), but it '
            f"received {len(flat)} input tensors."
        )
    for index, (spec, x) in enumerate(zip(specs, flat, strict=True)):
        if spec is None or not hasattr(x, "shape"):
            continue
        shape = tuple(None if d is None else int(d) for d in x.shape)
        prefix = f'Input {index} of layer "{layer_name}" is incompatible with the layer: '
        rank = len(shape)
        if spec.ndim is not None and rank != spec.ndim:
            raise ValueError(
                f"{prefix}expected ndim={spec.ndim}, found ndim={rank}. "
                f"Full shape received: {shape}"
            )
        if spec.max_ndim is not None and rank > spec.max_ndim:
            raise ValueError(f"{prefix}expected max_ndim={spec.max_ndim}, found ndim={rank}")
        if spec.min_ndim is not None and rank < spec.min_ndim:
            raise ValueError(
                f"{prefix}expected min_ndim={spec.min_ndim}, found ndim={rank}. "
                f"Full shape received: {shape}"
            )
        for axis, value in spec.axes.items():
            if value is None:
                continue
            if not -rank <= axis < rank or shape[axis] not in (value, None):
                raise ValueError(
                    f"{prefix}expected axis {axis} of input shape to have value "
                    f"{value}, but received input with shape {shape}"
                )
        if spec.shape is not None:
            for expected, got in zip(spec.shape, shape, strict=True):
                if expected is not None and got is not None and expected != got:
                    raise ValueError(f"{prefix}expected shape={spec.shape}, found shape={shape}")
