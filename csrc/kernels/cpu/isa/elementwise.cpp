// Elementwise loops, compiled once per ISA (see isa_namespace.h). The contiguous and
// scalar-broadcast cases are plain loops the compiler vectorises for the target ISA; any other
// stride pattern takes the strided loop. The maths comes from kernels/scalar_ops.h.
#include <cstring>

#include "kernels/cpu/loops.h"
#include "kernels/scalar_ops.h"

namespace tapeflow::cpu::TF_ISA {
namespace {

template <class R, class T, class Op>
void binary_run(char* const* p, const int64_t* s, int64_t n, Op op) {
  R* out = reinterpret_cast<R*>(p[0]);
  const T* a = reinterpret_cast<const T*>(p[1]);
  const T* b = reinterpret_cast<const T*>(p[2]);
  constexpr int64_t ts = sizeof(T);
  if (s[0] == int64_t(sizeof(R)) && s[1] == ts && s[2] == ts) {
    for (int64_t i = 0; i < n; ++i) out[i] = R(op(a[i], b[i]));
  } else if (s[0] == int64_t(sizeof(R)) && s[1] == 0 && s[2] == ts) {
    const T av = *a;
    for (int64_t i = 0; i < n; ++i) out[i] = R(op(av, b[i]));
  } else if (s[0] == int64_t(sizeof(R)) && s[1] == ts && s[2] == 0) {
    const T bv = *b;
    for (int64_t i = 0; i < n; ++i) out[i] = R(op(a[i], bv));
  } else {
    for (int64_t i = 0; i < n; ++i) {
      *reinterpret_cast<R*>(p[0] + i * s[0]) = R(op(*reinterpret_cast<const T*>(p[1] + i * s[1]),
                                                    *reinterpret_cast<const T*>(p[2] + i * s[2])));
    }
  }
}

template <class R, class T, class Op>
void unary_run(char* const* p, const int64_t* s, int64_t n, Op op) {
  R* out = reinterpret_cast<R*>(p[0]);
  const T* a = reinterpret_cast<const T*>(p[1]);
  if (s[0] == int64_t(sizeof(R)) && s[1] == int64_t(sizeof(T))) {
    for (int64_t i = 0; i < n; ++i) out[i] = R(op(a[i]));
  } else {
    for (int64_t i = 0; i < n; ++i)
      *reinterpret_cast<R*>(p[0] + i * s[0]) = R(op(*reinterpret_cast<const T*>(p[1] + i * s[1])));
  }
}

template <class Fn>
void for_value_type(DType dtype, Fn&& fn) {
  switch (dtype) {
    case DType::Float32: return fn(float{});
    case DType::Float64: return fn(double{});
    case DType::Int32: return fn(int32_t{});
    case DType::Int64: return fn(int64_t{});
    case DType::Bool: return fn(bool{});
  }
}

// Functors for logical ops take bool only; arithmetic functors are not instantiated for bool
// (the op layer rejects those combinations before calling in).
template <class Op, class T>
constexpr bool functor_accepts() {
  if constexpr (std::is_same_v<T, bool>) {
    return std::is_invocable_v<Op, bool, bool> &&
           (std::is_same_v<Op, scalar::LogicalAnd> || std::is_same_v<Op, scalar::LogicalOr> ||
            std::is_same_v<Op, scalar::LogicalXor> || std::is_same_v<Op, scalar::Equal> ||
            std::is_same_v<Op, scalar::NotEqual>);
  } else {
    return !(std::is_same_v<Op, scalar::LogicalAnd> || std::is_same_v<Op, scalar::LogicalOr> ||
             std::is_same_v<Op, scalar::LogicalXor>);
  }
}

template <class Op, class T>
constexpr bool unary_accepts() {
  if constexpr (std::is_same_v<T, bool>) return std::is_same_v<Op, scalar::LogicalNot>;
  else if constexpr (std::is_same_v<Op, scalar::LogicalNot>) return false;
  else if constexpr (std::is_integral_v<T>)  // transcendental maths is float-only, as in TF
    return std::is_same_v<Op, scalar::Neg> || std::is_same_v<Op, scalar::Abs> ||
           std::is_same_v<Op, scalar::Sign> || std::is_same_v<Op, scalar::Square> ||
           std::is_same_v<Op, scalar::Relu> || std::is_same_v<Op, scalar::Floor> ||
           std::is_same_v<Op, scalar::Ceil> || std::is_same_v<Op, scalar::Round>;
  else return true;
}

}  // namespace

void binary_kernel(BinaryOp op, const Tensor& a, const Tensor& b, const Tensor& out) {
  StridedLoop<3> loop(out.shape(), {&out, &a, &b});
  visit_binary(op, [&](auto functor) {
    using Op = decltype(functor);
    for_value_type(a.dtype(), [&](auto value) {
      using T = decltype(value);
      if constexpr (functor_accepts<Op, T>()) {
        using R = std::conditional_t<std::is_same_v<std::invoke_result_t<Op, T, T>, bool>, bool, T>;
        loop.parallel_run([&](char* const* p, const int64_t* s, int64_t n) {
          binary_run<R, T>(p, s, n, functor);
        });
      } else {
        throw InvalidArgumentError(str_cat(op_name(op), ": unsupported dtype ",
                                           dtype_name(a.dtype())));
      }
    });
  });
}

void unary_kernel(UnaryOp op, const Tensor& a, const Tensor& out) {
  StridedLoop<2> loop(out.shape(), {&out, &a});
  visit_unary(op, [&](auto functor) {
    using Op = decltype(functor);
    for_value_type(a.dtype(), [&](auto value) {
      using T = decltype(value);
      if constexpr (unary_accepts<Op, T>()) {
        using R = std::conditional_t<std::is_same_v<std::invoke_result_t<Op, T>, bool>, bool, T>;
        loop.parallel_run([&](char* const* p, const int64_t* s, int64_t n) {
          unary_run<R, T>(p, s, n, functor);
        });
      } else {
        throw InvalidArgumentError(str_cat(op_name(op), ": unsupported dtype ",
                                           dtype_name(a.dtype())));
      }
    });
  });
}

void where_kernel(const Tensor& cond, const Tensor& a, const Tensor& b, const Tensor& out) {
  StridedLoop<4> loop(out.shape(), {&out, &cond, &a, &b});
  for_value_type(a.dtype(), [&](auto value) {
    using T = decltype(value);
    loop.parallel_run([&](char* const* p, const int64_t* s, int64_t n) {
      for (int64_t i = 0; i < n; ++i) {
        const bool c = *reinterpret_cast<const bool*>(p[1] + i * s[1]);
        *reinterpret_cast<T*>(p[0] + i * s[0]) =
            *reinterpret_cast<const T*>(p[c ? 2 : 3] + i * s[c ? 2 : 3]);
      }
    });
  });
}

void copy_kernel(const Tensor& src, const Tensor& dst) {
  StridedLoop<2> loop(dst.shape(), {&dst, &src});
  for_value_type(dst.dtype(), [&](auto out_value) {
    using R = decltype(out_value);
    for_value_type(src.dtype(), [&](auto in_value) {
      using T = decltype(in_value);
      loop.parallel_run([&](char* const* p, const int64_t* s, int64_t n) {
        if constexpr (std::is_same_v<R, T>) {
          if (s[0] == int64_t(sizeof(R)) && s[1] == int64_t(sizeof(T))) {
            std::memcpy(p[0], p[1], size_t(n) * sizeof(T));
            return;
          }
        }
        unary_run<R, T>(p, s, n, [](T v) {
          if constexpr (std::is_same_v<R, bool>) return v != T(0);
          else return R(v);
        });
      });
    });
  });
}

}  // namespace tapeflow::cpu::TF_ISA
