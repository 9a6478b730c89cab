// Reductions over any set of axes (all of them when `axes` is empty-optional), with keepdims.
// Bad axes raise IndexError; duplicates and wrong dtypes InvalidArgumentError.
#pragma once
#include <optional>
#include <vector>

#include "core/tensor.h"
#include "kernels/cpu/reduce.h"

namespace tapeflow::ops {

using Axes = std::optional<std::vector<int64_t>>;

// sum/prod/max/min on numeric tensors, any/all on bool. Empty reductions give the identity
// (0, 1, -inf/lowest, +inf/highest, false, true).
Tensor reduce(ReduceOp op, const Tensor& x, const Axes& axes, bool keepdims);
// Float mean (NaN for an empty reduction); integer mean truncates, as TensorFlow's does.
Tensor reduce_mean(const Tensor& x, const Axes& axes, bool keepdims);
// log(sum(exp(x))) computed stably: max-subtracted.
Tensor reduce_logsumexp(const Tensor& x, const Axes& axes, bool keepdims);
// Index of the largest (smallest) element along `axis`; int32 or int64 output.
Tensor arg_reduce(bool is_max, const Tensor& x, int64_t axis, DType output_type);

// The sorted, normalised axes of `axes` for a tensor of rank `rank` (all when nullopt).
std::vector<int> reduction_axes(const char* op, const Axes& axes, int rank);
// `shape` with the reduced axes set to 1 (the keepdims shape).
Dims keepdims_shape(const Dims& shape, const std::vector<int>& axes);

}  // namespace tapeflow::ops
