// Moving tensors between devices, and where an op with several inputs runs.
//
// TensorFlow's eager rule, as tapeflow applies it: an op runs on the device its inputs live
// on. When they disagree, it runs on the GPU among them and the other inputs are copied there
// silently (TF's default device policy, "silent"); inputs on two different GPUs raise
// InvalidArgumentError. The copies are recorded, so gradients flow back to the originals.
#pragma once
#include <vector>

#include "core/device.h"
#include "core/tensor.h"

namespace tapeflow::ops {

// x itself when it already lives on `device`, else a copy there (broadcast dimensions travel
// once and are broadcast again on arrival). Recorded: the gradient is copied back.
Tensor to_device(const Tensor& x, Device device);
// to_device(x, placement_device()): where tf.constant, tf.Variable and tf.identity under a
// tf.device scope put a value.
Tensor place(const Tensor& x);
// tf.identity: a copy on the scope's device inside a tf.device scope (when x is elsewhere),
// else a view of x under a new id.
Tensor identity_on_scope_device(const Tensor& x);

// The device an op on `inputs` runs on (see above). Callers test same_device() first, so the
// common case costs one comparison per input.
Device common_device(const char* op, const std::vector<Tensor>& inputs);
inline bool same_device(const Tensor& a, const Tensor& b) {
  return a.device() == b.device();
}

}  // namespace tapeflow::ops
