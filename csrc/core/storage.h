// A block of device memory shared by every tensor that views it. Storage owned by tapeflow
// returns to its device's caching allocator; foreign storage (DLPack, NumPy buffers) runs the
// producer's release callback instead, which keeps the producer alive until then.
#pragma once
#include <cstddef>
#include <functional>
#include <memory>

#include "core/device.h"

namespace tapeflow {

class Storage {
 public:
  // Raises ResourceExhaustedError when the memory cannot be had.
  static std::shared_ptr<Storage> allocate(size_t nbytes, Device device);
  static std::shared_ptr<Storage> wrap_foreign(void* data, size_t nbytes, Device device,
                                               std::function<void()> release);
  ~Storage();
  Storage(const Storage&) = delete;
  Storage& operator=(const Storage&) = delete;

  void* data() const { return data_; }
  size_t nbytes() const { return nbytes_; }
  Device device() const { return device_; }

 private:
  Storage(void* data, size_t nbytes, Device device, std::function<void()> release)
      : data_(data), nbytes_(nbytes), device_(device), release_(std::move(release)) {}

  void* data_;
  size_t nbytes_;
  Device device_;
  std::function<void()> release_;  // empty: owned by allocator_for(device_)
};

}  // namespace tapeflow
