#include "core/storage.h"

#include "core/allocator.h"

namespace tapeflow {

std::shared_ptr<Storage> Storage::allocate(size_t nbytes, Device device) {
  void* data = allocator_for(device).allocate(nbytes);
  return std::shared_ptr<Storage>(new Storage(data, nbytes, device, nullptr));
}

std::shared_ptr<Storage> Storage::wrap_foreign(void* data, size_t nbytes, Device device,
                                               std::function<void()> release) {
  return std::shared_ptr<Storage>(new Storage(data, nbytes, device, std::move(release)));
}

Storage::~Storage() {
  if (release_) {
    release_();
  } else {
    allocator_for(device_).release(data_, nbytes_);
  }
}

}  // namespace tapeflow
