// tf.random's C++ entry points; pyfront/tapeflow/ops/random.py picks the seeds.
#include <pybind11/stl.h>

#include <array>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "bindings/init.h"
#include "kernels/philox.h"
#include "ops/random.h"

namespace tapeflow::bindings {
namespace {

using OptionalInt = std::optional<int64_t>;

// The seeds of one run of a random op. Python picks (seed, seed2) by TensorFlow's rules
// (ops/random.py). A stateless op passes its `call` too; a stateful one passes none, and
// each run takes the next call of its kernel (op, dtype, seeds), counted here so that a
// traced tf.function advances the count at every run, as eager calls do. Without seeds
// (no global or op seed), each run draws fresh seeds.
class RunCounter {
 public:
  ops::RandomSeed next(const char* op, DType dtype, OptionalInt seed, OptionalInt seed2,
                       OptionalInt call) {
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

// Binds a random op: Python's arguments, then the seeds; the op runs (and replays) with the
// seeds of its run.
template <class Op, class A, class B>
auto random_op(const char* name, Op op) {
  return [name, op](const std::vector<int64_t>& shape, DType dtype, A a, B b, OptionalInt seed,
                    OptionalInt seed2, OptionalInt call) {
    return graph::call(
        name,
        [name, op](const Dims& shape, DType dtype, A a, B b, OptionalInt seed, OptionalInt seed2,
                   OptionalInt call) {
          return op(shape, dtype, a, b, run_counter().next(name, dtype, seed, seed2, call));
        },
        Dims(shape), dtype, a, b, seed, seed2, call);
  };
}

}  // namespace

void init_random(py::module_& m) {
  m.def("random_uniform",
        random_op<decltype(&ops::random_uniform), double, double>("random_uniform",
                                                                  &ops::random_uniform),
        py::arg("shape"), py::arg("dtype"), py::arg("minval"), py::arg("maxval"), py::arg("seed"),
        py::arg("seed2"), py::arg("call") = py::none(), ReleaseGil());
  m.def("random_uniform_int",
        random_op<decltype(&ops::random_uniform_int), int64_t, int64_t>("random_uniform_int",
                                                                        &ops::random_uniform_int),
        py::arg("shape"), py::arg("dtype"), py::arg("minval"), py::arg("maxval"), py::arg("seed"),
        py::arg("seed2"), py::arg("call") = py::none(), ReleaseGil());
  m.def("random_normal",
        random_op<decltype(&ops::random_normal), double, double>("random_normal",
                                                                 &ops::random_normal),
        py::arg("shape"), py::arg("dtype"), py::arg("mean"), py::arg("stddev"), py::arg("seed"),
        py::arg("seed2"), py::arg("call") = py::none(), ReleaseGil());
  m.def("truncated_normal",
        random_op<decltype(&ops::truncated_normal), double, double>("truncated_normal",
                                                                    &ops::truncated_normal),
        py::arg("shape"), py::arg("dtype"), py::arg("mean"), py::arg("stddev"), py::arg("seed"),
        py::arg("seed2"), py::arg("call") = py::none(), ReleaseGil());
  m.def(
      "random_shuffle",
      [](const Tensor& value, OptionalInt seed, OptionalInt seed2, OptionalInt call) {
        return graph::call(
            "random_shuffle",
            [](const Tensor& value, OptionalInt seed, OptionalInt seed2, OptionalInt call) {
              return ops::random_shuffle(
                  value, run_counter().next("random_shuffle", value.dtype(), seed, seed2, call));
            },
            value, seed, seed2, call);
      },
      py::arg("value"), py::arg("seed"), py::arg("seed2"), py::arg("call") = py::none(),
      ReleaseGil());
  m.def(
      "reset_random_runs", [] { run_counter().reset(); },
      "Restarts every stateful kernel's stream (tf.random.set_seed).");
  // The raw generator, for the known-answer tests.
  m.def(
      "philox4x32_10",
      [](const std::array<uint32_t, 4>& counter, const std::array<uint32_t, 2>& key) {
        const philox::Block b = philox::philox4x32_10(counter.data(), key.data());
        return std::array<uint32_t, 4>{b.w[0], b.w[1], b.w[2], b.w[3]};
      },
      py::arg("counter"), py::arg("key"));
}

}  // namespace tapeflow::bindings
