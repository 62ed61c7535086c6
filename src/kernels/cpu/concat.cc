// Concatenation and splitting along the last axis: blocks of row copies.
#include "kernels/cpu/concat.h"

#include <cstring>

namespace tandem::kernels {

void concat_last(int64_t rows, int n_parts, const float* const* parts, const int64_t* cols,
                 float* out) {
  int64_t total = 0;
  for (int i = 0; i < n_parts; ++i) total += cols[i];
  for (int64_t r = 0; r < rows; ++r) {
    float* o = out + r * total;
    for (int i = 0; i < n_parts; ++i) {
      std::memcpy(o, parts[i] + r * cols[i], cols[i] * sizeof(float));
      o += cols[i];
    }
  }
}

void split_last_accumulate(int64_t rows, int n_parts, const float* x, const int64_t* cols,
                           float* const* parts) {
  int64_t total = 0;
  for (int i = 0; i < n_parts; ++i) total += cols[i];
  int64_t begin = 0;
  for (int i = 0; i < n_parts; ++i) {
    if (parts[i]) add_from_columns(rows, cols[i], x, total, begin, parts[i]);
    begin += cols[i];
  }
}

void copy_columns(int64_t rows, int64_t width, const float* x, int64_t x_cols, int64_t begin,
                  float* dst) {
  for (int64_t r = 0; r < rows; ++r)
    std::memcpy(dst + r * width, x + r * x_cols + begin, width * sizeof(float));
}

void add_from_columns(int64_t rows, int64_t width, const float* x, int64_t x_cols, int64_t begin,
                      float* dst) {
  for (int64_t r = 0; r < rows; ++r) {
    const float* xr = x + r * x_cols + begin;
    float* d = dst + r * width;
    for (int64_t c = 0; c < width; ++c) d[c] += xr[c];
  }
}

void add_into_columns(int64_t rows, int64_t width, const float* src, float* x, int64_t x_cols,
                      int64_t begin) {
  for (int64_t r = 0; r < rows; ++r) {
    float* xr = x + r * x_cols + begin;
    const float* s = src + r * width;
    for (int64_t c = 0; c < width; ++c) xr[c] += s[c];
  }
}

}  // namespace tandem::kernels
