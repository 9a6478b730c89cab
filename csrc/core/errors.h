// Errors raised by the C++ core. Each class maps to one Python exception (bindings/module.cpp):
//   InvalidArgumentError   -> tapeflow.errors.InvalidArgumentError (a ValueError)
//   IndexError             -> IndexError
//   TypeError              -> TypeError
//   ResourceExhaustedError -> tapeflow.errors.ResourceExhaustedError (a MemoryError)
//   UnimplementedError     -> tapeflow.errors.UnimplementedError (a NotImplementedError)
//   LookupError            -> LookupError (no gradient rule), InternalError -> tf.errors.InternalError
// Messages quote what was received and what was expected:
//   "matmul: inner dimensions differ: a is (2, 3), b is (4, 5)".
#pragma once
#include <sstream>
#include <stdexcept>
#include <string>

namespace tapeflow {

struct InvalidArgumentError : std::runtime_error {
  using std::runtime_error::runtime_error;
};
struct IndexError : std::runtime_error {
  using std::runtime_error::runtime_error;
};
struct TypeError : std::runtime_error {
  using std::runtime_error::runtime_error;
};
struct ResourceExhaustedError : std::runtime_error {
  using std::runtime_error::runtime_error;
};
struct UnimplementedError : std::runtime_error {
  using std::runtime_error::runtime_error;
};
struct LookupError : std::runtime_error {  // a float op without a gradient rule
  using std::runtime_error::runtime_error;
};
struct InternalError : std::runtime_error {  // a broken invariant inside tapeflow
  using std::runtime_error::runtime_error;
};

// Concatenates any streamable values into one message.
template <typename... Args>
std::string str_cat(const Args&... args) {
  std::ostringstream out;
  (out << ... << args);
  return out.str();
}

}  // namespace tapeflow

// TF_CHECK(cond, ErrorClass, parts...) throws ErrorClass(str_cat(parts...)) when cond is false.
#define TF_CHECK(cond, Error, ...)                        \
  do {                                                    \
    if (!(cond)) throw ::tapeflow::Error(::tapeflow::str_cat(__VA_ARGS__)); \
  } while (0)
#define TF_CHECK_ARG(cond, ...) TF_CHECK(cond, InvalidArgumentError, __VA_ARGS__)
