#include "ops/dense.h"

#include "autograd/tape.h"
#include "kernels/dispatch.h"
#include "ops/common.h"
#include "ops/device.h"
#include "ops/elementwise.h"
#include "ops/linalg.h"
#include "ops/reduce.h"
#include "ops/shape.h"

namespace tapeflow::ops {
namespace {

using cpu::GemmActivation;

GemmActivation parse_activation(const std::string& name) {
  if (name.empty() || name == "linear") return GemmActivation::None;
  if (name == "relu") return GemmActivation::Relu;
  if (name == "sigmoid") return GemmActivation::Sigmoid;
  TF_CHECK_ARG(name == "tanh", "dense: unknown activation '", name,
               "' (expected 'linear', 'relu', 'sigmoid' or 'tanh')");
  return GemmActivation::Tanh;
}

void check_operands(const Tensor& x, const Tensor& kernel, const std::optional<Tensor>& bias) {
  TF_CHECK_ARG(is_floating(x.dtype()), "dense: expected float32 or float64 inputs, got ",
               dtype_name(x.dtype()));
  check_same_dtype("dense", x, kernel);
  TF_CHECK_ARG(x.rank() >= 2, "dense: expected inputs of rank >= 2, got shape ",
               shape_str(x.shape()));
  TF_CHECK_ARG(kernel.rank() == 2, "dense: expected a kernel of rank 2, got shape ",
               shape_str(kernel.shape()));
  TF_CHECK_ARG(x.dim(x.rank() - 1) == kernel.dim(0), "dense: the inputs ", shape_str(x.shape()),
               " have ", x.dim(x.rank() - 1), " features but the kernel ",
               shape_str(kernel.shape()), " expects ", kernel.dim(0));
  if (!bias) return;
  check_same_dtype("dense", x, *bias);
  TF_CHECK_ARG(bias->rank() == 1 && bias->dim(0) == kernel.dim(1),
               "dense: expected a bias of shape (", kernel.dim(1), ",) for the kernel ",
               shape_str(kernel.shape()), ", got shape ", shape_str(bias->shape()));
}

// g * activation'(z), from the saved output (NOTE: relu's derivative at 0 is 0, as in TF).
Tensor activation_gradient(GemmActivation activation, const Tensor& out, const Tensor& g) {
  const Tensor one = scalar_like(1.0, out);
  switch (activation) {
    case GemmActivation::Relu:  // TF's ReluGrad: g * float(out > 0)
      return binary(BinaryOp::Mul, g,
                    cast(binary(BinaryOp::Greater, out, scalar_like(0.0, out)), g.dtype()));
    case GemmActivation::Sigmoid:
      return binary(BinaryOp::Mul, g, binary(BinaryOp::Mul, out, binary(BinaryOp::Sub, one, out)));
    case GemmActivation::Tanh:
      return binary(BinaryOp::Mul, g, binary(BinaryOp::Sub, one, binary(BinaryOp::Mul, out, out)));
    case GemmActivation::None:
      break;
  }
  return g;
}

}  // namespace

Tensor dense(const Tensor& x, const Tensor& kernel, const std::optional<Tensor>& bias,
             const std::string& activation_name) {
  if (!same_device(x, kernel) || (bias && !same_device(x, *bias))) {
    const Device d = common_device("dense", {x, kernel, bias ? *bias : Tensor()});
    const std::optional<Tensor> moved_bias =
        bias ? std::optional<Tensor>(to_device(*bias, d)) : std::nullopt;
    return dense(to_device(x, d), to_device(kernel, d), moved_bias, activation_name);
  }
  check_operands(x, kernel, bias);
  const GemmActivation activation = parse_activation(activation_name);
  const int64_t k = kernel.dim(0), n = kernel.dim(1);
  int64_t m = 1;
  for (int d = 0; d < x.rank() - 1; ++d) m *= x.dim(d);
  // (..., K) -> (M, K): a rank-2 x keeps its strides; a higher rank is flattened (a copy only
  // when x is not contiguous).
  Tensor x2 = x;
  if (x.rank() > 2) {
    const Tensor flat = contiguous(x);
    x2 = Tensor::view_of(flat, Dims{m, k}, Dims{k, 1}, flat.offset());
  }
  Dims out_shape = x.shape();
  out_shape[x.rank() - 1] = n;
  Tensor out = Tensor::empty(out_shape, x.dtype(), x.device());
  if (out.numel() > 0) {
    const Tensor out2 = Tensor::view_of(out, Dims{m, n}, Dims{n, 1}, out.offset());
    kernels::gemm(x2, kernel, out2, {bias ? contiguous(*bias) : Tensor(), activation});
  }
  std::vector<Tensor> inputs{x, kernel};
  if (bias) inputs.push_back(*bias);
  TF_RECORD(
      "dense", inputs, {out},
      [x, kernel, out, activation, m, has_bias = bool(bias)](const auto& g, const auto& needs) {
        // Work on (M, N) / (M, K) matrices; reshape is recorded, so this stays
        // differentiable for higher-order gradients.
        const int64_t k = kernel.dim(0), n = kernel.dim(1);
        Tensor dz = activation_gradient(activation, out, g[0]);
        if (x.rank() > 2) dz = reshape(dz, {m, n});
        std::vector<Tensor> grads(has_bias ? 3 : 2);
        if (needs[0]) {
          const Tensor dx = matmul(dz, kernel, false, true);
          grads[0] = x.rank() > 2 ? reshape(dx, x.shape().to_vector()) : dx;
        }
        if (needs[1]) grads[1] = matmul(x.rank() > 2 ? reshape(x, {m, k}) : x, dz, true);
        if (has_bias && needs[2])
          grads[2] = reduce(ReduceOp::Sum, dz, std::vector<int64_t>{0}, false);
        return grads;
      });
  return out;
}

}  // namespace tapeflow::ops
