// The loops live in isa/crossentropy.cpp, one copy per ISA; this picks the one to run.
#include "kernels/cpu/crossentropy.h"

#include "kernels/cpu/cpu_features.h"

namespace tapeflow::cpu {

TF_DECLARE_ISA_KERNEL(void, sparse_softmax_cross_entropy_kernel,
                      (const Tensor& logits, const Tensor& labels, const Tensor& losses,
                       const Tensor& probs))
TF_DECLARE_ISA_KERNEL(void, sparse_softmax_cross_entropy_backward_kernel,
                      (const Tensor& probs, const Tensor& labels, const Tensor& grad,
                       const Tensor& out))

namespace {

// The first row whose label lies outside [0, classes), or -1.
int64_t first_bad_label(const Tensor& labels, int64_t rows, int64_t classes) {
  const bool wide = labels.dtype() == DType::Int64;
  for (int64_t r = 0; r < rows; ++r) {
    const int64_t label = wide ? labels.data<int64_t>()[r] : labels.data<int32_t>()[r];
    if (label < 0 || label >= classes) return r;
  }
  return -1;
}

}  // namespace

int64_t sparse_softmax_cross_entropy(const Tensor& logits, const Tensor& labels,
                                     const Tensor& losses, const Tensor& probs) {
  const int64_t classes = logits.dim(logits.rank() - 1), rows = losses.numel();
  const int64_t bad = first_bad_label(labels, rows, classes);
  if (bad < 0)
    TF_CALL_ISA_KERNEL(sparse_softmax_cross_entropy_kernel, logits, labels, losses, probs);
  return bad;
}

void sparse_softmax_cross_entropy_backward(const Tensor& probs, const Tensor& labels,
                                           const Tensor& grad, const Tensor& out) {
  TF_CALL_ISA_KERNEL(sparse_softmax_cross_entropy_backward_kernel, probs, labels, grad, out);
}

}  // namespace tapeflow::cpu
