// GEMM micro-kernels for the ISA this file is compiled for (included by isa/gemm.cpp only):
// vector types, the register-tiled MR x NR kernels the packed GEMM runs, and the dot-product
// tiles of narrow products.
#pragma once
#include <algorithm>
#include <cstdint>

#if defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>
#endif

namespace tapeflow::cpu::TF_ISA::gemm_kernels {

// ---------------------------------------------------------------------------------------------
// Micro-kernels. `run<layout>(kc, a, a_stride, b, ldb, c, ldc, accumulate)`: a is an MR-row
// panel of kc columns, b an NR-column panel (kc rows of NR values, row stride ldb: NR when
// packed); writes the full MR x NR tile c = a @ b, or c += a @ b when `accumulate`. The A panel is
// either packed or read in place:
//   APanel::RowMajor     a(i, k) = a[i * a_stride + k]   (packed panels, row-major a)
//   APanel::ColumnMajor  a(i, k) = a[k * a_stride + i]   (column-major a: a transposed view)
enum class APanel { RowMajor, ColumnMajor };

// k steps (6 cycles each for the AVX2 6 x 16 tile) between the C tile's prefetch and its use.
constexpr int64_t kPrefetchSteps = 40;

// SIMD tile of MR rows x NV vectors, for any vector type described by `Vec`.
template <class Vec, int MR_, int NV>
struct SimdKernel {
  using T = typename Vec::T;
  static constexpr int MR = MR_, NR = NV * Vec::kWidth;
  template <int R>
  using WithRows = SimdKernel<Vec, R, NV>;  // same columns, R rows (the last tiles of an M)

  template <APanel kLayout>
  static void run(int64_t kc, const T* a, int64_t a_stride, const T* b, int64_t ldb, T* c,
                  int64_t ldc, bool accumulate) {
    typename Vec::V acc[MR][NV];
#pragma GCC unroll 16
    for (int i = 0; i < MR; ++i)
#pragma GCC unroll 4
      for (int v = 0; v < NV; ++v) acc[i][v] = Vec::zero();
    const T* rows[MR];
#pragma GCC unroll 16
    for (int i = 0; i < MR; ++i) {
      rows[i] = a + i * a_stride;
    }
    // One k step: NV vectors of b, MR broadcasts of a, MR x NV fused multiply-adds.
    auto step = [&](int64_t k) __attribute__((always_inline)) {
      typename Vec::V bv[NV];
#pragma GCC unroll 4
      for (int v = 0; v < NV; ++v) bv[v] = Vec::loadu(b + k * ldb + v * Vec::kWidth);
      const T* column = a + k * a_stride;
#pragma GCC unroll 16
      for (int i = 0; i < MR; ++i) {
        const typename Vec::V av =
            Vec::broadcast(kLayout == APanel::RowMajor ? rows[i] + k : column + i);
#pragma GCC unroll 4
        for (int v = 0; v < NV; ++v) acc[i][v] = Vec::fma(av, bv[v], acc[i][v]);
      }
    };
    // NOTE: not unrolled: with MR row pointers live, an unrolled loop runs out of registers.
    // The C tile is fetched kPrefetchSteps steps before the write-back (both lines of a row
    // that straddles two): early enough to land from L3, late enough that the A and B panels
    // streaming through L1 do not evict it first (rows of c a power of two apart share one set).
    const int64_t k_prefetch = kc - kPrefetchSteps;
    for (int64_t k = 0; k < k_prefetch; ++k) step(k);
    if (k_prefetch > 0) {
#pragma GCC unroll 16
      for (int i = 0; i < MR; ++i) {
        __builtin_prefetch(c + i * ldc, 1);
        __builtin_prefetch(c + i * ldc + NR - 1, 1);
      }
    }
    for (int64_t k = std::max<int64_t>(k_prefetch, 0); k < kc; ++k) step(k);
#pragma GCC unroll 16
    for (int i = 0; i < MR; ++i) {
#pragma GCC unroll 4
      for (int v = 0; v < NV; ++v) {
        T* dst = c + i * ldc + v * Vec::kWidth;
        Vec::storeu(dst, accumulate ? Vec::add(Vec::loadu(dst), acc[i][v]) : acc[i][v]);
      }
    }
  }
};

// `tiles` full MR x NR tiles down a column of c (rows MR apart): tile t from the packed A panel
// a + t * MR * kc (MR rows of kc values) and the one B panel. Kept out of line, the kernel
// inlined: one tight loop.
template <class Kernel, typename T>
__attribute__((noinline, flatten)) void run_packed_tiles(int64_t tiles, int64_t kc, const T* a,
                                                         const T* b, int64_t ldb, T* c, int64_t ldc,
                                                         bool accumulate) {
  constexpr int MR = Kernel::MR;
  for (int64_t t = 0; t < tiles; ++t, a += MR * kc, c += MR * ldc)
    Kernel::template run<APanel::RowMajor>(kc, a, kc, b, ldb, c, ldc, accumulate);
}

#if defined(__AVX512F__)
struct VecF32 {
  using T = float;
  using V = __m512;
  static constexpr int kWidth = 16;
  static V zero() { return _mm512_setzero_ps(); }
  static V loadu(const T* p) { return _mm512_loadu_ps(p); }
  static V broadcast(const T* p) { return _mm512_set1_ps(*p); }
  static V fma(V a, V b, V c) { return _mm512_fmadd_ps(a, b, c); }
  static V add(V a, V b) { return _mm512_add_ps(a, b); }
  static void storeu(T* p, V v) { _mm512_storeu_ps(p, v); }
  static T sum(V v) { return _mm512_reduce_add_ps(v); }
  static V in_register(V v) {  // an empty asm the compiler cannot see through
    __asm__("" : "+v"(v));
    return v;
  }
};
struct VecF64 {
  using T = double;
  using V = __m512d;
  static constexpr int kWidth = 8;
  static V zero() { return _mm512_setzero_pd(); }
  static V loadu(const T* p) { return _mm512_loadu_pd(p); }
  static V broadcast(const T* p) { return _mm512_set1_pd(*p); }
  static V fma(V a, V b, V c) { return _mm512_fmadd_pd(a, b, c); }
  static V add(V a, V b) { return _mm512_add_pd(a, b); }
  static void storeu(T* p, V v) { _mm512_storeu_pd(p, v); }
  static T sum(V v) { return _mm512_reduce_add_pd(v); }
  static V in_register(V v) {
    __asm__("" : "+v"(v));
    return v;
  }
};
// 6 x 32 floats / 6 x 16 doubles: 12 of the 32 zmm registers hold the tile.
using KernelF32 = SimdKernel<VecF32, 6, 2>;
using KernelF64 = SimdKernel<VecF64, 6, 2>;
using FiveRowKernelF32 = SimdKernel<VecF32, 5, 2>;  // for narrow products, see gemm_narrow
using FiveRowKernelF64 = SimdKernel<VecF64, 5, 2>;

#elif defined(__AVX2__) && defined(__FMA__)
struct VecF32 {
  using T = float;
  using V = __m256;
  static constexpr int kWidth = 8;
  static V zero() { return _mm256_setzero_ps(); }
  static V loadu(const T* p) { return _mm256_loadu_ps(p); }
  static V broadcast(const T* p) { return _mm256_broadcast_ss(p); }
  static V fma(V a, V b, V c) { return _mm256_fmadd_ps(a, b, c); }
  static V add(V a, V b) { return _mm256_add_ps(a, b); }
  static void storeu(T* p, V v) { _mm256_storeu_ps(p, v); }
  static T sum(V v) {  // lanes added pairwise: (0+4, 1+5, 2+6, 3+7), then halves, then pairs
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    return _mm_cvtss_f32(_mm_add_ss(s, _mm_movehdup_ps(s)));
  }
  static V in_register(V v) {  // an empty asm the compiler cannot see through
    __asm__("" : "+x"(v));
    return v;
  }
};
struct VecF64 {
  using T = double;
  using V = __m256d;
  static constexpr int kWidth = 4;
  static V zero() { return _mm256_setzero_pd(); }
  static V loadu(const T* p) { return _mm256_loadu_pd(p); }
  static V broadcast(const T* p) { return _mm256_broadcast_sd(p); }
  static V fma(V a, V b, V c) { return _mm256_fmadd_pd(a, b, c); }
  static V add(V a, V b) { return _mm256_add_pd(a, b); }
  static void storeu(T* p, V v) { _mm256_storeu_pd(p, v); }
  static T sum(V v) {
    const __m128d s = _mm_add_pd(_mm256_castpd256_pd128(v), _mm256_extractf128_pd(v, 1));
    return _mm_cvtsd_f64(_mm_add_sd(s, _mm_unpackhi_pd(s, s)));
  }
  static V in_register(V v) {
    __asm__("" : "+x"(v));
    return v;
  }
};
// 6 x 16 floats / 6 x 8 doubles: 12 accumulators + 2 B vectors + 1 broadcast A = 15 of 16 ymm.
using KernelF32 = SimdKernel<VecF32, 6, 2>;
using KernelF64 = SimdKernel<VecF64, 6, 2>;
using FiveRowKernelF32 = SimdKernel<VecF32, 5, 2>;  // for narrow products, see gemm_narrow
using FiveRowKernelF64 = SimdKernel<VecF64, 5, 2>;

#else
// Portable loops: the inner j loop is what the compiler vectorises for the baseline ISA.
template <typename T, int MR_, int NR_>
struct LoopKernel {
  static constexpr int MR = MR_, NR = NR_;
  template <int R>
  using WithRows = LoopKernel<T, R, NR>;
  template <APanel kLayout>
  static void run(int64_t kc, const T* a, int64_t a_stride, const T* b, int64_t ldb, T* c,
                  int64_t ldc, bool accumulate) {
    const int64_t row_step = kLayout == APanel::RowMajor ? a_stride : 1;
    const int64_t k_step = kLayout == APanel::RowMajor ? 1 : a_stride;
    T acc[MR][NR] = {};
    for (int64_t k = 0; k < kc; ++k, b += ldb)
      for (int i = 0; i < MR; ++i)
        for (int j = 0; j < NR; ++j) acc[i][j] += a[i * row_step + k * k_step] * b[j];
    for (int i = 0; i < MR; ++i)
      for (int j = 0; j < NR; ++j)
        c[i * ldc + j] = accumulate ? c[i * ldc + j] + acc[i][j] : acc[i][j];
  }
};
using KernelF32 = LoopKernel<float, 4, 8>;
using KernelF64 = LoopKernel<double, 4, 4>;
using FiveRowKernelF32 = LoopKernel<float, 5, 8>;
using FiveRowKernelF64 = LoopKernel<double, 5, 4>;

// One lane: the dot-product tiles below in plain scalar code.
template <typename T_>
struct ScalarVec {
  using T = T_;
  using V = T_;
  static constexpr int kWidth = 1;
  static V zero() { return 0; }
  static V loadu(const T* p) { return *p; }
  static V fma(V a, V b, V c) { return a * b + c; }
  static T sum(V v) { return v; }
  static V in_register(V v) { return v; }
};
using VecF32 = ScalarVec<float>;
using VecF64 = ScalarVec<double>;
#endif

// ---------------------------------------------------------------------------------------------
// Dot-product tile of a narrow product with a row-major a: c0[j] = a0 . bt_j and c1[j] = a1 . bt_j
// for j < COLS, where a0, a1 are two rows of a and bt_j = bt + j * k the columns of b packed as
// rows (all contiguous over k). 2 x COLS vector accumulators over k, their lanes summed at the
// end, then the k % kWidth tail added in order.
template <class Vec, int COLS>
void dot_tile(int64_t k, const typename Vec::T* a0, const typename Vec::T* a1,
              const typename Vec::T* bt, typename Vec::T* c0, typename Vec::T* c1) {
  using T = typename Vec::T;
  typename Vec::V acc0[COLS], acc1[COLS];
#pragma GCC unroll 8
  for (int j = 0; j < COLS; ++j) acc0[j] = acc1[j] = Vec::zero();
  int64_t t = 0;
  for (; t + Vec::kWidth <= k; t += Vec::kWidth) {
    const typename Vec::V x0 = Vec::loadu(a0 + t), x1 = Vec::loadu(a1 + t);
#pragma GCC unroll 8
    for (int j = 0; j < COLS; ++j) {
      // NOTE: loaded once into a register for both rows, not folded into each multiply-add
      const typename Vec::V y = Vec::in_register(Vec::loadu(bt + j * k + t));
      acc0[j] = Vec::fma(x0, y, acc0[j]);
      acc1[j] = Vec::fma(x1, y, acc1[j]);
    }
  }
#pragma GCC unroll 8
  for (int j = 0; j < COLS; ++j) {
    T sum0 = Vec::sum(acc0[j]), sum1 = Vec::sum(acc1[j]);
    for (int64_t tail = t; tail < k; ++tail) {
      sum0 += a0[tail] * bt[j * k + tail];
      sum1 += a1[tail] * bt[j * k + tail];
    }
    c0[j] = sum0;
    c1[j] = sum1;
  }
}

}  // namespace tapeflow::cpu::TF_ISA::gemm_kernels
