// Parameter: a named, trainable tensor with its gradient; both live on the heap, outside steps.
#pragma once

#include <string>

#include "tensor/tensor.h"

namespace tandem {

struct Parameter {
  std::string name;  // scoped, e.g. "encoder.rnn.l0.fwd.W_ih"
  Tensor value;
  Tensor grad;  // same shape; Graph::backward accumulates into it

  Parameter(std::string name, const Shape& shape)
      : name(std::move(name)), value(Tensor::zeros(shape)), grad(Tensor::zeros(shape)) {}
  void zero_grad() { grad.fill(0.0f); }
};

}  // namespace tandem
