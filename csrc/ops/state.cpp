#include "ops/state.h"

#include "kernels/dispatch.h"
#include "ops/common.h"
#include "ops/device.h"

namespace tapeflow::ops {

Tensor clone(const Tensor& x) {
  Tensor out = Tensor::empty(x.shape(), x.dtype(), x.device());
  if (out.numel() > 0) kernels::copy(x, out);
  return out;
}

namespace {

void check_writable_target(const char* op, const Tensor& dst, const Tensor& src) {
  check_same_dtype(op, dst, src);
  TF_CHECK_ARG(broadcast_shapes(dst.shape(), src.shape(), op) == dst.shape(), op, ": ",
               "value of shape ", shape_str(src.shape()), " does not fit the target shape ",
               shape_str(dst.shape()));
  for (int64_t s : dst.strides())
    TF_CHECK_ARG(s != 0, op, ": the target is a broadcast view and cannot be written");
}

}  // namespace

void update_into(BinaryOp op, const Tensor& dst, const Tensor& src) {
  const char* name = op == BinaryOp::Add ? "assign_add" : "assign_sub";
  TF_CHECK_ARG(op == BinaryOp::Add || op == BinaryOp::Sub, "update_into: expected add or sub, ",
               "got ", op_name(op));
  TF_CHECK_ARG(dst.dtype() != DType::Bool, name, ": a bool variable cannot be added to");
  check_writable_target(name, dst, src);
  if (dst.numel() == 0) return;
  // Each element of dst is read, then written, at the same position; only src must not
  // overlap it. A src on another device comes over first.
  const Tensor moved = to_device(src, dst.device());
  const Tensor value = moved.storage() == dst.storage() ? clone(moved) : moved;
  kernels::binary(op, dst, broadcast_view(value, dst.shape()), dst);
}

void write_into(const Tensor& dst, const Tensor& src) {
  check_writable_target("assign", dst, src);
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
