// Reductions over any set of axes (all of them when `axes` is nullopt), with keepdims, and
// arg max / arg min along one axis. TensorFlow 2's semantics: bad axes raise IndexError;
// duplicate axes and wrong dtypes InvalidArgumentError; no dtype promotion.
#pragma once
#include <optional>
#include <vector>

#include "core/tensor.h"
#include "kernels/cpu/reduce.h"

namespace tapeflow::ops {

using Axes = std::optional<std::vector<int64_t>>;

// sum/prod/max/min/mean on numeric tensors, any/all on bool. Empty reductions give the
// identity (0, 1, -inf/lowest, +inf/highest, false, true; mean: NaN for floats, 0 for ints).
// Integer mean truncates and integer sums wrap, as TensorFlow's do.
Tensor reduce(ReduceOp op, const Tensor& x, const Axes& axes, bool keepdims);
// reduce() computed by the reference kernel: what the tests hold the fast loops against.
Tensor reduce_reference(ReduceOp op, const Tensor& x, const Axes& axes, bool keepdims);
Tensor reduce_mean(const Tensor& x, const Axes& axes, bool keepdims);
// log(sum(exp(x))), max-subtracted; an all -inf (or empty) slice gives -inf.
Tensor reduce_logsumexp(const Tensor& x, const Axes& axes, bool keepdims);
// Index of the largest (smallest) element along `axis`, first on ties, the first NaN wins;
// int32 or int64 output. An empty axis raises InvalidArgumentError.
Tensor arg_reduce(bool is_max, const Tensor& x, int64_t axis, DType output_type);

// The sorted, normalised axes of `axes` for a tensor of rank `rank` (all when nullopt).
std::vector<int> reduction_axes(const char* op, const Axes& axes, int rank);
// `shape` with the reduced axes set to 1 (the keepdims shape).
Dims keepdims_shape(const Dims& shape, const std::vector<int>& axes);

}  // namespace tapeflow::ops
