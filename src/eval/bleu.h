// Corpus BLEU exactly as sacreBLEU computes it with its defaults.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace tandem::eval {

inline constexpr int kBleuMaxOrder = 4;

// What sacreBLEU's BLEUScore holds. The score and precisions are percentages (0..100).
struct BleuScore {
  double score = 0.0;
  std::array<double, kBleuMaxOrder> precisions{};  // after smoothing; all 0 when nothing matched
  std::array<int64_t, kBleuMaxOrder> counts{};     // clipped n-gram matches, order 1..4
  std::array<int64_t, kBleuMaxOrder> totals{};     // hypothesis n-grams, order 1..4
  double bp = 0.0;                                 // brevity penalty
  double ratio = 0.0;                              // hyp_len / ref_len (0 if ref_len is 0)
  int64_t hyp_len = 0;                             // hypothesis tokens
  int64_t ref_len = 0;                             // summed closest reference lengths
};

// sacrebleu.corpus_bleu(hypotheses, references) with every default: "13a" tokenisation after
// stripping trailing whitespace, case-sensitive, n-grams of order 1..4, n-gram counts clipped by
// the largest count in any one reference, the reference length closest to each hypothesis's
// (ties go to the shorter), "exp" smoothing (each order without a match gets 1/2, 1/4, ... of a
// match in turn, as mteval-v13a does), and BLEU = 0 when no n-gram matches at all. An order with
// no hypothesis n-gram (every line shorter than 4 tokens) makes the score 0, as in sacreBLEU.
// Papineni et al. (2002), "BLEU: a method for automatic evaluation of machine translation", §2.
//
// references[k][i] is stream k's reference for hypotheses[i] (see eval/streams.h). Lines
// should be valid UTF-8. Throws tandem::Error when the streams do not fit the hypotheses.
BleuScore corpus_bleu(const std::vector<std::string>& hypotheses,
                      const std::vector<std::vector<std::string>>& references);

// sacreBLEU's verbose part: "65.1/40.2/27.3/18.6 (BP = 0.964 ratio = 0.965 hyp_len = 9 ref_len =
// 10)" (a single line).
std::string bleu_details(const BleuScore& bleu);

// sacreBLEU's score line without the signature: "BLEU = 34.20 " followed by bleu_details().
std::string format_bleu(const BleuScore& bleu);

}  // namespace tandem::eval
