"""keras.constraints: projections vs NumPy, string look-up, config round trips."""

from __future__ import annotations

import numpy as np
import pytest

import tapeflow as tf
from helpers import assert_close
from tapeflow.keras import constraints

W = np.array([[3.0, -0.1], [4.0, 0.2]])  # column norms 5 and sqrt(0.05)
NORMS = np.sqrt((W**2).sum(axis=0, keepdims=True))
EPS = 1e-7


def test_max_norm_rescales_only_long_columns():
    out = constraints.MaxNorm(2.0)(tf.constant(W)).numpy()
    assert_close(out, W * np.minimum(NORMS, 2.0) / (EPS + NORMS), rtol=1e-12)
    assert_close(np.sqrt((out**2).sum(axis=0)), np.array([2.0, np.sqrt(0.05)]), rtol=1e-6)


def test_max_norm_axis_1_uses_row_norms():
    out = constraints.MaxNorm(1.0, axis=1)(tf.constant(W)).numpy()
    rows = np.sqrt((W**2).sum(axis=1, keepdims=True))
    assert_close(out, W * np.minimum(rows, 1.0) / (EPS + rows), rtol=1e-12)


def test_min_max_norm_and_rate():
    out = constraints.MinMaxNorm(1.0, 2.0, rate=0.5)(tf.constant(W)).numpy()
    desired = 0.5 * np.clip(NORMS, 1.0, 2.0) + 0.5 * NORMS
    assert_close(out, W * desired / (EPS + NORMS), rtol=1e-12)


def test_non_neg_and_unit_norm():
    assert_close(constraints.NonNeg()(tf.constant(W)).numpy(), np.maximum(W, 0.0))
    assert_close(constraints.UnitNorm()(tf.constant(W)).numpy(), W / (EPS + NORMS), rtol=1e-12)


@pytest.mark.parametrize(
    "name,cls",
    [
        ("max_norm", constraints.MaxNorm),
        ("NonNeg", constraints.NonNeg),
        ("unit_norm", constraints.UnitNorm),
        ("min_max_norm", constraints.MinMaxNorm),
    ],
)
def test_get_by_name_and_config_round_trip(name, cls):
    constraint = constraints.get(name)
    assert isinstance(constraint, cls)
    config = constraints.serialize(constraint)
    assert type(constraints.deserialize(config)) is cls
    assert constraints.get(config).get_config() == constraint.get_config()


def test_get_none_callables_and_unknown_names():
    assert constraints.get(None) is None
    assert constraints.get(np.abs) is np.abs
    with pytest.raises(ValueError, match="no_such_constraint"):
        constraints.get("no_such_constraint")
