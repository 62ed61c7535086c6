// Decoder: the target-side RNN with attention, stepping one token at a time for training and
// for search alike.
#pragma once

#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "model/encoder.h"
#include "nn/attention.h"
#include "nn/linear.h"

namespace tandem {

// Everything one decoder step reads and updates. The recurrent state and the input feed are
// batch-major (B, …): search reorders them row by row without knowing the cell or attention.
struct DecoderState {
  std::vector<RnnState> layers;  // per decoder layer
  Var feed;                      // (B, O): the previous attentional vector (input feeding)
  Var memory;                    // (S, B, D) encoder outputs
  Var keys;                      // the attention's keys, precomputed once per batch
  Tensor mask;                   // (B, S)
  Var fixed_context;             // (B, D): the encoder summary, for attention "none"
  // Inference only (undefined while the graph records): the context's share of the first RNN
  // layer's input projection (S, B, G·H; Bahdanau) and of the combine layer (S, B, O), made
  // once per source position. A search step mixes them with its attention weights instead of
  // multiplying its context, W·Σ_s α_s·m_s = Σ_s α_s·(W·m_s): the product is then made S times
  // per sentence instead of once per step and beam.
  Var input_context, combine_context;
  // Inference only: row r of the batch reads column memory_rows[r] of the memory, keys and
  // context projections (S, B_sources, …); empty: column r. Search expands sentences into beams
  // and drops finished ones by changing this map instead of copying the memory.
  std::vector<int32_t> memory_rows;
  // Inference only, for target vocabularies smaller than the batch's work: the embedding's share
  // of the first layer's input projection with its bias, per word (V, G·H).
  Var embedding_table;
};

class Decoder {
 public:
  Decoder(ParameterStore& store, const ModelConfig& config, Rng& rng);

  DecoderState initial_state(Graph& g, const EncoderOutput& encoded) const;

  struct Step {
    Var features;   // (B, O): the attentional vector, input of the output layer
    Var attention;  // (B, S) weights, or undefined for attention "none"
  };
  // One step from the previous target ids (B): <s> first, then the previous outputs.
  Step step(Graph& g, std::span<const int32_t> previous, DecoderState& state, Rng& rng,
            bool training) const;
  // The output layer: features (…, O) → logits (…, V). Training applies it to all steps at
  // once, one GEMM (docs/architecture.md, performance rule 1).
  Var logits(Graph& g, Var features, Rng& rng, bool training) const;
  // The output layer's operands — the weight (V, O), the bias (V) and the dropout on the
  // features (0 outside training) — for a loss fused with the layer (ops::linear_cross_entropy,
  // which applies the dropout itself); logits() multiplies them.
  struct OutputLayer {
    Var weight, bias;
    float dropout = 0.0f;
  };
  OutputLayer output_layer(Graph& g, bool training) const;

 private:
  Var bridge(Graph& g, const EncoderOutput& encoded, Var mean, int64_t layer, int part) const;
  // Inference: the first layer's input projection by parts — the embedding's (from the table
  // where there is one), the context's (mixed from state.input_context) and the feed's.
  Var first_layer_input(Graph& g, std::span<const int32_t> previous, Var weights,
                        const DecoderState& state) const;
  // Inference: the embedding's share of the first layer's input projection, with its bias —
  // embedded (…, E) → (…, G·H); of the whole embedding matrix, it is the per-word table.
  Var embedding_projection(Graph& g, Var embedded) const;

  ModelConfig config_;
  Parameter* embedding_;
  std::vector<RnnCell> cells_;
  std::unique_ptr<Attention> attention_;
  std::vector<Linear> bridges_;  // per layer and state part (layer·parts + part)
  Linear combine_;               // [top state; context] → attentional vector
  std::optional<Linear> output_;
  Parameter* output_bias_ = nullptr;  // with tied embeddings
};

}  // namespace tandem
