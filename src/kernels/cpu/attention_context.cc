// The attention context: loops over (batch, source) with the state dimension vectorised. The
// products are matrix–vector sized, too small for a BLAS call to pay per batch row.
#include "kernels/cpu/attention_context.h"
#include "kernels/cpu/multiversion.h"

namespace tandem::kernels {

TANDEM_MULTIVERSION void attention_context_forward(int64_t src_len, int64_t batch, int64_t dim,
                                                   const float* weights, const float* values,
                                                   float* context, MemoryRows memory) {
  if (!memory.rows) memory.batch = batch;
  for (int64_t b = 0; b < batch; ++b) {
    float* c = context + b * dim;
    for (int64_t d = 0; d < dim; ++d) c[d] = 0.0f;
    for (int64_t s = 0; s < src_len; ++s) {
      const float w = weights[b * src_len + s];
      if (w == 0.0f) continue;  // masked positions
      const float* v = values + (s * memory.batch + memory(b)) * dim;
      for (int64_t d = 0; d < dim; ++d) c[d] += w * v[d];
    }
  }
}

TANDEM_MULTIVERSION void attention_context_backward(int64_t src_len, int64_t batch, int64_t dim,
                                                    const float* weights, const float* values,
                                                    const float* dcontext, float* dweights,
                                                    float* dvalues) {
  for (int64_t b = 0; b < batch; ++b) {
    const float* dc = dcontext + b * dim;
    for (int64_t s = 0; s < src_len; ++s) {
      const float* v = values + (s * batch + b) * dim;
      if (dweights) {
        float dot = 0.0f;
#pragma omp simd reduction(+ : dot)
        for (int64_t d = 0; d < dim; ++d) dot += dc[d] * v[d];
        dweights[b * src_len + s] += dot;
      }
      if (dvalues) {
        const float w = weights[b * src_len + s];
        float* dv = dvalues + (s * batch + b) * dim;
        for (int64_t d = 0; d < dim; ++d) dv[d] += w * dc[d];
      }
    }
  }
}

}  // namespace tandem::kernels
