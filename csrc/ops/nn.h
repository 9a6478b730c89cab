// The softmax family along any axis, numerically stable (max-subtracted), float only, and the
// fused softmax cross-entropy with integer labels.
#pragma once
#include "core/tensor.h"

namespace tapeflow::ops {

// exp(x - max) / sum(exp(x - max)) along `axis` (negative counts from the end).
Tensor softmax(const Tensor& logits, int64_t axis);
// (x - max) - log(sum(exp(x - max))) along `axis`.
Tensor log_softmax(const Tensor& logits, int64_t axis);

// logits (..., C) float, labels (...) int32/int64 in [0, C) -> losses (...):
// logsumexp(logits, -1) - logits[..., label]. One pass forward and one backward
// (d logits = g * (softmax(logits) - one_hot(label))) in place of the log_softmax, one_hot,
// multiply and sum composite that stays the tests' reference. A label outside [0, C) raises
// InvalidArgumentError, worded as TensorFlow's.
Tensor sparse_softmax_cross_entropy(const Tensor& logits, const Tensor& labels);

}  // namespace tapeflow::ops
