// Vectorised sin, cos and tan of simd::Vec<float>, the fast CPU versions of scalar::Sin, Cos and
// Tan (kernels/scalar_ops.h). float64 stays on the C library (the scalar functors).
//
// Error: within 1 ulp over every float (0.5 ulp and a hair: computed in double, rounded once);
// tests/test_vecmath.py sweeps them. inf and NaN give NaN, sin(-0) = tan(-0) = -0, as libm.
//
// Method: in double lanes, x = n pi/2 + r with n an integer and |r| <= pi/4 (Cody-Waite: pi/2
// in three parts, the first two with 33 significant bits, so n P1 and n P2 are exact for
// n < 2^20 and r is exact to ~2^-66 absolute, well under a float ulp of the smallest r a float
// x can leave); then sin(r) and cos(r) from Taylor polynomials, chosen and signed by n mod 4,
// and tan = sin / cos, or -cos / sin for odd n. Lanes with |x| above kReductionMax (and inf
// and NaN) are passed to the C library one by one: a vector of ordinary lanes never is, and
// every lane's result depends on its own input only.
#pragma once
#include <cmath>

#include "kernels/cpu/isa/vecmath.h"

namespace tapeflow::cpu {
TF_ISA_BEGIN
namespace vecmath {

struct TrigConstants {
  static constexpr float kReductionMax = 1.0e6f;  // n = round(x 2/pi) < 2^20
  static constexpr double kTwoOverPi = 0.6366197723675814;
  static constexpr double kPiOver2Part1 = 1.5707963267341256;     // 33 significant bits
  static constexpr double kPiOver2Part2 = 6.077100506303966e-11;  // 33 significant bits
  static constexpr double kPiOver2Part3 = 2.0222662487959506e-21;
  // sin(r) = r + r^3 S(r^2) and cos(r) = 1 + r^2 C(r^2), Taylor to r^11 and r^12: truncation
  // error < 2^-37 relative for |r| <= pi/4 (2^-13 of a float ulp).
  static constexpr double kSinTaylor[] = {-1.0 / 6, 1.0 / 120, -1.0 / 5040, 1.0 / 362880,
                                          -1.0 / 39916800};
  static constexpr double kCosTaylor[] = {-1.0 / 2,    1.0 / 24,       -1.0 / 720,
                                          1.0 / 40320, -1.0 / 3628800, 1.0 / 479001600};
};

// x (|x| <= kReductionMax) = n pi/2 + r: sin(r), cos(r), and n's low bits (in the integer lanes).
struct TrigReduction {
  Vec<double> sin_r, cos_r;
  Vec<double>::Bits quadrant;
};

inline TrigReduction reduce_trig(Vec<double> x) {
  using C = TrigConstants;
  using V = Vec<double>;
  const V magic(Constants<double>::kRoundMagic);
  const V shifted = fma(x, V(C::kTwoOverPi), magic);  // n in the low bits
  const V n = shifted - magic;
  const V r =
      fma(n, V(-C::kPiOver2Part3), fma(n, V(-C::kPiOver2Part2), fma(n, V(-C::kPiOver2Part1), x)));
  const V r2 = r * r;
  return {fma(r * r2, polynomial(r2, C::kSinTaylor), r),
          fma(r2, polynomial(r2, C::kCosTaylor), V(1.0)), shifted.bits()};
}

// Bit 0 of the quadrant clear. (OR-ing it into 1.0 gives the next double up or 1.0 itself: a
// mask from integer lanes with a float compare, which every backend has.)
inline Vec<double>::Mask is_even(Vec<double>::Bits quadrant) {
  using V = Vec<double>;
  return V::from_bits((quadrant & V::Bits(int64_t(1))) | V(1.0).bits()) == V(1.0);
}

// sin(x + offset pi/2) of double lanes: offset 0 gives sin, 1 gives cos.
template <int kOffset>
inline Vec<double> sin_shifted(Vec<double> x) {
  using V = Vec<double>;
  const TrigReduction t = reduce_trig(x);
  const V::Bits quadrant = t.quadrant + V::Bits(int64_t(kOffset));
  // Quadrants 0 1 2 3 (mod 4, also for negative n) give sin(r), cos(r), -sin(r), -cos(r).
  const auto even = is_even(quadrant);
  const V::Bits sign = shift_left<62>(quadrant) & V::Bits(std::numeric_limits<int64_t>::min());
  return V::from_bits(select(even, t.sin_r, t.cos_r).bits() ^ sign);
}

inline Vec<double> tan_reduced(Vec<double> x) {
  using V = Vec<double>;
  const TrigReduction t = reduce_trig(x);
  const auto even = is_even(t.quadrant);
  const V ratio = select(even, t.sin_r, t.cos_r) / select(even, t.cos_r, t.sin_r);
  return V::from_bits(ratio.bits() ^ shift_left<63>(t.quadrant));  // -cos/sin for odd n
}

// f_vector(x), with the lanes outside the reduction's range (|x| > kReductionMax, inf, NaN)
// replaced by f_scalar of each; x itself where x is +-0 (keeps its sign).
template <class VectorF, class ScalarF>
inline Vec<float> trig(Vec<float> x, VectorF f_vector, ScalarF f_scalar, bool odd_function) {
  Vec<float> y = in_double_lanes(f_vector, x);
  const auto far = !(abs(x) <= Vec<float>(TrigConstants::kReductionMax));
  if (any(far)) {
    constexpr int kWidth = Vec<float>::kWidth;
    float in[kWidth], out[kWidth];
    x.store(in);
    y.store(out);
    for (int i = 0; i < kWidth; ++i)
      if (!(std::fabs(in[i]) <= TrigConstants::kReductionMax)) out[i] = f_scalar(in[i]);
    y = Vec<float>::load(out);
  }
  return odd_function ? select(x == Vec<float>(0.0f), x, y) : y;
}

inline Vec<float> sin(Vec<float> x) {
  return trig(
      x, [](Vec<double> v) { return sin_shifted<0>(v); }, [](float v) { return std::sin(v); },
      true);
}
inline Vec<float> cos(Vec<float> x) {
  return trig(
      x, [](Vec<double> v) { return sin_shifted<1>(v); }, [](float v) { return std::cos(v); },
      false);
}
inline Vec<float> tan(Vec<float> x) {
  return trig(
      x, [](Vec<double> v) { return tan_reduced(v); }, [](float v) { return std::tan(v); }, true);
}

}  // namespace vecmath
TF_ISA_END
}  // namespace tapeflow::cpu
