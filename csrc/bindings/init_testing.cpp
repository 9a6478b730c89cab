// `_C._testing`: aids for tapeflow's own tests, kept out of the public module. Nothing under
// pyfront/tapeflow may import it.
#include <pybind11/stl.h>

#include "bindings/init.h"
#include "ops/linalg.h"

namespace tapeflow::bindings {

void init_testing(py::module_& m) {
  py::module_ testing = m.def_submodule("_testing", "aids for tapeflow's tests; not an API");
  // The slow, obviously correct GEMM the tuned one is checked against (same checks as matmul).
  testing.def("matmul_reference", &ops::matmul_reference, py::arg("a"), py::arg("b"),
              py::arg("transpose_a") = false, py::arg("transpose_b") = false, ReleaseGil());
  // Any strided view of `base` (validated by Tensor::view_of), to feed the kernels geometries
  // the public ops cannot make: zero, negative and overlapping strides.
  testing.def(
      "strided_view",
      [](const Tensor& base, const std::vector<int64_t>& shape, const std::vector<int64_t>& strides,
         int64_t offset) {
        TF_CHECK_ARG(shape.size() <= size_t(kMaxRank) && strides.size() <= size_t(kMaxRank),
                     "strided_view: rank above ", kMaxRank);
        return Tensor::view_of(base, Dims(shape), Dims(strides), offset);
      },
      py::arg("base"), py::arg("shape"), py::arg("strides"), py::arg("offset"));
}

}  // namespace tapeflow::bindings
