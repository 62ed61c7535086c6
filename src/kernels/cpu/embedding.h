// Embedding lookup (a gather of table rows) and its backward (a scatter-add into the table).
#pragma once

#include <cstdint>

namespace tandem::kernels {

// out[i, :] = table[ids[i], :] for i < n. ids must lie in [0, rows of table): callers check.
void embedding_gather(int64_t n, int64_t dim, const float* table, const int32_t* ids, float* out);
// dtable[ids[i], :] += dout[i, :]; repeated ids accumulate.
void embedding_scatter_add(int64_t n, int64_t dim, const float* dout, const int32_t* ids,
                           float* dtable);

}  // namespace tandem::kernels
