#include "kernels/cpu/optimizer.h"

#include "kernels/cpu/cpu_features.h"
#include "kernels/cpu/parallel.h"

namespace tapeflow::cpu {

TF_DECLARE_ISA_KERNEL(void, update_range,
                      (const UpdateRule& rule, DType dtype, void* variable, const void* gradient,
                       void* const* slots, int64_t begin, int64_t end))

namespace {
// Below this many elements per chunk a variable is updated by the calling thread alone: waking
// a worker costs more than the ~5 streams of a few KB it would take over.
constexpr int64_t kUpdateGrain = 32768;
}  // namespace

void apply_update(const UpdateRule& rule, const std::vector<Tensor>& variables,
                  const std::vector<Tensor>& gradients,
                  const std::vector<std::vector<Tensor>>& slots) {
  for (size_t i = 0; i < variables.size(); ++i) {
    const Tensor& w = variables[i];
    void* slot_data[3] = {nullptr, nullptr, nullptr};
    for (size_t s = 0; s < slots.size() && s < 3; ++s)
      if (!slots[s].empty()) slot_data[s] = slots[s][i].raw_data();
    void* w_data = w.raw_data();
    const void* g_data = gradients[i].raw_data();
    const DType dtype = w.dtype();
    parallel_for(0, w.numel(), kUpdateGrain, [&](int64_t lo, int64_t hi) {
      TF_CALL_ISA_KERNEL(update_range, rule, dtype, w_data, g_data, slot_data, lo, hi);
    });
  }
}

}  // namespace tapeflow::cpu
