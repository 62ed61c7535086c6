// Masked softmax over the last axis of a (rows, cols) matrix.
#pragma once

#include <cstdint>

namespace tandem::kernels {

// y[r, :] = softmax over the columns c with mask[r, c] != 0; masked columns get 0. mask may be
// null (nothing masked). A row with every column masked is all zeros, not NaN.
void masked_softmax_forward(int64_t rows, int64_t cols, const float* x, const float* mask,
                            float* y);
// dx[r, c] += y[r, c]·(dy[r, c] − Σ_c' y[r, c']·dy[r, c']). Masked columns have y = 0 and so get
// no gradient.
void masked_softmax_backward(int64_t rows, int64_t cols, const float* y, const float* dy,
                             float* dx);

// y[r, :] = log softmax(x[r, :]) (no mask): what search needs to score hypotheses.
void log_softmax_forward(int64_t rows, int64_t cols, const float* x, float* y);
// dx[r, c] += dy[r, c] − exp(y[r, c])·Σ_c' dy[r, c'].
void log_softmax_backward(int64_t rows, int64_t cols, const float* y, const float* dy, float* dx);

}  // namespace tandem::kernels
