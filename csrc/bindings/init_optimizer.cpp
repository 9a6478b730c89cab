#include <pybind11/stl.h>

#include <algorithm>

#include "bindings/init.h"
#include "ops/optimizer.h"

namespace tapeflow::bindings {
namespace {

using cpu::UpdateKind;
using cpu::UpdateRule;
using ops::TensorList;

UpdateRule rule_of(UpdateKind kind, double learning_rate, double epsilon) {
  UpdateRule rule;
  rule.kind = kind;
  rule.learning_rate = learning_rate;
  rule.epsilon = epsilon;
  return rule;
}

}  // namespace

// Each family's fused step: variables, gradients, its slot lists, then its scalars (as the
// keras optimizer of the same name holds them; per-step factors computed by the caller).
void init_optimizer(py::module_& m) {
  m.def(
      "sgd_update",
      [](const TensorList& w, const TensorList& g, const TensorList& momentums, double lr,
         double momentum, bool nesterov) {
        UpdateRule r = rule_of(UpdateKind::Sgd, lr, 0.0);
        r.momentum = momentum;
        r.nesterov = nesterov;
        ops::apply_update("sgd_update", r, w, g, {momentums});
      },
      py::arg("variables"), py::arg("gradients"), py::arg("momentums"), py::arg("learning_rate"),
      py::arg("momentum"), py::arg("nesterov"), ReleaseGil());
  m.def(
      "rmsprop_update",
      [](const TensorList& w, const TensorList& g, const TensorList& velocities,
         const TensorList& momentums, const TensorList& average_gradients, double lr, double rho,
         double momentum, double epsilon, bool centered) {
        UpdateRule r = rule_of(UpdateKind::Rmsprop, lr, epsilon);
        r.rho = rho;
        r.momentum = momentum;
        r.centered = centered;
        ops::apply_update("rmsprop_update", r, w, g, {velocities, momentums, average_gradients});
      },
      py::arg("variables"), py::arg("gradients"), py::arg("velocities"), py::arg("momentums"),
      py::arg("average_gradients"), py::arg("learning_rate"), py::arg("rho"), py::arg("momentum"),
      py::arg("epsilon"), py::arg("centered"), ReleaseGil());
  m.def(
      "adam_update",
      [](const TensorList& w, const TensorList& g, const TensorList& momentums,
         const TensorList& velocities, const TensorList& velocity_hats, double alpha, double beta_1,
         double beta_2, double epsilon, bool amsgrad) {
        UpdateRule r = rule_of(UpdateKind::Adam, 0.0, epsilon);
        r.beta_1 = beta_1;
        r.beta_2 = beta_2;
        r.amsgrad = amsgrad;
        r.step_factors[0] = alpha;
        ops::apply_update("adam_update", r, w, g, {momentums, velocities, velocity_hats});
      },
      py::arg("variables"), py::arg("gradients"), py::arg("momentums"), py::arg("velocities"),
      py::arg("velocity_hats"), py::arg("alpha"), py::arg("beta_1"), py::arg("beta_2"),
      py::arg("epsilon"), py::arg("amsgrad"), ReleaseGil());
  m.def(
      "adagrad_update",
      [](const TensorList& w, const TensorList& g, const TensorList& accumulators, double lr,
         double epsilon) {
        ops::apply_update("adagrad_update", rule_of(UpdateKind::Adagrad, lr, epsilon), w, g,
                          {accumulators});
      },
      py::arg("variables"), py::arg("gradients"), py::arg("accumulators"), py::arg("learning_rate"),
      py::arg("epsilon"), ReleaseGil());
  m.def(
      "adadelta_update",
      [](const TensorList& w, const TensorList& g, const TensorList& accumulated_grads,
         const TensorList& accumulated_deltas, double lr, double rho, double epsilon) {
        UpdateRule r = rule_of(UpdateKind::Adadelta, lr, epsilon);
        r.rho = rho;
        ops::apply_update("adadelta_update", r, w, g, {accumulated_grads, accumulated_deltas});
      },
      py::arg("variables"), py::arg("gradients"), py::arg("accumulated_grads"),
      py::arg("accumulated_deltas"), py::arg("learning_rate"), py::arg("rho"), py::arg("epsilon"),
      ReleaseGil());
  m.def(
      "adamax_update",
      [](const TensorList& w, const TensorList& g, const TensorList& momentums,
         const TensorList& norms, double lr, double beta_1, double beta_2, double epsilon,
         double bias_correction) {
        UpdateRule r = rule_of(UpdateKind::Adamax, lr, epsilon);
        r.beta_1 = beta_1;
        r.beta_2 = beta_2;
        r.step_factors[0] = bias_correction;
        ops::apply_update("adamax_update", r, w, g, {momentums, norms});
      },
      py::arg("variables"), py::arg("gradients"), py::arg("momentums"), py::arg("norms"),
      py::arg("learning_rate"), py::arg("beta_1"), py::arg("beta_2"), py::arg("epsilon"),
      py::arg("bias_correction"), ReleaseGil());
  m.def(
      "nadam_update",
      [](const TensorList& w, const TensorList& g, const TensorList& momentums,
         const TensorList& velocities, double lr, double beta_1, double beta_2, double epsilon,
         double u_t, double u_next, double u_product, double u_product_next, double v_correction) {
        UpdateRule r = rule_of(UpdateKind::Nadam, lr, epsilon);
        r.beta_1 = beta_1;
        r.beta_2 = beta_2;
        const double factors[5] = {u_t, u_next, u_product, u_product_next, v_correction};
        std::copy(factors, factors + 5, r.step_factors);
        ops::apply_update("nadam_update", r, w, g, {momentums, velocities});
      },
      py::arg("variables"), py::arg("gradients"), py::arg("momentums"), py::arg("velocities"),
      py::arg("learning_rate"), py::arg("beta_1"), py::arg("beta_2"), py::arg("epsilon"),
      py::arg("u_t"), py::arg("u_next"), py::arg("u_product"), py::arg("u_product_next"),
      py::arg("v_correction"), ReleaseGil());
}

}  // namespace tapeflow::bindings
