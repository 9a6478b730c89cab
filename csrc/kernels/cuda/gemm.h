// CUDA matrix multiplication: the contract of kernels/cpu/gemm.h (out (..., M, N) =
// a (..., M, K) @ b (..., K, N); a and b any strides with one batch shape, out fresh and
// contiguous), for tensors on one GPU.
//
//   gemm            float32/float64: shared-memory tiles, register-blocked; int32/int64 go to
//                   the reference kernel
//   gemm_reference  one thread per output, k in ascending order (float32 summed in double)
// A fused epilogue (out = activation(a @ b + bias), the dense layer) is applied as each tile is
// written back, by the functors of kernels/scalar_ops.h.
#pragma once
#include "core/tensor.h"
#include "kernels/cpu/gemm.h"  // GemmEpilogue

namespace tapeflow::cuda {

void gemm(const Tensor& a, const Tensor& b, const Tensor& out,
          const cpu::GemmEpilogue& epilogue = {});
void gemm_reference(const Tensor& a, const Tensor& b, const Tensor& out);

}  // namespace tapeflow::cuda
