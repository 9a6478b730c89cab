// Creation ops: fills, eye, range, linspace and one_hot, with TensorFlow's dtype rules and
// errors. Sizes are validated before anything is allocated: negative sizes raise
// InvalidArgumentError, sizes too large to allocate ResourceExhaustedError.
#pragma once
#include <optional>
#include <vector>

#include "core/tensor.h"

namespace tapeflow::ops {

// A new contiguous tensor of shape `dims` holding the 0-d `value` everywhere (value's dtype).
Tensor fill(const std::vector<int64_t>& dims, const Tensor& value);
Tensor zeros(const std::vector<int64_t>& dims, DType dtype);
Tensor ones(const std::vector<int64_t>& dims, DType dtype);
// batch_shape + (num_rows, num_columns) with ones on each matrix's main diagonal;
// num_columns defaults to num_rows.
Tensor eye(int64_t num_rows, std::optional<int64_t> num_columns,
           const std::vector<int64_t>& batch_shape, DType dtype);
// [start, start + delta, ...) up to (excluding) limit; 0-d numeric inputs of one dtype, the
// output's. delta == 0, or a delta pointing away from limit, raises.
Tensor range(const Tensor& start, const Tensor& limit, const Tensor& delta);
// `num` evenly spaced values from start to stop (both included) along a new axis `axis`;
// start and stop are float tensors that broadcast together.
Tensor linspace(const Tensor& start, const Tensor& stop, int64_t num, int64_t axis);

// indices.shape with `depth` inserted at `axis` (-1: last): on where the index equals the
// position, off elsewhere (an index outside [0, depth) gives all off). on and off are 0-d
// tensors of one dtype, the output's.
Tensor one_hot(const Tensor& indices, int64_t depth, const Tensor& on, const Tensor& off,
               int64_t axis);

}  // namespace tapeflow::ops
