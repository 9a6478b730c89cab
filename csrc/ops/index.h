// Indexing ops: NumPy-style __getitem__ (ops/getitem.cpp), gather and its transpose,
// scatter_sum (ops/index.cpp).
// Index tensors are int32 or int64 (masks bool); every index value is checked before a kernel
// reads memory.
#pragma once
#include <optional>
#include <vector>

#include "core/tensor.h"

namespace tapeflow::ops {

// One entry of a parsed __getitem__ key (bindings/init_shape.cpp builds them from Python).
struct IndexItem {
  enum class Kind : uint8_t { Int, Slice, Ellipsis, NewAxis, Array, Mask };
  Kind kind = Kind::Int;
  int64_t index = 0;                   // Int: negative counts from the end
  std::optional<int64_t> start, stop;  // Slice: nullopt = the default end
  int64_t step = 1;                    // Slice: != 0
  Tensor tensor;                       // Array: int32/int64 indices; Mask: bool, rank >= 1
};

// x[key] with NumPy semantics: ints drop their axis (IndexError when out of bounds), slices
// clamp and may step backwards, Ellipsis fills in full slices, NewAxis inserts a size-1 axis.
// Without Array/Mask items the result is a view of x. Array items (negative indices count
// from the end) and Mask items (a rank-k mask selects the true positions of k axes) are
// gathered, a copy: their index shapes broadcast together, and the selected dimensions stand
// where the first one was when ints and advanced items are adjacent in the key, else first.
Tensor getitem(const Tensor& x, const std::vector<IndexItem>& key);

// out = params.shape[:axis] + indices.shape[batch_dims:] + params.shape[axis + 1:], taking
// params' slices at the indices along `axis` (TensorFlow's tf.gather). Indices must lie in
// [0, params.dim(axis)); the first batch_dims dimensions of params and indices must agree.
Tensor gather(const Tensor& params, const Tensor& indices, int64_t axis, int64_t batch_dims);
// The transpose of gather (gather's gradient): a tensor whose dimension `axis` has size
// dim_size, zero except for the sums of `updates` rows sent to each index.
Tensor scatter_sum(const Tensor& updates, const Tensor& indices, int64_t axis, int64_t batch_dims,
                   int64_t dim_size);

}  // namespace tapeflow::ops
