// CPU elementwise kernels. Callers (the op layer, via kernels/dispatch.h) pass operands that
// are already broadcast views of out's shape and of validated dtypes; `out` is freshly
// allocated and may be written in any order.
#pragma once
#include <optional>

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

// The fused dense epilogue on a block of c (rows, cols) with row stride ld, in place:
// c[i, j] = activation(c[i, j] + bias[j]); bias (cols,) or null; activation Relu, Sigmoid,
// Tanh or none, with the vector maths of unary() (so the fused op matches the composite).
void bias_activate_rows(float* c, int64_t rows, int64_t cols, int64_t ld, const float* bias,
                        std::optional<UnaryOp> activation);
void bias_activate_rows(double* c, int64_t rows, int64_t cols, int64_t ld, const double* bias,
                        std::optional<UnaryOp> activation);

// True when any element of the bool tensor `t` is true.
bool any_true(const Tensor& t);

}  // namespace tapeflow::cpu
