#include "bindings/init.h"
#include "ops/state.h"

namespace tapeflow::bindings {

void init_variable(py::module_& m) {
  m.def("clone", &ops::clone, py::arg("x"), ReleaseGil());
  m.def("write_into", &ops::write_into, py::arg("dst"), py::arg("src"), ReleaseGil());
  m.def("update_into", &ops::update_into, py::arg("op"), py::arg("dst"), py::arg("src"),
        ReleaseGil());
  m.def("stop_gradient", &ops::stop_gradient, py::arg("x"));
}

}  // namespace tapeflow::bindings
