// The softmax family, numerically stable (max-subtracted), along any axis.
#pragma once
#include "core/tensor.h"

namespace tapeflow::ops {

Tensor softmax(const Tensor& logits, int64_t axis);
Tensor log_softmax(const Tensor& logits, int64_t axis);

}  // namespace tapeflow::ops
