// Element-wise kernels: arithmetic, broadcasting bias, and the activations with their backwards.
#pragma once

#include <cstdint>

namespace tandem::kernels {

// Backward kernels accumulate (dx += …) so that a value used twice sums its gradients.

void add(int64_t n, const float* a, const float* b, float* out);             // out = a + b
void sub(int64_t n, const float* a, const float* b, float* out);             // out = a − b
void accumulate(int64_t n, const float* x, float* out);                      // out += x
void scale_accumulate(int64_t n, float alpha, const float* x, float* out);   // out += αx
void scale(int64_t n, float alpha, const float* x, float* out);              // out = αx
void mul(int64_t n, const float* a, const float* b, float* out);             // out = a ⊙ b
void mul_accumulate(int64_t n, const float* a, const float* b, float* out);  // out += a ⊙ b

// out[r, c] = x[r, c] + bias[c] for a (rows, cols) matrix.
void add_row_broadcast(int64_t rows, int64_t cols, const float* x, const float* bias, float* out);
// out[r, c] = bias[c]: a bias laid into every row, for a GEMM to accumulate onto (beta = 1).
void broadcast_rows(int64_t rows, int64_t cols, const float* bias, float* out);
// dbias[c] += Σ_r dy[r, c]: the backward of the broadcast.
void sum_rows_accumulate(int64_t rows, int64_t cols, const float* dy, float* dbias);

void tanh_forward(int64_t n, const float* x, float* y);
void tanh_backward(int64_t n, const float* y, const float* dy, float* dx);  // dx += dy(1 − y²)
void sigmoid_forward(int64_t n, const float* x, float* y);
void sigmoid_backward(int64_t n, const float* y, const float* dy, float* dx);  // dx += dy·y(1−y)
void relu_forward(int64_t n, const float* x, float* y);
void relu_backward(int64_t n, const float* y, const float* dy, float* dx);  // dx += dy·[y > 0]

// Row-wise select: out[r] = keep[r] != 0 ? a[r] : b[r] for (rows, cols) matrices, keep (rows).
// An RNN uses it to carry its state unchanged through the padding of shorter sequences.
void blend_rows(int64_t rows, int64_t cols, const float* keep, const float* a, const float* b,
                float* out);
// da[r] += keep[r]·dy[r], db[r] += (1 − keep[r])·dy[r], keep being 0 or 1; either may be null.
void blend_rows_backward(int64_t rows, int64_t cols, const float* keep, const float* dy, float* da,
                         float* db);

}  // namespace tandem::kernels
