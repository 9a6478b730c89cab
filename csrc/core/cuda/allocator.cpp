// The caching device allocator: one per GPU. Freed blocks go to per-size free lists and are
// handed out again without a cudaMalloc, so a training step stops calling the driver after
// its first iteration.
//
// NOTE: reuse is safe without events because every kernel and copy of a device runs on its one
// stream: work queued after a block is handed out again runs after all work that used it.
#include <algorithm>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "core/cuda/check.h"
#include "core/cuda/runtime.h"
#include "core/device.h"

namespace tapeflow::cuda {
namespace {

constexpr size_t kSmallGranule = 512;            // below 1 MiB: multiples of 512 bytes
constexpr size_t kSmallLimit = size_t(1) << 20;  // above: four classes per power of two

size_t size_class(size_t nbytes) {
  if (nbytes <= kSmallLimit) return (nbytes + kSmallGranule - 1) / kSmallGranule * kSmallGranule;
  const int top = 63 - __builtin_clzll(nbytes);  // 2^top <= nbytes < 2^(top+1)
  const size_t quarter = size_t(1) << (top - 2);
  return (nbytes + quarter - 1) / quarter * quarter;
}

class CudaCachingAllocator final : public Allocator {
 public:
  explicit CudaCachingAllocator(int device) : device_(device) {}

  // nbytes == 0 gives nullptr: nothing is ever read through it.
  void* allocate(size_t nbytes) override {
    if (nbytes == 0) return nullptr;
    TF_CHECK(nbytes <= (size_t(1) << 56), ResourceExhaustedError, "cannot allocate ", nbytes,
             " bytes on ", gpu_name());
    const size_t klass = size_class(nbytes);
    {
      std::lock_guard<std::mutex> lock(mutex_);
      auto it = free_blocks_.find(klass);
      if (it != free_blocks_.end() && !it->second.empty()) {
        void* ptr = it->second.back();
        it->second.pop_back();
        stats_.bytes_cached -= int64_t(klass);
        note_in_use(int64_t(klass));
        return ptr;
      }
    }
    DeviceGuard guard(device_);
    void* ptr = nullptr;
    cudaError_t error = cudaMalloc(&ptr, klass);
    if (error == cudaErrorMemoryAllocation) {  // return the cache to the driver, try once more
      cudaGetLastError();
      empty_cache();
      error = cudaMalloc(&ptr, klass);
    }
    if (error == cudaErrorMemoryAllocation) {
      cudaGetLastError();
      const MemoryStats s = stats();
      throw ResourceExhaustedError(str_cat("OOM when allocating a tensor of ", nbytes, " bytes on ",
                                           gpu_name(), " (", s.bytes_in_use,
                                           " bytes in use by tensors)"));
    }
    TF_CUDA_CHECK(error);
    std::lock_guard<std::mutex> lock(mutex_);
    ++stats_.device_allocations;
    note_in_use(int64_t(klass));
    return ptr;
  }

  void release(void* ptr, size_t nbytes) override {
    if (ptr == nullptr) return;
    const size_t klass = size_class(nbytes);
    std::lock_guard<std::mutex> lock(mutex_);
    stats_.bytes_in_use -= int64_t(klass);
    stats_.bytes_cached += int64_t(klass);
    free_blocks_[klass].push_back(ptr);
  }

  void empty_cache() override {
    std::vector<void*> blocks;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      for (auto& [klass, list] : free_blocks_) {
        blocks.insert(blocks.end(), list.begin(), list.end());
        list.clear();
      }
      stats_.bytes_cached = 0;
    }
    if (blocks.empty()) return;
    synchronize(device_);  // no queued kernel may still touch a block handed back
    DeviceGuard guard(device_);
    for (void* p : blocks) TF_CUDA_CHECK(cudaFree(p));
  }

  MemoryStats stats() {
    std::lock_guard<std::mutex> lock(mutex_);
    return stats_;
  }
  void reset_peak() {
    std::lock_guard<std::mutex> lock(mutex_);
    stats_.peak_bytes_in_use = stats_.bytes_in_use;
  }

 private:
  void note_in_use(int64_t bytes) {  // mutex_ held
    stats_.bytes_in_use += bytes;
    stats_.peak_bytes_in_use = std::max(stats_.peak_bytes_in_use, stats_.bytes_in_use);
  }
  std::string gpu_name() const { return Device{DeviceType::CUDA, device_}.name(); }

  const int device_;
  std::mutex mutex_;
  std::unordered_map<size_t, std::vector<void*>> free_blocks_;
  MemoryStats stats_;
};

CudaCachingAllocator& allocator_of(int device) {
  // Leaked on purpose, like the CPU allocator: tensors may outlive static destruction.
  static CudaCachingAllocator** allocators = [] {
    auto** list = new CudaCachingAllocator*[kMaxDevices];
    for (int i = 0; i < kMaxDevices; ++i) list[i] = new CudaCachingAllocator(i);
    return list;
  }();
  TF_CHECK(device >= 0 && device < device_count(), InvalidArgumentError, "GPU:", device,
           " does not exist (", device_count(), " GPU(s) visible)");
  return *allocators[device];
}

}  // namespace

Allocator& allocator(int device) {
  return allocator_of(device);
}
MemoryStats memory_stats(int device) {
  return allocator_of(device).stats();
}
void reset_peak_memory(int device) {
  allocator_of(device).reset_peak();
}

}  // namespace tapeflow::cuda
