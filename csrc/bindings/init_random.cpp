// tf.random's C++ entry points; pyfront/tapeflow/ops/random.py picks the seeds.
#include <pybind11/stl.h>

#include <array>
#include <vector>

#include "bindings/init.h"
#include "kernels/philox.h"
#include "ops/random.h"

namespace tapeflow::bindings {

// Python picks each call's seeds (ops/random.py), so a replayed random op would repeat its
// numbers: a tf.function that draws random numbers runs eagerly.
constexpr const char* kRandomInTrace = "a random op ran (its seeds are picked in Python per call)";

void init_random(py::module_& m) {
  using Shape = std::vector<int64_t>;
  m.def(
      "random_uniform",
      [](const Shape& shape, DType dtype, double minval, double maxval, int64_t seed, int64_t seed2,
         int64_t call) {
        graph::poison(kRandomInTrace);
        return ops::random_uniform(Dims(shape), dtype, minval, maxval, {seed, seed2, call});
      },
      py::arg("shape"), py::arg("dtype"), py::arg("minval"), py::arg("maxval"), py::arg("seed"),
      py::arg("seed2"), py::arg("call"), ReleaseGil());
  m.def(
      "random_uniform_int",
      [](const Shape& shape, DType dtype, int64_t minval, int64_t maxval, int64_t seed,
         int64_t seed2, int64_t call) {
        graph::poison(kRandomInTrace);
        return ops::random_uniform_int(Dims(shape), dtype, minval, maxval, {seed, seed2, call});
      },
      py::arg("shape"), py::arg("dtype"), py::arg("minval"), py::arg("maxval"), py::arg("seed"),
      py::arg("seed2"), py::arg("call"), ReleaseGil());
  m.def(
      "random_normal",
      [](const Shape& shape, DType dtype, double mean, double stddev, int64_t seed, int64_t seed2,
         int64_t call) {
        graph::poison(kRandomInTrace);
        return ops::random_normal(Dims(shape), dtype, mean, stddev, {seed, seed2, call});
      },
      py::arg("shape"), py::arg("dtype"), py::arg("mean"), py::arg("stddev"), py::arg("seed"),
      py::arg("seed2"), py::arg("call"), ReleaseGil());
  m.def(
      "truncated_normal",
      [](const Shape& shape, DType dtype, double mean, double stddev, int64_t seed, int64_t seed2,
         int64_t call) {
        graph::poison(kRandomInTrace);
        return ops::truncated_normal(Dims(shape), dtype, mean, stddev, {seed, seed2, call});
      },
      py::arg("shape"), py::arg("dtype"), py::arg("mean"), py::arg("stddev"), py::arg("seed"),
      py::arg("seed2"), py::arg("call"), ReleaseGil());
  m.def(
      "random_shuffle",
      [](const Tensor& value, int64_t seed, int64_t seed2, int64_t call) {
        graph::poison(kRandomInTrace);
        return ops::random_shuffle(value, {seed, seed2, call});
      },
      py::arg("value"), py::arg("seed"), py::arg("seed2"), py::arg("call"), ReleaseGil());
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
