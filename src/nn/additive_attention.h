// Additive (MLP) attention of Bahdanau, Cho & Bengio 2015, appendix A.1.2.
#pragma once

#include "nn/attention.h"
#include "nn/linear.h"

namespace tandem {

// e[b, s] = vᵀ·tanh(W_query·q[b] + W_key·h[s, b]); weights = softmax over unmasked s.
class AdditiveAttention : public Attention {
 public:
  AdditiveAttention(ParameterStore& store, const std::string& name, int64_t query_size,
                    int64_t memory_size, int64_t attention_size, Rng& rng);
  Var precompute_keys(Graph& g, Var memory) const override;
  Var weights(Graph& g, Var query, Var keys, const Tensor& mask,
              std::span<const int32_t> memory_rows = {}) const override;

 private:
  Linear query_, key_;
  Parameter* v_;
};

}  // namespace tandem
