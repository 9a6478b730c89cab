// The CUDA runtime as the rest of tapeflow sees it: devices, one stream per device, the caching
// device allocator and host <-> device copies. A plain C++ header (no CUDA types), compiled only
// in builds with the CUDA backend (TAPEFLOW_HAS_CUDA); core/device.cpp and kernels/dispatch.h
// are the only callers outside csrc/core/cuda and csrc/kernels/cuda.
//
// Every CUDA call is checked: a failure raises InternalError (ResourceExhaustedError when
// memory runs out) naming the call, never an abort. Work is queued on the device's stream;
// calls that hand data to the host (download, read_scalar) wait for it.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/allocator.h"

namespace tapeflow::cuda {

constexpr int kMaxDevices = 64;
constexpr int kMinComputeMajor = 8;  // the oldest GPUs the kernels are built for (sm_80)

// GPUs tapeflow can use (at most kMaxDevices): those the runtime sees, up to the first one
// older than compute capability 8.0; 0 without a driver or a device (never raises). Cached.
int device_count();

struct DeviceProperties {
  std::string name;
  int major = 0, minor = 0;  // compute capability
  int multiprocessors = 0;
  int64_t total_memory = 0;
};
DeviceProperties device_properties(int device);

// The caching allocator of one device: cudaMalloc only when no cached block fits, cudaFree
// only in empty_cache() (or when a cudaMalloc fails, before the one retry).
Allocator& allocator(int device);
struct MemoryStats {
  int64_t bytes_in_use = 0, peak_bytes_in_use = 0, bytes_cached = 0, device_allocations = 0;
};
MemoryStats memory_stats(int device);
void reset_peak_memory(int device);

// Makes `device` current for the calling thread for the guard's lifetime.
class DeviceGuard {
 public:
  explicit DeviceGuard(int device);
  ~DeviceGuard();
  DeviceGuard(const DeviceGuard&) = delete;
  DeviceGuard& operator=(const DeviceGuard&) = delete;

 private:
  int previous_;
};

// Copies of contiguous bytes, ordered on the device's stream. upload returns once `src` may be
// reused (small copies are staged through pinned memory and stay asynchronous); download and
// copy_peer return once the bytes have arrived.
void upload(int device, void* dst, const void* src, size_t nbytes);
void download(int device, void* dst, const void* src, size_t nbytes);
void copy_on_device(int device, void* dst, const void* src, size_t nbytes);
void copy_peer(int dst_device, void* dst, int src_device, const void* src, size_t nbytes);
void fill_zero(int device, void* dst, size_t nbytes);
// Waits for all work queued on the device's stream.
void synchronize(int device);

// TensorFloat-32 for float32 matmuls (tf.config.experimental.enable_tensor_float_32_execution).
bool tf32_enabled();
void set_tf32_enabled(bool enabled);

}  // namespace tapeflow::cuda
