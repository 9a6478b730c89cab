// Strided iteration shared by the CPU kernels.
//
// StridedLoop<N> walks a shape with N operands (operand 0 is usually the output), each with its
// own byte strides (0 = broadcast). Dimensions that are contiguous for every operand are merged
// and size-1 dimensions dropped, so the innermost run is as long as possible; the callback
// receives one innermost run at a time and does no index arithmetic per element:
//   fn(char* ptrs[N], const int64_t strides[N], int64_t count)
#pragma once
#include <algorithm>
#include <array>
#include <cstdint>

#include "core/tensor.h"
#include "kernels/cpu/isa_namespace.h"
#include "kernels/cpu/parallel.h"

namespace tapeflow::cpu {
TF_ISA_BEGIN

// Work below this many elements runs on the calling thread.
constexpr int64_t kParallelGrain = 32768;

template <int N>
struct StridedLoop {
  int ndim = 0;                      // after merging; the innermost dimension is ndim - 1
  int64_t shape[kMaxRank] = {};
  int64_t strides[N][kMaxRank] = {};  // bytes
  char* base[N] = {};
  int64_t numel = 1;

  // `operands[k]` must already have `shape` as its shape (broadcast views included).
  StridedLoop(const Dims& full_shape, const std::array<const Tensor*, N>& operands) {
    for (int k = 0; k < N; ++k) base[k] = static_cast<char*>(operands[k]->raw_data());
    for (int d = 0; d < full_shape.size(); ++d) {
      numel *= full_shape[d];
      if (full_shape[d] == 1) continue;
      const int64_t size = full_shape[d];
      bool merge = ndim > 0;
      for (int k = 0; k < N && merge; ++k) {
        const int64_t s = operands[k]->strides()[d] * int64_t(operands[k]->itemsize());
        merge = strides[k][ndim - 1] == s * size;
      }
      if (merge) {
        shape[ndim - 1] *= size;
        for (int k = 0; k < N; ++k)
          strides[k][ndim - 1] = operands[k]->strides()[d] * int64_t(operands[k]->itemsize());
      } else {
        shape[ndim] = size;
        for (int k = 0; k < N; ++k)
          strides[k][ndim] = operands[k]->strides()[d] * int64_t(operands[k]->itemsize());
        ++ndim;
      }
    }
    if (ndim == 0) {  // a scalar (or all-ones shape): one run of one element
      ndim = 1;
      shape[0] = 1;
      for (int k = 0; k < N; ++k) strides[k][0] = 0;
    }
  }

  // Visits the flat element range [begin, end) in row-major order.
  template <class Fn>
  void run(int64_t begin, int64_t end, Fn&& fn) const {
    if (begin >= end) return;
    const int inner = ndim - 1;
    int64_t index[kMaxRank];
    int64_t rest = begin;
    for (int d = inner; d >= 0; --d) {
      index[d] = rest % shape[d];
      rest /= shape[d];
    }
    char* ptrs[N];
    for (int k = 0; k < N; ++k) {
      ptrs[k] = base[k];
      for (int d = 0; d <= inner; ++d) ptrs[k] += index[d] * strides[k][d];
    }
    int64_t inner_strides[N];
    for (int k = 0; k < N; ++k) inner_strides[k] = strides[k][inner];
    int64_t remaining = end - begin;
    while (remaining > 0) {
      const int64_t count = std::min(remaining, shape[inner] - index[inner]);
      fn(ptrs, inner_strides, count);
      remaining -= count;
      if (remaining == 0) break;
      // Step to the start of the next innermost run, carrying into outer dimensions.
      for (int k = 0; k < N; ++k) ptrs[k] -= index[inner] * strides[k][inner];
      index[inner] = 0;
      for (int d = inner - 1; d >= 0; --d) {
        for (int k = 0; k < N; ++k) ptrs[k] += strides[k][d];
        if (++index[d] < shape[d]) break;
        for (int k = 0; k < N; ++k) ptrs[k] -= shape[d] * strides[k][d];
        index[d] = 0;
      }
    }
  }

  // run() over all elements, split across the thread pool above kParallelGrain.
  template <class Fn>
  void parallel_run(Fn&& fn, int64_t grain = kParallelGrain) const {
    parallel_for(0, numel, grain, [&](int64_t lo, int64_t hi) { run(lo, hi, fn); });
  }
};

TF_ISA_END
}  // namespace tapeflow::cpu
