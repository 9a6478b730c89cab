#include "bindings/init.h"

PYBIND11_MODULE(_C, m) {
  using namespace tapeflow::bindings;
  m.doc() = "tapeflow's C++ core: tensors, kernels and ops";
  init_errors(m);
  init_tensor(m);
  init_elementwise(m);
  init_reduce(m);
  init_linalg(m);
  init_shape(m);
  init_random(m);
  init_config(m);
  init_autograd(m);
  init_variable(m);
  init_device(m);
  init_optimizer(m);
  init_graph(m);
  init_testing(m);
}
