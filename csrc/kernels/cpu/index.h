// CPU index kernels: gather and its transpose (scatter-sum), one_hot, tile, and the fills
// behind range and eye. Plain loops: they move bytes, so no per-ISA copies.
//
// The op layer (ops/index.cpp, ops/shape.cpp, ops/creation.cpp) validates shapes, dtypes and
// every index value before calling, and passes contiguous inputs and a fresh contiguous `out`
// unless a comment says otherwise. Index tensors are int32 or int64.
#pragma once
#include <cstdint>

#include "core/tensor.h"

namespace tapeflow::cpu {

// Gather viewed as 4-D: params (B, P, N, Q), indices (B, K) in [0, N), out (B, P, K, Q):
//   out[b, p, k, :] = params[b, p, indices[b, k], :]
struct GatherDims {
  int64_t batch = 1, outer = 1, axis_size = 0, inner = 1, num_indices = 0;
};
void gather(const Tensor& params, const Tensor& indices, const GatherDims& d, const Tensor& out);
// The transpose of gather: out (B, P, N, Q) = 0, then out[b, p, indices[b, k], :] +=
// updates[b, p, k, :] in increasing k (deterministic). Numeric dtypes.
void scatter_sum(const Tensor& updates, const Tensor& indices, const GatherDims& d,
                 const Tensor& out);

// The first element of `indices` (contiguous) outside [lo, hi): its flat row-major position
// (-1 when all are inside) and its value.
struct OutOfRange {
  int64_t position = -1;
  int64_t value = 0;
};
OutOfRange find_out_of_range(const Tensor& indices, int64_t lo, int64_t hi);

// indices: P * Q elements; out: a 3-D view (P, depth, Q) of a contiguous tensor:
//   out[p, i, q] = (indices[p * Q + q] == i) ? on : off
// on and off are 0-d tensors of out's dtype; an index outside [0, depth) gives only off.
void one_hot(const Tensor& indices, const Tensor& on, const Tensor& off, const Tensor& out);

// out[i...] = x[i_0 % x.dim(0), ...]; x may have any strides; out.dim(k) = multiple * x.dim(k).
void tile(const Tensor& x, const Tensor& out);

// out (1-D, numeric) [i] = start + i * delta, computed in out's dtype; start and delta are
// 0-d tensors of out's dtype.
void fill_range(const Tensor& start, const Tensor& delta, const Tensor& out);
// out (..., R, C): 1 on each matrix's main diagonal, 0 elsewhere (any dtype).
void eye(const Tensor& out);
// Flat row-major positions (int64) of the true elements of a contiguous bool tensor, in order.
int64_t count_true(const Tensor& mask);
void true_positions(const Tensor& mask, const Tensor& out);

}  // namespace tapeflow::cpu
