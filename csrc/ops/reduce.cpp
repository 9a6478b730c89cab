#include "ops/reduce.h"

#include <algorithm>

#include "kernels/dispatch.h"
#include "ops/common.h"
#include "ops/elementwise.h"

namespace tapeflow::ops {
namespace {

const char* reduce_name(ReduceOp op) {
  static const char* names[] = {"reduce_sum", "reduce_prod", "reduce_max",
                                "reduce_min", "reduce_any",  "reduce_all"};
  return names[static_cast<int>(op)];
}

}  // namespace

std::vector<int> reduction_axes(const char* op, const Axes& axes, int rank) {
  std::vector<int> result;
  if (!axes) {
    for (int d = 0; d < rank; ++d) result.push_back(d);
    return result;
  }
  for (int64_t axis : *axes) {
    const int a = normalize_axis(axis, rank, op);
    TF_CHECK_ARG(std::find(result.begin(), result.end(), a) == result.end(), op,
                 ": axes contain the dimension ", a, " twice");
    result.push_back(a);
  }
  std::sort(result.begin(), result.end());
  return result;
}

Dims keepdims_shape(const Dims& shape, const std::vector<int>& axes) {
  Dims kept = shape;
  for (int a : axes) kept[a] = 1;
  return kept;
}

Tensor reduce(ReduceOp op, const Tensor& x, const Axes& axes, bool keepdims) {
  const char* name = reduce_name(op);
  const bool logical = op == ReduceOp::Any || op == ReduceOp::All;
  TF_CHECK_ARG(logical == (x.dtype() == DType::Bool), name, ": expected ",
               logical ? "a bool" : "a numeric", " tensor, got dtype ", dtype_name(x.dtype()));
  const std::vector<int> reduced = reduction_axes(name, axes, x.rank());

  // A view with the kept dimensions first and the reduced ones last.
  Dims order_shape, order_strides, out_shape;
  for (int d = 0; d < x.rank(); ++d) {
    if (std::find(reduced.begin(), reduced.end(), d) != reduced.end()) continue;
    order_shape.push_back(x.dim(d));
    order_strides.push_back(x.strides()[d]);
    out_shape.push_back(x.dim(d));
  }
  for (int d : reduced) {
    order_shape.push_back(x.dim(d));
    order_strides.push_back(x.strides()[d]);
  }
  Tensor out = Tensor::empty(out_shape, x.dtype(), x.device());
  if (out.numel() > 0)
    kernels::reduce(op, Tensor::view_of(x, order_shape, order_strides, x.offset()),
                    int(reduced.size()), out);
  if (keepdims) {
    const Dims shape = keepdims_shape(x.shape(), reduced);
    out = Tensor::view_of(out, shape, contiguous_strides(shape), 0);
  }
  return out;
}

Tensor reduce_mean(const Tensor& x, const Axes& axes, bool keepdims) {
  TF_CHECK_ARG(x.dtype() != DType::Bool, "reduce_mean: expected a numeric tensor, got bool");
  const std::vector<int> reduced = reduction_axes("reduce_mean", axes, x.rank());
  int64_t count = 1;
  for (int a : reduced) count *= x.dim(a);
  const Tensor total = reduce(ReduceOp::Sum, x, axes, keepdims);
  if (is_floating(x.dtype()))
    return binary(BinaryOp::Mul, total, scalar_like(1.0 / double(count), total));
  if (count == 0) return total;  // an empty integer mean: 0
  return binary(BinaryOp::Div, total, scalar_like(double(count), total));
}

Tensor reduce_logsumexp(const Tensor& x, const Axes& axes, bool keepdims) {
  TF_CHECK_ARG(is_floating(x.dtype()), "reduce_logsumexp: expected a float tensor, got ",
               dtype_name(x.dtype()));
  // m + log(sum(exp(x - m))) with m the max, replaced by 0 where it is infinite (an empty or
  // all -inf slice) so no inf - inf appears.
  auto finite_max = [&](bool keep) {
    const Tensor m = reduce(ReduceOp::Max, x, axes, keep);
    return where(unary(UnaryOp::IsFinite, m), m, scalar_like(0.0, m));
  };
  const Tensor shifted = binary(BinaryOp::Sub, x, finite_max(true));
  const Tensor sums = reduce(ReduceOp::Sum, unary(UnaryOp::Exp, shifted), axes, keepdims);
  return binary(BinaryOp::Add, unary(UnaryOp::Log, sums), finite_max(keepdims));
}

Tensor arg_reduce(bool is_max, const Tensor& x, int64_t axis, DType output_type) {
  const char* name = is_max ? "argmax" : "argmin";
  TF_CHECK_ARG(x.dtype() != DType::Bool, name, ": expected a numeric tensor, got bool");
  TF_CHECK_ARG(output_type == DType::Int32 || output_type == DType::Int64, name,
               ": output_type must be int32 or int64, got ", dtype_name(output_type));
  TF_CHECK_ARG(x.rank() > 0, name, ": expected a tensor of rank >= 1, got a scalar");
  const int a = normalize_axis(axis, x.rank(), name);
  TF_CHECK_ARG(x.dim(a) > 0, name, ": Reduction axis ", a, " is empty in shape ",
               shape_str(x.shape()));
  Dims order_shape, order_strides, out_shape;
  for (int d = 0; d < x.rank(); ++d) {
    if (d == a) continue;
    order_shape.push_back(x.dim(d));
    order_strides.push_back(x.strides()[d]);
    out_shape.push_back(x.dim(d));
  }
  order_shape.push_back(x.dim(a));
  order_strides.push_back(x.strides()[a]);
  Tensor out = Tensor::empty(out_shape, output_type, x.device());
  if (out.numel() > 0)
    kernels::arg_reduce(is_max, Tensor::view_of(x, order_shape, order_strides, x.offset()),
                        out);
  return out;
}

}  // namespace tapeflow::ops
