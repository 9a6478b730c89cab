#include "core/device.h"

#include <atomic>

#ifdef TAPEFLOW_HAS_CUDA
#include "core/cuda/runtime.h"
#endif

namespace tapeflow {
namespace {

std::atomic<bool> gpus_hidden{false};
// A plain pair rather than std::optional: read on every conversion of a Python number.
thread_local bool thread_scoped = false;
thread_local Device thread_scope;

}  // namespace

int visible_gpu_count() {
#ifdef TAPEFLOW_HAS_CUDA
  return gpus_hidden.load(std::memory_order_relaxed) ? 0 : cuda::device_count();
#else
  return 0;
#endif
}

void hide_gpus() {
  gpus_hidden.store(true, std::memory_order_relaxed);
}

Device default_device() {
  return visible_gpu_count() > 0 ? Device{DeviceType::CUDA, 0} : Device{};
}

Device placement_device() {
  return thread_scoped ? thread_scope : default_device();
}

void set_scope_device(bool scoped, Device device) {
  thread_scoped = scoped;
  thread_scope = scoped ? device : Device{};
}

bool scope_device(Device* device) {
  *device = thread_scope;
  return thread_scoped;
}

}  // namespace tapeflow
