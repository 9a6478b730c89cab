// Vectorised pow(x, y) of simd::Vec<float>, the fast CPU version of scalar::Pow for float32
// (float64 stays on the C library).
//
// Error: within 1 ulp (0.5 ulp and a hair) over all floats: computed in double lanes, where
// y log2|x| has an error below 2^-38 relative, and rounded once to float. Special cases as C's
// pow (C99 Annex F): x^0 = 1^y = (-1)^inf = 1, NaN or not; x < 0 finite with y a finite
// non-integer gives NaN; with y an odd integer, x^y takes x's sign (-0 and -inf included);
// 0, inf and over/underflow follow from log2 0 = -inf and 2^+-inf = inf, 0.
//
// Method, on double lanes (every float is a normal double):
//   log2: x = 2^k m, m in [sqrt(1/2), sqrt(2)); the top 5 bits of m's mantissa pick c, one of
//         32 points spread over that range (c = 1 around 1), and z = m/c - 1 = m (1/c) - 1 with
//         1/c from a table, |z| < 0.016; log2 x = k + log2 c + log2(1 + z), the last a Taylor
//         polynomial (degree 6: truncation < 2^-39 relative).
//   exp2: t = n/32 + r, |r| <= 1/64; 2^t = 2^(n >> 5) 2^((n & 31)/32) 2^r, the middle factor
//         from a table, 2^r - 1 a Taylor polynomial (degree 4: < 2^-39), 2^(n >> 5) added
//         into the exponent bits. t is clamped to +-200 (a float overflows or underflows
//         well before).
#pragma once
#include <cstdint>
#include <limits>

#include "kernels/cpu/isa/vecmath.h"

namespace tapeflow::cpu {
TF_ISA_BEGIN
namespace vecmath {

struct PowConstants {
  static constexpr int kTableBits = 5;
  // The tables keep four entries a line.
  // clang-format off
  // For i = the top 5 bits of (m - sqrt(1/2))'s mantissa: 1/c_i (c_i the middle of the range
  // of m, or 1) and log2(c_i) = -log2 of that double (mpmath).
  static constexpr double kInverseCenter[] = {
      1.3987593093591006, 1.3688424175681773, 1.34017846246607,   1.3126903479013132,
      1.2863071758057445, 1.2609636356040632, 1.2365994644098708, 1.2131589686155886,
      1.1905905988814873, 1.1688465716971517, 1.1478825316682226, 1.127657249505467,
      1.1081323513889776, 1.089272075969502,  1.0710430557693367, 1.0534141201715383,
      1.0363561175503864, 1.0198417544079796, 1.0,                0.9769550352160957,
      0.9480123648023224, 0.9207352279035217, 0.8949838783654956, 0.870633778499329,
      0.8475735849730384, 0.8257034465262616, 0.8049335586024281, 0.7851829307705828,
      0.7663783312636863, 0.748453379635141,  0.7313477638372475, 0.7150065622610422};
  static constexpr double kLog2Center[] = {
      -0.48414773300436104, -0.4529563717394116,  -0.42242512737816906, -0.39252663730217113,
      -0.3632352057241944,  -0.334526670995117,   -0.3063782858578249,  -0.2787686091612218,
      -0.2516774077428956,  -0.2250855673556654,  -0.19897501165575188, -0.17332862839257385,
      -0.14813020204533278, -0.12336435224227969, -0.09901647737701393, -0.07507270290422749,
      -0.05151983385645761, -0.02834531117497108, 0.0,                  0.03363593183758755,
      0.07702221875680462,  0.11914174889462352,  0.16006640000949796,  0.19986210057350065,
      0.23858946874197537,  0.27630436777769496,  0.31305839070449304,  0.3488992847428571,
      0.383871324288691,    0.418015639744469,    0.45137050832867226,  0.4839716120200873};
  // 2^(j/32), j = 0 ... 31.
  static constexpr double kExp2Fraction[] = {
      1.0,                1.0218971486541166, 1.0442737824274138, 1.0671404006768237,
      1.0905077326652577, 1.1143867425958924, 1.1387886347566916, 1.1637248587775775,
      1.189207115002721,  1.215247359980469,  1.241857812073484,  1.2690509571917332,
      1.2968395546510096, 1.3252366431597413, 1.3542555469368927, 1.383909881963832,
      1.4142135623730951, 1.4451808069770467, 1.4768261459394993, 1.5091644275934228,
      1.5422108254079407, 1.5759808451078865, 1.6104903319492543, 1.645755478153965,
      1.681792830507429,  1.718619298122478,  1.7562521603732995, 1.7947090750031072,
      1.8340080864093424, 1.8741676341103,    1.9152065613971474, 1.9571441241754002};
  // clang-format on
  // log2(1 + z) = z L(z): (-1)^(k+1) / (k ln 2), k = 1 ... 6.
  static constexpr double kLog2Taylor[] = {1.4426950408889634,  -0.7213475204444817,
                                           0.4808983469629878,  -0.36067376022224085,
                                           0.28853900817779266, -0.2404491734814939};
  // 2^r - 1 = r E(r): ln2^k / k!, k = 1 ... 4.
  static constexpr double kExp2Taylor[] = {0.6931471805599453, 0.24022650695910072,
                                           0.05550410866482158, 0.009618129107628477};
  static constexpr double kExp2Clamp = 200.0;
};

// log2(a) for finite a > 0 (normal doubles).
inline Vec<double> log2_positive(Vec<double> a) {
  using C = PowConstants;
  using V = Vec<double>;
  using Bits = V::Bits;
  const Bits mantissa_mask((int64_t(1) << 52) - 1);
  const Bits sqrt_half = V(0.70710678118654752440).bits();
  // As in log_normal (vecmath.h): m = the mantissa scaled into [sqrt(1/2), sqrt 2), k as double.
  const Bits shifted = a.bits() - (sqrt_half & mantissa_mask);
  const V m = V::from_bits((shifted & mantissa_mask) + sqrt_half);
  const V two_to_52(0x1p52);
  const V k = V::from_bits(shift_right<52>(shifted) | two_to_52.bits()) - two_to_52 - V(1022.0);
  const Bits index = shift_right<52 - C::kTableBits>(shifted) & Bits(int64_t(31));
  const V z = fma(m, simd::gather(C::kInverseCenter, index), V(-1.0));
  return fma(z, polynomial(z, C::kLog2Taylor), k + simd::gather(C::kLog2Center, index));
}

// 2^t for any t (NaN gives NaN).
inline Vec<double> exp2_any(Vec<double> t) {
  using C = PowConstants;
  using V = Vec<double>;
  using Bits = V::Bits;
  const V magic(Constants<double>::kRoundMagic);
  const V clamped = min(V(C::kExp2Clamp), max(V(-C::kExp2Clamp), t));  // keeps NaN
  const V shifted = fma(clamped, V(32.0), magic);  // n = round(32 t) in the low bits
  const V n = shifted - magic;
  const V r = fma(n, V(-1.0 / 32), clamped);  // exact
  const Bits index = shifted.bits() & Bits(int64_t(31));
  // (n - index) << 47 = (n >> 5) << 52: 2^(n >> 5) as an exponent increment (magic's own
  // bits shift out).
  const Bits exponent = shift_left<52 - C::kTableBits>(shifted.bits() - index);
  const V scale = V::from_bits(simd::gather(C::kExp2Fraction, index).bits() + exponent);
  return fma(scale, r * polynomial(r, C::kExp2Taylor), scale);
}

// pow of double lanes that hold floats (see the top of the file).
inline Vec<double> pow_of_floats(Vec<double> x, Vec<double> y) {
  using V = Vec<double>;
  const V magic(Constants<double>::kRoundMagic), one(1.0), infinity(kInfinity<double>);
  const V abs_x = abs(x), abs_y = abs(y);
  // x > 0 finite and y finite (NaN fails) need no special case: y = 0 and x = 1 give t = 0 and
  // 2^0 = 1 exactly. Other lanes take the selects below, which leave these lanes' bits alone.
  if (all((V(0.0) < x) & (x < infinity) & (abs_y < infinity)))
    return exp2_any(y * log2_positive(x));
  V log2_x = log2_positive(abs_x);
  log2_x = select(abs_x == V(0.0), V(-kInfinity<double>), log2_x);
  log2_x = select(abs_x == infinity, infinity, log2_x);
  log2_x = select(x == x, log2_x, x);  // NaN
  V result = exp2_any(y * log2_x);

  // Every float from 2^23 up is an integer, and even from 2^24 up; below, adding and taking
  // away the magic number rounds to an integer.
  const V rounded = (y + magic) - magic;
  const V half_rounded = fma(y, V(0.5), magic) - magic;
  const auto integer = (V(0x1p23) <= abs_y) | (rounded == y);  // +-inf too, NaN not
  const auto odd = (abs_y < V(0x1p24)) & (rounded == y) & !(half_rounded + half_rounded == y);
  result = select(odd, copy_sign(result, x), result);
  const auto negative_finite_x = (x < V(0.0)) & (V(-kInfinity<double>) < x);
  const V nan(std::numeric_limits<double>::quiet_NaN());
  result = select(negative_finite_x & !integer, nan, result);
  result = select((x == V(-1.0)) & (abs_y == infinity), one, result);
  return select((y == V(0.0)) | (x == one), one, result);
}

inline Vec<float> pow(Vec<float> x, Vec<float> y) {
  return in_double_lanes([](Vec<double> a, Vec<double> b) { return pow_of_floats(a, b); }, x, y);
}

}  // namespace vecmath
TF_ISA_END
}  // namespace tapeflow::cpu
