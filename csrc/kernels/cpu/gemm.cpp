#include "kernels/cpu/gemm.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <optional>

#include "kernels/cpu/cpu_features.h"
#include "kernels/cpu/elementwise.h"
#include "kernels/cpu/parallel.h"

namespace tapeflow::cpu {

TF_DECLARE_ISA_KERNEL(void, gemm_f32, (const GemmProblem<float>& p))
TF_DECLARE_ISA_KERNEL(void, gemm_f64, (const GemmProblem<double>& p))

namespace {

template <typename T>
void bias_activate(const GemmProblem<T>& p, T* c, int64_t rows, int64_t cols, int64_t col) {
  std::optional<UnaryOp> activation;
  switch (p.activation) {
    case GemmActivation::Relu:
      activation = UnaryOp::Relu;
      break;
    case GemmActivation::Sigmoid:
      activation = UnaryOp::Sigmoid;
      break;
    case GemmActivation::Tanh:
      activation = UnaryOp::Tanh;
      break;
    case GemmActivation::None:
      break;
  }
  bias_activate_rows(c, rows, cols, p.ldc, p.bias == nullptr ? nullptr : p.bias + col, activation);
}

}  // namespace

void apply_epilogue(const GemmProblem<float>& p, float* c, int64_t rows, int64_t cols,
                    int64_t col) {
  bias_activate(p, c, rows, cols, col);
}
void apply_epilogue(const GemmProblem<double>& p, double* c, int64_t rows, int64_t cols,
                    int64_t col) {
  bias_activate(p, c, rows, cols, col);
}

namespace {

template <typename T>
struct Accumulator {
  using type = T;
};
template <>
struct Accumulator<float> {
  using type = double;
};
template <>
struct Accumulator<int32_t> {
  using type = uint32_t;
};
template <>
struct Accumulator<int64_t> {
  using type = uint64_t;
};

// c = a @ b for one matrix, summing k in ascending order (float32 in a double accumulator, so
// the reference is accurate for long K). Integers wrap around on overflow (summed as unsigned,
// where wrapping is defined), as TensorFlow's do.
template <typename T>
void reference_one(const GemmProblem<T>& p) {
  using Acc = typename Accumulator<T>::type;
  for (int64_t i = 0; i < p.m; ++i) {
    for (int64_t j = 0; j < p.n; ++j) {
      Acc sum = 0;
      for (int64_t k = 0; k < p.k; ++k)
        sum += Acc(p.a[i * p.a_row_stride + k * p.a_col_stride]) *
               Acc(p.b[k * p.b_row_stride + j * p.b_col_stride]);
      p.c[i * p.ldc + j] = T(sum);
    }
  }
}

// Calls fn(problem) for every matrix of the batch: a (..., M, K), b (..., K, N) with any
// strides, out (..., M, N) contiguous, one batch shape for all three. Many small products are
// spread over the threads by batch index; a large one parallelises inside.
template <typename T, class Fn>
void for_each_matrix(const Tensor& a, const Tensor& b, const Tensor& out,
                     const GemmEpilogue& epilogue, Fn&& fn) {
  const int r = out.rank();
  const int64_t m = out.dim(r - 2), n = out.dim(r - 1), k = a.dim(r - 1);
  GemmProblem<T> first{m,
                       n,
                       k,
                       a.data<T>(),
                       a.strides()[r - 2],
                       a.strides()[r - 1],
                       b.data<T>(),
                       b.strides()[r - 2],
                       b.strides()[r - 1],
                       out.data<T>(),
                       n};
  if (epilogue.bias.defined()) first.bias = epilogue.bias.data<T>();
  first.activation = epilogue.activation;
  int64_t batch = 1;
  for (int d = 0; d < r - 2; ++d) batch *= out.dim(d);
  auto run_range = [&](int64_t lo, int64_t hi) {
    for (int64_t index = lo; index < hi; ++index) {
      GemmProblem<T> p = first;
      int64_t rest = index;
      for (int d = r - 3; d >= 0; --d) {
        const int64_t i = rest % out.dim(d);
        rest /= out.dim(d);
        p.a += i * a.strides()[d];
        p.b += i * b.strides()[d];
      }
      p.c += index * m * n;
      fn(p);
    }
  };
  const double macs = std::max(double(m) * double(n) * double(k), 1.0);
  if (batch > 1 && macs < double(kGemmParallelMacs)) {
    parallel_for(0, batch, int64_t(std::ceil(double(kGemmParallelMacs) / macs)), run_range);
  } else {
    run_range(0, batch);
  }
}

}  // namespace

void gemm_reference(const Tensor& a, const Tensor& b, const Tensor& out) {
  if (out.numel() == 0) return;
  TF_DISPATCH_NUMERIC(out.dtype(), "matmul",
                      for_each_matrix<scalar_t>(a, b, out, {}, reference_one<scalar_t>));
}

void gemm(const Tensor& a, const Tensor& b, const Tensor& out, const GemmEpilogue& epilogue) {
  if (out.numel() == 0) return;
  if (a.dim(a.rank() - 1) == 0) {  // K = 0: every dot product is empty, out = epilogue(0)
    std::memset(out.raw_data(), 0, size_t(out.numel()) * out.itemsize());
    if (epilogue.bias.defined() || epilogue.activation != GemmActivation::None) {
      TF_DISPATCH_FLOAT(
          out.dtype(), "matmul",
          for_each_matrix<scalar_t>(a, b, out, epilogue, [](const GemmProblem<scalar_t>& p) {
            apply_epilogue(p, p.c, p.m, p.n, 0);
          }));
    }
    return;
  }
  switch (out.dtype()) {
    case DType::Float32:
      for_each_matrix<float>(a, b, out, epilogue,
                             [](const GemmProblem<float>& p) { TF_CALL_ISA_KERNEL(gemm_f32, p); });
      return;
    case DType::Float64:
      for_each_matrix<double>(a, b, out, epilogue, [](const GemmProblem<double>& p) {
        TF_CALL_ISA_KERNEL(gemm_f64, p);
      });
      return;
    default:
      gemm_reference(a, b, out);
  }
}

}  // namespace tapeflow::cpu
