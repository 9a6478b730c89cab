// CPU reductions and the softmax family.
//
//   reduce      in (kept..., reduced...) any strides -> out (kept...) contiguous
//   arg_reduce  in (kept..., n) any strides, n >= 1  -> out (kept...) int32 or int64
//   softmax     in (outer, n, inner) contiguous      -> out (outer, n, inner), along n
//
// The op layer (ops/reduce.cpp, ops/nn.cpp) validates axes and dtypes and hands over views
// whose reduced dimensions come last. Results never depend on the thread count: each output
// is reduced by one thread in a fixed order, and a reduction long enough to be shared out is
// cut into fixed-size blocks whose partial results combine in block order.
#pragma once
#include <cstdint>

#include "core/tensor.h"

namespace tapeflow {
// Appended values only: the Python enum (bindings/init_reduce.cpp) mirrors this order.
enum class ReduceOp : uint8_t { Sum, Prod, Max, Min, Any, All, Mean };

// Calls fn(Reducer<op, T>{}): each backend (cpu/isa/reduce.cpp, cuda/reduce.cu) has its own
// Reducer, the arithmetic of one reduction, and picks it with this one switch.
template <template <ReduceOp, class> class Reducer, class T, class Fn>
void for_reduce_op(ReduceOp op, Fn&& fn) {
  switch (op) {
    case ReduceOp::Sum:
      return fn(Reducer<ReduceOp::Sum, T>{});
    case ReduceOp::Prod:
      return fn(Reducer<ReduceOp::Prod, T>{});
    case ReduceOp::Max:
      return fn(Reducer<ReduceOp::Max, T>{});
    case ReduceOp::Min:
      return fn(Reducer<ReduceOp::Min, T>{});
    case ReduceOp::Any:
      return fn(Reducer<ReduceOp::Any, T>{});
    case ReduceOp::All:
      return fn(Reducer<ReduceOp::All, T>{});
    case ReduceOp::Mean:
      return fn(Reducer<ReduceOp::Mean, T>{});
  }
}
}  // namespace tapeflow

namespace tapeflow::cpu {

// A reduction laid out for the loops: out[o] = op over r of in[kept(o) + reduced(r)], strides
// in bytes. Kept dimensions stay in output order; both groups are coalesced (size-1 dimensions
// dropped, mergeable neighbours merged) and the reduced group is ordered by falling |stride|.
struct ReduceGeometry {
  const char* base = nullptr;  // the first input element
  int64_t itemsize = 0;
  Dims kept_shape, kept_strides;
  Dims red_outer_shape, red_outer_strides;  // every reduced dimension but the innermost
  int64_t red_inner_size = 1, red_inner_stride = 0;
  int64_t outputs = 1, per_output = 1;
  // Which loop applies: `columns` when the innermost kept dimension is contiguous (rows of
  // outputs accumulate at once, vectorised across them: the bias-gradient column sum), else
  // the innermost reduced dimension is contiguous (one output at a time, vectorised along it).
  bool columns = false;
};

// Sum, prod, max, min (NaN wins, as in TF 2 and NumPy), any/all on bool, mean (float: sum /
// count, NaN when empty; integer: the wrapped integer sum divided by count, truncating, 0 when
// empty). Float32 sums accumulate in float over short blocks and in double across them.
// Empty reductions give the identity: 0, 1, -inf/lowest, +inf/highest, false, true.
void reduce(ReduceOp op, const Tensor& in, int reduced_rank, const Tensor& out);
// The same contract, one output and one element at a time in double (float) or wrapping
// integer arithmetic: slow and obviously correct, what the tests hold reduce() against.
void reduce_reference(ReduceOp op, const Tensor& in, int reduced_rank, const Tensor& out);

// Index of the max (or min) along the last dimension; the first index wins ties and the first
// NaN wins over numbers (NumPy's rule, consistent with reduce_max). Bool compares false < true.
void arg_reduce(bool is_max, const Tensor& in, const Tensor& out);

// Softmax (log=false) or log-softmax along n, max-subtracted. A row holding +inf, or only
// -inf, gives NaN, as TF does.
void softmax(const Tensor& in, int64_t outer, int64_t n, int64_t inner, bool log,
             const Tensor& out);

}  // namespace tapeflow::cpu
