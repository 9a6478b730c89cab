#include "core/allocator.h"

#include <cstdlib>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "core/errors.h"

#ifdef TAPEFLOW_HAS_CUDA
#include "core/cuda/runtime.h"
#endif

namespace tapeflow {
namespace {

constexpr size_t kAlignment = 64;
// Blocks freed into the cache beyond this total go straight back to the system.
constexpr size_t kMaxCachedBytes = size_t(2) << 30;

// Size classes: multiples of 64 bytes up to 4 KiB, then four classes per power of two, so a
// block is at most 25% larger than asked for and sizes repeat across training steps.
size_t size_class(size_t nbytes) {
  if (nbytes <= 4096) return (nbytes + kAlignment - 1) / kAlignment * kAlignment;
  const int top = 63 - __builtin_clzll(nbytes);  // 2^top <= nbytes < 2^(top+1)
  const size_t quarter = size_t(1) << (top - 2);
  return (nbytes + quarter - 1) / quarter * quarter;
}

class CpuCachingAllocator final : public Allocator {
 public:
  void* allocate(size_t nbytes) override {
    if (nbytes == 0) return &empty_block_;
    TF_CHECK(nbytes <= (size_t(1) << 62), ResourceExhaustedError, "cannot allocate ", nbytes,
             " bytes");
    const size_t klass = size_class(nbytes);
    {
      std::lock_guard<std::mutex> lock(mutex_);
      auto it = free_blocks_.find(klass);
      if (it != free_blocks_.end() && !it->second.empty()) {
        void* ptr = it->second.back();
        it->second.pop_back();
        stats_.bytes_cached -= klass;
        stats_.bytes_in_use += klass;
        return ptr;
      }
      ++stats_.system_allocations;
    }
    void* ptr = std::aligned_alloc(kAlignment, klass);
    if (ptr == nullptr) {
      empty_cache();
      ptr = std::aligned_alloc(kAlignment, klass);
    }
    TF_CHECK(ptr != nullptr, ResourceExhaustedError, "OOM when allocating a tensor of ", nbytes,
             " bytes on the CPU");
    std::lock_guard<std::mutex> lock(mutex_);
    stats_.bytes_in_use += klass;
    return ptr;
  }

  void release(void* ptr, size_t nbytes) override {
    if (ptr == &empty_block_ || ptr == nullptr) return;
    const size_t klass = size_class(nbytes);
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stats_.bytes_in_use -= klass;
      if (size_t(stats_.bytes_cached) + klass <= kMaxCachedBytes) {
        free_blocks_[klass].push_back(ptr);
        stats_.bytes_cached += klass;
        return;
      }
    }
    std::free(ptr);
  }

  void empty_cache() override {
    std::lock_guard<std::mutex> lock(mutex_);
    for (auto& [klass, blocks] : free_blocks_) {
      for (void* p : blocks) std::free(p);
      blocks.clear();
    }
    stats_.bytes_cached = 0;
  }

  AllocatorStats stats() {
    std::lock_guard<std::mutex> lock(mutex_);
    return stats_;
  }

 private:
  alignas(kAlignment) char empty_block_[kAlignment] = {};
  std::mutex mutex_;
  std::unordered_map<size_t, std::vector<void*>> free_blocks_;
  AllocatorStats stats_;
};

CpuCachingAllocator& cpu_allocator() {
  // Leaked on purpose: tensors may outlive static destruction at interpreter exit.
  static auto* instance = new CpuCachingAllocator();
  return *instance;
}

}  // namespace

Allocator& allocator_for(Device device) {
  if (device.is_cpu()) return cpu_allocator();
#ifdef TAPEFLOW_HAS_CUDA
  return cuda::allocator(device.index);
#else
  throw UnimplementedError(
      str_cat("no allocator for device ", device.name(), ": this build has no CUDA backend"));
#endif
}

AllocatorStats cpu_allocator_stats() { return cpu_allocator().stats(); }

}  // namespace tapeflow
