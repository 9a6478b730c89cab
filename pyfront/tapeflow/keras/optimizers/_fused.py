"""The fused path of `Optimizer.apply`: one C++ call updates every variable in place
(csrc/ops/optimizer.cpp), in place of `update_step` called once per variable (a dozen ops and
as many temporaries each). `update_step` stays the reference: it runs whenever the fused path
does not apply (a subclass that overrides `update_step`, a gradient whose dtype differs from
its variable's, a variable listed twice), and the tests compare both.

Each optimizer family that has a fused kernel defines `_fused_update_step(grads, variables,
learning_rate)`, calling `writable` on what it hands to C++.
"""

from __future__ import annotations

import sys

from tapeflow import _C
from tapeflow import variables as _variables

_FLOAT_DTYPES = (_C.DType.float32, _C.DType.float64)
_fusable_classes: dict = {}  # class -> whether its update_step is the one its fused step mirrors


def _class_is_fusable(cls) -> bool:
    found = _fusable_classes.get(cls)
    if found is None:
        fused_owner = next((c for c in cls.__mro__ if "_fused_update_step" in c.__dict__), None)
        step_owner = next((c for c in cls.__mro__ if "update_step" in c.__dict__), None)
        found = fused_owner is not None and fused_owner is step_owner
        _fusable_classes[cls] = found
    return found


def applies(optimizer, grads, variables) -> bool:
    """Whether the fused kernel computes exactly what `update_step` would (the kernels are
    CPU-only for now: variables on a GPU take `update_step`)."""
    if not _class_is_fusable(type(optimizer)):
        return False
    for g, v in zip(grads, variables, strict=True):
        dtype = v._value._dtype
        if type(g) is not _C.Tensor or g._dtype != dtype or dtype not in _FLOAT_DTYPES:
            return False
        if not (v._value._on_host and g._on_host):
            return False
    return len({id(v) for v in variables}) == len(variables)


def writable(variables) -> list:
    """The variables' value tensors, safe to write in place: a value some reader still holds (a
    tensor read earlier, a view) is copied first, so the reader keeps the old values
    (Variable.assign's copy-on-write rule)."""
    values = []
    for v in variables:
        # References to the value: the variable's slot and getrefcount's argument.
        if sys.getrefcount(v._value) > 2 or v._value._storage_owners != 1:
            _variables._replacing_value()
            v._value = _C.clone(v._value)
        values.append(v._value)
    return values


def slots_of(optimizer, slots: list, variables) -> list:
    """The slot Variables (from one of the optimizer's slot lists) of `variables`."""
    index = optimizer._index
    return [slots[index[id(v)]] for v in variables]
