#include "ops/optimizer.h"

#include <algorithm>
#include <cmath>

#include "kernels/dispatch.h"
#include "ops/common.h"

namespace tapeflow::ops {
namespace {

using cpu::UpdateKind;

// Which slot lists each rule reads (by position), given its configuration.
std::vector<bool> slots_used(const cpu::UpdateRule& r) {
  const bool momentum = r.momentum != 0.0;
  switch (r.kind) {
    case UpdateKind::Sgd:
      return {momentum};
    case UpdateKind::Rmsprop:
      return {true, momentum, r.centered};
    case UpdateKind::Adam:
      return {true, true, r.amsgrad};
    case UpdateKind::Adagrad:
      return {true};
    case UpdateKind::Adadelta:
    case UpdateKind::Adamax:
    case UpdateKind::Nadam:
      return {true, true};
  }
  return {};
}

void check_tensor(const char* op, const char* what, size_t i, const Tensor& t, const Tensor& w) {
  TF_CHECK_ARG(t.defined(), op, ": ", what, " ", i, " is missing");
  TF_CHECK_ARG(t.dtype() == w.dtype(), op, ": ", what, " ", i, " has dtype ", dtype_name(t.dtype()),
               " but its variable is ", dtype_name(w.dtype()));
  TF_CHECK_ARG(t.shape() == w.shape(), op, ": ", what, " ", i, " has shape ", shape_str(t.shape()),
               " but its variable is ", shape_str(w.shape()));
  TF_CHECK_ARG(t.device() == w.device(), op, ": ", what, " ", i, " lives on ", t.device().name(),
               " but its variable on ", w.device().name());
}

// Memory [begin, end) of one tensor; `written` when the update writes it.
struct Extent {
  const char* begin;
  const char* end;
  bool written;
};

// Nothing written may overlap anything else (a variable listed twice, a slot shared between
// variables, a gradient that is a view of a variable would all give order-dependent results).
void check_no_overlap(const char* op, std::vector<Extent>& extents) {
  std::sort(extents.begin(), extents.end(),
            [](const Extent& a, const Extent& b) { return a.begin < b.begin; });
  const char* end_any = nullptr;      // the furthest end seen so far
  const char* end_written = nullptr;  // the furthest end of a written extent so far
  for (const Extent& e : extents) {
    const bool overlaps_written = end_written && e.begin < end_written;
    const bool written_overlaps = e.written && end_any && e.begin < end_any;
    TF_CHECK_ARG(!overlaps_written && !written_overlaps, op,
                 ": a variable or slot shares memory with another tensor of the update");
    end_any = std::max(end_any ? end_any : e.end, e.end);
    if (e.written) end_written = std::max(end_written ? end_written : e.end, e.end);
  }
}

double read_scalar(const char* op, const char* what, const Tensor& t) {
  TF_CHECK_ARG(t.rank() == 0 && t.dtype() != DType::Bool, op, ": ", what,
               " must be a 0-d numeric tensor, got a ", dtype_name(t.dtype()), " tensor of shape ",
               shape_str(t.shape()));
  TF_CHECK_ARG(t.device().is_cpu(), op, ": ", what, " must live on the CPU, got ",
               t.device().name());
  double value = 0;
  TF_DISPATCH_ALL(t.dtype(), op, value = double(*t.data<scalar_t>()));
  return value;
}

Extent extent_of(const Tensor& t, bool written) {
  const char* begin = static_cast<const char*>(t.raw_data());
  return {begin, begin + t.numel() * t.itemsize(), written};
}

}  // namespace

void apply_update(const char* op, const cpu::UpdateRule& rule, const TensorList& variables,
                  const TensorList& gradients, const std::vector<TensorList>& slots) {
  const size_t n = variables.size();
  TF_CHECK_ARG(gradients.size() == n, op, ": received ", gradients.size(), " gradients for ", n,
               " variables");
  const std::vector<bool> used = slots_used(rule);
  TF_CHECK_ARG(slots.size() == used.size(), op, ": expected ", used.size(),
               " slot lists, received ", slots.size());
  for (size_t s = 0; s < used.size(); ++s) {
    TF_CHECK_ARG(slots[s].size() == (used[s] ? n : 0), op, ": slot list ", s, " holds ",
                 slots[s].size(), " tensors, expected ", used[s] ? n : 0);
  }
  TensorList packed(n);
  std::vector<Extent> extents;
  extents.reserve(n * (2 + slots.size()));
  for (size_t i = 0; i < n; ++i) {
    const Tensor& w = variables[i];
    TF_CHECK_ARG(w.defined(), op, ": variable ", i, " is missing");
    TF_CHECK_ARG(is_floating(w.dtype()), op, ": variable ", i, " must be float32 or float64, got ",
                 dtype_name(w.dtype()));
    TF_CHECK_ARG(w.is_contiguous(), op, ": variable ", i, " must be contiguous");
    check_tensor(op, "gradient", i, gradients[i], w);
    packed[i] = contiguous(gradients[i]);
    if (w.numel() == 0) continue;
    extents.push_back(extent_of(w, true));
    extents.push_back(extent_of(packed[i], false));
    for (const TensorList& list : slots) {
      if (list.empty()) continue;
      check_tensor(op, "slot", i, list[i], w);
      TF_CHECK_ARG(list[i].is_contiguous(), op, ": slot ", i, " must be contiguous");
      extents.push_back(extent_of(list[i], true));
    }
  }
  check_no_overlap(op, extents);
  if (n > 0) kernels::apply_update(rule, variables, packed, slots);
}

void apply_update_at_step(const char* op, cpu::UpdateRule rule, const Tensor& learning_rate,
                          const Tensor& iterations, const std::optional<Tensor>& u_product,
                          const TensorList& variables, const TensorList& gradients,
                          const std::vector<TensorList>& slots) {
  const double lr = read_scalar(op, "learning_rate", learning_rate);
  rule.learning_rate = lr;
  const double t = read_scalar(op, "iterations", iterations) + 1.0;
  double* factors = rule.step_factors;
  if (rule.kind == UpdateKind::Adam) {
    factors[0] = lr * std::sqrt(1.0 - std::pow(rule.beta_2, t)) / (1.0 - std::pow(rule.beta_1, t));
  } else if (rule.kind == UpdateKind::Adamax) {
    factors[0] = 1.0 - std::pow(rule.beta_1, t);
  } else if (rule.kind == UpdateKind::Nadam) {
    TF_CHECK_ARG(u_product.has_value(), op, ": the momentum product U_t is missing");
    factors[0] = rule.beta_1 * (1.0 - 0.5 * std::pow(0.96, t));        // u_t
    factors[1] = rule.beta_1 * (1.0 - 0.5 * std::pow(0.96, t + 1.0));  // u_{t+1}
    factors[2] = read_scalar(op, "u_product", *u_product);             // U_t
    factors[3] = factors[2] * factors[1];                              // U_{t+1}
    factors[4] = 1.0 - std::pow(rule.beta_2, t);
  }
  apply_update(op, rule, variables, gradients, slots);
}

}  // namespace tapeflow::ops
