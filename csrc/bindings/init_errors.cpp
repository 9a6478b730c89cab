// C++ errors -> Python exceptions. The tapeflow-specific classes live in tapeflow/errors.py
// (so they can derive from both OpError and the matching builtin); they are looked up once,
// the first time one is raised.
#include <Python.h>

#include "bindings/init.h"
#include "core/errors.h"

namespace tapeflow::bindings {
namespace {

PyObject* error_class(const char* name) {
  py::object cls = py::module_::import("tapeflow.errors").attr(name);
  return cls.release().ptr();  // kept for the life of the process
}

}  // namespace

void init_errors(py::module_& m) {
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const InvalidArgumentError& e) {
      static PyObject* cls = error_class("InvalidArgumentError");
      PyErr_SetString(cls, e.what());
    } catch (const ResourceExhaustedError& e) {
      static PyObject* cls = error_class("ResourceExhaustedError");
      PyErr_SetString(cls, e.what());
    } catch (const UnimplementedError& e) {
      static PyObject* cls = error_class("UnimplementedError");
      PyErr_SetString(cls, e.what());
    } catch (const InternalError& e) {
      static PyObject* cls = error_class("InternalError");
      PyErr_SetString(cls, e.what());
    } catch (const LookupError& e) {
      PyErr_SetString(PyExc_LookupError, e.what());
    } catch (const IndexError& e) {
      PyErr_SetString(PyExc_IndexError, e.what());
    } catch (const TypeError& e) {
      PyErr_SetString(PyExc_TypeError, e.what());
    } catch (const std::bad_alloc&) {
      static PyObject* cls = error_class("ResourceExhaustedError");
      PyErr_SetString(cls, "out of memory");
    }
  });
}

}  // namespace tapeflow::bindings
