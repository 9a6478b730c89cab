"""linalg ops (see csrc/ops/linalg.cpp): ``tf.matmul`` and ``tf.tensordot``."""

from __future__ import annotations

import numbers

import numpy as np

from tapeflow import _C
from tapeflow import dtypes as _dtypes
from tapeflow._convert import binary_operands

__all__ = ["matmul", "tensordot"]


def matmul(
    a,
    b,
    transpose_a=False,
    transpose_b=False,
    adjoint_a=False,
    adjoint_b=False,
    a_is_sparse=False,
    b_is_sparse=False,
    output_type=None,
    name=None,
):
    """Matrix product ``a @ b`` of tensors of rank >= 2 (``tf.linalg.matmul``).

    The last two dimensions multiply as matrices, (M, K) @ (K, N) -> (M, N); the leading
    (batch) dimensions broadcast like NumPy's, so (2, 1, 3, 4) @ (5, 4, 6) -> (2, 5, 3, 6).
    Both inputs share one dtype: float32, float64, int32 or int64 (never promoted). A NumPy
    array or Python list on one side takes the dtype of the tensor on the other.

    Args:
      a, b: tensors or values convertible to tensors, rank >= 2.
      transpose_a, transpose_b: multiply by the transpose of the last two dimensions.
      adjoint_a, adjoint_b: the conjugate transpose; the same as transposing for real dtypes.
      a_is_sparse, b_is_sparse: hints TensorFlow may use; accepted and ignored.
      output_type: must be None or the inputs' dtype (TensorFlow only widens int8 inputs).
      name: ignored (eager execution).

    Example:
      >>> tf.matmul([[1.0, 2.0]], [[3.0], [4.0]])  # (1, 2) @ (2, 1) -> [[11.]]
    """
    if transpose_a and adjoint_a:
        raise ValueError("Only one of transpose_a and adjoint_a can be True.")
    if transpose_b and adjoint_b:
        raise ValueError("Only one of transpose_b and adjoint_b can be True.")
    a, b = binary_operands(a, b)
    if output_type is not None and _dtypes.as_dtype(output_type)._c != a._dtype:
        raise TypeError(
            f"matmul: output_type {_dtypes.as_dtype(output_type).name} differs from the inputs' "
            f"dtype {_dtypes.from_c(a._dtype).name} (tapeflow has no int8 inputs to widen)"
        )
    return _C.matmul(a, b, bool(transpose_a or adjoint_a), bool(transpose_b or adjoint_b))


def _axis_list(value, what: str) -> list[int]:
    values = np.asarray(value)
    if values.dtype.kind not in "iu" or values.ndim > 1:
        raise TypeError(f"tensordot: {what} must be an int or a list of ints, got {value!r}")
    return [int(v) for v in values.reshape(-1)]


def tensordot(a, b, axes, name=None):
    """Tensor contraction of a and b over the given axes (``tf.tensordot``).

    Args:
      a, b: tensors (or convertible values) of one dtype.
      axes: an int N, contracting the last N axes of a with the first N axes of b; or a pair
        ``[a_axes, b_axes]`` of equal-length int lists (or a pair of ints), contracting
        ``a_axes[i]`` with ``b_axes[i]``.
      name: ignored (eager execution).

    Returns:
      A tensor with a's remaining dimensions followed by b's.

    Example:
      >>> tf.tensordot(tf.ones((2, 3, 4)), tf.ones((4, 3, 5)), [[1, 2], [1, 0]])  # (2, 5)
    """
    a, b = binary_operands(a, b)
    if isinstance(axes, _C.Tensor) or hasattr(axes, "__tf_tensor__"):
        axes = np.asarray(axes)
    if isinstance(axes, np.ndarray) and axes.ndim == 0:
        axes = axes.item()
    if isinstance(axes, bool) or isinstance(axes, np.bool_):
        raise TypeError(f"tensordot: axes must be an int or a pair of int lists, got {axes!r}")
    if isinstance(axes, numbers.Integral):
        return _C.tensordot(a, b, int(axes))
    if not isinstance(axes, (list, tuple, np.ndarray)):
        raise TypeError(f"tensordot: axes must be an int or a pair of int lists, got {axes!r}")
    if len(axes) != 2:
        raise ValueError(f"tensordot: 'axes' must be an int or have length 2, got {axes!r}")
    return _C.tensordot(a, b, _axis_list(axes[0], "axes[0]"), _axis_list(axes[1], "axes[1]"))
