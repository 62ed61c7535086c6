// Rnn: the time loop per layer and direction, with input projections hoisted out of it.
#include "nn/rnn.h"

#include "autodiff/ops.h"
#include "nn/dropout.h"
#include "tensor/error.h"

namespace tandem {

Rnn::Rnn(ParameterStore& store, const std::string& name, const RnnOptions& options, Rng& rng)
    : options_(options) {
  check(options.layers >= 1 && options.hidden_size >= 1 && options.input_size >= 1,
        "an RNN needs at least one layer and positive sizes");
  cells_.reserve(options.layers * directions());
  for (int64_t l = 0; l < options.layers; ++l) {
    const int64_t in = l == 0 ? options.input_size : output_size();
    for (int64_t d = 0; d < directions(); ++d)
      cells_.emplace_back(store, name + ".l" + std::to_string(l) + (d == 0 ? ".fwd" : ".bwd"),
                          options.cell, in, options.hidden_size, rng);
  }
}

Var Rnn::run_direction(Graph& g, const RnnCell& cell, Var xg, bool reverse,
                       std::span<const int64_t> lengths, RnnState& last) const {
  Var outputs, last_c;  // last_c: an LSTM's alone
  if (cell.type() == CellType::kLstm) {
    ops::LstmSequence seq =
        ops::lstm_sequence(xg, g.parameter(cell.recurrent_weight()), lengths, reverse);
    outputs = seq.outputs;
    last_c = seq.last_c;
  } else {
    outputs = ops::gru_sequence(xg, g.parameter(cell.recurrent_weight()),
                                g.parameter(*cell.recurrent_bias()), lengths, reverse);
  }
  last.size = cell.state_parts();
  last.parts = {ops::select(outputs, reverse ? 0 : xg.shape()[0] - 1), last_c};
  return outputs;
}

Rnn::Output Rnn::forward(Graph& g, Var input, std::span<const int64_t> lengths, Rng& rng,
                         bool training, std::span<const Var> first_layer_projections) const {
  const bool projected = !first_layer_projections.empty();
  check(!projected || static_cast<int64_t>(first_layer_projections.size()) == directions(),
        "RNN: one first-layer projection per direction is needed");
  check(projected || (input.shape().rank() == 3 && input.shape()[2] == options_.input_size), [&] {
    return "RNN input " + input.shape().to_string() + " should be (T, B, " +
           std::to_string(options_.input_size) + ")";
  });
  Output out;
  out.last.resize(cells_.size());
  Var layer_input = input;
  for (int64_t l = 0; l < options_.layers; ++l) {
    if (l > 0) layer_input = dropout(layer_input, options_.dropout, rng, training);
    Var directions_out[2];
    for (int64_t d = 0; d < directions(); ++d) {
      const size_t index = l * directions() + d;
      // One GEMM for the input projections of every step.
      Var xg = l == 0 && projected ? first_layer_projections[d]
                                   : cells_[index].project_input(g, layer_input);
      directions_out[d] = run_direction(g, cells_[index], xg, d == 1, lengths, out.last[index]);
    }
    layer_input =
        directions() == 1 ? directions_out[0] : ops::concat(std::span<const Var>(directions_out));
  }
  out.outputs = layer_input;
  return out;
}

}  // namespace tandem
