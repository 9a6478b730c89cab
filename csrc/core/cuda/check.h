// Checking CUDA calls, and the stream each device's work is queued on. Included only by CUDA
// sources (csrc/core/cuda, csrc/kernels/cuda); everything else uses core/cuda/runtime.h.
//
//   TF_CUDA_CHECK(cudaMemcpyAsync(...));   // raises InternalError naming the call on failure
//   kernel<<<grid, block, 0, stream(d)>>>(...);
//   TF_CUDA_CHECK_LAUNCH("gemm_tiled");     // launch errors (bad configuration, no kernel image)
#pragma once
#include <cuda_runtime.h>

#include "core/errors.h"

namespace tapeflow::cuda {

// Raises the tapeflow error matching `error` (ResourceExhaustedError for out-of-memory, else
// InternalError), naming the call and where it was made. Clears the runtime's last error.
[[noreturn]] void raise_cuda_error(cudaError_t error, const char* call, const char* file, int line);

// The one stream of `device`, created on first use (non-blocking: it never waits for the
// legacy default stream other libraries may use).
cudaStream_t stream(int device);

}  // namespace tapeflow::cuda

#define TF_CUDA_CHECK(call)                                                          \
  do {                                                                               \
    const cudaError_t tf_cuda_error_ = (call);                                       \
    if (tf_cuda_error_ != cudaSuccess)                                               \
      ::tapeflow::cuda::raise_cuda_error(tf_cuda_error_, #call, __FILE__, __LINE__); \
  } while (0)

#define TF_CUDA_CHECK_LAUNCH(kernel_name)                                                    \
  do {                                                                                       \
    const cudaError_t tf_cuda_error_ = cudaGetLastError();                                   \
    if (tf_cuda_error_ != cudaSuccess)                                                       \
      ::tapeflow::cuda::raise_cuda_error(tf_cuda_error_, "launch of " kernel_name, __FILE__, \
                                         __LINE__);                                          \
  } while (0)
