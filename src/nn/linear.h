// Linear: an affine layer y = x·Wᵀ + b with named parameters.
#pragma once

#include <span>
#include <string>

#include "autodiff/graph.h"
#include "nn/parameter_store.h"
#include "tensor/rng.h"

namespace tandem {

class Linear {
 public:
  // Creates name + ".W" (out, in), Xavier-uniform, and name + ".b" (out), zero, unless !bias.
  Linear(ParameterStore& store, const std::string& name, int64_t in, int64_t out, Rng& rng,
         bool bias = true);

  Var operator()(Graph& g, Var x) const;  // x (…, in) → (…, out)
  // The layer on the concatenation of parts (rows, n_k), without forming it (ops::linear_parts).
  Var operator()(Graph& g, std::span<const Var> parts) const;
  Parameter& weight() const { return *weight_; }
  Parameter* bias() const { return bias_; }  // nullptr without a bias
  int64_t in() const { return weight_->value.dim(1); }
  int64_t out() const { return weight_->value.dim(0); }

 private:
  Parameter* weight_;
  Parameter* bias_ = nullptr;
};

}  // namespace tandem
