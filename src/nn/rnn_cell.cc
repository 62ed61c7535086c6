// RnnCell: parameters with the usual initialisation, and the step as one fused op.
#include "nn/rnn_cell.h"

#include "autodiff/ops.h"
#include "nn/init.h"
#include "tensor/error.h"

namespace tandem {

CellType parse_cell_type(const std::string& name) {
  if (name == "gru") return CellType::kGru;
  if (name == "lstm") return CellType::kLstm;
  throw Error("unknown cell type '" + name + "'; valid: gru, lstm");
}

RnnCell::RnnCell(ParameterStore& store, const std::string& name, CellType type, int64_t input_size,
                 int64_t hidden_size, Rng& rng)
    : type_(type), hidden_(hidden_size) {
  const int64_t G = gates() * hidden_size;
  w_ih_ = &store.create(name + ".W_ih", {G, input_size});
  b_ih_ = &store.create(name + ".b_ih", {G});
  w_hh_ = &store.create(name + ".W_hh", {G, hidden_size});
  if (type == CellType::kGru) b_hh_ = &store.create(name + ".b_hh", {G});
  // Xavier for the input weights, one orthogonal block per gate for the recurrent ones (Saxe
  // et al. 2014), and for LSTM a forget-gate bias of 1 (Jozefowicz et al. 2015, §2.2).
  if (!store.initialises()) return;
  init::xavier_uniform(w_ih_->value, rng);
  init::orthogonal_blocks(w_hh_->value, gates(), rng);
  if (type == CellType::kLstm)
    for (int64_t j = hidden_size; j < 2 * hidden_size; ++j) b_ih_->value.data()[j] = 1.0f;
}

Var RnnCell::project_input(Graph& g, Var x) const {
  return ops::linear(x, g.parameter(*w_ih_), g.parameter(*b_ih_));
}

Var RnnCell::project_input(Graph& g, std::span<const Var> parts) const {
  return ops::linear_parts(parts, g.parameter(*w_ih_), g.parameter(*b_ih_));
}

RnnState RnnCell::step(Graph& g, Var xg, const RnnState& state) const {
  RnnState next;
  next.size = state_parts();
  if (type_ == CellType::kGru) {
    next.parts[0] = ops::gru_cell(xg, state.parts[0], g.parameter(*w_hh_), g.parameter(*b_hh_));
  } else {
    ops::LstmState s = ops::lstm_cell(xg, state.parts[0], state.parts[1], g.parameter(*w_hh_));
    next.parts = {s.h, s.c};
  }
  return next;
}

RnnState RnnCell::zero_state(Graph& g, int64_t batch) const {
  RnnState s;
  s.size = state_parts();
  for (int k = 0; k < s.size; ++k) s.parts[k] = g.constant(g.new_zeros({batch, hidden_}));
  return s;
}

}  // namespace tandem
