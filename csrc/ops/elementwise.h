// Elementwise ops with NumPy broadcasting. Inputs share one dtype (no promotion, as in TF).
#pragma once
#include "core/tensor.h"
#include "kernels/scalar_ops.h"

namespace tapeflow::ops {

// out = op(a, b): arithmetic on numeric dtypes, logical ops on bool, comparisons on any
// (equal/not_equal also on bool) giving bool. Integer division or modulo by zero and integer
// pow with a negative exponent raise InvalidArgumentError.
Tensor binary(BinaryOp op, const Tensor& a, const Tensor& b);
// out = op(a): transcendental functions need float inputs; logical_not needs bool.
Tensor unary(UnaryOp op, const Tensor& a);
// cond ? a : b, all three broadcast together; cond must be bool.
Tensor where(const Tensor& cond, const Tensor& a, const Tensor& b);
// min(max(x, lo), hi) with broadcasting of lo and hi into x's shape.
Tensor clip_by_value(const Tensor& x, const Tensor& lo, const Tensor& hi);
// Elementwise dtype conversion (float -> int truncates toward zero; nonzero -> true).
Tensor cast(const Tensor& x, DType dtype);
// True when any element of a bool tensor is true (an empty tensor gives false).
bool any_true(const Tensor& condition);

}  // namespace tapeflow::ops
