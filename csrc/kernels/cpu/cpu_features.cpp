#include "kernels/cpu/cpu_features.h"

#include <cstdlib>
#include <cstring>

namespace tapeflow::cpu {
namespace {

Isa detect() {
  Isa best = Isa::Generic;
#if defined(TF_X86_64)
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) best = Isa::Avx2;
  if (best == Isa::Avx2 && __builtin_cpu_supports("avx512f") &&
      __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512bw") &&
      __builtin_cpu_supports("avx512vl"))
    best = Isa::Avx512;
#endif
  if (const char* cap = std::getenv("TAPEFLOW_ISA")) {
    Isa wanted = best;
    if (std::strcmp(cap, "generic") == 0) wanted = Isa::Generic;
    if (std::strcmp(cap, "avx2") == 0) wanted = Isa::Avx2;
    if (std::strcmp(cap, "avx512") == 0) wanted = Isa::Avx512;
    if (int(wanted) < int(best)) best = wanted;
  }
  return best;
}

}  // namespace

Isa active_isa() {
  static const Isa isa = detect();
  return isa;
}

const char* isa_name(Isa isa) {
  switch (isa) {
    case Isa::Avx512: return "avx512";
    case Isa::Avx2: return "avx2";
    default: return "generic";
  }
}

}  // namespace tapeflow::cpu
