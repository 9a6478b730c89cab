#include "bindings/init.h"

namespace tapeflow::bindings {

void init_linalg(py::module_& m) {}

}  // namespace tapeflow::bindings
