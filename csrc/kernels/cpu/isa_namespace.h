// Kernels in cpu/isa/ are compiled once per instruction set (-DTF_ISA=generic|avx2|avx512).
// Inline code they share (templates in headers such as loops.h) is wrapped in
// TF_ISA_BEGIN/TF_ISA_END, an inline namespace named after the ISA, so each copy gets its own
// symbols and the linker can never hand AVX-512 code to the generic path.
#pragma once

#if defined(TF_ISA)
#define TF_ISA_BEGIN inline namespace TF_ISA {
#define TF_ISA_END }
#else
#define TF_ISA_BEGIN
#define TF_ISA_END
#endif
