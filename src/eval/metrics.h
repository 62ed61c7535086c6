// Evaluation by metric name: the checked entry point behind `tandem eval`, with text and JSON
// output.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace tandem::eval {

struct MetricResult {
  std::string name;     // as sacreBLEU names it: "BLEU", "chrF2", "chrF2++"; "WER", "PER", "Exact"
  double value = 0.0;   // always a percentage, so every metric reads on the same 0..100 scale
  std::string details;  // what follows the score on the text line; may be empty
  // The parts behind the value, for to_json: BLEU's precisions, bp, ratio and lengths; chrF's
  // orders and beta; WER's and PER's errors and ref_tokens; exact match's correct and total.
  std::vector<std::pair<std::string, double>> statistics;
};

// What the error messages call the streams, e.g. their file names. Empty (or a reference list of
// the wrong size) means generic words: "the hypotheses", "the references", "reference stream 2".
struct StreamNames {
  std::string hypotheses;
  std::vector<std::string> references;
};

// The metric ids evaluate() knows: bleu, chrf, chrf++, wer, per, exact.
const std::vector<std::string>& metric_ids();

// Each requested metric, in the order asked, on the whole corpus:
//   bleu    corpus BLEU as sacreBLEU computes it by default (eval/bleu.h)
//   chrf    chrF2, sacreBLEU's default chrF (eval/chrf.h)
//   chrf++  chrF2++ (word order 2)
//   wer     token-level word error rate (eval/wer.h); on phoneme strings, the phoneme error rate
//   per     position-independent error rate
//   exact   the percentage of lines equal to one of their references after trimming; for g2p,
//           100 minus it is the "word error rate" of the literature
// references[k][i] is stream k's reference for hypotheses[i]; several streams mean several
// references per line. Throws tandem::Error, before computing anything, when: no metric is asked
// for, one is unknown (the message lists the valid ids) or asked for twice; there is no reference
// stream; a stream's line count differs from the hypotheses' (naming both counts and streams);
// there are no lines at all ("nothing to evaluate": sacreBLEU has no score for an empty corpus,
// and an empty file is far likelier a mistake than a result); or a line is not valid UTF-8 (with
// stream and line). wer and per also throw when every reference is empty.
std::vector<MetricResult> evaluate(const std::vector<std::string>& hypotheses,
                                   const std::vector<std::vector<std::string>>& references,
                                   const std::vector<std::string>& metrics,
                                   const StreamNames& names = {});

// One line per result as sacreBLEU prints it: "BLEU = 34.20 65.1/40.2/27.3/18.6 (BP = 0.964
// ratio = 0.965 hyp_len = 123 ref_len = 127)", "chrF2 = 56.12", "WER = 12.50 (errors = 5
// ref_tokens = 40)". Each line ends with '\n'.
std::string format_result(const MetricResult& result);
std::string format_results(const std::vector<MetricResult>& results);

// A JSON array with one object per result: {"name", "score" (full precision), "details", and
// each statistic by its name}, indented, with non-ASCII text kept as UTF-8.
std::string to_json(const std::vector<MetricResult>& results);

}  // namespace tandem::eval
