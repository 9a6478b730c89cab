#include "ops/elementwise.h"

#include "kernels/dispatch.h"
#include "ops/common.h"

namespace tapeflow::ops {
namespace {

bool is_logical(BinaryOp op) { return op >= BinaryOp::LogicalAnd; }


}  // namespace

Tensor binary(BinaryOp op, const Tensor& a, const Tensor& b) {
  const char* name = op_name(op);
  check_same_dtype(name, a, b);
  check_same_device(name, a, b);
  const DType dtype = a.dtype();
  if (is_logical(op)) {
    TF_CHECK_ARG(dtype == DType::Bool, name, ": expected bool inputs, got ", dtype_name(dtype));
  } else if (dtype == DType::Bool) {
    TF_CHECK_ARG(op == BinaryOp::Equal || op == BinaryOp::NotEqual, name,
                 ": bool inputs are not supported (expected a numeric dtype)");
  }
  const Dims shape = broadcast_shapes(a.shape(), b.shape(), name);
  if (is_integer(dtype) && numel(shape) > 0) {
    if (op == BinaryOp::Div || op == BinaryOp::FloorDiv || op == BinaryOp::Mod) {
      TF_CHECK_ARG(!any_true(binary(BinaryOp::Equal, b, scalar_like(0.0, b))), name,
                   ": Integer division by zero");
    } else if (op == BinaryOp::Pow) {
      TF_CHECK_ARG(!any_true(binary(BinaryOp::Less, b, scalar_like(0.0, b))), name,
                   ": Integers to negative integer powers are not allowed");
    }
  }
  Tensor out = Tensor::empty(shape, produces_bool(op) ? DType::Bool : dtype, a.device());
  if (out.numel() > 0)
    kernels::binary(op, broadcast_view(a, shape), broadcast_view(b, shape), out);
  return out;
}

Tensor unary(UnaryOp op, const Tensor& a) {
  const char* name = op_name(op);
  const DType dtype = a.dtype();
  if (op == UnaryOp::LogicalNot) {
    TF_CHECK_ARG(dtype == DType::Bool, name, ": expected a bool input, got ", dtype_name(dtype));
  } else {
    TF_CHECK_ARG(dtype != DType::Bool, name, ": expected a numeric input, got bool");
    const bool integer_ok = op == UnaryOp::Neg || op == UnaryOp::Abs || op == UnaryOp::Sign ||
                            op == UnaryOp::Square || op == UnaryOp::Relu ||
                            op == UnaryOp::Floor || op == UnaryOp::Ceil || op == UnaryOp::Round;
    TF_CHECK_ARG(is_floating(dtype) || integer_ok, name,
                 ": expected a float32 or float64 input, got ", dtype_name(dtype));
  }
  Tensor out = Tensor::empty(a.shape(), produces_bool(op) ? DType::Bool : dtype, a.device());
  if (out.numel() > 0) kernels::unary(op, a, out);
  return out;
}

Tensor where(const Tensor& cond, const Tensor& a, const Tensor& b) {
  TF_CHECK_ARG(cond.dtype() == DType::Bool, "where: condition must be bool, got ",
               dtype_name(cond.dtype()));
  check_same_dtype("where", a, b);
  check_same_device("where", a, b);
  check_same_device("where", cond, a);
  const Dims shape =
      broadcast_shapes(cond.shape(), broadcast_shapes(a.shape(), b.shape(), "where"), "where");
  Tensor out = Tensor::empty(shape, a.dtype(), a.device());
  if (out.numel() > 0)
    kernels::where(broadcast_view(cond, shape), broadcast_view(a, shape),
                   broadcast_view(b, shape), out);
  return out;
}

Tensor clip_by_value(const Tensor& x, const Tensor& lo, const Tensor& hi) {
  TF_CHECK_ARG(x.dtype() != DType::Bool, "clip_by_value: expected a numeric input, got bool");
  // TF requires the bounds to broadcast into x's shape (the result keeps x's shape).
  const Dims shape = broadcast_shapes(x.shape(), broadcast_shapes(lo.shape(), hi.shape(),
                                                                  "clip_by_value"),
                                      "clip_by_value");
  TF_CHECK_ARG(shape == x.shape(), "clip_by_value: clip bounds of shapes ",
               shape_str(lo.shape()), " and ", shape_str(hi.shape()),
               " do not broadcast into t's shape ", shape_str(x.shape()));
  return binary(BinaryOp::Minimum, binary(BinaryOp::Maximum, x, lo), hi);
}

Tensor cast(const Tensor& x, DType dtype) {
  if (x.dtype() == dtype) return x;
  Tensor out = Tensor::empty(x.shape(), dtype, x.device());
  if (out.numel() > 0) kernels::copy(x, out);
  return out;
}

bool any_true(const Tensor& condition) {
  TF_CHECK_ARG(condition.dtype() == DType::Bool, "any_true: expected bool, got ",
               dtype_name(condition.dtype()));
  return kernels::any_true(condition);
}

}  // namespace tapeflow::ops
