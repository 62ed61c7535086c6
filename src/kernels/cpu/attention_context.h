// The attention context: per batch row, the attention-weighted sum of the source states.
#pragma once

#include <cstdint>

#include "kernels/cpu/memory_rows.h"

namespace tandem::kernels {

// context[b] = Σ_s weights[b, s]·values[s, b] with weights (B, S) and values (S, B, D)
// time-major, as the encoder writes them; context (B, D). With memory.rows, values is
// (S, memory.batch, D) and row b reads values[s, memory.rows[b]].
void attention_context_forward(int64_t src_len, int64_t batch, int64_t dim, const float* weights,
                               const float* values, float* context, MemoryRows memory = {});
// dweights[b, s] += dcontext[b]·values[s, b];  dvalues[s, b] += weights[b, s]·dcontext[b].
// Either output may be null.
void attention_context_backward(int64_t src_len, int64_t batch, int64_t dim, const float* weights,
                                const float* values, const float* dcontext, float* dweights,
                                float* dvalues);

}  // namespace tandem::kernels
