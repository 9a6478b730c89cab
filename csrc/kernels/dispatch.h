// The only place that looks at a tensor's device: each entry forwards to the backend that
// owns the output's memory. Ops (csrc/ops) call these, never a backend directly.
// Contracts (shapes, dtypes, broadcasting) are established by the op before the call; the op
// also puts every operand on out's device (ops/device.h), except for copy(), which moves
// values between devices.
//
// The CPU path costs one branch on the device field. In a CUDA build, a GPU output selects the
// kernels/cuda backend with that GPU made current; operands elsewhere raise InternalError
// (an op that forgot to co-locate them) instead of handing a kernel a foreign pointer.
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

#ifdef TAPEFLOW_HAS_CUDA
#include "core/cuda/runtime.h"
#include "kernels/cuda/crossentropy.h"
#include "kernels/cuda/elementwise.h"
#include "kernels/cuda/gemm.h"
#include "kernels/cuda/index.h"
#include "kernels/cuda/random.h"
#include "kernels/cuda/reduce.h"
#endif

namespace tapeflow::kernels {

[[noreturn]] inline void no_backend(const Tensor& t, const char* what) {
  throw UnimplementedError(
      str_cat(what, ": no kernel for device ", t.device().name(), " in this build"));
}

// Every operand on out's device; a no-op without CUDA, where every tensor is on the CPU.
template <class... Operands>
inline void check_colocated(const char* what, const Tensor& out, const Operands&... operands) {
#ifdef TAPEFLOW_HAS_CUDA
  const Device device = out.device();
  if (((operands.device() != device) || ...))
    throw InternalError(str_cat(what, ": operands on different devices reached a kernel (",
                                device.name(), " expected)"));
#endif
}

#ifdef TAPEFLOW_HAS_CUDA
#define TF_CUDA_BACKEND_CALL(out, call)                            \
  if ((out).device().type == DeviceType::CUDA) {                   \
    const cuda::DeviceGuard tf_device_guard((out).device().index); \
    cuda::call;                                                    \
    return;                                                        \
  }
#else
#define TF_CUDA_BACKEND_CALL(out, call)
#endif

#define TF_BACKEND_CALL(out, what, call) \
  do {                                   \
    if ((out).device().is_cpu()) {       \
      cpu::call;                         \
      return;                            \
    }                                    \
    TF_CUDA_BACKEND_CALL(out, call)      \
    no_backend(out, what);               \
  } while (0)

// The same for entries that return a value computed from one tensor.
#ifdef TAPEFLOW_HAS_CUDA
#define TF_CUDA_BACKEND_RETURN(t, call)                          \
  if ((t).device().type == DeviceType::CUDA) {                   \
    const cuda::DeviceGuard tf_device_guard((t).device().index); \
    return cuda::call;                                           \
  }
#else
#define TF_CUDA_BACKEND_RETURN(t, call)
#endif
#define TF_BACKEND_RETURN(t, what, call)         \
  do {                                           \
    if ((t).device().is_cpu()) return cpu::call; \
    TF_CUDA_BACKEND_RETURN(t, call)              \
    no_backend(t, what);                         \
  } while (0)

inline void binary(BinaryOp op, const Tensor& a, const Tensor& b, const Tensor& out) {
  check_colocated(op_name(op), out, a, b);
  TF_BACKEND_CALL(out, op_name(op), binary(op, a, b, out));
}
inline void unary(UnaryOp op, const Tensor& a, const Tensor& out) {
  check_colocated(op_name(op), out, a);
  TF_BACKEND_CALL(out, op_name(op), unary(op, a, out));
}
inline void where(const Tensor& cond, const Tensor& a, const Tensor& b, const Tensor& out) {
  check_colocated("where", out, cond, a, b);
  TF_BACKEND_CALL(out, "where", where(cond, a, b, out));
}
// dst = src, also across devices (the one entry that moves values between them).
inline void copy(const Tensor& src, const Tensor& dst) {
  if (src.device().is_cpu() && dst.device().is_cpu()) return cpu::copy(src, dst);
#ifdef TAPEFLOW_HAS_CUDA
  const cuda::DeviceGuard guard((dst.device().is_cpu() ? src : dst).device().index);
  return cuda::copy(src, dst);
#else
  no_backend(src.device().is_cpu() ? dst : src, "copy");
#endif
}

inline bool any_true(const Tensor& t) {
  TF_BACKEND_RETURN(t, "any_true", any_true(t));
}

// --- reductions and softmax (kernels/cpu/reduce.h) ---
inline void reduce(ReduceOp op, const Tensor& in, int reduced_rank, const Tensor& out) {
  check_colocated("reduce", out, in);
  TF_BACKEND_CALL(out, "reduce", reduce(op, in, reduced_rank, out));
}
inline void reduce_reference(ReduceOp op, const Tensor& in, int reduced_rank, const Tensor& out) {
  check_colocated("reduce_reference", out, in);
  TF_BACKEND_CALL(out, "reduce_reference", reduce_reference(op, in, reduced_rank, out));
}
inline void arg_reduce(bool is_max, const Tensor& in, const Tensor& out) {
  check_colocated("arg_reduce", out, in);
  TF_BACKEND_CALL(out, is_max ? "argmax" : "argmin", arg_reduce(is_max, in, out));
}
inline void softmax(const Tensor& in, int64_t outer, int64_t n, int64_t inner, bool log,
                    const Tensor& out) {
  check_colocated("softmax", out, in);
  TF_BACKEND_CALL(out, log ? "log_softmax" : "softmax", softmax(in, outer, n, inner, log, out));
}

// --- fused sparse softmax cross-entropy (kernels/cpu/crossentropy.h) ---
inline int64_t sparse_softmax_cross_entropy(const Tensor& logits, const Tensor& labels,
                                            const Tensor& losses, const Tensor& probs) {
  check_colocated("sparse_softmax_cross_entropy", losses, logits, labels, probs);
  TF_BACKEND_RETURN(losses, "sparse_softmax_cross_entropy",
                    sparse_softmax_cross_entropy(logits, labels, losses, probs));
}
inline void sparse_softmax_cross_entropy_backward(const Tensor& probs, const Tensor& labels,
                                                  const Tensor& grad, const Tensor& out) {
  check_colocated("sparse_softmax_cross_entropy_backward", out, probs, labels, grad);
  TF_BACKEND_CALL(out, "sparse_softmax_cross_entropy_backward",
                  sparse_softmax_cross_entropy_backward(probs, labels, grad, out));
}

// --- gemm (kernels/cpu/gemm.h) ---
// out (..., M, N) = a (..., M, K) @ b (..., K, N); one batch shape, out fresh and contiguous;
// the epilogue (bias add, activation) is fused into the write-back.
inline void gemm(const Tensor& a, const Tensor& b, const Tensor& out,
                 const cpu::GemmEpilogue& epilogue = {}) {
  check_colocated("matmul", out, a, b);
  if (epilogue.bias.defined()) check_colocated("matmul", out, epilogue.bias);
  TF_BACKEND_CALL(out, "matmul", gemm(a, b, out, epilogue));
}
inline void gemm_reference(const Tensor& a, const Tensor& b, const Tensor& out) {
  check_colocated("matmul", out, a, b);
  TF_BACKEND_CALL(out, "matmul", gemm_reference(a, b, out));
}

// --- index, gather, concat, one_hot (kernels/cpu/index.h) ---
inline void gather(const Tensor& params, const Tensor& indices, const cpu::GatherDims& d,
                   const Tensor& out) {
  check_colocated("gather", out, params, indices);
  TF_BACKEND_CALL(out, "gather", gather(params, indices, d, out));
}
inline void scatter_sum(const Tensor& updates, const Tensor& indices, const cpu::GatherDims& d,
                        const Tensor& out) {
  check_colocated("scatter_sum", out, updates, indices);
  TF_BACKEND_CALL(out, "scatter_sum", scatter_sum(updates, indices, d, out));
}
inline cpu::OutOfRange find_out_of_range(const Tensor& indices, int64_t lo, int64_t hi) {
  TF_BACKEND_RETURN(indices, "find_out_of_range", find_out_of_range(indices, lo, hi));
}
inline void one_hot(const Tensor& indices, const Tensor& on, const Tensor& off, const Tensor& out) {
  check_colocated("one_hot", out, indices, on, off);
  TF_BACKEND_CALL(out, "one_hot", one_hot(indices, on, off, out));
}
inline void tile(const Tensor& x, const Tensor& out) {
  check_colocated("tile", out, x);
  TF_BACKEND_CALL(out, "tile", tile(x, out));
}
inline void fill_range(const Tensor& start, const Tensor& delta, const Tensor& out) {
  check_colocated("range", out, start, delta);
  TF_BACKEND_CALL(out, "range", fill_range(start, delta, out));
}
inline void eye(const Tensor& out) {
  TF_BACKEND_CALL(out, "eye", eye(out));
}
inline int64_t count_true(const Tensor& mask) {
  TF_BACKEND_RETURN(mask, "count_true", count_true(mask));
}
inline void true_positions(const Tensor& mask, const Tensor& out) {
  check_colocated("true_positions", out, mask);
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
inline void random_normal(const philox::Stream& s, double mean, double stddev, const Tensor& out) {
  TF_BACKEND_CALL(out, "random_normal", random_normal(s, mean, stddev, out));
}
inline void truncated_normal(const philox::Stream& s, double mean, double stddev,
                             const Tensor& out) {
  TF_BACKEND_CALL(out, "truncated_normal", truncated_normal(s, mean, stddev, out));
}
inline void random_shuffle(const philox::Stream& s, const Tensor& value, const Tensor& out) {
  check_colocated("random_shuffle", out, value);
  TF_BACKEND_CALL(out, "random_shuffle", random_shuffle(s, value, out));
}

// --- fused optimizer updates (kernels/cpu/optimizer.h) ---
// CPU only for now: on a GPU, Keras optimizers take their composite update_step
// (keras/optimizers/_fused.py), built from ops that every backend has.
inline void apply_update(const cpu::UpdateRule& rule, const std::vector<Tensor>& variables,
                         const std::vector<Tensor>& gradients,
                         const std::vector<std::vector<Tensor>>& slots) {
  if (variables.front().device().is_cpu())
    return cpu::apply_update(rule, variables, gradients, slots);
  no_backend(variables.front(), "apply_update");
}

}  // namespace tapeflow::kernels
