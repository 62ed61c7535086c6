// Layer normalisation: two passes per row forward, one reduction pass and one update backward.
#include "kernels/cpu/layer_norm.h"
#include "kernels/cpu/multiversion.h"

#include <cmath>

namespace tandem::kernels {

TANDEM_MULTIVERSION void layer_norm_forward(int64_t rows, int64_t cols, const float* x,
                                            const float* gamma, const float* beta, float eps,
                                            float* y, float* mean, float* rstd) {
  for (int64_t r = 0; r < rows; ++r) {
    const float* xr = x + r * cols;
    float* yr = y + r * cols;
    double s = 0.0;
#pragma omp simd reduction(+ : s)
    for (int64_t c = 0; c < cols; ++c) s += xr[c];
    const float mu = static_cast<float>(s / cols);
    double v = 0.0;
#pragma omp simd reduction(+ : v)
    for (int64_t c = 0; c < cols; ++c) v += (xr[c] - mu) * (xr[c] - mu);
    const float rs = 1.0f / std::sqrt(static_cast<float>(v / cols) + eps);
    for (int64_t c = 0; c < cols; ++c) yr[c] = (xr[c] - mu) * rs * gamma[c] + beta[c];
    mean[r] = mu;
    rstd[r] = rs;
  }
}

TANDEM_MULTIVERSION void layer_norm_backward(int64_t rows, int64_t cols, const float* x,
                                             const float* gamma, const float* mean,
                                             const float* rstd, const float* dy, float* dx,
                                             float* dgamma, float* dbeta) {
  for (int64_t r = 0; r < rows; ++r) {
    const float* xr = x + r * cols;
    const float* dyr = dy + r * cols;
    const float mu = mean[r], rs = rstd[r];
    if (dgamma)
      for (int64_t c = 0; c < cols; ++c) dgamma[c] += dyr[c] * (xr[c] - mu) * rs;
    if (dbeta)
      for (int64_t c = 0; c < cols; ++c) dbeta[c] += dyr[c];
    if (!dx) continue;
    // With x̂ = (x − μ)·rstd and g = dy ⊙ gamma: dx = rstd·(g − mean(g) − x̂·mean(g ⊙ x̂)).
    float sum_g = 0.0f, sum_gx = 0.0f;
#pragma omp simd reduction(+ : sum_g, sum_gx)
    for (int64_t c = 0; c < cols; ++c) {
      const float g = dyr[c] * gamma[c];
      sum_g += g;
      sum_gx += g * (xr[c] - mu) * rs;
    }
    const float mean_g = sum_g / cols, mean_gx = sum_gx / cols;
    float* dxr = dx + r * cols;
    for (int64_t c = 0; c < cols; ++c) {
      const float xhat = (xr[c] - mu) * rs;
      dxr[c] += rs * (dyr[c] * gamma[c] - mean_g - xhat * mean_gx);
    }
  }
}

}  // namespace tandem::kernels
