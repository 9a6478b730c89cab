#include "bindings/init.h"
#include "ops/state.h"

namespace tapeflow::bindings {

void init_variable(py::module_& m) {
  m.def("clone", traced("clone", &ops::clone), py::arg("x"), ReleaseGil());
  // In-place writes: a recording must know what they write (a Variable's value). They keep
  // the GIL, so two Python threads' in-place updates of one Variable do not interleave
  // (threads calling assign_add lost updates when it was released).
  m.def(
      "write_into",
      [](const Tensor& dst, const Tensor& src) {
        graph::note_write(dst);
        graph::call("write_into", ops::write_into, dst, src);
      },
      py::arg("dst"), py::arg("src"));
  m.def(
      "update_into",
      [](BinaryOp op, const Tensor& dst, const Tensor& src) {
        graph::note_write(dst);
        graph::call("update_into", ops::update_into, op, dst, src);
      },
      py::arg("op"), py::arg("dst"), py::arg("src"));
  m.def("stop_gradient", traced("stop_gradient", &ops::stop_gradient), py::arg("x"));
}

}  // namespace tapeflow::bindings
