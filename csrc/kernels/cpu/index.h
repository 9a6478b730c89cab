// CPU kernels for indexing and creation: gather, one_hot and the range / linspace / eye fills.
// Plain loops (memory bound, no ISA variants). Callers (ops via kernels/dispatch.h) pass
// contiguous tensors of validated shapes; index values are validated before these run.
#pragma once
#include <cstdint>

#include "core/tensor.h"

namespace tapeflow::cpu {

// params (batch, outer, axis_size, inner), indices (batch, n) int64 in [0, axis_size)
//   -> out (batch, outer, n, inner): out[b, o, i, :] = params[b, o, indices[b, i], :].
void gather(const Tensor& params, const Tensor& indices, int64_t batch, int64_t outer,
            int64_t axis_size, int64_t inner, const Tensor& out);
// indices (outer, inner) int64 -> out (outer, depth, inner) of on/off's dtype (0-d tensors):
// on where indices[o, j] == d, else off (an index outside [0, depth) gives an all-off row).
void one_hot(const Tensor& indices, int64_t outer, int64_t depth, int64_t inner,
             const Tensor& on, const Tensor& off, const Tensor& out);
// out (n,) = start + i * delta, computed in int64 for integer out and double for float out.
void range_int(int64_t start, int64_t delta, const Tensor& out);
void range_float(double start, double delta, const Tensor& out);
// start, stop (outer, inner) of out's float dtype -> out (outer, num, inner), evenly spaced
// from start to stop inclusive (the last entry is exactly stop).
void linspace(const Tensor& start, const Tensor& stop, int64_t outer, int64_t num,
              int64_t inner, const Tensor& out);
// out (batch, rows, cols) = identity matrices (ones on the main diagonal, zeros elsewhere).
void eye(int64_t batch, int64_t rows, int64_t cols, const Tensor& out);
// Checks int32/int64 `indices` (any strides) against [-size, size) when allow_negative, else
// [0, size), writing them (negatives wrapped) to `out` (contiguous int64 of the same shape).
// Returns the flat position of the first bad index, or -1 when all are valid.
int64_t normalize_indices(const Tensor& indices, int64_t size, bool allow_negative,
                          const Tensor& out, int64_t* bad_value);

// Number of true elements of a contiguous bool tensor.
int64_t count_true(const Tensor& mask);
// Coordinates of the true elements of a contiguous bool mask, in row-major order:
// out (count, mask.rank) int64.
void nonzero(const Tensor& mask, const Tensor& out);

}  // namespace tapeflow::cpu
