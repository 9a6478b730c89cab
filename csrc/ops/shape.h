// Shape ops. Views (no copy, sharing the input's storage): reshape (when strides allow),
// transpose, expand_dims, squeeze, broadcast_to, identity. Copies: concat, stack, unstack,
// split, tile, reverse. Axes follow Python's convention (negative counts from the end);
// a bad axis raises IndexError, a bad size InvalidArgumentError.
#pragma once
#include <vector>

#include "core/tensor.h"

namespace tapeflow::ops {

// `shape` may hold one -1, inferred from the element count. A view when t's strides allow it
// (always for contiguous t), else a contiguous copy viewed with the new shape.
Tensor reshape(const Tensor& t, const std::vector<int64_t>& shape);
// out.shape[i] = t.shape[perm[i]]; an empty perm reverses the axes.
Tensor transpose(const Tensor& t, const std::vector<int64_t>& perm);
// Inserts a size-1 axis at `axis`, which lies in [-rank-1, rank].
Tensor expand_dims(const Tensor& t, int64_t axis);
// Removes the listed size-1 axes, or every size-1 axis when `axes` is empty.
Tensor squeeze(const Tensor& t, const std::vector<int64_t>& axes);
// A zero-stride view of t broadcast (NumPy rules) to `shape`.
Tensor broadcast_to(const Tensor& t, const std::vector<int64_t>& shape);
// A new tensor value (new id) viewing t's storage with t's geometry.
Tensor identity(const Tensor& t);
// t's shape as a 1-D int32 or int64 tensor.
Tensor shape_of(const Tensor& t, DType out_type);

// values (each (..., n_i, ...)) joined along `axis` -> (..., sum n_i, ...).
Tensor concat(const std::vector<Tensor>& values, int64_t axis);
// values (each of one shape S) -> S with a new axis of size len(values) at `axis`.
Tensor stack(const std::vector<Tensor>& values, int64_t axis);
// The inverse of stack: t.shape[axis] views with that axis removed (no copy).
std::vector<Tensor> unstack(const Tensor& t, int64_t axis);
// Views of consecutive pieces of t along `axis` with the given sizes (one may be -1).
std::vector<Tensor> split(const Tensor& t, const std::vector<int64_t>& sizes, int64_t axis);
// t split into `num` equal pieces along `axis` (the size must divide evenly).
std::vector<Tensor> split_even(const Tensor& t, int64_t num, int64_t axis);
// out.shape[i] = t.shape[i] * multiples[i], t repeated along each axis.
Tensor tile(const Tensor& t, const std::vector<int64_t>& multiples);
// t with the listed axes reversed (a copy).
Tensor reverse(const Tensor& t, const std::vector<int64_t>& axes);

}  // namespace tapeflow::ops
