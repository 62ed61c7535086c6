// A tiny GRU sequence classifier on the raw ops, shared by the learning and allocation tests.
#pragma once

#include <vector>

#include "autodiff/graph.h"
#include "nn/parameter_store.h"
#include "tensor/rng.h"

namespace tandem::testing {

// embedding → GRU over time (input projections of all steps in one GEMM) → additive attention
// over the GRU states → linear → cross-entropy. Exercises every heavy op of a seq2seq step.
class TinyGruClassifier {
 public:
  TinyGruClassifier(int64_t vocab, int64_t emb, int64_t hidden, Rng& rng);

  // Class scores (B, vocab) of the batch's sequences (tokens: (T, B) time-major), built on g.
  Var logits(Graph& g, const std::vector<int32_t>& tokens, int64_t steps, int64_t batch);
  // Mean cross-entropy of those scores against labels (B).
  Var loss(Graph& g, const std::vector<int32_t>& tokens, int64_t steps, int64_t batch,
           const std::vector<int32_t>& labels);

  ParameterStore& params() { return params_; }

 private:
  ParameterStore params_;
  int64_t hidden_;
  std::vector<Var> states_;  // reused across calls, so a warm step allocates nothing
};

// The task: label = the first token of a random sequence (the network must carry it through
// every later step, or find it by attention). Deterministic for a given rng state.
void make_first_token_batch(Rng& rng, int64_t vocab, int64_t steps, int64_t batch,
                            std::vector<int32_t>& tokens, std::vector<int32_t>& labels);

}  // namespace tandem::testing
