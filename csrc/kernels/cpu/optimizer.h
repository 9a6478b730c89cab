// Multi-tensor optimizer updates: one call applies one step of an update rule to every
// variable of a model, in place, each element read and written once (the composite Python
// update_step reads and writes each array 5-10 times and costs a dozen op calls per variable).
// Contracts (checked by ops/optimizer.cpp before the call): every tensor is contiguous, float32
// or float64, a variable's gradient and slots have its shape and dtype, and nothing written
// overlaps anything else.
#pragma once
#include <vector>

#include "core/tensor.h"

namespace tapeflow::cpu {

enum class UpdateKind { Sgd, Rmsprop, Adam, Adagrad, Adadelta, Adamax, Nadam };

// The scalars of one step. Each kind reads only its own fields (see the formulas in
// isa/optimizer.cpp); per-step factors (Adam's bias-corrected step size, ...) are computed once
// by the caller, in double.
struct UpdateRule {
  UpdateKind kind = UpdateKind::Sgd;
  bool nesterov = false;  // Sgd
  bool centered = false;  // Rmsprop
  bool amsgrad = false;   // Adam
  double learning_rate = 0.0;
  double momentum = 0.0;  // Sgd, Rmsprop: 0 means no momentum slot
  double rho = 0.0;       // Rmsprop, Adadelta
  double beta_1 = 0.0, beta_2 = 0.0;
  double epsilon = 0.0;
  // Adam: the step size alpha. Adamax: 1 - beta_1**t. Nadam: u_t, u_{t+1}, U_t, U_{t+1},
  // 1 - beta_2**t (see isa/optimizer.cpp).
  double step_factors[5] = {0.0, 0.0, 0.0, 0.0, 0.0};
};

// Slots per variable, in the order the kernel reads them (each list as long as `variables`;
// a list the rule does not use is empty).
void apply_update(const UpdateRule& rule, const std::vector<Tensor>& variables,
                  const std::vector<Tensor>& gradients,
                  const std::vector<std::vector<Tensor>>& slots);

}  // namespace tapeflow::cpu
