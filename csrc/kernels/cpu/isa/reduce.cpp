// Reduction loops, compiled once per ISA. Each output element is reduced by exactly one thread
// over its elements in a fixed order, so results are bit-identical for any thread count.
// A full reduction of a large tensor is split into fixed 64K-element blocks whose partial
// results combine in order (again independent of the thread count).
#include <cmath>
#include <limits>
#include <vector>

#include "kernels/cpu/loops.h"
#include "kernels/cpu/reduce.h"

namespace tapeflow::cpu::TF_ISA {
namespace {

constexpr int64_t kBlock = 65536;

template <class T> struct Acc { using type = T; };
template <> struct Acc<float> { using type = double; };
template <> struct Acc<int32_t> { using type = int64_t; };

// The identity of `op` for elements of type T, held in the accumulator type A.
template <class T, class A>
A identity(ReduceOp op) {
  switch (op) {
    case ReduceOp::Sum: return A(0);
    case ReduceOp::Prod: return A(1);
    case ReduceOp::Max:
      return std::numeric_limits<T>::has_infinity ? -A(std::numeric_limits<T>::infinity())
                                                  : A(std::numeric_limits<T>::lowest());
    case ReduceOp::Min:
      return std::numeric_limits<T>::has_infinity ? A(std::numeric_limits<T>::infinity())
                                                  : A(std::numeric_limits<T>::max());
    case ReduceOp::Any: return A(0);
    case ReduceOp::All: return A(1);
  }
  return A(0);
}

// NaN propagates through max and min (NumPy's rule).
template <class A>
inline A combine(ReduceOp op, A acc, A v) {
  switch (op) {
    case ReduceOp::Sum: return acc + v;
    case ReduceOp::Prod: return acc * v;
    case ReduceOp::Max: return (v > acc || v != v) && acc == acc ? v : acc;
    case ReduceOp::Min: return (v < acc || v != v) && acc == acc ? v : acc;
    case ReduceOp::Any: return A(acc != A(0) || v != A(0));
    case ReduceOp::All: return A(acc != A(0) && v != A(0));
  }
  return acc;
}

// Reduces n elements at p (byte stride s). The contiguous sum uses 8 independent
// accumulators so the compiler can vectorise it.
template <class T, class A>
A reduce_run(ReduceOp op, const char* p, int64_t s, int64_t n, A acc) {
  if (s == int64_t(sizeof(T)) && op == ReduceOp::Sum) {
    const T* x = reinterpret_cast<const T*>(p);
    A lanes[8] = {};
    int64_t i = 0;
    for (; i + 8 <= n; i += 8)
      for (int l = 0; l < 8; ++l) lanes[l] += A(x[i + l]);
    for (; i < n; ++i) lanes[0] += A(x[i]);
    A total = ((lanes[0] + lanes[1]) + (lanes[2] + lanes[3])) +
              ((lanes[4] + lanes[5]) + (lanes[6] + lanes[7]));
    return acc + total;
  }
  for (int64_t i = 0; i < n; ++i) acc = combine(op, acc, A(*reinterpret_cast<const T*>(p + i * s)));
  return acc;
}

// The reduced sub-space of one output element, walked as runs of its innermost dimension.
template <class T, class A>
A reduce_block(ReduceOp op, const StridedLoop<1>& inner, const char* base, int64_t begin,
               int64_t end, A acc) {
  StridedLoop<1> shifted = inner;
  shifted.base[0] = const_cast<char*>(base);
  shifted.run(begin, end, [&](char* const* p, const int64_t* s, int64_t n) {
    acc = reduce_run<T, A>(op, p[0], s[0], n, acc);
  });
  return acc;
}

template <class T>
void reduce_typed(ReduceOp op, const Tensor& in, int reduced_rank, const Tensor& out) {
  using A = typename Acc<T>::type;
  const int kept_rank = in.rank() - reduced_rank;
  Dims kept_shape, kept_strides, red_shape, red_strides;
  for (int d = 0; d < in.rank(); ++d) {
    (d < kept_rank ? kept_shape : red_shape).push_back(in.dim(d));
    (d < kept_rank ? kept_strides : red_strides).push_back(in.strides()[d]);
  }
  const int64_t outputs = numel(kept_shape), per_output = numel(red_shape);
  T* out_data = out.data<T>();
  const Tensor red_view = Tensor::view_of(in, red_shape, red_strides, in.offset());
  const StridedLoop<1> inner(red_shape, {&red_view});
  const char* in_base = static_cast<const char*>(in.raw_data());
  const int64_t itemsize = sizeof(T);

  if (outputs == 1 && per_output > 2 * kBlock) {
    // One large reduction: fixed blocks reduced in parallel, partials combined in order.
    const int64_t blocks = (per_output + kBlock - 1) / kBlock;
    std::vector<A> partial(size_t(blocks), identity<T, A>(op));
    parallel_for(0, blocks, 1, [&](int64_t lo, int64_t hi) {
      for (int64_t b = lo; b < hi; ++b)
        partial[size_t(b)] = reduce_block<T, A>(op, inner, in_base, b * kBlock,
                                                std::min(per_output, (b + 1) * kBlock),
                                                identity<T, A>(op));
    });
    A acc = identity<T, A>(op);
    for (A p : partial) acc = combine(op, acc, p);
    out_data[0] = T(acc);
    return;
  }

  // Kept dimensions contiguous and innermost (e.g. a column sum, the bias gradient): add
  // whole rows into a per-chunk accumulator, vectorised across the kept elements.
  bool kept_contiguous = kept_rank > 0 && outputs > 1;
  for (int d = kept_rank - 1, expected = 1; d >= 0 && kept_contiguous; --d) {
    kept_contiguous = kept_shape[d] == 1 || kept_strides[d] == expected;
    expected *= int(kept_shape[d]);
  }
  if constexpr (!std::is_same_v<T, bool>) {  // bool only reaches any/all: the general path
  if (kept_contiguous) {
    constexpr int64_t kChunk = 1024;
    const int64_t chunks = (outputs + kChunk - 1) / kChunk;
    const int64_t grain = std::max<int64_t>(1, kParallelGrain / std::max<int64_t>(per_output * kChunk, 1));
    parallel_for(0, chunks, grain, [&](int64_t lo, int64_t hi) {
      std::vector<A> acc(static_cast<size_t>(kChunk));
      for (int64_t c = lo; c < hi; ++c) {
        const int64_t first = c * kChunk, count = std::min(kChunk, outputs - first);
        std::fill(acc.begin(), acc.begin() + count, identity<T, A>(op));
        StridedLoop<1> rows = inner;
        rows.base[0] = const_cast<char*>(in_base) + first * itemsize;
        rows.run(0, per_output, [&](char* const* p, const int64_t* s, int64_t n) {
          for (int64_t r = 0; r < n; ++r) {
            const T* row = reinterpret_cast<const T*>(p[0] + r * s[0]);
            if (op == ReduceOp::Sum) {
              for (int64_t k = 0; k < count; ++k) acc[size_t(k)] += A(row[k]);
            } else {
              for (int64_t k = 0; k < count; ++k)
                acc[size_t(k)] = combine(op, acc[size_t(k)], A(row[k]));
            }
          }
        });
        for (int64_t k = 0; k < count; ++k) out_data[first + k] = T(acc[size_t(k)]);
      }
    });
    return;
  }
  }

  // Each output's offset into `in`, from its index over the kept dimensions.
  auto output_offset = [&](int64_t o) {
    int64_t offset = 0;
    for (int d = kept_rank - 1; d >= 0; --d) {
      offset += (o % kept_shape[d]) * kept_strides[d];
      o /= kept_shape[d];
    }
    return offset * itemsize;
  };
  const int64_t grain = std::max<int64_t>(1, kParallelGrain / std::max<int64_t>(per_output, 1));
  parallel_for(0, outputs, grain, [&](int64_t lo, int64_t hi) {
    for (int64_t o = lo; o < hi; ++o)
      out_data[o] = T(reduce_block<T, A>(op, inner, in_base + output_offset(o), 0, per_output,
                                         identity<T, A>(op)));
  });
}

}  // namespace

void reduce_kernel(ReduceOp op, const Tensor& in, int reduced_rank, const Tensor& out) {
  switch (in.dtype()) {
    case DType::Float32: return reduce_typed<float>(op, in, reduced_rank, out);
    case DType::Float64: return reduce_typed<double>(op, in, reduced_rank, out);
    case DType::Int32: return reduce_typed<int32_t>(op, in, reduced_rank, out);
    case DType::Int64: return reduce_typed<int64_t>(op, in, reduced_rank, out);
    case DType::Bool: return reduce_typed<bool>(op, in, reduced_rank, out);
  }
}

}  // namespace tapeflow::cpu::TF_ISA
