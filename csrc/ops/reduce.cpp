#include "ops/reduce.h"

#include <algorithm>

#include "autograd/tape.h"
#include "kernels/dispatch.h"
#include "ops/common.h"
#include "ops/elementwise.h"

namespace tapeflow::ops {
namespace {

Tensor mul(const Tensor& a, const Tensor& b) {
  return binary(BinaryOp::Mul, a, b);
}
Tensor div(const Tensor& a, const Tensor& b) {
  return binary(BinaryOp::Div, a, b);
}
Tensor equal(const Tensor& a, const Tensor& b) {
  return binary(BinaryOp::Equal, a, b);
}
std::vector<int64_t> as_int64(const std::vector<int>& axes) {
  return {axes.begin(), axes.end()};
}

// A reduction's output (or its gradient), with the `reduced` axes removed or kept as 1,
// seen in `shape` by repeating it along those axes: a zero-stride view. Recorded: its own
// gradient sums back, so gradients of gradients flow.
Tensor expand_to(const Tensor& t, const Dims& shape, const std::vector<int>& reduced) {
  const bool kept = t.rank() == shape.size();
  Dims strides;
  for (int d = 0, from = 0; d < shape.size(); ++d) {
    const bool is_reduced = std::find(reduced.begin(), reduced.end(), d) != reduced.end();
    strides.push_back(is_reduced ? 0 : t.strides()[from]);
    from += is_reduced && !kept ? 0 : 1;
  }
  Tensor out = Tensor::view_of(t, shape, strides, t.offset());
  TF_RECORD("expand_to", {t}, {out}, [reduced, kept](const auto& g, const auto&) {
    return std::vector<Tensor>{reduce(ReduceOp::Sum, g[0], as_int64(reduced), kept)};
  });
  return out;
}

// TF's gradient rules, in x's shape (g in out's shape):
//   sum: g   mean: g / count   max, min: g shared equally among the elements equal to out
//   prod: g * (product of the others): out / x without zeros; with one zero in the slice
//         only the zero gets the product of the rest; with two or more, nothing.
// x and out are saved (defined) only for max, min and prod.
Tensor reduce_gradient(ReduceOp op, const Dims& shape, const Tensor& x, const Tensor& out,
                       const std::vector<int>& reduced, const Tensor& g) {
  const Tensor g_full = expand_to(g, shape, reduced);
  const Axes axes = as_int64(reduced);
  switch (op) {
    case ReduceOp::Sum:
      return g_full;
    case ReduceOp::Mean: {
      int64_t count = 1;
      for (int a : reduced) count *= shape[a];
      return div(g_full, scalar_like(double(count), g));
    }
    case ReduceOp::Max:
    case ReduceOp::Min: {
      const Tensor chosen = cast(equal(x, expand_to(out, x.shape(), reduced)), x.dtype());
      return mul(div(chosen, reduce(ReduceOp::Sum, chosen, axes, true)), g_full);
    }
    default: {  // Prod
      const Tensor zero = scalar_like(0.0, x), one = scalar_like(1.0, x);
      const Tensor is_zero = equal(x, zero);
      const Tensor zeros = reduce(ReduceOp::Sum, cast(is_zero, x.dtype()), axes, true);
      const Tensor rest = reduce(ReduceOp::Prod, where(is_zero, one, x), axes, true);
      const Tensor others =
          where(is_zero, where(equal(zeros, one), rest, zero),
                where(equal(zeros, zero), div(rest, where(is_zero, one, x)), zero));
      return mul(others, g_full);
    }
  }
}

const char* reduce_name(ReduceOp op) {
  static const char* names[] = {"reduce_sum", "reduce_prod", "reduce_max", "reduce_min",
                                "reduce_any", "reduce_all",  "reduce_mean"};
  return names[static_cast<int>(op)];
}

// A view of x with the kept dimensions first (in order) and the `reduced` ones last.
Tensor kept_then_reduced(const Tensor& x, const std::vector<int>& reduced) {
  Dims shape, strides;
  for (int pass = 0; pass < 2; ++pass) {
    for (int d = 0; d < x.rank(); ++d) {
      const bool is_reduced = std::find(reduced.begin(), reduced.end(), d) != reduced.end();
      if (is_reduced != (pass == 1)) continue;
      shape.push_back(x.dim(d));
      strides.push_back(x.strides()[d]);
    }
  }
  return Tensor::view_of(x, shape, strides, x.offset());
}

Tensor reduce_impl(ReduceOp op, const Tensor& x, const Axes& axes, bool keepdims, bool reference) {
  const char* name = reduce_name(op);
  const bool logical = op == ReduceOp::Any || op == ReduceOp::All;
  TF_CHECK_ARG(logical == (x.dtype() == DType::Bool), name, ": expected ",
               logical ? "a bool" : "a numeric", " tensor, got dtype ", dtype_name(x.dtype()));
  const std::vector<int> reduced = reduction_axes(name, axes, x.rank());
  const Dims out_shape = keepdims ? keepdims_shape(x.shape(), reduced) : [&] {
    Dims kept;
    for (int d = 0; d < x.rank(); ++d)
      if (std::find(reduced.begin(), reduced.end(), d) == reduced.end()) kept.push_back(x.dim(d));
    return kept;
  }();
  Tensor out = Tensor::empty(out_shape, x.dtype(), x.device());
  if (out.numel() > 0) {
    const Tensor ordered = kept_then_reduced(x, reduced);
    const int reduced_rank = int(reduced.size());
    if (reference)
      kernels::reduce_reference(op, ordered, reduced_rank, out);
    else
      kernels::reduce(op, ordered, reduced_rank, out);
  }
  if (is_floating(x.dtype()) && !reference) {
    const bool saves = op == ReduceOp::Max || op == ReduceOp::Min || op == ReduceOp::Prod;
    TF_RECORD(name, {x}, {out},
              [op, shape = x.shape(), x = saves ? x : Tensor(), out = saves ? out : Tensor(),
               reduced](const auto& g, const auto&) {
                return std::vector<Tensor>{reduce_gradient(op, shape, x, out, reduced, g[0])};
              });
  }
  return out;
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
                 ": axes contain the dimension ", a, " twice (axis ", axis, ")");
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
  return reduce_impl(op, x, axes, keepdims, /*reference=*/false);
}

Tensor reduce_reference(ReduceOp op, const Tensor& x, const Axes& axes, bool keepdims) {
  return reduce_impl(op, x, axes, keepdims, /*reference=*/true);
}

Tensor reduce_mean(const Tensor& x, const Axes& axes, bool keepdims) {
  return reduce(ReduceOp::Mean, x, axes, keepdims);
}

Tensor reduce_logsumexp(const Tensor& x, const Axes& axes, bool keepdims) {
  TF_CHECK_ARG(is_floating(x.dtype()), "reduce_logsumexp: expected a float tensor, got ",
               dtype_name(x.dtype()));
  // TF's formula: m + log(sum(exp(x - m))), with m the max replaced by 0 where it is not
  // finite (an empty or all -inf slice), so no inf - inf appears.
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
  TF_CHECK_ARG(output_type == DType::Int32 || output_type == DType::Int64, name,
               ": output_type must be int32 or int64, got ", dtype_name(output_type));
  const int a = normalize_axis(axis, x.rank(), name);  // a scalar has no axis: IndexError
  TF_CHECK_ARG(x.dim(a) > 0, name, ": Reduction axis ", axis, " is empty in shape ",
               shape_str(x.shape()));
  Dims out_shape = x.shape();
  out_shape.erase(a);
  Tensor out = Tensor::empty(out_shape, output_type, x.device());
  if (out.numel() > 0) kernels::arg_reduce(is_max, kept_then_reduced(x, {a}), out);
  return out;
}

}  // namespace tapeflow::ops
