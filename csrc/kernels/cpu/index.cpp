#include "kernels/cpu/index.h"

#include <algorithm>
#include <cstring>

#include "kernels/cpu/loops.h"
#include "kernels/cpu/parallel.h"

namespace tapeflow::cpu {
namespace {

// Calls fn(const I* data) with I the index tensor's integer type.
template <class Fn>
void with_indices(const Tensor& indices, Fn&& fn) {
  if (indices.dtype() == DType::Int32) {
    fn(indices.data<int32_t>());
  } else {
    fn(indices.data<int64_t>());
  }
}

// Moves one element (or row) of `bytes` bytes; the common sizes become single loads/stores.
inline void copy_bytes(char* dst, const char* src, size_t bytes) {
  switch (bytes) {
    case 1:
      *dst = *src;
      return;
    case 4:
      std::memcpy(dst, src, 4);
      return;
    case 8:
      std::memcpy(dst, src, 8);
      return;
    default:
      std::memcpy(dst, src, bytes);
  }
}

int64_t rows_per_task(int64_t row_elements) {
  return std::max<int64_t>(1, kParallelGrain / std::max<int64_t>(row_elements, 1));
}

template <class T, class I>
void scatter_sum_typed(const T* updates, const I* indices, const GatherDims& d, T* out) {
  const int64_t Q = d.inner, K = d.num_indices, N = d.axis_size;
  const int64_t slabs = d.batch * d.outer;
  // Tasks are column ranges of the (slab, q) plane; each output element still receives its
  // updates in increasing k, so the sums do not depend on how the plane is split.
  parallel_for(0, slabs * Q, rows_per_task(K + N), [&](int64_t lo, int64_t hi) {
    for (int64_t s = lo / Q; s * Q < hi; ++s) {
      const int64_t q0 = std::max(lo, s * Q) - s * Q, q1 = std::min(hi, (s + 1) * Q) - s * Q;
      T* out_slab = out + s * N * Q;
      for (int64_t n = 0; n < N; ++n) std::fill(out_slab + n * Q + q0, out_slab + n * Q + q1, T(0));
      const I* idx = indices + (s / d.outer) * K;
      const T* upd = updates + s * K * Q;
      for (int64_t k = 0; k < K; ++k) {
        T* dst = out_slab + int64_t(idx[k]) * Q;
        const T* src = upd + k * Q;
        for (int64_t q = q0; q < q1; ++q) dst[q] += src[q];
      }
    }
  });
}

}  // namespace

void gather(const Tensor& params, const Tensor& indices, const GatherDims& d, const Tensor& out) {
  const size_t row_bytes = size_t(d.inner) * out.itemsize();
  const char* src = static_cast<const char*>(params.raw_data());
  char* dst = static_cast<char*>(out.raw_data());
  const int64_t rows = d.batch * d.outer * d.num_indices;
  with_indices(indices, [&](const auto* idx) {
    parallel_for(0, rows, rows_per_task(d.inner), [&](int64_t lo, int64_t hi) {
      for (int64_t r = lo; r < hi; ++r) {
        const int64_t k = r % d.num_indices, slab = r / d.num_indices;
        const int64_t i = int64_t(idx[(slab / d.outer) * d.num_indices + k]);
        copy_bytes(dst + r * row_bytes, src + (slab * d.axis_size + i) * row_bytes, row_bytes);
      }
    });
  });
}

void scatter_sum(const Tensor& updates, const Tensor& indices, const GatherDims& d,
                 const Tensor& out) {
  with_indices(indices, [&](const auto* idx) {
    TF_DISPATCH_NUMERIC(out.dtype(), "scatter_sum",
                        scatter_sum_typed(updates.data<scalar_t>(), idx, d, out.data<scalar_t>()));
  });
}

OutOfRange find_out_of_range(const Tensor& indices, int64_t lo, int64_t hi) {
  OutOfRange found;
  const int64_t n = indices.numel();
  with_indices(indices, [&](const auto* idx) {
    for (int64_t i = 0; i < n; ++i) {
      const int64_t v = int64_t(idx[i]);
      if (v < lo || v >= hi) {
        found.position = i;
        found.value = v;
        return;
      }
    }
  });
  return found;
}

void one_hot(const Tensor& indices, const Tensor& on, const Tensor& off, const Tensor& out) {
  const int64_t P = out.dim(0), depth = out.dim(1), Q = out.dim(2);
  TF_DISPATCH_ALL(out.dtype(), "one_hot", {
    const scalar_t on_value = *on.data<scalar_t>(), off_value = *off.data<scalar_t>();
    scalar_t* y = out.data<scalar_t>();
    with_indices(indices, [&](const auto* idx) {
      parallel_for(0, P, rows_per_task(depth * Q), [&](int64_t lo, int64_t hi) {
        for (int64_t p = lo; p < hi; ++p) {
          scalar_t* block = y + p * depth * Q;
          std::fill(block, block + depth * Q, off_value);
          for (int64_t q = 0; q < Q; ++q) {
            const int64_t v = int64_t(idx[p * Q + q]);
            if (v >= 0 && v < depth) block[v * Q + q] = on_value;
          }
        }
      });
    });
  });
}

void tile(const Tensor& x, const Tensor& out) {
  const size_t item = out.itemsize();
  const char* src = static_cast<const char*>(x.raw_data());
  char* dst = static_cast<char*>(out.raw_data());
  const int r = out.rank();
  if (r == 0) {
    copy_bytes(dst, src, item);
    return;
  }
  const int64_t len = x.dim(r - 1), stride = x.strides()[r - 1];
  const int64_t row = out.dim(r - 1), rows = out.numel() / row;
  parallel_for(0, rows, rows_per_task(row), [&](int64_t lo, int64_t hi) {
    int64_t index[kMaxRank] = {};  // position of row `lo` over out's leading dimensions
    for (int64_t rest = lo, d = r - 2; d >= 0; --d) {
      index[d] = rest % out.dim(int(d));
      rest /= out.dim(int(d));
    }
    for (int64_t k = lo; k < hi; ++k) {
      const char* from = src;
      for (int d = 0; d < r - 1; ++d) from += (index[d] % x.dim(d)) * x.strides()[d] * item;
      char* to = dst + k * row * item;
      if (stride == 1) {
        std::memcpy(to, from, size_t(len) * item);
      } else {
        for (int64_t i = 0; i < len; ++i) copy_bytes(to + i * item, from + i * stride * item, item);
      }
      for (int64_t copied = len; copied < row; copied += len)
        std::memcpy(to + copied * item, to, size_t(len) * item);
      for (int d = r - 2; d >= 0 && ++index[d] == out.dim(d); --d) index[d] = 0;
    }
  });
}

void fill_range(const Tensor& start, const Tensor& delta, const Tensor& out) {
  TF_DISPATCH_NUMERIC(out.dtype(), "range", {
    const scalar_t first = *start.data<scalar_t>(), step = *delta.data<scalar_t>();
    scalar_t* y = out.data<scalar_t>();
    parallel_for(0, out.numel(), kParallelGrain, [&](int64_t lo, int64_t hi) {
      for (int64_t i = lo; i < hi; ++i) {
        if constexpr (std::is_integral_v<scalar_t>) {
          // Two's complement arithmetic: exact whenever the result itself fits.
          y[i] = scalar_t(uint64_t(int64_t(first)) + uint64_t(i) * uint64_t(int64_t(step)));
        } else {
          y[i] = first + scalar_t(i) * step;
        }
      }
    });
  });
}

void eye(const Tensor& out) {
  const int r = out.rank();
  const int64_t rows = out.dim(r - 2), cols = out.dim(r - 1);
  const int64_t matrices = out.numel() / (rows * cols), diagonal = std::min(rows, cols);
  std::memset(out.raw_data(), 0, size_t(out.numel()) * out.itemsize());
  TF_DISPATCH_ALL(out.dtype(), "eye", {
    scalar_t* y = out.data<scalar_t>();
    for (int64_t m = 0; m < matrices; ++m)
      for (int64_t i = 0; i < diagonal; ++i) y[(m * rows + i) * cols + i] = scalar_t(1);
  });
}

int64_t count_true(const Tensor& mask) {
  const bool* m = mask.data<bool>();
  return std::count(m, m + mask.numel(), true);
}

void true_positions(const Tensor& mask, const Tensor& out) {
  const bool* m = mask.data<bool>();
  int64_t* y = out.data<int64_t>();
  for (int64_t i = 0, n = mask.numel(); i < n; ++i)
    if (m[i]) *y++ = i;
}

}  // namespace tapeflow::cpu
