#include "kernels/cpu/reduce.h"

#include <cmath>

#include "kernels/cpu/cpu_features.h"
#include "kernels/cpu/loops.h"

namespace tapeflow::cpu {

TF_DECLARE_ISA_KERNEL(void, reduce_kernel,
                      (ReduceOp op, const Tensor& in, int reduced_rank, const Tensor& out))

void reduce(ReduceOp op, const Tensor& in, int reduced_rank, const Tensor& out) {
  TF_CALL_ISA_KERNEL(reduce_kernel, op, in, reduced_rank, out);
}

namespace {

template <class T, class I>
void arg_reduce_typed(bool is_max, const Tensor& in, const Tensor& out) {
  const int k = in.rank() - 1;
  const int64_t n = in.dim(k), step = in.strides()[k];
  Dims kept_shape(std::vector<int64_t>(in.shape().begin(), in.shape().end() - 1));
  Dims kept_strides(std::vector<int64_t>(in.strides().begin(), in.strides().end() - 1));
  const Tensor starts = Tensor::view_of(in, kept_shape, kept_strides, in.offset());
  Tensor positions = Tensor::view_of(out, kept_shape, contiguous_strides(kept_shape), out.offset());
  StridedLoop<2> loop(kept_shape, {&positions, &starts});
  loop.parallel_run(
      [&](char* const* p, const int64_t* s, int64_t count) {
        for (int64_t o = 0; o < count; ++o) {
          const T* x = reinterpret_cast<const T*>(p[1] + o * s[1]);
          int64_t best = 0;
          T best_value = x[0];
          for (int64_t i = 1; i < n && best_value == best_value; ++i) {
            const T v = x[i * step];
            if (v != v || (is_max ? v > best_value : v < best_value)) {
              best = i;
              best_value = v;
            }
          }
          *reinterpret_cast<I*>(p[0] + o * s[0]) = I(best);
        }
      },
      std::max<int64_t>(1, kParallelGrain / std::max<int64_t>(n, 1)));
}

template <class T>
void softmax_typed(const Tensor& in, const Tensor& out, bool log) {
  const int64_t n = in.dim(in.rank() - 1), rows = in.numel() / n;
  const T* x = in.data<T>();
  T* y = out.data<T>();
  parallel_for(0, rows, std::max<int64_t>(1, kParallelGrain / n), [&](int64_t lo, int64_t hi) {
    for (int64_t r = lo; r < hi; ++r) {
      const T* xr = x + r * n;
      T* yr = y + r * n;
      T max_value = xr[0];
      for (int64_t i = 1; i < n; ++i) max_value = xr[i] > max_value ? xr[i] : max_value;
      if (std::isinf(max_value) && max_value < 0) max_value = 0;  // an all -inf row
      double total = 0;
      for (int64_t i = 0; i < n; ++i) {
        const T e = std::exp(xr[i] - max_value);
        if (!log) yr[i] = e;
        total += double(e);
      }
      if (log) {
        const T log_total = T(std::log(total));
        for (int64_t i = 0; i < n; ++i) yr[i] = xr[i] - max_value - log_total;
      } else {
        const T inverse = T(1.0 / total);
        for (int64_t i = 0; i < n; ++i) yr[i] *= inverse;
      }
    }
  });
}

}  // namespace

void arg_reduce(bool is_max, const Tensor& in, const Tensor& out) {
  const bool wide = out.dtype() == DType::Int64;
  TF_DISPATCH_NUMERIC(in.dtype(), "argmax", {
    if (wide) arg_reduce_typed<scalar_t, int64_t>(is_max, in, out);
    else arg_reduce_typed<scalar_t, int32_t>(is_max, in, out);
  });
}

void softmax_last_axis(const Tensor& in, const Tensor& out, bool log) {
  TF_DISPATCH_FLOAT(in.dtype(), "softmax", softmax_typed<scalar_t>(in, out, log));
}

}  // namespace tapeflow::cpu
