// Additive (Bahdanau) attention scores over all source positions of a batch, with a mask.
#pragma once

#include <cstdint>

#include "kernels/cpu/memory_rows.h"

namespace tandem::kernels {

// Bahdanau, Cho & Bengio 2015, appendix A.1.2: e[b, s] = vᵀ·tanh(q[b] + k[s, b]), where
// q = W_a·s_{i−1} (B, A) is the projected decoder state and k = U_a·h (S, B, A) the keys,
// projected once per batch (time-major, as the encoder writes them). Positions with
// mask[b, s] == 0 (mask (B, S), may be null) are skipped and get −∞, which softmax maps to 0.
// tanh_saved (B, S, A) receives tanh(q + k) for the backward; it may be null in inference.
// With memory.rows, keys is (S, memory.batch, A) and row b reads keys[s, memory.rows[b]].
void additive_scores_forward(int64_t src_len, int64_t batch, int64_t dim, const float* q,
                             const float* keys, const float* v, const float* mask, float* scores,
                             float* tanh_saved, MemoryRows memory = {});

// From dscores (B, S): adds the gradients into dq (B, A), dkeys (S, B, A) and dv (A); any of the
// three may be null. Masked positions contribute nothing.
void additive_scores_backward(int64_t src_len, int64_t batch, int64_t dim, const float* v,
                              const float* mask, const float* tanh_saved, const float* dscores,
                              float* dq, float* dkeys, float* dv);

}  // namespace tandem::kernels
