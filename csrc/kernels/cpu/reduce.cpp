// Reductions: laying the problem out for the ISA loops (isa/reduce.cpp), and the reference.
#include "kernels/cpu/reduce.h"

#include <cmath>
#include <cstring>
#include <limits>
#include <type_traits>

#include "kernels/cpu/cpu_features.h"
#include "kernels/cpu/elementwise.h"
#include "kernels/reduce_plan.h"

namespace tapeflow::cpu {

TF_DECLARE_ISA_KERNEL(void, reduce_kernel,
                      (ReduceOp op, DType dtype, const ReduceGeometry& g, void* out))
TF_DECLARE_ISA_KERNEL(void, arg_reduce_kernel,
                      (bool is_max, DType dtype, const ReduceGeometry& g, bool wide, void* out))
TF_DECLARE_ISA_KERNEL(void, softmax_kernel,
                      (const Tensor& in, int64_t outer, int64_t n, int64_t inner, bool log,
                       const Tensor& out))

namespace {

// The shared layout (kernels/reduce_plan.h) in bytes, the innermost reduced dimension apart.
ReduceGeometry plan(const Tensor& in, int reduced_rank) {
  ReduceGeometry g;
  g.base = static_cast<const char*>(in.raw_data());
  g.itemsize = int64_t(in.itemsize());
  Dims byte_strides = in.strides();
  for (int d = 0; d < in.rank(); ++d) byte_strides[d] *= g.itemsize;
  const ReduceLayout l = plan_reduce_layout(in.shape(), byte_strides, reduced_rank);
  for (int d = 0; d < l.kept_ndim; ++d) {
    g.kept_shape.push_back(l.kept_sizes[d]);
    g.kept_strides.push_back(l.kept_strides[d]);
  }
  for (int d = 0; d + 1 < l.red_ndim; ++d) {
    g.red_outer_shape.push_back(l.red_sizes[d]);
    g.red_outer_strides.push_back(l.red_strides[d]);
  }
  if (l.red_ndim > 0) {
    g.red_inner_size = l.red_sizes[l.red_ndim - 1];
    g.red_inner_stride = l.red_strides[l.red_ndim - 1];
  }
  g.outputs = l.outputs;
  g.per_output = l.per_output;
  const bool inner_contiguous = g.red_inner_stride == g.itemsize;
  g.columns = !inner_contiguous && !g.kept_shape.empty() && g.kept_strides.back() == g.itemsize;
  return g;
}

// `in` itself when plan() finds a contiguous loop for it, else a packed copy (kept dimensions
// first, reduced last), for which the contiguous loop applies.
Tensor packed_for_loops(const Tensor& in, int reduced_rank, ReduceGeometry& g) {
  g = plan(in, reduced_rank);
  if (g.columns || g.red_inner_stride == g.itemsize || g.per_output == 0) return in;
  Tensor packed = Tensor::empty(in.shape(), in.dtype(), in.device());
  copy(in, packed);
  g = plan(packed, reduced_rank);
  return packed;
}

template <class T>
void reference_typed(ReduceOp op, const Tensor& in, int reduced_rank, T* out) {
  using Acc = std::conditional_t<std::is_floating_point_v<T>, double, int64_t>;
  const int kept_rank = in.rank() - reduced_rank;
  int64_t outputs = 1, count = 1;
  for (int d = 0; d < in.rank(); ++d) (d < kept_rank ? outputs : count) *= in.dim(d);
  const T* x = in.data<T>();
  for (int64_t o = 0; o < outputs; ++o) {
    Acc acc = 0;
    bool started = false;
    for (int64_t r = 0; r < count; ++r) {
      int64_t offset = 0, rest = o * count + r;  // flat index into in's shape
      for (int d = in.rank() - 1; d >= 0; --d) {
        offset += (rest % in.dim(d)) * in.strides()[d];
        rest /= in.dim(d);
      }
      const Acc v = Acc(x[offset]);
      if (!started)
        acc = v;
      else if (op == ReduceOp::Sum || op == ReduceOp::Mean)
        acc += v;
      else if (op == ReduceOp::Prod)
        acc *= v;
      else if (op == ReduceOp::Max)
        acc = (v > acc || v != v) && acc == acc ? v : acc;
      else if (op == ReduceOp::Min)
        acc = (v < acc || v != v) && acc == acc ? v : acc;
      else if (op == ReduceOp::Any)
        acc = acc || v;
      else
        acc = acc && v;
      started = true;
    }
    if (!started) {  // the identity of an empty reduction
      using Limits = std::numeric_limits<T>;
      const bool inf = Limits::has_infinity;
      acc = op == ReduceOp::Prod || op == ReduceOp::All ? Acc(1)
            : op == ReduceOp::Max ? (inf ? -Acc(Limits::infinity()) : Acc(Limits::lowest()))
            : op == ReduceOp::Min ? (inf ? Acc(Limits::infinity()) : Acc(Limits::max()))
                                  : Acc(0);
    }
    if (op == ReduceOp::Mean) {
      if constexpr (std::is_floating_point_v<T>)
        acc = acc / Acc(count);
      else
        acc = count == 0 ? 0 : Acc(T(acc)) / count;
    }
    out[o] = T(acc);  // integers wrap to T, as TF's do
  }
}

}  // namespace

void reduce(ReduceOp op, const Tensor& in, int reduced_rank, const Tensor& out) {
  const int kept_rank = in.rank() - reduced_rank;
  if (numel(in.shape()) == out.numel()) {  // one element per output: every op is the identity
    Dims shape(std::vector<int64_t>(in.shape().begin(), in.shape().begin() + kept_rank));
    Dims strides(std::vector<int64_t>(in.strides().begin(), in.strides().begin() + kept_rank));
    copy(Tensor::view_of(in, shape, strides, in.offset()),
         Tensor::view_of(out, shape, contiguous_strides(shape), out.offset()));
    return;
  }
  ReduceGeometry g;
  const Tensor source = packed_for_loops(in, reduced_rank, g);
  TF_CALL_ISA_KERNEL(reduce_kernel, op, in.dtype(), g, out.raw_data());
}

void reduce_reference(ReduceOp op, const Tensor& in, int reduced_rank, const Tensor& out) {
  TF_DISPATCH_ALL(in.dtype(), "reduce_reference",
                  reference_typed<scalar_t>(op, in, reduced_rank, out.data<scalar_t>()));
}

void arg_reduce(bool is_max, const Tensor& in, const Tensor& out) {
  const bool wide = out.dtype() == DType::Int64;
  if (in.dim(in.rank() - 1) == 1) {  // one candidate: index 0 everywhere
    std::memset(out.raw_data(), 0, size_t(out.numel()) * out.itemsize());
    return;
  }
  ReduceGeometry g;
  const Tensor source = packed_for_loops(in, 1, g);
  TF_CALL_ISA_KERNEL(arg_reduce_kernel, is_max, in.dtype(), g, wide, out.raw_data());
}

void softmax(const Tensor& in, int64_t outer, int64_t n, int64_t inner, bool log,
             const Tensor& out) {
  TF_CALL_ISA_KERNEL(softmax_kernel, in, outer, n, inner, log, out);
}

}  // namespace tapeflow::cpu
