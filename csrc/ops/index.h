// Indexing ops: NumPy-style __getitem__, gather, one_hot.
#pragma once
#include <optional>
#include <vector>

#include "core/tensor.h"

namespace tapeflow::ops {

// One entry of a subscript `t[a, b:c, ..., None, [1, 2]]`, parsed by the binding.
struct IndexItem {
  enum class Kind { Int, Slice, Ellipsis, NewAxis, Array };
  Kind kind = Kind::Int;
  int64_t index = 0;                          // Int: drops the axis; negative counts from the end
  std::optional<int64_t> start, stop, step;   // Slice: None where absent
  Tensor array;                               // Array: int32/int64 positions, or a bool mask
};

// NumPy semantics. Ints, slices, Ellipsis and newaxis give a view of t (no copy); integer
// arrays (broadcast together) and bool masks select along their axes with a copy, placed as
// NumPy places them. Out-of-range ints raise IndexError, a zero step InvalidArgumentError.
Tensor getitem(const Tensor& t, const std::vector<IndexItem>& items);

// out = params.shape[:axis] + indices.shape[batch_dims:] + params.shape[axis+1:], taking
// params[..., indices[...], ...] along `axis`; the first batch_dims axes of params and
// indices are matched pairwise. An index outside [0, params.shape[axis]) is an error.
Tensor gather(const Tensor& params, const Tensor& indices, int64_t axis, int64_t batch_dims);

// indices (int32/int64) -> indices.shape with an axis of size depth inserted at `axis`
// (-1: last) holding on_value at the index and off_value elsewhere (0-d, one dtype).
Tensor one_hot(const Tensor& indices, int64_t depth, const Tensor& on_value,
               const Tensor& off_value, int64_t axis);

}  // namespace tapeflow::ops
