// Greedy search: the most probable next token at every step, for a whole batch at once.
#pragma once

#include <vector>

#include "model/seq2seq.h"

namespace tandem {

struct SearchOptions {
  float max_length_ratio = 2.0f;  // a row stops after ratio·(source length) + offset tokens
  int64_t max_length_offset = 10;
  bool keep_attention = false;
  int32_t pad_id = 0, bos_id = 2, eos_id = 3;
};

struct Hypothesis {
  std::vector<int32_t> tokens;  // without </s>
  double score = 0.0;           // greedy: the log-probability; beam: the length-normalised score
  double log_prob = 0.0;        // sum of the chosen tokens' log-probabilities, </s> included
  // Per output token (and </s>), the attention weights over the row's real source tokens.
  std::vector<std::vector<float>> attention;
};

// No output is longer than this many tokens, whatever the options ask: far beyond any sentence,
// and it keeps a runaway setting (decode.max_length_ratio: 1e300) a finite number of steps.
inline constexpr int64_t kMaxOutputLength = 16384;

// Each row's output length limit: max_length_ratio·(source length) + max_length_offset, at most
// kMaxOutputLength.
std::vector<int64_t> output_length_limits(const SourceBatch& source, const SearchOptions& options);

// The next-token log-probabilities (B, V) of a decoder step, with <pad> and <s> at −∞: a search
// must never output them (an undertrained model otherwise can). Shared by greedy and beam search.
Tensor next_token_log_probs(const Seq2Seq& model, Graph& g, const Decoder::Step& step,
                            const SearchOptions& options);

// Decodes every row of the batch in one pass of batched decoder steps; rows that have emitted
// </s> leave the batch (a few at a time). Runs without a tape (NoGradGuard on g).
std::vector<Hypothesis> greedy_search(const Seq2Seq& model, Graph& g, const SourceBatch& source,
                                      const SearchOptions& options);

}  // namespace tandem
