// Dot-product attention scores (Luong et al. 2015, §3.1: "dot" and, on projected keys,
// "general") over all source positions of a batch, with a mask.
#pragma once

#include <cstdint>

#include "kernels/cpu/memory_rows.h"

namespace tandem::kernels {

// scores[b, s] = q[b]·keys[s, b] with q (B, D) and keys (S, B, D) time-major; −∞ where
// mask[b, s] == 0 (mask (B, S), may be null). With memory.rows, keys is (S, memory.batch, D)
// and row b reads keys[s, memory.rows[b]].
void dot_scores_forward(int64_t src_len, int64_t batch, int64_t dim, const float* q,
                        const float* keys, const float* mask, float* scores,
                        MemoryRows memory = {});
// dq[b] += Σ_s dscores[b, s]·keys[s, b];  dkeys[s, b] += dscores[b, s]·q[b]. Masked positions
// contribute nothing; either output may be null.
void dot_scores_backward(int64_t src_len, int64_t batch, int64_t dim, const float* q,
                         const float* keys, const float* mask, const float* dscores, float* dq,
                         float* dkeys);

}  // namespace tandem::kernels
