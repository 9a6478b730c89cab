"""``tf.GradientTape``: records operations on watched tensors for reverse-mode
differentiation. The recording and the backward engine are in C++ (csrc/autograd/); this
class handles Python structure (nests of sources), Variables and context management.
"""

from __future__ import annotations

import contextlib
import enum

from tapeflow import _C, nest, variables
from tapeflow._convert import convert_to_tensor

Tensor = _C.Tensor

# The entered tapes, innermost last (mirrors the C++ thread-local stack). The list object is
# shared with variables.py, whose reads check it before calling the hook.
_entered: list[GradientTape] = variables._entered_tapes

_NESTS = (list, tuple, dict)


class UnconnectedGradients(enum.Enum):
    NONE = "none"
    ZERO = "zero"


_NONE = UnconnectedGradients.NONE


def _zero_unconnected(mode) -> bool:
    if isinstance(mode, enum.Enum):
        mode = mode.value
    return UnconnectedGradients(mode) is UnconnectedGradients.ZERO


def _is_flat(structure) -> bool:
    """A plain list or tuple of leaves: nest's general (slower) walk is not needed."""
    if type(structure) is not list and type(structure) is not tuple:
        return False
    for item in structure:
        if isinstance(item, _NESTS):
            return False
    return True


def _sum_groups(grads: list, counts: list) -> list:
    """Adds up consecutive runs of `counts` gradients (None where nothing flowed)."""
    sums, position = [], 0
    for count in counts:
        parts = [g for g in grads[position:position + count] if g is not None]
        position += count
        total = parts[0] if parts else None
        for part in parts[1:]:
            total = total + part
        sums.append(total)
    return sums


def _on_variable_read(variable) -> None:
    """A trainable variable was read while some tape is entered."""
    for tape in _entered:
        if tape._watch_accessed_variables and tape._recording:
            tape._watch_variable(variable)


variables._read_hook = _on_variable_read


class GradientTape:
    """Records operations for automatic differentiation.

    Example::

        x = tf.Variable(3.0)
        with tf.GradientTape() as tape:
            y = x * x
        tape.gradient(y, x)  # 6.0
    """

    def __init__(self, persistent: bool = False, watch_accessed_variables: bool = True):
        self._persistent = bool(persistent)
        self._watch_accessed_variables = bool(watch_accessed_variables)
        self._tape = _C.Tape(self._persistent)
        # id(variable) -> [variable, value read, ...]: every value of each variable read under
        # this tape (an assign inside the tape makes a new value); the gradient for a variable
        # is the sum over them.
        self._variables: dict[int, list] = {}
        self._recording = True  # mirrors self._tape.recording, read on every variable access
        self._inside = False

    def __enter__(self) -> GradientTape:
        if self._inside:
            raise ValueError("GradientTape is already recording (entered twice)")
        self._inside = True
        self._tape.push()
        _entered.append(self)
        return self

    def __exit__(self, *exc) -> None:
        self._inside = False
        self._tape.pop()
        if _entered and _entered[-1] is self:
            _entered.pop()
        elif self in _entered:
            _entered.remove(self)

    # -- what is watched ---------------------------------------------------------------------
    def _watch_variable(self, variable) -> None:
        entry = self._variables.get(id(variable))
        value = variables._value_read(variable)
        if entry is None:
            self._variables[id(variable)] = [variable, value]
        elif entry[-1] is value or any(read is value for read in entry[1:]):
            return
        else:
            entry.append(value)
        self._tape.watch(value)

    def watch(self, tensor) -> None:
        """Watches a tensor, a Variable, or any nest of them."""
        if type(tensor) is Tensor:
            self._tape.watch(tensor)
            return
        for item in nest.flatten(tensor):
            if isinstance(item, variables.Variable):
                self._watch_variable(item)
            elif isinstance(item, Tensor):
                self._tape.watch(item)
            else:
                raise ValueError(f"Passed in object {item!r} of type {type(item).__name__!r}, "
                                 "not tf.Tensor or tf.Variable")

    def watched_variables(self) -> tuple:
        return tuple(entry[0] for entry in self._variables.values())

    @contextlib.contextmanager
    def stop_recording(self):
        """Ops run inside this block are not recorded."""
        if not self._inside:
            raise ValueError("stop_recording() is only valid while the tape is recording")
        previous = self._recording
        self._tape.recording = self._recording = False
        try:
            yield
        finally:
            self._tape.recording = self._recording = previous

    def reset(self) -> None:
        """Clears everything recorded so far (the tape keeps recording if entered)."""
        self._tape.reset()
        self._variables.clear()

    # -- differentiation ---------------------------------------------------------------------
    def _source_values(self, flat_sources: list) -> tuple[list, list | None]:
        """The tensors whose gradients make up each source's gradient, flattened, and how many
        belong to each source (None when each has one: the common case)."""
        values, counts = [], None
        for i, item in enumerate(flat_sources):
            if type(item) is Tensor:
                values.append(item)
            elif isinstance(item, variables.Variable):
                entry = self._variables.get(id(item))
                if entry is None:
                    values.append(variables._value_read(item))
                elif len(entry) == 2:
                    values.append(entry[1])
                else:  # assigned under the tape: every value read counts
                    counts = counts or [1] * i
                    counts.append(len(entry) - 1)
                    values.extend(entry[1:])
                    continue
            else:
                values.append(self._as_source(item))
            if counts is not None:
                counts.append(1)
        return values, counts

    @staticmethod
    def _as_source(item):
        if isinstance(item, variables.Variable):
            return variables._value_read(item)
        if isinstance(item, Tensor):
            return item
        if hasattr(item, "__tf_tensor__"):
            return item.__tf_tensor__()
        raise ValueError(f"sources must be tensors or Variables, got {type(item).__name__}")

    def gradient(self, target, sources, output_gradients=None,
                 unconnected_gradients=UnconnectedGradients.NONE):
        """d(sum of target)/d(source) for each source; the result has sources' structure."""
        zero_unconnected = unconnected_gradients is not _NONE and _zero_unconnected(
            unconnected_gradients)
        targets = [target] if type(target) is Tensor else [
            convert_to_tensor(t) for t in nest.flatten(target)]
        if _is_flat(sources):
            flat_sources = sources
        else:
            flat_sources = nest.flatten(sources) if isinstance(sources, _NESTS) else (sources,)
        values, counts = self._source_values(flat_sources)
        seeds = [] if output_gradients is None else [
            None if g is None else convert_to_tensor(g) for g in nest.flatten(output_gradients)]
        grads = self._tape.gradient(targets, values, seeds)
        if not self._persistent:
            # The records are gone; dropping the values read lets an optimizer update the
            # variables in place instead of copying them (Variable.assign's copy-on-write).
            for entry in self._variables.values():
                del entry[1:]
        if counts is not None:
            grads = _sum_groups(grads, counts)
        if zero_unconnected:
            from tapeflow.ops import creation

            firsts = values if counts is None else [
                values[sum(counts[:k])] for k in range(len(counts))]
            grads = [creation.zeros_like(v) if g is None else g
                     for g, v in zip(grads, firsts, strict=True)]
        if flat_sources is sources:
            return grads if type(sources) is list else tuple(grads)
        return grads[0] if type(flat_sources) is tuple else nest.pack_sequence_as(sources, grads)

    def jacobian(self, target, sources, unconnected_gradients=UnconnectedGradients.NONE,
                 parallel_iterations=None, experimental_use_pfor=True):
        """J[i..., j...] = d target[i...] / d source[j...], one backward pass per element."""
        from tapeflow.ops import creation
        from tapeflow.ops import shape as shape_ops

        target = convert_to_tensor(target)
        flat_sources = nest.flatten(sources)
        source_tensors = [self._as_source(s) for s in flat_sources]
        n = target._numel
        rows: list[list] = [[] for _ in source_tensors]
        for i in range(n):
            one_hot = shape_ops.reshape(
                creation.one_hot(i, n, dtype=target.dtype), tuple(target._shape))
            grads = self._tape.gradient([target], source_tensors, [one_hot], keep=i + 1 < n)
            for k, (g, s) in enumerate(zip(grads, source_tensors, strict=True)):
                if g is None and unconnected_gradients in (UnconnectedGradients.ZERO, "zero"):
                    g = creation.zeros_like(s)
                rows[k].append(g)
        result = []
        for k, s in enumerate(source_tensors):
            if any(g is None for g in rows[k]) or n == 0:
                result.append(None if n else creation.zeros(
                    tuple(target._shape) + tuple(s._shape), dtype=s.dtype))
                continue
            stacked = shape_ops.stack(rows[k])
            result.append(shape_ops.reshape(stacked, tuple(target._shape) + tuple(s._shape)))
        return nest.pack_sequence_as(sources, result)

    def batch_jacobian(self, target, source, unconnected_gradients=UnconnectedGradients.NONE,
                       parallel_iterations=None, experimental_use_pfor=True):
        """J[b, i..., j...] = d target[b, i...] / d source[b, j...] (examples independent)."""
        from tapeflow.ops import reduce as reduce_ops
        from tapeflow.ops import shape as shape_ops

        target = convert_to_tensor(target)
        source_t = self._as_source(source)
        if target.ndim < 1 or source_t.ndim < 1:
            raise ValueError("batch_jacobian needs target and source of rank >= 1 "
                             f"(got {target.ndim} and {source_t.ndim})")
        if target._shape[0] != source_t._shape[0]:
            raise ValueError(f"batch dimensions differ: target {tuple(target._shape)}, "
                             f"source {tuple(source_t._shape)}")
        full = self.jacobian(target, source, unconnected_gradients)
        if full is None:
            return None
        batch = target._shape[0]
        t_rest, s_rest = tuple(target._shape[1:]), tuple(source_t._shape[1:])
        # full: (B, *t_rest, B, *s_rest) -> take the diagonal over the two batch axes
        flat = shape_ops.reshape(full, (batch, -1, batch, max(1, _prod(s_rest))))
        eye = _C.cast(shape_ops.reshape(_eye_bool(batch), (batch, 1, batch, 1)), flat._dtype)
        diag = reduce_ops.reduce_sum(flat * eye, axis=2)
        return shape_ops.reshape(diag, (batch,) + t_rest + s_rest)


def _prod(dims) -> int:
    n = 1
    for d in dims:
        n *= d
    return n


def _eye_bool(n):
    from tapeflow.ops import creation

    return creation.eye(n, dtype="bool")


def stop_gradient(input, name=None):  # noqa: A002  (TF's argument name)
    """The same values, cut off from every tape."""
    tensor = convert_to_tensor(input)
    return _C.stop_gradient(tensor)
