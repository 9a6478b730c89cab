#include <pybind11/stl.h>

#include "bindings/init.h"
#include "ops/dense.h"
#include "ops/linalg.h"

namespace tapeflow::bindings {

void init_linalg(py::module_& m) {
  m.def("matmul", &ops::matmul, py::arg("a"), py::arg("b"), py::arg("transpose_a") = false,
        py::arg("transpose_b") = false, ReleaseGil());
  m.def("tensordot", py::overload_cast<const Tensor&, const Tensor&, int64_t>(&ops::tensordot),
        py::arg("a"), py::arg("b"), py::arg("axes"), ReleaseGil());
  m.def("tensordot",
        py::overload_cast<const Tensor&, const Tensor&, const std::vector<int64_t>&,
                          const std::vector<int64_t>&>(&ops::tensordot),
        py::arg("a"), py::arg("b"), py::arg("a_axes"), py::arg("b_axes"), ReleaseGil());
  m.def("dense", &ops::dense, py::arg("x"), py::arg("kernel"), py::arg("bias") = py::none(),
        py::arg("activation") = "linear", ReleaseGil());

  // Testing aids: the reference kernel behind the same checks, and arbitrary strided views
  // (validated by Tensor::view_of) to feed the kernels any geometry.
  m.def("_matmul_reference", &ops::matmul_reference, py::arg("a"), py::arg("b"),
        py::arg("transpose_a") = false, py::arg("transpose_b") = false, ReleaseGil());
  m.def(
      "_strided_view",
      [](const Tensor& base, const std::vector<int64_t>& shape, const std::vector<int64_t>& strides,
         int64_t offset) {
        TF_CHECK_ARG(shape.size() <= size_t(kMaxRank) && strides.size() <= size_t(kMaxRank),
                     "_strided_view: rank above ", kMaxRank);
        return Tensor::view_of(base, Dims(shape), Dims(strides), offset);
      },
      py::arg("base"), py::arg("shape"), py::arg("strides"), py::arg("offset"));
}

}  // namespace tapeflow::bindings
