// Where a tensor's storage lives, and where new tensors go. Only kernels/dispatch.h, the
// allocators and the placement ops (ops/device.cpp) look at a tensor's device.
#pragma once
#include <cstdint>
#include <string>

namespace tapeflow {

enum class DeviceType : uint8_t { CPU = 0, CUDA = 1 };

struct Device {
  DeviceType type = DeviceType::CPU;
  int index = 0;

  bool is_cpu() const { return type == DeviceType::CPU; }
  bool operator==(const Device& o) const { return type == o.type && index == o.index; }
  bool operator!=(const Device& o) const { return !(*this == o); }
  // TensorFlow's spelling: "/job:localhost/replica:0/task:0/device:CPU:0".
  std::string name() const {
    return std::string("/job:localhost/replica:0/task:0/device:") +
           (type == DeviceType::CPU ? "CPU:" : "GPU:") + std::to_string(index);
  }
};

// --- placement (TensorFlow's model) ---
// New tensors (constants, conversions from Python and NumPy, fills, random draws) go to the
// placement device: the innermost tf.device scope of the calling thread, else the default
// device, GPU:0 when a GPU is visible and the CPU otherwise. Ops run where their inputs live
// (ops/device.h). The Python layer (tapeflow/_device.py) parses device names and applies soft
// placement before setting a scope, so a scope always names an existing device.

// GPUs tensors may be placed on: 0 in a build without CUDA, without a driver or a GPU, or
// after hide_gpus().
int visible_gpu_count();
// tf.config.set_visible_devices without GPUs: from now on the default device is the CPU.
void hide_gpus();
Device default_device();
Device placement_device();
// The calling thread's scope: `scoped` false means none (the default device applies).
void set_scope_device(bool scoped, Device device);
bool scope_device(Device* device);

}  // namespace tapeflow
