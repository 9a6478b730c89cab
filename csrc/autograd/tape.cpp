#include "autograd/tape.h"

#include <algorithm>
#include <stdexcept>

#include "ops/autograd_support.h"
#include "ops/elementwise.h"

namespace tapeflow::autograd {
namespace {

thread_local std::vector<std::shared_ptr<Tape>> entered_tapes;
thread_local size_t num_entered = 0;  // entered_tapes.size(), readable without a TLS guard

}  // namespace

std::vector<Tensor> Node::backward(const std::vector<Tensor>&, const std::vector<bool>&) const {
  throw LookupError(str_cat("No gradient defined for operation '", op_, "'"));
}

void Tape::watch(const Tensor& t) {
  if (is_floating(t.dtype())) records_.watched.insert(t.id());
}

bool Tape::watches_any(TensorList tensors) const {
  for (size_t i = 0; i < tensors.size(); ++i)
    if (records_.watched.contains(tensors[i].id())) return true;
  return false;
}

thread_local Tape::Records* Tape::spare_records_ = nullptr;

Tape::Tape(bool persistent) : persistent_(persistent) {
  if (spare_records_) std::swap(records_, *spare_records_);
}

Tape::~Tape() {
  recycle_records();
}

void Tape::Records::clear() {
  watched.clear();
  entries.clear();  // releases the nodes, and the tensors they saved
  metas.clear();
  dims.clear();
}

void Tape::recycle_records() {
  records_.clear();
  // A huge tape's arrays are freed rather than kept for the next tape.
  constexpr size_t kMaxRecycledEntries = size_t(1) << 16;
  if (records_.entries.capacity() > kMaxRecycledEntries) return;
  if (!spare_records_) spare_records_ = new Records();
  if (spare_records_->entries.capacity() < records_.entries.capacity())
    std::swap(records_, *spare_records_);
}

void Tape::reset() {
  records_.clear();
  consumed_ = false;
}

Tape::TensorMeta Tape::meta_of(const Tensor& t) {
  const TensorMeta meta{t.id(), records_.dims.size(), uint8_t(t.rank()), t.dtype()};
  records_.dims.insert(records_.dims.end(), t.shape().begin(), t.shape().end());
  return meta;
}

Dims Tape::shape_of(const TensorMeta& m) const {
  Dims shape = Dims::filled(m.rank, 0);
  std::copy_n(records_.dims.begin() + m.first_dim, m.rank, shape.begin());
  return shape;
}

void Tape::append(std::shared_ptr<const Node> node, TensorList inputs, TensorList outputs) {
  if (records_.entries.capacity() == 0) {  // room for a small model's step without regrowing
    records_.entries.reserve(64);
    records_.metas.reserve(192);
    records_.dims.reserve(384);
  }
  records_.entries.push_back(Entry{std::move(node), records_.metas.size(), uint32_t(inputs.size()),
                                   uint32_t(outputs.size())});
  for (size_t i = 0; i < inputs.size(); ++i) records_.metas.push_back(meta_of(inputs[i]));
  for (size_t i = 0; i < outputs.size(); ++i) {
    records_.metas.push_back(meta_of(outputs[i]));
    watch(outputs[i]);
  }
}

void push_tape(const std::shared_ptr<Tape>& tape) {
  entered_tapes.push_back(tape);
  num_entered = entered_tapes.size();
}

void pop_tape(const std::shared_ptr<Tape>& tape) {
  auto it = std::find(entered_tapes.rbegin(), entered_tapes.rend(), tape);
  if (it != entered_tapes.rend()) entered_tapes.erase(std::next(it).base());
  num_entered = entered_tapes.size();
}

bool any_tape_recording() {
  if (num_entered == 0) return false;
  for (const auto& tape : entered_tapes)
    if (tape->recording()) return true;
  return false;
}

namespace detail {

bool some_tape_wants(TensorList inputs) {
  for (const auto& tape : entered_tapes)
    if (tape->recording() && tape->watches_any(inputs)) return true;
  return false;
}

void append_to_tapes(std::shared_ptr<const Node> node, TensorList inputs, TensorList outputs) {
  Tape* last = nullptr;  // the innermost recording tape gets `node` itself, the others copies
  for (const auto& tape : entered_tapes) {
    if (!tape->recording() || !tape->watches_any(inputs)) continue;
    if (last) last->append(node, inputs, outputs);
    last = tape.get();
  }
  if (last) last->append(std::move(node), inputs, outputs);
}

}  // namespace detail

std::vector<Tensor> Tape::gradient(const std::vector<Tensor>& targets,
                                   const std::vector<Tensor>& sources,
                                   const std::vector<Tensor>& output_gradients, bool keep) {
  if (consumed_)
    throw std::runtime_error(
        "A non-persistent GradientTape can only be used to compute one set of gradients (or "
        "jacobians)");
  TF_CHECK_ARG(output_gradients.empty() || output_gradients.size() == targets.size(),
               "gradient: got ", output_gradients.size(), " output_gradients for ", targets.size(),
               " targets");

  // Only the part of the graph between the sources and the targets is differentiated.
  IdSet depends_on_source;
  for (const Tensor& s : sources)
    if (is_floating(s.dtype())) depends_on_source.insert(s.id());
  const size_t num_entries = records_.entries.size();  // ops recorded from here on are not replayed
  for (size_t k = 0; k < num_entries; ++k) {
    const Entry& e = records_.entries[k];
    const TensorMeta* metas = &records_.metas[e.first];
    const bool reached = std::any_of(metas, metas + e.num_inputs, [&](const TensorMeta& m) {
      return depends_on_source.contains(m.id);
    });
    if (reached)
      for (uint32_t o = 0; o < e.num_outputs; ++o)
        depends_on_source.insert(metas[e.num_inputs + o].id);
  }

  // A non-persistent tape is consumed by this call and must not record its own backward
  // pass; a persistent one, called inside its own context, records it (as TensorFlow does).
  // NOTE: the records then grow during the loop below, so it holds no references
  // into them across a backward() call.
  const bool was_recording = recording_;
  if (!persistent_) recording_ = false;
  struct Restore {
    Tape* tape;
    bool value;
    ~Restore() { tape->recording_ = value; }
  } restore{this, was_recording};

  IdMap<Tensor> grads;  // tensor id -> gradient accumulated so far
  auto accumulate = [&](uint64_t id, const Tensor& g) {
    Tensor& total = grads.insert(id);
    total = total.defined() ? ops::add_gradients(total, g) : g;
  };

  for (size_t i = 0; i < targets.size(); ++i) {
    const Tensor& target = targets[i];
    if (!is_floating(target.dtype())) continue;
    Tensor seed = output_gradients.empty() || !output_gradients[i].defined()
                      ? ops::ones_like_gradient(target)
                      : output_gradients[i];
    TF_CHECK_ARG(seed.shape() == target.shape() && seed.dtype() == target.dtype(),
                 "gradient: output_gradients[", i, "] has shape ", shape_str(seed.shape()),
                 " and dtype ", dtype_name(seed.dtype()), ", expected ", shape_str(target.shape()),
                 " and ", dtype_name(target.dtype()));
    accumulate(target.id(), seed);
  }

  std::vector<bool> needs;  // reused across ops
  std::vector<Tensor> grad_outputs;
  for (size_t k = num_entries; k-- > 0;) {
    const Entry e = records_.entries[k];  // a copy: the records may grow in backward()
    bool has_output_grad = false;
    for (uint32_t o = 0; o < e.num_outputs; ++o)
      has_output_grad |= grads.contains(records_.metas[e.first + e.num_inputs + o].id);
    if (!has_output_grad) continue;
    needs.assign(e.num_inputs, false);
    bool any_needed = false;
    for (uint32_t i = 0; i < e.num_inputs; ++i) {
      const TensorMeta& m = records_.metas[e.first + i];
      needs[i] = is_floating(m.dtype) && depends_on_source.contains(m.id);
      any_needed |= needs[i];
    }
    if (!any_needed) continue;
    grad_outputs.clear();
    for (uint32_t o = 0; o < e.num_outputs; ++o) {
      const TensorMeta m = records_.metas[e.first + e.num_inputs + o];
      const Tensor* g = grads.find(m.id);
      grad_outputs.push_back(g ? *g : ops::zeros_gradient(shape_of(m), m.dtype));
    }
    const std::vector<Tensor> input_grads = e.node->backward(grad_outputs, needs);
    TF_CHECK(input_grads.size() == e.num_inputs, InternalError, "gradient of '", e.node->op(),
             "' returned ", input_grads.size(), " gradients for ", e.num_inputs, " inputs");
    for (uint32_t i = 0; i < e.num_inputs; ++i) {
      if (!needs[i] || !input_grads[i].defined()) continue;
      const TensorMeta m = records_.metas[e.first + i];  // a copy, as the records may grow
      Tensor g = input_grads[i];
      const Dims shape = shape_of(m);
      if (g.shape() != shape) g = ops::sum_to_shape(g, shape);  // undo broadcasting
      if (g.dtype() != m.dtype) g = ops::cast(g, m.dtype);
      accumulate(m.id, g);
    }
  }

  std::vector<Tensor> result;
  result.reserve(sources.size());
  for (const Tensor& s : sources) {
    const Tensor* g = is_floating(s.dtype()) ? grads.find(s.id()) : nullptr;
    result.push_back(g ? *g : Tensor());
  }
  if (!persistent_ && !keep) {  // consumed: free what it saved, pass its arrays on
    recycle_records();
    consumed_ = true;
  }
  return result;
}

}  // namespace tapeflow::autograd
