// Embedding gather and scatter-add: row copies and row sums.
#include "kernels/cpu/embedding.h"

#include <cstring>

namespace tandem::kernels {

void embedding_gather(int64_t n, int64_t dim, const float* table, const int32_t* ids, float* out) {
  for (int64_t i = 0; i < n; ++i)
    std::memcpy(out + i * dim, table + static_cast<int64_t>(ids[i]) * dim, dim * sizeof(float));
}

void embedding_scatter_add(int64_t n, int64_t dim, const float* dout, const int32_t* ids,
                           float* dtable) {
  for (int64_t i = 0; i < n; ++i) {
    float* row = dtable + static_cast<int64_t>(ids[i]) * dim;
    const float* d = dout + i * dim;
    for (int64_t c = 0; c < dim; ++c) row[c] += d[c];
  }
}

}  // namespace tandem::kernels
