// Vectorised transcendental functions over simd::Vec<float> and simd::Vec<double>: exp, expm1,
// log, log1p, tanh, sigmoid, softplus (float sin, cos, tan: vecmath_trig.h; pow: vecmath_pow.h).
// They are the fast CPU versions of the functors in kernels/scalar_ops.h, which stay the scalar
// reference (and the CUDA code).
//
// Error against the exact result, over all finite inputs (tests/test_vecmath.py sweeps them):
// exp and log within 1 ulp; expm1, log1p and tanh 1.5 (float64 expm1: 2); sigmoid and softplus
// 2.5. inf, -inf, NaN, +-0 and overflow follow the C library (exp(-inf) = 0, log(0) = -inf,
// log(-1) = NaN, tanh(-0) = -0, ...), and so does gradual underflow where denormals are kept.
// Kernels run with denormals flushed (see parallel.h), so there a subnormal input reads as 0
// and a subnormal result becomes 0, as in TensorFlow.
//
// Every lane's result depends on that lane's input only, whatever its neighbours: a vector
// with one out-of-range lane takes a slower path that gives the in-range lanes the same bits,
// so results do not depend on the layout, the tail handling or the thread count.
//
// Method (the classic one, e.g. Tang's exp and fdlibm's log):
//   exp:   x = n ln2 + r, |r| <= ln2/2; exp(x) = 2^n (1 + expm1(r)) with expm1(r) a Taylor
//          polynomial; 2^n built from its exponent bits. n ln2 is subtracted in two parts
//          (Cody-Waite), the first with few enough bits that n * kLn2Hi is exact.
//   log:   x = 2^k m, m in [sqrt(1/2), sqrt(2)); log(m) = 2 atanh(s), s = (m-1)/(m+1), from
//          a Taylor series in s^2 (|s| <= 0.172).
//   log1p: log(u) + (y - (u - 1)) / u with u = 1 + y, which restores the bits lost in 1 + y.
//   tanh:  expm1(2|x|) / (expm1(2|x|) + 2) with x's sign; an odd polynomial near 0.
//   sigmoid: 1 / (1 + exp(-x)), or exp(x) / (1 + exp(x)) below 0.
//   softplus: max(x, 0) + log1p(exp(-|x|)).
#pragma once
#include <cstdint>
#include <cstring>
#include <limits>

#include "kernels/cpu/isa/simd.h"

namespace tapeflow::cpu {
TF_ISA_BEGIN
namespace vecmath {

using simd::shift_left;
using simd::shift_right;
using simd::Vec;

template <class T>
struct Constants;

template <>
struct Constants<float> {
  using Int = int32_t;
  static constexpr int kMantissaBits = 23;
  static constexpr Int kExponentBias = 127;
  static constexpr float kRoundMagic = 12582912.0f;  // 1.5 * 2^23: t + it rounds t to an integer
  static constexpr float kLn2Hi = 0.693359375f;      // 9 significant bits
  static constexpr float kLn2Lo = -2.12194440e-4f;   // ln 2 - kLn2Hi
  static constexpr float kExpNormal = 87.0f;  // |x| <= this: 2^n and exp(x) are normal numbers
  // x >= this: 2^n expm1(r) is normal too where it counts (a multiply-add without FMA would
  // flush it otherwise).
  static constexpr float kExpFastMin = -70.0f;
  static constexpr float kExpMax = 89.0f;                  // exp(x) overflows above 88.73
  static constexpr float kExpMin = -104.0f;                // exp(x) rounds to 0 below -103.98
  static constexpr float kExpm1Min = -20.0f;               // expm1(x) rounds to -1 below -17.4
  static constexpr float kTanhOne = 10.0f;                 // tanh(x) rounds to 1 above 9.02
  static constexpr float kLogDenormalScale = 33554432.0f;  // 2^25 lifts a subnormal to normal
  static constexpr float kLogDenormalExponent = 25.0f;
  // expm1(r) = r + r^2 (1/2! + r/3! + ...): truncation error < 2^-30 relative for |r| <= ln2/2.
  static constexpr float kExpm1Taylor[] = {1.0f / 2,   1.0f / 6,    1.0f / 24,   1.0f / 120,
                                           1.0f / 720, 1.0f / 5040, 1.0f / 40320};
  // 2 atanh(s) = 2s + s R, R = sum_k 2 s^2k / (2k + 1): error < 2^-31 relative for s^2 <= 0.03.
  static constexpr float kAtanhTaylor[] = {2.0f / 3, 2.0f / 5, 2.0f / 7, 2.0f / 9, 2.0f / 11};
  // tanh(x) = x + x^3 P(x^2) for |x| < kTanhSmall: P a near-minimax fit (Chebyshev, mpmath),
  // error < 2^-30 relative.
  static constexpr float kTanhSmall = 0.3f;
  static constexpr float kTanhPolynomial[] = {-0.3333333333f, 0.1333333123f, -0.05396637563f,
                                              0.02181055541f, -0.008100660519f};
};

template <>
struct Constants<double> {
  using Int = int64_t;
  static constexpr int kMantissaBits = 52;
  static constexpr Int kExponentBias = 1023;
  static constexpr double kRoundMagic = 6755399441055744.0;     // 1.5 * 2^52
  static constexpr double kLn2Hi = 6.93147180369123816490e-01;  // 32 significant bits
  static constexpr double kLn2Lo = 1.90821492927058770002e-10;
  static constexpr double kExpNormal = 708.0;
  static constexpr double kExpFastMin = -670.0;
  static constexpr double kExpMax = 710.0;    // exp(x) overflows above 709.79
  static constexpr double kExpMin = -746.0;   // exp(x) rounds to 0 below -745.14
  static constexpr double kExpm1Min = -40.0;  // expm1(x) rounds to -1 below -37.5
  static constexpr double kTanhOne = 20.0;    // tanh(x) rounds to 1 above 19.07
  static constexpr double kLogDenormalScale = 18014398509481984.0;  // 2^54
  static constexpr double kLogDenormalExponent = 54.0;
  // Truncation error < 2^-60 relative (terms up to r^14 / 14!).
  static constexpr double kExpm1Taylor[] = {
      1.0 / 2,         1.0 / 6,          1.0 / 24,         1.0 / 120,     1.0 / 720,
      1.0 / 5040,      1.0 / 40320,      1.0 / 362880,     1.0 / 3628800, 1.0 / 39916800,
      1.0 / 479001600, 1.0 / 6227020800, 1.0 / 87178291200};
  // Truncation error < 2^-62 relative (terms up to s^22).
  static constexpr double kAtanhTaylor[] = {2.0 / 3,  2.0 / 5,  2.0 / 7,  2.0 / 9,
                                            2.0 / 11, 2.0 / 13, 2.0 / 15, 2.0 / 17,
                                            2.0 / 19, 2.0 / 21, 2.0 / 23};
  // Error < 2^-56 relative.
  static constexpr double kTanhSmall = 0.3;
  static constexpr double kTanhPolynomial[] = {
      -0.3333333333333333331,   0.1333333333333328947,    -0.05396825396812385295,
      0.02186948852127996519,   -0.008863234676873267864, 0.003592100503191432145,
      -0.001455310598885563771, 0.0005841818685129779413, -0.0002033775391355077078};
};

// c[0] + x c[1] + x^2 c[2] + ... (Horner).
template <class T, size_t N>
inline Vec<T> polynomial(Vec<T> x, const T (&c)[N]) {
  Vec<T> p(c[N - 1]);
  for (size_t i = N - 1; i-- > 0;) p = fma(p, x, Vec<T>(c[i]));
  return p;
}

template <class T>
inline Vec<T> abs(Vec<T> x) {
  using Int = typename Constants<T>::Int;
  return Vec<T>::from_bits(x.bits() & typename Vec<T>::Bits(std::numeric_limits<Int>::max()));
}

// |magnitude| with the sign bit of `sign`.
template <class T>
inline Vec<T> copy_sign(Vec<T> magnitude, Vec<T> sign) {
  using Int = typename Constants<T>::Int;
  using Bits = typename Vec<T>::Bits;
  const Bits sign_bit(std::numeric_limits<Int>::min());
  return Vec<T>::from_bits(abs(magnitude).bits() | (sign.bits() & sign_bit));
}

template <class T>
constexpr T kInfinity = std::numeric_limits<T>::infinity();

// 2^n for integer-valued n (as T), |n| < 2^(mantissa bits - 1), when 2^n is a normal number.
template <class T>
inline Vec<T> pow2(Vec<T> n) {
  using C = Constants<T>;
  using Bits = typename Vec<T>::Bits;
  const Vec<T> magic(C::kRoundMagic);
  const Bits integer = (n + magic).bits() - magic.bits();  // n as an integer, in the low bits
  return Vec<T>::from_bits(shift_left<C::kMantissaBits>(integer + Bits(C::kExponentBias)));
}

// x = n ln2 + r with n an integer (as T) and |r| <= ln2/2 (a hair more where n rounds up).
template <class T>
struct ExpReduction {
  Vec<T> n, r;
  explicit ExpReduction(Vec<T> x)
      : n(fma(x, Vec<T>(T(1.4426950408889634)), Vec<T>(Constants<T>::kRoundMagic)) -
          Vec<T>(Constants<T>::kRoundMagic)),
        r(fma(n, Vec<T>(-Constants<T>::kLn2Lo), fma(n, Vec<T>(-Constants<T>::kLn2Hi), x))) {}
  Vec<T> expm1_r() const { return fma(r * r, polynomial(r, Constants<T>::kExpm1Taylor), r); }
};

template <class T>
Vec<T> exp(Vec<T> x) {
  using C = Constants<T>;
  if (all((Vec<T>(C::kExpFastMin) <= x) & (x <= Vec<T>(C::kExpNormal)))) {  // NaN fails
    const ExpReduction<T> e(x);
    const Vec<T> scale = pow2(e.n);
    return fma(scale, e.expm1_r(), scale);  // 2^n (1 + expm1(r)), rounded once
  }
  // Some lane overflows, underflows or is NaN: 2^n in two normal factors 2^h 2^(n-h), so a
  // subnormal result rounds only once; clamping keeps n in range (and a NaN a NaN).
  const Vec<T> clamped = min(Vec<T>(C::kExpMax), max(Vec<T>(C::kExpMin), x));
  const ExpReduction<T> e(clamped);
  const Vec<T> magic(C::kRoundMagic);
  const Vec<T> half = (fma(e.n, Vec<T>(T(0.5)), magic) - magic);  // n / 2 rounded
  const Vec<T> high = pow2(half), low = pow2(e.n - half);
  return fma(high, e.expm1_r(), high) * low;
}

template <class T>
Vec<T> expm1(Vec<T> x) {
  using C = Constants<T>;
  // 2^n expm1(r) + (2^n - 1): 2^n - 1 is exact while it matters (small n); below kExpm1Min the
  // result is -1, above kExpNormal it is exp(x) (the 1 is far below its last bit).
  const Vec<T> clamped = min(Vec<T>(C::kExpNormal), max(Vec<T>(C::kExpm1Min), x));
  const ExpReduction<T> e(clamped);
  const Vec<T> scale = pow2(e.n);
  Vec<T> y = fma(scale, e.expm1_r(), scale - Vec<T>(1));
  const auto huge = Vec<T>(C::kExpNormal) < x;
  if (any(huge)) y = select(huge, exp(x), y);
  return select(x == Vec<T>(0), x, y);  // expm1(-0) = -0
}

// log(x) from x's exponent k and m = x 2^-k in [sqrt(1/2), sqrt(2)); `exponent_offset` is
// subtracted from k (inputs scaled up from subnormal).
template <class T>
inline Vec<T> log_normal(Vec<T> x, Vec<T> exponent_offset) {
  using C = Constants<T>;
  using Bits = typename Vec<T>::Bits;
  constexpr int kM = C::kMantissaBits;
  const Bits mantissa_mask((typename C::Int(1) << kM) - 1);
  const Bits sqrt_half = Vec<T>(T(0.70710678118654752440)).bits();
  // Subtracting sqrt(1/2)'s mantissa bits borrows from the exponent exactly when x's
  // mantissa is below it: then m = the mantissa in [1, sqrt 2), else half of it.
  const Bits shifted = x.bits() - (sqrt_half & mantissa_mask);
  const Vec<T> m = Vec<T>::from_bits((shifted & mantissa_mask) + sqrt_half);
  // The biased exponent (now 0 ... 2^(exponent bits)) as T: OR it under 2^kM's mantissa.
  const Vec<T> two_to_m(T(typename C::Int(1) << kM));
  const Vec<T> biased = Vec<T>::from_bits(shift_right<kM>(shifted) | two_to_m.bits()) - two_to_m;
  const Vec<T> k = biased - Vec<T>(T(C::kExponentBias - 1)) - exponent_offset;

  const Vec<T> f = m - Vec<T>(1);  // exact
  const Vec<T> s = f / (Vec<T>(2) + f);
  const Vec<T> z = s * s;
  const Vec<T> r = z * polynomial(z, C::kAtanhTaylor);
  const Vec<T> half_f2 = Vec<T>(T(0.5)) * f * f;
  // log(m) = f - f^2/2 + s (f^2/2 + R), summed smallest first (fdlibm's arrangement).
  const Vec<T> tail = fma(s, half_f2 + r, k * Vec<T>(C::kLn2Lo));
  return fma(k, Vec<T>(C::kLn2Hi), f - (half_f2 - tail));
}

template <class T>
Vec<T> log(Vec<T> x) {
  using C = Constants<T>;
  const Vec<T> smallest_normal(std::numeric_limits<T>::min());
  const Vec<T> largest(std::numeric_limits<T>::max());
  if (all((smallest_normal <= x) & (x <= largest))) return log_normal(x, Vec<T>(0));
  // Some lane is subnormal, zero, negative, inf or NaN.
  const auto subnormal = x < smallest_normal;
  const Vec<T> scaled = select(subnormal, x * Vec<T>(C::kLogDenormalScale), x);
  Vec<T> y = log_normal(scaled, select(subnormal, Vec<T>(C::kLogDenormalExponent), Vec<T>(0)));
  const Vec<T> nan(std::numeric_limits<T>::quiet_NaN());
  y = select(largest < x, x, y);                         // +inf
  y = select(x < Vec<T>(0), nan, y);                     // negative, -inf
  y = select(x == Vec<T>(0), Vec<T>(-kInfinity<T>), y);  // +-0 (and flushed subnormals)
  return select(x == x, y, x);                           // NaN
}

template <class T>
Vec<T> log1p(Vec<T> y) {
  const Vec<T> u = Vec<T>(1) + y;
  Vec<T> result = log(u) + (y - (u - Vec<T>(1))) / u;
  result = select(y == Vec<T>(-1), Vec<T>(-kInfinity<T>), result);
  result = select(y == Vec<T>(kInfinity<T>), y, result);
  return select(y == Vec<T>(0), y, result);  // log1p(-0) = -0
}

template <class T>
Vec<T> tanh(Vec<T> x) {
  using C = Constants<T>;
  // NOTE: min(kTanhOne, NaN) is NaN (see simd.h), so NaN flows through.
  const Vec<T> a = min(Vec<T>(C::kTanhOne), abs(x));
  const auto small = a < Vec<T>(C::kTanhSmall);  // where the ratio would lose 2 ulp
  const Vec<T> a2 = a * a;
  const auto near_zero = [&] { return fma(a * a2, polynomial(a2, C::kTanhPolynomial), a); };
  if (all(small)) return copy_sign(near_zero(), x);
  const Vec<T> e = expm1(a + a);
  Vec<T> t = e / (e + Vec<T>(2));
  if (any(small)) t = select(small, near_zero(), t);
  return copy_sign(t, x);
}

template <class T>
Vec<T> sigmoid(Vec<T> x) {
  // 1 / (1 + e) for x >= 0, e / (1 + e) below, with e = exp(-|x|) in [0, 1]: never overflows,
  // and a tiny (even subnormal) result keeps its precision.
  const Vec<T> e = exp(Vec<T>(0) - abs(x));
  return select(x < Vec<T>(0), e, Vec<T>(1)) / (Vec<T>(1) + e);
}

template <class T>
Vec<T> softplus(Vec<T> x) {
  // e in [0, 1], so u = 1 + e in [1, 2] is always a normal number: log takes its fast path.
  const Vec<T> e = exp(Vec<T>(0) - abs(x));
  const Vec<T> u = Vec<T>(1) + e;
  const Vec<T> log1p_e = log_normal(u, Vec<T>(0)) + (e - (u - Vec<T>(1))) / u;
  const Vec<T> positive = max(x, Vec<T>(0));  // NaN x: 0 here, and NaN from log1p_e
  return positive + log1p_e;
}

// Float maths computed in double lanes: each half of x (and y) widened exactly, f applied, the
// two results rounded once to float.
template <class F>
inline Vec<float> in_double_lanes(F f, Vec<float> x) {
  return simd::narrow(f(simd::widen_low(x)), f(simd::widen_high(x)));
}
template <class F>
inline Vec<float> in_double_lanes(F f, Vec<float> x, Vec<float> y) {
  return simd::narrow(f(simd::widen_low(x), simd::widen_low(y)),
                      f(simd::widen_high(x), simd::widen_high(y)));
}

// out[i] = f(in[i]) for n contiguous elements, f mapping one Vec<T> to another (in == out is
// fine). The tail goes through one zero-padded vector, so each element gets the same bits
// wherever a run (or a thread's share of one) happens to end.
template <class T, class F>
void map(F f, const T* in, T* out, int64_t n) {
  constexpr int kWidth = Vec<T>::kWidth;
  int64_t i = 0;
  for (; i + kWidth <= n; i += kWidth) f(Vec<T>::load(in + i)).store(out + i);
  if (i == n) return;
  T tail[kWidth] = {};
  std::memcpy(tail, in + i, size_t(n - i) * sizeof(T));
  f(Vec<T>::load(tail)).store(tail);
  std::memcpy(out + i, tail, size_t(n - i) * sizeof(T));
}

// out[i] = f(a[i], b[i]) for n contiguous elements, with the tail handled as in map.
template <class T, class F>
void map(F f, const T* a, const T* b, T* out, int64_t n) {
  constexpr int kWidth = Vec<T>::kWidth;
  int64_t i = 0;
  for (; i + kWidth <= n; i += kWidth) f(Vec<T>::load(a + i), Vec<T>::load(b + i)).store(out + i);
  if (i == n) return;
  T a_tail[kWidth] = {}, b_tail[kWidth] = {};
  std::memcpy(a_tail, a + i, size_t(n - i) * sizeof(T));
  std::memcpy(b_tail, b + i, size_t(n - i) * sizeof(T));
  f(Vec<T>::load(a_tail), Vec<T>::load(b_tail)).store(a_tail);
  std::memcpy(out + i, a_tail, size_t(n - i) * sizeof(T));
}

}  // namespace vecmath
TF_ISA_END
}  // namespace tapeflow::cpu
