#include "autograd/tape.h"

#include <algorithm>
#include <stdexcept>

#include "ops/autograd_support.h"
#include "ops/elementwise.h"

namespace tapeflow::autograd {
namespace {

thread_local std::vector<std::shared_ptr<Tape>> entered_tapes;
thread_local bool recording_paused = false;

TensorMeta meta_of(const Tensor& t) { return TensorMeta{t.id(), t.shape(), t.dtype()}; }

}  // namespace

void Tape::watch(const Tensor& t) {
  if (is_floating(t.dtype())) watched_.insert(t.id());
}

void Tape::reset() {
  watched_.clear();
  nodes_.clear();
  consumed_ = false;
}

void push_tape(const std::shared_ptr<Tape>& tape) { entered_tapes.push_back(tape); }

void pop_tape(const std::shared_ptr<Tape>& tape) {
  auto it = std::find(entered_tapes.rbegin(), entered_tapes.rend(), tape);
  if (it != entered_tapes.rend()) entered_tapes.erase(std::next(it).base());
}

bool any_tape_recording() {
  if (entered_tapes.empty() || recording_paused) return false;
  for (const auto& tape : entered_tapes)
    if (tape->recording()) return true;
  return false;
}

void record(const char* op, const std::vector<Tensor>& inputs,
            const std::vector<Tensor>& outputs, BackwardFn backward) {
  if (recording_paused) return;
  std::shared_ptr<Node> node;  // built once, shared by every tape that records the op
  for (const auto& tape : entered_tapes) {
    if (!tape->recording()) continue;
    const bool watched = std::any_of(inputs.begin(), inputs.end(),
                                     [&](const Tensor& t) { return tape->watches(t.id()); });
    if (!watched) continue;
    if (!node) {
      node = std::make_shared<Node>();
      node->op = op;
      for (const Tensor& t : inputs) node->inputs.push_back(meta_of(t));
      for (const Tensor& t : outputs) node->outputs.push_back(meta_of(t));
      node->backward = backward;
    }
    tape->nodes_.push_back(node);
    for (const Tensor& t : outputs) tape->watch(t);
  }
}

NoRecordScope::NoRecordScope() : previous_(recording_paused) { recording_paused = true; }
NoRecordScope::~NoRecordScope() { recording_paused = previous_; }

std::vector<Tensor> Tape::gradient(const std::vector<Tensor>& targets,
                                   const std::vector<Tensor>& sources,
                                   const std::vector<Tensor>& output_gradients, bool keep) {
  if (consumed_)
    throw std::runtime_error(
        "A non-persistent GradientTape can only be used to compute one set of gradients (or "
        "jacobians)");
  TF_CHECK_ARG(output_gradients.empty() || output_gradients.size() == targets.size(),
               "gradient: got ", output_gradients.size(), " output_gradients for ",
               targets.size(), " targets");

  // Only the part of the graph between the sources and the targets is differentiated.
  std::unordered_set<uint64_t> depends_on_source;
  for (const Tensor& s : sources)
    if (is_floating(s.dtype())) depends_on_source.insert(s.id());
  const size_t num_nodes = nodes_.size();  // nodes recorded from here on are not replayed
  for (size_t k = 0; k < num_nodes; ++k) {
    const Node& node = *nodes_[k];
    const bool reached = std::any_of(node.inputs.begin(), node.inputs.end(), [&](auto& m) {
      return depends_on_source.count(m.id) != 0;
    });
    if (reached)
      for (const auto& m : node.outputs) depends_on_source.insert(m.id);
  }

  // A non-persistent tape is consumed by this call and must not record its own backward
  // pass; a persistent one, called inside its own context, records it (as TensorFlow does).
  const bool was_recording = recording_;
  if (!persistent_) recording_ = false;
  struct Restore {
    Tape* tape;
    bool value;
    ~Restore() { tape->recording_ = value; }
  } restore{this, was_recording};

  std::unordered_map<uint64_t, Tensor> grads;
  auto accumulate = [&](uint64_t id, const Tensor& g) {
    auto it = grads.find(id);
    if (it == grads.end()) {
      grads.emplace(id, g);
    } else {
      it->second = ops::add_gradients(it->second, g);
    }
  };

  for (size_t i = 0; i < targets.size(); ++i) {
    const Tensor& target = targets[i];
    if (!is_floating(target.dtype())) continue;
    Tensor seed = output_gradients.empty() || !output_gradients[i].defined()
                      ? ops::ones_like_gradient(target)
                      : output_gradients[i];
    TF_CHECK_ARG(seed.shape() == target.shape() && seed.dtype() == target.dtype(),
                 "gradient: output_gradients[", i, "] has shape ", shape_str(seed.shape()),
                 " and dtype ", dtype_name(seed.dtype()), ", expected ",
                 shape_str(target.shape()), " and ", dtype_name(target.dtype()));
    accumulate(target.id(), seed);
  }

  for (size_t k = num_nodes; k-- > 0;) {
    const std::shared_ptr<Node> node = nodes_[k];
    bool has_output_grad = false;
    for (const auto& m : node->outputs) has_output_grad |= grads.count(m.id) != 0;
    if (!has_output_grad) continue;
    std::vector<bool> needs(node->inputs.size());
    bool any_needed = false;
    for (size_t i = 0; i < node->inputs.size(); ++i) {
      const TensorMeta& m = node->inputs[i];
      needs[i] = is_floating(m.dtype) && depends_on_source.count(m.id) != 0;
      any_needed |= needs[i];
    }
    if (!any_needed) continue;
    TF_CHECK(node->backward != nullptr, LookupError, "No gradient defined for operation '",
             node->op, "'");
    std::vector<Tensor> grad_outputs;
    grad_outputs.reserve(node->outputs.size());
    for (const auto& m : node->outputs) {
      auto it = grads.find(m.id);
      grad_outputs.push_back(it != grads.end() ? it->second
                                               : ops::zeros_gradient(m.shape, m.dtype));
    }
    const std::vector<Tensor> input_grads = node->backward(grad_outputs, needs);
    TF_CHECK(input_grads.size() == node->inputs.size(), InternalError, "gradient of '",
             node->op, "' returned ", input_grads.size(), " gradients for ",
             node->inputs.size(), " inputs");
    for (size_t i = 0; i < input_grads.size(); ++i) {
      if (!needs[i] || !input_grads[i].defined()) continue;
      const TensorMeta& m = node->inputs[i];
      Tensor g = input_grads[i];
      if (g.shape() != m.shape) g = ops::sum_to_shape(g, m.shape);  // undo broadcasting
      if (g.dtype() != m.dtype) g = ops::cast(g, m.dtype);
      accumulate(m.id, g);
    }
  }

  std::vector<Tensor> result;
  result.reserve(sources.size());
  for (const Tensor& s : sources) {
    auto it = grads.find(s.id());
    result.push_back(it != grads.end() && is_floating(s.dtype()) ? it->second : Tensor());
  }
  if (!persistent_ && !keep) {
    nodes_.clear();
    watched_.clear();
    consumed_ = true;
  }
  return result;
}

}  // namespace tapeflow::autograd
