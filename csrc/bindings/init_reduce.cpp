#include <pybind11/stl.h>

#include "bindings/init.h"
#include "ops/nn.h"
#include "ops/reduce.h"

namespace tapeflow::bindings {

void init_reduce(py::module_& m) {
  py::enum_<ReduceOp>(m, "ReduceOp")
      .value("sum", ReduceOp::Sum)
      .value("prod", ReduceOp::Prod)
      .value("max", ReduceOp::Max)
      .value("min", ReduceOp::Min)
      .value("any", ReduceOp::Any)
      .value("all", ReduceOp::All)
      .value("mean", ReduceOp::Mean);
  m.def("reduce", traced("reduce", &ops::reduce), py::arg("op"), py::arg("x"), py::arg("axes"), py::arg("keepdims"),
        ReleaseGil());
  m.def("reduce_reference", &ops::reduce_reference, py::arg("op"), py::arg("x"), py::arg("axes"),
        py::arg("keepdims"), ReleaseGil());
  m.def("reduce_logsumexp", traced("reduce_logsumexp", &ops::reduce_logsumexp), py::arg("x"), py::arg("axes"),
        py::arg("keepdims"), ReleaseGil());
  m.def("arg_reduce", traced("arg_reduce", &ops::arg_reduce), py::arg("is_max"), py::arg("x"), py::arg("axis"),
        py::arg("output_type"), ReleaseGil());
  m.def("softmax", traced("softmax", &ops::softmax), py::arg("logits"), py::arg("axis"), ReleaseGil());
  m.def("log_softmax", traced("log_softmax", &ops::log_softmax), py::arg("logits"), py::arg("axis"), ReleaseGil());
  m.def("sparse_softmax_cross_entropy", traced("sparse_softmax_cross_entropy", &ops::sparse_softmax_cross_entropy), py::arg("logits"),
        py::arg("labels"), ReleaseGil());
}

}  // namespace tapeflow::bindings
