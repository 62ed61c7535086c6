// Rnn: a stack of recurrent layers, each unidirectional or bidirectional, over padded batches.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "nn/rnn_cell.h"

namespace tandem {

struct RnnOptions {
  CellType cell = CellType::kGru;
  int64_t input_size = 0;
  int64_t hidden_size = 0;  // per direction
  int64_t layers = 1;
  bool bidirectional = false;
  float dropout = 0.0f;  // between layers, while training
};

class Rnn {
 public:
  // Parameters name.l{layer}.{fwd,bwd}.* (see RnnCell).
  Rnn(ParameterStore& store, const std::string& name, const RnnOptions& options, Rng& rng);

  struct Output {
    Var outputs;                 // (T, B, directions·H): the last layer, time-major
    std::vector<RnnState> last;  // per layer and direction (index layer·directions + d): the
                                 // state after each row's last real token
  };
  // input (T, B, in). lengths (B): each row's real steps, the rest padding (empty: none). Through
  // padding a direction carries its state unchanged — the forward one its state after the last
  // token, the backward one its zero initial state — so padding never changes a result.
  // first_layer_projections, if given, are the first layer's input projections per direction
  // (T, B, G·H), made by the caller (the encoder's per-word tables in inference); input is then
  // not read.
  Output forward(Graph& g, Var input, std::span<const int64_t> lengths, Rng& rng, bool training,
                 std::span<const Var> first_layer_projections = {}) const;

  const RnnCell& cell(int64_t layer, int64_t direction) const {
    return cells_[layer * directions() + direction];
  }
  int64_t directions() const { return options_.bidirectional ? 2 : 1; }
  int64_t output_size() const { return directions() * options_.hidden_size; }
  const RnnOptions& options() const { return options_; }

 private:
  // The time loop of one layer and direction over its projected inputs xg (T, B, G·H) as one
  // op (ops::lstm_sequence, which consumes xg; ops::gru_sequence).
  Var run_direction(Graph& g, const RnnCell& cell, Var xg, bool reverse,
                    std::span<const int64_t> lengths, RnnState& last) const;

  RnnOptions options_;
  std::vector<RnnCell> cells_;  // layer-major: layer·directions + direction
};

}  // namespace tandem
