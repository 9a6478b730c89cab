// CUDA fused sparse softmax cross-entropy: the contracts of kernels/cpu/crossentropy.h, for
// tensors on one GPU. The forward waits for the device: the first bad label steers the host.
// NOTE: with a bad label, rows other than the returned one may have been written (the CPU stops
// at it); the op raises and discards both outputs either way.
#pragma once
#include "core/tensor.h"

namespace tapeflow::cuda {

int64_t sparse_softmax_cross_entropy(const Tensor& logits, const Tensor& labels,
                                     const Tensor& losses, const Tensor& probs);
void sparse_softmax_cross_entropy_backward(const Tensor& probs, const Tensor& labels,
                                           const Tensor& grad, const Tensor& out);

}  // namespace tapeflow::cuda
