// CUDA random kernels: thread b computes Philox block b of the stream and writes elements
// [b*K, b*K + K), K = 4 for 32-bit dtypes and 2 for 64-bit ones, exactly as the CPU backend
// (kernels/cpu/random.cpp) does. This file is compiled with --fmad=false: `u * scale + lo`
// must round twice, as on the host, not once as a fused multiply-add.
#include <cmath>
#include <numeric>
#include <vector>

#include "core/cuda/runtime.h"
#include "kernels/cuda/loops.cuh"
#include "kernels/cuda/random.h"

namespace tapeflow::cuda {
namespace {

constexpr int kMaxTries = 64;  // truncated normal redraws, as the CPU (P(64 misses) ~ 1e-86)

// Writes the K values of block b, the last block cut short at n.
template <int K, class T>
__device__ __forceinline__ void store_block(T* out, int64_t n, int64_t b, const T (&v)[K]) {
  const int64_t e = b * K;
#pragma unroll
  for (int j = 0; j < K; ++j)
    if (e + j < n) out[e + j] = v[j];
}

template <class T>
__device__ __forceinline__ T below(T x, T hi, T below_hi, bool keep_below) {
  return keep_below && x >= hi ? below_hi : x;
}

template <class T>
__global__ void uniform_kernel(philox::Stream s, T lo, T scale, T hi, T below_hi, bool keep_below,
                               int64_t n, T* out) {
  constexpr int K = sizeof(T) == 4 ? 4 : 2;
  for (int64_t b = global_thread(); b * K < n; b += grid_threads()) {
    const philox::Block block = s.block(uint64_t(b));
    T v[K];
    if constexpr (K == 4) {
#pragma unroll
      for (int j = 0; j < 4; ++j)
        v[j] = below(philox::unit_float(block.w[j]) * scale + lo, hi, below_hi, keep_below);
    } else {
      v[0] = below(T(philox::unit_double(block.w[0], block.w[1]) * scale + lo), hi, below_hi,
                   keep_below);
      v[1] = below(T(philox::unit_double(block.w[2], block.w[3]) * scale + lo), hi, below_hi,
                   keep_below);
    }
    store_block<K>(out, n, b, v);
  }
}

__global__ void uniform_int32_kernel(philox::Stream s, uint32_t lo, uint32_t range, int64_t n,
                                     int32_t* out) {
  for (int64_t b = global_thread(); b * 4 < n; b += grid_threads()) {
    const philox::Block block = s.block(uint64_t(b));
    int32_t v[4];
#pragma unroll
    for (int j = 0; j < 4; ++j) v[j] = int32_t(lo + block.w[j] % range);
    store_block<4>(out, n, b, v);
  }
}

__global__ void uniform_int64_kernel(philox::Stream s, uint64_t lo, uint64_t range, int64_t n,
                                     int64_t* out) {
  for (int64_t b = global_thread(); b * 2 < n; b += grid_threads()) {
    const philox::Block block = s.block(uint64_t(b));
    const uint64_t x0 = (uint64_t(block.w[0]) << 32) | block.w[1];
    const uint64_t x1 = (uint64_t(block.w[2]) << 32) | block.w[3];
    const int64_t v[2] = {int64_t(lo + x0 % range), int64_t(lo + x1 % range)};
    store_block<2>(out, n, b, v);
  }
}

// Normals; with `truncate`, every z outside [-2, 2] is redrawn from block t * blocks + b,
// t = 1, 2, ... (the CPU's rule).
template <class T>
__global__ void normal_kernel(philox::Stream s, T mean, T stddev, bool truncate, int64_t n,
                              T* out) {
  constexpr int K = sizeof(T) == 4 ? 4 : 2;
  const uint64_t blocks = uint64_t((n + K - 1) / K);
  for (int64_t b = global_thread(); b * K < n; b += grid_threads()) {
    T v[K];
    philox::normals(s.block(uint64_t(b)), v);
    if (truncate) {
#pragma unroll
      for (int j = 0; j < K; ++j) {
        T z = v[j];
        for (int t = 1; fabs(z) > T(2) && t < kMaxTries; ++t) {
          T retry[K];
          philox::normals(s.block(uint64_t(t) * blocks + uint64_t(b)), retry);
          z = retry[j];
        }
        v[j] = z < T(-2) ? T(-2) : (z > T(2) ? T(2) : z);
      }
    }
#pragma unroll
    for (int j = 0; j < K; ++j) v[j] = v[j] * stddev + mean;
    store_block<K>(out, n, b, v);
  }
}

template <class T>
__global__ void gather_rows_kernel(const T* value, const int64_t* order, int64_t rows,
                                   int64_t row_elements, T* out) {
  for (int64_t e = global_thread(); e < rows * row_elements; e += grid_threads()) {
    const int64_t r = e / row_elements, q = e - r * row_elements;
    out[e] = value[order[r] * row_elements + q];
  }
}

template <class T>
void launch_uniform(const philox::Stream& s, double minval, double maxval, const Tensor& out) {
  constexpr int K = sizeof(T) == 4 ? 4 : 2;
  const T lo = T(minval), hi = T(maxval), scale = hi - lo;
  const int64_t n = out.numel();
  uniform_kernel<T><<<grid_for((n + K - 1) / K), kBlockThreads, 0, stream(out.device().index)>>>(
      s, lo, scale, hi, std::nextafter(hi, lo), lo < hi, n, out.data<T>());
  TF_CUDA_CHECK_LAUNCH("uniform_kernel");
}

template <class T>
void launch_normal(const philox::Stream& s, double mean, double stddev, bool truncate,
                   const Tensor& out) {
  constexpr int K = sizeof(T) == 4 ? 4 : 2;
  const int64_t n = out.numel();
  normal_kernel<T><<<grid_for((n + K - 1) / K), kBlockThreads, 0, stream(out.device().index)>>>(
      s, T(mean), T(stddev), truncate, n, out.data<T>());
  TF_CUDA_CHECK_LAUNCH("normal_kernel");
}

}  // namespace

void random_uniform(const philox::Stream& s, double minval, double maxval, const Tensor& out) {
  if (out.numel() == 0) return;
  if (out.dtype() == DType::Float32)
    launch_uniform<float>(s, minval, maxval, out);
  else
    launch_uniform<double>(s, minval, maxval, out);
}

void random_uniform_int(const philox::Stream& s, int64_t minval, uint64_t range,
                        const Tensor& out) {
  const int64_t n = out.numel();
  if (n == 0) return;
  const cudaStream_t st = stream(out.device().index);
  if (out.dtype() == DType::Int32) {  // range <= 2^32 - 1 here: one word per sample
    uniform_int32_kernel<<<grid_for((n + 3) / 4), kBlockThreads, 0, st>>>(
        s, uint32_t(minval), uint32_t(range), n, out.data<int32_t>());
  } else {
    uniform_int64_kernel<<<grid_for((n + 1) / 2), kBlockThreads, 0, st>>>(
        s, uint64_t(minval), range, n, out.data<int64_t>());
  }
  TF_CUDA_CHECK_LAUNCH("uniform_int_kernel");
}

void random_normal(const philox::Stream& s, double mean, double stddev, const Tensor& out) {
  if (out.numel() == 0) return;
  if (out.dtype() == DType::Float32)
    launch_normal<float>(s, mean, stddev, false, out);
  else
    launch_normal<double>(s, mean, stddev, false, out);
}

void truncated_normal(const philox::Stream& s, double mean, double stddev, const Tensor& out) {
  if (out.numel() == 0) return;
  if (out.dtype() == DType::Float32)
    launch_normal<float>(s, mean, stddev, true, out);
  else
    launch_normal<double>(s, mean, stddev, true, out);
}

void random_shuffle(const philox::Stream& s, const Tensor& value, const Tensor& out) {
  const int64_t rows = value.dim(0);
  // Fisher-Yates from the top, as the CPU: step i swaps row i with row (first two words of
  // block i) mod (i + 1).
  std::vector<int64_t> order(static_cast<size_t>(rows));
  std::iota(order.begin(), order.end(), int64_t(0));
  for (int64_t i = rows - 1; i > 0; --i) {
    const philox::Block block = s.block(uint64_t(i));
    const uint64_t bits = (uint64_t(block.w[0]) << 32) | block.w[1];
    std::swap(order[size_t(i)], order[size_t(bits % uint64_t(i + 1))]);
  }
  const int device = out.device().index;
  const Tensor order_on_device = Tensor::empty(Dims{rows}, DType::Int64, out.device());
  upload(device, order_on_device.raw_data(), order.data(), order.size() * sizeof(int64_t));
  const int64_t row_elements = value.numel() / rows;
  const cudaStream_t st = stream(device);
  const unsigned blocks = grid_for(value.numel());
  const int64_t* o = order_on_device.data<int64_t>();
  switch (value.itemsize()) {
    case 1:
      gather_rows_kernel<<<blocks, kBlockThreads, 0, st>>>(
          static_cast<const uint8_t*>(value.raw_data()), o, rows, row_elements,
          static_cast<uint8_t*>(out.raw_data()));
      break;
    case 4:
      gather_rows_kernel<<<blocks, kBlockThreads, 0, st>>>(
          static_cast<const uint32_t*>(value.raw_data()), o, rows, row_elements,
          static_cast<uint32_t*>(out.raw_data()));
      break;
    default:
      gather_rows_kernel<<<blocks, kBlockThreads, 0, st>>>(
          static_cast<const uint64_t*>(value.raw_data()), o, rows, row_elements,
          static_cast<uint64_t*>(out.raw_data()));
  }
  TF_CUDA_CHECK_LAUNCH("gather_rows_kernel");
}

}  // namespace tapeflow::cuda
