#include "graph/trace.h"

#include <algorithm>

#include "autograd/id_map.h"
#include "core/errors.h"
#include "ops/state.h"

namespace tapeflow::graph {

// The program being recorded on this thread, and what the recorder knows about its values.
class Recording {
 public:
  explicit Recording(const std::vector<Tensor>& args)
      : first_new_id_(Tensor::next_id()), program_(std::make_shared<Program>()) {
    program_->num_args_ = args.size();
    for (const Tensor& t : args) {
      TF_CHECK_ARG(t.defined(), "tf.function: an argument tensor is undefined");
      const Slot s = new_slot(t.shape());
      program_->input_slots_.push_back(s);
      program_->input_dtypes_.push_back(t.dtype());
      handles_.push_back(Tensor::view_of(t, t.shape(), t.strides(), t.offset()));  // a new id
      slot_of_.insert(handles_.back().id(), s);
    }
  }

  // The arguments as the function sees them (see begin_recording).
  const std::vector<Tensor>& argument_handles() const { return handles_; }

  bool is_constant(const Tensor& t) const {
    const Slot* s = slot_of_.find(t.id());
    return s &&
           std::find(constant_slots_.begin(), constant_slots_.end(), *s) != constant_slots_.end();
  }

  bool usable() const { return why_not_.empty(); }
  void poison(const std::string& why) {
    if (why_not_.empty()) why_not_ = why;
  }

  Slot read_slot(const Tensor& t) {
    if (!usable()) return kNoSlot;
    if (!t.defined()) {
      poison("an op read an undefined tensor");
      return kNoSlot;
    }
    if (const Slot* s = slot_of_.find(t.id())) return *s;
    if (t.id() >= first_new_id_) {
      // Made during the recording, but by no step and not as a constant: an untraced op.
      poison("a tensor was made by an op tf.function cannot trace");
      return kNoSlot;
    }
    const Slot s = new_slot(t.shape());
    program_->captures_.push_back({t, false});
    program_->capture_slots_.push_back(s);
    slot_of_.insert(t.id(), s);
    return s;
  }

  Slot write_slot(const Tensor& t) {
    if (!t.defined()) return kNoSlot;
    if (const Slot* s = slot_of_.find(t.id())) return *s;  // an op returned its input
    const Slot s = new_slot(t.shape());
    slot_of_.insert(t.id(), s);
    return s;
  }

  void add_constant(const Tensor& t) {
    if (!usable() || slot_of_.contains(t.id())) return;
    const Slot s = new_slot(t.shape());
    slot_of_.insert(t.id(), s);
    program_->constants_.emplace_back(s, t);
    constant_slots_.push_back(s);
  }

  void note_write(const Tensor& t) {
    const Slot s = read_slot(t);
    if (s == kNoSlot) return;
    if (std::find(constant_slots_.begin(), constant_slots_.end(), s) != constant_slots_.end()) {
      poison("an op wrote into a constant made inside the function");
      return;
    }
    for (size_t i = 0; i < program_->capture_slots_.size(); ++i)
      if (program_->capture_slots_[i] == s) program_->captures_[i].written = true;
    for (size_t i = 0; i < program_->num_args_; ++i)
      if (program_->input_slots_[i] == s) poison("an op wrote into an argument of the function");
  }

  void add_step(const char* op, std::function<void(Frame&)> run, std::vector<Slot> reads,
                std::vector<Slot> outputs) {
    if (!usable()) return;
    Program::Step step{op, std::move(run), std::move(outputs), {}, {}};
    for (Slot s : step.outputs)
      step.shapes.push_back(s == kNoSlot ? Dims{} : program_->slot_shapes_[s]);
    program_->steps_.push_back(std::move(step));
    program_->step_reads_.push_back(std::move(reads));
  }

  // Tapes: the slot of a tape made during the recording, or -1 after poisoning.
  int tape_index(const autograd::Tape* tape) {
    for (size_t i = 0; i < tapes_.size(); ++i)
      if (tapes_[i] == tape) return int(i);
    poison("a GradientTape from outside the function was used inside it");
    return -1;
  }
  int add_tape(const autograd::Tape* tape) {
    tapes_.push_back(tape);
    program_->num_tapes_ = tapes_.size();
    return int(tapes_.size()) - 1;
  }
  int entered_tapes = 0;  // pushed minus popped during the recording

  Finished finish(const std::vector<Tensor>& outputs) {
    for (const Tensor& t : outputs) program_->outputs_.push_back(read_slot(t));
    if (entered_tapes != 0) poison("a GradientTape entered in the function was not exited");
    if (!usable()) return {nullptr, why_not_};
    program_->num_slots_ = program_->slot_shapes_.size();
    program_->input_written_.assign(program_->num_args_, false);
    program_->plan_releases();
    return {std::move(program_), ""};
  }

 private:
  Slot new_slot(const Dims& shape) {
    program_->slot_shapes_.push_back(shape);
    return Slot(program_->slot_shapes_.size() - 1);
  }

  uint64_t first_new_id_;  // tensors with smaller ids existed before the recording
  std::shared_ptr<Program> program_;
  autograd::IdMap<Slot> slot_of_;
  std::vector<Slot> constant_slots_;
  std::vector<const autograd::Tape*> tapes_;
  std::vector<Tensor> handles_;
  std::string why_not_;
};

namespace detail {
thread_local Recording* active = nullptr;

Slot read_slot(Recording& r, const Tensor& t) {
  return r.read_slot(t);
}
Slot write_slot(Recording& r, const Tensor& t) {
  return r.write_slot(t);
}
void add_step(Recording& r, const char* op, std::function<void(Frame&)> run,
              std::vector<Slot> reads, std::vector<Slot> outputs) {
  r.add_step(op, std::move(run), std::move(reads), std::move(outputs));
}
bool usable(const Recording& r) {
  return r.usable();
}
}  // namespace detail

using detail::active;

void poison(const std::string& why) {
  if (active) active->poison(why);
}
void note_constant(const Tensor& t) {
  if (active) active->add_constant(t);
}
void note_write(const Tensor& t) {
  if (active) active->note_write(t);
}
void note_writes(const std::vector<Tensor>& ts) {
  if (active)
    for (const Tensor& t : ts) active->note_write(t);
}
void note_shape_from_values(const std::vector<Tensor>& ts) {
  if (!active) return;
  for (const Tensor& t : ts)
    if (!active->is_constant(t))
      active->poison("an op's output shape depends on tensor values (e.g. tf.range(n))");
}

void note_host_read() {
  if (active) active->poison("a tensor's value was read in Python (e.g. float(t), t.numpy())");
}

// -- tapes --------------------------------------------------------------------------------------
void note_new_tape(const std::shared_ptr<autograd::Tape>& tape) {
  if (!active || !active->usable()) return;
  const int index = active->add_tape(tape.get());
  const bool persistent = tape->persistent();
  active->add_step("Tape",
                   [index, persistent](Frame& f) {
                     f.tapes[index] = std::make_shared<autograd::Tape>(persistent);
                   },
                   {}, {});
}

void record_tape_push(const std::shared_ptr<autograd::Tape>& tape) {
  if (!active || !active->usable()) return;
  const int index = active->tape_index(tape.get());
  if (index < 0) return;
  ++active->entered_tapes;
  active->add_step("Tape.push",
                   [index](Frame& f) {
                     autograd::push_tape(f.tapes[index]);
                     f.entered.push_back(f.tapes[index]);
                   },
                   {}, {});
}

void record_tape_pop(const std::shared_ptr<autograd::Tape>& tape) {
  if (!active || !active->usable()) return;
  const int index = active->tape_index(tape.get());
  if (index < 0) return;
  --active->entered_tapes;
  active->add_step("Tape.pop",
                   [index](Frame& f) {
                     autograd::pop_tape(f.tapes[index]);
                     auto& entered = f.entered;
                     entered.erase(std::find(entered.begin(), entered.end(), f.tapes[index]));
                   },
                   {}, {});
}

void record_tape_event(const char* what, const std::shared_ptr<autograd::Tape>& tape,
                       std::function<void(autograd::Tape&)> event) {
  if (!active || !active->usable()) return;
  const int index = active->tape_index(tape.get());
  if (index < 0) return;
  active->add_step(what, [index, event](Frame& f) { event(*f.tapes[index]); }, {}, {});
}

void record_tape_watch(const std::shared_ptr<autograd::Tape>& tape, const Tensor& t) {
  if (!active || !active->usable()) return;
  const int index = active->tape_index(tape.get());
  const Slot s = active->read_slot(t);
  if (index < 0 || s == kNoSlot) return;
  active->add_step("Tape.watch", [index, s](Frame& f) { f.tapes[index]->watch(f.values[s]); }, {s},
                   {});
}

void record_tape_gradient(const std::shared_ptr<autograd::Tape>& tape,
                          const std::vector<Tensor>& targets, const std::vector<Tensor>& sources,
                          const std::vector<Tensor>& seeds, bool keep,
                          const std::vector<Tensor>& grads) {
  if (!active || !active->usable()) return;
  const int index = active->tape_index(tape.get());
  if (index < 0) return;
  std::vector<Slot> reads;
  auto slots_of = [&](const std::vector<Tensor>& ts) {
    std::vector<Slot> slots;
    for (const Tensor& t : ts) {
      slots.push_back(t.defined() ? active->read_slot(t) : kNoSlot);
      if (slots.back() != kNoSlot) reads.push_back(slots.back());
    }
    return slots;
  };
  const std::vector<Slot> target_slots = slots_of(targets), source_slots = slots_of(sources),
                          seed_slots = slots_of(seeds);
  std::vector<Slot> outputs;
  for (const Tensor& g : grads) outputs.push_back(active->write_slot(g));
  auto tensors = [](const Frame& f, const std::vector<Slot>& slots) {
    std::vector<Tensor> ts;
    ts.reserve(slots.size());
    for (Slot s : slots) ts.push_back(s == kNoSlot ? Tensor() : f.values[s]);
    return ts;
  };
  active->add_step(
      "Tape.gradient",
      [=](Frame& f) {
        store_outputs(f, outputs,
                      f.tapes[index]->gradient(tensors(f, target_slots), tensors(f, source_slots),
                                               tensors(f, seed_slots), keep));
      },
      std::move(reads), outputs);
}

// -- recordings ---------------------------------------------------------------------------------
std::vector<Tensor> begin_recording(const std::vector<Tensor>& args) {
  TF_CHECK(active == nullptr, InternalError, "tf.function: a recording is already active");
  active = new Recording(args);
  return active->argument_handles();
}

Finished end_recording(const std::vector<Tensor>& outputs) {
  TF_CHECK(active != nullptr, InternalError, "tf.function: no recording is active");
  std::unique_ptr<Recording> r(active);
  active = nullptr;
  return r->finish(outputs);
}

void abandon_recording() {
  delete active;
  active = nullptr;
}

// -- programs -----------------------------------------------------------------------------------
void Program::bind_inputs(const std::vector<size_t>& indices) {
  std::vector<bool> bound(captures_.size(), false);
  input_slots_.resize(num_args_);
  input_dtypes_.resize(num_args_);
  input_written_.assign(num_args_, false);
  for (size_t i : indices) {
    TF_CHECK_ARG(i < captures_.size() && !bound[i], "tf.function: bad capture index ", i);
    bound[i] = true;
    input_slots_.push_back(capture_slots_[i]);
    input_dtypes_.push_back(captures_[i].value.dtype());
    input_written_.push_back(captures_[i].written);
  }
  for (size_t i = 0; i < captures_.size(); ++i) {
    if (bound[i]) continue;
    TF_CHECK_ARG(!captures_[i].written, "tf.function: capture ", i,
                 " is written in place, so it must be bound as an input");
    constants_.emplace_back(capture_slots_[i], captures_[i].value);
  }
  // Bound captures are passed at each run: the program keeps no reference to their values.
  for (size_t i = 0; i < captures_.size(); ++i)
    if (bound[i]) captures_[i].value = Tensor();
}

// Each slot is dropped after the last step that reads it (outputs are kept to the end), so a
// run holds no more memory than the eager code would.
void Program::plan_releases() {
  std::vector<int> last_read(num_slots_, -1);
  for (size_t i = 0; i < steps_.size(); ++i)
    for (Slot s : step_reads_[i]) last_read[s] = int(i);
  for (size_t i = 0; i < steps_.size(); ++i)
    for (Slot s : steps_[i].outputs)
      if (s != kNoSlot && last_read[s] < int(i)) last_read[s] = int(i);  // never read: drop now
  for (Slot s : outputs_)
    if (s != kNoSlot) last_read[s] = -1;
  for (Slot s = 0; s < Slot(num_slots_); ++s)
    if (last_read[s] >= 0) steps_[last_read[s]].release.push_back(s);
}

std::vector<Tensor> Program::run(const std::vector<Tensor>& inputs) const {
  TF_CHECK_ARG(inputs.size() == input_slots_.size(), "tf.function: the traced program takes ",
               input_slots_.size(), " inputs, received ", inputs.size());
  Frame f;
  f.values.resize(num_slots_);
  f.tapes.resize(num_tapes_);
  for (const auto& [slot, value] : constants_) f.values[slot] = value;
  for (size_t i = 0; i < inputs.size(); ++i) {
    const Slot s = input_slots_[i];
    const bool same = inputs[i].defined() && inputs[i].shape() == slot_shapes_[s] &&
                      inputs[i].dtype() == input_dtypes_[i];
    TF_CHECK_ARG(same, "tf.function: input ", i, " should have shape ", shape_str(slot_shapes_[s]),
                 " and dtype ", dtype_name(input_dtypes_[i]), " as when traced, received ",
                 inputs[i].defined()
                     ? str_cat(shape_str(inputs[i].shape()), " ", dtype_name(inputs[i].dtype()))
                     : std::string("nothing"));
    f.values[s] = inputs[i];
  }
  try {
    for (const Step& step : steps_) {
      step.run(f);
      for (size_t k = 0; k < step.outputs.size(); ++k) {
        const Slot s = step.outputs[k];
        if (s == kNoSlot) continue;
        TF_CHECK(f.values[s].defined() && f.values[s].shape() == step.shapes[k], InternalError,
                 "tf.function: op ", step.op,
                 " gave a result of another shape than when traced"
                 " (its output shape depends on values): run the function eagerly");
      }
      for (Slot s : step.release) f.values[s] = Tensor();
    }
  } catch (...) {
    for (auto it = f.entered.rbegin(); it != f.entered.rend(); ++it) autograd::pop_tape(*it);
    throw;
  }
  std::vector<Tensor> outputs;
  outputs.reserve(outputs_.size());
  for (Slot s : outputs_) {
    Tensor out = f.values[s];
    for (size_t i = 0; i < inputs.size(); ++i) {
      if (input_written_[i] && out.storage() == inputs[i].storage()) {
        out = ops::clone(out);  // later runs write into that input: hand out a copy
        break;
      }
      // An input handed back (a Variable's value) gets a handle of its own, so a holder counts
      // as an owner of its storage and a later write copies first (copy-on-write).
      if (out.same_as(inputs[i]))
        out = Tensor::view_of(out, out.shape(), out.strides(), out.offset());
    }
    outputs.push_back(std::move(out));
  }
  return outputs;
}

}  // namespace tapeflow::graph
