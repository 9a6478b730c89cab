// CUDA index kernels: gather and scatter-sum, one_hot, tile, the fills behind range and eye,
// and the positions of a mask's true elements. One thread per output element (grid-stride);
// values that are only moved travel as unsigned integers of their size.
#include <limits>
#include <type_traits>

#include "core/cuda/runtime.h"
#include "kernels/cuda/index.h"
#include "kernels/cuda/loops.cuh"

namespace tapeflow::cuda {
namespace {

template <size_t kBytes>
using Bits =
    std::conditional_t<kBytes == 1, uint8_t, std::conditional_t<kBytes == 4, uint32_t, uint64_t>>;

// Calls fn(Bits<itemsize>{}) for an element size of 1, 4 or 8 bytes.
template <class Fn>
void for_element_size(size_t itemsize, Fn&& fn) {
  switch (itemsize) {
    case 1:
      return fn(Bits<1>{});
    case 4:
      return fn(Bits<4>{});
    default:
      return fn(Bits<8>{});
  }
}

// Calls fn(I{}) with I the index tensor's integer type.
template <class Fn>
void for_index_type(const Tensor& indices, Fn&& fn) {
  if (indices.dtype() == DType::Int32)
    fn(int32_t{});
  else
    fn(int64_t{});
}

// Element e of the gather output (B, P, K, Q) and the params element it copies.
struct GatherIndex {
  int64_t out, source_row;
};

// params (B, P, N, Q), indices (B, K), out (B, P, K, Q): out[b, p, k, :] = params[b, p, idx, :]
template <class T, class I>
__global__ void gather_kernel(const T* params, const I* indices, GatherDims d, T* out) {
  const int64_t total = d.batch * d.outer * d.num_indices * d.inner;
  for (int64_t e = global_thread(); e < total; e += grid_threads()) {
    const int64_t row = e / d.inner, q = e - row * d.inner;
    const int64_t slab = row / d.num_indices, k = row - slab * d.num_indices;
    const int64_t i = int64_t(indices[(slab / d.outer) * d.num_indices + k]);
    out[e] = params[(slab * d.axis_size + i) * d.inner + q];
  }
}

// The transpose: out (zeroed) [b, p, idx, :] += updates[b, p, k, :].
template <class T>
__device__ __forceinline__ void atomic_add(T* address, T value) {
  if constexpr (std::is_same_v<T, int64_t>)
    atomicAdd(reinterpret_cast<unsigned long long*>(address),
              static_cast<unsigned long long>(value));  // wraps, as the CPU's sum
  else
    atomicAdd(address, value);
}

template <class T, class I>
__global__ void scatter_sum_kernel(const T* updates, const I* indices, GatherDims d, T* out) {
  const int64_t total = d.batch * d.outer * d.num_indices * d.inner;
  for (int64_t e = global_thread(); e < total; e += grid_threads()) {
    const int64_t row = e / d.inner, q = e - row * d.inner;
    const int64_t slab = row / d.num_indices, k = row - slab * d.num_indices;
    const int64_t i = int64_t(indices[(slab / d.outer) * d.num_indices + k]);
    atomic_add(&out[(slab * d.axis_size + i) * d.inner + q], updates[e]);
  }
}

template <class I>
__global__ void first_out_of_range_kernel(const I* indices, int64_t n, int64_t lo, int64_t hi,
                                          unsigned long long* first) {
  for (int64_t e = global_thread(); e < n; e += grid_threads()) {
    const int64_t v = int64_t(indices[e]);
    if (v < lo || v >= hi) atomicMin(first, static_cast<unsigned long long>(e));
  }
}

// out (P, depth, Q): on where indices[p * Q + q] == i, off elsewhere.
template <class T, class I>
__global__ void one_hot_kernel(const I* indices, const T* on, const T* off, int64_t outer,
                               int64_t depth, int64_t inner, T* out) {
  const T on_value = *on, off_value = *off;
  const int64_t total = outer * depth * inner;
  for (int64_t e = global_thread(); e < total; e += grid_threads()) {
    const int64_t p = e / (depth * inner), rest = e - p * depth * inner;
    const int64_t i = rest / inner, q = rest - i * inner;
    out[e] = int64_t(indices[p * inner + q]) == i ? on_value : off_value;
  }
}

struct TileGeometry {
  int rank;
  int64_t out_sizes[kMaxRank], in_sizes[kMaxRank], in_strides[kMaxRank];
};

// out[i...] = x[i_0 % x.dim(0), ...]
template <class T>
__global__ void tile_kernel(const T* x, TileGeometry g, int64_t total, T* out) {
  for (int64_t e = global_thread(); e < total; e += grid_threads()) {
    int64_t rest = e, offset = 0;
    for (int d = g.rank - 1; d >= 0; --d) {
      const int64_t q = rest / g.out_sizes[d], index = rest - q * g.out_sizes[d];
      offset += (index % g.in_sizes[d]) * g.in_strides[d];
      rest = q;
    }
    out[e] = x[offset];
  }
}

// y[i] = start + i * delta, rounded as the CPU does: no fused multiply-add; integers in two's
// complement (exact whenever the result fits).
template <class T>
__device__ __forceinline__ T range_value(T start, T delta, int64_t i) {
  if constexpr (std::is_same_v<T, float>)
    return __fadd_rn(start, __fmul_rn(float(i), delta));
  else if constexpr (std::is_same_v<T, double>)
    return __dadd_rn(start, __dmul_rn(double(i), delta));
  else
    return T(uint64_t(int64_t(start)) + uint64_t(i) * uint64_t(int64_t(delta)));
}

template <class T>
__global__ void fill_range_kernel(const T* start, const T* delta, int64_t n, T* y) {
  const T s = *start, d = *delta;
  for (int64_t i = global_thread(); i < n; i += grid_threads()) y[i] = range_value(s, d, i);
}

// Ones on the diagonals of `matrices` zeroed (rows, cols) matrices.
template <class T>
__global__ void eye_kernel(int64_t matrices, int64_t rows, int64_t cols, T* y) {
  const int64_t diagonal = rows < cols ? rows : cols;
  for (int64_t e = global_thread(); e < matrices * diagonal; e += grid_threads()) {
    const int64_t m = e / diagonal, i = e - m * diagonal;
    y[(m * rows + i) * cols + i] = T(1);
  }
}

__global__ void count_true_kernel(const bool* mask, int64_t n, unsigned long long* count) {
  unsigned long long mine = 0;
  for (int64_t i = global_thread(); i < n; i += grid_threads()) mine += mask[i];
  mine =
      group_reduce(mine, kWarp, [](unsigned long long a, unsigned long long b) { return a + b; });
  if (threadIdx.x % kWarp == 0 && mine != 0) atomicAdd(count, mine);
}

// ---- true_positions: counts per chunk, a scan of the counts, then each chunk writes ----------

constexpr int kScanPerThread = 4;
constexpr int64_t kScanChunk = int64_t(kBlockThreads) * kScanPerThread;

// Exclusive prefix sum of v over the block (in thread order); `total` gets the block's sum.
// `scratch` holds kBlockThreads / kWarp values in shared memory.
__device__ int64_t block_exclusive_scan(int64_t v, int64_t* scratch, int64_t& total) {
  const int lane = threadIdx.x % kWarp, warp = threadIdx.x / kWarp;
  int64_t inclusive = v;
  for (int shift = 1; shift < kWarp; shift *= 2) {
    const int64_t other = __shfl_up_sync(0xffffffffu, inclusive, shift);
    if (lane >= shift) inclusive += other;
  }
  __syncthreads();
  if (lane == kWarp - 1) scratch[warp] = inclusive;
  __syncthreads();
  int64_t before = 0;
  total = 0;
  for (int w = 0; w < kBlockThreads / kWarp; ++w) {
    if (w < warp) before += scratch[w];
    total += scratch[w];
  }
  return before + inclusive - v;
}

// The number of true elements in each chunk of kScanChunk.
__global__ void chunk_counts_kernel(const bool* mask, int64_t n, int64_t* counts) {
  __shared__ int64_t scratch[kBlockThreads / kWarp];
  const int64_t first = int64_t(blockIdx.x) * kScanChunk + threadIdx.x * kScanPerThread;
  int64_t mine = 0;
  for (int j = 0; j < kScanPerThread; ++j) mine += first + j < n && mask[first + j];
  int64_t total;
  block_exclusive_scan(mine, scratch, total);
  if (threadIdx.x == 0) counts[blockIdx.x] = total;
}

// counts -> exclusive prefix sums, in place, by one block: each thread scans a segment.
__global__ void scan_counts_kernel(int64_t* counts, int64_t chunks) {
  __shared__ int64_t scratch[kBlockThreads / kWarp];
  const int64_t segment = (chunks + kBlockThreads - 1) / kBlockThreads;
  const int64_t first = threadIdx.x * segment;
  const int64_t last = first + segment < chunks ? first + segment : chunks;
  int64_t sum = 0;
  for (int64_t c = first; c < last; ++c) sum += counts[c];
  int64_t total;
  int64_t running = block_exclusive_scan(sum, scratch, total);
  for (int64_t c = first; c < last; ++c) {
    const int64_t count = counts[c];
    counts[c] = running;
    running += count;
  }
}

__global__ void write_positions_kernel(const bool* mask, int64_t n, const int64_t* offsets,
                                       int64_t* out) {
  __shared__ int64_t scratch[kBlockThreads / kWarp];
  const int64_t first = int64_t(blockIdx.x) * kScanChunk + threadIdx.x * kScanPerThread;
  int64_t mine = 0;
  for (int j = 0; j < kScanPerThread; ++j) mine += first + j < n && mask[first + j];
  int64_t total;
  int64_t at = offsets[blockIdx.x] + block_exclusive_scan(mine, scratch, total);
  for (int j = 0; j < kScanPerThread; ++j)
    if (first + j < n && mask[first + j]) out[at++] = first + j;
}

}  // namespace

void gather(const Tensor& params, const Tensor& indices, const GatherDims& d, const Tensor& out) {
  if (out.numel() == 0) return;
  const cudaStream_t s = stream(out.device().index);
  for_element_size(out.itemsize(), [&](auto bits) {
    using T = decltype(bits);
    for_index_type(indices, [&](auto index) {
      using I = decltype(index);
      gather_kernel<T, I><<<grid_for(out.numel()), kBlockThreads, 0, s>>>(
          static_cast<const T*>(params.raw_data()), indices.data<I>(), d,
          static_cast<T*>(out.raw_data()));
    });
  });
  TF_CUDA_CHECK_LAUNCH("gather_kernel");
}

void scatter_sum(const Tensor& updates, const Tensor& indices, const GatherDims& d,
                 const Tensor& out) {
  if (out.numel() == 0) return;
  const int device = out.device().index;
  fill_zero(device, out.raw_data(), size_t(out.numel()) * out.itemsize());
  if (updates.numel() == 0) return;
  for_value_type(out.dtype(), [&](auto value) {
    using T = decltype(value);
    if constexpr (std::is_same_v<T, bool>) {
      throw InvalidArgumentError("scatter_sum: expected a numeric tensor, got dtype bool");
    } else {
      for_index_type(indices, [&](auto index) {
        using I = decltype(index);
        scatter_sum_kernel<T, I><<<grid_for(updates.numel()), kBlockThreads, 0, stream(device)>>>(
            updates.data<T>(), indices.data<I>(), d, out.data<T>());
      });
    }
  });
  TF_CUDA_CHECK_LAUNCH("scatter_sum_kernel");
}

OutOfRange find_out_of_range(const Tensor& indices, int64_t lo, int64_t hi) {
  OutOfRange found;
  const int64_t n = indices.numel();
  if (n == 0) return found;
  const int device = indices.device().index;
  const Tensor first = Tensor::empty(Dims{}, DType::Int64, indices.device());
  const unsigned long long none = std::numeric_limits<unsigned long long>::max();
  upload(device, first.raw_data(), &none, sizeof(none));
  for_index_type(indices, [&](auto index) {
    using I = decltype(index);
    first_out_of_range_kernel<I><<<grid_for(n), kBlockThreads, 0, stream(device)>>>(
        indices.data<I>(), n, lo, hi, static_cast<unsigned long long*>(first.raw_data()));
    TF_CUDA_CHECK_LAUNCH("first_out_of_range_kernel");
    unsigned long long position = none;
    download(device, &position, first.raw_data(), sizeof(position));
    if (position == none) return;
    I value;
    download(device, &value, indices.data<I>() + position, sizeof(I));
    found.position = int64_t(position);
    found.value = int64_t(value);
  });
  return found;
}

void one_hot(const Tensor& indices, const Tensor& on, const Tensor& off, const Tensor& out) {
  if (out.numel() == 0) return;
  const cudaStream_t s = stream(out.device().index);
  const int64_t P = out.dim(0), depth = out.dim(1), Q = out.dim(2);
  for_element_size(out.itemsize(), [&](auto bits) {
    using T = decltype(bits);
    for_index_type(indices, [&](auto index) {
      using I = decltype(index);
      one_hot_kernel<T, I><<<grid_for(out.numel()), kBlockThreads, 0, s>>>(
          indices.data<I>(), static_cast<const T*>(on.raw_data()),
          static_cast<const T*>(off.raw_data()), P, depth, Q, static_cast<T*>(out.raw_data()));
    });
  });
  TF_CUDA_CHECK_LAUNCH("one_hot_kernel");
}

void tile(const Tensor& x, const Tensor& out) {
  if (out.numel() == 0) return;
  TileGeometry g{out.rank(), {}, {}, {}};
  for (int d = 0; d < out.rank(); ++d) {
    g.out_sizes[d] = out.dim(d);
    g.in_sizes[d] = x.dim(d);
    g.in_strides[d] = x.strides()[d];
  }
  const cudaStream_t s = stream(out.device().index);
  for_element_size(out.itemsize(), [&](auto bits) {
    using T = decltype(bits);
    tile_kernel<T><<<grid_for(out.numel()), kBlockThreads, 0, s>>>(
        static_cast<const T*>(x.raw_data()), g, out.numel(), static_cast<T*>(out.raw_data()));
  });
  TF_CUDA_CHECK_LAUNCH("tile_kernel");
}

void fill_range(const Tensor& start, const Tensor& delta, const Tensor& out) {
  if (out.numel() == 0) return;
  const cudaStream_t s = stream(out.device().index);
  for_value_type(out.dtype(), [&](auto value) {
    using T = decltype(value);
    if constexpr (std::is_same_v<T, bool>) {
      throw InvalidArgumentError("range: expected a numeric tensor, got dtype bool");
    } else {
      fill_range_kernel<T><<<grid_for(out.numel()), kBlockThreads, 0, s>>>(
          start.data<T>(), delta.data<T>(), out.numel(), out.data<T>());
    }
  });
  TF_CUDA_CHECK_LAUNCH("fill_range_kernel");
}

void eye(const Tensor& out) {
  if (out.numel() == 0) return;
  const int device = out.device().index;
  fill_zero(device, out.raw_data(), size_t(out.numel()) * out.itemsize());
  const int r = out.rank();
  const int64_t rows = out.dim(r - 2), cols = out.dim(r - 1);
  const int64_t matrices = out.numel() / (rows * cols);
  for_value_type(out.dtype(), [&](auto value) {
    using T = decltype(value);
    eye_kernel<T><<<grid_for(matrices * std::min(rows, cols)), kBlockThreads, 0, stream(device)>>>(
        matrices, rows, cols, out.data<T>());
  });
  TF_CUDA_CHECK_LAUNCH("eye_kernel");
}

int64_t count_true(const Tensor& mask) {
  const int64_t n = mask.numel();
  if (n == 0) return 0;
  const int device = mask.device().index;
  const Tensor count = Tensor::empty(Dims{}, DType::Int64, mask.device());
  fill_zero(device, count.raw_data(), sizeof(int64_t));
  count_true_kernel<<<grid_for(n), kBlockThreads, 0, stream(device)>>>(
      mask.data<bool>(), n, static_cast<unsigned long long*>(count.raw_data()));
  TF_CUDA_CHECK_LAUNCH("count_true_kernel");
  int64_t value = 0;
  download(device, &value, count.raw_data(), sizeof(value));
  return value;
}

void true_positions(const Tensor& mask, const Tensor& out) {
  const int64_t n = mask.numel();
  if (n == 0 || out.numel() == 0) return;
  const int device = mask.device().index;
  const cudaStream_t s = stream(device);
  const int64_t chunks = (n + kScanChunk - 1) / kScanChunk;
  TF_CHECK(chunks <= 0x7fffffff, InvalidArgumentError, "boolean mask of ", n,
           " elements is too large");
  const Tensor offsets = Tensor::empty(Dims{chunks}, DType::Int64, mask.device());
  chunk_counts_kernel<<<unsigned(chunks), kBlockThreads, 0, s>>>(mask.data<bool>(), n,
                                                                 offsets.data<int64_t>());
  TF_CUDA_CHECK_LAUNCH("chunk_counts_kernel");
  scan_counts_kernel<<<1, kBlockThreads, 0, s>>>(offsets.data<int64_t>(), chunks);
  TF_CUDA_CHECK_LAUNCH("scan_counts_kernel");
  write_positions_kernel<<<unsigned(chunks), kBlockThreads, 0, s>>>(
      mask.data<bool>(), n, offsets.data<int64_t>(), out.data<int64_t>());
  TF_CUDA_CHECK_LAUNCH("write_positions_kernel");
}

}  // namespace tapeflow::cuda
