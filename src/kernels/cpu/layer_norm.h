// Layer normalisation (Ba, Kiros & Hinton 2016, §3) over the last axis, with gain and bias.
#pragma once

#include <cstdint>

namespace tandem::kernels {

// y = (x − μ)/σ ⊙ gamma + beta per row, σ = sqrt(var + eps) (biased variance). Saves μ and 1/σ
// per row for the backward.
void layer_norm_forward(int64_t rows, int64_t cols, const float* x, const float* gamma,
                        const float* beta, float eps, float* y, float* mean, float* rstd);
// Accumulates dx, dgamma, dbeta (any may be null: not needed).
void layer_norm_backward(int64_t rows, int64_t cols, const float* x, const float* gamma,
                         const float* mean, const float* rstd, const float* dy, float* dx,
                         float* dgamma, float* dbeta);

}  // namespace tandem::kernels
