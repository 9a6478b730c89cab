// The softmax family along any axis, numerically stable (max-subtracted), float only.
#pragma once
#include "core/tensor.h"

namespace tapeflow::ops {

// exp(x - max) / sum(exp(x - max)) along `axis` (negative counts from the end).
Tensor softmax(const Tensor& logits, int64_t axis);
// (x - max) - log(sum(exp(x - max))) along `axis`.
Tensor log_softmax(const Tensor& logits, int64_t axis);

}  // namespace tapeflow::ops
