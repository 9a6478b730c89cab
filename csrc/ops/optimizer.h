// Fused optimizer steps: one call updates every variable of a model in place with one of the
// Keras update rules (the formulas are in kernels/cpu/isa/optimizer.cpp; the Python
// update_step of each keras optimizer is the reference the tests compare against).
//
// variables[i] (any shape), gradients[i] (the same shape and dtype; a strided gradient is
// packed first) and each slot list's [i] (the same shape and dtype) are float32 or float64;
// variables and slots must be contiguous and own memory that nothing else passed here
// overlaps. The caller (keras/optimizers) hands in values no reader can see (copy-on-write).
#pragma once
#include <optional>
#include <vector>

#include "core/tensor.h"
#include "kernels/cpu/optimizer.h"

namespace tapeflow::ops {

using TensorList = std::vector<Tensor>;

// `slots` holds one list per slot the rule reads, in the order of UpdateRule's documentation
// (e.g. RMSprop: velocities, momentums, average gradients); a list the configuration does not
// use is empty (RMSprop without momentum: no momentums).
void apply_update(const char* op, const cpu::UpdateRule& rule, const TensorList& variables,
                  const TensorList& gradients, const std::vector<TensorList>& slots);

// apply_update with the learning rate, the steps done so far and (Nadam) the momentum product
// U_t read from 0-d tensors when it runs (Variables' values, a schedule's result: a traced
// program reads each run's), and the factors that change with the step t = iterations + 1 set
// from them (Keras's formulas): Adam's step size alpha = lr sqrt(1 - beta_2^t) / (1 - beta_1^t),
// Adamax's 1 - beta_1^t, Nadam's u_t = beta_1 (1 - 0.5 * 0.96^t), u_{t+1}, U_t, U_{t+1} and
// 1 - beta_2^t.
void apply_update_at_step(const char* op, cpu::UpdateRule rule, const Tensor& learning_rate,
                          const Tensor& iterations, const std::optional<Tensor>& u_product,
                          const TensorList& variables, const TensorList& gradients,
                          const std::vector<TensorList>& slots);

}  // namespace tapeflow::ops
