#include "ops/common.h"

#include "kernels/dispatch.h"

namespace tapeflow::ops {

void check_same_dtype(const char* op, const Tensor& a, const Tensor& b) {
  TF_CHECK_ARG(a.dtype() == b.dtype(), op, ": expected both inputs to have the same dtype, got ",
               dtype_name(a.dtype()), " and ", dtype_name(b.dtype()),
               " (tapeflow, like TensorFlow, never promotes; use tf.cast)");
}

Tensor broadcast_view(const Tensor& t, const Dims& shape) {
  if (t.shape() == shape) return t;
  const int rank = shape.size(), lead = rank - t.rank();
  TF_CHECK_ARG(lead >= 0, "cannot broadcast shape ", shape_str(t.shape()), " to ",
               shape_str(shape));
  Dims strides = Dims::filled(rank, 0);
  for (int i = 0; i < t.rank(); ++i) {
    const int64_t d = t.dim(i);
    TF_CHECK_ARG(d == shape[lead + i] || d == 1, "cannot broadcast shape ", shape_str(t.shape()),
                 " to ", shape_str(shape));
    strides[lead + i] = d == 1 && shape[lead + i] != 1 ? 0 : t.strides()[i];
  }
  return Tensor::view_of(t, shape, strides, t.offset());
}

Tensor scalar_on(double value, DType dtype, Device device) {
  // Written on the host, then copied across when the tensor lives elsewhere.
  Tensor host = Tensor::empty(Dims{}, dtype, Device{});
  TF_DISPATCH_ALL(dtype, "scalar_on", *host.data<scalar_t>() = scalar_t(value));
  if (device.is_cpu()) return host;
  Tensor out = Tensor::empty(Dims{}, dtype, device);
  kernels::copy(host, out);
  return out;
}

Tensor scalar_like(double value, const Tensor& like) {
  return scalar_on(value, like.dtype(), like.device());
}

Tensor contiguous(const Tensor& t) {
  if (t.is_contiguous()) return t;
  Tensor out = Tensor::empty(t.shape(), t.dtype(), t.device());
  kernels::copy(t, out);
  return out;
}

}  // namespace tapeflow::ops
