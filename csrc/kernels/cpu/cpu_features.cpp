#include "kernels/cpu/cpu_features.h"

#include <cstdlib>
#include <cstring>

#if defined(__unix__) || defined(__APPLE__)
#include <unistd.h>
#endif

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

// sysconf's answer for one cache level, or `fallback` where it has none (0, -1 or unknown name).
[[maybe_unused]] int64_t cache_size_or(int name, int64_t fallback) {
#if defined(__unix__) || defined(__APPLE__)
  const long bytes = sysconf(name);
  if (bytes > 0) return bytes;
#endif
  (void)name;
  return fallback;
}

CacheSizes detect_caches() {
  CacheSizes sizes;
#if defined(_SC_LEVEL1_DCACHE_SIZE) && defined(_SC_LEVEL2_CACHE_SIZE) && \
    defined(_SC_LEVEL3_CACHE_SIZE)
  sizes.l1d = cache_size_or(_SC_LEVEL1_DCACHE_SIZE, sizes.l1d);
  sizes.l2 = cache_size_or(_SC_LEVEL2_CACHE_SIZE, sizes.l2);
  sizes.l3 = cache_size_or(_SC_LEVEL3_CACHE_SIZE, sizes.l3);
#endif
  return sizes;
}

}  // namespace

const CacheSizes& cache_sizes() {
  static const CacheSizes sizes = detect_caches();
  return sizes;
}

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
