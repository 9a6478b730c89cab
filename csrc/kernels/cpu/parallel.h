// One persistent pool of worker threads for every CPU kernel.
//   parallel_for(begin, end, grain, fn): fn(lo, hi) over disjoint chunks covering [begin, end).
// Ranges smaller than `grain` (or calls made from inside a worker) run inline on the caller.
// The split depends only on (begin, end, grain, thread count), never on timing.
//
// Workers spin briefly after a job, then sleep. A worker kept off its core (a busy neighbour)
// only takes fewer chunks; the caller finishes the job without waiting for it.
//
// Kernels run with denormals flushed to zero (FTZ and DAZ): workers for their whole life, the
// calling thread for the duration of parallel_for, as TensorFlow's CPU kernels do.
#pragma once
#include <cstdint>
#include <functional>

namespace tapeflow::cpu {

int num_threads();
// Values < 1 reset to the default (the number of hardware threads).
void set_num_threads(int n);

void parallel_for(int64_t begin, int64_t end, int64_t grain,
                  const std::function<void(int64_t, int64_t)>& fn);

// Flushes denormals on this thread while in scope, then restores the previous mode.
class ScopedFlushDenormals {
 public:
  ScopedFlushDenormals();
  ~ScopedFlushDenormals();
  ScopedFlushDenormals(const ScopedFlushDenormals&) = delete;
  ScopedFlushDenormals& operator=(const ScopedFlushDenormals&) = delete;

 private:
  unsigned saved_;
};

}  // namespace tapeflow::cpu
