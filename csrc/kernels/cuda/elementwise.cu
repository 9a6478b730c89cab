// CUDA elementwise kernels: one generic kernel (loops.cuh) over the functors of
// kernels/scalar_ops.h, so the maths is the CPU's. Contiguous operands (and broadcast scalars)
// move four elements per thread through 16-byte loads; other layouts index by strides.
#include <type_traits>

#include "core/cuda/runtime.h"
#include "kernels/cuda/elementwise.h"
#include "kernels/cuda/loops.cuh"
#include "kernels/cuda/transfer.h"

namespace tapeflow::cuda {
namespace {

// Which (functor, dtype) pairs are compiled: exactly those the op layer (ops/elementwise.cpp)
// lets through; it rejects the others before a kernel is called.
template <class Op, class T>
constexpr bool binary_exists() {
  constexpr bool logical = std::is_same_v<Op, scalar::LogicalAnd> ||
                           std::is_same_v<Op, scalar::LogicalOr> ||
                           std::is_same_v<Op, scalar::LogicalXor>;
  constexpr bool equality =
      std::is_same_v<Op, scalar::Equal> || std::is_same_v<Op, scalar::NotEqual>;
  if constexpr (std::is_same_v<T, bool>) return logical || equality;
  return !logical;
}

template <class Op, class T>
constexpr bool unary_exists() {
  if constexpr (std::is_same_v<T, bool>) return std::is_same_v<Op, scalar::LogicalNot>;
  if constexpr (std::is_same_v<Op, scalar::LogicalNot>) return false;
  if constexpr (std::is_integral_v<T>)  // transcendental maths is float-only, as in TF
    return std::is_same_v<Op, scalar::Neg> || std::is_same_v<Op, scalar::Abs> ||
           std::is_same_v<Op, scalar::Sign> || std::is_same_v<Op, scalar::Square> ||
           std::is_same_v<Op, scalar::Relu> || std::is_same_v<Op, scalar::Floor> ||
           std::is_same_v<Op, scalar::Ceil> || std::is_same_v<Op, scalar::Round>;
  return true;
}

template <class T>
__device__ __forceinline__ const T& at(char* const* base, int k, int64_t offset) {
  return reinterpret_cast<const T*>(base[k])[offset];
}

// out = op(a, b)
template <class R, class T, class Op>
struct BinaryFn {
  Op op;
  __device__ void operator()(char* const* base, const int64_t (&off)[3]) const {
    reinterpret_cast<R*>(base[0])[off[0]] = R(op(at<T>(base, 1, off[1]), at<T>(base, 2, off[2])));
  }
  __device__ void pack(const Elementwise<3>& g, int64_t p) const {
    const Pack4<T> a = load4<T>(g.base[1], p, g.strides[1][0]);
    const Pack4<T> b = load4<T>(g.base[2], p, g.strides[2][0]);
    Pack4<R> r;
#pragma unroll
    for (int j = 0; j < 4; ++j) r.v[j] = R(op(a.v[j], b.v[j]));
    reinterpret_cast<Pack4<R>*>(g.base[0])[p] = r;
  }
};

// out = op(a)
template <class R, class T, class Op>
struct UnaryFn {
  Op op;
  __device__ void operator()(char* const* base, const int64_t (&off)[2]) const {
    reinterpret_cast<R*>(base[0])[off[0]] = R(op(at<T>(base, 1, off[1])));
  }
  __device__ void pack(const Elementwise<2>& g, int64_t p) const {
    const Pack4<T> a = load4<T>(g.base[1], p, g.strides[1][0]);
    Pack4<R> r;
#pragma unroll
    for (int j = 0; j < 4; ++j) r.v[j] = R(op(a.v[j]));
    reinterpret_cast<Pack4<R>*>(g.base[0])[p] = r;
  }
};

// out = cond ? a : b, moving T as raw bits of its size.
template <class T>
struct WhereFn {
  __device__ void operator()(char* const* base, const int64_t (&off)[4]) const {
    const bool c = at<bool>(base, 1, off[1]);
    reinterpret_cast<T*>(base[0])[off[0]] = c ? at<T>(base, 2, off[2]) : at<T>(base, 3, off[3]);
  }
  __device__ void pack(const Elementwise<4>& g, int64_t p) const {
    const Pack4<bool> c = load4<bool>(g.base[1], p, g.strides[1][0]);
    const Pack4<T> a = load4<T>(g.base[2], p, g.strides[2][0]);
    const Pack4<T> b = load4<T>(g.base[3], p, g.strides[3][0]);
    Pack4<T> r;
#pragma unroll
    for (int j = 0; j < 4; ++j) r.v[j] = c.v[j] ? a.v[j] : b.v[j];
    reinterpret_cast<Pack4<T>*>(g.base[0])[p] = r;
  }
};

// out = T converted to R; nonzero -> true for bool.
template <class R, class T>
struct ConvertFn {
  __device__ static R convert(T v) {
    if constexpr (std::is_same_v<R, bool>)
      return v != T(0);
    else
      return R(v);
  }
  __device__ void operator()(char* const* base, const int64_t (&off)[2]) const {
    reinterpret_cast<R*>(base[0])[off[0]] = convert(at<T>(base, 1, off[1]));
  }
  __device__ void pack(const Elementwise<2>& g, int64_t p) const {
    const Pack4<T> a = load4<T>(g.base[1], p, g.strides[1][0]);
    Pack4<R> r;
#pragma unroll
    for (int j = 0; j < 4; ++j) r.v[j] = convert(a.v[j]);
    reinterpret_cast<Pack4<R>*>(g.base[0])[p] = r;
  }
};

// Unsigned integers of each element size: where() moves bits, never values.
template <size_t kBytes>
using Bits =
    std::conditional_t<kBytes == 1, uint8_t, std::conditional_t<kBytes == 4, uint32_t, uint64_t>>;

__global__ void any_true_kernel(const bool* x, Elementwise<1> g, int* found) {
  const int64_t stride = grid_threads();
  for (int64_t i = global_thread(); i < g.numel; i += stride) {
    int64_t off[1];
    g.offsets(i, off);
    if (x[off[0]]) {
      *found = 1;  // every writer stores the same value
      return;
    }
  }
}

}  // namespace

void binary(BinaryOp op, const Tensor& a, const Tensor& b, const Tensor& out) {
  const auto g = make_elementwise<3>(out.shape(), {&out, &a, &b});
  visit_binary(op, [&](auto functor) {
    using Op = decltype(functor);
    for_value_type(a.dtype(), [&](auto value) {
      using T = decltype(value);
      if constexpr (binary_exists<Op, T>()) {
        using R = std::conditional_t<std::is_same_v<std::invoke_result_t<Op, T, T>, bool>, bool, T>;
        launch_elementwise(g, BinaryFn<R, T, Op>{functor}, out.device().index);
      } else {
        throw InvalidArgumentError(
            str_cat(op_name(op), ": unsupported dtype ", dtype_name(a.dtype())));
      }
    });
  });
}

void unary(UnaryOp op, const Tensor& a, const Tensor& out) {
  const auto g = make_elementwise<2>(out.shape(), {&out, &a});
  visit_unary(op, [&](auto functor) {
    using Op = decltype(functor);
    for_value_type(a.dtype(), [&](auto value) {
      using T = decltype(value);
      if constexpr (unary_exists<Op, T>()) {
        using R = std::conditional_t<std::is_same_v<std::invoke_result_t<Op, T>, bool>, bool, T>;
        launch_elementwise(g, UnaryFn<R, T, Op>{functor}, out.device().index);
      } else {
        throw InvalidArgumentError(
            str_cat(op_name(op), ": unsupported dtype ", dtype_name(a.dtype())));
      }
    });
  });
}

void where(const Tensor& cond, const Tensor& a, const Tensor& b, const Tensor& out) {
  const auto g = make_elementwise<4>(out.shape(), {&out, &cond, &a, &b});
  const int device = out.device().index;
  switch (out.itemsize()) {
    case 1:
      return launch_elementwise(g, WhereFn<Bits<1>>{}, device);
    case 4:
      return launch_elementwise(g, WhereFn<Bits<4>>{}, device);
    default:
      return launch_elementwise(g, WhereFn<Bits<8>>{}, device);
  }
}

void copy(const Tensor& src, const Tensor& dst) {
  if (src.device() != dst.device()) return transfer(src, dst);
  const int device = dst.device().index;
  if (src.dtype() == dst.dtype() && src.is_contiguous() && dst.is_contiguous()) {
    copy_on_device(device, dst.raw_data(), src.raw_data(), size_t(dst.numel()) * dst.itemsize());
    return;
  }
  const auto g = make_elementwise<2>(dst.shape(), {&dst, &src});
  for_value_type(dst.dtype(), [&](auto out_value) {
    using R = decltype(out_value);
    for_value_type(src.dtype(), [&](auto in_value) {
      using T = decltype(in_value);
      launch_elementwise(g, ConvertFn<R, T>{}, device);
    });
  });
}

bool any_true(const Tensor& t) {
  if (t.numel() == 0) return false;
  const int device = t.device().index;
  Tensor found = Tensor::empty(Dims{}, DType::Int32, t.device());
  fill_zero(device, found.raw_data(), sizeof(int));
  const auto g = make_elementwise<1>(t.shape(), {&t});
  any_true_kernel<<<grid_for(g.numel), kBlockThreads, 0, stream(device)>>>(t.data<bool>(), g,
                                                                           found.data<int>());
  TF_CUDA_CHECK_LAUNCH("any_true_kernel");
  int value = 0;
  download(device, &value, found.raw_data(), sizeof(int));
  return value != 0;
}

}  // namespace tapeflow::cuda
