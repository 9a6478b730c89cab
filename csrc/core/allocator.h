// Per-device caching allocators. The CPU allocator hands out 64-byte-aligned blocks and keeps
// freed blocks in size classes, so a training step stops asking the system for memory after
// its first iteration. An allocation that cannot be met raises ResourceExhaustedError.
#pragma once
#include <cstddef>
#include <cstdint>

#include "core/device.h"

namespace tapeflow {

class Allocator {
 public:
  virtual ~Allocator() = default;
  virtual void* allocate(size_t nbytes) = 0;
  virtual void release(void* ptr, size_t nbytes) = 0;
  virtual void empty_cache() = 0;
};

Allocator& allocator_for(Device device);

struct AllocatorStats {
  int64_t bytes_in_use = 0;   // handed out and not yet released
  int64_t bytes_cached = 0;   // released to the cache, not yet returned to the system
  int64_t system_allocations = 0;  // calls that reached the system allocator
};
AllocatorStats cpu_allocator_stats();

}  // namespace tapeflow
