#include <pybind11/stl.h>

#include "bindings/init.h"
#include "ops/dense.h"
#include "ops/linalg.h"

namespace tapeflow::bindings {

void init_linalg(py::module_& m) {
  m.def("matmul", traced("matmul", &ops::matmul), py::arg("a"), py::arg("b"),
        py::arg("transpose_a") = false, py::arg("transpose_b") = false, ReleaseGil());
  m.def("tensordot",
        traced("tensordot",
               static_cast<Tensor (*)(const Tensor&, const Tensor&, int64_t)>(&ops::tensordot)),
        py::arg("a"), py::arg("b"), py::arg("axes"), ReleaseGil());
  m.def("tensordot",
        traced("tensordot",
               static_cast<Tensor (*)(const Tensor&, const Tensor&, const std::vector<int64_t>&,
                                      const std::vector<int64_t>&)>(&ops::tensordot)),
        py::arg("a"), py::arg("b"), py::arg("a_axes"), py::arg("b_axes"), ReleaseGil());
  m.def("dense", traced("dense", &ops::dense), py::arg("x"), py::arg("kernel"),
        py::arg("bias") = py::none(), py::arg("activation") = "linear", ReleaseGil());
}

}  // namespace tapeflow::bindings
