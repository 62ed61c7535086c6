// Attention: the type names and the factory; the types live in their own files.
#include "nn/attention.h"

#include "autodiff/ops.h"
#include "nn/additive_attention.h"
#include "nn/dot_attention.h"
#include "tensor/error.h"

namespace tandem {

AttentionType parse_attention_type(const std::string& name) {
  if (name == "none") return AttentionType::kNone;
  if (name == "bahdanau") return AttentionType::kBahdanau;
  if (name == "luong-dot") return AttentionType::kLuongDot;
  if (name == "luong-general") return AttentionType::kLuongGeneral;
  throw Error("unknown attention '" + name + "'; valid: none, bahdanau, luong-dot, luong-general");
}

Attention::Result Attention::attend(Graph& g, Var query, Var keys, Var memory,
                                    const Tensor& mask) const {
  Var w = weights(g, query, keys, mask);
  return {ops::attention_context(w, memory), w};
}

std::unique_ptr<Attention> make_attention(AttentionType type, ParameterStore& store,
                                          const std::string& name, int64_t query_size,
                                          int64_t memory_size, int64_t attention_size, Rng& rng) {
  switch (type) {
    case AttentionType::kNone:
      return nullptr;
    case AttentionType::kBahdanau:
      return std::make_unique<AdditiveAttention>(store, name, query_size, memory_size,
                                                 attention_size, rng);
    case AttentionType::kLuongDot:
      return std::make_unique<DotAttention>(store, name, query_size, memory_size, false, rng);
    case AttentionType::kLuongGeneral:
      return std::make_unique<DotAttention>(store, name, query_size, memory_size, true, rng);
  }
  throw Error("unknown attention type");
}

}  // namespace tandem
