// GradientTape: TensorFlow's tape-based reverse-mode differentiation.
//
// No gradient state lives on tensors. Each tensor value has a unique id; while a tape is active
// (entered), an op whose inputs include a tensor that tape watches is recorded on it, and the
// op's float outputs become watched. Ops call record() after their forward computation with a
// backward function built from the same public ops, so a gradient computed under an outer tape
// is itself recorded: nested tapes give higher-order gradients.
//
// The engine (gradient()) is the ONE place that undoes broadcasting (sum to the input's shape)
// and accumulates fan-out; backward functions return gradients in the broadcast shape.
#pragma once
#include <functional>
#include <memory>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "core/tensor.h"

namespace tapeflow::autograd {

// grad_outputs has one tensor per op output (zeros where no gradient flowed, so rules never
// see a missing one); needs_input_grad says which inputs lead to a requested source, so rules
// may skip work (e.g. matmul's dA when A is input data). Returns one gradient per input;
// an undefined Tensor means "no gradient".
using BackwardFn = std::function<std::vector<Tensor>(const std::vector<Tensor>& grad_outputs,
                                                     const std::vector<bool>& needs_input_grad)>;

struct TensorMeta {
  uint64_t id;
  Dims shape;
  DType dtype;
};

struct Node {
  const char* op;
  std::vector<TensorMeta> inputs;
  std::vector<TensorMeta> outputs;
  BackwardFn backward;
};

class Tape {
 public:
  explicit Tape(bool persistent) : persistent_(persistent) {}

  bool persistent() const { return persistent_; }
  bool recording() const { return recording_; }
  void set_recording(bool on) { recording_ = on; }
  void watch(const Tensor& t);
  bool watches(uint64_t id) const { return watched_.count(id) != 0; }
  void reset();
  size_t num_nodes() const { return nodes_.size(); }

  // Gradients of sum(targets) with respect to each source (an undefined Tensor where a source
  // is unconnected or not floating point). output_gradients: one per target or empty.
  // keep=true leaves a non-persistent tape usable (jacobian calls gradient once per row).
  std::vector<Tensor> gradient(const std::vector<Tensor>& targets,
                               const std::vector<Tensor>& sources,
                               const std::vector<Tensor>& output_gradients, bool keep = false);

 private:
  friend void record(const char*, const std::vector<Tensor>&, const std::vector<Tensor>&,
                     BackwardFn);
  bool persistent_;
  bool recording_ = true;
  bool consumed_ = false;
  std::unordered_set<uint64_t> watched_;
  std::vector<std::shared_ptr<Node>> nodes_;  // shared: nested tapes record the same node
};

// Tapes currently entered on this thread, innermost last.
void push_tape(const std::shared_ptr<Tape>& tape);
void pop_tape(const std::shared_ptr<Tape>& tape);

// True when some entered tape is recording: the only check an op pays when no tape is active.
bool any_tape_recording();

// Records an op on every entered, recording tape that watches one of its inputs.
void record(const char* op, const std::vector<Tensor>& inputs,
            const std::vector<Tensor>& outputs, BackwardFn backward);

// RAII: pauses recording on this thread (tf.stop_gradient-like regions, the engine itself).
class NoRecordScope {
 public:
  NoRecordScope();
  ~NoRecordScope();

 private:
  bool previous_;
};

}  // namespace tapeflow::autograd

// Records `op` when a tape might want it; the lambda gets (grads, needs) and returns input
// gradients. Usage in an op:  TF_RECORD("exp", {a}, {out}, [out](auto& g, auto&) { ... });
#define TF_RECORD(op, inputs, outputs, ...)                                                   \
  do {                                                                                        \
    if (::tapeflow::autograd::any_tape_recording())                                           \
      ::tapeflow::autograd::record(op, inputs, outputs, __VA_ARGS__);                         \
  } while (0)
