"""``tf.function``: runs a Python function as a traced program, as TensorFlow's graph mode does.

    @tf.function
    def train_step(inputs, targets):
        with tf.GradientTape() as tape:
            loss = loss_fn(targets, model(inputs, training=True))
        gradients = tape.gradient(loss, model.trainable_weights)
        optimizer.apply_gradients(zip(gradients, model.trainable_weights))
        return loss

The first call with a new signature (the shapes and dtypes of the tensor arguments, the values
of the Python ones) runs the function eagerly while C++ records every op it runs
(csrc/graph/trace.h). Later calls with that signature replay the recorded ops in C++, without
running the Python code between them: layers, losses, metrics and the optimizer's bookkeeping
cost nothing after tracing. As in TensorFlow, Python side effects (print, appending to a list)
happen only when tracing, and Variables are read and written at every call.

A recording that cannot reproduce the call is refused, and the function then runs eagerly at
every call with that signature: when it reads a tensor's value into Python (`float(t)`,
`if t > 0:`), draws random numbers, creates Variables (layers build on their first call: the
next call traces again), or uses a GradientTape entered outside it. The reason is kept in
`experimental_get_tracing_reason(...)`. Calls under an outer GradientTape also run eagerly,
so that the tape sees every op. `tf.config.run_functions_eagerly(True)` turns tracing off.
"""

from __future__ import annotations

import collections
import functools
import math
import sys

import numpy as np

from tapeflow import _C, nest
from tapeflow import config as _config
from tapeflow import variables as _variables

Tensor = _C.Tensor
_run_eagerly = _config._functions_run_eagerly  # tf.config.run_functions_eagerly
_MAX_TRACES_PER_FUNCTION = 64  # more signatures than this: the function runs eagerly
# Refused recordings of one signature before it runs eagerly for good: the first calls often
# build layers, metrics or optimizer slots (Variables), which only those calls do.
_MAX_REFUSED = 3


class _Eager:
    """A signature whose recording was refused: calls run the Python function."""

    __slots__ = ("why", "refusals")

    def __init__(self, why: str, refusals: int):
        self.why = why
        self.refusals = refusals


class _Traced:
    """A recorded program, the Variables it reads (bound as inputs at every run) and how to
    rebuild the function's result from the program's outputs."""

    __slots__ = ("program", "variables", "leaves", "tensor_positions", "structure", "keep")

    def __init__(self, program, variables, leaves, tensor_positions, structure, keep):
        self.program = program
        self.variables = variables  # [(Variable, written in place)]
        self.leaves = leaves  # the result's leaves at tracing (tensors replaced at each run)
        self.tensor_positions = tensor_positions
        self.structure = structure
        self.keep = keep  # the non-tensor arguments keyed by identity, kept alive

    def run(self, tensors: list):
        inputs = tensors
        for variable, written in self.variables:
            value = variable._value
            # A value someone still holds (a tensor read earlier) is copied before the program
            # writes into it: Variable.assign's copy-on-write rule. References: the variable's
            # slot, `value`, and getrefcount's argument.
            if written and (sys.getrefcount(value) > 3 or value._storage_owners != 1):
                variable._value = value = _C.clone(value)
            inputs.append(value)
        outputs = self.program.run(inputs)
        if self.structure is _ONE_TENSOR:
            return outputs[0]
        if not outputs:  # no tensors in the result: the Python values it had when traced
            if self.structure is None:
                return None
            return nest.pack_sequence_as(self.structure, list(self.leaves))  # new containers
        leaves = list(self.leaves)
        for position, value in zip(self.tensor_positions, outputs, strict=True):
            leaves[position] = value
        return nest.pack_sequence_as(self.structure, leaves)


class Function:
    """A Python function run as recorded programs, one per argument signature."""

    def __init__(self, python_function):
        self._python_function = python_function
        self._cache: dict = {}
        functools.update_wrapper(self, python_function)

    @property
    def python_function(self):
        return self._python_function

    def __get__(self, instance, owner=None):
        # A method: the instance is an argument like the others (keyed by identity).
        if instance is None:
            return self
        return functools.partial(self.__call__, instance)

    def __call__(self, *args, **kwargs):
        if _run_eagerly[0] or _variables._entered_tapes or _C.recording():
            # Eagerly under an outer tape (it must see each op) and inside another trace
            # (the ops are recorded into it).
            return self._python_function(*args, **kwargs)
        tensors: list = []
        keep: list = []
        key = _key(args, tensors, keep)
        if kwargs:
            key = (key, _key(kwargs, tensors, keep))
        entry = self._cache.get(key)
        if entry is None:
            if len(self._cache) >= _MAX_TRACES_PER_FUNCTION:
                return self._python_function(*args, **kwargs)
            return self._trace(key, args, kwargs, tensors, keep)
        if type(entry) is _Eager:
            if entry.refusals < _MAX_REFUSED:
                return self._trace(key, args, kwargs, tensors, keep)
            return self._python_function(*args, **kwargs)
        return entry.run(tensors)

    def _trace(self, key, args, kwargs, tensors, keep):
        # The function runs on new handles of its tensor arguments (NumPy arrays converted), so
        # an argument stays apart from the same tensor reached through a closure or a Variable.
        handles = _C.begin_recording(tensors)
        args, kwargs = _with_tensors((args, kwargs), iter(handles))
        _variables._reads_in_recording = reads = set()
        try:
            result = self._python_function(*args, **kwargs)
        except BaseException:
            _C.abandon_recording()
            raise
        finally:
            _variables._reads_in_recording = None
        leaves, structure, positions = _flatten_result(result)
        program, why = _C.end_recording([leaves[i] for i in positions])
        entry = _Eager(why, 0) if program is None else _bind(
            program, reads, leaves, positions, structure, keep)
        if type(entry) is _Eager:
            previous = self._cache.get(key)
            entry.refusals = (previous.refusals if type(previous) is _Eager else 0) + 1
        self._cache[key] = entry
        return result

    def experimental_get_tracing_reason(self, *args, **kwargs):
        """None when a call with these arguments replays a program, else why it does not."""
        tensors: list = []
        key = _key(args, tensors, [])
        if kwargs:
            key = (key, _key(kwargs, tensors, []))
        entry = self._cache.get(key)
        if entry is None:
            return "not traced yet"
        return entry.why if type(entry) is _Eager else None

    def experimental_get_tracing_count(self) -> int:
        return len(self._cache)


def _bind(program, reads, leaves, positions, structure, keep):
    """Binds the captured values of the Variables the function read or wrote as inputs (the
    other captures stay constants), or refuses the program."""
    captures = program.captures()
    by_id = {}
    for variable in list(_variables._all_variables):
        by_id[variable._value._id] = variable
    indices, bound = [], []
    for i, (value, written) in enumerate(captures):
        variable = by_id.get(value._id)
        if variable is not None and (written or variable in reads):
            held = sys.getrefcount(variable._value) - 2 - sum(
                leaf is variable._value for leaf in leaves)
            if held > 0:
                # A value read before the call (a snapshot) is also the variable's value read
                # inside: one tensor in the program, two values at a later run.
                return _Eager("a Variable's value read before the call is used in it", 0)
            indices.append(i)
            bound.append((variable, written))
        elif written:
            return _Eager("an op wrote in place into a tensor that is no Variable's value", 0)
    program.bind_inputs(indices)
    # The result's tensors are filled in at each run: holding them here would keep a traced
    # Variable value referenced, and every run would copy it (copy-on-write).
    if structure is _ONE_TENSOR:
        leaves = [None]
    elif structure is not None:
        leaves = list(leaves)
        for i in positions:
            leaves[i] = None
        # Containers of our own: the caller may change the ones it received.
        structure = nest.pack_sequence_as(structure, leaves)
    return _Traced(program, bound, leaves, positions, structure, keep)


_BY_VALUE = frozenset({bool, int, str, frozenset})
_NESTS = frozenset({collections.OrderedDict})  # containers besides tuple, list, dict


def _is_namedtuple(value) -> bool:
    return isinstance(value, tuple) and hasattr(type(value), "_fields")


def _key(value, tensors: list, keep: list):
    """The signature of an argument, appending its tensors to `tensors`: shapes and dtypes
    for tensors (NumPy arrays become tensors), values for Python scalars and strings,
    identity for other objects (kept alive in `keep`)."""
    kind = type(value)
    if kind is Tensor:
        tensors.append(value)
        return value._signature
    if kind is tuple or kind is list or kind in _NESTS or _is_namedtuple(value):
        if isinstance(value, dict):
            return (kind, *[(k, _key(v, tensors, keep)) for k, v in value.items()])
        return (kind, *[_key(v, tensors, keep) for v in value])
    if kind is dict:
        return (dict, *[(k, _key(v, tensors, keep)) for k, v in value.items()])
    if kind is float:  # 0.0 and -0.0 are equal but not the same argument
        return (float, value, math.copysign(1.0, value))
    if value is None or kind in _BY_VALUE:
        return (kind, value)
    if isinstance(value, np.ndarray):
        tensor = _C.from_buffer(np.ascontiguousarray(value))
        tensors.append(tensor)
        return tensor._signature
    if isinstance(value, Tensor):
        tensors.append(value)
        return value._signature
    if isinstance(value, (np.generic,)):
        return (kind, value.item())
    keep.append(value)
    return ("object", id(value))


def _with_tensors(value, tensors):
    """`value` with each tensor (or NumPy array) replaced by the next of `tensors`, in _key's
    order."""
    kind = type(value)
    if isinstance(value, (Tensor, np.ndarray)):
        return next(tensors)
    if kind is dict or kind in _NESTS:
        return kind((k, _with_tensors(v, tensors)) for k, v in value.items())
    if _is_namedtuple(value):
        return kind(*[_with_tensors(v, tensors) for v in value])
    if kind is tuple or kind is list:
        return kind(_with_tensors(v, tensors) for v in value)
    return value


_ONE_TENSOR = object()  # the structure of a result that is one tensor


def _flatten_result(result):
    """(leaves, structure, positions of the tensor leaves)."""
    if type(result) is Tensor:
        return [result], _ONE_TENSOR, [0]
    leaves = nest.flatten(result)
    positions = [i for i, leaf in enumerate(leaves) if isinstance(leaf, Tensor)]
    return leaves, result, positions


def function(func=None, input_signature=None, autograph=True, jit_compile=None,
             reduce_retracing=False, experimental_implements=None,
             experimental_autograph_options=None, experimental_attributes=None,
             experimental_relax_shapes=None, experimental_compile=None,
             experimental_follow_type_hints=None):
    """Returns `func` as a traced Function (usable bare or with arguments, on functions and
    methods). Programs are specialised to each signature, so `input_signature`,
    `reduce_retracing` and `jit_compile` are accepted for compatibility and change nothing."""
    if func is None:
        return functools.partial(function, input_signature=input_signature,
                                 autograph=autograph, jit_compile=jit_compile,
                                 reduce_retracing=reduce_retracing)
    if not callable(func):
        raise TypeError(f"tf.function: expected a callable, received {type(func).__name__}")
    return Function(func)


__all__ = ["function", "Function"]
