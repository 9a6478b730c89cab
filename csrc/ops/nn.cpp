#include "ops/nn.h"

#include <string>

#include "autograd/tape.h"
#include "kernels/dispatch.h"
#include "ops/common.h"
#include "ops/creation.h"
#include "ops/device.h"
#include "ops/elementwise.h"
#include "ops/reduce.h"
#include "ops/shape.h"

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

// TensorFlow's message: the offending value, the range, and the first labels.
[[noreturn]] void raise_bad_label(const Tensor& labels_anywhere, int64_t row, int64_t classes) {
  const Tensor labels = to_device(labels_anywhere, Device{});  // read on the host
  auto label_at = [&](int64_t i) {
    return labels.dtype() == DType::Int64 ? labels.data<int64_t>()[i]
                                          : int64_t(labels.data<int32_t>()[i]);
  };
  std::string shown = "[";
  for (int64_t i = 0; i < std::min<int64_t>(labels.numel(), 20); ++i)
    shown += (i ? " " : "") + std::to_string(label_at(i));
  throw InvalidArgumentError(str_cat("Received a label value of ", label_at(row),
                                     " which is outside the valid range of [0, ", classes,
                                     "). Label values: ", shown, "]"));
}

// d logits (..., C) = g (...) * (softmax(logits) - one_hot(labels)), from the forward's probs.
// Its own rule (second order) recomputes softmax from logits, so it composes to any order:
//   d logits <- g * p * (h - sum(h * p)),   d g <- sum(h * (p - one_hot)),   h the upstream.
Tensor cross_entropy_backward(const Tensor& logits, const Tensor& labels, const Tensor& probs,
                              const Tensor& g) {
  Tensor out = Tensor::empty(probs.shape(), probs.dtype(), probs.device());
  if (out.numel() > 0)
    kernels::sparse_softmax_cross_entropy_backward(probs, labels, contiguous(g), out);
  TF_RECORD("sparse_softmax_cross_entropy_grad", {logits, g}, {out},
            [logits, labels, g](const auto& grads, const auto&) {
              const Tensor& h = grads[0];
              const int last = logits.rank() - 1;
              const Axes axis = std::vector<int64_t>{last};
              const Tensor p = softmax(logits, last);
              const Tensor hp = reduce(ReduceOp::Sum, binary(BinaryOp::Mul, h, p), axis, true);
              const Tensor d_logits =
                  binary(BinaryOp::Mul, binary(BinaryOp::Mul, expand_dims(g, last), p),
                         binary(BinaryOp::Sub, h, hp));
              const Tensor picked =
                  one_hot(labels, logits.dim(last), scalar_like(1.0, p), scalar_like(0.0, p), -1);
              const Tensor d_g =
                  reduce(ReduceOp::Sum, binary(BinaryOp::Mul, h, binary(BinaryOp::Sub, p, picked)),
                         axis, false);
              return std::vector<Tensor>{d_logits, d_g};
            });
  return out;
}

}  // namespace

Tensor sparse_softmax_cross_entropy(const Tensor& logits, const Tensor& labels) {
  const char* op = "sparse_softmax_cross_entropy";
  TF_CHECK_ARG(is_floating(logits.dtype()), op, ": logits must be float32 or float64, got ",
               dtype_name(logits.dtype()));
  TF_CHECK_ARG(labels.dtype() == DType::Int32 || labels.dtype() == DType::Int64, op,
               ": labels must be int32 or int64, got ", dtype_name(labels.dtype()));
  TF_CHECK_ARG(logits.rank() >= 1, op, ": logits must have a class axis, got a scalar");
  if (!same_device(logits, labels)) {
    const Device d = common_device(op, {logits, labels});
    return sparse_softmax_cross_entropy(to_device(logits, d), to_device(labels, d));
  }
  const int last = logits.rank() - 1;
  Dims rows_shape;
  for (int d = 0; d < last; ++d) rows_shape.push_back(logits.dim(d));
  TF_CHECK_ARG(labels.shape() == rows_shape, op, ": labels of shape ", shape_str(labels.shape()),
               " do not match logits of shape ", shape_str(logits.shape()),
               " (expected labels of shape ", shape_str(rows_shape), ")");
  const Tensor flat_labels = contiguous(labels);
  Tensor losses = Tensor::empty(rows_shape, logits.dtype(), logits.device());
  Tensor probs = Tensor::empty(logits.shape(), logits.dtype(), logits.device());
  if (losses.numel() > 0) {
    const int64_t bad =
        kernels::sparse_softmax_cross_entropy(contiguous(logits), flat_labels, losses, probs);
    if (bad >= 0) raise_bad_label(flat_labels, bad, logits.dim(last));
  }
  TF_RECORD(op, {logits}, {losses}, [logits, flat_labels, probs](const auto& grads, const auto&) {
    return std::vector<Tensor>{cross_entropy_backward(logits, flat_labels, probs, grads[0])};
  });
  return losses;
}

Tensor softmax(const Tensor& logits, int64_t axis) {
  return softmax_along(logits, axis, false);
}
Tensor log_softmax(const Tensor& logits, int64_t axis) {
  return softmax_along(logits, axis, true);
}

}  // namespace tapeflow::ops
