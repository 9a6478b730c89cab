// CUDA elementwise kernels: the contracts of kernels/cpu/elementwise.h, for tensors on one GPU.
// copy() also moves values between the host and a GPU or between GPUs (any strides, converting
// dtypes); every other entry expects all its tensors on out's device.
#pragma once
#include "core/tensor.h"
#include "kernels/scalar_ops.h"

namespace tapeflow::cuda {

void binary(BinaryOp op, const Tensor& a, const Tensor& b, const Tensor& out);
void unary(UnaryOp op, const Tensor& a, const Tensor& out);
void where(const Tensor& cond, const Tensor& a, const Tensor& b, const Tensor& out);
void copy(const Tensor& src, const Tensor& dst);
// Waits for the device and returns whether any element of the bool tensor is true.
bool any_true(const Tensor& t);

}  // namespace tapeflow::cuda
