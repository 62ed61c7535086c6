// WER, PER and exact match: per-line counts against the best reference, summed over the corpus.
#include "eval/wer.h"

#include <algorithm>
#include <string_view>
#include <unordered_map>

#include "eval/edit_distance.h"
#include "eval/streams.h"
#include "eval/text.h"
#include "tensor/error.h"

namespace tandem::eval {
namespace {

using Tokens = std::vector<std::string_view>;

size_t bag_errors(const Tokens& hyp, const Tokens& ref) {
  std::unordered_map<std::string_view, int64_t> unmatched;  // reference tokens not yet matched
  for (std::string_view token : ref) ++unmatched[token];
  size_t correct = 0;
  for (std::string_view token : hyp) {
    auto it = unmatched.find(token);
    if (it != unmatched.end() && it->second > 0) {
      --it->second;
      ++correct;
    }
  }
  return std::max(hyp.size(), ref.size()) - correct;
}

// Per line, the errors against the reference with the fewest (the first on ties), summed with
// that reference's length; `errors_of(hyp, ref)` counts one line's errors.
template <typename ErrorsOf>
ErrorRate corpus_error_rate(const char* metric, const std::vector<std::string>& hypotheses,
                            const std::vector<std::vector<std::string>>& references,
                            ErrorsOf errors_of) {
  check_reference_streams(metric, hypotheses.size(), references);
  ErrorRate result;
  for (size_t i = 0; i < hypotheses.size(); ++i) {
    const Tokens hyp = whitespace_tokens(hypotheses[i]);
    size_t best_errors = 0, best_length = 0;
    for (size_t k = 0; k < references.size(); ++k) {
      const Tokens ref = whitespace_tokens(references[k][i]);
      const size_t errors = errors_of(hyp, ref);
      if (k == 0 || errors < best_errors) {
        best_errors = errors;
        best_length = ref.size();
      }
    }
    result.errors += static_cast<int64_t>(best_errors);
    result.ref_tokens += static_cast<int64_t>(best_length);
  }
  check(result.ref_tokens > 0, [&] {
    return std::string(metric) + " is undefined: the references hold no tokens (every line is " +
           "empty or whitespace)";
  });
  result.rate = static_cast<double>(result.errors) / static_cast<double>(result.ref_tokens);
  return result;
}

}  // namespace

ErrorRate corpus_wer(const std::vector<std::string>& hypotheses,
                     const std::vector<std::vector<std::string>>& references) {
  return corpus_error_rate("WER", hypotheses, references, [](const Tokens& hyp, const Tokens& ref) {
    return edit_distance(hyp, ref);
  });
}

ErrorRate corpus_per(const std::vector<std::string>& hypotheses,
                     const std::vector<std::vector<std::string>>& references) {
  return corpus_error_rate("PER", hypotheses, references, bag_errors);
}

ExactMatch exact_match(const std::vector<std::string>& hypotheses,
                       const std::vector<std::vector<std::string>>& references) {
  check_reference_streams("exact match", hypotheses.size(), references);
  ExactMatch result;
  result.total = static_cast<int64_t>(hypotheses.size());
  for (size_t i = 0; i < hypotheses.size(); ++i) {
    const std::string_view hyp = strip_whitespace(hypotheses[i]);
    const bool matched = std::any_of(references.begin(), references.end(), [&](const auto& stream) {
      return strip_whitespace(stream[i]) == hyp;
    });
    if (matched) ++result.correct;
  }
  if (result.total > 0) {
    result.accuracy = static_cast<double>(result.correct) / static_cast<double>(result.total);
  }
  return result;
}

}  // namespace tandem::eval
