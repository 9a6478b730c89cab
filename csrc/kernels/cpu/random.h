// CPU random kernels: Philox blocks (kernels/philox.h) turned into samples. The op layer
// (ops/random.cpp) validates shapes, dtypes and ranges and passes a fresh contiguous `out`.
// Block i of the stream makes elements [i*K, i*K + K) with K = 4 for 32-bit dtypes and 2 for
// 64-bit ones, so every element depends on its index alone, whatever the thread count.
#pragma once
#include <cstdint>

#include "core/tensor.h"
#include "kernels/philox.h"

namespace tapeflow::cpu {

// out (float32/float64) = minval + u * (maxval - minval), u uniform in [0, 1); values that
// round up to maxval are moved just below it, so the range stays [minval, maxval).
void random_uniform(const philox::Stream& stream, double minval, double maxval, const Tensor& out);
// out (int32/int64) = minval + (bits mod range), range = maxval - minval > 0.
void random_uniform_int(const philox::Stream& stream, int64_t minval, uint64_t range,
                        const Tensor& out);
// out (float32/float64) = mean + stddev * z, z standard normal (Box-Muller).
void random_normal(const philox::Stream& stream, double mean, double stddev, const Tensor& out);
// As random_normal, with every z outside [-2, 2] redrawn: element e of block g retries with
// block t * num_blocks + g, t = 1, 2, ...
void truncated_normal(const philox::Stream& stream, double mean, double stddev, const Tensor& out);
// out = value with its rows (axis 0) permuted (Fisher-Yates, step i drawn from block i).
// value and out are contiguous, of one shape and dtype, with at least one element.
void random_shuffle(const philox::Stream& stream, const Tensor& value, const Tensor& out);

}  // namespace tapeflow::cpu
