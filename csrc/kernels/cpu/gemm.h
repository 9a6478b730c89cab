// CPU matrix multiplication: out (..., M, N) = a (..., M, K) @ b (..., K, N).
// The op layer (ops/linalg.cpp) establishes the contract: a, b and out share one dtype and one
// batch shape (broadcasting already applied as zero strides), a and b may have ANY strides
// (transposes are strided views), out is freshly allocated and contiguous.
//
//   gemm            float32/float64: BLIS-style packed, cache-blocked GEMM around register-tiled
//                   micro-kernels (kernels/cpu/isa/gemm.cpp, one copy per ISA); int32/int64 go
//                   to the reference kernel.
//   gemm_reference  an obviously correct triple loop, kept for tests and integer dtypes.
//
// Results never depend on the thread count: threads split M (or N) blocks, never K.
#pragma once
#include <cstdint>

#include "core/tensor.h"

namespace tapeflow::cpu {

void gemm(const Tensor& a, const Tensor& b, const Tensor& out);
void gemm_reference(const Tensor& a, const Tensor& b, const Tensor& out);

// Products below this many multiply-adds run on one thread (a batch of them is split instead).
constexpr int64_t kGemmParallelMacs = int64_t(1) << 20;

// One (M,K) @ (K,N) product on raw memory, the unit the batch loop hands to the ISA kernels.
// Strides are in elements and may be zero or negative; c is row-major with row stride ldc.
template <typename T>
struct GemmProblem {
  int64_t m, n, k;
  const T* a;
  int64_t a_row_stride, a_col_stride;
  const T* b;
  int64_t b_row_stride, b_col_stride;
  T* c;
  int64_t ldc;
};

}  // namespace tapeflow::cpu
