// Masked softmax: max-subtracted for stability, the exponentials vectorised through fast_exp.
#include "kernels/cpu/softmax.h"

#include <cmath>
#include <limits>

#include "kernels/cpu/multiversion.h"
#include "kernels/cpu/vec_math.h"

namespace tandem::kernels {

TANDEM_MULTIVERSION void masked_softmax_forward(int64_t rows, int64_t cols, const float* x,
                                                const float* mask, float* y) {
  for (int64_t r = 0; r < rows; ++r) {
    const float* xr = x + r * cols;
    const float* mr = mask ? mask + r * cols : nullptr;
    float* yr = y + r * cols;
    float max = -std::numeric_limits<float>::infinity();
    for (int64_t c = 0; c < cols; ++c)
      if (!mr || mr[c] != 0.0f) max = std::max(max, xr[c]);
    if (max == -std::numeric_limits<float>::infinity()) {  // every column masked
      for (int64_t c = 0; c < cols; ++c) yr[c] = 0.0f;
      continue;
    }
    float sum = 0.0f;
#pragma omp simd reduction(+ : sum)
    for (int64_t c = 0; c < cols; ++c) {
      float e = (!mr || mr[c] != 0.0f) ? fast_exp(xr[c] - max) : 0.0f;
      yr[c] = e;
      sum += e;
    }
    const float inv = 1.0f / sum;
    for (int64_t c = 0; c < cols; ++c) yr[c] *= inv;
  }
}

TANDEM_MULTIVERSION void masked_softmax_backward(int64_t rows, int64_t cols, const float* y,
                                                 const float* dy, float* dx) {
  for (int64_t r = 0; r < rows; ++r) {
    const float* yr = y + r * cols;
    const float* dyr = dy + r * cols;
    float* dxr = dx + r * cols;
    float dot = 0.0f;
#pragma omp simd reduction(+ : dot)
    for (int64_t c = 0; c < cols; ++c) dot += yr[c] * dyr[c];
    for (int64_t c = 0; c < cols; ++c) dxr[c] += yr[c] * (dyr[c] - dot);
  }
}

TANDEM_MULTIVERSION void log_softmax_forward(int64_t rows, int64_t cols, const float* x, float* y) {
  for (int64_t r = 0; r < rows; ++r) {
    const float* xr = x + r * cols;
    float* yr = y + r * cols;
    float max = xr[0];
    for (int64_t c = 1; c < cols; ++c) max = std::max(max, xr[c]);
    float sum = 0.0f;
#pragma omp simd reduction(+ : sum)
    for (int64_t c = 0; c < cols; ++c) sum += fast_exp(xr[c] - max);
    const float log_z = max + std::log(sum);
    for (int64_t c = 0; c < cols; ++c) yr[c] = xr[c] - log_z;
  }
}

TANDEM_MULTIVERSION void log_softmax_backward(int64_t rows, int64_t cols, const float* y,
                                              const float* dy, float* dx) {
  for (int64_t r = 0; r < rows; ++r) {
    const float* yr = y + r * cols;
    const float* dyr = dy + r * cols;
    float* dxr = dx + r * cols;
    float total = 0.0f;
#pragma omp simd reduction(+ : total)
    for (int64_t c = 0; c < cols; ++c) total += dyr[c];
    for (int64_t c = 0; c < cols; ++c) dxr[c] += dyr[c] - fast_exp(yr[c]) * total;
  }
}

}  // namespace tandem::kernels
