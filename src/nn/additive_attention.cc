// Additive attention: keys by one GEMM per batch, then the fused score kernel per step.
#include "nn/additive_attention.h"

#include <cmath>

#include "autodiff/ops.h"
#include "nn/init.h"

namespace tandem {

AdditiveAttention::AdditiveAttention(ParameterStore& store, const std::string& name,
                                     int64_t query_size, int64_t memory_size,
                                     int64_t attention_size, Rng& rng)
    : query_(store, name + ".query", query_size, attention_size, rng, /*bias=*/false),
      key_(store, name + ".key", memory_size, attention_size, rng, /*bias=*/true),
      v_(&store.create(name + ".v", {attention_size})) {
  const float a = 1.0f / std::sqrt(static_cast<float>(attention_size));
  if (store.initialises()) init::uniform(v_->value, -a, a, rng);
}

Var AdditiveAttention::precompute_keys(Graph& g, Var memory) const { return key_(g, memory); }

Var AdditiveAttention::weights(Graph& g, Var query, Var keys, const Tensor& mask,
                               std::span<const int32_t> memory_rows) const {
  Var scores = ops::additive_scores(query_(g, query), keys, g.parameter(*v_), mask, memory_rows);
  return ops::masked_softmax(scores, mask);
}

}  // namespace tandem
