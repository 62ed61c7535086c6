// The synthetic reverse task: generation and padding into time-major id matrices.
#include "support/reverse_task.h"

#include <algorithm>

namespace tandem::testing {

ReverseBatch pad_batch(const std::vector<std::vector<int32_t>>& sources,
                       const std::vector<std::vector<int32_t>>& targets) {
  ReverseBatch r;
  r.batch = static_cast<int64_t>(sources.size());
  r.sources = sources;
  r.targets = targets;
  for (int64_t b = 0; b < r.batch; ++b) {
    r.source_length = std::max<int64_t>(r.source_length, sources[b].size());
    r.target_length = std::max<int64_t>(r.target_length, targets[b].size() + 1);
    r.lengths.push_back(static_cast<int64_t>(sources[b].size()));
  }
  const int64_t B = r.batch, S = r.source_length, T = r.target_length;
  r.source.assign(S * B, 0);
  r.target_in.assign(T * B, 0);
  r.target_out.assign(T * B, 0);
  r.mask = Tensor::zeros({B, S});
  for (int64_t b = 0; b < B; ++b) {
    for (size_t s = 0; s < sources[b].size(); ++s) {
      r.source[s * B + b] = sources[b][s];
      r.mask.data()[b * S + s] = 1.0f;
    }
    const auto& y = targets[b];
    r.target_in[b] = 2;  // <s>
    for (size_t t = 0; t < y.size(); ++t) {
      r.target_in[(t + 1) * B + b] = y[t];
      r.target_out[t * B + b] = y[t];
    }
    r.target_out[y.size() * B + b] = 3;  // </s>
  }
  return r;
}

ReverseBatch make_reverse_batch(Rng& rng, int64_t batch, int64_t min_length, int64_t max_length,
                                int64_t symbols, bool reverse) {
  std::vector<std::vector<int32_t>> sources(batch), targets(batch);
  for (int64_t b = 0; b < batch; ++b) {
    const int64_t n = min_length + static_cast<int64_t>(rng.below(max_length - min_length + 1));
    for (int64_t i = 0; i < n; ++i)
      sources[b].push_back(4 + static_cast<int32_t>(rng.below(symbols)));
    targets[b] = sources[b];
    if (reverse) std::reverse(targets[b].begin(), targets[b].end());
  }
  return pad_batch(sources, targets);
}

}  // namespace tandem::testing
