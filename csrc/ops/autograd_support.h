// The few ops the autograd engine itself needs, kept in one place: seeding, zero-filling,
// accumulating fan-out and undoing broadcasting. All are built from public ops, so they are
// recorded by outer tapes like any other op.
#pragma once
#include "core/tensor.h"

namespace tapeflow::ops {

// Ones shaped like `like` (the seed of a gradient): a broadcast view of one scalar.
Tensor ones_like_gradient(const Tensor& like);
// Zeros of `shape` on the host, for an output nothing flowed into: a broadcast view.
Tensor zeros_gradient(const Dims& shape, DType dtype);
Tensor add_gradients(const Tensor& a, const Tensor& b);
// Sums `g` over the dimensions that broadcasting expanded, giving `shape`.
// A recorded op: its own gradient broadcasts back, so higher-order gradients pass through.
Tensor sum_to_shape(const Tensor& g, const Dims& shape);

}  // namespace tapeflow::ops
