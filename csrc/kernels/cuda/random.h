// CUDA random kernels: the contracts of kernels/cpu/random.h, for a fresh contiguous `out` on
// one GPU. Element i comes from the same Philox block as on the CPU and goes through the same
// conversion (kernels/philox.h, with no fused multiply-adds), so a seed gives the same
// numbers on both backends: bit for bit for uniform draws and float32 normals; float64 normals
// may differ in the last bit, where CUDA's log/sin/cos round differently from the host's.
#pragma once
#include <cstdint>

#include "core/tensor.h"
#include "kernels/philox.h"

namespace tapeflow::cuda {

void random_uniform(const philox::Stream& stream, double minval, double maxval, const Tensor& out);
void random_uniform_int(const philox::Stream& stream, int64_t minval, uint64_t range,
                        const Tensor& out);
void random_normal(const philox::Stream& stream, double mean, double stddev, const Tensor& out);
void truncated_normal(const philox::Stream& stream, double mean, double stddev, const Tensor& out);
// The permutation is drawn on the host (Fisher-Yates is sequential), then rows move on the GPU.
void random_shuffle(const philox::Stream& stream, const Tensor& value, const Tensor& out);

}  // namespace tapeflow::cuda
