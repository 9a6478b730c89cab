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
// A fused epilogue (the dense layer: activation(a @ b + bias)) is applied to each output tile
// in the write-back of its last K slab, while the tile is still in L1 (vectorised maths).
//
// Results never depend on the thread count: threads split M (or N) blocks, never K.
#pragma once
#include <cstdint>
#include <optional>

#include "core/tensor.h"
#include "kernels/cpu/elementwise.h"
#include "kernels/scalar_ops.h"

namespace tapeflow::cpu {

enum class GemmActivation { None, Relu, Sigmoid, Tanh };

// out = activation(a @ b + bias): bias (N,) contiguous, shared by every matrix of a batch
// (undefined: no bias). Float dtypes only.
struct GemmEpilogue {
  Tensor bias;
  GemmActivation activation = GemmActivation::None;
};

void gemm(const Tensor& a, const Tensor& b, const Tensor& out, const GemmEpilogue& epilogue = {});
void gemm_reference(const Tensor& a, const Tensor& b, const Tensor& out);

// Products below this many multiply-adds run on one thread (a batch of them is split instead).
constexpr int64_t kGemmParallelMacs = int64_t(1) << 19;

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
  const T* bias = nullptr;  // (N,), or null
  GemmActivation activation = GemmActivation::None;

  bool has_epilogue() const { return bias != nullptr || activation != GemmActivation::None; }
};

// The epilogue on a rows x cols block of c (row stride ldc) whose first column is column
// `col` of the product: the vectorised bias_activate_rows of kernels/cpu/elementwise.h, out of
// line, so this header holds no loop that an ISA-specific file could compile for its ISA.
template <typename T>
void apply_epilogue(const GemmProblem<T>& p, T* c, int64_t rows, int64_t cols, int64_t col) {
  std::optional<UnaryOp> activation;
  switch (p.activation) {
    case GemmActivation::Relu:
      activation = UnaryOp::Relu;
      break;
    case GemmActivation::Sigmoid:
      activation = UnaryOp::Sigmoid;
      break;
    case GemmActivation::Tanh:
      activation = UnaryOp::Tanh;
      break;
    case GemmActivation::None:
      break;
  }
  bias_activate_rows(c, rows, cols, p.ldc, p.bias == nullptr ? nullptr : p.bias + col, activation);
}

}  // namespace tapeflow::cpu
