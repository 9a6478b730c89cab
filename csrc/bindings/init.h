// Each area of the Python module registers itself from one init_* file. Bindings convert
// arguments and forward; they hold no maths and no validation of their own.
#pragma once
#include <pybind11/pybind11.h>

#include "graph/trace.h"

namespace tapeflow::bindings {

namespace py = pybind11;

void init_errors(py::module_& m);
void init_tensor(py::module_& m);
void init_elementwise(py::module_& m);
void init_reduce(py::module_& m);
void init_linalg(py::module_& m);
void init_shape(py::module_& m);
void init_random(py::module_& m);
void init_config(py::module_& m);
void init_autograd(py::module_& m);
void init_variable(py::module_& m);
void init_device(py::module_& m);
void init_optimizer(py::module_& m);
void init_graph(py::module_& m);
void init_testing(py::module_& m);  // the _C._testing submodule

// Op bindings release the GIL while the op runs: `m.def(name, fn, kReleaseGil)`.
using ReleaseGil = py::call_guard<py::gil_scoped_release>;

// An op binding that tf.function can record (graph/trace.h):
//   m.def("binary", traced("binary", &ops::binary), ...)
template <class R, class... A>
auto traced(const char* op, R (*fn)(A...)) {
  return [op, fn](A... args) -> R { return graph::call(op, fn, args...); };
}

}  // namespace tapeflow::bindings
