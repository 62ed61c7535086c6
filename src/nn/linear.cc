// Linear: parameter creation and the forward as one fused linear op.
#include "nn/linear.h"

#include "autodiff/ops.h"
#include "nn/init.h"

namespace tandem {

Linear::Linear(ParameterStore& store, const std::string& name, int64_t in, int64_t out, Rng& rng,
               bool bias) {
  weight_ = &store.create(name + ".W", {out, in});
  if (store.initialises()) init::xavier_uniform(weight_->value, rng);
  if (bias) bias_ = &store.create(name + ".b", {out});
}

Var Linear::operator()(Graph& g, Var x) const {
  return ops::linear(x, g.parameter(*weight_), bias_ ? g.parameter(*bias_) : Var{});
}

Var Linear::operator()(Graph& g, std::span<const Var> parts) const {
  return ops::linear_parts(parts, g.parameter(*weight_), bias_ ? g.parameter(*bias_) : Var{});
}

}  // namespace tandem
