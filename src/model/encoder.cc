// Encoder: embedding, dropout, and the RNN with per-step padding masks.
#include "model/encoder.h"

#include "autodiff/ops.h"
#include "nn/dropout.h"
#include "nn/init.h"
#include "tensor/error.h"

namespace tandem {

Encoder::Encoder(ParameterStore& store, const ModelConfig& config, Rng& rng)
    : config_(config),
      embedding_(&store.create("encoder.embedding", {config.source_vocab, config.embedding_size})),
      rnn_(store, "encoder.rnn",
           RnnOptions{config.cell, config.embedding_size, config.encoder_hidden,
                      config.encoder_layers, config.bidirectional, config.dropout},
           rng) {
  if (store.initialises()) init::uniform(embedding_->value, -0.1f, 0.1f, rng);
}

EncoderOutput Encoder::encode(Graph& g, const SourceBatch& source, Rng& rng, bool training) const {
  const int64_t S = source.length, B = source.batch;
  check(static_cast<int64_t>(source.ids.size()) == S * B &&
            static_cast<int64_t>(source.lengths.size()) == B,
        "encoder: the source ids and lengths do not match the batch shape");
  Var x = ops::embedding(g.parameter(*embedding_), source.ids);  // (S·B, E)
  x = dropout(ops::reshape(x, {S, B, config_.embedding_size}), config_.embedding_dropout, rng,
              training);
  // Per step, which rows are real: undefined (all real) until the shortest row ends.
  std::vector<Tensor> step_masks(S);
  for (int64_t t = 0; t < S; ++t) {
    bool all_real = true;
    for (int64_t b = 0; b < B; ++b) all_real &= t < source.lengths[b];
    if (all_real) continue;
    step_masks[t] = g.new_tensor({B});
    for (int64_t b = 0; b < B; ++b) step_masks[t].data()[b] = t < source.lengths[b] ? 1.0f : 0.0f;
  }
  Rnn::Output out = rnn_.forward(g, x, step_masks, rng, training);
  return {out.outputs, std::move(out.last), source.mask,
          std::vector<int64_t>(source.lengths.begin(), source.lengths.end())};
}

}  // namespace tandem
