// CPU elementwise kernels. Callers (the op layer, via kernels/dispatch.h) pass operands that
// are already broadcast views of out's shape and of validated dtypes; `out` is freshly
// allocated and may be written in any order.
#pragma once
#include "core/tensor.h"
#include "kernels/scalar_ops.h"

namespace tapeflow::cpu {

// out = op(a, b); a and b share one dtype; out is bool for comparisons, else a's dtype.
void binary(BinaryOp op, const Tensor& a, const Tensor& b, const Tensor& out);
// out = op(a); out is bool for is_nan/is_inf/is_finite, else a's dtype.
void unary(UnaryOp op, const Tensor& a, const Tensor& out);
// out = cond ? a : b; cond is bool.
void where(const Tensor& cond, const Tensor& a, const Tensor& b, const Tensor& out);
// dst = src elementwise with any strides on both sides; converts when the dtypes differ.
void copy(const Tensor& src, const Tensor& dst);

// True when any element of the bool tensor `t` is true.
bool any_true(const Tensor& t);

}  // namespace tapeflow::cpu
