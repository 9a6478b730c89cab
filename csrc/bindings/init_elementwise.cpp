#include "bindings/init.h"
#include "ops/elementwise.h"

namespace tapeflow::bindings {

void init_elementwise(py::module_& m) {
  py::enum_<BinaryOp> binary_op(m, "BinaryOp");
  for (int i = 0; i <= int(BinaryOp::LogicalXor); ++i)
    binary_op.value(op_name(BinaryOp(i)), BinaryOp(i));
  py::enum_<UnaryOp> unary_op(m, "UnaryOp");
  for (int i = 0; i <= int(UnaryOp::IsFinite); ++i) unary_op.value(op_name(UnaryOp(i)), UnaryOp(i));

  m.def("binary", traced("binary", &ops::binary), py::arg("op"), py::arg("a"), py::arg("b"), ReleaseGil());
  m.def("unary", traced("unary", &ops::unary), py::arg("op"), py::arg("a"), ReleaseGil());
  m.def("where", traced("where", &ops::where), py::arg("condition"), py::arg("a"), py::arg("b"), ReleaseGil());
  m.def("clip_by_value", traced("clip_by_value", &ops::clip_by_value), py::arg("x"), py::arg("lo"), py::arg("hi"),
        ReleaseGil());
  m.def("cast", traced("cast", &ops::cast), py::arg("x"), py::arg("dtype"), ReleaseGil());
}

}  // namespace tapeflow::bindings
