// Dropout: the mask is drawn from the project's Rng so that runs are reproducible.
#include "kernels/cpu/dropout.h"
#include "kernels/cpu/multiversion.h"

namespace tandem::kernels {

void dropout_mask(int64_t n, float p, Rng& rng, float* mask) {
  const float keep_scale = 1.0f / (1.0f - p);
  for (int64_t i = 0; i < n; ++i) mask[i] = rng.uniform() >= p ? keep_scale : 0.0f;
}

TANDEM_MULTIVERSION void dropout_apply(int64_t n, const float* x, const float* mask, float* y) {
  for (int64_t i = 0; i < n; ++i) y[i] = x[i] * mask[i];
}

}  // namespace tandem::kernels
