// Attention: the interface every attention type implements, and the factory that picks one.
#pragma once

#include <memory>
#include <span>
#include <string>

#include "autodiff/graph.h"
#include "nn/parameter_store.h"
#include "tensor/rng.h"

namespace tandem {

enum class AttentionType { kNone, kBahdanau, kLuongDot, kLuongGeneral };
// "none" | "bahdanau" | "luong-dot" | "luong-general"; else an Error listing them.
AttentionType parse_attention_type(const std::string& name);

class Attention {
 public:
  virtual ~Attention() = default;

  // Once per batch: the keys from the memory (S, B, D_mem), time-major as the encoder wrote it
  // — projected by a GEMM over all positions where the type has a key projection.
  virtual Var precompute_keys(Graph& g, Var memory) const = 0;

  // One decoder step's weights (B, S), rows summing to 1 over unmasked positions: query
  // (B, D_query); mask (B, S) with 1 for real source tokens; memory_rows: which column of the
  // keys each query row reads (inference only; see ops::attention_context).
  virtual Var weights(Graph& g, Var query, Var keys, const Tensor& mask,
                      std::span<const int32_t> memory_rows = {}) const = 0;

  struct Result {
    Var context;  // (B, D_mem): Σ_s weights[b, s]·memory[s, b]
    Var weights;
  };
  // The weights and the context they make.
  Result attend(Graph& g, Var query, Var keys, Var memory, const Tensor& mask) const;
};

// The attention of that type, its parameters under `name`; nullptr for kNone. attention_size
// is the hidden size of the additive type's MLP.
std::unique_ptr<Attention> make_attention(AttentionType type, ParameterStore& store,
                                          const std::string& name, int64_t query_size,
                                          int64_t memory_size, int64_t attention_size, Rng& rng);

}  // namespace tandem
