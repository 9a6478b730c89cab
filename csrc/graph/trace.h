// Traced programs for tf.function: record the ops one Python call runs, then replay them in C++.
//
// While a recording is active on a thread (begin_recording), each op binding runs its op as
// usual and also appends a step to the recording: the op, its non-tensor arguments by value,
// and its tensor arguments as slots of a frame. A later call with arguments of the same
// signature replays the steps (Program::run) without going back to Python: the Python code
// between ops (layers, losses, metrics, the optimizer's bookkeeping) ran once, at tracing, as
// in TensorFlow's graph mode.
//
// A tensor an op reads is one of: an argument of the function (an input slot); a value an
// earlier step produced; a constant made from Python values during the recording (creation
// ops call note_constant); or a capture: a tensor that existed before the recording, such as a
// Variable's value. The Python side (tapeflow/function.py) binds the captures that are Variable
// values as extra inputs at every run, so a run reads the variable's current value; the other
// captures stay constants.
//
// A recording is poisoned (unusable: the caller runs the function eagerly instead) when the
// program could not reproduce the call: a tensor's value read into Python (its result may
// steer Python code), a tensor made by an op without a traced binding, a GradientTape created
// outside the function, a write into a constant or an argument. Poisoning is the safe
// default: whatever the recorder does not understand, it refuses. Random ops replay with the
// next draw of their kernel (bindings/init_random.cpp), as eager calls do.
#pragma once
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "autograd/tape.h"
#include "core/errors.h"
#include "core/tensor.h"

namespace tapeflow::graph {

// A value's place in a run's frame.
using Slot = int32_t;
inline constexpr Slot kNoSlot = -1;

// The values of one run: a Tensor per slot, and the tapes the program creates.
struct Frame {
  std::vector<Tensor> values;
  std::vector<std::shared_ptr<autograd::Tape>> tapes;
  std::vector<std::shared_ptr<autograd::Tape>> entered;  // pushed by this run, not yet popped
};

class Recording;
class Program;

namespace detail {
extern thread_local Recording* active;
// The slot of a tensor a step reads (kNoSlot after poisoning the recording).
Slot read_slot(Recording& r, const Tensor& t);
// Gives each defined output a slot (kNoSlot for an undefined one).
Slot write_slot(Recording& r, const Tensor& t);
void add_step(Recording& r, const char* op, std::function<void(Frame&)> run,
              std::vector<Slot> reads, std::vector<Slot> outputs);
bool usable(const Recording& r);
}  // namespace detail

// True while this thread records: the only check an op pays outside tf.function tracing.
inline bool recording() {
  return detail::active != nullptr;
}

// Makes the active recording unusable, saying why (the first reason is kept).
void poison(const std::string& why);
// A tensor made from Python values during the recording: a constant of the program.
void note_constant(const Tensor& t);
// An op is about to write into `t` in place (a Variable's value, an optimizer slot).
void note_write(const Tensor& t);
void note_writes(const std::vector<Tensor>& ts);
// A tensor's values are being read by Python (buffer protocol, data pointer).
void note_host_read();
// An op's output shape depends on the values of `ts` (tf.range): a recording can replay it
// only when they are constants of the program.
void note_shape_from_values(const std::vector<Tensor>& ts);

// Tape events: a tape made during the recording gets a slot; one made before is refused.
void note_new_tape(const std::shared_ptr<autograd::Tape>& tape);
void record_tape_push(const std::shared_ptr<autograd::Tape>& tape);
void record_tape_pop(const std::shared_ptr<autograd::Tape>& tape);
// Any other event on the tape (reset, stop/start recording), replayed as `event(tape)`.
void record_tape_event(const char* what, const std::shared_ptr<autograd::Tape>& tape,
                       std::function<void(autograd::Tape&)> event);
void record_tape_watch(const std::shared_ptr<autograd::Tape>& tape, const Tensor& t);
void record_tape_gradient(const std::shared_ptr<autograd::Tape>& tape,
                          const std::vector<Tensor>& targets, const std::vector<Tensor>& sources,
                          const std::vector<Tensor>& seeds, bool keep,
                          const std::vector<Tensor>& grads);

// How a step keeps an argument: tensors as slots, everything else by value.
template <class T>
struct Kept {
  using type = T;
  static type keep(Recording&, const T& v) { return v; }
  static const T& resolve(const Frame&, const type& v) { return v; }
  static std::vector<Slot> reads(const type&) { return {}; }
};
template <>
struct Kept<Tensor> {
  using type = Slot;
  static type keep(Recording& r, const Tensor& t) { return detail::read_slot(r, t); }
  static const Tensor& resolve(const Frame& f, Slot s) { return f.values[s]; }
  static std::vector<Slot> reads(Slot s) { return {s}; }
};
template <>
struct Kept<std::optional<Tensor>> {
  using type = Slot;
  static type keep(Recording& r, const std::optional<Tensor>& t) {
    return t ? detail::read_slot(r, *t) : kNoSlot;
  }
  static std::optional<Tensor> resolve(const Frame& f, Slot s) {
    return s == kNoSlot ? std::nullopt : std::optional<Tensor>(f.values[s]);
  }
  static std::vector<Slot> reads(Slot s) {
    return s == kNoSlot ? std::vector<Slot>{} : std::vector<Slot>{s};
  }
};
template <>
struct Kept<std::vector<Tensor>> {
  using type = std::vector<Slot>;
  static type keep(Recording& r, const std::vector<Tensor>& ts) {
    type slots;
    for (const Tensor& t : ts) slots.push_back(detail::read_slot(r, t));
    return slots;
  }
  static std::vector<Tensor> resolve(const Frame& f, const type& slots) {
    std::vector<Tensor> ts;
    ts.reserve(slots.size());
    for (Slot s : slots) ts.push_back(f.values[s]);
    return ts;
  }
  static std::vector<Slot> reads(const type& slots) { return slots; }
};

template <>
struct Kept<std::vector<std::vector<Tensor>>> {
  using type = std::vector<std::vector<Slot>>;
  static type keep(Recording& r, const std::vector<std::vector<Tensor>>& lists) {
    type slots;
    for (const auto& list : lists) slots.push_back(Kept<std::vector<Tensor>>::keep(r, list));
    return slots;
  }
  static std::vector<std::vector<Tensor>> resolve(const Frame& f, const type& slots) {
    std::vector<std::vector<Tensor>> lists;
    for (const auto& list : slots) lists.push_back(Kept<std::vector<Tensor>>::resolve(f, list));
    return lists;
  }
  static std::vector<Slot> reads(const type& slots) {
    std::vector<Slot> all;
    for (const auto& list : slots) all.insert(all.end(), list.begin(), list.end());
    return all;
  }
};

// Where a step's result goes: one slot per tensor it returns.
inline std::vector<Slot> output_slots(Recording& r, const Tensor& out) {
  return {detail::write_slot(r, out)};
}
inline std::vector<Slot> output_slots(Recording& r, const std::vector<Tensor>& outs) {
  std::vector<Slot> slots;
  for (const Tensor& t : outs) slots.push_back(detail::write_slot(r, t));
  return slots;
}
inline void store_outputs(Frame& f, const std::vector<Slot>& slots, Tensor out) {
  f.values[slots[0]] = std::move(out);
}
inline void store_outputs(Frame& f, const std::vector<Slot>& slots, std::vector<Tensor> outs) {
  TF_CHECK(outs.size() == slots.size(), InternalError, "tf.function: an op gave ", outs.size(),
           " results where it gave ", slots.size(), " when traced");
  for (size_t i = 0; i < slots.size(); ++i)
    if (slots[i] != kNoSlot) f.values[slots[i]] = std::move(outs[i]);
}

inline void append_reads(std::vector<Slot>& reads, const std::vector<Slot>& more) {
  for (Slot s : more)
    if (s != kNoSlot) reads.push_back(s);
}

// Runs `f(args...)` and, while recording, appends it as a step of the program. `f` must be a
// pure function of its arguments (an op), apart from in-place writes announced by note_write.
// Usage in a binding:  return graph::call("matmul", ops::matmul, a, b, ta, tb);
template <class F, class... Args>
auto call(const char* op, F f, const Args&... args) {
  using Result = decltype(f(args...));
  Recording* r = detail::active;
  if (r == nullptr || !detail::usable(*r)) return f(args...);
  auto kept = std::make_tuple(Kept<Args>::keep(*r, args)...);
  std::vector<Slot> reads;
  std::apply([&](const auto&... k) { (append_reads(reads, Kept<Args>::reads(k)), ...); }, kept);
  auto run_with = [f, kept](Frame& frame) {
    return std::apply([&](const auto&... k) { return f(Kept<Args>::resolve(frame, k)...); }, kept);
  };
  if constexpr (std::is_void_v<Result>) {
    f(args...);
    if (detail::usable(*r)) detail::add_step(*r, op, run_with, std::move(reads), {});
  } else {
    Result out = f(args...);
    if (detail::usable(*r)) {
      std::vector<Slot> outs = output_slots(*r, out);
      detail::add_step(
          *r, op, [run_with, outs](Frame& frame) { store_outputs(frame, outs, run_with(frame)); },
          std::move(reads), outs);
    }
    return out;
  }
}

// What a finished recording leaves: the program, or why it cannot be used.
struct Finished {
  std::shared_ptr<Program> program;  // null when poisoned
  std::string why_not;
};

// Starts recording on this thread; `args` are the function's tensor arguments (input slots
// 0..n-1). Returns a new handle (a new id, the same values) for each: the function is called
// with those, so an argument stays apart from the same tensor reached another way (a closure,
// a Variable's value, the same tensor passed twice). Recordings do not nest: a tf.function
// called while tracing another one is traced into it (its Python runs inline), so
// begin_recording refuses when one is active.
std::vector<Tensor> begin_recording(const std::vector<Tensor>& args);
// Ends the recording; `outputs` are the tensors the function returned.
Finished end_recording(const std::vector<Tensor>& outputs);
// Drops the active recording (the function raised).
void abandon_recording();

// A recorded program. Captures (tensors from before the recording) are listed in capture
// order; bind_inputs picks which of them are passed at each run (Variable values), the
// rest are kept as constants.
class Program {
 public:
  struct Capture {
    Tensor value;  // as seen at recording
    bool written;  // an op wrote into it in place
  };
  const std::vector<Capture>& captures() const { return captures_; }
  // Captures `indices` become inputs after the arguments, in that order; the others, constants.
  void bind_inputs(const std::vector<size_t>& indices);
  size_t num_steps() const { return steps_.size(); }

  // Runs the program on arguments then bound captures; returns the outputs. An output that
  // shares memory with a written input is copied, so later runs do not change it.
  std::vector<Tensor> run(const std::vector<Tensor>& inputs) const;

 private:
  friend class Recording;
  struct Step {
    const char* op;
    std::function<void(Frame&)> run;
    std::vector<Slot> outputs;
    std::vector<Dims> shapes;   // the outputs' shapes at recording: every run checks them
    std::vector<Slot> release;  // slots no later step reads: dropped after this step
  };
  void plan_releases();

  size_t num_args_ = 0;
  std::vector<Capture> captures_;
  std::vector<Slot> capture_slots_;
  std::vector<Slot> input_slots_;                   // after bind_inputs: args, then bound captures
  std::vector<DType> input_dtypes_;                 // per input
  std::vector<bool> input_written_;                 // per input
  std::vector<Dims> slot_shapes_;                   // every slot's shape at recording
  std::vector<std::pair<Slot, Tensor>> constants_;  // slot, value (unbound captures included)
  std::vector<Step> steps_;
  std::vector<std::vector<Slot>> step_reads_;
  std::vector<Slot> outputs_;
  size_t num_slots_ = 0, num_tapes_ = 0;
};

}  // namespace tapeflow::graph
