"""Assertions shared by the tests: a failure prints the first differing elements and the
largest difference, not just 'arrays differ'."""

from __future__ import annotations

import numpy as np


def assert_close(actual, expected, rtol=1e-6, atol=1e-6, what=""):
    actual = np.asarray(actual)
    expected = np.asarray(expected)
    assert actual.shape == expected.shape, (
        f"{what}: shape {actual.shape} != expected {expected.shape}")
    if actual.dtype == np.bool_ or expected.dtype == np.bool_ or actual.dtype.kind in "iu":
        bad = actual != expected
    else:
        a64, e64 = actual.astype(np.float64), expected.astype(np.float64)
        both_nan = np.isnan(a64) & np.isnan(e64)
        same_inf = np.isinf(a64) & np.isinf(e64) & (np.sign(a64) == np.sign(e64))
        with np.errstate(invalid="ignore"):
            bad = ~(np.abs(a64 - e64) <= atol + rtol * np.abs(e64)) & ~both_nan & ~same_inf
    if bad.any():
        idx = np.argwhere(bad)[:5]
        lines = [f"  at {tuple(i)}: got {actual[tuple(i)]!r}, expected {expected[tuple(i)]!r}"
                 for i in idx]
        if actual.dtype.kind == "f":
            diff = np.nanmax(np.abs(actual.astype(np.float64) - expected.astype(np.float64)))
            lines.append(f"  max abs difference {diff:.3e} (rtol={rtol}, atol={atol})")
        raise AssertionError(f"{what}: {int(bad.sum())} of {bad.size} elements differ\n"
                             + "\n".join(lines))
