// Random ops: validation, then one kernel. None of them has a gradient: their outputs do not
// depend on a differentiable input (mean and stddev are plain numbers here; the Python layer
// applies tensor-valued ones with ordinary, differentiable ops). New draws go to the placement
// device (core/device.h); a shuffle stays on its input's device.
#include "ops/random.h"

#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <tuple>

#include "kernels/dispatch.h"
#include "ops/common.h"

namespace tapeflow::ops {
namespace {

constexpr int64_t kMaxCalls = int64_t(1) << 24;  // philox::kCallStride * kMaxCalls = 2^64

void check_shape(const char* op, const Dims& shape) {
  for (int64_t d : shape)
    TF_CHECK_ARG(d >= 0, op, ": shape must not have negative dimensions, got ", shape_str(shape));
  const int64_t n = checked_numel(shape);  // raises ResourceExhaustedError on overflow
  TF_CHECK(n <= kMaxRandomElements, ResourceExhaustedError, op, ": shape ", shape_str(shape),
           " has ", n, " elements; at most ", kMaxRandomElements, " can be drawn at once");
}

philox::Stream stream_of(const char* op, const RandomSeed& seed) {
  TF_CHECK_ARG(seed.call >= 0 && seed.call < kMaxCalls, op, ": call index ", seed.call,
               " is out of range [0, ", kMaxCalls, ")");
  return philox::Stream::make(uint64_t(seed.seed), uint64_t(seed.seed2), uint64_t(seed.call));
}

// A new draw: its stream and its (unfilled) output on the placement device.
struct Draw {
  philox::Stream stream;
  Tensor out;
};

// The checks every new draw shares: the shape, the dtype family (floating, or integer for
// random_uniform_int) and the seed; then the draw.
Draw start_draw(const char* op, const Dims& shape, DType dtype, const RandomSeed& seed,
                bool integer = false) {
  check_shape(op, shape);
  if (integer)
    TF_CHECK_ARG(is_integer(dtype), op, ": dtype must be int32 or int64, got ", dtype_name(dtype));
  else
    TF_CHECK_ARG(is_floating(dtype), op, ": dtype must be float32 or float64, got ",
                 dtype_name(dtype));
  return {stream_of(op, seed), Tensor::empty(shape, dtype, placement_device())};
}

// Each stateful kernel's count of runs (seed_of_run), and the source of fresh seeds.
class RunCounter {
 public:
  RandomSeed next(const char* op, DType dtype, std::optional<int64_t> seed,
                  std::optional<int64_t> seed2, std::optional<int64_t> call) {
    if (call) return {seed.value_or(0), seed2.value_or(0), *call};
    std::lock_guard<std::mutex> lock(mutex_);
    if (!seed || !seed2) {
      if (!fresh_) fresh_ = std::make_unique<std::mt19937_64>(std::random_device{}());
      return {int64_t((*fresh_)() >> 1), int64_t((*fresh_)() >> 1), 0};
    }
    int64_t& runs = runs_[{op, int(dtype), *seed, *seed2}];
    return {*seed, *seed2, runs++ % kMaxCalls};
  }
  void reset() {
    std::lock_guard<std::mutex> lock(mutex_);
    runs_.clear();
  }

 private:
  static constexpr int64_t kMaxCalls = int64_t(1) << 24;  // then a kernel's stream repeats
  std::mutex mutex_;
  std::map<std::tuple<std::string, int, int64_t, int64_t>, int64_t> runs_;
  std::unique_ptr<std::mt19937_64> fresh_;
};

RunCounter& run_counter() {
  static RunCounter* counter = new RunCounter();  // never destroyed: used until exit
  return *counter;
}

}  // namespace

Tensor random_uniform(const Dims& shape, DType dtype, double minval, double maxval,
                      const RandomSeed& seed) {
  Draw draw = start_draw("random_uniform", shape, dtype, seed);
  if (draw.out.numel() > 0) kernels::random_uniform(draw.stream, minval, maxval, draw.out);
  return draw.out;
}

Tensor random_uniform_int(const Dims& shape, DType dtype, int64_t minval, int64_t maxval,
                          const RandomSeed& seed) {
  const char* op = "random_uniform_int";
  if (dtype == DType::Int32) {
    constexpr int64_t lo = std::numeric_limits<int32_t>::min();
    constexpr int64_t hi = std::numeric_limits<int32_t>::max();
    TF_CHECK_ARG(minval >= lo && minval <= hi && maxval >= lo && maxval <= hi, op, ": minval ",
                 minval, " and maxval ", maxval, " must fit in int32");
  }
  TF_CHECK_ARG(minval < maxval, op, ": Need minval < maxval: ", minval, " >= ", maxval);
  Draw draw = start_draw(op, shape, dtype, seed, /*integer=*/true);
  if (draw.out.numel() > 0)
    kernels::random_uniform_int(draw.stream, minval, uint64_t(maxval) - uint64_t(minval), draw.out);
  return draw.out;
}

Tensor random_normal(const Dims& shape, DType dtype, double mean, double stddev,
                     const RandomSeed& seed) {
  Draw draw = start_draw("random_normal", shape, dtype, seed);
  if (draw.out.numel() > 0) kernels::random_normal(draw.stream, mean, stddev, draw.out);
  return draw.out;
}

Tensor truncated_normal(const Dims& shape, DType dtype, double mean, double stddev,
                        const RandomSeed& seed) {
  Draw draw = start_draw("truncated_normal", shape, dtype, seed);
  if (draw.out.numel() > 0) kernels::truncated_normal(draw.stream, mean, stddev, draw.out);
  return draw.out;
}

Tensor random_shuffle(const Tensor& value, const RandomSeed& seed) {
  const philox::Stream stream = stream_of("random_shuffle", seed);
  if (value.rank() == 0 || value.dim(0) <= 1 || value.numel() == 0) return value;
  const Tensor source = contiguous(value);
  Tensor out = Tensor::empty(value.shape(), value.dtype(), value.device());
  kernels::random_shuffle(stream, source, out);
  return out;
}

RandomSeed seed_of_run(const char* op, DType dtype, std::optional<int64_t> seed,
                       std::optional<int64_t> seed2, std::optional<int64_t> call) {
  return run_counter().next(op, dtype, seed, seed2, call);
}

void reset_random_runs() {
  run_counter().reset();
}

}  // namespace tapeflow::ops
