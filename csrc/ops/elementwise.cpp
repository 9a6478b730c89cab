#include "ops/elementwise.h"

#include "autograd/tape.h"
#include "kernels/dispatch.h"
#include "ops/common.h"
#include "ops/device.h"

namespace tapeflow::ops {
namespace {

bool is_logical(BinaryOp op) { return op >= BinaryOp::LogicalAnd; }

// Shorthands for writing gradient rules with the public ops (so they are recorded too).
Tensor add(const Tensor& a, const Tensor& b) { return binary(BinaryOp::Add, a, b); }
Tensor sub(const Tensor& a, const Tensor& b) { return binary(BinaryOp::Sub, a, b); }
Tensor mul(const Tensor& a, const Tensor& b) { return binary(BinaryOp::Mul, a, b); }
Tensor div(const Tensor& a, const Tensor& b) { return binary(BinaryOp::Div, a, b); }
Tensor neg(const Tensor& a) { return unary(UnaryOp::Neg, a); }
Tensor constant_like(double v, const Tensor& like) { return scalar_like(v, like); }
Tensor zeros_like_grad(const Tensor& like) {
  return broadcast_view(scalar_like(0.0, like), like.shape());
}

// Gradients in the broadcast (output) shape; the engine sums them back to each input's shape.
// Only the gradients asked for (need_a, need_b) are computed.
//   add: (g, g)   sub: (g, -g)   mul: (g*b, g*a)   div: (g/b, -g*out/b)
//   pow: (g*b*a^(b-1), g*out*log(a) where a > 0 else 0)
//   maximum/minimum: the whole gradient goes to a where a wins or ties (TF's rule)
std::vector<Tensor> binary_gradient(BinaryOp op, const Tensor& a, const Tensor& b,
                                    const Tensor& out, const Tensor& g, bool need_a,
                                    bool need_b) {
  auto when = [](bool needed, auto make) { return needed ? make() : Tensor(); };
  switch (op) {
    case BinaryOp::Add: return {g, g};
    case BinaryOp::Sub: return {g, when(need_b, [&] { return neg(g); })};
    case BinaryOp::Mul:
      return {when(need_a, [&] { return mul(g, b); }), when(need_b, [&] { return mul(g, a); })};
    case BinaryOp::Div:
      return {when(need_a, [&] { return div(g, b); }),
              when(need_b, [&] { return neg(div(mul(g, out), b)); })};
    case BinaryOp::Pow:
      return {when(need_a,
                   [&] {
                     return mul(mul(g, b), binary(BinaryOp::Pow, a, sub(b, constant_like(1, b))));
                   }),
              when(need_b, [&] {
                const Tensor positive = binary(BinaryOp::Greater, a, constant_like(0, a));
                const Tensor safe_a = where(positive, a, constant_like(1, a));
                const Tensor log_a =
                    where(positive, unary(UnaryOp::Log, safe_a), constant_like(0, a));
                return mul(mul(g, out), log_a);
              })};
    case BinaryOp::Maximum:
    case BinaryOp::Minimum: {
      const Tensor a_wins = binary(op == BinaryOp::Maximum ? BinaryOp::GreaterEqual
                                                           : BinaryOp::LessEqual, a, b);
      const Tensor zero = constant_like(0, g);
      return {when(need_a, [&] { return where(a_wins, g, zero); }),
              when(need_b, [&] { return where(a_wins, zero, g); })};
    }
    case BinaryOp::Mod:  // a - floor(a/b)*b: (g, -g*floor(a/b))
      return {g, when(need_b, [&] { return neg(mul(g, binary(BinaryOp::FloorDiv, a, b))); })};
    default:  // floordiv is piecewise constant: no gradient, as in TF
      return {Tensor(), Tensor()};
  }
}

// NOTE: relu's gradient at exactly 0 is 0 (TF uses out > 0).
Tensor unary_gradient(UnaryOp op, const Tensor& a, const Tensor& out, const Tensor& g) {
  switch (op) {
    case UnaryOp::Neg: return neg(g);
    case UnaryOp::Abs: return mul(g, unary(UnaryOp::Sign, a));
    case UnaryOp::Sign: return zeros_like_grad(a);
    case UnaryOp::Square: return mul(g, mul(a, constant_like(2, a)));
    case UnaryOp::Sqrt: return div(mul(g, constant_like(0.5, a)), out);
    case UnaryOp::Rsqrt:
      return mul(g, mul(constant_like(-0.5, a), mul(out, mul(out, out))));
    case UnaryOp::Reciprocal: return neg(mul(g, mul(out, out)));
    case UnaryOp::Exp: return mul(g, out);
    case UnaryOp::Expm1: return mul(g, add(out, constant_like(1, a)));
    case UnaryOp::Log: return div(g, a);
    case UnaryOp::Log1p: return div(g, add(a, constant_like(1, a)));
    case UnaryOp::Sin: return mul(g, unary(UnaryOp::Cos, a));
    case UnaryOp::Cos: return neg(mul(g, unary(UnaryOp::Sin, a)));
    case UnaryOp::Tan: return mul(g, add(constant_like(1, a), mul(out, out)));
    case UnaryOp::Tanh: return mul(g, sub(constant_like(1, a), mul(out, out)));
    case UnaryOp::Sigmoid: return mul(g, mul(out, sub(constant_like(1, a), out)));
    case UnaryOp::Relu:  // TF's ReluGrad: g * float(out > 0)
      return mul(g, cast(binary(BinaryOp::Greater, out, constant_like(0, out)), g.dtype()));
    case UnaryOp::Softplus: return mul(g, unary(UnaryOp::Sigmoid, a));
    default:  // floor, ceil, round: piecewise constant, no gradient (as in TF)
      return Tensor();
  }
}


}  // namespace

Tensor binary(BinaryOp op, const Tensor& a, const Tensor& b) {
  const char* name = op_name(op);
  check_same_dtype(name, a, b);
  if (!same_device(a, b)) {
    const Device d = common_device(name, {a, b});
    return binary(op, to_device(a, d), to_device(b, d));
  }
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
  if (is_floating(out.dtype())) {
    TF_RECORD(name, {a, b}, {out}, [op, a, b, out](const auto& g, const auto& needs) {
      return binary_gradient(op, a, b, out, g[0], needs[0], needs[1]);
    });
  }
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
  if (is_floating(out.dtype())) {
    TF_RECORD(name, {a}, {out}, [op, a, out](const auto& g, const auto&) {
      return std::vector<Tensor>{unary_gradient(op, a, out, g[0])};
    });
  }
  return out;
}

Tensor where(const Tensor& cond, const Tensor& a, const Tensor& b) {
  TF_CHECK_ARG(cond.dtype() == DType::Bool, "where: condition must be bool, got ",
               dtype_name(cond.dtype()));
  check_same_dtype("where", a, b);
  if (!same_device(a, b) || !same_device(cond, a)) {
    const Device d = common_device("where", {cond, a, b});
    return where(to_device(cond, d), to_device(a, d), to_device(b, d));
  }
  const Dims shape =
      broadcast_shapes(cond.shape(), broadcast_shapes(a.shape(), b.shape(), "where"), "where");
  Tensor out = Tensor::empty(shape, a.dtype(), a.device());
  if (out.numel() > 0)
    kernels::where(broadcast_view(cond, shape), broadcast_view(a, shape),
                   broadcast_view(b, shape), out);
  if (is_floating(out.dtype())) {
    TF_RECORD("where", {cond, a, b}, {out}, [cond](const auto& g, const auto&) {
      const Tensor zero = scalar_like(0.0, g[0]);
      return std::vector<Tensor>{Tensor(), where(cond, g[0], zero), where(cond, zero, g[0])};
    });
  }
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
  if (is_floating(x.dtype()) && is_floating(dtype)) {  // casts to/from integers stop gradients
    const DType from = x.dtype();
    TF_RECORD("cast", {x}, {out}, [from](const auto& g, const auto&) {
      return std::vector<Tensor>{cast(g[0], from)};
    });
  }
  return out;
}

bool any_true(const Tensor& condition) {
  TF_CHECK_ARG(condition.dtype() == DType::Bool, "any_true: expected bool, got ",
               dtype_name(condition.dtype()));
  return kernels::any_true(condition);
}

}  // namespace tapeflow::ops
