#include <pybind11/stl.h>

#include <optional>

#include "autograd/tape.h"
#include "bindings/init.h"

namespace tapeflow::bindings {

using autograd::Tape;
using OptionalTensors = std::vector<std::optional<Tensor>>;

void init_autograd(py::module_& m) {
  py::class_<Tape, std::shared_ptr<Tape>>(m, "Tape")
      .def(py::init<bool>(), py::arg("persistent"))
      .def("push", [](const std::shared_ptr<Tape>& t) { autograd::push_tape(t); })
      .def("pop", [](const std::shared_ptr<Tape>& t) { autograd::pop_tape(t); })
      .def("watch", &Tape::watch)
      .def("watches", [](const Tape& t, const Tensor& x) { return t.watches(x.id()); })
      .def_property("recording", &Tape::recording, &Tape::set_recording)
      .def_property_readonly("num_nodes", &Tape::num_nodes)
      .def("reset", &Tape::reset)
      .def(
          "gradient",
          [](Tape& tape, const std::vector<Tensor>& targets, const std::vector<Tensor>& sources,
             const OptionalTensors& output_gradients, bool keep) {
            std::vector<Tensor> seeds;
            for (const auto& g : output_gradients) seeds.push_back(g ? *g : Tensor());
            std::vector<Tensor> grads;
            {
              py::gil_scoped_release release;
              grads = tape.gradient(targets, sources, seeds, keep);
            }
            OptionalTensors out;
            for (auto& g : grads) out.push_back(g.defined() ? std::optional<Tensor>(g) : std::nullopt);
            return out;
          },
          py::arg("targets"), py::arg("sources"), py::arg("output_gradients"),
          py::arg("keep") = false);
}

}  // namespace tapeflow::bindings
