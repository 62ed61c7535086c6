// Beam search: K hypotheses per sentence, all sentences and beams batched through one decoder
// step (no per-hypothesis model calls), with length normalisation and the usual constraints.
#pragma once

#include <vector>

#include "decode/greedy.h"

namespace tandem {

enum class LengthPenalty {
  kNone,     // raw sum of log-probabilities
  kAverage,  // sum / length
  kGnmt,     // sum / ((5 + length) / 6)^α  (Wu et al. 2016, §7, eq. 14)
};

struct BeamOptions {
  SearchOptions search;  // length limits, ids, attention
  int64_t beam_size = 5;
  int64_t n_best = 1;  // hypotheses returned per sentence, ≤ beam_size
  LengthPenalty length_penalty = LengthPenalty::kAverage;
  float alpha = 0.6f;      // for kGnmt
  int64_t min_length = 0;  // </s> waits for this many tokens, unless the length limit comes first
  int64_t no_repeat_ngram = 0;  // n > 0: no n-gram occurs twice in a hypothesis
};

// The n_best hypotheses of each sentence, best first by normalised score (Hypothesis::score is
// the normalised score; log_prob the raw sum). Always runs the beam machinery, even for K = 1.
std::vector<std::vector<Hypothesis>> beam_search(const Seq2Seq& model, Graph& g,
                                                 const SourceBatch& source,
                                                 const BeamOptions& options);

// What callers use: K = 1 without constraints goes to greedy_search (no beam bookkeeping, no
// speed penalty), anything else to beam_search.
std::vector<std::vector<Hypothesis>> search(const Seq2Seq& model, Graph& g,
                                            const SourceBatch& source, const BeamOptions& options);

}  // namespace tandem
