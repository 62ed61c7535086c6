// Multiplicative attention of Luong, Pham & Manning 2015, §3.1: "dot" and "general".
#pragma once

#include <optional>

#include "nn/attention.h"
#include "nn/linear.h"

namespace tandem {

// dot: e[b, s] = q[b]·h[s, b] (needs query and memory of one size);
// general: e[b, s] = q[b]·(W_a·h[s, b]), W_a applied to the memory once per batch.
class DotAttention : public Attention {
 public:
  DotAttention(ParameterStore& store, const std::string& name, int64_t query_size,
               int64_t memory_size, bool general, Rng& rng);
  Var precompute_keys(Graph& g, Var memory) const override;
  Var weights(Graph& g, Var query, Var keys, const Tensor& mask,
              std::span<const int32_t> memory_rows = {}) const override;

 private:
  std::optional<Linear> key_;  // general only
};

}  // namespace tandem
