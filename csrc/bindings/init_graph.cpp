// tf.function's C++ side: start and end a recording, and run the programs it yields
// (graph/trace.h). pyfront/tapeflow/function.py drives it.
#include <pybind11/stl.h>

#include "bindings/init.h"

namespace tapeflow::bindings {

void init_graph(py::module_& m) {
  using graph::Program;
  py::class_<Program, std::shared_ptr<Program>>(m, "Program")
      .def("captures",
           [](const Program& p) {
             py::list out;
             for (const Program::Capture& c : p.captures())
               out.append(
                   py::make_tuple(c.value.defined() ? py::cast(c.value) : py::none(), c.written));
             return out;
           })
      .def("bind_inputs", &Program::bind_inputs, py::arg("capture_indices"))
      .def_property_readonly("num_steps", &Program::num_steps)
      .def("run", &Program::run, py::arg("inputs"), ReleaseGil());
  m.def("begin_recording", &graph::begin_recording, py::arg("args"));
  m.def(
      "end_recording",
      [](const std::vector<Tensor>& outputs) {
        graph::Finished done = graph::end_recording(outputs);
        return py::make_tuple(done.program ? py::cast(done.program) : py::none(), done.why_not);
      },
      py::arg("outputs"));
  m.def("abandon_recording", &graph::abandon_recording);
  m.def("recording", &graph::recording);
  m.def("poison_recording", &graph::poison, py::arg("why"));
}

}  // namespace tapeflow::bindings
