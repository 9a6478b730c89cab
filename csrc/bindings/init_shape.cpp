#include "bindings/init.h"

namespace tapeflow::bindings {

void init_shape(py::module_& m) {}

}  // namespace tapeflow::bindings
