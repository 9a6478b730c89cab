#include "bindings/init.h"
#include "kernels/cpu/cpu_features.h"
#include "kernels/cpu/parallel.h"

namespace tapeflow::bindings {

void init_config(py::module_& m) {
  m.def("num_threads", &cpu::num_threads);
  m.def("set_num_threads", &cpu::set_num_threads, py::arg("n"));
  m.def("cpu_isa", [] { return cpu::isa_name(cpu::active_isa()); });
}

}  // namespace tapeflow::bindings
