"""What happens when a layer is called (``layer(inputs, training=...)``), around its `call`:

1. inputs are converted (NumPy arrays, lists and numbers become tensors) and floats are cast
   to the layer's compute dtype;
2. symbolic inputs (`keras.Input`) record a graph node instead (symbolic.py);
3. the layer is built on the first call, and the inputs are checked against `input_spec`;
4. the `training` flag is resolved: the explicit argument, else the enclosing call's flag,
   else `call`'s own default; it reaches `call` only when `call` takes it;
5. an outermost call first clears the call losses of the previous one; activity penalties
   of the outputs are added to `losses` after `call`.

The call of a built layer on one tensor (every step of a training loop) takes a short path:
no nest walks, and the input spec checked once per input shape and dtype.
"""

from __future__ import annotations

import inspect
import threading

import numpy as np

import tapeflow as tf
from tapeflow import dtypes as _dtypes
from tapeflow import nest
from tapeflow.keras.layers import symbolic
from tapeflow.keras.layers.input_spec import assert_input_compatibility

# .depth: how many layer calls are in progress; .training: the flag of the innermost one.
_context = threading.local()


class LayerCalling:
    """Layer's `__call__` (mixed into Layer, which provides `call`, `build`, `input_spec`,
    `activity_regularizer`, `add_loss` and `_clear_losses`)."""

    def __call__(self, *args, **kwargs):
        if (
            len(args) == 1
            and type(args[0]) is tf.Tensor
            and self.__dict__.get("built")
            and (not kwargs or (len(kwargs) == 1 and "training" in kwargs))
        ):
            return self._call_on_tensor(args[0], kwargs)
        self._ensure_base_state()
        if not args:
            if "inputs" not in kwargs:
                raise TypeError(
                    f"{type(self).__name__}: __call__ needs the inputs as its first argument"
                )
            args = (kwargs.pop("inputs"),)
        if symbolic.any_symbolic((args, kwargs)):
            return symbolic.call_symbolically(self, args, kwargs)
        inputs = self._convert_inputs(args[0])
        args = (inputs,) + args[1:]
        self._maybe_build(nest.map_structure(_shape_tuple, inputs))
        if self.input_spec is not None:
            assert_input_compatibility(self.input_spec, inputs, self.name)
        return self._call_in_context(args, kwargs)

    def _call_on_tensor(self, x, kwargs):
        """The common call of a built layer on one tensor: no nest walks, and the input spec
        checked once per input shape."""
        if type(self)._convert_inputs is LayerCalling._convert_inputs:
            if self._autocast:
                dtype = _dtypes.from_c(x._dtype)
                if dtype.is_floating and dtype.name != self.compute_dtype:
                    x = tf.cast(x, self.compute_dtype)
        else:
            x = self._convert_inputs(x)
        spec = self.input_spec
        if spec is not None:
            checked = (id(spec), x._shape, x._dtype)
            if self.__dict__.get("_checked_input") != checked:
                assert_input_compatibility(spec, x, self.name)
                self.__dict__["_checked_input"] = checked  # NOTE: untracked, set directly
        return self._call_in_context((x,), kwargs)

    def _call_in_context(self, args, kwargs):
        context = _context
        depth = getattr(context, "depth", 0)
        outer_training = getattr(context, "training", None)
        training = kwargs.get("training")
        if training is None and depth:
            training = outer_training
        if self._call_takes_training():
            if training is None:
                kwargs.pop("training", None)
            else:
                kwargs["training"] = training
        elif kwargs:
            kwargs.pop("training", None)
        if not depth:
            self._clear_losses()
        context.depth = depth + 1
        context.training = training
        try:
            outputs = self.call(*args, **kwargs)
        finally:
            context.depth = depth
            context.training = outer_training
        if self.activity_regularizer is not None:
            for output in nest.flatten(outputs):
                if isinstance(output, tf.Tensor):
                    self.add_loss(self.activity_regularizer(output))
        return outputs

    def _call_takes_training(self) -> bool:
        cls = type(self)
        cached = cls.__dict__.get("_takes_training_cache")
        if cached is None:
            params = inspect.signature(self.call).parameters
            cached = "training" in params or any(
                p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values()
            )
            cls._takes_training_cache = cached
        return cached

    def _convert_inputs(self, inputs):
        """NumPy arrays, lists and numbers become tensors; floats take the layer's dtype."""
        dtype = self.compute_dtype

        def convert(x):
            if isinstance(x, tf.Tensor):
                if self._autocast and x.dtype.is_floating and x.dtype.name != dtype:
                    return tf.cast(x, dtype)
                return x
            if isinstance(x, tf.Variable):
                return convert(x.value())
            if isinstance(x, (np.ndarray, np.generic, list, float, int)):
                array = np.asarray(x)
                if array.dtype.kind == "f" and self._autocast:
                    array = array.astype(dtype, copy=False)
                return tf.convert_to_tensor(array)
            return x

        if _is_nested_numbers(inputs):  # [[1., 2.]] is one input, not two
            return convert(np.asarray(inputs))
        return nest.map_structure(convert, inputs)


def _is_nested_numbers(value) -> bool:
    while isinstance(value, (list, tuple)) and value:
        value = value[0]
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _shape_tuple(x):
    shape = getattr(x, "shape", None)
    if shape is None:
        return None
    return tuple(None if d is None else int(d) for d in shape)
