// Gradient clipping by global norm (Pascanu, Mikolov & Bengio 2013, §3.2).
#pragma once

#include "nn/parameter_store.h"

namespace tandem {

// Computes the L2 norm of all gradients together; if it exceeds max_norm, scales every gradient
// by max_norm / norm. Returns the norm before clipping (for logging). A non-finite norm is
// returned as it is and nothing is scaled: the caller decides whether to skip the step.
double clip_grad_norm(ParameterStore& params, double max_norm);

}  // namespace tandem
