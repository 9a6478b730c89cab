// Shape ops (ops/shape.cpp: views and sizes; ops/join.cpp: concat, stack, tile, split,
// unstack), with TensorFlow's semantics and errors. Views share the input's storage (no copy):
// reshape (when the strides allow), transpose, expand_dims, squeeze, broadcast_to, reverse,
// identity, split and unstack. concat, stack and tile copy. Every dtype is accepted.
// Bad axes raise IndexError; bad shapes and sizes InvalidArgumentError.
#pragma once
#include <optional>
#include <vector>

#include "core/tensor.h"

namespace tapeflow::ops {

using IntList = std::vector<int64_t>;

// `shape` may hold one -1, inferred from the element count. A view when x's strides allow it
// (always for a contiguous x), else a contiguous copy.
Tensor reshape(const Tensor& x, const IntList& shape);
// out.dim(i) = x.dim(perm[i]); perm defaults to reversing the axes.
Tensor transpose(const Tensor& x, const std::optional<IntList>& perm);
// Inserts a dimension of size 1 at `axis`, in [-rank - 1, rank].
Tensor expand_dims(const Tensor& x, int64_t axis);
// Drops the given size-1 axes (all of them when nullopt); a listed axis of size != 1 raises.
Tensor squeeze(const Tensor& x, const std::optional<IntList>& axes);
// x broadcast (NumPy rules, zero strides) to exactly `shape`.
Tensor broadcast_to(const Tensor& x, const IntList& shape);
// x with the listed axes reversed (negative strides).
Tensor reverse(const Tensor& x, const IntList& axes);
// The same values under a new tensor id (a view); gradients pass through unchanged.
Tensor identity(const Tensor& x);

// Joins tensors of one rank >= 1 and dtype along `axis`; other dimensions must agree.
Tensor concat(const std::vector<Tensor>& values, int64_t axis);
// Joins tensors of one shape along a new axis in [-rank - 1, rank].
Tensor stack(const std::vector<Tensor>& values, int64_t axis);
// Views of consecutive pieces of x along `axis` of the given sizes (one may be -1).
std::vector<Tensor> split(const Tensor& x, const IntList& sizes, int64_t axis);
// `num` equal pieces; x.dim(axis) must be divisible by num.
std::vector<Tensor> split_evenly(const Tensor& x, int64_t num, int64_t axis);
// The x.dim(axis) slices of x along `axis` (views, that axis dropped); num, when given,
// must equal x.dim(axis).
std::vector<Tensor> unstack(const Tensor& x, std::optional<int64_t> num, int64_t axis);
// out.dim(i) = x.dim(i) * multiples[i], x repeated along each axis.
Tensor tile(const Tensor& x, const IntList& multiples);

// x's shape as a 1-D tensor, its element count and rank as 0-d tensors (int32 or int64).
Tensor shape_of(const Tensor& x, DType out_type);
Tensor size_of(const Tensor& x, DType out_type);
Tensor rank_of(const Tensor& x);

}  // namespace tapeflow::ops
