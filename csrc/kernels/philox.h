// Philox4x32-10, the counter-based generator behind every tapeflow random op (Salmon, Moraes,
// Dror and Shaw, "Parallel Random Numbers: As Easy as 1, 2, 3", SC'11), and the conversions
// from its 32-bit words to uniform and normal samples. Written once as TF_HOST_DEVICE
// functions so that the CPU and (later) CUDA backends produce the same stream.
//
// A block is a pure function of (key, counter): 4 x 32-bit words out of 10 rounds of
// multiply-hi/lo, xor and key bumps. tapeflow lays out its streams like TensorFlow's
// stateful ops:
//   key     = the 64-bit `seed` (TF's global seed), low word first
//   counter = (position lo, position hi, seed2 lo, seed2 hi)   seed2 = TF's op seed
//   position = call * kCallStride + block index
// `call` counts earlier runs of the same kernel with the same seeds, so repeated calls draw
// fresh, non-overlapping numbers (TF's skip-ahead). Each element is a function of its block
// index alone: results never depend on the thread count or the backend.
#pragma once
#include <cmath>
#include <cstdint>

#include "kernels/scalar_ops.h"  // TF_HOST_DEVICE

namespace tapeflow::philox {

constexpr uint32_t kMultiplier0 = 0xD2511F53u, kMultiplier1 = 0xCD9E8D57u;
constexpr uint32_t kKeyBump0 = 0x9E3779B9u, kKeyBump1 = 0xBB67AE85u;  // golden ratio, sqrt(3)-1
constexpr int kRounds = 10;
// Positions reserved per call: room for 2^34 elements times the truncated-normal retries.
constexpr uint64_t kCallStride = uint64_t(1) << 40;

struct Block {
  uint32_t w[4];
};

// One Philox round: two 32x32->64 products, their halves crossed with the other words.
TF_HOST_DEVICE void mix_round(uint32_t c[4], uint32_t k0, uint32_t k1) {
  const uint64_t p0 = uint64_t(kMultiplier0) * c[0];
  const uint64_t p1 = uint64_t(kMultiplier1) * c[2];
  const uint32_t c1 = c[1], c3 = c[3];
  c[0] = uint32_t(p1 >> 32) ^ c1 ^ k0;
  c[1] = uint32_t(p1);
  c[2] = uint32_t(p0 >> 32) ^ c3 ^ k1;
  c[3] = uint32_t(p0);
}

// The raw generator, checked against Random123's known-answer vectors in tests/test_random.py.
TF_HOST_DEVICE Block philox4x32_10(const uint32_t counter[4], const uint32_t key[2]) {
  Block b{{counter[0], counter[1], counter[2], counter[3]}};
  uint32_t k0 = key[0], k1 = key[1];
  for (int r = 0; r < kRounds; ++r) {
    mix_round(b.w, k0, k1);
    k0 += kKeyBump0;
    k1 += kKeyBump1;
  }
  return b;
}

// The stream of one kernel run; block(i) is what element group i is made of.
struct Stream {
  uint32_t key[2];
  uint32_t seed2[2];
  uint64_t first;  // position of block 0: call * kCallStride

  TF_HOST_DEVICE static Stream make(uint64_t seed, uint64_t seed2, uint64_t call) {
    return Stream{{uint32_t(seed), uint32_t(seed >> 32)},
                  {uint32_t(seed2), uint32_t(seed2 >> 32)},
                  call * kCallStride};
  }
  TF_HOST_DEVICE Block block(uint64_t index) const {
    const uint64_t position = first + index;
    const uint32_t counter[4] = {uint32_t(position), uint32_t(position >> 32), seed2[0], seed2[1]};
    return philox4x32_10(counter, key);
  }
};

// --- from words to samples ---

// [0, 1) on a grid of 2^-24 (float) or 2^-53 (double): every value is exact.
TF_HOST_DEVICE float unit_float(uint32_t w) {
  return float(w >> 8) * 0x1p-24f;
}
TF_HOST_DEVICE double unit_double(uint32_t hi, uint32_t lo) {
  return double(((uint64_t(hi) << 32) | lo) >> 11) * 0x1p-53;
}
// (0, 1]: the radius of Box-Muller takes a log, which must never see 0.
TF_HOST_DEVICE float unit_float_open0(uint32_t w) {
  return float((w >> 8) + 1) * 0x1p-24f;
}
TF_HOST_DEVICE double unit_double_open0(uint32_t hi, uint32_t lo) {
  return double((((uint64_t(hi) << 32) | lo) >> 11) + 1) * 0x1p-53;
}

// Two independent standard normals from u in (0, 1] and v in [0, 1) (Box-Muller).
// NOTE: float32 normals are computed in double and rounded once, so that a backend whose
// float log/sin/cos differ by an ulp from glibc's still produces the same float32 values.
TF_HOST_DEVICE void box_muller(double u, double v, double& z0, double& z1) {
  const double radius = std::sqrt(-2.0 * std::log(u));
  const double theta = 6.283185307179586 * v;
  z0 = radius * std::cos(theta);
  z1 = radius * std::sin(theta);
}

// Per block: four float normals or two double normals.
TF_HOST_DEVICE void normals(const Block& b, float out[4]) {
  double z[4];
  box_muller(unit_float_open0(b.w[0]), unit_float(b.w[1]), z[0], z[1]);
  box_muller(unit_float_open0(b.w[2]), unit_float(b.w[3]), z[2], z[3]);
  for (int i = 0; i < 4; ++i) out[i] = float(z[i]);
}
TF_HOST_DEVICE void normals(const Block& b, double out[2]) {
  box_muller(unit_double_open0(b.w[0], b.w[1]), unit_double(b.w[2], b.w[3]), out[0], out[1]);
}

}  // namespace tapeflow::philox
