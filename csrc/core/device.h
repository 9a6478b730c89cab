// Where a tensor's storage lives. Only kernels/dispatch.h and the allocators look at it.
#pragma once
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

}  // namespace tapeflow
