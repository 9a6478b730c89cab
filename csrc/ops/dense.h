// The fused dense layer: activation(x @ kernel + bias) in one GEMM, the bias add and the
// activation applied to each output tile as it is written back (kernels/cpu/gemm.h). Its
// composite definition, matmul + add + activation, is what the tests hold it against.
#pragma once
#include <optional>
#include <string>

#include "core/tensor.h"

namespace tapeflow::ops {

// x (..., K) @ kernel (K, N) + bias (N,) -> (..., N), float32 or float64, one dtype for all.
// activation: "linear" (or ""), "relu", "sigmoid" or "tanh". Gradients (recorded like any
// op, with differentiable ops, so higher orders work), dz = g * activation'(out):
//   dx = dz @ kernel^T   dkernel = x^T @ dz   dbias = column sums of dz
Tensor dense(const Tensor& x, const Tensor& kernel, const std::optional<Tensor>& bias,
             const std::string& activation);

}  // namespace tapeflow::ops
