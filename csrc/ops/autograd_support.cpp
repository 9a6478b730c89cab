#include "ops/autograd_support.h"

#include "autograd/tape.h"
#include "ops/common.h"
#include "ops/elementwise.h"
#include "ops/reduce.h"

namespace tapeflow::ops {

Tensor ones_like_gradient(const Tensor& like) {
  return broadcast_view(scalar_like(1.0, like), like.shape());
}

Tensor zeros_gradient(const Dims& shape, DType dtype) {
  // On the host: the engine knows only the shape and dtype of an output nobody used.
  return broadcast_view(scalar_on(0.0, dtype, Device{}), shape);
}

Tensor add_gradients(const Tensor& a, const Tensor& b) {
  return binary(BinaryOp::Add, a, b);
}

Tensor sum_to_shape(const Tensor& g, const Dims& shape) {
  if (g.shape() == shape) return g;
  // Axes broadcasting added in front, then axes where `shape` has 1 and g does not.
  const int lead = g.rank() - shape.size();
  TF_CHECK(lead >= 0, InternalError, "sum_to_shape: cannot sum ", shape_str(g.shape()), " to ",
           shape_str(shape));
  std::vector<int64_t> axes;
  for (int d = 0; d < g.rank(); ++d)
    if (d < lead || (shape[d - lead] == 1 && g.dim(d) != 1)) axes.push_back(d);
  Tensor summed = reduce(ReduceOp::Sum, g, axes, /*keepdims=*/true);
  // Drop the leading axes: summed is contiguous, so this is a view.
  Tensor out = Tensor::view_of(summed, shape, contiguous_strides(shape), summed.offset());
  const Dims g_shape = g.shape();
  TF_RECORD("sum_to_shape", {g}, {out}, [g_shape](const auto& grads, const auto&) {
    // d(sum)/dg broadcasts the gradient back: 0 + grad, broadcast to g's shape.
    const Tensor zero = broadcast_view(scalar_like(0.0, grads[0]), g_shape);
    return std::vector<Tensor>{binary(BinaryOp::Add, zero, grads[0])};
  });
  return out;
}

}  // namespace tapeflow::ops
