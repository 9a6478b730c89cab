// Softmax cross-entropy loops (kernels/cpu/crossentropy.h), compiled once per ISA (see
// isa_namespace.h) for vecmath.h's exp. Rows are independent: threads split them.
#include "kernels/cpu/crossentropy.h"

#include <algorithm>
#include <cmath>

#include "kernels/cpu/isa/vecmath.h"
#include "kernels/cpu/loops.h"

namespace tapeflow::cpu::TF_ISA {
namespace {

// Rows per thread's share: about kParallelGrain logits.
int64_t row_grain(int64_t classes) {
  return std::max<int64_t>(1, kParallelGrain / std::max<int64_t>(1, classes));
}

// Labels already checked (crossentropy.cpp).
template <class T, class L>
void forward(const T* logits, const L* labels, T* losses, T* probs, int64_t rows, int64_t classes) {
  parallel_for(0, rows, row_grain(classes), [&](int64_t lo, int64_t hi) {
    for (int64_t r = lo; r < hi; ++r) {
      const T* z = logits + r * classes;
      T* p = probs + r * classes;
      const T top = *std::max_element(z, z + classes);
      for (int64_t j = 0; j < classes; ++j) p[j] = z[j] - top;
      vecmath::map([](simd::Vec<T> v) { return vecmath::exp(v); }, p, p, classes);
      T total = 0;
      for (int64_t j = 0; j < classes; ++j) total += p[j];
      // NOTE: a row of -inf logits gives top = -inf and NaNs, as the composite does.
      // (One log per row, not per logit: libm's is fine here.)
      losses[r] = std::log(total) - (z[int64_t(labels[r])] - top);
      const T scale = T(1) / total;
      for (int64_t j = 0; j < classes; ++j) p[j] *= scale;
    }
  });
}

template <class T, class L>
void backward(const T* probs, const L* labels, const T* grad, T* out, int64_t rows,
              int64_t classes) {
  parallel_for(0, rows, row_grain(classes), [&](int64_t lo, int64_t hi) {
    for (int64_t r = lo; r < hi; ++r) {
      const T g = grad[r];
      const T* p = probs + r * classes;
      T* o = out + r * classes;
      for (int64_t j = 0; j < classes; ++j) o[j] = g * p[j];
      o[int64_t(labels[r])] -= g;
    }
  });
}

}  // namespace

void sparse_softmax_cross_entropy_kernel(const Tensor& logits, const Tensor& labels,
                                         const Tensor& losses, const Tensor& probs) {
  const int64_t classes = logits.dim(logits.rank() - 1), rows = losses.numel();
  for_float_and_index_types(logits.dtype(), labels.dtype(), [&](auto t, auto l) {
    using T = decltype(t);
    using L = decltype(l);
    forward<T, L>(logits.data<T>(), labels.data<L>(), losses.data<T>(), probs.data<T>(), rows,
                  classes);
  });
}

void sparse_softmax_cross_entropy_backward_kernel(const Tensor& probs, const Tensor& labels,
                                                  const Tensor& grad, const Tensor& out) {
  const int64_t classes = probs.dim(probs.rank() - 1), rows = grad.numel();
  for_float_and_index_types(probs.dtype(), labels.dtype(), [&](auto t, auto l) {
    using T = decltype(t);
    using L = decltype(l);
    backward<T, L>(probs.data<T>(), labels.data<L>(), grad.data<T>(), out.data<T>(), rows, classes);
  });
}

}  // namespace tapeflow::cpu::TF_ISA
