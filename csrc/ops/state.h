// Ops behind tf.Variable and tf.stop_gradient: copying a value, writing into an existing
// tensor's memory (a variable's in-place assign, copy-on-write decided by the caller), and a
// fresh handle on the same values that no tape connects to its source.
#pragma once
#include "core/tensor.h"
#include "kernels/scalar_ops.h"

namespace tapeflow::ops {

// A contiguous copy in new storage (a new value; nothing shares it).
Tensor clone(const Tensor& x);
// dst[...] = src, src broadcast to dst's shape; same dtype and device. dst may be a strided
// view; it must not overlap src.
void write_into(const Tensor& dst, const Tensor& src);
// dst = dst (op) src in place, src broadcast to dst's shape (op: add or subtract): a variable's
// assign_add/assign_sub when it owns its memory alone, without a temporary. Never recorded:
// like write_into, it changes memory a tape never saw as a value.
void update_into(BinaryOp op, const Tensor& dst, const Tensor& src);
// The same values under a new tensor id, never recorded: gradients stop here.
Tensor stop_gradient(const Tensor& x);

}  // namespace tapeflow::ops
