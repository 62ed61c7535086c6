// chrF and chrF++ exactly as sacreBLEU's CHRF computes them.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace tandem::eval {

struct ChrfOptions {
  int char_order = 6;  // character n-grams of order 1..char_order
  int word_order = 0;  // word n-grams of order 1..word_order: 0 is chrF, 2 is chrF++
  int beta = 2;        // recall weighs beta times as much as precision
  // false (sacreBLEU's default): average precision and recall over the orders that have both
  // hypothesis and reference n-grams, then take one F-score. true: the mean of the per-order
  // F-scores, with 1e-16 standing in for an undefined precision, recall or F (chrF++.py's way).
  bool eps_smoothing = false;
};

struct ChrfScore {
  double score = 0.0;  // 0..100
  std::string name;    // sacreBLEU's: "chrF2", or "chrF2++" with word order 2
  // Summed over the corpus, per order (the character orders, then the word orders): hypothesis
  // n-grams (0 where the chosen reference has none of that order), reference n-grams, matches.
  std::vector<std::array<int64_t, 3>> statistics;
};

// sacrebleu.corpus_chrf(hypotheses, references, char_order, word_order, beta, eps_smoothing),
// case-sensitive and without whitespace. Character n-grams are over code points with all
// whitespace removed; word n-grams are over whitespace-separated words with one punctuation
// character split off the end (or else the start) of each longer word, as sacreBLEU does.
// Statistics are summed over sentences before the F-score; with several references, each
// sentence uses the reference whose sentence-level F-score is highest (the first on ties).
// Popović (2015), "chrF: character n-gram F-score for automatic MT evaluation"; Popović (2017),
// "chrF++: words helping character n-grams".
//
// references[k][i] is stream k's reference for hypotheses[i] (see eval/streams.h). Lines should
// be valid UTF-8. Throws tandem::Error when the streams do not fit the hypotheses or an order is
// out of range (char_order < 1, word_order < 0, beta < 0).
ChrfScore corpus_chrf(const std::vector<std::string>& hypotheses,
                      const std::vector<std::vector<std::string>>& references,
                      const ChrfOptions& options = {});

// sacreBLEU's score line: "chrF2 = 56.12".
std::string format_chrf(const ChrfScore& chrf);

}  // namespace tandem::eval
