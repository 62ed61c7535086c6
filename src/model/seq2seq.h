// Seq2Seq: encoder and decoder together, with the training loss (teacher forcing or scheduled
// sampling) built on the tape.
#pragma once

#include "model/decoder.h"
#include "model/encoder.h"

namespace tandem {

// The target side of a padded batch, time-major (T, B): target_in = <s> y1 … yn, target_out =
// y1 … yn </s>, padded with pad_id, which the loss ignores.
struct TargetBatch {
  std::span<const int32_t> input;
  std::span<const int32_t> output;
  int64_t length = 0;  // T
};

struct LossOptions {
  float teacher_forcing = 1.0f;  // probability of feeding the true previous token
  float label_smoothing = 0.0f;
  int32_t pad_id = 0;
  bool training = true;  // dropout on
  // The loss will be the root of the backward, as it is in the trainer: the output layer's
  // weight gradient then goes to the parameter in the forward (ops::OutputLossOptions::root).
  bool root = false;
};

class Seq2Seq {
 public:
  // Creates and initialises every parameter from init_rng.
  Seq2Seq(const ModelConfig& config, Rng& init_rng);
  // Creates every parameter zero-filled, for weights loaded next (no random draws).
  explicit Seq2Seq(const ModelConfig& config);

  // Mean cross-entropy per target token. Below teacher_forcing 1, each row's next input is the
  // model's own greedy prediction with probability 1 − teacher_forcing (Bengio et al. 2015).
  Var loss(Graph& g, const SourceBatch& source, const TargetBatch& target,
           const LossOptions& options, Rng& rng) const;

  const ModelConfig& config() const { return config_; }
  ParameterStore& params() { return params_; }
  const ParameterStore& params() const { return params_; }
  const Encoder& encoder() const { return *encoder_; }
  const Decoder& decoder() const { return *decoder_; }

 private:
  void build(Rng& init_rng);

  ModelConfig config_;
  ParameterStore params_;
  std::unique_ptr<Encoder> encoder_;
  std::unique_ptr<Decoder> decoder_;
};

}  // namespace tandem
