#include "bindings/init.h"

namespace tapeflow::bindings {

void init_random(py::module_& m) {}

}  // namespace tapeflow::bindings
