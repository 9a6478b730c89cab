// Element types. Mixing dtypes between tensors is an error, as in TensorFlow; Python scalars
// take the tensor's dtype (done by the Python layer before calling in).
#pragma once
#include <cstddef>
#include <cstdint>

#include "core/errors.h"

namespace tapeflow {

enum class DType : uint8_t { Float32 = 0, Float64 = 1, Int32 = 2, Int64 = 3, Bool = 4 };
constexpr int kNumDTypes = 5;

inline size_t dtype_size(DType t) {
  switch (t) {
    case DType::Float32: return 4;
    case DType::Float64: return 8;
    case DType::Int32: return 4;
    case DType::Int64: return 8;
    case DType::Bool: return 1;
  }
  return 0;
}

inline const char* dtype_name(DType t) {
  switch (t) {
    case DType::Float32: return "float32";
    case DType::Float64: return "float64";
    case DType::Int32: return "int32";
    case DType::Int64: return "int64";
    case DType::Bool: return "bool";
  }
  return "unknown";
}

inline bool is_floating(DType t) { return t == DType::Float32 || t == DType::Float64; }
inline bool is_integer(DType t) { return t == DType::Int32 || t == DType::Int64; }

template <typename T> struct dtype_of;
template <> struct dtype_of<float> { static constexpr DType value = DType::Float32; };
template <> struct dtype_of<double> { static constexpr DType value = DType::Float64; };
template <> struct dtype_of<int32_t> { static constexpr DType value = DType::Int32; };
template <> struct dtype_of<int64_t> { static constexpr DType value = DType::Int64; };
template <> struct dtype_of<bool> { static constexpr DType value = DType::Bool; };

// Calls fn(T{}) with T the C++ type of `dtype` (kernels pick their instantiation with it; the op
// layer has already checked which dtypes an op takes).
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

// Calls fn(T{}, I{}) for a float32/float64 value dtype and an int32/int64 index dtype (logits
// and labels of the fused cross-entropy kernels; the op layer has checked both).
template <class Fn>
void for_float_and_index_types(DType value, DType index, Fn&& fn) {
  const bool wide = index == DType::Int64;
  if (value == DType::Float64) {
    if (wide) return fn(double{}, int64_t{});
    return fn(double{}, int32_t{});
  }
  if (wide) return fn(float{}, int64_t{});
  fn(float{}, int32_t{});
}

}  // namespace tapeflow

// Runs the statement list with `scalar_t` bound to the C++ type of `dtype`.
// The _FLOAT variant accepts floating types only and raises for the others, naming `op`.
#define TF_DTYPE_CASE(enum_value, type, ...) \
  case ::tapeflow::DType::enum_value: {     \
    using scalar_t = type;                  \
    __VA_ARGS__;                            \
    break;                                  \
  }
#define TF_DISPATCH_ALL(dtype, op, ...)                                                        \
  switch (dtype) {                                                                             \
    TF_DTYPE_CASE(Float32, float, __VA_ARGS__)                                                 \
    TF_DTYPE_CASE(Float64, double, __VA_ARGS__)                                                \
    TF_DTYPE_CASE(Int32, int32_t, __VA_ARGS__)                                                 \
    TF_DTYPE_CASE(Int64, int64_t, __VA_ARGS__)                                                 \
    TF_DTYPE_CASE(Bool, bool, __VA_ARGS__)                                                     \
  }
#define TF_DISPATCH_NUMERIC(dtype, op, ...)                                                    \
  switch (dtype) {                                                                             \
    TF_DTYPE_CASE(Float32, float, __VA_ARGS__)                                                 \
    TF_DTYPE_CASE(Float64, double, __VA_ARGS__)                                                \
    TF_DTYPE_CASE(Int32, int32_t, __VA_ARGS__)                                                 \
    TF_DTYPE_CASE(Int64, int64_t, __VA_ARGS__)                                                 \
    default:                                                                                   \
      throw ::tapeflow::InvalidArgumentError(::tapeflow::str_cat(                              \
          op, ": expected a numeric tensor, got dtype ", ::tapeflow::dtype_name(dtype)));      \
  }
#define TF_DISPATCH_FLOAT(dtype, op, ...)                                                      \
  switch (dtype) {                                                                             \
    TF_DTYPE_CASE(Float32, float, __VA_ARGS__)                                                 \
    TF_DTYPE_CASE(Float64, double, __VA_ARGS__)                                                \
    default:                                                                                   \
      throw ::tapeflow::InvalidArgumentError(::tapeflow::str_cat(                              \
          op, ": expected a float32 or float64 tensor, got dtype ",                            \
          ::tapeflow::dtype_name(dtype)));                                                     \
  }
