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
  // In inference with fewer source words than tokens in the batch, the first layer's input
  // projection is cheaper as a table per word and direction, looked up by the ids.
  Var projected[2];
  std::span<const Var> first_layer;
  Var x;
  if (!g.recording() && !training && config_.source_vocab < S * B) {
    for (int64_t d = 0; d < rnn_.directions(); ++d) {
      const RnnCell& cell = rnn_.cell(0, d);
      Var table = cell.project_input(g, g.parameter(*embedding_));  // (V, G·H)
      projected[d] = ops::reshape(ops::embedding(table, source.ids),
                                  {S, B, cell.gates() * cell.hidden_size()});
    }
    first_layer = std::span<const Var>(projected, rnn_.directions());
  } else {
    x = ops::embedding(g.parameter(*embedding_), source.ids);  // (S·B, E)
    x = dropout(ops::reshape(x, {S, B, config_.embedding_size}), config_.embedding_dropout, rng,
                training);
  }
  Rnn::Output out = rnn_.forward(g, x, source.lengths, rng, training, first_layer);
  return {out.outputs, std::move(out.last), source.mask,
          std::vector<int64_t>(source.lengths.begin(), source.lengths.end())};
}

}  // namespace tandem
