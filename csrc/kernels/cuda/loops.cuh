// Launch shapes and strided indexing shared by the CUDA kernels (the counterpart of
// kernels/cpu/loops.h).
//
// Elementwise<N> describes N operands of one shape (operand 0 is usually the output), each with
// its own element strides (0 = broadcast). As on the CPU, size-1 dimensions are dropped and
// dimensions contiguous for every operand merged, so most problems become 1-D:
//   kVector   1-D, every operand stride 1 (or 0 for an input) and aligned to four of its
//             elements: four elements per thread through vector loads
//   kLinear   1-D with any strides: element i at i * step[k]
//   kStrided  anything else: the offsets come from dividing i by the sizes
#pragma once
#include <cuda_runtime.h>

#include <algorithm>
#include <array>
#include <cstdint>

#include "core/cuda/check.h"
#include "core/tensor.h"

namespace tapeflow::cuda {

constexpr int kBlockThreads = 256;
constexpr int kWarp = 32;

// Blocks for a grid-stride loop over `items`: enough to fill any current GPU, no more.
inline unsigned grid_for(int64_t items, int threads = kBlockThreads) {
  const int64_t blocks = (items + threads - 1) / threads;
  return unsigned(std::clamp<int64_t>(blocks, 1, 65536));
}

__device__ __forceinline__ int64_t global_thread() {
  return int64_t(blockIdx.x) * blockDim.x + threadIdx.x;
}
__device__ __forceinline__ int64_t grid_threads() {
  return int64_t(gridDim.x) * blockDim.x;
}

enum class Walk : int { kVector = 0, kLinear = 1, kStrided = 2 };

template <int N>
struct Elementwise {
  char* base[N];
  int64_t numel;
  Walk walk;
  int ndim;
  int64_t sizes[kMaxRank];
  int64_t strides[N][kMaxRank];  // elements; strides[k][0] is operand k's step when 1-D

  // Element offsets of flat (row-major) index i, for every operand.
  __device__ __forceinline__ void offsets(int64_t i, int64_t (&off)[N]) const {
#pragma unroll
    for (int k = 0; k < N; ++k) off[k] = 0;
    for (int d = ndim - 1; d >= 0; --d) {
      const int64_t q = i / sizes[d], r = i - q * sizes[d];
      i = q;
#pragma unroll
      for (int k = 0; k < N; ++k) off[k] += r * strides[k][d];
    }
  }
};

// `operands[k]` must already have `shape` (broadcast views included).
template <int N>
Elementwise<N> make_elementwise(const Dims& shape, const std::array<const Tensor*, N>& operands) {
  Elementwise<N> g{};
  g.numel = numel(shape);
  for (int k = 0; k < N; ++k) g.base[k] = static_cast<char*>(operands[k]->raw_data());
  for (int d = 0; d < shape.size(); ++d) {
    if (shape[d] == 1) continue;
    bool merge = g.ndim > 0;
    for (int k = 0; k < N && merge; ++k)
      merge = g.strides[k][g.ndim - 1] == operands[k]->strides()[d] * shape[d];
    const int slot = merge ? g.ndim - 1 : g.ndim++;
    g.sizes[slot] = merge ? g.sizes[slot] * shape[d] : shape[d];
    for (int k = 0; k < N; ++k) g.strides[k][slot] = operands[k]->strides()[d];
  }
  if (g.ndim == 0) {  // a single element
    g.ndim = 1;
    g.sizes[0] = 1;
  }
  g.walk = g.ndim == 1 ? Walk::kLinear : Walk::kStrided;
  if (g.ndim == 1 && g.strides[0][0] == 1) {
    bool vector = true;
    for (int k = 0; k < N && vector; ++k) {
      const int64_t step = g.strides[k][0];
      const uintptr_t address = reinterpret_cast<uintptr_t>(g.base[k]);
      vector = step == 0 || (step == 1 && address % (4 * operands[k]->itemsize()) == 0);
    }
    if (vector && g.strides[0][0] == 1) g.walk = Walk::kVector;
  }
  return g;
}

// Four consecutive elements, moved as one aligned access.
template <class T>
struct alignas(4 * sizeof(T)) Pack4 {
  T v[4];
};

// Elements [4p, 4p + 4) of an operand with step 1, or its single element four times (step 0).
template <class T>
__device__ __forceinline__ Pack4<T> load4(const char* base, int64_t p, int64_t step) {
  if (step == 0) {
    const T x = *reinterpret_cast<const T*>(base);
    return Pack4<T>{{x, x, x, x}};
  }
  return reinterpret_cast<const Pack4<T>*>(base)[p];
}

// Runs fn over every element of g: fn(base, offsets) for one element, fn.pack(g, p) for
// elements [4p, 4p + 4) when g.walk is kVector.
template <int N, class Fn>
__global__ void elementwise_kernel(Elementwise<N> g, Fn fn) {
  const int64_t stride = grid_threads();
  int64_t i = global_thread();
  if (g.walk == Walk::kVector) {
    const int64_t packs = g.numel / 4;
    for (int64_t p = i; p < packs; p += stride) fn.pack(g, p);
    i += packs * 4;  // the tail, below, as a 1-D walk
  }
  int64_t off[N];
  for (; i < g.numel; i += stride) {
    if (g.walk == Walk::kStrided) {
      g.offsets(i, off);
    } else {
#pragma unroll
      for (int k = 0; k < N; ++k) off[k] = i * g.strides[k][0];
    }
    fn(g.base, off);
  }
}

template <int N, class Fn>
void launch_elementwise(const Elementwise<N>& g, const Fn& fn, int device) {
  if (g.numel == 0) return;
  const int64_t items = g.walk == Walk::kVector ? (g.numel + 3) / 4 : g.numel;
  elementwise_kernel<N, Fn><<<grid_for(items), kBlockThreads, 0, stream(device)>>>(g, fn);
  TF_CUDA_CHECK_LAUNCH("elementwise_kernel");
}

// --- warp and block reductions ----------------------------------------------------------------

// v shuffled from lane ^ mask, for any trivially copyable value of up to 16 bytes.
template <class T>
__device__ __forceinline__ T shuffle_xor(const T& v, int mask) {
  static_assert(sizeof(T) <= 16, "shuffle_xor: value too large");
  constexpr int kWords = (sizeof(T) + 3) / 4;
  unsigned words[kWords] = {};
  memcpy(words, &v, sizeof(T));
#pragma unroll
  for (int w = 0; w < kWords; ++w) words[w] = __shfl_xor_sync(0xffffffffu, words[w], mask);
  T out;
  memcpy(&out, words, sizeof(T));
  return out;
}

// Combines v across the `width` lanes (a power of two <= 32) of each aligned lane group; every
// lane of the group receives the result. The combination order is fixed (a butterfly).
template <class T, class Combine>
__device__ __forceinline__ T group_reduce(T v, int width, Combine combine) {
  for (int mask = width / 2; mask > 0; mask /= 2) v = combine(v, shuffle_xor(v, mask));
  return v;
}

// Combines v across the whole block (blockDim.x a multiple of 32, at most 1024); the result is
// valid in thread 0. `scratch` holds 32 values in shared memory.
template <class T, class Combine>
__device__ __forceinline__ T block_reduce(T v, T* scratch, Combine combine) {
  const int lane = threadIdx.x % kWarp, warp = threadIdx.x / kWarp;
  const int warps = blockDim.x / kWarp;
  v = group_reduce(v, kWarp, combine);
  __syncthreads();  // scratch may still be read by an earlier call
  if (lane == 0) scratch[warp] = v;
  __syncthreads();
  if (warp == 0) {
    v = scratch[lane < warps ? lane : 0];
    for (int mask = kWarp / 2; mask > 0; mask /= 2) {
      const T other = shuffle_xor(v, mask);
      // Lanes beyond the number of warps hold a copy of warp 0's value: keep them out.
      if ((lane ^ mask) < warps && lane < warps) v = combine(v, other);
    }
  }
  return v;
}

// The combination of v over a group of `group` threads (a power of two up to a warp, or the
// whole block when group == kBlockThreads), in every thread of the group. `scratch` holds 32
// values in shared memory; every thread of the block must call (no early returns before).
template <class T, class Combine>
__device__ T group_allreduce(T v, int group, T* scratch, Combine combine) {
  if (group < kBlockThreads) return group_reduce(v, group, combine);
  v = block_reduce(v, scratch, combine);
  __syncthreads();
  if (threadIdx.x == 0) scratch[0] = v;
  __syncthreads();
  return scratch[0];
}

// max that keeps a NaN once seen (b > NaN and b < NaN are false), and +.
template <class T>
struct MaxKeepNan {
  __device__ T operator()(T a, T b) const { return (b > a) | (b != b) ? b : a; }
};
template <class T>
struct Plus {
  __device__ T operator()(T a, T b) const { return a + b; }
};

}  // namespace tapeflow::cuda
