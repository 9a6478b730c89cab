// Run-time choice of the instruction set for the kernels in cpu/isa/ (compiled once per ISA).
// TAPEFLOW_ISA=generic|avx2|avx512 in the environment caps the choice (tests use it to
// exercise every path on one machine).
#pragma once
#include <cstdint>

namespace tapeflow::cpu {

enum class Isa { Generic = 0, Avx2 = 1, Avx512 = 2 };

Isa active_isa();  // detected once, then cached
const char* isa_name(Isa isa);

// Data cache sizes in bytes as the OS reports them (L1d and L2 per core, L3 shared), read once;
// where it reports none, these common sizes stand in. The GEMM derives its blocking from them.
struct CacheSizes {
  int64_t l1d = int64_t(32) << 10;
  int64_t l2 = int64_t(512) << 10;
  int64_t l3 = int64_t(8) << 20;
};
const CacheSizes& cache_sizes();

}  // namespace tapeflow::cpu

// Declares `ret name args` in every ISA namespace that this platform compiles.
#if defined(TF_X86_64)
#define TF_DECLARE_ISA_KERNEL(ret, name, args) \
  namespace generic { ret name args; }          \
  namespace avx2 { ret name args; }             \
  namespace avx512 { ret name args; }
// Calls the variant of `name` for the active ISA with the given arguments.
#define TF_CALL_ISA_KERNEL(name, ...)                                              \
  do {                                                                             \
    switch (::tapeflow::cpu::active_isa()) {                                       \
      case ::tapeflow::cpu::Isa::Avx512: avx512::name(__VA_ARGS__); break;         \
      case ::tapeflow::cpu::Isa::Avx2: avx2::name(__VA_ARGS__); break;             \
      default: generic::name(__VA_ARGS__); break;                                  \
    }                                                                              \
  } while (0)
#else
#define TF_DECLARE_ISA_KERNEL(ret, name, args) \
  namespace generic { ret name args; }
#define TF_CALL_ISA_KERNEL(name, ...) generic::name(__VA_ARGS__)
#endif
