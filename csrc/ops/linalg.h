// Matrix products. Inputs share one dtype, float32, float64, int32 or int64 (no promotion, as
// in TensorFlow); float products use the tuned GEMM, integer ones the reference kernel.
#pragma once
#include <cstdint>
#include <vector>

#include "core/tensor.h"

namespace tapeflow::ops {

// a (..., M, K) @ b (..., K, N) -> (..., M, N). Both ranks must be >= 2; the batch dimensions
// broadcast like NumPy's: (2, 1, 3, 4) @ (5, 4, 6) -> (2, 5, 3, 6). transpose_a / transpose_b
// swap the last two dimensions of that input first (a strided view, never a copy). K = 0 gives
// zeros.
Tensor matmul(const Tensor& a, const Tensor& b, bool transpose_a = false, bool transpose_b = false);
// The same contract computed by the obviously correct triple loop (gemm_reference); tests
// compare the tuned kernel against it.
Tensor matmul_reference(const Tensor& a, const Tensor& b, bool transpose_a = false,
                        bool transpose_b = false);

// Sums a and b over the paired axes a_axes[i] <-> b_axes[i] (negative axes count from the end).
// The result has a's remaining dimensions, then b's: tensordot((2, 3, 4), (4, 3, 5),
// {1, 2}, {1, 0}) -> (2, 5). Computed as permuted views + matmul.
Tensor tensordot(const Tensor& a, const Tensor& b, const std::vector<int64_t>& a_axes,
                 const std::vector<int64_t>& b_axes);
// Contracts the last `axes` dimensions of a with the first `axes` of b.
Tensor tensordot(const Tensor& a, const Tensor& b, int64_t axes);

}  // namespace tapeflow::ops
