// One persistent pool of worker threads for every CPU kernel.
//   parallel_for(begin, end, grain, fn): fn(lo, hi) over disjoint chunks covering [begin, end).
// Ranges smaller than `grain` (or calls made from inside a worker) run inline on the caller.
// The split depends only on (begin, end, grain, thread count), never on timing.
#pragma once
#include <cstdint>
#include <functional>

namespace tapeflow::cpu {

int num_threads();
// Values < 1 reset to the default (the number of hardware threads).
void set_num_threads(int n);

void parallel_for(int64_t begin, int64_t end, int64_t grain,
                  const std::function<void(int64_t, int64_t)>& fn);

}  // namespace tapeflow::cpu
