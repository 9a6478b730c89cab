// CUDA index kernels: the contracts of kernels/cpu/index.h (gather, scatter_sum, one_hot,
// tile, the fills behind range and eye, mask positions), for tensors on one GPU.
//
// NOTE: scatter_sum adds with atomics, so float sums arrive in no fixed order (as TensorFlow's
// GPU kernels); the CPU adds in increasing index order. Integer sums are exact either way.
// find_out_of_range, count_true and true_positions wait for the device: their results steer
// the host.
#pragma once
#include "core/tensor.h"
#include "kernels/cpu/index.h"  // GatherDims, OutOfRange

namespace tapeflow::cuda {

using cpu::GatherDims;
using cpu::OutOfRange;

void gather(const Tensor& params, const Tensor& indices, const GatherDims& d, const Tensor& out);
void scatter_sum(const Tensor& updates, const Tensor& indices, const GatherDims& d,
                 const Tensor& out);
OutOfRange find_out_of_range(const Tensor& indices, int64_t lo, int64_t hi);
void one_hot(const Tensor& indices, const Tensor& on, const Tensor& off, const Tensor& out);
void tile(const Tensor& x, const Tensor& out);
void fill_range(const Tensor& start, const Tensor& delta, const Tensor& out);
void eye(const Tensor& out);
int64_t count_true(const Tensor& mask);
void true_positions(const Tensor& mask, const Tensor& out);

}  // namespace tapeflow::cuda
