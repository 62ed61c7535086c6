// Example and Batch: one id-encoded sentence pair, and a padded, time-major group of them.
#pragma once

#include <cstdint>
#include <vector>

#include "tensor/tensor.h"

namespace tandem::data {

struct Example {
  std::vector<int32_t> source, target;  // token ids; the target without <s> and </s>
  int64_t index = 0;                    // position in the corpus, to put outputs back in order
};

// Training and validation skip a pair with an empty side: there is nothing to learn from it.
inline bool has_both_sides(const Example& e) { return !e.source.empty() && !e.target.empty(); }

// B examples padded to common lengths. The id matrices are time-major, (S, B) and (T, B): row t
// holds step t of every example, which is what the recurrent loops walk over.
struct Batch {
  int64_t size = 0;                 // B
  int64_t source_length = 0;        // S: the longest source
  int64_t target_length = 0;        // T: the longest target + 1 (for <s> / </s>)
  std::vector<int32_t> source;      // (S, B), padded with kPad
  std::vector<int32_t> target_in;   // (T, B): <s> y1 … yn, padded with kPad
  std::vector<int32_t> target_out;  // (T, B): y1 … yn </s>, padded with kPad (the loss skips kPad)
  Tensor source_mask;               // (B, S) heap tensor: 1 for real tokens, 0 for padding
  std::vector<int64_t> source_lengths;  // (B)
  std::vector<int64_t> indices;         // (B): Example::index of each example, in batch order
  int64_t target_tokens = 0;            // real target tokens, </s> included
};

// Pads `rows` (in this order) into a batch. Also used by translation, with empty targets (then
// T = 1). Throws tandem::Error when `rows` is empty. An all-empty source gives S = 0.
Batch make_batch(const std::vector<const Example*>& rows);

}  // namespace tandem::data
