// The synthetic reverse task: random symbol sequences and their reversals, as padded batches.
#pragma once

#include <vector>

#include "model/seq2seq.h"
#include "tensor/rng.h"

namespace tandem::testing {

// Ids: 0 <pad>, 1 <unk>, 2 <s>, 3 </s>, then symbols 4 … 4 + symbols − 1.
struct ReverseBatch {
  std::vector<int32_t> source, target_in, target_out;  // time-major
  std::vector<int64_t> lengths;
  std::vector<std::vector<int32_t>> sources, targets;  // unpadded, per row
  Tensor mask;
  int64_t batch = 0, source_length = 0, target_length = 0;

  SourceBatch source_view() const { return {source, source_length, batch, lengths, mask}; }
  TargetBatch target_view() const { return {target_in, target_out, target_length}; }
};

// A batch of `batch` random sequences with lengths uniform in [min_length, max_length];
// reverse = false gives the copy task.
ReverseBatch make_reverse_batch(Rng& rng, int64_t batch, int64_t min_length, int64_t max_length,
                                int64_t symbols, bool reverse = true);
// Pads given sequences the same way.
ReverseBatch pad_batch(const std::vector<std::vector<int32_t>>& sources,
                       const std::vector<std::vector<int32_t>>& targets);

}  // namespace tandem::testing
