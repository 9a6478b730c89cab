// The only place that looks at a tensor's device: each entry forwards to the backend that
// owns the output's memory. Ops (csrc/ops) call these, never a backend directly.
// Contracts (shapes, dtypes, broadcasting) are established by the op before the call.
#pragma once
#include "core/tensor.h"
#include "kernels/cpu/elementwise.h"
#include "kernels/cpu/gemm.h"
#include "kernels/scalar_ops.h"

namespace tapeflow::kernels {

[[noreturn]] inline void no_backend(const Tensor& t, const char* what) {
  throw UnimplementedError(
      str_cat(what, ": no kernel for device ", t.device().name(), " in this build"));
}

#define TF_BACKEND_CALL(out, what, call) \
  do {                                   \
    if ((out).device().is_cpu()) {       \
      cpu::call;                         \
      return;                            \
    }                                    \
    no_backend(out, what);               \
  } while (0)

inline void binary(BinaryOp op, const Tensor& a, const Tensor& b, const Tensor& out) {
  TF_BACKEND_CALL(out, op_name(op), binary(op, a, b, out));
}
inline void unary(UnaryOp op, const Tensor& a, const Tensor& out) {
  TF_BACKEND_CALL(out, op_name(op), unary(op, a, out));
}
inline void where(const Tensor& cond, const Tensor& a, const Tensor& b, const Tensor& out) {
  TF_BACKEND_CALL(out, "where", where(cond, a, b, out));
}
inline void copy(const Tensor& src, const Tensor& dst) {
  TF_BACKEND_CALL(dst, "copy", copy(src, dst));
}

inline bool any_true(const Tensor& t) {
  if (t.device().is_cpu()) return cpu::any_true(t);
  no_backend(t, "any_true");
}

// --- reductions and softmax (kernels/cpu/reduce.h) ---

// --- gemm (kernels/cpu/gemm.h) ---
// out (..., M, N) = a (..., M, K) @ b (..., K, N); one batch shape, out fresh and contiguous.
inline void gemm(const Tensor& a, const Tensor& b, const Tensor& out) {
  TF_BACKEND_CALL(out, "matmul", gemm(a, b, out));
}
inline void gemm_reference(const Tensor& a, const Tensor& b, const Tensor& out) {
  TF_BACKEND_CALL(out, "matmul", gemm_reference(a, b, out));
}

// --- index, gather, concat, one_hot (kernels/cpu/index.h) ---

// --- random (kernels/cpu/random.h) ---

}  // namespace tapeflow::kernels
