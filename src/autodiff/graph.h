// Graph: the define-by-run tape. Ops record nodes as they run; backward() replays them reversed.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <unordered_map>
#include <vector>

#include "autodiff/packed_weights.h"
#include "autodiff/parameter.h"
#include "tensor/arena.h"
#include "tensor/tensor.h"

namespace tandem {

class Graph;

// A handle to a value on a Graph's tape: what the nn layer passes around. Cheap to copy.
struct Var {
  Graph* graph = nullptr;
  int32_t id = -1;

  bool defined() const { return graph != nullptr; }
  const Tensor& value() const;
  // The accumulated gradient after Graph::backward; undefined if none reached this value, and for
  // an op's output, whose gradient is released once the op's backward has run.
  const Tensor& grad() const;
  const Shape& shape() const { return value().shape(); }
  bool requires_grad() const;
};

// One recorded op. A plain, fixed-size record (no heap allocation per op): the backward
// function, the ids of inputs and outputs, and whatever the backward needs saved.
struct Node {
  static constexpr int kMaxInputs = 8;
  using Backward = void (*)(Graph& graph, const Node& node);

  Backward backward = nullptr;
  std::array<int32_t, kMaxInputs> in{};
  std::array<int32_t, 2> out{-1, -1};
  int8_t num_in = 0;
  int8_t num_out = 0;
  std::array<Tensor, 3> saved;   // arena tensors (or borrowed constants) kept for the backward
  std::array<float, 4> f{};      // scalar attributes
  std::array<int64_t, 4> i{};    // integer attributes
  const int32_t* ids = nullptr;  // integer data (token ids, targets) copied into the arena
};

class Graph {
 public:
  explicit Graph(size_t arena_bytes = size_t{1} << 20);
  Graph(const Graph&) = delete;
  Graph& operator=(const Graph&) = delete;

  // Leaves. A parameter's gradient accumulates into Parameter::grad; a leaf's into an arena
  // tensor read back through Var::grad(); a constant has none.
  Var parameter(Parameter& p);
  Var leaf(const Tensor& value);
  Var constant(const Tensor& value);

  // Runs the tape backwards from a one-element value, seeding its gradient with 1.
  void backward(Var loss);
  // Forgets the tape and every arena tensor; parameters and their gradients stay.
  void reset();

  // While false (see NoGradGuard) ops record nothing and their outputs need no gradient.
  bool recording() const { return recording_; }
  void set_recording(bool on) { recording_ = on; }

  size_t num_nodes() const { return nodes_.size(); }
  size_t num_values() const { return values_.size(); }
  Arena& arena() { return arena_; }

  // ---- for op implementations ----
  Tensor new_tensor(const Shape& shape) { return Tensor::empty(arena_, shape); }
  Tensor new_zeros(const Shape& shape) { return Tensor::zeros(arena_, shape); }
  // n floats for an op's temporary, valid until the next call (ops do not nest): a recurrent
  // step's gate pre-activations, which would otherwise stay in the arena until the step ends —
  // a quarter of a gigabyte over a long batch of a wide LSTM.
  float* scratch(int64_t n) {
    scratch_.reset();
    return scratch_.allocate_floats(n);
  }
  std::span<int32_t> copy_ids(std::span<const int32_t> ids);
  // Adds an op's output value; it needs a gradient iff `requires_grad` and the tape records.
  Var add_value(const Tensor& value, bool requires_grad);
  const Tensor& value(int32_t id) const { return values_[id].value; }
  // Whether the value is a parameter, leaf or constant — storage the caller owns, which an op
  // that consumes its input (ops::lstm_cell, lstm_sequence) must not overwrite.
  bool caller_owned(int32_t id) const { return values_[id].caller_owned; }
  bool requires_grad(int32_t id) const { return values_[id].requires_grad; }
  // The gradient buffer of a value that needs one, zero-filled on first use; nullptr otherwise.
  float* grad_data(int32_t id);
  // Makes `grad` (a buffer an op's backward owns: its output's gradient, a saved tensor, a part
  // of either; as many elements as the value) the gradient of value `id`, if the value needs one
  // and has none yet, instead of a new zero-filled buffer; the caller then writes the gradient
  // there rather than adding it. Returns false, doing nothing, otherwise (the caller adds into
  // grad_data(id)). An output's gradient lent this way is not recycled (lend_output_grad).
  bool adopt_grad(int32_t id, const Tensor& grad);
  // Keeps the backward sweep from recycling output `id`'s gradient: an input adopted it.
  void lend_output_grad(int32_t id) { values_[id].grad_lent = true; }
  // The gradient of a value if any reached it, else an undefined tensor.
  const Tensor& grad(int32_t id) const { return values_[id].grad; }
  void record(const Node& node) { nodes_.push_back(node); }

  // Packed copies of the parameters for the GEMM kernel (see PackedWeights for the promise
  // its owner makes). Without one, products pack their operands per call.
  void set_packed_weights(PackedWeights* packed) { packed_weights_ = packed; }
  // Value `id` packed as a right operand (see PackedWeights::get), or nullptr if it is not a
  // parameter or the graph has no PackedWeights.
  const kernels::PackedMatrix* packed(int32_t id, bool transposed) const {
    const Parameter* p = values_[id].parameter;
    return p != nullptr && packed_weights_ != nullptr ? packed_weights_->get(*p, transposed)
                                                      : nullptr;
  }
  // Parameter `id`'s op(W) restricted to input columns [begin, end) (PackedWeights::
  // get_columns), or nullptr as above.
  const kernels::PackedMatrix* packed_columns(int32_t id, bool transposed, int64_t begin,
                                              int64_t end) const {
    const Parameter* p = values_[id].parameter;
    return p != nullptr && packed_weights_ != nullptr
               ? packed_weights_->get_columns(*p, transposed, begin, end)
               : nullptr;
  }

 private:
  struct Slot {
    Tensor value;
    Tensor grad;
    bool requires_grad = false;
    const Parameter* parameter = nullptr;  // for leaves made by parameter()
    bool caller_owned = false;             // made by parameter(), leaf() or constant()
    bool grad_lent = false;                // its gradient became an input's (adopt_grad)
  };

  Arena arena_;
  Arena scratch_{size_t{64} << 10};
  std::vector<Slot> values_;
  std::vector<Node> nodes_;
  bool recording_ = true;
  PackedWeights* packed_weights_ = nullptr;
  // Gradient buffers of op outputs whose op's backward has run, by element count: the sweep
  // hands them to the next gradients of that size. A recurrent step's gradients have a few
  // sizes, so the arena holds a few steps' worth of them instead of every step's.
  std::unordered_map<int64_t, std::vector<float*>> spare_grads_;
};

// Inference scope: nothing is recorded while it lives.
class NoGradGuard {
 public:
  explicit NoGradGuard(Graph& graph) : graph_(graph), previous_(graph.recording()) {
    graph_.set_recording(false);
  }
  ~NoGradGuard() { graph_.set_recording(previous_); }
  NoGradGuard(const NoGradGuard&) = delete;
  NoGradGuard& operator=(const NoGradGuard&) = delete;

 private:
  Graph& graph_;
  bool previous_;
};

}  // namespace tandem
