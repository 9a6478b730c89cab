// Elementwise loops, compiled once per ISA (see isa_namespace.h). The contiguous and
// scalar-broadcast cases are plain loops the compiler vectorises for the target ISA; any other
// stride pattern takes the strided loop. The maths comes from kernels/scalar_ops.h, except for
// the transcendental functions of floats, which use the vector versions in isa/vecmath*.h
// (strided operands gathered into short contiguous blocks).
#include <algorithm>
#include <cstring>
#include <optional>

#include "kernels/cpu/isa/vecmath.h"
#include "kernels/cpu/isa/vecmath_pow.h"
#include "kernels/cpu/isa/vecmath_trig.h"
#include "kernels/cpu/loops.h"
#include "kernels/scalar_ops.h"

namespace tapeflow::cpu::TF_ISA {
namespace {

// The elements [start, start + m) of a strided operand as a contiguous array: the operand itself
// where it is contiguous, else gathered into `buffer` (a stride of 0 repeats one value).
template <class T>
const T* contiguous_block(const char* base, int64_t stride, int64_t start, int64_t m, T* buffer) {
  if (stride == int64_t(sizeof(T))) return reinterpret_cast<const T*>(base) + start;
  for (int64_t i = 0; i < m; ++i)
    buffer[i] = *reinterpret_cast<const T*>(base + (start + i) * stride);
  return buffer;
}

// Writes block[0, m) to the elements [start, start + m) of a strided output (unless block is
// already there).
template <class T>
void scatter_block(const T* block, char* base, int64_t stride, int64_t start, int64_t m) {
  if (block == reinterpret_cast<T*>(base) + start) return;
  for (int64_t i = 0; i < m; ++i) *reinterpret_cast<T*>(base + (start + i) * stride) = block[i];
}

constexpr int64_t kVectorBlock = 256;  // elements per gathered block (a multiple of any width)

// Functors with a vector version of two operands: pow of floats (float64 pow stays on libm).
template <class Op, class T>
constexpr bool has_binary_vector_form() {
  return std::is_same_v<T, float> && std::is_same_v<Op, scalar::Pow>;
}

// out[i] = pow(a[i], b[i]) with the vector pow, for any strides (p, s as in binary_run).
template <class T>
void pow_vector_run(char* const* p, const int64_t* s, int64_t n) {
  T a_buffer[kVectorBlock], b_buffer[kVectorBlock], out_buffer[kVectorBlock];
  const bool out_contiguous = s[0] == int64_t(sizeof(T));
  for (int64_t start = 0; start < n; start += kVectorBlock) {
    const int64_t m = std::min(kVectorBlock, n - start);
    const T* a = contiguous_block(p[1], s[1], start, m, a_buffer);
    const T* b = contiguous_block(p[2], s[2], start, m, b_buffer);
    T* out = out_contiguous ? reinterpret_cast<T*>(p[0]) + start : out_buffer;
    vecmath::map([](simd::Vec<T> x, simd::Vec<T> y) { return vecmath::pow(x, y); }, a, b, out, m);
    scatter_block(out, p[0], s[0], start, m);
  }
}

template <class R, class T, class Op>
void binary_run(char* const* p, const int64_t* s, int64_t n, Op op) {
  if constexpr (has_binary_vector_form<Op, T>()) return pow_vector_run<T>(p, s, n);
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

// Functors with a vector version in vecmath.h (float and double) or vecmath_trig.h (float;
// float64 sin, cos and tan stay on libm).
template <class Op, class T>
constexpr bool has_vector_form() {
  const bool trig = std::is_same_v<Op, scalar::Sin> || std::is_same_v<Op, scalar::Cos> ||
                    std::is_same_v<Op, scalar::Tan>;
  return (std::is_same_v<T, float> && trig) ||
         (std::is_floating_point_v<T> &&
          (std::is_same_v<Op, scalar::Exp> || std::is_same_v<Op, scalar::Expm1> ||
           std::is_same_v<Op, scalar::Log> || std::is_same_v<Op, scalar::Log1p> ||
           std::is_same_v<Op, scalar::Tanh> || std::is_same_v<Op, scalar::Sigmoid> ||
           std::is_same_v<Op, scalar::Softplus>));
}

template <class Op, class T>
simd::Vec<T> vector_form(simd::Vec<T> x) {
  if constexpr (std::is_same_v<Op, scalar::Exp>) return vecmath::exp(x);
  if constexpr (std::is_same_v<Op, scalar::Expm1>) return vecmath::expm1(x);
  if constexpr (std::is_same_v<Op, scalar::Log>) return vecmath::log(x);
  if constexpr (std::is_same_v<Op, scalar::Log1p>) return vecmath::log1p(x);
  if constexpr (std::is_same_v<Op, scalar::Tanh>) return vecmath::tanh(x);
  if constexpr (std::is_same_v<Op, scalar::Sigmoid>) return vecmath::sigmoid(x);
  if constexpr (std::is_same_v<Op, scalar::Softplus>) return vecmath::softplus(x);
  if constexpr (std::is_same_v<Op, scalar::Sin>) return vecmath::sin(x);
  if constexpr (std::is_same_v<Op, scalar::Cos>) return vecmath::cos(x);
  if constexpr (std::is_same_v<Op, scalar::Tan>) return vecmath::tan(x);
}

// out[i] = op(a[i]) for n strided elements: gathered into a buffer, computed, scattered.
template <class Op, class T>
void unary_vector_strided(const char* a, int64_t a_stride, char* out, int64_t out_stride,
                          int64_t n) {
  T buffer[kVectorBlock];
  for (int64_t start = 0; start < n; start += kVectorBlock) {
    const int64_t m = std::min(kVectorBlock, n - start);
    const T* in = contiguous_block(a, a_stride, start, m, buffer);
    vecmath::map([](simd::Vec<T> v) { return vector_form<Op>(v); }, in, buffer, m);
    scatter_block(buffer, out, out_stride, start, m);
  }
}

template <class R, class T, class Op>
void unary_run(char* const* p, const int64_t* s, int64_t n, Op op) {
  R* out = reinterpret_cast<R*>(p[0]);
  const T* a = reinterpret_cast<const T*>(p[1]);
  if constexpr (has_vector_form<Op, T>()) {
    if (s[0] == int64_t(sizeof(T)) && s[1] == int64_t(sizeof(T)))
      return vecmath::map([](simd::Vec<T> v) { return vector_form<Op>(v); }, a, out, n);
    return unary_vector_strided<Op, T>(p[1], s[1], p[0], s[0], n);
  }
  if (s[0] == int64_t(sizeof(R)) && s[1] == int64_t(sizeof(T))) {
    for (int64_t i = 0; i < n; ++i) out[i] = R(op(a[i]));
  } else {
    for (int64_t i = 0; i < n; ++i)
      *reinterpret_cast<R*>(p[0] + i * s[0]) = R(op(*reinterpret_cast<const T*>(p[1] + i * s[1])));
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

template <class T>
void bias_activate_typed(T* c, int64_t rows, int64_t cols, int64_t ld, const T* bias,
                         std::optional<UnaryOp> activation) {
  const auto activate = [&](auto functor, T* row) {
    using Op = decltype(functor);
    if constexpr (has_vector_form<Op, T>())
      vecmath::map([](simd::Vec<T> v) { return vector_form<Op>(v); }, row, row, cols);
    else
      for (int64_t j = 0; j < cols; ++j) row[j] = functor(row[j]);
  };
  for (int64_t i = 0; i < rows; ++i) {
    T* row = c + i * ld;
    if (bias != nullptr)
      for (int64_t j = 0; j < cols; ++j) row[j] += bias[j];
    if (!activation) continue;
    switch (*activation) {
      case UnaryOp::Relu:
        activate(scalar::Relu{}, row);
        break;
      case UnaryOp::Sigmoid:
        activate(scalar::Sigmoid{}, row);
        break;
      case UnaryOp::Tanh:
        activate(scalar::Tanh{}, row);
        break;
      default:
        throw InvalidArgumentError(
            str_cat("dense epilogue: unsupported activation ", op_name(*activation)));
    }
  }
}

}  // namespace

void bias_activate_kernel(float* c, int64_t rows, int64_t cols, int64_t ld, const float* bias,
                          std::optional<UnaryOp> activation) {
  bias_activate_typed(c, rows, cols, ld, bias, activation);
}
void bias_activate_kernel(double* c, int64_t rows, int64_t cols, int64_t ld, const double* bias,
                          std::optional<UnaryOp> activation) {
  bias_activate_typed(c, rows, cols, ld, bias, activation);
}

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
        throw InvalidArgumentError(
            str_cat(op_name(op), ": unsupported dtype ", dtype_name(a.dtype())));
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
        throw InvalidArgumentError(
            str_cat(op_name(op), ": unsupported dtype ", dtype_name(a.dtype())));
      }
    });
  });
}

// Both branches are read and one is selected without a jump: a branch on a random mask
// mispredicts half the time (6x slower than relu on a 128x512 dropout mask).
void where_kernel(const Tensor& cond, const Tensor& a, const Tensor& b, const Tensor& out) {
  StridedLoop<4> loop(out.shape(), {&out, &cond, &a, &b});
  for_value_type(a.dtype(), [&](auto value) {
    using T = decltype(value);
    loop.parallel_run([&](char* const* p, const int64_t* s, int64_t n) {
      const auto* c = reinterpret_cast<const uint8_t*>(p[1]);  // bool is one byte, 0 or 1
      if (s[0] == int64_t(sizeof(T)) && s[1] == 1 && s[2] == int64_t(sizeof(T)) &&
          s[3] == int64_t(sizeof(T))) {
        T* o = reinterpret_cast<T*>(p[0]);
        const T* x = reinterpret_cast<const T*>(p[2]);
        const T* y = reinterpret_cast<const T*>(p[3]);
        for (int64_t i = 0; i < n; ++i) o[i] = c[i] ? x[i] : y[i];
        return;
      }
      for (int64_t i = 0; i < n; ++i) {
        const T x = *reinterpret_cast<const T*>(p[2] + i * s[2]);
        const T y = *reinterpret_cast<const T*>(p[3] + i * s[3]);
        *reinterpret_cast<T*>(p[0] + i * s[0]) = c[i * s[1]] ? x : y;
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
          if constexpr (std::is_same_v<R, bool>)
            return v != T(0);
          else
            return R(v);
        });
      });
    });
  });
}

}  // namespace tapeflow::cpu::TF_ISA
