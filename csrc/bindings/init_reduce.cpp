#include "bindings/init.h"

namespace tapeflow::bindings {

void init_reduce(py::module_& m) {}

}  // namespace tapeflow::bindings
