"""``tf.experimental.dlpack``: zero-copy exchange with other array libraries."""

from __future__ import annotations

import numpy as np

from tapeflow import _C


def from_dlpack(dlcapsule_or_array):
    """A tensor from any object implementing ``__dlpack__`` (or a legacy DLPack capsule).

    The values are copied into tapeflow's storage: tensors are immutable, and a copy keeps the
    producer free to change its buffer afterwards.
    """
    source = dlcapsule_or_array
    if type(source).__name__ == "PyCapsule":
        source = _CapsuleHolder(source)
    array = np.from_dlpack(source)
    return _C.from_buffer(array)


def to_dlpack(tensor):
    """A legacy DLPack capsule holding the tensor's values (a copy: legacy DLPack cannot mark
    memory read-only). Prefer passing the tensor itself to a consumer's from_dlpack."""
    return tensor.__dlpack__()


class _CapsuleHolder:
    def __init__(self, capsule):
        self._capsule = capsule

    def __dlpack__(self, stream=None, **kwargs):
        return self._capsule

    def __dlpack_device__(self):
        return (1, 0)
