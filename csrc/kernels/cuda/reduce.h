// CUDA reductions and the softmax family: the contracts of kernels/cpu/reduce.h, for tensors on
// one GPU. Results are deterministic (a fixed combination order for a given shape) but may
// differ from the CPU's in the last bits of float sums: the order differs.
#pragma once
#include "core/tensor.h"
#include "kernels/cpu/reduce.h"  // ReduceOp

namespace tapeflow::cuda {

void reduce(ReduceOp op, const Tensor& in, int reduced_rank, const Tensor& out);
// The CPU's reference loop on a host copy of `in`: what the tests hold reduce() against.
void reduce_reference(ReduceOp op, const Tensor& in, int reduced_rank, const Tensor& out);
void arg_reduce(bool is_max, const Tensor& in, const Tensor& out);
void softmax(const Tensor& in, int64_t outer, int64_t n, int64_t inner, bool log,
             const Tensor& out);

}  // namespace tapeflow::cuda
