// Dot-product attention scores: a vectorised dot per (batch, source position).
#include "kernels/cpu/dot_attention.h"
#include "kernels/cpu/multiversion.h"

#include <limits>

namespace tandem::kernels {

TANDEM_MULTIVERSION void dot_scores_forward(int64_t src_len, int64_t batch, int64_t dim,
                                            const float* q, const float* keys, const float* mask,
                                            float* scores, MemoryRows memory) {
  if (!memory.rows) memory.batch = batch;
  for (int64_t b = 0; b < batch; ++b) {
    const float* qb = q + b * dim;
    for (int64_t s = 0; s < src_len; ++s) {
      if (mask && mask[b * src_len + s] == 0.0f) {
        scores[b * src_len + s] = -std::numeric_limits<float>::infinity();
        continue;
      }
      const float* k = keys + (s * memory.batch + memory(b)) * dim;
      float e = 0.0f;
#pragma omp simd reduction(+ : e)
      for (int64_t d = 0; d < dim; ++d) e += qb[d] * k[d];
      scores[b * src_len + s] = e;
    }
  }
}

TANDEM_MULTIVERSION void dot_scores_backward(int64_t src_len, int64_t batch, int64_t dim,
                                             const float* q, const float* keys, const float* mask,
                                             const float* dscores, float* dq, float* dkeys) {
  for (int64_t b = 0; b < batch; ++b) {
    const float* qb = q + b * dim;
    for (int64_t s = 0; s < src_len; ++s) {
      if (mask && mask[b * src_len + s] == 0.0f) continue;
      const float ds = dscores[b * src_len + s];
      const int64_t at = (s * batch + b) * dim;
      if (dq)
        for (int64_t d = 0; d < dim; ++d) dq[b * dim + d] += ds * keys[at + d];
      if (dkeys)
        for (int64_t d = 0; d < dim; ++d) dkeys[at + d] += ds * qb[d];
    }
  }
}

}  // namespace tandem::kernels
