// Word error rate, position-independent error rate and exact match, with one or more references.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace tandem::eval {

// errors / ref_tokens over the whole corpus, as a fraction (1.0 is 100%; it can exceed 1 when
// the hypotheses are longer than the references).
struct ErrorRate {
  double rate = 0.0;
  int64_t errors = 0;
  int64_t ref_tokens = 0;  // the summed lengths of the references chosen, one per line
};

// Corpus WER: the summed token-level edit distances (eval/edit_distance.h) divided by the summed
// reference lengths, never an average of per-line rates. With several reference streams each line
// takes the reference it is fewest edits from (the first stream on ties) and adds that
// reference's length. On phoneme strings ("HH AH0 L OW1") this is the phoneme error rate that
// grapheme-to-phoneme papers report.
// references[k][i] is stream k's reference for hypotheses[i] (see eval/streams.h). Throws
// tandem::Error when the streams do not fit, or when the chosen references hold no token at all
// (the rate would be a division by zero).
ErrorRate corpus_wer(const std::vector<std::string>& hypotheses,
                     const std::vector<std::vector<std::string>>& references);

// Corpus PER, the position-independent error rate: WER without word order, comparing bags of
// tokens. Per line, with N_hyp and N_ref tokens of which `correct` are in the multiset
// intersection, errors = N_ref - correct + max(0, N_hyp - N_ref) = max(N_hyp, N_ref) - correct,
// so a single line's PER = 1 - (correct - max(0, N_hyp - N_ref)) / N_ref. PER comes from
// Tillmann et al. (1997), "Accelerated DP based search for statistical translation", Eurospeech;
// this count is d_PER = (|N_ref - N_hyp| + sum over tokens e of |n(e, hyp) - n(e, ref)|) / 2 of
// Popović and Ney (2007), "Word error rates: decomposition over POS classes and applications for
// error analysis", WMT, section 2. Summed over the corpus like WER; with several references each
// line takes the one with the fewest errors (the first on ties) and adds its length (Popović
// and Ney divide by the average reference length instead; with one reference they agree).
ErrorRate corpus_per(const std::vector<std::string>& hypotheses,
                     const std::vector<std::vector<std::string>>& references);

struct ExactMatch {
  double accuracy = 0.0;  // correct / total, a fraction; 0 for no lines
  int64_t correct = 0;    // lines equal to at least one of their references
  int64_t total = 0;
  // The grapheme-to-phoneme "word error rate": the fraction of entries (words) whose
  // pronunciation matches none of the references. It is not the token-level WER above.
  double error_rate() const { return total == 0 ? 0.0 : 1.0 - accuracy; }
};

// A line is correct when, with leading and trailing whitespace removed, it equals any of its
// references with theirs removed; inner whitespace must match exactly. Throws tandem::Error when
// the streams do not fit.
ExactMatch exact_match(const std::vector<std::string>& hypotheses,
                       const std::vector<std::vector<std::string>>& references);

}  // namespace tandem::eval
