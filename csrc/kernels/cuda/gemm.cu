// CUDA GEMM: c (M, N) = a (M, K) @ b (K, N) for every matrix of a batch.
//
// gemm_tiled_kernel: each block computes a BM x BN tile of c, walking K in steps of BK. Per
// step, the block stages a BM x BK slice of a and a BK x BN slice of b in shared memory (zeros
// past the edges), then each thread accumulates a TM x TN register block of outer products.
// Thread (tx, ty) owns rows ty + i * (BM / TM) and columns tx + j * (BN / TN): neighbouring
// threads read neighbouring shared-memory words (no bank conflicts) and write neighbouring
// addresses of c (coalesced stores).
//
// Transposes are strided views: when a slice is loaded, consecutive threads walk whichever of
// its two dimensions has unit stride in global memory, so both a and a^T load coalesced. The
// shared arrays are padded by kPad words so that the k-fastest walk stores without conflicts.
//
// gemm_tf32_kernel (float32, only when TensorFloat-32 is enabled, as TF's
// enable_tensor_float_32_execution): the same staging with the values rounded to TF32, then
// tensor cores (WMMA m16n16k8) accumulate in float32; each of the 8 warps owns a 64 x 32 block.
#include <mma.h>

#include <type_traits>

#include "core/cuda/runtime.h"
#include "kernels/cuda/gemm.h"
#include "kernels/cuda/loops.cuh"

namespace tapeflow::cuda {
namespace {

constexpr int kPad = 4;

// Where matrix z of the batch starts in a and b (c is contiguous: z * M * N).
struct BatchGeometry {
  int ndim = 0;
  int64_t sizes[kMaxRank], a_strides[kMaxRank], b_strides[kMaxRank];
  int64_t count = 1;

  __device__ __forceinline__ void offsets(int64_t z, int64_t& a_off, int64_t& b_off) const {
    a_off = b_off = 0;
    for (int d = ndim - 1; d >= 0; --d) {
      const int64_t q = z / sizes[d], r = z - q * sizes[d];
      a_off += r * a_strides[d];
      b_off += r * b_strides[d];
      z = q;
    }
  }
};

using cpu::GemmActivation;

template <class T>
struct GemmArgs {
  const T* a;
  const T* b;
  T* c;
  int64_t m, n, k;
  int64_t a_row, a_col, b_row, b_col;  // element strides: a[i, p] = a[i * a_row + p * a_col]
  BatchGeometry batch;
  const T* bias;  // (N,) or nullptr
  GemmActivation activation;

  // Writes element (i, j) of matrix z of c: the product, then the epilogue (as the CPU's).
  __device__ __forceinline__ void store(int64_t z, int64_t i, int64_t j, T value) const {
    if (bias != nullptr) value += bias[j];
    switch (activation) {
      case GemmActivation::Relu:
        value = scalar::Relu{}(value);
        break;
      case GemmActivation::Sigmoid:
        value = scalar::Sigmoid{}(value);
        break;
      case GemmActivation::Tanh:
        value = scalar::Tanh{}(value);
        break;
      case GemmActivation::None:
        break;
    }
    c[(z * m + i) * n + j] = value;
  }
};

template <class T>
GemmArgs<T> gemm_args(const Tensor& a, const Tensor& b, const Tensor& out,
                      const cpu::GemmEpilogue& epilogue = {}) {
  const int r = out.rank();
  GemmArgs<T> g{a.data<T>(),        b.data<T>(),
                out.data<T>(),      out.dim(r - 2),
                out.dim(r - 1),     a.dim(r - 1),
                a.strides()[r - 2], a.strides()[r - 1],
                b.strides()[r - 2], b.strides()[r - 1],
                BatchGeometry{},    epilogue.bias.defined() ? epilogue.bias.data<T>() : nullptr,
                epilogue.activation};
  for (int d = 0; d < r - 2; ++d) {
    g.batch.count *= out.dim(d);
    if (out.dim(d) == 1) continue;
    g.batch.sizes[g.batch.ndim] = out.dim(d);
    g.batch.a_strides[g.batch.ndim] = a.strides()[d];
    g.batch.b_strides[g.batch.ndim] = b.strides()[d];
    ++g.batch.ndim;
  }
  return g;
}

template <class T, int BM, int BN, int BK, int TM, int TN>
__global__ void __launch_bounds__((BM / TM) * (BN / TN)) gemm_tiled_kernel(GemmArgs<T> g) {
  constexpr int kThreadsM = BM / TM, kThreadsN = BN / TN, kThreads = kThreadsM * kThreadsN;
  __shared__ T a_tile[BK][BM + kPad];  // a_tile[p][i] = a[row0 + i, k0 + p]
  __shared__ T b_tile[BK][BN + kPad];  // b_tile[p][j] = b[k0 + p, col0 + j]
  const int tid = threadIdx.x, tx = tid % kThreadsN, ty = tid / kThreadsN;
  const int64_t row0 = int64_t(blockIdx.x) * BM;
  const bool a_k_fastest = g.a_col == 1;  // row-major a: consecutive threads walk k
  const bool b_n_fastest = g.b_col == 1;  // row-major b: consecutive threads walk n
  // Batches beyond grid.z and column tiles beyond grid.y (both at most 65535) loop.
  for (int64_t z = blockIdx.z; z < g.batch.count; z += gridDim.z) {
    for (int64_t col0 = int64_t(blockIdx.y) * BN; col0 < g.n; col0 += int64_t(gridDim.y) * BN) {
      int64_t a_off, b_off;
      g.batch.offsets(z, a_off, b_off);
      const T* a = g.a + a_off;
      const T* b = g.b + b_off;
      T acc[TM][TN];
#pragma unroll
      for (int i = 0; i < TM; ++i)
#pragma unroll
        for (int j = 0; j < TN; ++j) acc[i][j] = T(0);

      for (int64_t k0 = 0; k0 < g.k; k0 += BK) {
#pragma unroll
        for (int e = tid; e < BM * BK; e += kThreads) {
          const int i = a_k_fastest ? e / BK : e % BM, p = a_k_fastest ? e % BK : e / BM;
          const int64_t gi = row0 + i, gp = k0 + p;
          a_tile[p][i] = gi < g.m && gp < g.k ? a[gi * g.a_row + gp * g.a_col] : T(0);
        }
#pragma unroll
        for (int e = tid; e < BK * BN; e += kThreads) {
          const int j = b_n_fastest ? e % BN : e / BK, p = b_n_fastest ? e / BN : e % BK;
          const int64_t gp = k0 + p, gj = col0 + j;
          b_tile[p][j] = gp < g.k && gj < g.n ? b[gp * g.b_row + gj * g.b_col] : T(0);
        }
        __syncthreads();
#pragma unroll
        for (int p = 0; p < BK; ++p) {
          T a_frag[TM], b_frag[TN];
#pragma unroll
          for (int i = 0; i < TM; ++i) a_frag[i] = a_tile[p][ty + i * kThreadsM];
#pragma unroll
          for (int j = 0; j < TN; ++j) b_frag[j] = b_tile[p][tx + j * kThreadsN];
#pragma unroll
          for (int i = 0; i < TM; ++i)
#pragma unroll
            for (int j = 0; j < TN; ++j) acc[i][j] += a_frag[i] * b_frag[j];
        }
        __syncthreads();  // the tiles are overwritten next step
      }

#pragma unroll
      for (int i = 0; i < TM; ++i) {
        const int64_t gi = row0 + ty + i * kThreadsM;
        if (gi >= g.m) continue;
#pragma unroll
        for (int j = 0; j < TN; ++j) {
          const int64_t gj = col0 + tx + j * kThreadsN;
          if (gj < g.n) g.store(z, gi, gj, acc[i][j]);
        }
      }
    }
  }
}

// Row tiles on grid.x (up to 2^31 - 1); column tiles and batches capped at 65535 on grid.y and
// grid.z, the kernels looping over the rest.
template <class T>
dim3 gemm_grid(const GemmArgs<T>& g, int64_t tile_m, int64_t tile_n) {
  const int64_t row_tiles = (g.m + tile_m - 1) / tile_m, col_tiles = (g.n + tile_n - 1) / tile_n;
  TF_CHECK(row_tiles <= 0x7fffffff, InvalidArgumentError, "matmul: ", g.m,
           " rows are too many for one launch");
  return dim3(unsigned(row_tiles), unsigned(std::min<int64_t>(col_tiles, 65535)),
              unsigned(std::min<int64_t>(g.batch.count, 65535)));
}

template <class T, int BM, int BN, int BK, int TM, int TN>
void launch_tiled(const GemmArgs<T>& g, int device) {
  const dim3 grid = gemm_grid(g, BM, BN);
  gemm_tiled_kernel<T, BM, BN, BK, TM, TN><<<grid, (BM / TM) * (BN / TN), 0, stream(device)>>>(g);
  TF_CUDA_CHECK_LAUNCH("gemm_tiled_kernel");
}

constexpr int kTf32Tile = 128, kTf32Step = 16, kTf32Warps = 8;
constexpr int64_t kTf32MinMacs = int64_t(1) << 24;  // below, the float32 kernel is as fast

__global__ void __launch_bounds__(kTf32Warps* kWarp) gemm_tf32_kernel(GemmArgs<float> g) {
  using namespace nvcuda;
  constexpr int BM = kTf32Tile, BN = kTf32Tile, BK = kTf32Step, kThreads = kTf32Warps * kWarp;
  __shared__ __align__(32) float a_tile[BM][BK + kPad];  // row-major, as matrix_a wants it
  __shared__ __align__(32) float b_tile[BK][BN + kPad];
  __shared__ __align__(32) float staging[kTf32Warps][16 * 16];  // one fragment per warp
  const int tid = threadIdx.x, warp = tid / kWarp, lane = tid % kWarp;
  const int warp_row = (warp / 4) * 64, warp_col = (warp % 4) * 32;  // 2 x 4 warps
  const int64_t row0 = int64_t(blockIdx.x) * BM;
  const bool a_k_fastest = g.a_col == 1, b_n_fastest = g.b_col == 1;
  for (int64_t z = blockIdx.z; z < g.batch.count; z += gridDim.z) {
    for (int64_t col0 = int64_t(blockIdx.y) * BN; col0 < g.n; col0 += int64_t(gridDim.y) * BN) {
      int64_t a_off, b_off;
      g.batch.offsets(z, a_off, b_off);
      const float* a = g.a + a_off;
      const float* b = g.b + b_off;
      wmma::fragment<wmma::accumulator, 16, 16, 8, float> acc[4][2];
#pragma unroll
      for (int i = 0; i < 4; ++i)
#pragma unroll
        for (int j = 0; j < 2; ++j) wmma::fill_fragment(acc[i][j], 0.0f);

      for (int64_t k0 = 0; k0 < g.k; k0 += BK) {
#pragma unroll
        for (int e = tid; e < BM * BK; e += kThreads) {
          const int i = a_k_fastest ? e / BK : e % BM, p = a_k_fastest ? e % BK : e / BM;
          const int64_t gi = row0 + i, gp = k0 + p;
          a_tile[i][p] =
              wmma::__float_to_tf32(gi < g.m && gp < g.k ? a[gi * g.a_row + gp * g.a_col] : 0.0f);
        }
#pragma unroll
        for (int e = tid; e < BK * BN; e += kThreads) {
          const int j = b_n_fastest ? e % BN : e / BK, p = b_n_fastest ? e / BN : e % BK;
          const int64_t gp = k0 + p, gj = col0 + j;
          b_tile[p][j] =
              wmma::__float_to_tf32(gp < g.k && gj < g.n ? b[gp * g.b_row + gj * g.b_col] : 0.0f);
        }
        __syncthreads();
#pragma unroll
        for (int kk = 0; kk < BK; kk += 8) {
          wmma::fragment<wmma::matrix_a, 16, 16, 8, wmma::precision::tf32, wmma::row_major> af[4];
          wmma::fragment<wmma::matrix_b, 16, 16, 8, wmma::precision::tf32, wmma::row_major> bf[2];
#pragma unroll
          for (int i = 0; i < 4; ++i)
            wmma::load_matrix_sync(af[i], &a_tile[warp_row + i * 16][kk], BK + kPad);
#pragma unroll
          for (int j = 0; j < 2; ++j)
            wmma::load_matrix_sync(bf[j], &b_tile[kk][warp_col + j * 16], BN + kPad);
#pragma unroll
          for (int i = 0; i < 4; ++i)
#pragma unroll
            for (int j = 0; j < 2; ++j) wmma::mma_sync(acc[i][j], af[i], bf[j], acc[i][j]);
        }
        __syncthreads();  // the tiles are overwritten next step
      }

      // Fragments go through shared memory, so that edges are cut element by element.
      float* stage = staging[warp];
#pragma unroll
      for (int i = 0; i < 4; ++i) {
#pragma unroll
        for (int j = 0; j < 2; ++j) {
          wmma::store_matrix_sync(stage, acc[i][j], 16, wmma::mem_row_major);
          __syncwarp();
          for (int e = lane; e < 256; e += kWarp) {
            const int64_t gi = row0 + warp_row + i * 16 + e / 16;
            const int64_t gj = col0 + warp_col + j * 16 + e % 16;
            if (gi < g.m && gj < g.n) g.store(z, gi, gj, stage[e]);
          }
          __syncwarp();  // the next fragment reuses the staging area
        }
      }
    }
  }
}

void launch_tf32(const GemmArgs<float>& g, int device) {
  const dim3 grid = gemm_grid(g, kTf32Tile, kTf32Tile);
  gemm_tf32_kernel<<<grid, kTf32Warps * kWarp, 0, stream(device)>>>(g);
  TF_CUDA_CHECK_LAUNCH("gemm_tf32_kernel");
}

// Accumulators of the reference: float32 in double; integers wrap (summed unsigned).
template <class T>
using ReferenceAcc =
    std::conditional_t<std::is_floating_point_v<T>, double,
                       std::conditional_t<std::is_same_v<T, int32_t>, uint32_t, uint64_t>>;

template <class T>
__global__ void gemm_reference_kernel(GemmArgs<T> g) {
  using Acc = ReferenceAcc<T>;
  const int64_t per_matrix = g.m * g.n, total = g.batch.count * per_matrix;
  for (int64_t idx = global_thread(); idx < total; idx += grid_threads()) {
    const int64_t z = idx / per_matrix, rest = idx - z * per_matrix;
    const int64_t i = rest / g.n, j = rest - i * g.n;
    int64_t a_off, b_off;
    g.batch.offsets(z, a_off, b_off);
    const T* a = g.a + a_off + i * g.a_row;
    const T* b = g.b + b_off + j * g.b_col;
    Acc sum = 0;
    for (int64_t p = 0; p < g.k; ++p) sum += Acc(a[p * g.a_col]) * Acc(b[p * g.b_row]);
    g.store(z, i, j, T(sum));
  }
}

template <class T>
void launch_reference(const GemmArgs<T>& g, int device) {
  gemm_reference_kernel<T>
      <<<grid_for(g.batch.count * g.m * g.n), kBlockThreads, 0, stream(device)>>>(g);
  TF_CUDA_CHECK_LAUNCH("gemm_reference_kernel");
}

// Problems with fewer big tiles than the GPU has multiprocessors take the smaller tiles, which
// make four times as many blocks.
int multiprocessors(int device) {
  static int cached[kMaxDevices] = {};
  if (cached[device] == 0) cached[device] = device_properties(device).multiprocessors;
  return cached[device];
}

}  // namespace

void gemm(const Tensor& a, const Tensor& b, const Tensor& out, const cpu::GemmEpilogue& epilogue) {
  if (out.numel() == 0) return;
  const int device = out.device().index;
  switch (out.dtype()) {
    case DType::Float32: {
      const GemmArgs<float> g = gemm_args<float>(a, b, out, epilogue);
      if (tf32_enabled() && g.m * g.n * g.k * g.batch.count >= kTf32MinMacs)
        return launch_tf32(g, device);
      const int64_t big_tiles = ((g.m + 127) / 128) * ((g.n + 127) / 128) * g.batch.count;
      if (big_tiles >= multiprocessors(device))
        launch_tiled<float, 128, 128, 8, 8, 8>(g, device);
      else
        launch_tiled<float, 64, 64, 8, 4, 4>(g, device);
      return;
    }
    case DType::Float64:
      return launch_tiled<double, 64, 64, 8, 4, 4>(gemm_args<double>(a, b, out, epilogue), device);
    case DType::Int32:
      return launch_reference(gemm_args<int32_t>(a, b, out), device);
    case DType::Int64:
      return launch_reference(gemm_args<int64_t>(a, b, out), device);
    default:
      throw InvalidArgumentError(str_cat("matmul: unsupported dtype ", dtype_name(out.dtype())));
  }
}

void gemm_reference(const Tensor& a, const Tensor& b, const Tensor& out) {
  if (out.numel() == 0) return;
  const int device = out.device().index;
  switch (out.dtype()) {
    case DType::Float32:
      return launch_reference(gemm_args<float>(a, b, out), device);
    case DType::Float64:
      return launch_reference(gemm_args<double>(a, b, out), device);
    case DType::Int32:
      return launch_reference(gemm_args<int32_t>(a, b, out), device);
    case DType::Int64:
      return launch_reference(gemm_args<int64_t>(a, b, out), device);
    default:
      throw InvalidArgumentError(str_cat("matmul: unsupported dtype ", dtype_name(out.dtype())));
  }
}

}  // namespace tapeflow::cuda
