// Devices, streams and copies (see runtime.h). The caching allocator is in allocator.cpp.
#include "core/cuda/runtime.h"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <mutex>

#include "core/cuda/check.h"

namespace tapeflow::cuda {
namespace {

// Host -> device copies up to kStagedCopyMax bytes go through a pinned ring of kStagingBytes,
// so the caller's buffer is free at once and the copy stays asynchronous. The ring restarts
// after waiting for the stream, which happens once per kStagingBytes of small copies.
constexpr size_t kStagingBytes = size_t(8) << 20;
constexpr size_t kStagedCopyMax = size_t(1) << 20;
constexpr size_t kStagingAlignment = 256;

struct DeviceState {
  std::once_flag stream_once;
  cudaStream_t stream = nullptr;
  std::mutex staging_mutex;
  char* staging = nullptr;  // pinned; nullptr until first use, or when pinning failed
  bool staging_tried = false;
  size_t staging_head = 0;
};

DeviceState& state(int device) {
  static DeviceState* states = new DeviceState[kMaxDevices];  // leaked: outlives static dtors
  TF_CHECK(device >= 0 && device < device_count(), InvalidArgumentError, "GPU:", device,
           " does not exist (", device_count(), " GPU(s) visible)");
  return states[device];
}

std::atomic<bool> tf32{false};

}  // namespace

[[noreturn]] void raise_cuda_error(cudaError_t error, const char* call, const char* file,
                                   int line) {
  cudaGetLastError();  // clear a non-sticky error so later calls are not blamed for it
  const std::string message =
      str_cat("CUDA error ", cudaGetErrorName(error), " (", cudaGetErrorString(error), ") in ",
              call, " at ", file, ":", line);
  if (error == cudaErrorMemoryAllocation) throw ResourceExhaustedError(message);
  throw InternalError(message);
}

int device_count() {
  static const int count = [] {
    int n = 0;
    if (cudaGetDeviceCount(&n) != cudaSuccess) {  // no driver, no device, or a broken install
      cudaGetLastError();
      return 0;
    }
    // The kernels are built for compute capability 8.0 and up: count devices until the first
    // older one (CUDA_VISIBLE_DEVICES can reorder them).
    int usable = 0;
    for (int major = 0; usable < std::min(n, kMaxDevices); ++usable) {
      if (cudaDeviceGetAttribute(&major, cudaDevAttrComputeCapabilityMajor, usable) !=
              cudaSuccess ||
          major < kMinComputeMajor) {
        cudaGetLastError();
        break;
      }
    }
    return usable;
  }();
  return count;
}

DeviceProperties device_properties(int device) {
  state(device);  // validates the index
  cudaDeviceProp p;
  TF_CUDA_CHECK(cudaGetDeviceProperties(&p, device));
  return DeviceProperties{p.name, p.major, p.minor, p.multiProcessorCount,
                          int64_t(p.totalGlobalMem)};
}

cudaStream_t stream(int device) {
  DeviceState& s = state(device);
  std::call_once(s.stream_once, [&] {
    DeviceGuard guard(device);
    TF_CUDA_CHECK(cudaStreamCreateWithFlags(&s.stream, cudaStreamNonBlocking));
  });
  return s.stream;
}

DeviceGuard::DeviceGuard(int device) {
  TF_CUDA_CHECK(cudaGetDevice(&previous_));
  if (previous_ != device) TF_CUDA_CHECK(cudaSetDevice(device));
}

DeviceGuard::~DeviceGuard() {
  int current = previous_;
  if (cudaGetDevice(&current) == cudaSuccess && current != previous_) cudaSetDevice(previous_);
}

void upload(int device, void* dst, const void* src, size_t nbytes) {
  if (nbytes == 0) return;
  DeviceState& s = state(device);
  DeviceGuard guard(device);
  const cudaStream_t st = stream(device);
  if (nbytes <= kStagedCopyMax) {
    std::lock_guard<std::mutex> lock(s.staging_mutex);
    if (!s.staging_tried) {
      s.staging_tried = true;
      if (cudaHostAlloc(reinterpret_cast<void**>(&s.staging), kStagingBytes,
                        cudaHostAllocDefault) != cudaSuccess) {
        cudaGetLastError();  // no pinned memory: fall back to synchronous copies
        s.staging = nullptr;
      }
    }
    if (s.staging != nullptr) {
      const size_t span = (nbytes + kStagingAlignment - 1) / kStagingAlignment * kStagingAlignment;
      if (s.staging_head + span > kStagingBytes) {  // earlier copies must leave the ring first
        TF_CUDA_CHECK(cudaStreamSynchronize(st));
        s.staging_head = 0;
      }
      char* slot = s.staging + s.staging_head;
      std::memcpy(slot, src, nbytes);
      TF_CUDA_CHECK(cudaMemcpyAsync(dst, slot, nbytes, cudaMemcpyHostToDevice, st));
      s.staging_head += span;
      return;
    }
  }
  TF_CUDA_CHECK(cudaMemcpyAsync(dst, src, nbytes, cudaMemcpyHostToDevice, st));
  TF_CUDA_CHECK(cudaStreamSynchronize(st));  // `src` may be freed once we return
}

void download(int device, void* dst, const void* src, size_t nbytes) {
  if (nbytes == 0) return;
  DeviceGuard guard(device);
  const cudaStream_t st = stream(device);
  TF_CUDA_CHECK(cudaMemcpyAsync(dst, src, nbytes, cudaMemcpyDeviceToHost, st));
  TF_CUDA_CHECK(cudaStreamSynchronize(st));
}

void copy_on_device(int device, void* dst, const void* src, size_t nbytes) {
  if (nbytes == 0) return;
  DeviceGuard guard(device);
  TF_CUDA_CHECK(cudaMemcpyAsync(dst, src, nbytes, cudaMemcpyDeviceToDevice, stream(device)));
}

void copy_peer(int dst_device, void* dst, int src_device, const void* src, size_t nbytes) {
  if (nbytes == 0) return;
  // The source stream is drained first (the values are complete); the copy is queued on the
  // destination's stream, behind any work still using the (recycled) destination block.
  // NOTE: not cudaMemcpyPeer: it runs on the legacy default stream, which our non-blocking
  // streams do not wait for, and it may return before the bytes have arrived.
  synchronize(src_device);
  DeviceGuard guard(dst_device);
  const cudaStream_t st = stream(dst_device);
  TF_CUDA_CHECK(cudaMemcpyPeerAsync(dst, dst_device, src, src_device, nbytes, st));
  TF_CUDA_CHECK(cudaStreamSynchronize(st));  // src may be released and reused once we return
}

void fill_zero(int device, void* dst, size_t nbytes) {
  if (nbytes == 0) return;
  DeviceGuard guard(device);
  TF_CUDA_CHECK(cudaMemsetAsync(dst, 0, nbytes, stream(device)));
}

void synchronize(int device) {
  DeviceGuard guard(device);
  TF_CUDA_CHECK(cudaStreamSynchronize(stream(device)));
}

bool tf32_enabled() {
  return tf32.load(std::memory_order_relaxed);
}
void set_tf32_enabled(bool enabled) {
  tf32.store(enabled, std::memory_order_relaxed);
}

}  // namespace tapeflow::cuda
