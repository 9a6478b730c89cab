// BLIS-style GEMM, compiled once per ISA (see isa_namespace.h): c (M,N) = a (M,K) @ b (K,N).
//
//   for jc in N step NC:                      B block (KC x NC) lives in L3
//     for pc in K step KC:                    pack B into NR-column panels, (kc x NR) each
//       parallel over (ic in M step mc) x (groups of B panels):
//         pack A block into MR-row panels     A block (mc x KC) lives in L2
//         for each B panel jr:                B panel (KC x NR) lives in L1
//           for each A panel ir: micro-kernel: MR x NR tile of c (+)= A panel @ B panel
//
// Packing reads a and b through their strides, so transposed and strided views cost nothing
// extra, and pads edge panels with zeros: the micro-kernel always computes a full MR x NR tile
// and only the valid part of an edge tile is written back. Every element of c is summed in the
// same order (k ascending inside a KC block, KC blocks added in order) whatever the thread
// count or the M blocking, so results are bit-identical across thread counts.
//
// Shortcuts, all chosen from the shapes alone (never the thread count): an operand used by at
// most two panels of the other is read in place instead of packed; the blocks come from the
// cache sizes (cache_blocking); a narrow product (N < NR) runs transposed (gemm, at the end).
#include "kernels/cpu/gemm.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <type_traits>

#include "kernels/cpu/cpu_features.h"
#include "kernels/cpu/isa/gemm_kernels.h"
#include "kernels/cpu/parallel.h"

namespace tapeflow::cpu::TF_ISA {
namespace {

using namespace gemm_kernels;

// ---------------------------------------------------------------------------------------------
// Packing buffers: one per thread and dtype, 64-byte aligned, grown on demand and kept.

template <typename T>
T* scratch(int slot, int64_t count) {
  struct Buffer {
    std::unique_ptr<T, decltype(&std::free)> data{nullptr, &std::free};
    int64_t capacity = 0;
  };
  thread_local Buffer buffers[3];
  Buffer& buf = buffers[slot];
  if (buf.capacity < count) {
    const size_t bytes = (size_t(count) * sizeof(T) + 63) / 64 * 64;
    buf.data.reset(static_cast<T*>(std::aligned_alloc(64, bytes)));
    if (!buf.data) throw ResourceExhaustedError("gemm: out of memory for a packing buffer");
    buf.capacity = count;
  }
  return buf.data.get();
}

#if defined(__AVX2__)
// r[c] = line c of an 8 x 8 block -> r[c] = column c of it, in registers.
inline void transpose_8x8(__m256 r[8]) {
  __m256 t[8];
  for (int c = 0; c < 8; c += 2) {
    t[c] = _mm256_unpacklo_ps(r[c], r[c + 1]);
    t[c + 1] = _mm256_unpackhi_ps(r[c], r[c + 1]);
  }
  __m256 q[8];
  for (int c = 0; c < 8; c += 4) {
    q[c] = _mm256_shuffle_ps(t[c], t[c + 2], _MM_SHUFFLE(1, 0, 1, 0));
    q[c + 1] = _mm256_shuffle_ps(t[c], t[c + 2], _MM_SHUFFLE(3, 2, 3, 2));
    q[c + 2] = _mm256_shuffle_ps(t[c + 1], t[c + 3], _MM_SHUFFLE(1, 0, 1, 0));
    q[c + 3] = _mm256_shuffle_ps(t[c + 1], t[c + 3], _MM_SHUFFLE(3, 2, 3, 2));
  }
  for (int i = 0; i < 4; ++i) {
    r[i] = _mm256_permute2f128_ps(q[i], q[i + 4], 0x20);
    r[i + 4] = _mm256_permute2f128_ps(q[i], q[i + 4], 0x31);
  }
}
#endif

// dst[x * ld_dst + y] = src[y * ld_src + x] for y < height (a multiple of 8) and x < width,
// contiguous in src: 8 x 8 blocks transposed in registers. Returns how many x it did (a multiple
// of 8), or 0 where this ISA and dtype have no such transpose; the caller does the rest.
template <typename T>
int64_t transpose_by_blocks(const T* src, int64_t ld_src, int64_t width, int64_t height, T* dst,
                            int64_t ld_dst) {
#if defined(__AVX2__)
  if constexpr (std::is_same_v<T, float>) {
    const int64_t x_end = width / 8 * 8;
    for (int64_t x = 0; x < x_end; x += 8) {
      for (int64_t y = 0; y < height; y += 8) {
        __m256 r[8];
        for (int c = 0; c < 8; ++c) r[c] = _mm256_loadu_ps(src + (y + c) * ld_src + x);
        transpose_8x8(r);
        for (int i = 0; i < 8; ++i) _mm256_storeu_ps(dst + (x + i) * ld_dst + y, r[i]);
      }
    }
    return x_end;
  }
#endif
  (void)src, (void)ld_src, (void)width, (void)height, (void)dst, (void)ld_dst;
  return 0;
}

// Rows of the row tile that starts `remaining` rows before the end of an M block (MR but at the
// end), and the rows of the kernel that runs it: 2, 4 or MR, the fewest that cover it. A block
// ending in MR + 2 rows ends in two 4-row tiles rather than MR and 2: a 2-row tile has only 4
// accumulator chains, too few to hide the multiply-add latency, and runs at half speed.
template <int MR>
int64_t tile_rows(int64_t remaining) {
  return MR == 6 && remaining == 8 ? 4 : std::min<int64_t>(MR, remaining);
}
template <int MR>
int kernel_rows(int64_t rows) {
  return rows <= 2 && MR > 2 ? 2 : rows <= 4 && MR > 4 ? 4 : MR;
}

// A block: rows [0, mc) x k [0, kc) of `a` -> one panel per row tile (tile_rows): the rows
// one after another, a(i, k) at dst[i * kc + k], then zero rows up to the row count of the last
// tile's kernel. A row-major `a` copies rows; a column-major one (a transposed view) goes through
// 8 x 8 transposes.
template <int MR, typename T>
void pack_a(const T* a, int64_t rs, int64_t cs, int64_t mc, int64_t kc, T* dst) {
  if (cs == 1) {
    for (int64_t i = 0; i < mc; ++i) std::memcpy(dst + i * kc, a + i * rs, kc * sizeof(T));
  } else {
    const int64_t k_blocked = kc / 8 * 8;
    const int64_t rows_done = rs == 1 ? transpose_by_blocks(a, cs, mc, k_blocked, dst, kc) : 0;
    for (int64_t i = 0; i < mc; ++i)
      for (int64_t k = i < rows_done ? k_blocked : 0; k < kc; ++k)
        dst[i * kc + k] = a[i * rs + k * cs];
  }
  int64_t last = 0;  // first row of the last tile
  for (int64_t i = 0; i < mc; i += tile_rows<MR>(mc - i)) last = i;
  std::fill(dst + mc * kc, dst + (last + kernel_rows<MR>(mc - last)) * kc, T(0));
}

// B panel range: columns [0, nc) x k [0, kc) of `b` -> ceil(nc/NR) panels of kc x NR.
// A row-major b packs its full panels 8 rows at a time across all of them, so each row of b is
// read in order (8 sequential streams the hardware prefetches), not down a column of lines.
template <int NR, typename T>
void pack_b(const T* b, int64_t rs, int64_t cs, int64_t kc, int64_t nc, T* dst) {
  int64_t p = 0;
  if (cs == 1) {
    const int64_t full_panels = nc / NR;
    for (int64_t k0 = 0; k0 < kc; k0 += 8) {
      const int64_t k1 = std::min<int64_t>(kc, k0 + 8);
      for (int64_t panel = 0; panel < full_panels; ++panel)
        for (int64_t k = k0; k < k1; ++k)
          for (int j = 0; j < NR; ++j)
            dst[panel * kc * NR + k * NR + j] = b[k * rs + panel * NR + j];
    }
    p = full_panels * NR;
    dst += full_panels * kc * NR;
  }
  for (; p < nc; p += NR, dst += kc * NR) {
    const int64_t cols = std::min<int64_t>(NR, nc - p);
    const T* src = b + p * cs;
    if (cols < NR) std::fill(dst, dst + kc * NR, T(0));
    int64_t k_done = 0;  // column-major b (b transposed): 8 x 8 blocks transposed in registers
    if (cols == NR && rs == 1) k_done = transpose_by_blocks(src, cs, kc, int64_t(NR), dst, NR);
    for (int64_t j = 0; j < cols; ++j) {  // the rest, one column at a time
      const T* col = src + j * cs;
      for (int64_t k = k_done; k < kc; ++k) dst[k * NR + j] = col[k * rs];
    }
  }
}

// An operand is read straight from memory, skipping the packing, when it is used by at most this
// many panels of the other (a by <= 2 B panels: small N; b by <= 2 A panels: small M) and its
// layout suits the kernel (a row- or column-major, b row-major): packing would cost more than
// it saves.
constexpr int64_t kInPlaceUses = 2;

// One KC-deep slab of the product: c[rows of the unit, columns jc + panels] (+)= a @ b, with b
// either packed (panels of kc x NR, one after another) or read in place (row-major b, row stride
// ldb; an edge panel narrower than NR is then packed on the fly).
template <class Kernel, typename T>
struct Slab {
  static constexpr int MR = Kernel::MR, NR = Kernel::NR;
  const GemmProblem<T>& p;
  const T* b;
  bool b_packed;
  int64_t ldb;  // row stride of b read in place (NR when packed)
  int64_t jc, nc, pc, kc;

  // Rows [ic, ic + mcur) times B panels [jr_begin, jr_end); packed_a holds the packed A block
  // when `a_is_packed`, else serves as room for one zero-padded edge panel.
  void run(int64_t ic, int64_t mcur, int64_t jr_begin, int64_t jr_end, T* packed_a,
           bool a_is_packed) const {
    for (int64_t jr = jr_begin; jr < jr_end; ++jr) {
      const int64_t cols = std::min<int64_t>(NR, nc - jr * NR);
      const T* b_panel = b_packed ? b + jr * NR * kc : b + jr * NR;
      int64_t b_stride = ldb;
      if (!b_packed && cols < NR) {  // in place but too narrow for the kernel's loads: pack it
        T* packed = scratch<T>(2, kc * NR);
        pack_b<NR>(b_panel, ldb, 1, kc, cols, packed);
        b_panel = packed;
        b_stride = NR;
      }
      // The full tiles of a packed A (all but the last one or two) in one tight loop: per-tile
      // bookkeeping would cost as much as the tile itself when K is small.
      int64_t full_tiles = 0;
      if (a_is_packed && cols == NR && p.c_col_stride == 1) {
        full_tiles = mcur / MR;
        if (full_tiles > 0 && tile_rows<MR>(mcur - (full_tiles - 1) * MR) < MR) --full_tiles;
        T* c = p.c + ic * p.ldc + jc + jr * NR;
        run_packed_tiles<Kernel>(full_tiles, kc, packed_a, b_panel, b_stride, c, p.ldc, pc > 0);
        if (pc + kc == p.k && p.has_epilogue())
          apply_epilogue(p, c, full_tiles * MR, cols, jc + jr * NR);
      }
      for (int64_t ir = full_tiles * MR, rows = 0; ir < mcur; ir += rows) {
        rows = tile_rows<MR>(mcur - ir);
        switch (kernel_rows<MR>(rows)) {
          case 2:
            run_tile<2>(ic, ir, rows, jr, cols, b_panel, b_stride, packed_a, a_is_packed);
            break;
          case 4:
            run_tile<4>(ic, ir, rows, jr, cols, b_panel, b_stride, packed_a, a_is_packed);
            break;
          default:
            run_tile<MR>(ic, ir, rows, jr, cols, b_panel, b_stride, packed_a, a_is_packed);
        }
      }
    }
  }

  // Rows [ic + ir, + rows) x columns [jc + jr * NR, + cols) through the R-row kernel: a full
  // tile is written straight to c, an edge one (or a transposed c) through a temporary.
  template <int R>
  void run_tile(int64_t ic, int64_t ir, int64_t rows, int64_t jr, int64_t cols, const T* b_panel,
                int64_t b_stride, T* packed_a, bool a_is_packed) const {
    using RowKernel = typename Kernel::template WithRows<R>;
    const bool accumulate = pc > 0;
    const T* a_tile = p.a + (ic + ir) * p.a_row_stride + pc * p.a_col_stride;
    const T* a_panel = packed_a + ir * kc;
    const bool in_place = !a_is_packed && rows == R;
    if (!a_is_packed && !in_place) {  // too few rows for the kernel's reads: pack them
      pack_a<MR>(a_tile, p.a_row_stride, p.a_col_stride, rows, kc, packed_a);
      a_panel = packed_a;
    }
    T* c = p.c + (ic + ir) * p.ldc + (jc + jr * NR) * p.c_col_stride;
    const bool full = rows == R && cols == NR && p.c_col_stride == 1;
    alignas(64) T edge[R * NR];
    T* tile = full ? c : edge;
    const int64_t ldt = full ? p.ldc : NR;
    const bool tile_accumulate = full && accumulate;
    if (in_place && p.a_col_stride != 1) {  // a column-major (else row-major, if in place)
      RowKernel::template run<APanel::ColumnMajor>(kc, a_tile, p.a_col_stride, b_panel, b_stride,
                                                   tile, ldt, tile_accumulate);
    } else if (in_place) {
      RowKernel::template run<APanel::RowMajor>(kc, a_tile, p.a_row_stride, b_panel, b_stride, tile,
                                                ldt, tile_accumulate);
    } else {
      RowKernel::template run<APanel::RowMajor>(kc, a_panel, kc, b_panel, b_stride, tile, ldt,
                                                tile_accumulate);
    }
    if (!full) {
      const int64_t cs = p.c_col_stride;
      for (int64_t i = 0; i < rows; ++i)
        for (int64_t j = 0; j < cols; ++j)
          c[i * p.ldc + j * cs] =
              accumulate ? c[i * p.ldc + j * cs] + edge[i * NR + j] : edge[i * NR + j];
    }
    if (pc + kc == p.k && p.has_epilogue())  // the last slab finishes c
      apply_epilogue(p, c, rows, cols, jc + jr * NR);
  }
};

// Packed B holds about this many elements (a K range x NC block), so that it stays in the
// last-level cache and a long K never asks for a huge buffer.
constexpr int64_t kPackedBElements = int64_t(1) << 20;

// Cache blocking, BLIS-style, from the sizes the OS reports: a KC x NR panel of B takes half of
// L1 (the A panel and the C tile stream through the other half), an MC x KC block of A half of
// L2, a KC x NC block of B a quarter of L3 (shared with the other cores). Clamped to sane
// ranges in case of odd reports (a VM may report the host's whole L3).
struct Blocking {
  int64_t mc, kc, nc;
};

template <class Kernel, typename T>
Blocking cache_blocking() {
  constexpr int64_t MR = Kernel::MR, NR = Kernel::NR, size = sizeof(T);
  const CacheSizes& caches = cache_sizes();
  const int64_t kc = std::clamp<int64_t>(caches.l1d / 2 / (NR * size), 64, 1024) / 8 * 8;
  const int64_t mc = std::clamp<int64_t>(caches.l2 / 2 / (kc * size), 4 * MR, 1024) / MR * MR;
  const int64_t nc = std::clamp<int64_t>(caches.l3 / 4 / (kc * size), 4 * NR, 4096) / NR * NR;
  return {mc, kc, nc};
}

template <class Kernel, typename T>
void gemm_blocked(const GemmProblem<T>& p, int threads, const Blocking& blocking) {
  constexpr int MR = Kernel::MR, NR = Kernel::NR;
  const int64_t mc_max = blocking.mc, kc_max = blocking.kc, nc_max = blocking.nc;
  // Equal K slabs; M blocks of equal size (a multiple of MR), their count a multiple of the
  // thread count; N blocks and the K range packed at once as large as the B budget allows.
  const int64_t k_slabs = (p.k + kc_max - 1) / kc_max;
  const int64_t kc_full = (p.k + k_slabs - 1) / k_slabs;
  int64_t m_blocks = (p.m + mc_max - 1) / mc_max;
  m_blocks = (m_blocks + threads - 1) / threads * threads;
  const int64_t mc = std::min((p.m + m_blocks - 1) / m_blocks + MR - 1, mc_max) / MR * MR;
  m_blocks = (p.m + mc - 1) / mc;
  const int64_t nc_budget = std::max<int64_t>(kPackedBElements / p.k / NR * NR, NR);
  const int64_t nc_block = std::min({nc_max, nc_budget, (p.n + NR - 1) / NR * NR});
  const int64_t k_range = std::max<int64_t>(kPackedBElements / nc_block / kc_full, 1) * kc_full;

  T* packed_b = scratch<T>(0, std::min(k_range, p.k) * nc_block);
  for (int64_t jc = 0; jc < p.n; jc += nc_block) {
    const int64_t nc = std::min(nc_block, p.n - jc);
    const int64_t n_panels = (nc + NR - 1) / NR;
    // Too few M blocks to occupy every thread (small M): split the B panels as well.
    const int64_t n_groups = std::min<int64_t>(n_panels, (threads + m_blocks - 1) / m_blocks);
    const int64_t panels_per_group = (n_panels + n_groups - 1) / n_groups;
    const bool direct_a =
        (p.a_col_stride == 1 || p.a_row_stride == 1) && panels_per_group <= kInPlaceUses;
    const bool direct_b = p.b_col_stride == 1 && p.m <= kInPlaceUses * MR;
    for (int64_t k0 = 0; k0 < p.k; k0 += k_range) {
      const int64_t k1 = std::min(p.k, k0 + k_range);
      // B[k0:k1, jc:jc+nc] packed slab by slab (unless read in place): slab pc starts at
      // (pc - k0) * n_panels * NR.
      if (!direct_b)
        parallel_for(0, n_panels, threads > 1 ? 4 : n_panels, [&](int64_t lo, int64_t hi) {
          for (int64_t pc = k0; pc < k1; pc += kc_full) {
            const int64_t kc = std::min(kc_full, p.k - pc);
            pack_b<NR>(p.b + pc * p.b_row_stride + (jc + lo * NR) * p.b_col_stride, p.b_row_stride,
                       p.b_col_stride, kc, std::min(nc, hi * NR) - lo * NR,
                       packed_b + (pc - k0) * n_panels * NR + lo * NR * kc);
          }
        });
      // One equal share of the units per thread: parallel_for's own chunking would cut, say,
      // 10 units into 5 chunks of 2, 3 chunks for one thread and 2 for the other.
      const int64_t units = m_blocks * n_groups;
      const int64_t shares = std::min<int64_t>(units, threads);
      parallel_for(0, shares, 1, [&](int64_t share_lo, int64_t share_hi) {
        T* packed_a = scratch<T>(1, kc_full * mc);
        for (int64_t unit = units * share_lo / shares; unit < units * share_hi / shares; ++unit) {
          const int64_t ic = unit / n_groups * mc, group = unit % n_groups;
          const int64_t mcur = std::min(mc, p.m - ic);
          const int64_t jr_begin = group * panels_per_group;
          const int64_t jr_end = std::min(n_panels, jr_begin + panels_per_group);
          for (int64_t pc = k0; pc < k1; pc += kc_full) {
            const int64_t kc = std::min(kc_full, p.k - pc);
            const T* b =
                direct_b ? p.b + pc * p.b_row_stride + jc : packed_b + (pc - k0) * n_panels * NR;
            const int64_t ldb = direct_b ? p.b_row_stride : NR;
            const Slab<Kernel, T> slab{p, b, !direct_b, ldb, jc, nc, pc, kc};
            if (!direct_a)
              pack_a<MR>(p.a + ic * p.a_row_stride + pc * p.a_col_stride, p.a_row_stride,
                         p.a_col_stride, mcur, slab.kc, packed_a);
            slab.run(ic, mcur, jr_begin, jr_end, packed_a, !direct_a);
          }
        }
      });
    }
  }
}

// Below this many multiply-adds (the MLP layers' products and smaller) a threaded product is
// cut into one independent product per thread, each packing its own operands: one parallel
// region and no shared packed B, whose two extra synchronisations cost more than the
// duplicated packing at these sizes. Larger products share one packed B (gemm_blocked).
constexpr double kIndependentSplitMacs = double(int64_t(1) << 27);

// Splits along N (whole NR panels) when N has at least as many panels per thread as M has
// MR-row tiles, else along M (whole MR tiles); each part is a complete one-thread product.
// Every element is summed in the same order as in one piece, so results stay bit-identical.
template <class Kernel, typename T>
void gemm_threaded(const GemmProblem<T>& p) {
  static const Blocking blocking = cache_blocking<Kernel, T>();
  constexpr int MR = Kernel::MR, NR = Kernel::NR;
  const double macs = double(p.m) * double(p.n) * double(p.k);
  const int threads = macs >= double(kGemmParallelMacs) ? num_threads() : 1;
  if (threads == 1 || macs >= kIndependentSplitMacs) {
    gemm_blocked<Kernel>(p, threads, blocking);
    return;
  }
  const int64_t m_tiles = (p.m + MR - 1) / MR, n_panels = (p.n + NR - 1) / NR;
  const bool split_n = n_panels >= m_tiles && n_panels >= threads;
  const int64_t units = split_n ? n_panels : m_tiles, unit_size = split_n ? NR : MR;
  const int parts = int(std::min<int64_t>(threads, units));
  parallel_for(0, parts, 1, [&](int64_t lo, int64_t hi) {
    for (int64_t part = lo; part < hi; ++part) {
      const int64_t begin = units * part / parts * unit_size;
      const int64_t end = std::min(units * (part + 1) / parts * unit_size, split_n ? p.n : p.m);
      GemmProblem<T> sub = p;
      if (split_n) {
        sub.n = end - begin;
        sub.b += begin * p.b_col_stride;
        sub.c += begin * p.c_col_stride;
        if (sub.bias != nullptr) sub.bias += begin;
      } else {
        sub.m = end - begin;
        sub.a += begin * p.a_row_stride;
        sub.c += begin * p.ldc;
      }
      gemm_blocked<Kernel>(sub, 1, blocking);
    }
  });
}

// Columns per dot-product tile: 2 rows x 5 columns hold 10 vector accumulators, enough to hide
// the multiply-add latency, and 10 (classes) splits into two full tiles.
constexpr int64_t kDotColumns = 5;

template <class Vec, typename T>
void dot_tile_any(int64_t cols, int64_t k, const T* a0, const T* a1, const T* bt, T* c0, T* c1) {
  switch (cols) {
    case 1:
      return dot_tile<Vec, 1>(k, a0, a1, bt, c0, c1);
    case 2:
      return dot_tile<Vec, 2>(k, a0, a1, bt, c0, c1);
    case 3:
      return dot_tile<Vec, 3>(k, a0, a1, bt, c0, c1);
    case 4:
      return dot_tile<Vec, 4>(k, a0, a1, bt, c0, c1);
    default:
      return dot_tile<Vec, kDotColumns>(k, a0, a1, bt, c0, c1);
  }
}

// A narrow product with a row-major a (the forward pass of a classifier's output layer): every
// c(i, j) is a dot product of a's row i with b's column j, the columns packed once as rows (b^T,
// N x K). Pairs of rows are spread over the threads; each element is computed by one tile, the
// same whatever the thread count. The epilogue runs on each pair of rows as it is finished.
template <class Vec, typename T>
void gemm_dot(const GemmProblem<T>& p) {
  T* bt = scratch<T>(0, p.n * p.k);
  for (int64_t j = 0; j < p.n; ++j)
    for (int64_t t = 0; t < p.k; ++t)
      bt[j * p.k + t] = p.b[t * p.b_row_stride + j * p.b_col_stride];
  const double macs = double(p.m) * double(p.n) * double(p.k);
  const int64_t pairs = (p.m + 1) / 2;
  const int64_t grain = macs >= double(kGemmParallelMacs) ? 1 : pairs;
  parallel_for(0, pairs, grain, [&](int64_t lo, int64_t hi) {
    T spare[kDotColumns];  // the missing second row of an odd M
    for (int64_t pair = lo; pair < hi; ++pair) {
      const int64_t i = 2 * pair, rows = std::min<int64_t>(2, p.m - i);
      const T* a0 = p.a + i * p.a_row_stride;
      const T* a1 = rows == 2 ? a0 + p.a_row_stride : a0;
      for (int64_t j = 0; j < p.n; j += kDotColumns) {
        const int64_t cols = std::min(kDotColumns, p.n - j);
        T* c0 = p.c + i * p.ldc + j;
        dot_tile_any<Vec>(cols, p.k, a0, a1, bt + j * p.k, c0, rows == 2 ? c0 + p.ldc : spare);
      }
      if (p.has_epilogue()) apply_epilogue(p, p.c + i * p.ldc, rows, p.n, 0);
    }
  });
}

// A narrow product (N below one B panel: a classifier's 10 outputs, or their gradient) would
// pad N to a whole NR-column panel. With a row-major a it runs as dot products (gemm_dot, which
// packs b^T whole: only within the packed-B budget). Otherwise, with M at least a few panels,
// it runs transposed, c^T (N,M) = b^T (N,K) @ a^T (K,M): N fills row tiles (5-row tiles when 5
// divides N better than MR) and a column-major a becomes a row-major B read in place; c is
// written back transposed and the epilogue, if any, applied to c afterwards (c is small).
template <class Kernel, class FiveRowKernel, class Vec, typename T>
void gemm(const GemmProblem<T>& p) {
  if (p.n < Kernel::NR && p.a_col_stride == 1 && p.k >= 2 * Vec::kWidth &&
      p.n * p.k <= kPackedBElements) {
    gemm_dot<Vec>(p);
    return;
  }
  if (p.n >= Kernel::NR || p.m < 4 * Kernel::NR) {
    gemm_threaded<Kernel>(p);
    return;
  }
  GemmProblem<T> t = p;
  t.m = p.n;
  t.n = p.m;
  t.a = p.b;
  t.a_row_stride = p.b_col_stride;
  t.a_col_stride = p.b_row_stride;
  t.b = p.a;
  t.b_row_stride = p.a_col_stride;
  t.b_col_stride = p.a_row_stride;
  t.ldc = 1;
  t.c_col_stride = p.ldc;
  t.bias = nullptr;
  t.activation = GemmActivation::None;
  if (p.n % 5 == 0 && p.n % Kernel::MR != 0) {
    gemm_threaded<FiveRowKernel>(t);
  } else {
    gemm_threaded<Kernel>(t);
  }
  if (p.has_epilogue()) apply_epilogue(p, p.c, p.m, p.n, 0);
}

}  // namespace

void gemm_f32(const GemmProblem<float>& p) {
  gemm<KernelF32, FiveRowKernelF32, VecF32>(p);
}
void gemm_f64(const GemmProblem<double>& p) {
  gemm<KernelF64, FiveRowKernelF64, VecF64>(p);
}

}  // namespace tapeflow::cpu::TF_ISA
