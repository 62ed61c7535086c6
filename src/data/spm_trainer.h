// Training a SentencePiece model from text files (what `tandem vocab` runs).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace tandem::data {

// The normalisation rules SentencePiece knows by name (SpmTrainOptions::normalization).
inline const std::vector<std::string> kSpmNormalizations = {"nmt_nfkc", "nfkc", "nmt_nfkc_cf",
                                                            "nfkc_cf", "identity"};

struct SpmTrainOptions {
  std::string type = "unigram";  // unigram or bpe (Kudo 2018; Sennrich et al. 2016)
  int64_t vocab_size = 8000;
  double character_coverage = 0.9995;  // share of characters covered; 1.0 for small alphabets
  int64_t max_sentences = 1000000;     // sampled from the input when it has more lines
  // SentencePiece's text normalisation: nmt_nfkc (NFKC, e.g. "…" → "...") keeps outputs from
  // ever holding what it folds away; identity leaves the text as written.
  std::string normalization = "nmt_nfkc";
  uint32_t seed = 1;  // for that sampling, so that models are reproducible
};

// Trains on every non-empty line of `inputs` and returns the serialised model (the bytes of a
// .model file). Errors name the input file and line (unreadable, invalid UTF-8), or say what
// SentencePiece rejected (e.g. a vocabulary larger than the text allows) and what to change.
std::string train_sentencepiece(const std::vector<std::string>& inputs,
                                const SpmTrainOptions& options);

}  // namespace tandem::data
