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
  // once, one GEMM (DESIGN.md, performance rule 1).
  Var logits(Graph& g, Var features, Rng& rng, bool training) const;

 private:
  Var bridge(Graph& g, const EncoderOutput& encoded, Var mean, int64_t layer, int part) const;

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
