// Concatenation and splitting along the last axis of row-major matrices.
#pragma once

#include <cstdint>

namespace tandem::kernels {

// out (rows, Σ cols[i]) = [parts[0] | parts[1] | …], each part (rows, cols[i]).
void concat_last(int64_t rows, int n_parts, const float* const* parts, const int64_t* cols,
                 float* out);
// The inverse, accumulating: parts[i] += the i-th column block of x. A null part is skipped
// (used by the backward of concat for inputs that need no gradient).
void split_last_accumulate(int64_t rows, int n_parts, const float* x, const int64_t* cols,
                           float* const* parts);

// The column block [begin, begin + width) of x (rows, x_cols): copied into dst (rows, width),
// added into dst, or dst's counterpart src added into the block.
void copy_columns(int64_t rows, int64_t width, const float* x, int64_t x_cols, int64_t begin,
                  float* dst);
void add_from_columns(int64_t rows, int64_t width, const float* x, int64_t x_cols, int64_t begin,
                      float* dst);
void add_into_columns(int64_t rows, int64_t width, const float* src, float* x, int64_t x_cols,
                      int64_t begin);

}  // namespace tandem::kernels
