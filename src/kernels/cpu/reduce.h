// Reductions of a whole array to one number.
#pragma once

#include <cstdint>

namespace tandem::kernels {

// Σ x, accumulated in double so that long sums keep float precision.
double sum(int64_t n, const float* x);
// dx += g for every element: the backward of sum (mean passes g / n).
void broadcast_accumulate(int64_t n, float g, float* dx);

}  // namespace tandem::kernels
