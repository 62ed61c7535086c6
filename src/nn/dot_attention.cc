// Multiplicative attention: optional key projection per batch, dot scores per step.
#include "nn/dot_attention.h"

#include "autodiff/ops.h"
#include "tensor/error.h"

namespace tandem {

DotAttention::DotAttention(ParameterStore& store, const std::string& name, int64_t query_size,
                           int64_t memory_size, bool general, Rng& rng) {
  if (general) {
    key_.emplace(store, name + ".key", memory_size, query_size, rng, /*bias=*/false);
  } else {
    check(query_size == memory_size, [&] {
      return "luong-dot attention needs the decoder state (" + std::to_string(query_size) +
             ") and the encoder output (" + std::to_string(memory_size) +
             ") of one size; use luong-general or bahdanau, or change the sizes";
    });
  }
}

Var DotAttention::precompute_keys(Graph& g, Var memory) const {
  return key_ ? (*key_)(g, memory) : memory;
}

Var DotAttention::weights(Graph& g, Var query, Var keys, const Tensor& mask,
                          std::span<const int32_t> memory_rows) const {
  (void)g;
  return ops::masked_softmax(ops::dot_scores(query, keys, mask, memory_rows), mask);
}

}  // namespace tandem
