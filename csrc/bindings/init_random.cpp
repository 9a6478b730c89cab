// tf.random's C++ entry points; pyfront/tapeflow/ops/random.py picks the seeds.
#include <pybind11/stl.h>

#include <array>
#include <optional>
#include <vector>

#include "bindings/init.h"
#include "kernels/philox.h"
#include "ops/random.h"

namespace tapeflow::bindings {
namespace {

using OptionalInt = std::optional<int64_t>;

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
          return op(shape, dtype, a, b, ops::seed_of_run(name, dtype, seed, seed2, call));
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
                  value, ops::seed_of_run("random_shuffle", value.dtype(), seed, seed2, call));
            },
            value, seed, seed2, call);
      },
      py::arg("value"), py::arg("seed"), py::arg("seed2"), py::arg("call") = py::none(),
      ReleaseGil());
  m.def("reset_random_runs", &ops::reset_random_runs,
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
