// Decoder: bridge from the encoder, the step (attention before the RNN for Bahdanau, after it
// for Luong), and the output layer.
#include "model/decoder.h"

#include "autodiff/ops.h"
#include "nn/column_projection.h"
#include "nn/dropout.h"
#include "nn/init.h"
#include "tensor/error.h"

namespace tandem {

namespace {

// Bahdanau et al. 2015 attend with the previous state and feed the context into the RNN;
// Luong et al. 2015 attend with the new state after it.
bool attends_before_rnn(AttentionType type) { return type == AttentionType::kBahdanau; }

int64_t rnn_input_size(const ModelConfig& c) {
  int64_t size = c.embedding_size;
  if (c.attention == AttentionType::kBahdanau || c.attention == AttentionType::kNone)
    size += c.encoder_output_size();  // the context goes in
  if (c.input_feeding) size += c.output_features();
  return size;
}

}  // namespace

Decoder::Decoder(ParameterStore& store, const ModelConfig& config, Rng& rng)
    : config_(config),
      embedding_(&store.create("decoder.embedding", {config.target_vocab, config.embedding_size})),
      attention_(make_attention(
          config.attention, store, "decoder.attention", config.decoder_hidden,
          config.encoder_output_size(),
          config.attention_size > 0 ? config.attention_size : config.decoder_hidden, rng)),
      combine_(store, "decoder.combine", config.decoder_hidden + config.encoder_output_size(),
               config.output_features(), rng, /*bias=*/false) {
  if (store.initialises()) init::uniform(embedding_->value, -0.1f, 0.1f, rng);
  const int parts = config.cell == CellType::kLstm ? 2 : 1;
  cells_.reserve(config.decoder_layers);
  bridges_.reserve(config.decoder_layers * parts);
  for (int64_t l = 0; l < config.decoder_layers; ++l) {
    const std::string layer = "decoder.rnn.l" + std::to_string(l);
    cells_.emplace_back(store, layer, config.cell,
                        l == 0 ? rnn_input_size(config) : config.decoder_hidden,
                        config.decoder_hidden, rng);
    if (config.bridge == Bridge::kZero) continue;
    const int64_t from = config.bridge == Bridge::kFinal
                             ? (config.bidirectional ? 2 : 1) * config.encoder_hidden
                             : config.encoder_output_size();
    for (int p = 0; p < parts; ++p)
      bridges_.emplace_back(store, "decoder.bridge.l" + std::to_string(l) + (p ? ".c" : ".h"), from,
                            config.decoder_hidden, rng);
  }
  if (config.tie_embeddings) {
    output_bias_ = &store.create("decoder.output.b", {config.target_vocab});
  } else {
    output_.emplace(store, "decoder.output", config.output_features(), config.target_vocab, rng);
  }
}

Var Decoder::bridge(Graph& g, const EncoderOutput& encoded, Var mean, int64_t layer,
                    int part) const {
  const int parts = config_.cell == CellType::kLstm ? 2 : 1;
  Var from = mean;
  if (config_.bridge == Bridge::kFinal) {
    // Decoder layer l starts from encoder layer min(l, last): both directions' last states.
    const int64_t dirs = config_.bidirectional ? 2 : 1;
    const int64_t source = std::min(layer, config_.encoder_layers - 1);
    Var states[2];
    for (int64_t d = 0; d < dirs; ++d) states[d] = encoded.last[source * dirs + d].parts[part];
    from = dirs == 1 ? states[0] : ops::concat(std::span<const Var>(states, 2));
  }
  Var projected = bridges_[layer * parts + part](g, from);
  return part == 0 ? ops::tanh(projected) : projected;  // h in (−1, 1) like a cell's output
}

DecoderState Decoder::initial_state(Graph& g, const EncoderOutput& encoded) const {
  DecoderState state;
  state.memory = encoded.memory;
  state.mask = encoded.mask;
  const int64_t S = encoded.memory.shape()[0], B = encoded.memory.shape()[1];
  if (attention_) state.keys = attention_->precompute_keys(g, encoded.memory);
  if (attention_ && !g.recording()) {  // inference: see DecoderState::combine_context
    const int64_t E = config_.embedding_size, D = config_.encoder_output_size();
    const Var w_ih = g.parameter(cells_[0].input_weight());
    if (attends_before_rnn(config_.attention))
      state.input_context = project_input_columns(g, encoded.memory, w_ih, E, E + D);
    const int64_t H = config_.decoder_hidden;
    state.combine_context =
        project_input_columns(g, encoded.memory, g.parameter(combine_.weight()), H, H + D);
    // With fewer target words than the rows this batch will project (at least one per source
    // position and sentence), the embedding's share of that projection is cheaper as a table.
    if (config_.target_vocab < S * B)
      state.embedding_table = embedding_projection(g, g.parameter(*embedding_));
  }

  // The mean of the encoder outputs over real positions: attention with uniform weights.
  Var mean;
  if (config_.bridge == Bridge::kMean) {
    Tensor uniform = g.new_tensor({B, S});
    for (int64_t b = 0; b < B; ++b)
      for (int64_t s = 0; s < S; ++s)
        uniform.data()[b * S + s] = s < encoded.lengths[b] ? 1.0f / encoded.lengths[b] : 0.0f;
    mean = ops::attention_context(g.constant(uniform), encoded.memory);
  }
  state.layers.resize(config_.decoder_layers);
  for (int64_t l = 0; l < config_.decoder_layers; ++l) {
    state.layers[l] = cells_[l].zero_state(g, B);
    if (config_.bridge != Bridge::kZero)
      for (int p = 0; p < state.layers[l].size; ++p)
        state.layers[l].parts[p] = bridge(g, encoded, mean, l, p);
  }
  if (config_.input_feeding) state.feed = g.constant(g.new_zeros({B, config_.output_features()}));
  if (config_.attention == AttentionType::kNone) {
    // The fixed-length summary (Cho et al. 2014, §2.2): the last layer's last states.
    const int64_t dirs = config_.bidirectional ? 2 : 1;
    const int64_t last = config_.encoder_layers - 1;
    Var states[2];
    for (int64_t d = 0; d < dirs; ++d) states[d] = encoded.last[last * dirs + d].h();
    state.fixed_context = dirs == 1 ? states[0] : ops::concat(std::span<const Var>(states, 2));
  }
  return state;
}

Decoder::Step Decoder::step(Graph& g, std::span<const int32_t> previous, DecoderState& state,
                            Rng& rng, bool training) const {
  // In inference the context is never formed: its products come from the state's per-position
  // projections, mixed with the weights.
  const bool mixes = state.combine_context.defined();
  Var context = state.fixed_context;
  Var weights;
  auto attend = [&](Var query) {
    if (mixes) {
      weights = attention_->weights(g, query, state.keys, state.mask, state.memory_rows);
    } else {
      Attention::Result a = attention_->attend(g, query, state.keys, state.memory, state.mask);
      context = a.context;
      weights = a.weights;
    }
  };
  if (attention_ && attends_before_rnn(config_.attention)) attend(state.layers.back().h());
  Var xg;  // the first layer's projected input
  if (mixes) {
    xg = first_layer_input(g, previous, weights, state);
  } else {
    Var embedded = dropout(ops::embedding(g.parameter(*embedding_), previous),
                           config_.embedding_dropout, rng, training);
    Var inputs[3];
    int n = 0;
    inputs[n++] = embedded;
    if (context.defined()) inputs[n++] = context;
    if (config_.input_feeding) inputs[n++] = state.feed;
    xg = cells_[0].project_input(g, std::span<const Var>(inputs, n));
  }
  Var x;
  for (int64_t l = 0; l < config_.decoder_layers; ++l) {
    if (l > 0) xg = cells_[l].project_input(g, dropout(x, config_.dropout, rng, training));
    state.layers[l] = cells_[l].step(g, xg, state.layers[l]);
    x = state.layers[l].h();
  }
  if (attention_ && !attends_before_rnn(config_.attention)) attend(x);
  Var combined;
  if (mixes) {
    combined = project_input_columns(
        g, x, g.parameter(combine_.weight()), 0, config_.decoder_hidden,
        ops::attention_context(weights, state.combine_context, state.memory_rows));
  } else {
    const Var parts[] = {x, context};
    combined = combine_(g, parts);
  }
  Var features = ops::tanh(combined);
  if (config_.input_feeding) state.feed = features;
  return {features, weights};
}

Var Decoder::first_layer_input(Graph& g, std::span<const int32_t> previous, Var weights,
                               const DecoderState& state) const {
  // W_ih's columns: [embedding | context, where it goes into the RNN | feed].
  const int64_t E = config_.embedding_size;
  const int64_t C = attends_before_rnn(config_.attention) ? config_.encoder_output_size() : 0;
  Var w = g.parameter(cells_[0].input_weight());
  Var xg = state.embedding_table.defined()
               ? ops::embedding(state.embedding_table, previous)
               : embedding_projection(g, ops::embedding(g.parameter(*embedding_), previous));
  if (C > 0)
    xg = ops::add(xg, ops::attention_context(weights, state.input_context, state.memory_rows));
  if (config_.input_feeding)
    xg = project_input_columns(g, state.feed, w, E + C, E + C + config_.output_features(), xg);
  return xg;
}

Var Decoder::embedding_projection(Graph& g, Var embedded) const {
  return ops::add_bias(project_input_columns(g, embedded, g.parameter(cells_[0].input_weight()), 0,
                                             config_.embedding_size),
                       g.parameter(cells_[0].input_bias()));
}

Var Decoder::logits(Graph& g, Var features, Rng& rng, bool training) const {
  const OutputLayer out = output_layer(g, training);
  return ops::linear(dropout(features, out.dropout, rng, training), out.weight, out.bias);
}

Decoder::OutputLayer Decoder::output_layer(Graph& g, bool training) const {
  const float p = training ? config_.dropout : 0.0f;
  if (output_)
    return {g.parameter(output_->weight()),
            output_->bias() != nullptr ? g.parameter(*output_->bias()) : Var{}, p};
  return {g.parameter(*embedding_), g.parameter(*output_bias_), p};
}

}  // namespace tandem
