#include "ops/nn.h"

#include "kernels/dispatch.h"
#include "ops/common.h"

namespace tapeflow::ops {
namespace {

// Moves `axis` last (a contiguous copy when needed), runs the row kernel, moves it back.
Tensor softmax_along(const Tensor& x, int64_t axis, bool log) {
  const char* name = log ? "log_softmax" : "softmax";
  TF_CHECK_ARG(is_floating(x.dtype()), name, ": expected a float tensor, got ",
               dtype_name(x.dtype()));
  TF_CHECK_ARG(x.rank() > 0, name, ": expected a tensor of rank >= 1, got a scalar");
  const int a = normalize_axis(axis, x.rank(), name);
  const int last = x.rank() - 1;
  Dims perm_shape = x.shape(), perm_strides = x.strides();
  std::swap(perm_shape[a], perm_shape[last]);
  std::swap(perm_strides[a], perm_strides[last]);
  const Tensor moved = contiguous(Tensor::view_of(x, perm_shape, perm_strides, x.offset()));
  Tensor out = Tensor::empty(perm_shape, x.dtype(), x.device());
  if (out.numel() > 0) kernels::softmax_last_axis(moved, out, log);
  if (a == last) return out;
  Dims back_strides = out.strides();
  std::swap(back_strides[a], back_strides[last]);
  return contiguous(Tensor::view_of(out, x.shape(), back_strides, 0));
}

}  // namespace

Tensor softmax(const Tensor& logits, int64_t axis) { return softmax_along(logits, axis, false); }
Tensor log_softmax(const Tensor& logits, int64_t axis) {
  return softmax_along(logits, axis, true);
}

}  // namespace tapeflow::ops
