"""Forward results of every op in the op table against NumPy computed in float64."""

from __future__ import annotations

import numpy as np
import pytest

import tapeflow as tf
from helpers import assert_close
from op_table import all_cases

CASES = all_cases()


def _params():
    for case in CASES:
        for dtype in case.dtypes:
            for shapes in case.shapes:
                yield pytest.param(case, dtype, shapes, id=f"{case.name}-{dtype}-{shapes}")


def _to_reference(array: np.ndarray) -> np.ndarray:
    return array.astype(np.float64) if array.dtype.kind == "f" else array


def _check(case, dtype, outputs, expected):
    if isinstance(expected, (list, tuple)):
        assert len(outputs) == len(expected)
        for out, exp in zip(outputs, expected, strict=True):
            _check(case, dtype, out, exp)
        return
    out = np.asarray(outputs)
    exp = np.asarray(expected)
    if exp.dtype == np.float64 and out.dtype.kind == "f":
        exp = exp.astype(out.dtype).astype(np.float64) if dtype == "float32" else exp
    assert_close(out, exp, rtol=case.rtol.get(dtype, 1e-6), atol=case.atol.get(dtype, 1e-6),
                 what=case.name)


@pytest.mark.parametrize("case,dtype,shapes", list(_params()))
def test_forward_matches_numpy(case, dtype, shapes, rng):
    inputs = case.inputs(rng, shapes, dtype)
    outputs = case.fn(*[tf.convert_to_tensor(x) for x in inputs], **case.kwargs)
    expected = case.ref(*[_to_reference(x) for x in inputs], **case.kwargs)
    _check(case, dtype, outputs, expected)


@pytest.mark.parametrize("case,dtype,shapes", [
    p for p in _params() if any(len(s) >= 2 for s in p.values[2])
])
def test_forward_on_non_contiguous_inputs(case, dtype, shapes, rng):
    """The same op on transposed views (strided, non-contiguous) gives the same result."""
    inputs = case.inputs(rng, shapes, dtype)
    tensors = []
    for x in inputs:
        if x.ndim >= 2:
            perm = list(range(x.ndim))
            perm[-1], perm[-2] = perm[-2], perm[-1]
            # Build x^T contiguously, then transpose back: a strided view holding x's values.
            swapped = tf.convert_to_tensor(np.ascontiguousarray(np.transpose(x, perm)))
            view = tf.transpose(swapped, perm)
            assert not view._is_contiguous or min(x.shape[-2:]) <= 1
            tensors.append(view)
        else:
            tensors.append(tf.convert_to_tensor(x))
    outputs = case.fn(*tensors, **case.kwargs)
    expected = case.ref(*[_to_reference(x) for x in inputs], **case.kwargs)
    _check(case, dtype, outputs, expected)
