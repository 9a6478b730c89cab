// CUDA fused sparse softmax cross-entropy. Forward: `group` threads per row (a power of two up
// to a warp, or a whole block for long rows) find the row's maximum and its sum of exponentials
// with shuffles, then write the softmax and the loss; a label outside [0, C) marks its row
// instead. Backward: one thread per element.
#include <cmath>
#include <limits>

#include "core/cuda/runtime.h"
#include "kernels/cuda/crossentropy.h"
#include "kernels/cuda/loops.cuh"

namespace tapeflow::cuda {
namespace {

// g * p rounded on its own (no fused multiply-add), as the CPU's g * p - g.
__device__ __forceinline__ float product_rn(float a, float b) {
  return __fmul_rn(a, b);
}
__device__ __forceinline__ double product_rn(double a, double b) {
  return __dmul_rn(a, b);
}

// losses[r] = log(sum(exp(z - top))) - (z[label] - top); probs[r] = exp(z - top) / sum.
template <class T, class L>
__global__ void forward_kernel(const T* logits, const L* labels, int64_t rows, int64_t classes,
                               int group, T* losses, T* probs, unsigned long long* first_bad) {
  __shared__ T scratch[kWarp];
  const int64_t r = (int64_t(blockIdx.x) * blockDim.x + threadIdx.x) / group;
  const int lane = threadIdx.x % group;
  const int64_t label = r < rows ? int64_t(labels[r]) : 0;
  const bool active = r < rows && label >= 0 && label < classes;
  if (r < rows && !active && lane == 0) atomicMin(first_bad, static_cast<unsigned long long>(r));
  const T* z = logits + (active ? r : 0) * classes;
  T top = -std::numeric_limits<T>::infinity();
  if (active)
    for (int64_t j = lane; j < classes; j += group) top = MaxKeepNan<T>{}(top, z[j]);
  top = group_allreduce(top, group, scratch, MaxKeepNan<T>{});
  T total = 0;
  if (active)
    for (int64_t j = lane; j < classes; j += group) total += exp(z[j] - top);
  total = group_allreduce(total, group, scratch, Plus<T>{});
  if (!active) return;
  // NOTE: a row of -inf logits gives top = -inf and NaNs, as on the CPU.
  if (lane == 0) losses[r] = T(std::log(total)) - (z[label] - top);
  const T scale = T(1) / total;
  T* p = probs + r * classes;
  for (int64_t j = lane; j < classes; j += group) p[j] = exp(z[j] - top) * scale;
}

// out[r, j] = g[r] * probs[r, j], minus g[r] at j == labels[r].
template <class T, class L>
__global__ void backward_kernel(const T* probs, const L* labels, const T* grad, int64_t rows,
                                int64_t classes, T* out) {
  for (int64_t e = global_thread(); e < rows * classes; e += grid_threads()) {
    const int64_t r = e / classes, j = e - r * classes;
    const T g = grad[r], scaled = product_rn(g, probs[e]);
    out[e] = j == int64_t(labels[r]) ? scaled - g : scaled;
  }
}

}  // namespace

int64_t sparse_softmax_cross_entropy(const Tensor& logits, const Tensor& labels,
                                     const Tensor& losses, const Tensor& probs) {
  const int64_t classes = logits.dim(logits.rank() - 1), rows = losses.numel();
  if (rows == 0) return -1;
  const int device = losses.device().index;
  const Tensor first_bad = Tensor::empty(Dims{}, DType::Int64, losses.device());
  const unsigned long long none = std::numeric_limits<unsigned long long>::max();
  upload(device, first_bad.raw_data(), &none, sizeof(none));
  int group = 1;
  while (group < kWarp && group < classes) group *= 2;
  if (classes > 1024) group = kBlockThreads;
  const int64_t rows_per_block = kBlockThreads / group;
  const unsigned blocks = unsigned((rows + rows_per_block - 1) / rows_per_block);
  for_float_and_index_types(logits.dtype(), labels.dtype(), [&](auto t, auto l) {
    using T = decltype(t);
    using L = decltype(l);
    forward_kernel<T, L><<<blocks, kBlockThreads, 0, stream(device)>>>(
        logits.data<T>(), labels.data<L>(), rows, classes, group, losses.data<T>(), probs.data<T>(),
        static_cast<unsigned long long*>(first_bad.raw_data()));
  });
  TF_CUDA_CHECK_LAUNCH("sparse_softmax_cross_entropy forward_kernel");
  unsigned long long bad = none;
  download(device, &bad, first_bad.raw_data(), sizeof(bad));
  return bad == none ? -1 : int64_t(bad);
}

void sparse_softmax_cross_entropy_backward(const Tensor& probs, const Tensor& labels,
                                           const Tensor& grad, const Tensor& out) {
  const int64_t classes = probs.dim(probs.rank() - 1), rows = grad.numel();
  if (rows * classes == 0) return;
  for_float_and_index_types(probs.dtype(), labels.dtype(), [&](auto t, auto l) {
    using T = decltype(t);
    using L = decltype(l);
    backward_kernel<T, L>
        <<<grid_for(rows * classes), kBlockThreads, 0, stream(out.device().index)>>>(
            probs.data<T>(), labels.data<L>(), grad.data<T>(), rows, classes, out.data<T>());
  });
  TF_CUDA_CHECK_LAUNCH("sparse_softmax_cross_entropy backward_kernel");
}

}  // namespace tapeflow::cuda
