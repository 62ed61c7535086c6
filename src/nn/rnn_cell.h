// RnnCell: one recurrent layer in one direction — GRU or LSTM — behind one interface.
#pragma once

#include <array>
#include <memory>
#include <span>
#include <string>

#include "autodiff/graph.h"
#include "nn/parameter_store.h"
#include "tensor/rng.h"

namespace tandem {

enum class CellType { kGru, kLstm };
CellType parse_cell_type(const std::string& name);  // "gru" | "lstm"; else Error listing both

// A cell's state is a short list of (B, H) tensors — GRU: {h}; LSTM: {h, c} — so that search
// can reorder any cell's state alike, row by row.
struct RnnState {
  std::array<Var, 2> parts;
  int size = 0;
  Var h() const { return parts[0]; }
};

class RnnCell {
 public:
  // Parameters: name.W_ih (G·H, in), name.b_ih (G·H), name.W_hh (G·H, H), and for GRU
  // name.b_hh (G·H), its reset gate needing it apart (gru_cell.h). G = 3 (GRU) or 4 (LSTM).
  RnnCell(ParameterStore& store, const std::string& name, CellType type, int64_t input_size,
          int64_t hidden_size, Rng& rng);

  CellType type() const { return type_; }
  int64_t hidden_size() const { return hidden_; }
  int64_t gates() const { return type_ == CellType::kGru ? 3 : 4; }
  int state_parts() const { return type_ == CellType::kGru ? 1 : 2; }

  // The input projections of any number of rows at once: x (…, in) → (…, G·H). An RNN calls it
  // once for all time steps (docs/architecture.md, performance rule 1).
  Var project_input(Graph& g, Var x) const;
  // The same for the concatenation of parts (B, n_k), without forming it (a decoder step's
  // input: embedding, context, feed).
  Var project_input(Graph& g, std::span<const Var> parts) const;
  // One step from the projected input xg (B, G·H) and the state: one fused op.
  RnnState step(Graph& g, Var xg, const RnnState& state) const;
  // The input projection's parameters: W_ih (G·H, in) and b_ih (G·H).
  Parameter& input_weight() const { return *w_ih_; }
  Parameter& input_bias() const { return *b_ih_; }
  Parameter& recurrent_weight() const { return *w_hh_; }
  // A GRU's b_hh (G·H); nullptr for an LSTM, whose biases are all in b_ih.
  Parameter* recurrent_bias() const { return b_hh_; }
  // A zero state for a batch.
  RnnState zero_state(Graph& g, int64_t batch) const;

 private:
  CellType type_;
  int64_t hidden_;
  Parameter *w_ih_, *b_ih_, *w_hh_, *b_hh_ = nullptr;
};

}  // namespace tandem
