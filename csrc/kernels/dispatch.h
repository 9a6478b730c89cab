// The only place that looks at a tensor's device: each entry forwards to the backend that
// owns the output's memory. Ops (csrc/ops) call these, never a backend directly.
// Contracts (shapes, dtypes, broadcasting) are established by the op before the call.
#pragma once
#include "core/tensor.h"
#include "kernels/cpu/crossentropy.h"
#include "kernels/cpu/elementwise.h"
#include "kernels/cpu/gemm.h"
#include "kernels/cpu/index.h"
#include "kernels/cpu/optimizer.h"
#include "kernels/cpu/random.h"
#include "kernels/cpu/reduce.h"
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
inline void reduce(ReduceOp op, const Tensor& in, int reduced_rank, const Tensor& out) {
  TF_BACKEND_CALL(out, "reduce", reduce(op, in, reduced_rank, out));
}
inline void reduce_reference(ReduceOp op, const Tensor& in, int reduced_rank, const Tensor& out) {
  TF_BACKEND_CALL(out, "reduce_reference", reduce_reference(op, in, reduced_rank, out));
}
inline void arg_reduce(bool is_max, const Tensor& in, const Tensor& out) {
  TF_BACKEND_CALL(out, is_max ? "argmax" : "argmin", arg_reduce(is_max, in, out));
}
inline void softmax(const Tensor& in, int64_t outer, int64_t n, int64_t inner, bool log,
                    const Tensor& out) {
  TF_BACKEND_CALL(out, log ? "log_softmax" : "softmax", softmax(in, outer, n, inner, log, out));
}

// --- fused sparse softmax cross-entropy (kernels/cpu/crossentropy.h) ---
inline int64_t sparse_softmax_cross_entropy(const Tensor& logits, const Tensor& labels,
                                            const Tensor& losses, const Tensor& probs) {
  if (losses.device().is_cpu())
    return cpu::sparse_softmax_cross_entropy(logits, labels, losses, probs);
  no_backend(losses, "sparse_softmax_cross_entropy");
}
inline void sparse_softmax_cross_entropy_backward(const Tensor& probs, const Tensor& labels,
                                                  const Tensor& grad, const Tensor& out) {
  TF_BACKEND_CALL(out, "sparse_softmax_cross_entropy_backward",
                  sparse_softmax_cross_entropy_backward(probs, labels, grad, out));
}

// --- gemm (kernels/cpu/gemm.h) ---
// out (..., M, N) = a (..., M, K) @ b (..., K, N); one batch shape, out fresh and contiguous;
// the epilogue (bias add, activation) is fused into the write-back.
inline void gemm(const Tensor& a, const Tensor& b, const Tensor& out,
                 const cpu::GemmEpilogue& epilogue = {}) {
  TF_BACKEND_CALL(out, "matmul", gemm(a, b, out, epilogue));
}
inline void gemm_reference(const Tensor& a, const Tensor& b, const Tensor& out) {
  TF_BACKEND_CALL(out, "matmul", gemm_reference(a, b, out));
}

// --- index, gather, concat, one_hot (kernels/cpu/index.h) ---
inline void gather(const Tensor& params, const Tensor& indices, const cpu::GatherDims& d,
                   const Tensor& out) {
  TF_BACKEND_CALL(out, "gather", gather(params, indices, d, out));
}
inline void scatter_sum(const Tensor& updates, const Tensor& indices, const cpu::GatherDims& d,
                        const Tensor& out) {
  TF_BACKEND_CALL(out, "scatter_sum", scatter_sum(updates, indices, d, out));
}
inline cpu::OutOfRange find_out_of_range(const Tensor& indices, int64_t lo, int64_t hi) {
  if (indices.device().is_cpu()) return cpu::find_out_of_range(indices, lo, hi);
  no_backend(indices, "find_out_of_range");
}
inline void one_hot(const Tensor& indices, const Tensor& on, const Tensor& off,
                    const Tensor& out) {
  TF_BACKEND_CALL(out, "one_hot", one_hot(indices, on, off, out));
}
inline void tile(const Tensor& x, const Tensor& out) { TF_BACKEND_CALL(out, "tile", tile(x, out)); }
inline void fill_range(const Tensor& start, const Tensor& delta, const Tensor& out) {
  TF_BACKEND_CALL(out, "range", fill_range(start, delta, out));
}
inline void eye(const Tensor& out) { TF_BACKEND_CALL(out, "eye", eye(out)); }
inline int64_t count_true(const Tensor& mask) {
  if (mask.device().is_cpu()) return cpu::count_true(mask);
  no_backend(mask, "count_true");
}
inline void true_positions(const Tensor& mask, const Tensor& out) {
  TF_BACKEND_CALL(out, "true_positions", true_positions(mask, out));
}

// --- random (kernels/cpu/random.h) ---
inline void random_uniform(const philox::Stream& s, double minval, double maxval,
                           const Tensor& out) {
  TF_BACKEND_CALL(out, "random_uniform", random_uniform(s, minval, maxval, out));
}
inline void random_uniform_int(const philox::Stream& s, int64_t minval, uint64_t range,
                               const Tensor& out) {
  TF_BACKEND_CALL(out, "random_uniform_int", random_uniform_int(s, minval, range, out));
}
inline void random_normal(const philox::Stream& s, double mean, double stddev,
                          const Tensor& out) {
  TF_BACKEND_CALL(out, "random_normal", random_normal(s, mean, stddev, out));
}
inline void truncated_normal(const philox::Stream& s, double mean, double stddev,
                             const Tensor& out) {
  TF_BACKEND_CALL(out, "truncated_normal", truncated_normal(s, mean, stddev, out));
}
inline void random_shuffle(const philox::Stream& s, const Tensor& value, const Tensor& out) {
  TF_BACKEND_CALL(out, "random_shuffle", random_shuffle(s, value, out));
}

// --- fused optimizer updates (kernels/cpu/optimizer.h) ---
inline void apply_update(const cpu::UpdateRule& rule, const std::vector<Tensor>& variables,
                         const std::vector<Tensor>& gradients,
                         const std::vector<std::vector<Tensor>>& slots) {
  TF_BACKEND_CALL(variables.front(), "apply_update",
                  apply_update(rule, variables, gradients, slots));
}

}  // namespace tapeflow::kernels
