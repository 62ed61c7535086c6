// Fused log-softmax + cross-entropy: one pass for the max, one for exp and sums, per row.
#include "kernels/cpu/cross_entropy.h"

#include <cmath>
#include <string>

#include "kernels/cpu/multiversion.h"
#include "kernels/cpu/vec_math.h"
#include "tensor/error.h"

namespace tandem::kernels {

TANDEM_MULTIVERSION double cross_entropy_forward(int64_t rows, int64_t vocab, const float* logits,
                                                 const int32_t* targets, int32_t ignore_index,
                                                 float smoothing, float* probs, int64_t* counted) {
  double total = 0.0;
  int64_t n = 0;
  for (int64_t r = 0; r < rows; ++r) {
    const int32_t t = targets[r];
    if (t == ignore_index) continue;
    check(t >= 0 && t < vocab, [&] {
      return "cross_entropy: target id " + std::to_string(t) + " in row " + std::to_string(r) +
             " is outside the vocabulary [0, " + std::to_string(vocab) + ")";
    });
    const float* x = logits + r * vocab;
    float* p = probs + r * vocab;
    float max = x[0];
    for (int64_t v = 1; v < vocab; ++v) max = std::max(max, x[v]);
    float sum = 0.0f, sum_x = 0.0f;
#pragma omp simd reduction(+ : sum, sum_x)
    for (int64_t v = 0; v < vocab; ++v) {
      const float e = fast_exp(x[v] - max);
      p[v] = e;
      sum += e;
      sum_x += x[v];
    }
    const float inv = 1.0f / sum;
    for (int64_t v = 0; v < vocab; ++v) p[v] *= inv;
    // log p_v = x_v − max − log Σ; the smoothing term needs Σ_v log p_v = Σ x − V·(max + log Σ).
    const double log_z = static_cast<double>(max) + std::log(static_cast<double>(sum));
    const double log_pt = x[t] - log_z;
    const double sum_log_p = static_cast<double>(sum_x) - static_cast<double>(vocab) * log_z;
    total += -(1.0 - smoothing) * log_pt - (smoothing / vocab) * sum_log_p;
    ++n;
  }
  *counted = n;
  return total;
}

TANDEM_MULTIVERSION void cross_entropy_backward(int64_t rows, int64_t vocab, const float* probs,
                                                const int32_t* targets, int32_t ignore_index,
                                                float smoothing, float scale, float* dlogits) {
  const float uniform = smoothing / static_cast<float>(vocab);
  for (int64_t r = 0; r < rows; ++r) {
    const int32_t t = targets[r];
    if (t == ignore_index) continue;
    const float* p = probs + r * vocab;
    float* d = dlogits + r * vocab;
    for (int64_t v = 0; v < vocab; ++v) d[v] += scale * (p[v] - uniform);
    d[t] -= scale * (1.0f - smoothing);
  }
}

TANDEM_MULTIVERSION double cross_entropy_to_gradient(int64_t rows, int64_t vocab, float* logits,
                                                     const int32_t* targets, float smoothing,
                                                     bool gradient, float scale) {
  const float uniform = smoothing / static_cast<float>(vocab);
  double total = 0.0;
  for (int64_t r = 0; r < rows; ++r) {
    const int32_t t = targets[r];
    float* x = logits + r * vocab;
    float max = x[0];
#pragma omp simd reduction(max : max)
    for (int64_t v = 1; v < vocab; ++v) max = std::max(max, x[v]);
    float sum = 0.0f, sum_x = 0.0f;
#pragma omp simd reduction(+ : sum, sum_x)
    for (int64_t v = 0; v < vocab; ++v) {
      sum += fast_exp(x[v] - max);
      sum_x += x[v];
    }
    const double log_z = static_cast<double>(max) + std::log(static_cast<double>(sum));
    const double log_pt = x[t] - log_z;
    const double sum_log_p = static_cast<double>(sum_x) - static_cast<double>(vocab) * log_z;
    total += -(1.0 - smoothing) * log_pt - (smoothing / vocab) * sum_log_p;
    if (!gradient) continue;
    // exp again rather than a stored probability: the row is in L1/L2, a (rows, V) buffer of
    // probabilities would not be.
    const float inv = 1.0f / sum;
#pragma omp simd
    for (int64_t v = 0; v < vocab; ++v) x[v] = scale * (fast_exp(x[v] - max) * inv - uniform);
    x[t] -= scale * (1.0f - smoothing);
  }
  return total;
}

}  // namespace tandem::kernels
