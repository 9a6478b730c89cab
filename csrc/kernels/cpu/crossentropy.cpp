#include "kernels/cpu/crossentropy.h"

#include <algorithm>
#include <cmath>

namespace tapeflow::cpu {
namespace {

template <class T, class L>
int64_t forward(const T* logits, const L* labels, T* losses, T* probs, int64_t rows,
                int64_t classes) {
  for (int64_t r = 0; r < rows; ++r) {
    const int64_t label = int64_t(labels[r]);
    if (label < 0 || label >= classes) return r;
    const T* z = logits + r * classes;
    T* p = probs + r * classes;
    const T top = *std::max_element(z, z + classes);
    T total = 0;
    for (int64_t j = 0; j < classes; ++j) total += (p[j] = std::exp(z[j] - top));
    // NOTE: a row of -inf logits gives top = -inf and NaNs, as the composite does.
    const T log_total = std::log(total);
    losses[r] = log_total - (z[label] - top);
    const T scale = T(1) / total;
    for (int64_t j = 0; j < classes; ++j) p[j] *= scale;
  }
  return -1;
}

template <class T, class L>
void backward(const T* probs, const L* labels, const T* grad, T* out, int64_t rows,
              int64_t classes) {
  for (int64_t r = 0; r < rows; ++r) {
    const T g = grad[r];
    const T* p = probs + r * classes;
    T* o = out + r * classes;
    for (int64_t j = 0; j < classes; ++j) o[j] = g * p[j];
    o[int64_t(labels[r])] -= g;
  }
}

// Calls fn(T{}, L{}) for the (value, label) dtype pair.
template <class Fn>
void for_types(DType value, DType label, Fn&& fn) {
  const bool wide = label == DType::Int64;
  if (value == DType::Float64) {
    if (wide) return fn(double{}, int64_t{});
    return fn(double{}, int32_t{});
  }
  if (wide) return fn(float{}, int64_t{});
  fn(float{}, int32_t{});
}

}  // namespace

int64_t sparse_softmax_cross_entropy(const Tensor& logits, const Tensor& labels,
                                     const Tensor& losses, const Tensor& probs) {
  const int64_t classes = logits.dim(logits.rank() - 1), rows = losses.numel();
  int64_t bad = -1;
  for_types(logits.dtype(), labels.dtype(), [&](auto t, auto l) {
    using T = decltype(t);
    using L = decltype(l);
    bad = forward<T, L>(logits.data<T>(), labels.data<L>(), losses.data<T>(), probs.data<T>(), rows,
                        classes);
  });
  return bad;
}

void sparse_softmax_cross_entropy_backward(const Tensor& probs, const Tensor& labels,
                                           const Tensor& grad, const Tensor& out) {
  const int64_t classes = probs.dim(probs.rank() - 1), rows = grad.numel();
  for_types(probs.dtype(), labels.dtype(), [&](auto t, auto l) {
    using T = decltype(t);
    using L = decltype(l);
    backward<T, L>(probs.data<T>(), labels.data<L>(), grad.data<T>(), out.data<T>(), rows, classes);
  });
}

}  // namespace tapeflow::cpu
