#include "kernels/cpu/elementwise.h"

#include "kernels/cpu/cpu_features.h"
#include "kernels/cpu/loops.h"

namespace tapeflow::cpu {

TF_DECLARE_ISA_KERNEL(void, binary_kernel,
                      (BinaryOp op, const Tensor& a, const Tensor& b, const Tensor& out))
TF_DECLARE_ISA_KERNEL(void, unary_kernel, (UnaryOp op, const Tensor& a, const Tensor& out))
TF_DECLARE_ISA_KERNEL(void, where_kernel,
                      (const Tensor& cond, const Tensor& a, const Tensor& b, const Tensor& out))
TF_DECLARE_ISA_KERNEL(void, copy_kernel, (const Tensor& src, const Tensor& dst))
TF_DECLARE_ISA_KERNEL(void, bias_activate_kernel,
                      (float* c, int64_t rows, int64_t cols, int64_t ld, const float* bias,
                       std::optional<UnaryOp> activation))
TF_DECLARE_ISA_KERNEL(void, bias_activate_kernel,
                      (double* c, int64_t rows, int64_t cols, int64_t ld, const double* bias,
                       std::optional<UnaryOp> activation))

void binary(BinaryOp op, const Tensor& a, const Tensor& b, const Tensor& out) {
  TF_CALL_ISA_KERNEL(binary_kernel, op, a, b, out);
}
void unary(UnaryOp op, const Tensor& a, const Tensor& out) {
  TF_CALL_ISA_KERNEL(unary_kernel, op, a, out);
}
void where(const Tensor& cond, const Tensor& a, const Tensor& b, const Tensor& out) {
  TF_CALL_ISA_KERNEL(where_kernel, cond, a, b, out);
}
void copy(const Tensor& src, const Tensor& dst) {
  TF_CALL_ISA_KERNEL(copy_kernel, src, dst);
}
void bias_activate_rows(float* c, int64_t rows, int64_t cols, int64_t ld, const float* bias,
                        std::optional<UnaryOp> activation) {
  TF_CALL_ISA_KERNEL(bias_activate_kernel, c, rows, cols, ld, bias, activation);
}
void bias_activate_rows(double* c, int64_t rows, int64_t cols, int64_t ld, const double* bias,
                        std::optional<UnaryOp> activation) {
  TF_CALL_ISA_KERNEL(bias_activate_kernel, c, rows, cols, ld, bias, activation);
}

bool any_true(const Tensor& t) {
  if (t.numel() == 0) return false;
  StridedLoop<1> loop(t.shape(), {&t});
  bool found = false;
  loop.run(0, loop.numel, [&](char* const* p, const int64_t* s, int64_t n) {
    for (int64_t i = 0; i < n && !found; ++i)
      found = *reinterpret_cast<const bool*>(p[0] + i * s[0]);
  });
  return found;
}

}  // namespace tapeflow::cpu
