// make_batch: padding examples into time-major id matrices with a source mask.
#include "data/batch.h"

#include <algorithm>

#include "data/vocab.h"
#include "tensor/error.h"

namespace tandem::data {

Batch make_batch(const std::vector<const Example*>& rows) {
  check(!rows.empty(), "cannot make a batch of no examples");
  Batch batch;
  const auto B = static_cast<int64_t>(rows.size());
  int64_t longest_target = 0;
  for (const Example* row : rows) {
    batch.source_length = std::max(batch.source_length, static_cast<int64_t>(row->source.size()));
    longest_target = std::max(longest_target, static_cast<int64_t>(row->target.size()));
  }
  const int64_t S = batch.source_length;
  const int64_t T = longest_target + 1;
  batch.size = B;
  batch.target_length = T;
  batch.source.assign(static_cast<size_t>(S * B), Vocab::kPad);
  batch.target_in.assign(static_cast<size_t>(T * B), Vocab::kPad);
  batch.target_out.assign(static_cast<size_t>(T * B), Vocab::kPad);
  batch.source_mask = Tensor::zeros({B, S});
  batch.source_lengths.reserve(static_cast<size_t>(B));
  batch.indices.reserve(static_cast<size_t>(B));

  float* mask = batch.source_mask.data();
  for (int64_t b = 0; b < B; ++b) {
    const Example& row = *rows[static_cast<size_t>(b)];
    const auto n_source = static_cast<int64_t>(row.source.size());
    const auto n_target = static_cast<int64_t>(row.target.size());
    for (int64_t s = 0; s < n_source; ++s) {
      batch.source[static_cast<size_t>(s * B + b)] = row.source[static_cast<size_t>(s)];
      mask[b * S + s] = 1.0f;
    }
    batch.target_in[static_cast<size_t>(b)] = Vocab::kBos;
    for (int64_t t = 0; t < n_target; ++t) {
      const int32_t y = row.target[static_cast<size_t>(t)];
      batch.target_in[static_cast<size_t>((t + 1) * B + b)] = y;
      batch.target_out[static_cast<size_t>(t * B + b)] = y;
    }
    batch.target_out[static_cast<size_t>(n_target * B + b)] = Vocab::kEos;
    batch.source_lengths.push_back(n_source);
    batch.indices.push_back(row.index);
    batch.target_tokens += n_target + 1;
  }
  return batch;
}

}  // namespace tandem::data
