// A tiny GRU sequence classifier: parameters, forward and loss, for the engine's end-to-end tests.
#include "support/tiny_gru_classifier.h"

#include "autodiff/ops.h"
#include "nn/init.h"

namespace tandem::testing {

TinyGruClassifier::TinyGruClassifier(int64_t vocab, int64_t emb, int64_t hidden, Rng& rng)
    : hidden_(hidden) {
  init::uniform(params_.create("embedding", {vocab, emb}).value, -0.5f, 0.5f, rng);
  init::xavier_uniform(params_.create("gru.W_ih", {3 * hidden, emb}).value, rng);
  init::orthogonal_blocks(params_.create("gru.W_hh", {3 * hidden, hidden}).value, 3, rng);
  params_.create("gru.b_ih", {3 * hidden});
  params_.create("gru.b_hh", {3 * hidden});
  init::xavier_uniform(params_.create("attention.W_query", {hidden, hidden}).value, rng);
  init::xavier_uniform(params_.create("attention.W_key", {hidden, hidden}).value, rng);
  init::uniform(params_.create("attention.v", {hidden}).value, -0.1f, 0.1f, rng);
  init::xavier_uniform(params_.create("output.W", {vocab, 2 * hidden}).value, rng);
  params_.create("output.b", {vocab});
}

Var TinyGruClassifier::loss(Graph& g, const std::vector<int32_t>& tokens, int64_t steps,
                            int64_t batch, const std::vector<int32_t>& labels) {
  return ops::cross_entropy(logits(g, tokens, steps, batch), labels);
}

Var TinyGruClassifier::logits(Graph& g, const std::vector<int32_t>& tokens, int64_t steps,
                              int64_t batch) {
  auto p = [&](const char* name) { return g.parameter(params_.get(name)); };
  const int64_t H = hidden_;
  Var x = ops::embedding(p("embedding"), tokens);  // (T·B, E)
  // The input projections of all steps in one GEMM, then viewed as (T, B, 3H).
  Var xg = ops::reshape(ops::linear(x, p("gru.W_ih"), p("gru.b_ih")), {steps, batch, 3 * H});
  Var w_hh = p("gru.W_hh"), b_hh = p("gru.b_hh");
  Var h = g.constant(g.new_zeros({batch, H}));
  std::vector<Var>& states = states_;
  states.clear();
  for (int64_t t = 0; t < steps; ++t) {
    h = ops::gru_cell(ops::select(xg, t), h, w_hh, b_hh);
    states.push_back(h);
  }
  // Attention of the last state over all states; the keys projected once for all steps.
  Var memory = ops::stack(states);  // (T, B, H)
  Var keys = ops::linear(memory, p("attention.W_key"));
  Var scores = ops::additive_scores(ops::linear(h, p("attention.W_query")), keys, p("attention.v"));
  Var context = ops::attention_context(ops::masked_softmax(scores), memory);
  const Var features[] = {h, context};
  return ops::linear(ops::concat(features), p("output.W"), p("output.b"));
}

void make_first_token_batch(Rng& rng, int64_t vocab, int64_t steps, int64_t batch,
                            std::vector<int32_t>& tokens, std::vector<int32_t>& labels) {
  tokens.resize(steps * batch);
  labels.resize(batch);
  for (int64_t t = 0; t < steps; ++t)
    for (int64_t b = 0; b < batch; ++b)
      tokens[t * batch + b] = static_cast<int32_t>(rng.below(static_cast<uint64_t>(vocab)));
  for (int64_t b = 0; b < batch; ++b) labels[b] = tokens[b];
}

}  // namespace tandem::testing
