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
//
// Recording is on the path of every op run under a tape, so it is kept to one allocation: the
// node (op name + backward closure, shared by the tapes that record it); the tensors it connects
// go into flat per-tape arrays and watched ids into a flat hash set.
#pragma once
#include <memory>
#include <type_traits>
#include <utility>
#include <vector>

#include "autograd/id_map.h"
#include "core/tensor.h"

namespace tapeflow::autograd {

// A recorded op: its name and how to map output gradients to input gradients.
// backward() gets one gradient per output (zeros where no gradient flowed, so rules never see
// a missing one) and needs_input_grad, which says which inputs lead to a requested source, so
// a rule may skip work (e.g. matmul's dA when A is input data). It returns one gradient per
// input; an undefined Tensor means "no gradient". This base class is an op without a gradient
// rule: differentiating through it raises LookupError.
class Node {
 public:
  explicit Node(const char* op) : op_(op) {}
  virtual ~Node() = default;
  const char* op() const { return op_; }
  virtual std::vector<Tensor> backward(const std::vector<Tensor>& grad_outputs,
                                       const std::vector<bool>& needs_input_grad) const;

 private:
  const char* op_;
};

// The closure lives inside the node: one allocation for both.
template <class BackwardFn>
class NodeWithRule final : public Node {
 public:
  NodeWithRule(const char* op, BackwardFn fn) : Node(op), fn_(std::move(fn)) {}
  std::vector<Tensor> backward(const std::vector<Tensor>& grad_outputs,
                               const std::vector<bool>& needs_input_grad) const override {
    return fn_(grad_outputs, needs_input_grad);
  }

 private:
  BackwardFn fn_;
};

// The tensors an op read or wrote, borrowed for the duration of the call: a braced list of up
// to three (`{a, b}`, no copies of the handles) or a std::vector.
class TensorList {
 public:
  TensorList(const Tensor& a) : listed_{&a}, size_(1) {}
  TensorList(const Tensor& a, const Tensor& b) : listed_{&a, &b}, size_(2) {}
  TensorList(const Tensor& a, const Tensor& b, const Tensor& c) : listed_{&a, &b, &c}, size_(3) {}
  TensorList(const std::vector<Tensor>& tensors) : stored_(tensors.data()), size_(tensors.size()) {}
  size_t size() const { return size_; }
  const Tensor& operator[](size_t i) const { return stored_ ? stored_[i] : *listed_[i]; }

 private:
  const Tensor* listed_[3] = {};
  const Tensor* stored_ = nullptr;
  size_t size_;
};

class Tape {
 public:
  explicit Tape(bool persistent);
  ~Tape();

  bool persistent() const { return persistent_; }
  bool recording() const { return recording_; }
  void set_recording(bool on) { recording_ = on; }
  void watch(const Tensor& t);
  bool watches(uint64_t id) const { return records_.watched.contains(id); }
  bool watches_any(TensorList tensors) const;
  void reset();
  size_t num_nodes() const { return records_.entries.size(); }

  // Gradients of sum(targets) with respect to each source (an undefined Tensor where a source
  // is unconnected or not floating point). output_gradients: one per target or empty.
  // keep=true leaves a non-persistent tape usable (jacobian calls gradient once per row).
  std::vector<Tensor> gradient(const std::vector<Tensor>& targets,
                               const std::vector<Tensor>& sources,
                               const std::vector<Tensor>& output_gradients, bool keep = false);

  // Appends `node`, reading `inputs` and writing `outputs`, and watches the outputs.
  void append(std::shared_ptr<const Node> node, TensorList inputs, TensorList outputs);

 private:
  // What the engine needs of a recorded tensor once the tensor itself may be gone; the shape
  // is dims[first_dim, first_dim + rank).
  struct TensorMeta {
    uint64_t id;
    size_t first_dim;
    uint8_t rank;
    DType dtype;
  };
  // One recorded op: its inputs' then outputs' metadata are metas[first, first + in + out).
  struct Entry {
    std::shared_ptr<const Node> node;
    size_t first;
    uint32_t num_inputs, num_outputs;
  };

  // Everything recorded, in flat arrays. A tape that is done hands its (emptied) arrays to the
  // next tape created on the thread, so a training loop's tapes write to warm memory and do
  // not ask malloc for them again at every step.
  struct Records {
    IdSet watched;
    std::vector<Entry> entries;
    std::vector<TensorMeta> metas;
    std::vector<int64_t> dims;
    void clear();
  };
  static thread_local Records* spare_records_;  // owned, never freed: one per thread
  void recycle_records();

  TensorMeta meta_of(const Tensor& t);
  Dims shape_of(const TensorMeta& m) const;

  bool persistent_;
  bool recording_ = true;
  bool consumed_ = false;
  Records records_;
};

// Tapes currently entered on this thread, innermost last.
void push_tape(const std::shared_ptr<Tape>& tape);
void pop_tape(const std::shared_ptr<Tape>& tape);

// True when some entered tape is recording: the only check an op pays when no tape is active.
bool any_tape_recording();

namespace detail {
bool some_tape_wants(TensorList inputs);
void append_to_tapes(std::shared_ptr<const Node> node, TensorList inputs, TensorList outputs);
}  // namespace detail

// Records an op on every entered, recording tape that watches one of its inputs. `backward` is
// a callable (grad_outputs, needs_input_grad) -> input gradients (see Node), or nullptr for an
// op without a gradient rule.
template <class BackwardFn>
void record(const char* op, TensorList inputs, TensorList outputs, BackwardFn&& backward) {
  if (!detail::some_tape_wants(inputs)) return;
  using Fn = std::decay_t<BackwardFn>;
  std::shared_ptr<const Node> node;
  if constexpr (std::is_null_pointer_v<Fn>) {
    node = std::make_shared<Node>(op);
  } else {
    node = std::make_shared<NodeWithRule<Fn>>(op, std::forward<BackwardFn>(backward));
  }
  detail::append_to_tapes(std::move(node), inputs, outputs);
}

}  // namespace tapeflow::autograd

// Records `op` when a tape might want it; the lambda gets (grads, needs) and returns input
// gradients. Usage in an op:  TF_RECORD("exp", {a}, {out}, [out](auto& g, auto&) { ... });
#define TF_RECORD(op, inputs, outputs, ...)                           \
  do {                                                                \
    if (::tapeflow::autograd::any_tape_recording())                   \
      ::tapeflow::autograd::record(op, inputs, outputs, __VA_ARGS__); \
  } while (0)
