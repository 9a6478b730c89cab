#include "kernels/cpu/index.h"

#include <cstring>

#include "kernels/cpu/loops.h"
#include "kernels/cpu/parallel.h"

namespace tapeflow::cpu {
namespace {
constexpr int64_t kGrain = 32768;  // elements (or bytes for gather) handled inline
}  // namespace

void gather(const Tensor& params, const Tensor& indices, int64_t batch, int64_t outer,
            int64_t axis_size, int64_t inner, const Tensor& out) {
  const int64_t n = batch ? indices.numel() / batch : 0;
  const size_t row = size_t(inner) * params.itemsize();
  const char* src = static_cast<const char*>(params.raw_data());
  char* dst = static_cast<char*>(out.raw_data());
  const int64_t* idx = indices.data<int64_t>();
  // One task = one output row of `inner` elements; rows are independent.
  const int64_t rows = batch * outer * n;
  const int64_t grain = std::max<int64_t>(1, kGrain / std::max<int64_t>(1, int64_t(row)));
  parallel_for(0, rows, grain, [&](int64_t lo, int64_t hi) {
    for (int64_t r = lo; r < hi; ++r) {
      const int64_t i = r % n, bo = r / n, b = bo / outer;
      const int64_t from = bo * axis_size + idx[b * n + i];
      std::memcpy(dst + r * row, src + from * row, row);
    }
  });
}

void one_hot(const Tensor& indices, int64_t outer, int64_t depth, int64_t inner,
             const Tensor& on, const Tensor& off, const Tensor& out) {
  const int64_t* idx = indices.data<int64_t>();
  TF_DISPATCH_ALL(out.dtype(), "one_hot", {
    const scalar_t on_value = *on.data<scalar_t>(), off_value = *off.data<scalar_t>();
    scalar_t* dst = out.data<scalar_t>();
    parallel_for(0, outer, std::max<int64_t>(1, kGrain / std::max<int64_t>(1, depth * inner)),
                 [&](int64_t lo, int64_t hi) {
                   for (int64_t o = lo; o < hi; ++o) {
                     scalar_t* block = dst + o * depth * inner;
                     std::fill(block, block + depth * inner, off_value);
                     for (int64_t j = 0; j < inner; ++j) {
                       const int64_t d = idx[o * inner + j];
                       if (d >= 0 && d < depth) block[d * inner + j] = on_value;
                     }
                   }
                 });
  });
}

void range_int(int64_t start, int64_t delta, const Tensor& out) {
  TF_DISPATCH_ALL(out.dtype(), "range", {
    scalar_t* dst = out.data<scalar_t>();
    for (int64_t i = 0, n = out.numel(); i < n; ++i) dst[i] = scalar_t(start + i * delta);
  });
}

void range_float(double start, double delta, const Tensor& out) {
  TF_DISPATCH_ALL(out.dtype(), "range", {
    scalar_t* dst = out.data<scalar_t>();
    for (int64_t i = 0, n = out.numel(); i < n; ++i)
      dst[i] = scalar_t(start + double(i) * delta);
  });
}

void linspace(const Tensor& start, const Tensor& stop, int64_t outer, int64_t num,
              int64_t inner, const Tensor& out) {
  TF_DISPATCH_FLOAT(out.dtype(), "linspace", {
    const scalar_t* a = start.data<scalar_t>();
    const scalar_t* b = stop.data<scalar_t>();
    scalar_t* dst = out.data<scalar_t>();
    for (int64_t o = 0; o < outer; ++o) {
      for (int64_t j = 0; j < inner; ++j) {
        const double lo = a[o * inner + j], hi = b[o * inner + j];
        const double step = num > 1 ? (hi - lo) / double(num - 1) : 0.0;
        scalar_t* column = dst + o * num * inner + j;
        for (int64_t i = 0; i < num; ++i) column[i * inner] = scalar_t(lo + double(i) * step);
        if (num > 1) column[(num - 1) * inner] = scalar_t(hi);
      }
    }
  });
}

void eye(int64_t batch, int64_t rows, int64_t cols, const Tensor& out) {
  TF_DISPATCH_ALL(out.dtype(), "eye", {
    scalar_t* dst = out.data<scalar_t>();
    std::fill(dst, dst + batch * rows * cols, scalar_t(0));
    const int64_t diagonal = std::min(rows, cols);
    for (int64_t b = 0; b < batch; ++b)
      for (int64_t i = 0; i < diagonal; ++i) dst[(b * rows + i) * cols + i] = scalar_t(1);
  });
}

int64_t normalize_indices(const Tensor& indices, int64_t size, bool allow_negative,
                          const Tensor& out, int64_t* bad_value) {
  int64_t* dst = out.data<int64_t>();
  const int64_t lo = allow_negative ? -size : 0;
  int64_t position = 0, bad = -1;
  auto visit = [&](auto tag) {
    using T = decltype(tag);
    StridedLoop<1> loop(indices.shape(), {&indices});
    loop.run(0, loop.numel, [&](char** ptrs, const int64_t* strides, int64_t count) {
      const char* p = ptrs[0];
      for (int64_t k = 0; k < count; ++k, p += strides[0], ++position) {
        const int64_t v = *reinterpret_cast<const T*>(p);
        if ((v < lo || v >= size) && bad < 0) {
          bad = position;
          *bad_value = v;
        }
        dst[position] = v < 0 ? v + size : v;
      }
    });
  };
  if (indices.dtype() == DType::Int32)
    visit(int32_t{});
  else
    visit(int64_t{});
  return bad;
}

int64_t count_true(const Tensor& mask) {
  const bool* m = mask.data<bool>();
  int64_t count = 0;
  for (int64_t i = 0, n = mask.numel(); i < n; ++i) count += m[i];
  return count;
}

void nonzero(const Tensor& mask, const Tensor& out) {
  const bool* m = mask.data<bool>();
  int64_t* dst = out.data<int64_t>();
  const int rank = mask.rank();
  int64_t coord[kMaxRank] = {};
  for (int64_t i = 0, n = mask.numel(); i < n; ++i) {
    if (m[i]) {
      for (int d = 0; d < rank; ++d) *dst++ = coord[d];
    }
    for (int d = rank - 1; d >= 0; --d) {
      if (++coord[d] < mask.dim(d)) break;
      coord[d] = 0;
    }
  }
}

}  // namespace tapeflow::cpu
