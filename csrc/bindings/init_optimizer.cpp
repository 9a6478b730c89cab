#include <pybind11/stl.h>

#include <algorithm>

#include "bindings/init.h"
#include "ops/common.h"
#include "ops/optimizer.h"

namespace tapeflow::bindings {
namespace {

using cpu::UpdateKind;
using cpu::UpdateRule;
using ops::TensorList;

UpdateRule rule_of(UpdateKind kind, double epsilon) {
  UpdateRule rule;
  rule.kind = kind;
  rule.epsilon = epsilon;
  return rule;
}

// A learning rate or step count as a 0-d tensor: a tensor as it is, a Python number as a
// float64 constant.
Tensor scalar_arg(py::handle value, const char* what) {
  if (py::isinstance<Tensor>(value)) return value.cast<Tensor>();
  TF_CHECK(PyFloat_Check(value.ptr()) || PyLong_Check(value.ptr()), TypeError, what,
           " must be a number or a 0-d tensor, got ", Py_TYPE(value.ptr())->tp_name);
  Tensor t = ops::scalar_on(value.cast<double>(), DType::Float64, Device{});
  graph::note_constant(t);
  return t;
}

// Runs one fused update. A tf.function being traced records it as one step that writes the
// variables and slots in place and reads the learning rate (and step count) at each run.
void apply(const char* op, const UpdateRule& rule, py::handle learning_rate, py::handle iterations,
           const TensorList& w, const TensorList& g, const std::vector<TensorList>& slots,
           py::handle u_product = py::none()) {
  const Tensor lr = scalar_arg(learning_rate, "learning_rate");
  const Tensor step = iterations.is_none() ? scalar_arg(py::int_(0), "iterations")
                                           : scalar_arg(iterations, "iterations");
  std::optional<Tensor> product;
  if (!u_product.is_none()) product = scalar_arg(u_product, "u_product");
  graph::note_writes(w);
  for (const TensorList& list : slots) graph::note_writes(list);
  py::gil_scoped_release release;
  graph::call(op, ops::apply_update_at_step, op, rule, lr, step, product, w, g, slots);
}

}  // namespace

// Each family's fused step: variables, gradients, its slot lists, then its scalars as the
// keras optimizer of the same name holds them. learning_rate (and Adam's and Adamax's
// iterations, the steps done so far) may be numbers or 0-d tensors.
void init_optimizer(py::module_& m) {
  m.def(
      "sgd_update",
      [](const TensorList& w, const TensorList& g, const TensorList& momentums, py::handle lr,
         double momentum, bool nesterov) {
        UpdateRule r = rule_of(UpdateKind::Sgd, 0.0);
        r.momentum = momentum;
        r.nesterov = nesterov;
        apply("sgd_update", r, lr, py::none(), w, g, {momentums});
      },
      py::arg("variables"), py::arg("gradients"), py::arg("momentums"), py::arg("learning_rate"),
      py::arg("momentum"), py::arg("nesterov"));
  m.def(
      "rmsprop_update",
      [](const TensorList& w, const TensorList& g, const TensorList& velocities,
         const TensorList& momentums, const TensorList& average_gradients, py::handle lr,
         double rho, double momentum, double epsilon, bool centered) {
        UpdateRule r = rule_of(UpdateKind::Rmsprop, epsilon);
        r.rho = rho;
        r.momentum = momentum;
        r.centered = centered;
        apply("rmsprop_update", r, lr, py::none(), w, g,
              {velocities, momentums, average_gradients});
      },
      py::arg("variables"), py::arg("gradients"), py::arg("velocities"), py::arg("momentums"),
      py::arg("average_gradients"), py::arg("learning_rate"), py::arg("rho"), py::arg("momentum"),
      py::arg("epsilon"), py::arg("centered"));
  m.def(
      "adam_update",
      [](const TensorList& w, const TensorList& g, const TensorList& momentums,
         const TensorList& velocities, const TensorList& velocity_hats, py::handle lr,
         py::handle iterations, double beta_1, double beta_2, double epsilon, bool amsgrad) {
        UpdateRule r = rule_of(UpdateKind::Adam, epsilon);
        r.beta_1 = beta_1;
        r.beta_2 = beta_2;
        r.amsgrad = amsgrad;
        apply("adam_update", r, lr, iterations, w, g, {momentums, velocities, velocity_hats});
      },
      py::arg("variables"), py::arg("gradients"), py::arg("momentums"), py::arg("velocities"),
      py::arg("velocity_hats"), py::arg("learning_rate"), py::arg("iterations"), py::arg("beta_1"),
      py::arg("beta_2"), py::arg("epsilon"), py::arg("amsgrad"));
  m.def(
      "adagrad_update",
      [](const TensorList& w, const TensorList& g, const TensorList& accumulators, py::handle lr,
         double epsilon) {
        apply("adagrad_update", rule_of(UpdateKind::Adagrad, epsilon), lr, py::none(), w, g,
              {accumulators});
      },
      py::arg("variables"), py::arg("gradients"), py::arg("accumulators"), py::arg("learning_rate"),
      py::arg("epsilon"));
  m.def(
      "adadelta_update",
      [](const TensorList& w, const TensorList& g, const TensorList& accumulated_grads,
         const TensorList& accumulated_deltas, py::handle lr, double rho, double epsilon) {
        UpdateRule r = rule_of(UpdateKind::Adadelta, epsilon);
        r.rho = rho;
        apply("adadelta_update", r, lr, py::none(), w, g, {accumulated_grads, accumulated_deltas});
      },
      py::arg("variables"), py::arg("gradients"), py::arg("accumulated_grads"),
      py::arg("accumulated_deltas"), py::arg("learning_rate"), py::arg("rho"), py::arg("epsilon"));
  m.def(
      "adamax_update",
      [](const TensorList& w, const TensorList& g, const TensorList& momentums,
         const TensorList& norms, py::handle lr, py::handle iterations, double beta_1,
         double beta_2, double epsilon) {
        UpdateRule r = rule_of(UpdateKind::Adamax, epsilon);
        r.beta_1 = beta_1;
        r.beta_2 = beta_2;
        apply("adamax_update", r, lr, iterations, w, g, {momentums, norms});
      },
      py::arg("variables"), py::arg("gradients"), py::arg("momentums"), py::arg("norms"),
      py::arg("learning_rate"), py::arg("iterations"), py::arg("beta_1"), py::arg("beta_2"),
      py::arg("epsilon"));
  m.def(
      "nadam_update",  // u_product: U_t, the product of u_1 .. u_t (this step's included)
      [](const TensorList& w, const TensorList& g, const TensorList& momentums,
         const TensorList& velocities, py::handle lr, py::handle iterations, py::handle u_product,
         double beta_1, double beta_2, double epsilon) {
        UpdateRule r = rule_of(UpdateKind::Nadam, epsilon);
        r.beta_1 = beta_1;
        r.beta_2 = beta_2;
        apply("nadam_update", r, lr, iterations, w, g, {momentums, velocities}, u_product);
      },
      py::arg("variables"), py::arg("gradients"), py::arg("momentums"), py::arg("velocities"),
      py::arg("learning_rate"), py::arg("iterations"), py::arg("u_product"), py::arg("beta_1"),
      py::arg("beta_2"), py::arg("epsilon"));
}

}  // namespace tapeflow::bindings
