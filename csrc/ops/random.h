// Random ops with TensorFlow's seeds: a counter-based generator (kernels/philox.h), so a
// given (seeds, shape, dtype) gives the same numbers on every backend and thread count.
// The Python layer (pyfront/tapeflow/ops/random.py) turns tf.random.set_seed and per-op seeds
// into a RandomSeed, following TensorFlow's rules.
#pragma once
#include <cstdint>
#include <optional>

#include "core/tensor.h"

namespace tapeflow::ops {

struct RandomSeed {
  int64_t seed = 0;   // TF's global seed: the Philox key
  int64_t seed2 = 0;  // TF's op seed: the high half of the counter
  int64_t call = 0;   // earlier runs of this kernel with these seeds, in [0, 2^24)
};

// The seeds of one run of a random op. Python picks (seed, seed2) by TensorFlow's rules
// (ops/random.py). A stateless op passes its `call` too; a stateful one passes none, and each
// run takes the next call of its kernel (op, dtype, seeds), counted here, so a traced
// tf.function advances the count at every run as eager calls do. Without seeds (no global or
// op seed), each run draws fresh ones.
RandomSeed seed_of_run(const char* op, DType dtype, std::optional<int64_t> seed,
                       std::optional<int64_t> seed2, std::optional<int64_t> call);
// Restarts every kernel's count (tf.random.set_seed).
void reset_random_runs();

// Largest tensor one random op draws (2^34 elements); more raises ResourceExhaustedError.
constexpr int64_t kMaxRandomElements = int64_t(1) << 34;

// shape -> uniform in [minval, maxval), float32 or float64.
Tensor random_uniform(const Dims& shape, DType dtype, double minval, double maxval,
                      const RandomSeed& seed);
// shape -> uniform integers in [minval, maxval), int32 or int64; needs minval < maxval.
Tensor random_uniform_int(const Dims& shape, DType dtype, int64_t minval, int64_t maxval,
                          const RandomSeed& seed);
// shape -> normal(mean, stddev), float32 or float64.
Tensor random_normal(const Dims& shape, DType dtype, double mean, double stddev,
                     const RandomSeed& seed);
// shape -> normal(mean, stddev) restricted to [mean - 2 stddev, mean + 2 stddev] by redrawing.
Tensor truncated_normal(const Dims& shape, DType dtype, double mean, double stddev,
                        const RandomSeed& seed);
// value with its first axis permuted; any dtype; a scalar or a single row comes back as is.
Tensor random_shuffle(const Tensor& value, const RandomSeed& seed);

}  // namespace tapeflow::ops
