#include "ops/device.h"

#include "autograd/tape.h"
#include "kernels/dispatch.h"
#include "ops/common.h"
#include "ops/shape.h"

namespace tapeflow::ops {

Tensor to_device(const Tensor& x, Device device) {
  if (x.device() == device) return x;
  // The compact form: every broadcast (zero-stride) dimension cut to size 1.
  Dims compact_shape = x.shape();
  for (int d = 0; d < x.rank(); ++d)
    if (x.strides()[d] == 0) compact_shape[d] = 1;
  const Tensor compact = Tensor::view_of(x, compact_shape, x.strides(), x.offset());
  Tensor moved = Tensor::empty(compact_shape, x.dtype(), device);
  if (moved.numel() > 0) kernels::copy(compact, moved);
  const Tensor out = broadcast_view(moved, x.shape());
  if (is_floating(x.dtype())) {
    const Device from = x.device();
    TF_RECORD("copy_to_device", {x}, {out}, [from](const auto& g, const auto&) {
      return std::vector<Tensor>{to_device(g[0], from)};
    });
  }
  return out;
}

Tensor place(const Tensor& x) {
  return to_device(x, placement_device());
}

Tensor identity_on_scope_device(const Tensor& x) {
  Device scope;
  if (scope_device(&scope) && scope != x.device()) return to_device(x, scope);
  return identity(x);
}

Device common_device(const char* op, const std::vector<Tensor>& inputs) {
  Device gpu;
  bool found = false;
  for (const Tensor& t : inputs) {
    if (!t.defined() || t.device().is_cpu()) continue;
    TF_CHECK_ARG(!found || t.device() == gpu, op, ": inputs live on two different GPUs, ",
                 gpu.name(), " and ", t.device().name(),
                 "; copy one with tf.identity under tf.device(...)");
    gpu = t.device();
    found = true;
  }
  return found ? gpu : Device{};
}

}  // namespace tapeflow::ops
