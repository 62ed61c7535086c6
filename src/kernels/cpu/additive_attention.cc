// Additive attention scores: per (batch, source position), a fused add–tanh–dot over the keys.
#include "kernels/cpu/additive_attention.h"

#include <limits>

#include "kernels/cpu/multiversion.h"
#include "kernels/cpu/vec_math.h"

namespace tandem::kernels {

TANDEM_MULTIVERSION void additive_scores_forward(int64_t src_len, int64_t batch, int64_t dim,
                                                 const float* q, const float* keys, const float* v,
                                                 const float* mask, float* scores,
                                                 float* tanh_saved, MemoryRows memory) {
  const int64_t A = dim;
  if (!memory.rows) memory.batch = batch;
  for (int64_t b = 0; b < batch; ++b) {
    const float* qb = q + b * A;
    for (int64_t s = 0; s < src_len; ++s) {
      if (mask && mask[b * src_len + s] == 0.0f) {
        scores[b * src_len + s] = -std::numeric_limits<float>::infinity();
        continue;
      }
      const float* k = keys + (s * memory.batch + memory(b)) * A;
      float e = 0.0f;
      if (tanh_saved) {
        float* t = tanh_saved + (b * src_len + s) * A;
#pragma omp simd reduction(+ : e)
        for (int64_t a = 0; a < A; ++a) {
          t[a] = fast_tanh(qb[a] + k[a]);
          e += v[a] * t[a];
        }
      } else {
#pragma omp simd reduction(+ : e)
        for (int64_t a = 0; a < A; ++a) e += v[a] * fast_tanh(qb[a] + k[a]);
      }
      scores[b * src_len + s] = e;
    }
  }
}

TANDEM_MULTIVERSION void additive_scores_backward(int64_t src_len, int64_t batch, int64_t dim,
                                                  const float* v, const float* mask,
                                                  const float* tanh_saved, const float* dscores,
                                                  float* dq, float* dkeys, float* dv) {
  const int64_t A = dim;
  for (int64_t b = 0; b < batch; ++b) {
    for (int64_t s = 0; s < src_len; ++s) {
      if (mask && mask[b * src_len + s] == 0.0f) continue;
      const float ds = dscores[b * src_len + s];
      const float* t = tanh_saved + (b * src_len + s) * A;
      if (dv)
        for (int64_t a = 0; a < A; ++a) dv[a] += ds * t[a];
      float* dqb = dq ? dq + b * A : nullptr;
      float* dk = dkeys ? dkeys + (s * batch + b) * A : nullptr;
      for (int64_t a = 0; a < A; ++a) {
        const float dpre = ds * v[a] * (1.0f - t[a] * t[a]);
        if (dqb) dqb[a] += dpre;
        if (dk) dk[a] += dpre;
      }
    }
  }
}

}  // namespace tandem::kernels
