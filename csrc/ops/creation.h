// Tensors made from scratch: fill, eye, range, linspace.
#pragma once
#include <vector>

#include "core/tensor.h"

namespace tapeflow::ops {

// A new tensor of `shape` holding the 0-d `value` everywhere (value's dtype and device).
Tensor fill(const std::vector<int64_t>& shape, const Tensor& value);
// (*batch_shape, rows, cols) identity matrices of `dtype`.
Tensor eye(int64_t rows, int64_t cols, const std::vector<int64_t>& batch_shape, DType dtype);
// [start, start + delta, ...) up to but excluding limit; all three 0-d of one numeric dtype.
Tensor range(const Tensor& start, const Tensor& limit, const Tensor& delta);
// `num` evenly spaced values from start to stop inclusive. start and stop are float tensors of
// one dtype, broadcast together to S; out is S with an axis of size num inserted at `axis`.
Tensor linspace(const Tensor& start, const Tensor& stop, int64_t num, int64_t axis);

}  // namespace tapeflow::ops
