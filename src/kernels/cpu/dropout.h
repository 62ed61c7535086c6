// Dropout (Srivastava et al. 2014) in its inverted form: kept values are scaled by 1/(1−p).
#pragma once

#include <cstdint>

#include "tensor/rng.h"

namespace tandem::kernels {

// mask[i] = 1/(1−p) with probability 1−p, else 0. p must lie in [0, 1).
void dropout_mask(int64_t n, float p, Rng& rng, float* mask);
// y = x ⊙ mask; the backward is dx += dy ⊙ mask (mul_accumulate).
void dropout_apply(int64_t n, const float* x, const float* mask, float* y);

}  // namespace tandem::kernels
