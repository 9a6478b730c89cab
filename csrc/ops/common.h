// Checks and geometry shared by the op families.
#pragma once
#include "core/tensor.h"

namespace tapeflow::ops {

// Raises "op: expected both inputs to have the same dtype, got float32 and int32".
void check_same_dtype(const char* op, const Tensor& a, const Tensor& b);
// A zero-copy view of `t` broadcast to `shape` (which must be broadcast-compatible).
Tensor broadcast_view(const Tensor& t, const Dims& shape);
// A 0-d tensor holding `value` converted to `dtype`, on `device`.
Tensor scalar_on(double value, DType dtype, Device device);
// scalar_on(value, like.dtype(), like.device()).
Tensor scalar_like(double value, const Tensor& like);
// `t` itself when contiguous, else a contiguous copy.
Tensor contiguous(const Tensor& t);

}  // namespace tapeflow::ops
