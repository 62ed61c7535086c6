// Batcher: length-bucketed, shuffled, reproducible batching of a corpus, epoch by epoch.
#pragma once

#include <cstdint>
#include <vector>

#include "data/batch.h"

namespace tandem::data {

struct BatchOptions {
  // Examples per batch, or with by_tokens the budget B * max(S, T) per batch: padded source or
  // target positions (T counts </s>), whichever is larger. An example over the budget on its own
  // forms a batch by itself.
  int64_t batch_size = 64;
  bool by_tokens = false;
  // Examples are sorted by length within pools of this many batches (pool_batches * batch_size
  // examples, or tokens with by_tokens), so that a batch holds similar lengths and little padding
  // while the shuffle still mixes the corpus; 1 means almost no sorting.
  int64_t pool_batches = 32;
  // 0 = no limit; examples with a longer source or target are dropped.
  int64_t max_source_length = 0, max_target_length = 0;
  bool drop_empty = true;  // drop examples whose source or target is empty
};

class Batcher {
 public:
  // Throws tandem::Error for options out of range (batch_size or pool_batches < 1, negative
  // length limits).
  Batcher(std::vector<Example> examples, BatchOptions options, uint64_t seed);

  int64_t dropped() const { return dropped_; }  // removed by the length limits or emptiness
  int64_t num_examples() const { return static_cast<int64_t>(examples_.size()); }  // kept
  const std::vector<Example>& examples() const { return examples_; }               // kept

  // The batches of one epoch, in training order; each inner vector lists positions in
  // examples() (not Example::index). Every kept example appears exactly once. The plan depends
  // only on (seed, epoch) and the examples, not on what happened before, so a run resumed at
  // epoch e sees the same batches. Steps: shuffle all examples; cut them into pools; sort each
  // pool stably by (source length, target length); cut it into batches; shuffle the batches.
  std::vector<std::vector<int64_t>> epoch_plan(int64_t epoch) const;

  // The padded batch of one plan entry. Throws tandem::Error for an empty entry or a position
  // out of range.
  Batch batch(const std::vector<int64_t>& plan_entry) const;

 private:
  // Cuts the (sorted) positions [begin, end) into batches appended to `plan`.
  void cut_pool(const int64_t* begin, const int64_t* end,
                std::vector<std::vector<int64_t>>& plan) const;

  std::vector<Example> examples_;
  BatchOptions options_;
  uint64_t seed_;
  int64_t dropped_ = 0;
};

}  // namespace tandem::data
