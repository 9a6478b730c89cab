// How a reduction walks memory, worked out once for the CPU (kernels/cpu/reduce.cpp) and the
// CUDA (kernels/cuda/reduce.cu) kernels. Plain host C++ on shapes and strides, usable from .cu.
//
//   in (kept..., reduced...), any strides  ->  kept dimensions in output order, reduced ones in
//   order of falling |stride| (so the innermost walks memory fastest); in each group size-1
//   dimensions are dropped and neighbours that walk memory as one are merged.
//
// Strides are in whatever unit the caller passes (elements or bytes).
#pragma once
#include <algorithm>
#include <cstdint>
#include <cstdlib>

#include "core/shape.h"

namespace tapeflow {

struct ReduceLayout {
  int kept_ndim = 0, red_ndim = 0;
  int64_t kept_sizes[kMaxRank] = {}, kept_strides[kMaxRank] = {};
  int64_t red_sizes[kMaxRank] = {}, red_strides[kMaxRank] = {};
  int64_t outputs = 1, per_output = 1;  // products of the kept and of the reduced sizes
};

// Appends (size, stride) to the ndim dimensions in (sizes, strides), merging it into the last
// one when the two walk memory as one (row-major order kept); size-1 dimensions vanish.
inline void push_merged(int64_t* sizes, int64_t* strides, int& ndim, int64_t size, int64_t stride) {
  if (size == 1) return;
  if (ndim > 0 && strides[ndim - 1] == stride * size) {
    sizes[ndim - 1] *= size;
    strides[ndim - 1] = stride;
    return;
  }
  sizes[ndim] = size;
  strides[ndim] = stride;
  ++ndim;
}

// shape and strides of `in`, whose last reduced_rank dimensions are reduced.
inline ReduceLayout plan_reduce_layout(const Dims& shape, const Dims& strides, int reduced_rank) {
  ReduceLayout l;
  const int kept_rank = shape.size() - reduced_rank;
  for (int d = 0; d < kept_rank; ++d) {
    push_merged(l.kept_sizes, l.kept_strides, l.kept_ndim, shape[d], strides[d]);
    l.outputs *= shape[d];
  }
  int order[kMaxRank];
  for (int i = 0; i < reduced_rank; ++i) order[i] = kept_rank + i;
  std::stable_sort(order, order + reduced_rank,
                   [&](int a, int b) { return std::llabs(strides[a]) > std::llabs(strides[b]); });
  for (int i = 0; i < reduced_rank; ++i) {
    push_merged(l.red_sizes, l.red_strides, l.red_ndim, shape[order[i]], strides[order[i]]);
    l.per_output *= shape[order[i]];
  }
  return l;
}

}  // namespace tapeflow
