#include "ops/state.h"

#include "kernels/dispatch.h"
#include "ops/common.h"

namespace tapeflow::ops {

Tensor clone(const Tensor& x) {
  Tensor out = Tensor::empty(x.shape(), x.dtype(), x.device());
  if (out.numel() > 0) kernels::copy(x, out);
  return out;
}

void write_into(const Tensor& dst, const Tensor& src) {
  check_same_dtype("assign", dst, src);
  TF_CHECK_ARG(broadcast_shapes(dst.shape(), src.shape(), "assign") == dst.shape(), "assign: ",
               "value of shape ", shape_str(src.shape()), " does not fit the target shape ",
               shape_str(dst.shape()));
  for (int64_t s : dst.strides())
    TF_CHECK_ARG(s != 0, "assign: the target is a broadcast view and cannot be written");
  if (dst.numel() == 0) return;
  // A value from another device is copied straight into dst (kernels::copy moves across).
  if (src.storage() == dst.storage()) {  // overlapping: go through a copy
    kernels::copy(broadcast_view(clone(src), dst.shape()), dst);
    return;
  }
  kernels::copy(broadcast_view(src, dst.shape()), dst);
}

Tensor stop_gradient(const Tensor& x) {
  return Tensor::view_of(x, x.shape(), x.strides(), x.offset());
}

}  // namespace tapeflow::ops
