// A thin SIMD vocabulary for the kernels in cpu/isa/, one backend per instruction set:
// AVX-512 (16 floats / 8 doubles), AVX2+FMA (8 / 4), and a portable one in GCC/Clang vector
// extensions (4 / 2: SSE2 on a generic x86-64, NEON on aarch64). Maths written once against
// it (vecmath.h) runs on all three; the backend is chosen by the flags this file is compiled
// with, inside the per-ISA namespace (see isa_namespace.h).
//
//   Vec<T>          kWidth lanes of T (float or double); + - * /, fma(a, b, c) = a * b + c,
//                   min/max, comparisons giving a Mask, load/store (unaligned)
//   Vec<T>::Bits    the same lanes as integers of T's width: + - & | ^, shifts
//   Vec<T>::Mask    one bool per lane: & | !, any(), all(), select(mask, a, b)
//   widen_low(Vec<float>), widen_high(Vec<float>)   its first / second half of the lanes as a
//                   Vec<double> (exact); narrow(low, high) rounds two back into one Vec<float>
//   gather(table, index)   Vec<double> of table[index[i]], index in Vec<double>::Bits
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

#if defined(__AVX512F__) || (defined(__AVX2__) && defined(__FMA__))  // ------------------------
// AVX-512 and AVX2 share everything but their masks: the intrinsics differ only in their
// prefix (P: _mm512 / _mm256), element suffix (S: ps / pd, E: epi32 / epi64) and integer
// register suffix (I: si512 / si256), so one macro writes each family of wrappers for both.

// Vec<T>::Bits: integer lanes of T's width. SET1 broadcasts a lane (its name differs).
#define TF_SIMD_BITS(Name, Lane, Native, P, I, E, SET1)                                          \
  struct Name {                                                                                 \
    Native v;                                                                                   \
    Name(Native x) : v(x) {}                                                                    \
    explicit Name(Lane x) : v(SET1(x)) {}                                                       \
  };                                                                                            \
  inline Name operator+(Name a, Name b) { return P##_add_##E(a.v, b.v); }                       \
  inline Name operator-(Name a, Name b) { return P##_sub_##E(a.v, b.v); }                       \
  inline Name operator&(Name a, Name b) { return P##_and_##I(a.v, b.v); }                       \
  inline Name operator|(Name a, Name b) { return P##_or_##I(a.v, b.v); }                        \
  inline Name operator^(Name a, Name b) { return P##_xor_##I(a.v, b.v); }                       \
  template <int k> Name shift_left(Name a) { return P##_slli_##E(a.v, k); }                     \
  template <int k> Name shift_right(Name a) { return P##_srli_##E(a.v, k); } /* logical */

// Vec<T> with its arithmetic; CMP compares two natives with a _CMP_ predicate into a Mask.
#define TF_SIMD_VEC(T, Native, Width, BitsType, MaskType, P, S, I, CMP)                          \
  template <>                                                                                   \
  struct Vec<T> {                                                                               \
    using Bits = BitsType;                                                                      \
    using Mask = MaskType;                                                                      \
    static constexpr int kWidth = Width;                                                        \
    Native v;                                                                                   \
    Vec(Native x) : v(x) {}                                                                     \
    Vec(T x) : v(P##_set1_##S(x)) {}                                                            \
    static Vec load(const T* p) { return P##_loadu_##S(p); }                                    \
    void store(T* p) const { P##_storeu_##S(p, v); }                                            \
    Bits bits() const { return P##_cast##S##_##I(v); }                                          \
    static Vec from_bits(Bits b) { return P##_cast##I##_##S(b.v); }                            \
  };                                                                                            \
  inline Vec<T> operator+(Vec<T> a, Vec<T> b) { return P##_add_##S(a.v, b.v); }                \
  inline Vec<T> operator-(Vec<T> a, Vec<T> b) { return P##_sub_##S(a.v, b.v); }                \
  inline Vec<T> operator*(Vec<T> a, Vec<T> b) { return P##_mul_##S(a.v, b.v); }                \
  inline Vec<T> operator/(Vec<T> a, Vec<T> b) { return P##_div_##S(a.v, b.v); }                \
  inline Vec<T> fma(Vec<T> a, Vec<T> b, Vec<T> c) { return P##_fmadd_##S(a.v, b.v, c.v); }      \
  inline Vec<T> min(Vec<T> a, Vec<T> b) { return P##_min_##S(a.v, b.v); }                      \
  inline Vec<T> max(Vec<T> a, Vec<T> b) { return P##_max_##S(a.v, b.v); }                      \
  inline MaskType operator<(Vec<T> a, Vec<T> b) { return {CMP(a.v, b.v, _CMP_LT_OQ)}; }         \
  inline MaskType operator<=(Vec<T> a, Vec<T> b) { return {CMP(a.v, b.v, _CMP_LE_OQ)}; }        \
  inline MaskType operator==(Vec<T> a, Vec<T> b) { return {CMP(a.v, b.v, _CMP_EQ_OQ)}; }

#if defined(__AVX512F__)
// Masks are mask registers, one bit per lane.
template <class K, int kLanes>
struct BitMask {
  K m;
};
template <class K, int L>
BitMask<K, L> operator&(BitMask<K, L> a, BitMask<K, L> b) { return {K(a.m & b.m)}; }
template <class K, int L>
BitMask<K, L> operator|(BitMask<K, L> a, BitMask<K, L> b) { return {K(a.m | b.m)}; }
template <class K, int L>
BitMask<K, L> operator!(BitMask<K, L> a) { return {K(~a.m)}; }
template <class K, int L>
bool any(BitMask<K, L> a) { return a.m != 0; }
template <class K, int L>
bool all(BitMask<K, L> a) { return a.m == K((1u << L) - 1); }
using Mask16 = BitMask<__mmask16, 16>;
using Mask8 = BitMask<__mmask8, 8>;

TF_SIMD_BITS(Bits32x16, int32_t, __m512i, _mm512, si512, epi32, _mm512_set1_epi32)
TF_SIMD_BITS(Bits64x8, int64_t, __m512i, _mm512, si512, epi64, _mm512_set1_epi64)
TF_SIMD_VEC(float, __m512, 16, Bits32x16, Mask16, _mm512, ps, si512, _mm512_cmp_ps_mask)
TF_SIMD_VEC(double, __m512d, 8, Bits64x8, Mask8, _mm512, pd, si512, _mm512_cmp_pd_mask)
inline Vec<float> select(Mask16 m, Vec<float> a, Vec<float> b) {
  return _mm512_mask_blend_ps(m.m, b.v, a.v);
}
inline Vec<double> select(Mask8 m, Vec<double> a, Vec<double> b) {
  return _mm512_mask_blend_pd(m.m, b.v, a.v);
}
inline Vec<double> widen_low(Vec<float> x) { return _mm512_cvtps_pd(_mm512_castps512_ps256(x.v)); }
inline Vec<double> widen_high(Vec<float> x) {
  return _mm512_cvtps_pd(_mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(x.v), 1)));
}
inline Vec<double> gather(const double* table, Bits64x8 index) {
  return _mm512_i64gather_pd(index.v, table, 8);
}
inline Vec<float> narrow(Vec<double> low, Vec<double> high) {
  const __m512d low_half = _mm512_castps_pd(_mm512_castps256_ps512(_mm512_cvtpd_ps(low.v)));
  return _mm512_castpd_ps(
      _mm512_insertf64x4(low_half, _mm256_castps_pd(_mm512_cvtpd_ps(high.v)), 1));
}

#else
// Masks are full-width lanes of all-ones / all-zeros, as the compare instructions give them.
#define TF_SIMD_LANE_MASK(Name, Native, S, kAll)                                                 \
  struct Name {                                                                                 \
    Native v;                                                                                   \
  };                                                                                            \
  inline Name operator&(Name a, Name b) { return {_mm256_and_##S(a.v, b.v)}; }                  \
  inline Name operator|(Name a, Name b) { return {_mm256_or_##S(a.v, b.v)}; }                   \
  inline Name operator!(Name a) {                                                               \
    return {_mm256_xor_##S(a.v, _mm256_castsi256_##S(_mm256_set1_epi32(-1)))};                  \
  }                                                                                             \
  inline bool any(Name a) { return _mm256_movemask_##S(a.v) != 0; }                             \
  inline bool all(Name a) { return _mm256_movemask_##S(a.v) == kAll; }
TF_SIMD_LANE_MASK(MaskF32x8, __m256, ps, 0xFF)
TF_SIMD_LANE_MASK(MaskF64x4, __m256d, pd, 0xF)
#undef TF_SIMD_LANE_MASK

TF_SIMD_BITS(Bits32x8, int32_t, __m256i, _mm256, si256, epi32, _mm256_set1_epi32)
TF_SIMD_BITS(Bits64x4, int64_t, __m256i, _mm256, si256, epi64, _mm256_set1_epi64x)
TF_SIMD_VEC(float, __m256, 8, Bits32x8, MaskF32x8, _mm256, ps, si256, _mm256_cmp_ps)
TF_SIMD_VEC(double, __m256d, 4, Bits64x4, MaskF64x4, _mm256, pd, si256, _mm256_cmp_pd)
inline Vec<float> select(MaskF32x8 m, Vec<float> a, Vec<float> b) {
  return _mm256_blendv_ps(b.v, a.v, m.v);
}
inline Vec<double> select(MaskF64x4 m, Vec<double> a, Vec<double> b) {
  return _mm256_blendv_pd(b.v, a.v, m.v);
}
inline Vec<double> widen_low(Vec<float> x) { return _mm256_cvtps_pd(_mm256_castps256_ps128(x.v)); }
inline Vec<double> widen_high(Vec<float> x) {
  return _mm256_cvtps_pd(_mm256_extractf128_ps(x.v, 1));
}
inline Vec<double> gather(const double* table, Bits64x4 index) {
  return _mm256_i64gather_pd(table, index.v, 8);
}
inline Vec<float> narrow(Vec<double> low, Vec<double> high) {
  return _mm256_insertf128_ps(_mm256_castps128_ps256(_mm256_cvtpd_ps(low.v)),
                              _mm256_cvtpd_ps(high.v), 1);
}
#endif

#undef TF_SIMD_BITS
#undef TF_SIMD_VEC

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
template <class L>
PortableBits<L> operator^(PortableBits<L> a, PortableBits<L> b) { return a.v ^ b.v; }
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
inline Vec<double> widen_low(Vec<float> x) { return Float64x2{x.v[0], x.v[1]}; }
inline Vec<double> widen_high(Vec<float> x) { return Float64x2{x.v[2], x.v[3]}; }
inline Vec<double> gather(const double* table, Vec<double>::Bits index) {
  return Float64x2{table[index.v[0]], table[index.v[1]]};
}
inline Vec<float> narrow(Vec<double> low, Vec<double> high) {
  return Float32x4{float(low.v[0]), float(low.v[1]), float(high.v[0]), float(high.v[1])};
}

#endif

// clang-format on

}  // namespace simd
TF_ISA_END
}  // namespace tapeflow::cpu
