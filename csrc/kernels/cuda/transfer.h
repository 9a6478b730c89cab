// Copies between the host and a GPU, or between two GPUs (kernels::copy routes here whenever
// src and dst live on different devices): dst = src elementwise, one shape, any strides,
// converting dtypes. Returns once src may change and, when dst is on the host, dst is written.
#pragma once
#include "core/tensor.h"

namespace tapeflow::cuda {

void transfer(const Tensor& src, const Tensor& dst);

}  // namespace tapeflow::cuda
