// Seq2Seq: the loss over a batch — encode once, step the decoder, output layer and loss fused.
#include "model/seq2seq.h"

#include <algorithm>
#include <vector>

#include "autodiff/ops.h"
#include "tensor/error.h"

namespace tandem {

Seq2Seq::Seq2Seq(const ModelConfig& config) : config_(config) {
  params_.set_initialises(false);
  Rng unused(0);
  build(unused);
}

Seq2Seq::Seq2Seq(const ModelConfig& config, Rng& init_rng) : config_(config) { build(init_rng); }

void Seq2Seq::build(Rng& init_rng) {
  const ModelConfig& config = config_;
  check(config.source_vocab > 0 && config.target_vocab > 0,
        "the model needs non-empty source and target vocabularies");
  check(!config.tie_embeddings || config.output_features() == config.embedding_size,
        "tied embeddings need the output features to have the embedding size");
  encoder_ = std::make_unique<Encoder>(params_, config, init_rng);
  decoder_ = std::make_unique<Decoder>(params_, config, init_rng);
}

Var Seq2Seq::loss(Graph& g, const SourceBatch& source, const TargetBatch& target,
                  const LossOptions& options, Rng& rng) const {
  const int64_t T = target.length, B = source.batch;
  check(static_cast<int64_t>(target.input.size()) == T * B &&
            static_cast<int64_t>(target.output.size()) == T * B,
        "loss: target ids do not match the batch shape");
  EncoderOutput encoded = encoder_->encode(g, source, rng, options.training);
  DecoderState state = decoder_->initial_state(g, encoded);
  std::vector<Var> features(T);
  const bool sampling = options.teacher_forcing < 1.0f;
  std::vector<Var> step_logits(sampling ? T : 0);
  std::vector<int32_t> previous(target.input.begin(), target.input.begin() + B);
  for (int64_t t = 0; t < T; ++t) {
    if (t > 0) {
      std::copy(target.input.begin() + t * B, target.input.begin() + (t + 1) * B, previous.begin());
      if (sampling) {  // replace some true tokens by the model's previous prediction
        const Tensor& last = step_logits[t - 1].value();
        for (int64_t b = 0; b < B; ++b) {
          if (rng.uniform() < options.teacher_forcing) continue;
          const float* row = last[b].data();
          previous[b] = static_cast<int32_t>(std::max_element(row, row + last.dim(1)) - row);
        }
      }
    }
    features[t] = decoder_->step(g, previous, state, rng, options.training).features;
    if (sampling) step_logits[t] = decoder_->logits(g, features[t], rng, options.training);
  }
  if (sampling) {
    Var logits = ops::reshape(ops::stack(step_logits), {T * B, config_.target_vocab});
    return ops::cross_entropy(logits, target.output, options.pad_id, options.label_smoothing);
  }
  // The output layer and the loss in one op over chunks of rows: the (T·B, V) logits, their
  // probabilities and gradient — 140 MB each for a full base batch — are never held whole.
  // The steps' features go in as they are, and the dropout on them happens inside: no stacked,
  // dropped or mask copy of the (T·B, O) features.
  const Decoder::OutputLayer out = decoder_->output_layer(g, options.training);
  ops::OutputLossOptions loss_options;
  loss_options.ignore_index = options.pad_id;
  loss_options.smoothing = options.label_smoothing;
  loss_options.dropout = out.dropout;
  loss_options.rng = &rng;
  loss_options.root = options.root;
  return ops::linear_cross_entropy(features, out.weight, out.bias, target.output, loss_options);
}

}  // namespace tandem
