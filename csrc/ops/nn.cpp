#include "ops/nn.h"

#include "autograd/tape.h"
#include "kernels/dispatch.h"
#include "ops/common.h"
#include "ops/elementwise.h"
#include "ops/reduce.h"

namespace tapeflow::ops {
namespace {

// logits seen as (outer, n, inner) with n the softmax axis; a strided input is packed first.
Tensor softmax_along(const Tensor& logits, int64_t axis, bool log) {
  const char* name = log ? "log_softmax" : "softmax";
  TF_CHECK_ARG(is_floating(logits.dtype()), name, ": expected a float32 or float64 tensor, got ",
               dtype_name(logits.dtype()));
  const int a = normalize_axis(axis, logits.rank(), name);  // a scalar has no axis: IndexError
  int64_t outer = 1, inner = 1;
  for (int d = 0; d < logits.rank(); ++d) (d < a ? outer : inner) *= d == a ? 1 : logits.dim(d);
  Tensor out = Tensor::empty(logits.shape(), logits.dtype(), logits.device());
  if (out.numel() > 0) kernels::softmax(contiguous(logits), outer, logits.dim(a), inner, log, out);
  // softmax: dx = y * (g - sum(g * y))   log_softmax: dx = g - exp(y) * sum(g)  (sums along a)
  TF_RECORD(name, {logits}, {out}, [out, a, log](const auto& grads, const auto&) {
    const Tensor& g = grads[0];
    const Axes axis = std::vector<int64_t>{a};
    if (log) {
      const Tensor total = reduce(ReduceOp::Sum, g, axis, true);
      return std::vector<Tensor>{
          binary(BinaryOp::Sub, g, binary(BinaryOp::Mul, unary(UnaryOp::Exp, out), total))};
    }
    const Tensor dot = reduce(ReduceOp::Sum, binary(BinaryOp::Mul, g, out), axis, true);
    return std::vector<Tensor>{binary(BinaryOp::Mul, out, binary(BinaryOp::Sub, g, dot))};
  });
  return out;
}

}  // namespace

Tensor softmax(const Tensor& logits, int64_t axis) {
  return softmax_along(logits, axis, false);
}
Tensor log_softmax(const Tensor& logits, int64_t axis) {
  return softmax_along(logits, axis, true);
}

}  // namespace tapeflow::ops
