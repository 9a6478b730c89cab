// The scalar maths of every elementwise op, written ONCE as functors that compile for the host
// and (later) for CUDA devices. The CPU and CUDA backends differ only in how they iterate.
//
// Integer division and modulo follow Python/TensorFlow floor semantics. The op layer rejects
// integer division by zero before a kernel runs; the functors still guard against it (and
// against INT_MIN / -1) so that no input can raise SIGFPE.
#pragma once
#include <cmath>
#include <cstdint>
#include <limits>
#include <type_traits>

#ifdef __CUDACC__
#define TF_HOST_DEVICE __host__ __device__ __forceinline__
#else
#define TF_HOST_DEVICE inline __attribute__((always_inline))
#endif

namespace tapeflow {

enum class BinaryOp : uint8_t {
  Add, Sub, Mul, Div, FloorDiv, Mod, Pow, Maximum, Minimum,
  Equal, NotEqual, Less, LessEqual, Greater, GreaterEqual,
  LogicalAnd, LogicalOr, LogicalXor,
};
enum class UnaryOp : uint8_t {
  Neg, Abs, Sign, Square, Sqrt, Rsqrt, Reciprocal, Exp, Expm1, Log, Log1p,
  Sin, Cos, Tan, Tanh, Sigmoid, Relu, Softplus, Floor, Ceil, Round, LogicalNot,
  IsNan, IsInf, IsFinite,
};

inline const char* op_name(BinaryOp op) {
  static const char* names[] = {"add", "subtract", "multiply", "divide", "floordiv", "floormod",
                                "pow", "maximum", "minimum", "equal", "not_equal", "less",
                                "less_equal", "greater", "greater_equal", "logical_and",
                                "logical_or", "logical_xor"};
  return names[static_cast<int>(op)];
}
inline const char* op_name(UnaryOp op) {
  static const char* names[] = {"negative", "abs", "sign", "square", "sqrt", "rsqrt",
                                "reciprocal", "exp", "expm1", "log", "log1p", "sin", "cos",
                                "tan", "tanh", "sigmoid", "relu", "softplus", "floor", "ceil",
                                "round", "logical_not", "is_nan", "is_inf", "is_finite"};
  return names[static_cast<int>(op)];
}

// Comparisons and is_* tests produce bool; everything else keeps its input's dtype.
inline bool produces_bool(BinaryOp op) {
  return op >= BinaryOp::Equal && op <= BinaryOp::GreaterEqual;
}
inline bool produces_bool(UnaryOp op) { return op >= UnaryOp::IsNan; }

namespace scalar {

struct Add { template <class T> TF_HOST_DEVICE T operator()(T a, T b) const { return a + b; } };
struct Sub { template <class T> TF_HOST_DEVICE T operator()(T a, T b) const { return a - b; } };
struct Mul { template <class T> TF_HOST_DEVICE T operator()(T a, T b) const { return a * b; } };

struct Div {
  template <class T> TF_HOST_DEVICE T operator()(T a, T b) const {
    if constexpr (std::is_floating_point_v<T>) {
      return a / b;
    } else {  // truncating integer division (TF's Div on ints)
      if (b == 0) return 0;
      if (b == -1) return T(0) - a;  // NOTE: INT_MIN / -1 traps; negate instead (wraps)
      return a / b;
    }
  }
};

struct FloorDiv {
  template <class T> TF_HOST_DEVICE T operator()(T a, T b) const {
    if constexpr (std::is_floating_point_v<T>) {
      return std::floor(a / b);
    } else {
      if (b == 0) return 0;
      if (b == -1) return T(0) - a;
      T q = a / b;
      if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
      return q;
    }
  }
};

// The result takes the sign of the divisor, as in Python and tf.math.floormod.
struct Mod {
  template <class T> TF_HOST_DEVICE T operator()(T a, T b) const {
    if constexpr (std::is_floating_point_v<T>) {
      T r = std::fmod(a, b);
      if (r != 0 && ((r < 0) != (b < 0))) r += b;
      return r;
    } else {
      if (b == 0 || b == -1) return 0;
      T r = a % b;
      if (r != 0 && ((r < 0) != (b < 0))) r += b;
      return r;
    }
  }
};

struct Pow {
  template <class T> TF_HOST_DEVICE T operator()(T a, T b) const {
    if constexpr (std::is_floating_point_v<T>) {
      return std::pow(a, b);
    } else {  // exponentiation by squaring; negative exponents are rejected by the op
      if (b < 0) return 0;
      T result = 1, base = a;
      using U = std::make_unsigned_t<T>;  // wrap on overflow instead of UB
      U r = U(result), x = U(base);
      for (T e = b; e > 0; e >>= 1) {
        if (e & 1) r *= x;
        x *= x;
      }
      return T(r);
    }
  }
};

// NaN propagates through maximum/minimum, as in TensorFlow.
struct Maximum {
  template <class T> TF_HOST_DEVICE T operator()(T a, T b) const {
    if constexpr (std::is_floating_point_v<T>) {
      if (a != a) return a;
      if (b != b) return b;
    }
    return a > b ? a : b;
  }
};
struct Minimum {
  template <class T> TF_HOST_DEVICE T operator()(T a, T b) const {
    if constexpr (std::is_floating_point_v<T>) {
      if (a != a) return a;
      if (b != b) return b;
    }
    return a < b ? a : b;
  }
};

struct Equal { template <class T> TF_HOST_DEVICE bool operator()(T a, T b) const { return a == b; } };
struct NotEqual { template <class T> TF_HOST_DEVICE bool operator()(T a, T b) const { return a != b; } };
struct Less { template <class T> TF_HOST_DEVICE bool operator()(T a, T b) const { return a < b; } };
struct LessEqual { template <class T> TF_HOST_DEVICE bool operator()(T a, T b) const { return a <= b; } };
struct Greater { template <class T> TF_HOST_DEVICE bool operator()(T a, T b) const { return a > b; } };
struct GreaterEqual { template <class T> TF_HOST_DEVICE bool operator()(T a, T b) const { return a >= b; } };
struct LogicalAnd { TF_HOST_DEVICE bool operator()(bool a, bool b) const { return a && b; } };
struct LogicalOr { TF_HOST_DEVICE bool operator()(bool a, bool b) const { return a || b; } };
struct LogicalXor { TF_HOST_DEVICE bool operator()(bool a, bool b) const { return a != b; } };

struct Neg {
  template <class T> TF_HOST_DEVICE T operator()(T a) const {
    if constexpr (std::is_integral_v<T>) return T(std::make_unsigned_t<T>(0) - std::make_unsigned_t<T>(a));
    else return -a;
  }
};
struct Abs {
  template <class T> TF_HOST_DEVICE T operator()(T a) const {
    if constexpr (std::is_floating_point_v<T>) return std::fabs(a);
    else return a < 0 ? Neg()(a) : a;
  }
};
struct Sign {
  template <class T> TF_HOST_DEVICE T operator()(T a) const {
    if constexpr (std::is_floating_point_v<T>) {
      if (a != a) return a;
    }
    return T((a > T(0)) - (a < T(0)));
  }
};
struct Square { template <class T> TF_HOST_DEVICE T operator()(T a) const { return a * a; } };
struct Sqrt { template <class T> TF_HOST_DEVICE T operator()(T a) const { return std::sqrt(a); } };
struct Rsqrt { template <class T> TF_HOST_DEVICE T operator()(T a) const { return T(1) / std::sqrt(a); } };
struct Reciprocal { template <class T> TF_HOST_DEVICE T operator()(T a) const { return T(1) / a; } };
struct Exp { template <class T> TF_HOST_DEVICE T operator()(T a) const { return std::exp(a); } };
struct Expm1 { template <class T> TF_HOST_DEVICE T operator()(T a) const { return std::expm1(a); } };
struct Log { template <class T> TF_HOST_DEVICE T operator()(T a) const { return std::log(a); } };
struct Log1p { template <class T> TF_HOST_DEVICE T operator()(T a) const { return std::log1p(a); } };
struct Sin { template <class T> TF_HOST_DEVICE T operator()(T a) const { return std::sin(a); } };
struct Cos { template <class T> TF_HOST_DEVICE T operator()(T a) const { return std::cos(a); } };
struct Tan { template <class T> TF_HOST_DEVICE T operator()(T a) const { return std::tan(a); } };
struct Tanh { template <class T> TF_HOST_DEVICE T operator()(T a) const { return std::tanh(a); } };
// Stable for large |a|: never evaluates exp of a large positive number.
struct Sigmoid {
  template <class T> TF_HOST_DEVICE T operator()(T a) const {
    if (a >= T(0)) return T(1) / (T(1) + std::exp(-a));
    const T e = std::exp(a);
    return e / (T(1) + e);
  }
};
// NOTE: relu(NaN) is NaN, as in TensorFlow (a plain max(a, 0) would give 0 for some orders).
struct Relu {
  template <class T> TF_HOST_DEVICE T operator()(T a) const { return a < T(0) ? T(0) : a; }
};
// log(1 + exp(a)) = max(a, 0) + log1p(exp(-|a|)): no overflow for large a.
struct Softplus {
  template <class T> TF_HOST_DEVICE T operator()(T a) const {
    return (a > T(0) ? a : T(0)) + std::log1p(std::exp(-std::fabs(a)));
  }
};
struct Floor {
  template <class T> TF_HOST_DEVICE T operator()(T a) const {
    if constexpr (std::is_floating_point_v<T>) return std::floor(a); else return a;
  }
};
struct Ceil {
  template <class T> TF_HOST_DEVICE T operator()(T a) const {
    if constexpr (std::is_floating_point_v<T>) return std::ceil(a); else return a;
  }
};
// Banker's rounding (half to even), as tf.math.round.
struct Round {
  template <class T> TF_HOST_DEVICE T operator()(T a) const {
    if constexpr (std::is_floating_point_v<T>) return std::nearbyint(a); else return a;
  }
};
struct LogicalNot { TF_HOST_DEVICE bool operator()(bool a) const { return !a; } };
struct IsNan { template <class T> TF_HOST_DEVICE bool operator()(T a) const { return a != a; } };
struct IsInf {
  template <class T> TF_HOST_DEVICE bool operator()(T a) const {
    return a == std::numeric_limits<T>::infinity() || a == -std::numeric_limits<T>::infinity();
  }
};
struct IsFinite { template <class T> TF_HOST_DEVICE bool operator()(T a) const { return a - a == T(0); } };

}  // namespace scalar

// Calls fn(Functor{}) for the functor of `op`; fn is a generic lambda, so each backend
// instantiates its loops once per functor.
template <class Fn>
inline void visit_binary(BinaryOp op, Fn&& fn) {
  switch (op) {
    case BinaryOp::Add: return fn(scalar::Add{});
    case BinaryOp::Sub: return fn(scalar::Sub{});
    case BinaryOp::Mul: return fn(scalar::Mul{});
    case BinaryOp::Div: return fn(scalar::Div{});
    case BinaryOp::FloorDiv: return fn(scalar::FloorDiv{});
    case BinaryOp::Mod: return fn(scalar::Mod{});
    case BinaryOp::Pow: return fn(scalar::Pow{});
    case BinaryOp::Maximum: return fn(scalar::Maximum{});
    case BinaryOp::Minimum: return fn(scalar::Minimum{});
    case BinaryOp::Equal: return fn(scalar::Equal{});
    case BinaryOp::NotEqual: return fn(scalar::NotEqual{});
    case BinaryOp::Less: return fn(scalar::Less{});
    case BinaryOp::LessEqual: return fn(scalar::LessEqual{});
    case BinaryOp::Greater: return fn(scalar::Greater{});
    case BinaryOp::GreaterEqual: return fn(scalar::GreaterEqual{});
    case BinaryOp::LogicalAnd: return fn(scalar::LogicalAnd{});
    case BinaryOp::LogicalOr: return fn(scalar::LogicalOr{});
    case BinaryOp::LogicalXor: return fn(scalar::LogicalXor{});
  }
}

template <class Fn>
inline void visit_unary(UnaryOp op, Fn&& fn) {
  switch (op) {
    case UnaryOp::Neg: return fn(scalar::Neg{});
    case UnaryOp::Abs: return fn(scalar::Abs{});
    case UnaryOp::Sign: return fn(scalar::Sign{});
    case UnaryOp::Square: return fn(scalar::Square{});
    case UnaryOp::Sqrt: return fn(scalar::Sqrt{});
    case UnaryOp::Rsqrt: return fn(scalar::Rsqrt{});
    case UnaryOp::Reciprocal: return fn(scalar::Reciprocal{});
    case UnaryOp::Exp: return fn(scalar::Exp{});
    case UnaryOp::Expm1: return fn(scalar::Expm1{});
    case UnaryOp::Log: return fn(scalar::Log{});
    case UnaryOp::Log1p: return fn(scalar::Log1p{});
    case UnaryOp::Sin: return fn(scalar::Sin{});
    case UnaryOp::Cos: return fn(scalar::Cos{});
    case UnaryOp::Tan: return fn(scalar::Tan{});
    case UnaryOp::Tanh: return fn(scalar::Tanh{});
    case UnaryOp::Sigmoid: return fn(scalar::Sigmoid{});
    case UnaryOp::Relu: return fn(scalar::Relu{});
    case UnaryOp::Softplus: return fn(scalar::Softplus{});
    case UnaryOp::Floor: return fn(scalar::Floor{});
    case UnaryOp::Ceil: return fn(scalar::Ceil{});
    case UnaryOp::Round: return fn(scalar::Round{});
    case UnaryOp::LogicalNot: return fn(scalar::LogicalNot{});
    case UnaryOp::IsNan: return fn(scalar::IsNan{});
    case UnaryOp::IsInf: return fn(scalar::IsInf{});
    case UnaryOp::IsFinite: return fn(scalar::IsFinite{});
  }
}

}  // namespace tapeflow
