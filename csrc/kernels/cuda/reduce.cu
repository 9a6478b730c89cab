// CUDA reductions, arg max/min and softmax.
//
//   reduce      in (kept..., reduced...) any strides -> out (kept...) contiguous
//   arg_reduce  in (kept..., n) any strides, n >= 1  -> out (kept...) int32 or int64
//   softmax     in (outer, n, inner) contiguous      -> out (outer, n, inner), along n
//
// Each output is reduced by a group of threads: a group of 1..32 lanes (warp shuffles) or a
// whole block (shuffles, then shared memory) when the reduced elements are contiguous, one
// thread per output when the outputs are (a column reduction: neighbouring threads read
// neighbouring addresses). When there are too few outputs to fill the GPU, each reduction is
// also cut into chunks along grid.y whose partial results a second kernel combines in chunk
// order. The launch shape depends only on the problem's shape, so results are deterministic.
#include <cmath>
#include <limits>
#include <type_traits>

#include "core/cuda/runtime.h"
#include "kernels/cpu/reduce.h"
#include "kernels/cuda/elementwise.h"
#include "kernels/cuda/loops.cuh"
#include "kernels/cuda/reduce.h"
#include "kernels/reduce_plan.h"

namespace tapeflow::cuda {
namespace {

constexpr int64_t kTargetThreads = int64_t(1) << 17;  // enough to fill an H100 several times
constexpr int64_t kMinPerThread = 16;                 // elements per thread before chunking

// A reduction laid out for the kernels (kernels/reduce_plan.h), strides in elements, with the
// offsets of an output's first element and of its r-th reduced element.
struct ReducePlan : ReduceLayout {
  __device__ __forceinline__ int64_t kept_offset(int64_t o) const {
    int64_t offset = 0;
    for (int d = kept_ndim - 1; d >= 0; --d) {
      const int64_t q = o / kept_sizes[d];
      offset += (o - q * kept_sizes[d]) * kept_strides[d];
      o = q;
    }
    return offset;
  }
  __device__ __forceinline__ int64_t red_offset(int64_t r) const {
    if (red_ndim == 1) return r * red_strides[0];
    int64_t offset = 0;
    for (int d = red_ndim - 1; d >= 0; --d) {
      const int64_t q = r / red_sizes[d];
      offset += (r - q * red_sizes[d]) * red_strides[d];
      r = q;
    }
    return offset;
  }
};

ReducePlan plan_reduction(const Tensor& in, int reduced_rank) {
  ReducePlan p;
  static_cast<ReduceLayout&>(p) = plan_reduce_layout(in.shape(), in.strides(), reduced_rank);
  return p;
}

// How threads share the work: `group` threads per output (1 = one thread per output, 256 = one
// block per output), each reduction cut into `chunks` pieces of `chunk_len` along grid.y.
struct Launch {
  int group = 1;
  int64_t chunk_len = 1, chunks = 1;
};

int pow2_at_least(int64_t n, int cap) {
  int g = 1;
  while (g < cap && g < n) g *= 2;
  return g;
}

Launch plan_launch(const ReducePlan& p) {
  Launch l;
  const bool red_contiguous = p.red_ndim > 0 && std::llabs(p.red_strides[p.red_ndim - 1]) == 1;
  const bool columns = !red_contiguous && p.kept_ndim > 0 && p.kept_strides[p.kept_ndim - 1] == 1;
  if (!columns) l.group = p.per_output > 4096 ? kBlockThreads : pow2_at_least(p.per_output, kWarp);
  l.chunk_len = std::max<int64_t>(p.per_output, 1);
  const int64_t threads = p.outputs * l.group;
  if (threads < kTargetThreads && p.per_output > l.group * kMinPerThread) {
    int64_t chunks = std::min((kTargetThreads + threads - 1) / threads,
                              p.per_output / (l.group * kMinPerThread));
    chunks = std::clamp<int64_t>(chunks, 1, 65535);
    l.chunk_len = (p.per_output + chunks - 1) / chunks;
  }
  l.chunks = (std::max<int64_t>(p.per_output, 1) + l.chunk_len - 1) / l.chunk_len;
  return l;
}

// The arithmetic of one reduction (the same rules as the CPU's Reducer in
// kernels/cpu/isa/reduce.cpp): integer sums and products wrap (computed unsigned), float32
// sums accumulate in double, max/min keep a NaN once seen, bool is read as bytes.
template <ReduceOp kOp, class T>
struct Reducer {
  static constexpr bool kSum = kOp == ReduceOp::Sum || kOp == ReduceOp::Mean;
  using Lane = typename std::conditional_t<
      std::is_same_v<T, bool>, std::enable_if<true, uint8_t>,
      std::conditional_t<(kSum || kOp == ReduceOp::Prod) && std::is_integral_v<T>,
                         std::make_unsigned<T>, std::enable_if<true, T>>>::type;
  using Acc = std::conditional_t<kSum && std::is_same_v<T, float>, double, Lane>;
  static constexpr bool kValid =
      std::is_same_v<T, bool> == (kOp == ReduceOp::Any || kOp == ReduceOp::All);

  __device__ static Acc identity() {
    using Limits = std::numeric_limits<Lane>;
    if constexpr (kSum || kOp == ReduceOp::Any)
      return Acc(0);
    else if constexpr (kOp == ReduceOp::Prod || kOp == ReduceOp::All)
      return Acc(1);
    else if constexpr (kOp == ReduceOp::Max)
      return Limits::has_infinity ? -Limits::infinity() : Limits::lowest();
    else
      return Limits::has_infinity ? Limits::infinity() : Limits::max();
  }
  __device__ static Acc combine(Acc a, Acc b) {
    if constexpr (kSum)
      return Acc(a + b);
    else if constexpr (kOp == ReduceOp::Prod)
      return Acc(a * b);
    else if constexpr (kOp == ReduceOp::Max)
      return (b > a) | (b != b) ? b : a;
    else if constexpr (kOp == ReduceOp::Min)
      return (b < a) | (b != b) ? b : a;
    else if constexpr (kOp == ReduceOp::Any)
      return Acc(a | b);
    else
      return Acc(a & b);
  }
  __device__ static T finalize(Acc a, int64_t count) {
    if constexpr (kOp == ReduceOp::Mean) {
      if constexpr (std::is_floating_point_v<T>)
        return T(a / Acc(count));
      else
        return count == 0 ? T(0) : T(int64_t(T(a)) / count);
    } else {
      return T(a);
    }
  }
  __device__ static Acc load(T v) { return Acc(Lane(v)); }
};

template <class R>
struct CombineOf {
  __device__ typename R::Acc operator()(typename R::Acc a, typename R::Acc b) const {
    return R::combine(a, b);
  }
};

// One group of threads per output (see the file comment); outputs beyond the last still take
// part in the shuffles and barriers, then drop out.
template <class R, class T>
__global__ void reduce_kernel(const T* x, ReducePlan p, Launch l, typename R::Acc* partial,
                              T* out) {
  using Acc = typename R::Acc;
  const int64_t o = (int64_t(blockIdx.x) * blockDim.x + threadIdx.x) / l.group;
  const int lane = threadIdx.x % l.group;
  const bool active = o < p.outputs;
  Acc acc = R::identity();
  if (active) {
    const T* base = x + p.kept_offset(o);
    const int64_t begin = int64_t(blockIdx.y) * l.chunk_len;
    const int64_t end = begin + l.chunk_len < p.per_output ? begin + l.chunk_len : p.per_output;
    for (int64_t r = begin + lane; r < end; r += l.group)
      acc = R::combine(acc, R::load(base[p.red_offset(r)]));
  }
  if (l.group == kBlockThreads) {
    __shared__ Acc scratch[kWarp];
    acc = block_reduce(acc, scratch, CombineOf<R>{});
  } else if (l.group > 1) {
    acc = group_reduce(acc, l.group, CombineOf<R>{});
  }
  if (!active || lane != 0) return;
  if (l.chunks == 1)
    out[o] = R::finalize(acc, p.per_output);
  else
    partial[o * l.chunks + blockIdx.y] = acc;
}

// Combines each output's chunk results in chunk order.
template <class R, class T>
__global__ void reduce_finish_kernel(const typename R::Acc* partial, int64_t chunks,
                                     int64_t outputs, int64_t per_output, T* out) {
  for (int64_t o = global_thread(); o < outputs; o += grid_threads()) {
    typename R::Acc acc = partial[o * chunks];
    for (int64_t c = 1; c < chunks; ++c) acc = R::combine(acc, partial[o * chunks + c]);
    out[o] = R::finalize(acc, per_output);
  }
}

template <class R, class T>
void reduce_typed(const Tensor& in, const ReducePlan& p, const Tensor& out) {
  using Acc = typename R::Acc;
  const Launch l = plan_launch(p);
  const int device = out.device().index;
  const int64_t outputs_per_block = kBlockThreads / l.group;
  const int64_t blocks = (p.outputs + outputs_per_block - 1) / outputs_per_block;
  TF_CHECK(blocks <= 0x7fffffff, InvalidArgumentError, "reduce: ", p.outputs,
           " outputs are too many for one launch");  // checked before the cast to grid.x
  const dim3 grid(unsigned(blocks), unsigned(l.chunks));
  Tensor partial;
  if (l.chunks > 1) {
    const int64_t count = p.outputs * l.chunks;
    partial = Tensor::empty(Dims{int64_t(count * sizeof(Acc))}, DType::Bool, out.device());
  }
  Acc* partial_data = l.chunks > 1 ? static_cast<Acc*>(partial.raw_data()) : nullptr;
  reduce_kernel<R, T>
      <<<grid, kBlockThreads, 0, stream(device)>>>(in.data<T>(), p, l, partial_data, out.data<T>());
  TF_CUDA_CHECK_LAUNCH("reduce_kernel");
  if (l.chunks > 1) {
    reduce_finish_kernel<R, T><<<grid_for(p.outputs), kBlockThreads, 0, stream(device)>>>(
        partial_data, l.chunks, p.outputs, p.per_output, out.data<T>());
    TF_CUDA_CHECK_LAUNCH("reduce_finish_kernel");
  }
}

// ---- arg max / arg min ---------------------------------------------------------------------

template <class T>
struct Candidate {
  T value;
  int64_t index;  // -1: none yet
};

// The better of two candidates: NaN beats numbers, then the larger (smaller) value, then the
// smaller index, so the result does not depend on the combination order.
template <bool kMax, class T>
struct BetterOf {
  __device__ Candidate<T> operator()(const Candidate<T>& a, const Candidate<T>& b) const {
    if (a.index < 0) return b;
    if (b.index < 0) return a;
    const bool a_nan = a.value != a.value, b_nan = b.value != b.value;
    if (a_nan || b_nan) {
      if (a_nan && b_nan) return a.index < b.index ? a : b;
      return a_nan ? a : b;
    }
    if (kMax ? b.value > a.value : b.value < a.value) return b;
    if (b.value == a.value && b.index < a.index) return b;
    return a;
  }
};

template <bool kMax, class T, class I>
__global__ void arg_reduce_kernel(const T* x, ReducePlan p, int group, I* out) {
  const int64_t o = (int64_t(blockIdx.x) * blockDim.x + threadIdx.x) / group;
  const int lane = threadIdx.x % group;
  const bool active = o < p.outputs;
  const BetterOf<kMax, T> better;
  Candidate<T> best{T(0), -1};
  if (active) {
    const T* base = x + p.kept_offset(o);
    for (int64_t r = lane; r < p.per_output; r += group)
      best = better(best, Candidate<T>{base[r * p.red_strides[0]], r});
  }
  if (group == kBlockThreads) {
    __shared__ Candidate<T> scratch[kWarp];
    best = block_reduce(best, scratch, better);
  } else if (group > 1) {
    best = group_reduce(best, group, better);
  }
  if (active && lane == 0) out[o] = I(best.index);
}

// ---- softmax ---------------------------------------------------------------------------------

// Rows of n contiguous elements, `group` threads per row.
template <class T>
__global__ void softmax_rows_kernel(const T* x, int64_t rows, int64_t n, int group, bool log,
                                    T* y) {
  __shared__ T scratch[kWarp];
  const int64_t row = (int64_t(blockIdx.x) * blockDim.x + threadIdx.x) / group;
  const int lane = threadIdx.x % group;
  const bool active = row < rows;
  const T* xr = x + (active ? row : 0) * n;
  T m = -std::numeric_limits<T>::infinity();
  if (active)
    for (int64_t j = lane; j < n; j += group) m = MaxKeepNan<T>{}(m, xr[j]);
  m = group_allreduce(m, group, scratch, MaxKeepNan<T>{});
  T total = 0;
  if (active)
    for (int64_t j = lane; j < n; j += group) total += exp(xr[j] - m);
  total = group_allreduce(total, group, scratch, Plus<T>{});
  if (!active) return;
  T* yr = y + row * n;
  const T factor = log ? T(std::log(total)) : T(1) / total;
  for (int64_t j = lane; j < n; j += group)
    yr[j] = log ? (xr[j] - m) - factor : exp(xr[j] - m) * factor;
}

// Columns: one thread per (outer, inner) pair, walking n elements spaced `inner` apart;
// neighbouring threads read neighbouring addresses.
template <class T>
__global__ void softmax_columns_kernel(const T* x, int64_t outer, int64_t n, int64_t inner,
                                       bool log, T* y) {
  for (int64_t c = global_thread(); c < outer * inner; c += grid_threads()) {
    const int64_t start = (c / inner) * n * inner + c % inner;
    T m = -std::numeric_limits<T>::infinity();
    for (int64_t j = 0; j < n; ++j) m = MaxKeepNan<T>{}(m, x[start + j * inner]);
    T total = 0;
    for (int64_t j = 0; j < n; ++j) total += exp(x[start + j * inner] - m);
    const T factor = log ? T(std::log(total)) : T(1) / total;
    for (int64_t j = 0; j < n; ++j) {
      const int64_t at = start + j * inner;
      y[at] = log ? (x[at] - m) - factor : exp(x[at] - m) * factor;
    }
  }
}

template <class T>
void softmax_typed(const Tensor& in, int64_t outer, int64_t n, int64_t inner, bool log,
                   const Tensor& out) {
  const int device = out.device().index;
  if (inner == 1) {
    const int group = n > 1024 ? kBlockThreads : pow2_at_least(n, kWarp);
    const int64_t rows_per_block = kBlockThreads / group;
    const unsigned blocks = unsigned((outer + rows_per_block - 1) / rows_per_block);
    softmax_rows_kernel<T><<<blocks, kBlockThreads, 0, stream(device)>>>(in.data<T>(), outer, n,
                                                                         group, log, out.data<T>());
    TF_CUDA_CHECK_LAUNCH("softmax_rows_kernel");
  } else {
    softmax_columns_kernel<T><<<grid_for(outer * inner), kBlockThreads, 0, stream(device)>>>(
        in.data<T>(), outer, n, inner, log, out.data<T>());
    TF_CUDA_CHECK_LAUNCH("softmax_columns_kernel");
  }
}

}  // namespace

void reduce(ReduceOp op, const Tensor& in, int reduced_rank, const Tensor& out) {
  if (out.numel() == 0) return;
  const ReducePlan p = plan_reduction(in, reduced_rank);
  for_value_type(in.dtype(), [&](auto value) {
    using T = decltype(value);
    for_reduce_op<Reducer, T>(op, [&](auto reducer) {
      using R = decltype(reducer);
      if constexpr (R::kValid) reduce_typed<R, T>(in, p, out);
    });
  });
}

void reduce_reference(ReduceOp op, const Tensor& in, int reduced_rank, const Tensor& out) {
  const Tensor host_in = Tensor::empty(in.shape(), in.dtype(), Device{});
  copy(in, host_in);
  const Tensor host_out = Tensor::empty(out.shape(), out.dtype(), Device{});
  cpu::reduce_reference(op, host_in, reduced_rank, host_out);
  copy(host_out, out);
}

void arg_reduce(bool is_max, const Tensor& in, const Tensor& out) {
  if (out.numel() == 0) return;
  const ReducePlan p = plan_reduction(in, 1);
  if (p.red_ndim == 0)  // a single candidate: index 0 everywhere
    return fill_zero(out.device().index, out.raw_data(), size_t(out.numel()) * out.itemsize());
  const bool columns =
      p.red_strides[0] != 1 && p.kept_ndim > 0 && p.kept_strides[p.kept_ndim - 1] == 1;
  const int group =
      columns ? 1 : (p.per_output > 4096 ? kBlockThreads : pow2_at_least(p.per_output, kWarp));
  const int64_t per_block = kBlockThreads / group;
  const unsigned blocks = unsigned((p.outputs + per_block - 1) / per_block);
  const cudaStream_t s = stream(out.device().index);
  for_value_type(in.dtype(), [&](auto value) {
    using T = decltype(value);
    const T* x = in.data<T>();
    if (out.dtype() == DType::Int64) {
      auto* o = out.data<int64_t>();
      if (is_max)
        arg_reduce_kernel<true, T><<<blocks, kBlockThreads, 0, s>>>(x, p, group, o);
      else
        arg_reduce_kernel<false, T><<<blocks, kBlockThreads, 0, s>>>(x, p, group, o);
    } else {
      auto* o = out.data<int32_t>();
      if (is_max)
        arg_reduce_kernel<true, T><<<blocks, kBlockThreads, 0, s>>>(x, p, group, o);
      else
        arg_reduce_kernel<false, T><<<blocks, kBlockThreads, 0, s>>>(x, p, group, o);
    }
    TF_CUDA_CHECK_LAUNCH("arg_reduce_kernel");
  });
}

void softmax(const Tensor& in, int64_t outer, int64_t n, int64_t inner, bool log,
             const Tensor& out) {
  if (out.numel() == 0) return;
  if (in.dtype() == DType::Float32)
    softmax_typed<float>(in, outer, n, inner, log, out);
  else
    softmax_typed<double>(in, outer, n, inner, log, out);
}

}  // namespace tapeflow::cuda
