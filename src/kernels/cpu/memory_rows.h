// MemoryRows: which column of a time-major memory each query row of an attention kernel reads.
#pragma once

#include <cstdint>

namespace tandem::kernels {

// The memory (S, batch, …) holds one column per source sentence; query row b reads column
// rows[b], or column b where rows is null (then batch is the query batch). Search lets all beams
// of a sentence read its column, and drops finished sentences, without copying the memory.
struct MemoryRows {
  int64_t batch = 0;
  const int32_t* rows = nullptr;

  int64_t operator()(int64_t b) const { return rows ? rows[b] : b; }
};

}  // namespace tandem::kernels
