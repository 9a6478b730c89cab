// Softmax cross-entropy with integer labels, fused: one pass per row computes the loss and
// the softmax the gradient needs; the backward is one pass too. The op (ops/nn.cpp) has
// flattened the leading axes into rows and made every tensor contiguous.
#pragma once
#include "core/tensor.h"

namespace tapeflow::cpu {

// logits (rows, C), labels (rows) int32/int64, losses (rows), probs (rows, C), all contiguous:
// losses[r] = logsumexp(logits[r]) - logits[r, labels[r]], probs[r] = softmax(logits[r]).
// Returns the first row whose label lies outside [0, C) (then nothing is written), or -1.
int64_t sparse_softmax_cross_entropy(const Tensor& logits, const Tensor& labels,
                                     const Tensor& losses, const Tensor& probs);

// out[r, j] = grad[r] * (probs[r, j] - (j == labels[r])); labels already checked.
void sparse_softmax_cross_entropy_backward(const Tensor& probs, const Tensor& labels,
                                           const Tensor& grad, const Tensor& out);

}  // namespace tapeflow::cpu
