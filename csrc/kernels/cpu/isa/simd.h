// A thin SIMD vocabulary for the kernels in cpu/isa/, one backend per instruction set:
// AVX-512 (16 floats / 8 doubles), AVX2+FMA (8 / 4), and a portable one in GCC/Clang vector
// extensions (4 / 2: SSE2 on a generic x86-64, NEON on aarch64). Maths written once against
// it (vecmath.h) runs on all three; the backend is chosen by the flags this file is compiled
// with, inside the per-ISA namespace (see isa_namespace.h).
//
//   Vec<T>          kWidth lanes of T (float or double); + - * /, fma(a, b, c) = a * b + c,
//                   min/max, comparisons giving a Mask, load/store (unaligned)
//   Vec<T>::Bits    the same lanes as integers of T's width: + - & |, shifts
//   Vec<T>::Mask    one bool per lane: & | !, any(), all(), select(mask, a, b)
//
// NOTE: min(a, b) and max(a, b) return b when either is NaN, as the x86 instructions do; the
// maths relies on it (clamp(x) = min(hi, max(lo, x)) keeps a NaN x).
#pragma once
#include <cstdint>
#include <cstring>
#include <type_traits>

#if defined(__AVX512F__) || (defined(__AVX2__) && defined(__FMA__))
#include <immintrin.h>
#endif

#include "kernels/cpu/isa_namespace.h"

namespace tapeflow::cpu {
TF_ISA_BEGIN
namespace simd {
// The operator tables below keep one definition per line.
// clang-format off

template <class T>
struct Vec;

#if defined(__AVX512F__)  // -------------------------------------------------------------------

struct Mask16 {
  __mmask16 m;
};
struct Mask8 {
  __mmask8 m;
};
inline Mask16 operator&(Mask16 a, Mask16 b) { return {__mmask16(a.m & b.m)}; }
inline Mask16 operator|(Mask16 a, Mask16 b) { return {__mmask16(a.m | b.m)}; }
inline Mask16 operator!(Mask16 a) { return {__mmask16(~a.m)}; }
inline bool any(Mask16 a) { return a.m != 0; }
inline bool all(Mask16 a) { return a.m == 0xFFFF; }
inline Mask8 operator&(Mask8 a, Mask8 b) { return {__mmask8(a.m & b.m)}; }
inline Mask8 operator|(Mask8 a, Mask8 b) { return {__mmask8(a.m | b.m)}; }
inline Mask8 operator!(Mask8 a) { return {__mmask8(~a.m)}; }
inline bool any(Mask8 a) { return a.m != 0; }
inline bool all(Mask8 a) { return a.m == 0xFF; }

struct Bits32x16 {
  __m512i v;
  Bits32x16(__m512i x) : v(x) {}
  explicit Bits32x16(int32_t x) : v(_mm512_set1_epi32(x)) {}
};
inline Bits32x16 operator+(Bits32x16 a, Bits32x16 b) { return _mm512_add_epi32(a.v, b.v); }
inline Bits32x16 operator-(Bits32x16 a, Bits32x16 b) { return _mm512_sub_epi32(a.v, b.v); }
inline Bits32x16 operator&(Bits32x16 a, Bits32x16 b) { return _mm512_and_si512(a.v, b.v); }
inline Bits32x16 operator|(Bits32x16 a, Bits32x16 b) { return _mm512_or_si512(a.v, b.v); }
template <int k>
Bits32x16 shift_left(Bits32x16 a) { return _mm512_slli_epi32(a.v, k); }
template <int k>
Bits32x16 shift_right(Bits32x16 a) {
  return _mm512_srli_epi32(a.v, k);
}  // logical

struct Bits64x8 {
  __m512i v;
  Bits64x8(__m512i x) : v(x) {}
  explicit Bits64x8(int64_t x) : v(_mm512_set1_epi64(x)) {}
};
inline Bits64x8 operator+(Bits64x8 a, Bits64x8 b) { return _mm512_add_epi64(a.v, b.v); }
inline Bits64x8 operator-(Bits64x8 a, Bits64x8 b) { return _mm512_sub_epi64(a.v, b.v); }
inline Bits64x8 operator&(Bits64x8 a, Bits64x8 b) { return _mm512_and_si512(a.v, b.v); }
inline Bits64x8 operator|(Bits64x8 a, Bits64x8 b) { return _mm512_or_si512(a.v, b.v); }
template <int k>
Bits64x8 shift_left(Bits64x8 a) { return _mm512_slli_epi64(a.v, k); }
template <int k>
Bits64x8 shift_right(Bits64x8 a) { return _mm512_srli_epi64(a.v, k); }

template <>
struct Vec<float> {
  using Bits = Bits32x16;
  using Mask = Mask16;
  static constexpr int kWidth = 16;
  __m512 v;
  Vec(__m512 x) : v(x) {}
  Vec(float x) : v(_mm512_set1_ps(x)) {}
  static Vec load(const float* p) { return _mm512_loadu_ps(p); }
  void store(float* p) const { _mm512_storeu_ps(p, v); }
  Bits bits() const { return _mm512_castps_si512(v); }
  static Vec from_bits(Bits b) { return _mm512_castsi512_ps(b.v); }
};
inline Vec<float> operator+(Vec<float> a, Vec<float> b) { return _mm512_add_ps(a.v, b.v); }
inline Vec<float> operator-(Vec<float> a, Vec<float> b) { return _mm512_sub_ps(a.v, b.v); }
inline Vec<float> operator*(Vec<float> a, Vec<float> b) { return _mm512_mul_ps(a.v, b.v); }
inline Vec<float> operator/(Vec<float> a, Vec<float> b) { return _mm512_div_ps(a.v, b.v); }
inline Vec<float> fma(Vec<float> a, Vec<float> b, Vec<float> c) {
  return _mm512_fmadd_ps(a.v, b.v, c.v);
}
inline Vec<float> min(Vec<float> a, Vec<float> b) { return _mm512_min_ps(a.v, b.v); }
inline Vec<float> max(Vec<float> a, Vec<float> b) { return _mm512_max_ps(a.v, b.v); }
inline Mask16 operator<(Vec<float> a, Vec<float> b) {
  return {_mm512_cmp_ps_mask(a.v, b.v, _CMP_LT_OQ)};
}
inline Mask16 operator<=(Vec<float> a, Vec<float> b) {
  return {_mm512_cmp_ps_mask(a.v, b.v, _CMP_LE_OQ)};
}
inline Mask16 operator==(Vec<float> a, Vec<float> b) {
  return {_mm512_cmp_ps_mask(a.v, b.v, _CMP_EQ_OQ)};
}
inline Vec<float> select(Mask16 m, Vec<float> a, Vec<float> b) {
  return _mm512_mask_blend_ps(m.m, b.v, a.v);
}

template <>
struct Vec<double> {
  using Bits = Bits64x8;
  using Mask = Mask8;
  static constexpr int kWidth = 8;
  __m512d v;
  Vec(__m512d x) : v(x) {}
  Vec(double x) : v(_mm512_set1_pd(x)) {}
  static Vec load(const double* p) { return _mm512_loadu_pd(p); }
  void store(double* p) const { _mm512_storeu_pd(p, v); }
  Bits bits() const { return _mm512_castpd_si512(v); }
  static Vec from_bits(Bits b) { return _mm512_castsi512_pd(b.v); }
};
inline Vec<double> operator+(Vec<double> a, Vec<double> b) { return _mm512_add_pd(a.v, b.v); }
inline Vec<double> operator-(Vec<double> a, Vec<double> b) { return _mm512_sub_pd(a.v, b.v); }
inline Vec<double> operator*(Vec<double> a, Vec<double> b) { return _mm512_mul_pd(a.v, b.v); }
inline Vec<double> operator/(Vec<double> a, Vec<double> b) { return _mm512_div_pd(a.v, b.v); }
inline Vec<double> fma(Vec<double> a, Vec<double> b, Vec<double> c) {
  return _mm512_fmadd_pd(a.v, b.v, c.v);
}
inline Vec<double> min(Vec<double> a, Vec<double> b) { return _mm512_min_pd(a.v, b.v); }
inline Vec<double> max(Vec<double> a, Vec<double> b) { return _mm512_max_pd(a.v, b.v); }
inline Mask8 operator<(Vec<double> a, Vec<double> b) {
  return {_mm512_cmp_pd_mask(a.v, b.v, _CMP_LT_OQ)};
}
inline Mask8 operator<=(Vec<double> a, Vec<double> b) {
  return {_mm512_cmp_pd_mask(a.v, b.v, _CMP_LE_OQ)};
}
inline Mask8 operator==(Vec<double> a, Vec<double> b) {
  return {_mm512_cmp_pd_mask(a.v, b.v, _CMP_EQ_OQ)};
}
inline Vec<double> select(Mask8 m, Vec<double> a, Vec<double> b) {
  return _mm512_mask_blend_pd(m.m, b.v, a.v);
}

#elif defined(__AVX2__) && defined(__FMA__)  // -----------------------------------------------

// Masks are full-width lanes of all-ones / all-zeros, as the compare instructions give them.
struct MaskF32x8 {
  __m256 v;
};
struct MaskF64x4 {
  __m256d v;
};
inline MaskF32x8 operator&(MaskF32x8 a, MaskF32x8 b) { return {_mm256_and_ps(a.v, b.v)}; }
inline MaskF32x8 operator|(MaskF32x8 a, MaskF32x8 b) { return {_mm256_or_ps(a.v, b.v)}; }
inline MaskF32x8 operator!(MaskF32x8 a) {
  return {_mm256_xor_ps(a.v, _mm256_castsi256_ps(_mm256_set1_epi32(-1)))};
}
inline bool any(MaskF32x8 a) { return _mm256_movemask_ps(a.v) != 0; }
inline bool all(MaskF32x8 a) { return _mm256_movemask_ps(a.v) == 0xFF; }
inline MaskF64x4 operator&(MaskF64x4 a, MaskF64x4 b) { return {_mm256_and_pd(a.v, b.v)}; }
inline MaskF64x4 operator|(MaskF64x4 a, MaskF64x4 b) { return {_mm256_or_pd(a.v, b.v)}; }
inline MaskF64x4 operator!(MaskF64x4 a) {
  return {_mm256_xor_pd(a.v, _mm256_castsi256_pd(_mm256_set1_epi64x(-1)))};
}
inline bool any(MaskF64x4 a) { return _mm256_movemask_pd(a.v) != 0; }
inline bool all(MaskF64x4 a) { return _mm256_movemask_pd(a.v) == 0xF; }

struct Bits32x8 {
  __m256i v;
  Bits32x8(__m256i x) : v(x) {}
  explicit Bits32x8(int32_t x) : v(_mm256_set1_epi32(x)) {}
};
inline Bits32x8 operator+(Bits32x8 a, Bits32x8 b) { return _mm256_add_epi32(a.v, b.v); }
inline Bits32x8 operator-(Bits32x8 a, Bits32x8 b) { return _mm256_sub_epi32(a.v, b.v); }
inline Bits32x8 operator&(Bits32x8 a, Bits32x8 b) { return _mm256_and_si256(a.v, b.v); }
inline Bits32x8 operator|(Bits32x8 a, Bits32x8 b) { return _mm256_or_si256(a.v, b.v); }
template <int k>
Bits32x8 shift_left(Bits32x8 a) { return _mm256_slli_epi32(a.v, k); }
template <int k>
Bits32x8 shift_right(Bits32x8 a) {
  return _mm256_srli_epi32(a.v, k);
}  // logical

struct Bits64x4 {
  __m256i v;
  Bits64x4(__m256i x) : v(x) {}
  explicit Bits64x4(int64_t x) : v(_mm256_set1_epi64x(x)) {}
};
inline Bits64x4 operator+(Bits64x4 a, Bits64x4 b) { return _mm256_add_epi64(a.v, b.v); }
inline Bits64x4 operator-(Bits64x4 a, Bits64x4 b) { return _mm256_sub_epi64(a.v, b.v); }
inline Bits64x4 operator&(Bits64x4 a, Bits64x4 b) { return _mm256_and_si256(a.v, b.v); }
inline Bits64x4 operator|(Bits64x4 a, Bits64x4 b) { return _mm256_or_si256(a.v, b.v); }
template <int k>
Bits64x4 shift_left(Bits64x4 a) { return _mm256_slli_epi64(a.v, k); }
template <int k>
Bits64x4 shift_right(Bits64x4 a) { return _mm256_srli_epi64(a.v, k); }

template <>
struct Vec<float> {
  using Bits = Bits32x8;
  using Mask = MaskF32x8;
  static constexpr int kWidth = 8;
  __m256 v;
  Vec(__m256 x) : v(x) {}
  Vec(float x) : v(_mm256_set1_ps(x)) {}
  static Vec load(const float* p) { return _mm256_loadu_ps(p); }
  void store(float* p) const { _mm256_storeu_ps(p, v); }
  Bits bits() const { return _mm256_castps_si256(v); }
  static Vec from_bits(Bits b) { return _mm256_castsi256_ps(b.v); }
};
inline Vec<float> operator+(Vec<float> a, Vec<float> b) { return _mm256_add_ps(a.v, b.v); }
inline Vec<float> operator-(Vec<float> a, Vec<float> b) { return _mm256_sub_ps(a.v, b.v); }
inline Vec<float> operator*(Vec<float> a, Vec<float> b) { return _mm256_mul_ps(a.v, b.v); }
inline Vec<float> operator/(Vec<float> a, Vec<float> b) { return _mm256_div_ps(a.v, b.v); }
inline Vec<float> fma(Vec<float> a, Vec<float> b, Vec<float> c) {
  return _mm256_fmadd_ps(a.v, b.v, c.v);
}
inline Vec<float> min(Vec<float> a, Vec<float> b) { return _mm256_min_ps(a.v, b.v); }
inline Vec<float> max(Vec<float> a, Vec<float> b) { return _mm256_max_ps(a.v, b.v); }
inline MaskF32x8 operator<(Vec<float> a, Vec<float> b) {
  return {_mm256_cmp_ps(a.v, b.v, _CMP_LT_OQ)};
}
inline MaskF32x8 operator<=(Vec<float> a, Vec<float> b) {
  return {_mm256_cmp_ps(a.v, b.v, _CMP_LE_OQ)};
}
inline MaskF32x8 operator==(Vec<float> a, Vec<float> b) {
  return {_mm256_cmp_ps(a.v, b.v, _CMP_EQ_OQ)};
}
inline Vec<float> select(MaskF32x8 m, Vec<float> a, Vec<float> b) {
  return _mm256_blendv_ps(b.v, a.v, m.v);
}

template <>
struct Vec<double> {
  using Bits = Bits64x4;
  using Mask = MaskF64x4;
  static constexpr int kWidth = 4;
  __m256d v;
  Vec(__m256d x) : v(x) {}
  Vec(double x) : v(_mm256_set1_pd(x)) {}
  static Vec load(const double* p) { return _mm256_loadu_pd(p); }
  void store(double* p) const { _mm256_storeu_pd(p, v); }
  Bits bits() const { return _mm256_castpd_si256(v); }
  static Vec from_bits(Bits b) { return _mm256_castsi256_pd(b.v); }
};
inline Vec<double> operator+(Vec<double> a, Vec<double> b) { return _mm256_add_pd(a.v, b.v); }
inline Vec<double> operator-(Vec<double> a, Vec<double> b) { return _mm256_sub_pd(a.v, b.v); }
inline Vec<double> operator*(Vec<double> a, Vec<double> b) { return _mm256_mul_pd(a.v, b.v); }
inline Vec<double> operator/(Vec<double> a, Vec<double> b) { return _mm256_div_pd(a.v, b.v); }
inline Vec<double> fma(Vec<double> a, Vec<double> b, Vec<double> c) {
  return _mm256_fmadd_pd(a.v, b.v, c.v);
}
inline Vec<double> min(Vec<double> a, Vec<double> b) { return _mm256_min_pd(a.v, b.v); }
inline Vec<double> max(Vec<double> a, Vec<double> b) { return _mm256_max_pd(a.v, b.v); }
inline MaskF64x4 operator<(Vec<double> a, Vec<double> b) {
  return {_mm256_cmp_pd(a.v, b.v, _CMP_LT_OQ)};
}
inline MaskF64x4 operator<=(Vec<double> a, Vec<double> b) {
  return {_mm256_cmp_pd(a.v, b.v, _CMP_LE_OQ)};
}
inline MaskF64x4 operator==(Vec<double> a, Vec<double> b) {
  return {_mm256_cmp_pd(a.v, b.v, _CMP_EQ_OQ)};
}
inline Vec<double> select(MaskF64x4 m, Vec<double> a, Vec<double> b) {
  return _mm256_blendv_pd(b.v, a.v, m.v);
}

#else  // portable: GCC/Clang vector extensions, 16 bytes ----------------------------------------

// Lanes: a vector-extension type of signed integers (what a comparison of T vectors gives).
template <class Lanes>
struct PortableBits {
  using Lane = std::remove_reference_t<decltype(Lanes{}[0])>;
  Lanes v;
  PortableBits(Lanes x) : v(x) {}
  explicit PortableBits(Lane x) : v(Lanes{} + x) {}
};
template <class L>
PortableBits<L> operator+(PortableBits<L> a, PortableBits<L> b) { return a.v + b.v; }
template <class L>
PortableBits<L> operator-(PortableBits<L> a, PortableBits<L> b) { return a.v - b.v; }
template <class L>
PortableBits<L> operator&(PortableBits<L> a, PortableBits<L> b) { return a.v & b.v; }
template <class L>
PortableBits<L> operator|(PortableBits<L> a, PortableBits<L> b) { return a.v | b.v; }
template <int k, class L>
PortableBits<L> shift_left(PortableBits<L> a) { return a.v << k; }
template <int k, class L>
PortableBits<L> shift_right(PortableBits<L> a) {  // logical: shift the lanes as unsigned
  typedef std::make_unsigned_t<typename PortableBits<L>::Lane> U
      __attribute__((vector_size(sizeof(L))));
  return L(U(a.v) >> k);
}

template <class Lanes>
struct PortableMask {
  Lanes v;  // all ones (-1) or zero per lane
};
template <class L>
PortableMask<L> operator&(PortableMask<L> a, PortableMask<L> b) { return {a.v & b.v}; }
template <class L>
PortableMask<L> operator|(PortableMask<L> a, PortableMask<L> b) { return {a.v | b.v}; }
template <class L>
PortableMask<L> operator!(PortableMask<L> a) { return {~a.v}; }
template <class L>
bool any(PortableMask<L> a) {
  bool result = false;
  for (size_t i = 0; i < sizeof(L) / sizeof(a.v[0]); ++i) result |= a.v[i] != 0;
  return result;
}
template <class L>
bool all(PortableMask<L> a) {
  bool result = true;
  for (size_t i = 0; i < sizeof(L) / sizeof(a.v[0]); ++i) result &= a.v[i] != 0;
  return result;
}

typedef float Float32x4 __attribute__((vector_size(16)));
typedef double Float64x2 __attribute__((vector_size(16)));

template <class T>
struct Vec {
  using Native = std::conditional_t<sizeof(T) == 4, Float32x4, Float64x2>;
  using Lanes = decltype(Native{} < Native{});
  using Bits = PortableBits<Lanes>;
  using Mask = PortableMask<Lanes>;
  static constexpr int kWidth = 16 / sizeof(T);

  Native v;
  Vec(Native x) : v(x) {}
  Vec(T x) : v(Native{} + x) {}
  static Vec load(const T* p) {
    Native x;
    std::memcpy(&x, p, sizeof(x));
    return x;
  }
  void store(T* p) const { std::memcpy(p, &v, sizeof(v)); }
  Bits bits() const { return Lanes(v); }  // a cast between vector types keeps the bits
  static Vec from_bits(Bits b) { return Native(b.v); }
};

template <class T>
Vec<T> operator+(Vec<T> a, Vec<T> b) { return a.v + b.v; }
template <class T>
Vec<T> operator-(Vec<T> a, Vec<T> b) { return a.v - b.v; }
template <class T>
Vec<T> operator*(Vec<T> a, Vec<T> b) { return a.v * b.v; }
template <class T>
Vec<T> operator/(Vec<T> a, Vec<T> b) { return a.v / b.v; }
template <class T>
Vec<T> fma(Vec<T> a, Vec<T> b, Vec<T> c) { return a.v * b.v + c.v; }
template <class T>
typename Vec<T>::Mask operator<(Vec<T> a, Vec<T> b) { return {a.v < b.v}; }
template <class T>
typename Vec<T>::Mask operator<=(Vec<T> a, Vec<T> b) { return {a.v <= b.v}; }
template <class T>
typename Vec<T>::Mask operator==(Vec<T> a, Vec<T> b) { return {a.v == b.v}; }
template <class T>
Vec<T> select(typename Vec<T>::Mask m, Vec<T> a, Vec<T> b) {
  return Vec<T>::from_bits((m.v & a.bits().v) | (~m.v & b.bits().v));
}
template <class T>
Vec<T> min(Vec<T> a, Vec<T> b) { return select(a < b, a, b); }
template <class T>
Vec<T> max(Vec<T> a, Vec<T> b) { return select(b < a, a, b); }

#endif

// clang-format on
}  // namespace simd
TF_ISA_END
}  // namespace tapeflow::cpu
