// Reduction and softmax loops, compiled once per ISA (see isa_namespace.h). The loops are
// plain C++ written so the compiler vectorises them for the target: independent lanes for a
// contiguous reduction, whole rows of outputs for a column reduction; exp is vecmath.h's.
// Work is split across threads by units of outputs, or by fixed blocks of one reduction when
// there are few outputs: never by thread count, so the bits never depend on it.
#include "kernels/cpu/reduce.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <type_traits>
#include <vector>

#include "kernels/cpu/isa/vecmath.h"
#include "kernels/cpu/loops.h"

namespace tapeflow::cpu::TF_ISA {
namespace {

constexpr int kLanes = 16;           // independent accumulators of a contiguous reduction
constexpr int64_t kLaneBlock = 512;  // elements folded from lanes into the accumulator at once
constexpr int64_t kChunk = 4096;     // most outputs accumulated together by the column loop
constexpr int64_t kSubRows = 32;     // rows summed in float before folding into double
constexpr int64_t kBlock = 1 << 18;  // elements per block when one reduction is shared out
constexpr int64_t kFewUnits = 32;    // fewer units than this: share out single reductions

#if defined(__GNUC__) && !defined(__clang__)
#define TF_KEEP_LOOP _Pragma("GCC unroll 1")
#else
#define TF_KEEP_LOOP
#endif

// What the vector loops hold: integer sums and products wrap, as TF's do, computed unsigned
// to keep the C++ defined; bool is read as bytes.
template <class T, bool kWrapping>
using LaneType = typename std::conditional_t<
    std::is_same_v<T, bool>, std::enable_if<true, uint8_t>,
    std::conditional_t<kWrapping && std::is_integral_v<T>, std::make_unsigned<T>,
                       std::enable_if<true, T>>>::type;

// The arithmetic of one reduction. Acc: what partial results combine in (double for float32
// sums, so long sums stay accurate).
template <ReduceOp kOp, class T>
struct Reducer {
  static constexpr bool kSum = kOp == ReduceOp::Sum || kOp == ReduceOp::Mean;
  static constexpr bool kMax = kOp == ReduceOp::Max;
  static constexpr bool kExtreme = kMax || kOp == ReduceOp::Min;
  using Lane = LaneType<T, kSum || kOp == ReduceOp::Prod>;
  using Acc = std::conditional_t<kSum && std::is_same_v<T, float>, double, Lane>;
  // Which (op, dtype) pairs exist: the op layer rejects the others before calling in.
  static constexpr bool kValid =
      std::is_same_v<T, bool> == (kOp == ReduceOp::Any || kOp == ReduceOp::All);

  static Lane identity() {
    using Limits = std::numeric_limits<Lane>;
    if constexpr (kSum || kOp == ReduceOp::Any)
      return Lane(0);
    else if constexpr (kOp == ReduceOp::Prod || kOp == ReduceOp::All)
      return Lane(1);
    else if constexpr (kOp == ReduceOp::Max)
      return Limits::has_infinity ? -Limits::infinity() : Limits::lowest();
    else
      return Limits::has_infinity ? Limits::infinity() : Limits::max();
  }
  // NOTE: max/min keep a NaN once seen: b > NaN and b < NaN are false.
  template <class V>
  static V combine(V a, V b) {
    if constexpr (kSum)
      return V(a + b);
    else if constexpr (kOp == ReduceOp::Prod)
      return V(a * b);
    else if constexpr (kOp == ReduceOp::Max)
      return (b > a) | (b != b) ? b : a;  // no branch
    else if constexpr (kOp == ReduceOp::Min)
      return (b < a) | (b != b) ? b : a;
    else if constexpr (kOp == ReduceOp::Any)
      return V(a | b);
    else
      return V(a & b);
  }
  static T finalize(Acc a, int64_t count) {
    if constexpr (kOp == ReduceOp::Mean) {
      if constexpr (std::is_floating_point_v<T>)
        return T(a / Acc(count));
      else
        return count == 0 ? T(0) : T(int64_t(T(a)) / count);
    } else {
      return T(a);
    }
  }
};

// Max or min of n contiguous floats or doubles, folded into acc: four independent vector
// accumulators (the compiler will not vectorise a NaN-keeping select), with a per-block check
// for NaN, which wins at once (as Reducer::combine: the first NaN of x, bits and all).
template <class R, class T>
T extreme_contiguous(const T* x, int64_t n, T acc) {
  using V = simd::Vec<T>;
  constexpr int64_t kWidth = V::kWidth, kStep = 4 * kWidth;
  const auto pick = [](V a, V b) {
    if constexpr (R::kMax)
      return simd::max(a, b);
    else
      return simd::min(a, b);
  };
  const auto nan_in = [](const T* p, int64_t m) -> const T* {
    for (int64_t i = 0; i < m; ++i)
      if (p[i] != p[i]) return p + i;
    return nullptr;
  };
  int64_t i = 0;
  if (n >= kStep) {
    V a0(acc), a1(acc), a2(acc), a3(acc);
    for (; i + kStep <= n;) {  // blocks of up to kLaneBlock elements, then a NaN check
      const int64_t block_end = i + std::min(kLaneBlock, (n - i) / kStep * kStep);
      auto numbers = V(0) == V(0);  // all lanes true
      const int64_t block_start = i;
      for (; i < block_end; i += kStep) {
        const V v0 = V::load(x + i), v1 = V::load(x + i + kWidth);
        const V v2 = V::load(x + i + 2 * kWidth), v3 = V::load(x + i + 3 * kWidth);
        a0 = pick(v0, a0), a1 = pick(v1, a1), a2 = pick(v2, a2), a3 = pick(v3, a3);
        numbers = numbers & (v0 == v0) & (v1 == v1) & (v2 == v2) & (v3 == v3);
      }
      if (!simd::all(numbers))  // a NaN already in acc came first
        return acc != acc ? acc : *nan_in(x + block_start, block_end - block_start);
    }
    alignas(64) T lanes[kWidth];
    pick(pick(a0, a1), pick(a2, a3)).store(lanes);
    for (int l = 0; l < kWidth; ++l) acc = R::combine(acc, lanes[l]);
  }
  for (; i < n; ++i) acc = R::combine(acc, x[i]);
  return acc;
}

// Folds n contiguous elements into acc: kLanes independent lanes, folded every kLaneBlock.
template <class R, class T>
typename R::Acc reduce_contiguous(const T* x, int64_t n, typename R::Acc acc) {
  using L = typename R::Lane;
  using A = typename R::Acc;
  if constexpr (R::kExtreme && std::is_floating_point_v<T>) return extreme_contiguous<R>(x, n, acc);
  while (n >= kLanes) {
    const int64_t m = std::min(n, kLaneBlock) & ~int64_t(kLanes - 1);
    L lanes[kLanes];
    for (int l = 0; l < kLanes; ++l) lanes[l] = L(x[l]);
    if constexpr (R::kSum) {  // GCC vectorises the unrolled lanes as a sum reduction
      for (int64_t i = kLanes; i < m; i += kLanes)
        for (int l = 0; l < kLanes; ++l) lanes[l] = R::combine(lanes[l], L(x[i + l]));
    } else {  // and a select (max, min) only as a loop over the lanes
      for (int64_t i = kLanes; i < m; i += kLanes) {
        TF_KEEP_LOOP
        for (int l = 0; l < kLanes; ++l) lanes[l] = R::combine(lanes[l], L(x[i + l]));
      }
    }
    for (int width = kLanes / 2; width > 0; width /= 2)
      for (int l = 0; l < width; ++l) lanes[l] = R::combine(lanes[l], lanes[l + width]);
    acc = R::combine(acc, A(lanes[0]));
    x += m, n -= m;
  }
  for (int64_t i = 0; i < n; ++i) acc = R::combine(acc, A(L(x[i])));
  return acc;
}

// Rows of `width` (<= its capacity) outputs folded element-wise; float32 sums fold into
// double every kSubRows rows. Made once per thread's share of the work, reset per unit.
template <class R, class T>
struct ColumnAccumulator {
  using L = typename R::Lane;
  using A = typename R::Acc;
  static constexpr bool kTwoLevel = !std::is_same_v<L, A>;
  std::vector<L> lanes;
  std::vector<A> acc;
  int64_t width = 0, pending = 0;

  explicit ColumnAccumulator(int64_t capacity) : lanes(size_t(capacity)) {
    if constexpr (kTwoLevel) acc.resize(size_t(capacity));
  }
  void reset(int64_t w) {
    width = w, pending = 0;
    std::fill_n(lanes.data(), width, R::identity());
    if constexpr (kTwoLevel) std::fill_n(acc.data(), width, A(R::identity()));
  }
  void add_row(const T* row) {
    L* l = lanes.data();
    for (int64_t k = 0; k < width; ++k) l[k] = R::combine(l[k], L(row[k]));
    if (kTwoLevel && ++pending == kSubRows) flush();
  }
  void flush() {
    L* l = lanes.data();
    A* a = acc.data();
    for (int64_t k = 0; k < width; ++k) a[k] = R::combine(a[k], A(l[k])), l[k] = R::identity();
    pending = 0;
  }
  const A* result() {
    if constexpr (!kTwoLevel) return lanes.data();
    flush();
    return acc.data();
  }
};

// Row-major position in (shape, byte strides), tracking the element address.
struct Walker {
  const Dims& shape;
  const Dims& strides;
  int64_t index[kMaxRank] = {};
  const char* ptr;

  Walker(const Dims& s, const Dims& st, const char* base, int64_t start)
      : shape(s), strides(st), ptr(base) {
    for (int d = shape.size() - 1; d >= 0; --d) {
      index[d] = start % shape[d];
      start /= shape[d];
      ptr += index[d] * strides[d];
    }
  }
  void next() {
    for (int d = shape.size() - 1; d >= 0; --d) {
      ptr += strides[d];
      if (++index[d] < shape[d]) return;
      ptr -= shape[d] * strides[d];
      index[d] = 0;
    }
  }
};

// fn(p, count) for each run along the innermost reduced dimension making up the flat reduced
// range [begin, end) of the output whose elements start at `base`.
template <class Fn>
void for_each_run(const ReduceGeometry& g, const char* base, int64_t begin, int64_t end, Fn&& fn) {
  if (begin >= end) return;
  if (g.red_outer_shape.empty()) return fn(base + begin * g.red_inner_stride, end - begin);
  const int64_t n = g.red_inner_size;
  Walker outer(g.red_outer_shape, g.red_outer_strides, base, begin / n);
  for (int64_t i = begin % n;;) {
    const int64_t count = std::min(n - i, end - begin);
    fn(outer.ptr + i * g.red_inner_stride, count);
    if ((begin += count) >= end) return;
    i = 0;
    outer.next();
  }
}

// Units of work: one output (contiguous reductions) or up to kChunk neighbouring outputs of
// one row (column reductions). Unit u covers outputs [first, first + count).
struct Units {
  int64_t width, chunk, per_row, count;
  explicit Units(const ReduceGeometry& g) {
    width = g.columns ? g.kept_shape.back() : 1;
    chunk = std::min(width, kChunk);
    per_row = (width + chunk - 1) / chunk;
    count = g.outputs / width * per_row;
  }
  // Where unit u's outputs start, in the output and in the input.
  int64_t first(int64_t u) const { return u / per_row * width + u % per_row * chunk; }
  int64_t size(int64_t u) const { return std::min(chunk, width - u % per_row * chunk); }
};

const char* kept_address(const ReduceGeometry& g, int64_t first, int64_t width) {
  const int rank = g.kept_shape.size() - (g.columns ? 1 : 0);
  const char* p = g.base + (g.columns ? (first % width) * g.itemsize : 0);
  int64_t rest = g.columns ? first / width : first;
  for (int d = rank - 1; d >= 0 && rest > 0; --d) {
    p += (rest % g.kept_shape[d]) * g.kept_strides[d];
    rest /= g.kept_shape[d];
  }
  return p;
}

// Unit u's accumulators over the flat reduced range [begin, end) into acc[0, units.size(u));
// its elements start at base.
template <class R, class T>
void reduce_unit(const ReduceGeometry& g, const Units& units, int64_t u, const char* base,
                 int64_t begin, int64_t end, ColumnAccumulator<R, T>& columns,
                 typename R::Acc* acc) {
  if (!g.columns) {
    typename R::Acc a = R::identity();
    for_each_run(g, base, begin, end, [&](const char* p, int64_t n) {
      a = reduce_contiguous<R>(reinterpret_cast<const T*>(p), n, a);
    });
    acc[0] = a;
    return;
  }
  columns.reset(units.size(u));
  for_each_run(g, base, begin, end, [&](const char* p, int64_t rows) {
    for (int64_t r = 0; r < rows; ++r)
      columns.add_row(reinterpret_cast<const T*>(p + r * g.red_inner_stride));
  });
  std::copy_n(columns.result(), units.size(u), acc);
}

template <class R, class T>
void reduce_typed(const ReduceGeometry& g, T* out) {
  using A = typename R::Acc;
  const Units units(g);
  const int64_t n = g.per_output, chunk = units.chunk;
  const int64_t column_capacity = g.columns ? chunk : 0;
  // Few units with much work each: cut each reduction into fixed blocks of rows.
  // (At least 64 rows, so resetting and combining accumulators stays a small share.)
  const int64_t block_rows = std::max<int64_t>(chunk == 1 ? 1 : 64, kBlock / chunk);
  if (units.count >= kFewUnits || n < 2 * block_rows) {
    const int64_t grain = std::max<int64_t>(1, kParallelGrain / std::max<int64_t>(1, chunk * n));
    parallel_for(0, units.count, grain, [&](int64_t lo, int64_t hi) {
      std::vector<A> acc(static_cast<size_t>(chunk));
      ColumnAccumulator<R, T> columns(column_capacity);
      Walker kept(g.kept_shape, g.kept_strides, g.base, lo);  // used by contiguous loops
      for (int64_t u = lo; u < hi; ++u) {
        const char* base = g.columns ? kept_address(g, units.first(u), units.width) : kept.ptr;
        if (!g.columns) kept.next();
        reduce_unit<R, T>(g, units, u, base, 0, n, columns, acc.data());
        T* o = out + units.first(u);
        for (int64_t k = 0, size = units.size(u); k < size; ++k) o[k] = R::finalize(acc[k], n);
      }
    });
    return;
  }
  const int64_t blocks = (n + block_rows - 1) / block_rows;
  std::unique_ptr<A[]> partial(
      new A[size_t(units.count * blocks * chunk)]);  // (unit, block, column)
  parallel_for(0, units.count * blocks, 1, [&](int64_t lo, int64_t hi) {
    ColumnAccumulator<R, T> columns(column_capacity);
    for (int64_t t = lo; t < hi; ++t) {
      const int64_t u = t / blocks, b = t % blocks;
      reduce_unit<R, T>(g, units, u, kept_address(g, units.first(u), units.width), b * block_rows,
                        std::min(n, (b + 1) * block_rows), columns, &partial[size_t(t * chunk)]);
    }
  });
  for (int64_t u = 0; u < units.count; ++u) {  // partials combine in block order
    A* total = &partial[size_t(u * blocks * chunk)];
    const int64_t size = units.size(u);
    for (int64_t b = 1; b < blocks; ++b)
      for (int64_t k = 0; k < size; ++k) total[k] = R::combine(total[k], total[b * chunk + k]);
    T* o = out + units.first(u);
    for (int64_t k = 0; k < size; ++k) o[k] = R::finalize(total[k], n);
  }
}

// ---- arg max / arg min --------------------------------------------------------------------

// Index of the extreme of floats x[0, n), in one pass over memory: chunks of kArgChunk are
// folded vertically in vector registers, and only a chunk holding something better than the
// best so far (rare after the first few) is folded across its lanes and remembered; its first
// occurrence is found at the end. A chunk holding a NaN ends the search: the first NaN wins.
constexpr int64_t kArgChunk = 64;

template <bool kMax, class T>
int64_t arg_contiguous_float(const T* x, int64_t n) {
  using V = simd::Vec<T>;
  const auto pick = [](V a, V b) {
    if constexpr (kMax)
      return simd::max(a, b);
    else
      return simd::min(a, b);
  };
  const auto better = [](T a, T b) { return kMax ? a > b : a < b; };
  T best = 0;
  V best_lanes(best);
  int64_t chunk = -1, start = 0;  // chunk: where the chunk holding best starts
  bool nan = false;
  for (; start + kArgChunk <= n && !nan; start += kArgChunk) {
    V folded = V::load(x + start);
    auto numbers = folded == folded;
    for (int64_t k = V::kWidth; k < kArgChunk; k += V::kWidth) {
      const V v = V::load(x + start + k);
      folded = pick(v, folded), numbers = numbers & (v == v);
    }
    nan = !simd::all(numbers);
    if (nan || chunk < 0 || simd::any(kMax ? best_lanes < folded : folded < best_lanes)) {
      alignas(64) T lanes[V::kWidth];
      folded.store(lanes);
      best = lanes[0];
      for (int l = 1; l < V::kWidth; ++l) best = better(lanes[l], best) ? lanes[l] : best;
      best_lanes = V(best), chunk = start;
    }
  }
  int64_t index = -1;  // best's first occurrence so far
  for (int64_t i = chunk; i >= 0 && index < 0; ++i)
    if (nan ? x[i] != x[i] : x[i] == best) index = i;
  if (nan) return index;
  for (int64_t i = start; i < n; ++i) {  // the tail, one element at a time
    if (x[i] != x[i]) return i;
    if (index < 0 || better(x[i], best)) best = x[i], index = i;
  }
  return index;
}

// The same for integers and bool: each block's extreme from the lane reduction, the first
// block holding the overall one remembered, and a scan of that block, still in cache.
template <bool kMax, class T>
int64_t arg_contiguous(const T* x, int64_t n) {
  if constexpr (std::is_floating_point_v<T>) return arg_contiguous_float<kMax>(x, n);
  using R = Reducer<kMax ? ReduceOp::Max : ReduceOp::Min, T>;
  T best = R::finalize(R::identity(), 1);
  int64_t best_start = 0;
  for (int64_t start = 0; start < n; start += kLaneBlock) {
    const int64_t m = std::min(kLaneBlock, n - start);
    const T v = R::finalize(reduce_contiguous<R>(x + start, m, R::identity()), m);
    if (kMax ? v > best : v < best) best = v, best_start = start;
  }
  // The first occurrence in that block (block 0 when nothing beat the identity: then every
  // element equals it), testing 64 elements at a time without a branch, then scanning the hit.
  const int64_t end = std::min(n, best_start + kLaneBlock);
  for (int64_t i = best_start; i < end; i += 64) {
    const int64_t m = std::min<int64_t>(64, end - i);
    int hit = 0;
    for (int64_t j = 0; j < m; ++j) hit |= int(x[i + j] == best);
    for (int64_t j = 0; hit && j < m; ++j)
      if (x[i + j] == best) return i + j;
  }
  return best_start;  // not reached: best is one of the block's elements
}

template <bool kMax, class T, class I>
void arg_typed(const ReduceGeometry& g, I* out) {
  const Units units(g);
  const int64_t n = g.red_inner_size;
  const int64_t grain =
      std::max<int64_t>(1, kParallelGrain / std::max<int64_t>(1, units.chunk * n));
  parallel_for(0, units.count, grain, [&](int64_t lo, int64_t hi) {
    std::unique_ptr<T[]> best(new T[size_t(g.columns ? units.chunk : 0)]);
    Walker kept(g.kept_shape, g.kept_strides, g.base, lo);  // used by contiguous loops
    for (int64_t u = lo; u < hi; ++u) {
      I* o = out + units.first(u);
      if (!g.columns) {
        o[0] = I(arg_contiguous<kMax>(reinterpret_cast<const T*>(kept.ptr), n));
        kept.next();
        continue;
      }
      const char* base = kept_address(g, units.first(u), units.width);
      const int64_t size = units.size(u);
      std::copy_n(reinterpret_cast<const T*>(base), size, best.get());
      std::fill_n(o, size, I(0));
      for (int64_t i = 1; i < n; ++i) {
        const T* row = reinterpret_cast<const T*>(base + i * g.red_inner_stride);
        for (int64_t k = 0; k < size; ++k) {
          const T v = row[k], b = best[k];
          const bool wins = b == b && (v != v || (kMax ? v > b : v < b));
          best[k] = wins ? v : b;
          o[k] = wins ? I(i) : o[k];
        }
      }
    }
  });
}

// ---- softmax --------------------------------------------------------------------------------

constexpr auto kExp = [](auto v) { return vecmath::exp(v); };

// Softmax of one contiguous row of n.
template <class T>
void softmax_row(const T* x, T* y, int64_t n, bool log) {
  using Max = Reducer<ReduceOp::Max, T>;
  using Sum = Reducer<ReduceOp::Sum, T>;
  const T max_value = Max::finalize(reduce_contiguous<Max>(x, n, Max::identity()), n);
  for (int64_t i = 0; i < n; ++i) y[i] = x[i] - max_value;
  vecmath::map(kExp, y, y, n);
  const auto total = reduce_contiguous<Sum>(y, n, Sum::identity());
  if (log) {
    const T log_total = T(std::log(total));
    for (int64_t i = 0; i < n; ++i) y[i] = (x[i] - max_value) - log_total;
  } else {
    const T inverse = T(1 / total);
    for (int64_t i = 0; i < n; ++i) y[i] *= inverse;
  }
}

// Softmaxes of `width` neighbouring columns at once, each of n elements spaced `inner` apart.
template <class T>
struct SoftmaxColumns {
  using Max = Reducer<ReduceOp::Max, T>;
  using Sum = Reducer<ReduceOp::Sum, T>;
  ColumnAccumulator<Max, T> maxima;
  ColumnAccumulator<Sum, T> sums;
  std::vector<T> max_value, factor;
  explicit SoftmaxColumns(int64_t capacity)
      : maxima(capacity), sums(capacity), max_value(size_t(capacity)), factor(size_t(capacity)) {}

  void run(const T* x, T* y, int64_t n, int64_t inner, int64_t width, bool log) {
    maxima.reset(width);
    for (int64_t i = 0; i < n; ++i) maxima.add_row(x + i * inner);
    std::copy_n(maxima.result(), width, max_value.data());
    sums.reset(width);
    const T* m = max_value.data();
    for (int64_t i = 0; i < n; ++i) {
      const T* xr = x + i * inner;
      T* yr = y + i * inner;
      for (int64_t k = 0; k < width; ++k) yr[k] = xr[k] - m[k];
      vecmath::map(kExp, yr, yr, width);
      sums.add_row(yr);
    }
    const auto* total = sums.result();
    T* f = factor.data();
    for (int64_t k = 0; k < width; ++k) f[k] = log ? T(std::log(total[k])) : T(1 / total[k]);
    for (int64_t i = 0; i < n; ++i) {
      const T* xr = x + i * inner;
      T* yr = y + i * inner;
      if (log) {
        for (int64_t k = 0; k < width; ++k) yr[k] = (xr[k] - m[k]) - f[k];
      } else {
        for (int64_t k = 0; k < width; ++k) yr[k] *= f[k];
      }
    }
  }
};

template <class T>
void softmax_typed(const T* x, int64_t outer, int64_t n, int64_t inner, bool log, T* y) {
  // Columns are independent, so narrower units (for more threads when outer is small) give
  // the same bits.
  int64_t chunk = std::min(inner, kChunk);
  if (outer < kFewUnits) chunk = std::min(chunk, std::max<int64_t>(64, inner / kFewUnits));
  const int64_t per_row = (inner + chunk - 1) / chunk;
  const int64_t grain = std::max<int64_t>(1, kParallelGrain / std::max<int64_t>(1, n * chunk));
  parallel_for(0, outer * per_row, grain, [&](int64_t lo, int64_t hi) {
    SoftmaxColumns<T> columns(inner == 1 ? 0 : chunk);
    for (int64_t u = lo; u < hi; ++u) {
      const int64_t offset = u / per_row * n * inner + u % per_row * chunk;
      if (inner == 1)
        softmax_row(x + offset, y + offset, n, log);
      else
        columns.run(x + offset, y + offset, n, inner, std::min(chunk, inner - u % per_row * chunk),
                    log);
    }
  });
}

}  // namespace

void reduce_kernel(ReduceOp op, DType dtype, const ReduceGeometry& g, void* out) {
  for_value_type(dtype, [&](auto value) {
    using T = decltype(value);
    for_reduce_op<Reducer, T>(op, [&](auto reducer) {
      using R = decltype(reducer);
      if constexpr (R::kValid) reduce_typed<R>(g, static_cast<T*>(out));
    });
  });
}

void arg_reduce_kernel(bool is_max, DType dtype, const ReduceGeometry& g, bool wide, void* out) {
  for_value_type(dtype, [&](auto value) {
    using T = decltype(value);
    if (wide)
      is_max ? arg_typed<true, T>(g, static_cast<int64_t*>(out))
             : arg_typed<false, T>(g, static_cast<int64_t*>(out));
    else
      is_max ? arg_typed<true, T>(g, static_cast<int32_t*>(out))
             : arg_typed<false, T>(g, static_cast<int32_t*>(out));
  });
}

void softmax_kernel(const Tensor& in, int64_t outer, int64_t n, int64_t inner, bool log,
                    const Tensor& out) {
  if (in.dtype() == DType::Float32)
    softmax_typed(in.data<float>(), outer, n, inner, log, out.data<float>());
  else
    softmax_typed(in.data<double>(), outer, n, inner, log, out.data<double>());
}

}  // namespace tapeflow::cpu::TF_ISA
