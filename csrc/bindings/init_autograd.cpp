#include <pybind11/stl.h>

#include <optional>

#include "autograd/tape.h"
#include "bindings/init.h"

namespace tapeflow::bindings {

using autograd::Tape;
using OptionalTensors = std::vector<std::optional<Tensor>>;

void init_autograd(py::module_& m) {
  py::class_<Tape, std::shared_ptr<Tape>>(m, "Tape")
      // Every event is also recorded by a tf.function being traced (graph/trace.h).
      .def(py::init([](bool persistent) {
             auto tape = std::make_shared<Tape>(persistent);
             graph::note_new_tape(tape);
             return tape;
           }),
           py::arg("persistent"))
      .def("push",
           [](const std::shared_ptr<Tape>& t) {
             autograd::push_tape(t);
             graph::record_tape_push(t);
           })
      .def("pop",
           [](const std::shared_ptr<Tape>& t) {
             autograd::pop_tape(t);
             graph::record_tape_pop(t);
           })
      .def("watch",
           [](const std::shared_ptr<Tape>& t, const Tensor& x) {
             t->watch(x);
             graph::record_tape_watch(t, x);
           })
      .def("watches", [](const Tape& t, const Tensor& x) { return t.watches(x.id()); })
      .def_property("recording", &Tape::recording,
                    [](const std::shared_ptr<Tape>& t, bool on) {
                      t->set_recording(on);
                      graph::record_tape_event("Tape.recording", t,
                                               [on](Tape& tape) { tape.set_recording(on); });
                    })
      .def_property_readonly("num_nodes", &Tape::num_nodes)
      .def("reset",
           [](const std::shared_ptr<Tape>& t) {
             t->reset();
             graph::record_tape_event("Tape.reset", t, [](Tape& tape) { tape.reset(); });
           })
      .def(
          "gradient",
          [](const std::shared_ptr<Tape>& tape, const std::vector<Tensor>& targets,
             const std::vector<Tensor>& sources, const OptionalTensors& output_gradients,
             bool keep) {
            std::vector<Tensor> seeds;
            for (const auto& g : output_gradients) seeds.push_back(g ? *g : Tensor());
            std::vector<Tensor> grads;
            {
              py::gil_scoped_release release;
              grads = tape->gradient(targets, sources, seeds, keep);
              graph::record_tape_gradient(tape, targets, sources, seeds, keep, grads);
            }
            OptionalTensors out;
            for (auto& g : grads)
              out.push_back(g.defined() ? std::optional<Tensor>(g) : std::nullopt);
            return out;
          },
          py::arg("targets"), py::arg("sources"), py::arg("output_gradients"),
          py::arg("keep") = false);
}

}  // namespace tapeflow::bindings
