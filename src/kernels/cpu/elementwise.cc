// Element-wise kernels: simple loops written so that GCC vectorises them at -O3.
#include "kernels/cpu/elementwise.h"

#include <cstring>

#include "kernels/cpu/multiversion.h"
#include "kernels/cpu/vec_math.h"

namespace tandem::kernels {

TANDEM_MULTIVERSION void add(int64_t n, const float* a, const float* b, float* out) {
  for (int64_t i = 0; i < n; ++i) out[i] = a[i] + b[i];
}

TANDEM_MULTIVERSION void sub(int64_t n, const float* a, const float* b, float* out) {
  for (int64_t i = 0; i < n; ++i) out[i] = a[i] - b[i];
}

TANDEM_MULTIVERSION void accumulate(int64_t n, const float* x, float* out) {
  for (int64_t i = 0; i < n; ++i) out[i] += x[i];
}

TANDEM_MULTIVERSION void scale_accumulate(int64_t n, float alpha, const float* x, float* out) {
  for (int64_t i = 0; i < n; ++i) out[i] += alpha * x[i];
}

TANDEM_MULTIVERSION void scale(int64_t n, float alpha, const float* x, float* out) {
  for (int64_t i = 0; i < n; ++i) out[i] = alpha * x[i];
}

TANDEM_MULTIVERSION void mul(int64_t n, const float* a, const float* b, float* out) {
  for (int64_t i = 0; i < n; ++i) out[i] = a[i] * b[i];
}

TANDEM_MULTIVERSION void mul_accumulate(int64_t n, const float* a, const float* b, float* out) {
  for (int64_t i = 0; i < n; ++i) out[i] += a[i] * b[i];
}

TANDEM_MULTIVERSION void add_row_broadcast(int64_t rows, int64_t cols, const float* x,
                                           const float* bias, float* out) {
  for (int64_t r = 0; r < rows; ++r) {
    const float* xr = x + r * cols;
    float* o = out + r * cols;
    for (int64_t c = 0; c < cols; ++c) o[c] = xr[c] + bias[c];
  }
}

TANDEM_MULTIVERSION void broadcast_rows(int64_t rows, int64_t cols, const float* bias, float* out) {
  for (int64_t r = 0; r < rows; ++r) std::memcpy(out + r * cols, bias, cols * sizeof(float));
}

TANDEM_MULTIVERSION void sum_rows_accumulate(int64_t rows, int64_t cols, const float* dy,
                                             float* dbias) {
  for (int64_t r = 0; r < rows; ++r) {
    const float* d = dy + r * cols;
    for (int64_t c = 0; c < cols; ++c) dbias[c] += d[c];
  }
}

TANDEM_MULTIVERSION void tanh_forward(int64_t n, const float* x, float* y) {
  for (int64_t i = 0; i < n; ++i) y[i] = fast_tanh(x[i]);
}

TANDEM_MULTIVERSION void tanh_backward(int64_t n, const float* y, const float* dy, float* dx) {
  for (int64_t i = 0; i < n; ++i) dx[i] += dy[i] * (1.0f - y[i] * y[i]);
}

TANDEM_MULTIVERSION void sigmoid_forward(int64_t n, const float* x, float* y) {
  for (int64_t i = 0; i < n; ++i) y[i] = fast_sigmoid(x[i]);
}

TANDEM_MULTIVERSION void sigmoid_backward(int64_t n, const float* y, const float* dy, float* dx) {
  for (int64_t i = 0; i < n; ++i) dx[i] += dy[i] * y[i] * (1.0f - y[i]);
}

TANDEM_MULTIVERSION void relu_forward(int64_t n, const float* x, float* y) {
  for (int64_t i = 0; i < n; ++i) y[i] = x[i] > 0.0f ? x[i] : 0.0f;
}

TANDEM_MULTIVERSION void relu_backward(int64_t n, const float* y, const float* dy, float* dx) {
  for (int64_t i = 0; i < n; ++i) dx[i] += y[i] > 0.0f ? dy[i] : 0.0f;
}

TANDEM_MULTIVERSION void blend_rows(int64_t rows, int64_t cols, const float* keep, const float* a,
                                    const float* b, float* out) {
  for (int64_t r = 0; r < rows; ++r)
    std::memcpy(out + r * cols, (keep[r] != 0.0f ? a : b) + r * cols, cols * sizeof(float));
}

TANDEM_MULTIVERSION void blend_rows_backward(int64_t rows, int64_t cols, const float* keep,
                                             const float* dy, float* da, float* db) {
  for (int64_t r = 0; r < rows; ++r) {
    float* target = keep[r] != 0.0f ? da : db;
    if (target) accumulate(cols, dy + r * cols, target + r * cols);
  }
}

}  // namespace tandem::kernels
