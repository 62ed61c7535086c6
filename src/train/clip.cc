// Gradient clipping by global norm: one pass to measure, one to scale.
#include "train/clip.h"

#include <cmath>

#include "kernels/cpu/elementwise.h"

namespace tandem {

double clip_grad_norm(ParameterStore& params, double max_norm) {
  double sum_sq = 0.0;
  for (const Parameter& p : params) {
    const float* g = p.grad.data();
    const int64_t n = p.grad.numel();
    double s = 0.0;
#pragma omp simd reduction(+ : s)
    for (int64_t i = 0; i < n; ++i) s += static_cast<double>(g[i]) * g[i];
    sum_sq += s;
  }
  const double norm = std::sqrt(sum_sq);
  if (std::isfinite(norm) && norm > max_norm && norm > 0.0) {
    const float factor = static_cast<float>(max_norm / norm);
    for (Parameter& p : params)
      kernels::scale(p.grad.numel(), factor, p.grad.data(), p.grad.data());
  }
  return norm;
}

}  // namespace tandem
