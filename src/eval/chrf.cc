// chrF(++): per-sentence n-gram statistics against the best reference, summed, then one F-score.
#include "eval/chrf.h"

#include <algorithm>
#include <cstdio>
#include <functional>
#include <string_view>
#include <utility>

#include "eval/streams.h"
#include "eval/text.h"
#include "tensor/error.h"

namespace tandem::eval {
namespace {

// An n-gram with its hash. Sorting by hash first makes almost every comparison one integer
// compare; the text breaks ties, so equal hashes of different n-grams still count apart.
struct Gram {
  size_t hash;
  std::string_view text;
  bool operator<(const Gram& other) const {
    return hash != other.hash ? hash < other.hash : text < other.text;
  }
  bool operator==(const Gram& other) const { return hash == other.hash && text == other.text; }
};

// The distinct n-grams of one order, sorted, with their counts: built without an allocation per
// n-gram and intersected in one merge, several times faster than hash maps of strings.
struct Counter {
  std::vector<std::pair<Gram, int64_t>> counts;
  int64_t total = 0;
};
using Statistics = std::vector<std::array<int64_t, 3>>;

// A sentence's n-gram counts for every order. The keys are views into strings the object owns,
// so it can be neither copied nor moved (a short string's bytes move with it).
class SentenceNgrams {
 public:
  SentenceNgrams(const SentenceNgrams&) = delete;
  SentenceNgrams& operator=(const SentenceNgrams&) = delete;
  SentenceNgrams(std::string_view line, const ChrfOptions& options) {
    for (std::string_view word : split_whitespace(line)) chars_.append(word);
    std::vector<size_t> starts;  // byte offset of each code point, then the end
    for (size_t pos = 0; pos < chars_.size(); pos += code_point_length(chars_, pos)) {
      starts.push_back(pos);
    }
    starts.push_back(chars_.size());
    const size_t length = starts.size() - 1;
    std::vector<Gram> grams;
    for (size_t n = 1; n <= static_cast<size_t>(options.char_order); ++n) {
      grams.clear();
      for (size_t i = 0; i + n <= length; ++i) {
        grams.push_back(
            gram(std::string_view(chars_).substr(starts[i], starts[i + n] - starts[i])));
      }
      orders_.push_back(count(grams));
    }
    if (options.word_order == 0) return;
    const std::vector<std::string_view> words = split_off_punctuation(line);
    for (size_t n = 1; n <= static_cast<size_t>(options.word_order); ++n) {
      for (size_t i = 0; i + n <= words.size(); ++i) {
        std::string gram(words[i]);
        for (size_t j = 1; j < n; ++j) gram.append(" ").append(words[i + j]);
        word_grams_.push_back(std::move(gram));
      }
    }
    size_t next = 0;  // word_grams_ is complete: views into it stay valid from here on
    for (size_t n = 1; n <= static_cast<size_t>(options.word_order); ++n) {
      grams.clear();
      for (size_t i = 0; i + n <= words.size(); ++i) grams.push_back(gram(word_grams_[next++]));
      orders_.push_back(count(grams));
    }
  }

  const std::vector<Counter>& orders() const { return orders_; }

 private:
  static Gram gram(std::string_view text) { return {std::hash<std::string_view>()(text), text}; }

  static Counter count(std::vector<Gram>& grams) {
    std::sort(grams.begin(), grams.end());
    Counter counter;
    counter.total = static_cast<int64_t>(grams.size());
    for (size_t i = 0; i < grams.size();) {
      size_t j = i + 1;
      while (j < grams.size() && grams[j] == grams[i]) ++j;
      counter.counts.emplace_back(grams[i], static_cast<int64_t>(j - i));
      i = j;
    }
    return counter;
  }

  static bool is_punctuation(char c) {  // Python's string.punctuation
    return (c >= '!' && c <= '/') || (c >= ':' && c <= '@') || (c >= '[' && c <= '`') ||
           (c >= '{' && c <= '~');
  }

  // sacreBLEU's _remove_punctuation: a word of two or more code points loses a final punctuation
  // character, or else an initial one, as a word of its own ("(hi)" gives "(hi" and ")").
  static std::vector<std::string_view> split_off_punctuation(std::string_view line) {
    std::vector<std::string_view> words;
    for (std::string_view w : split_whitespace(line)) {
      if (code_point_length(w, 0) == w.size()) {
        words.push_back(w);
      } else if (is_punctuation(w.back())) {
        words.push_back(w.substr(0, w.size() - 1));
        words.push_back(w.substr(w.size() - 1));
      } else if (is_punctuation(w.front())) {
        words.push_back(w.substr(0, 1));
        words.push_back(w.substr(1));
      } else {
        words.push_back(w);
      }
    }
    return words;
  }

  std::string chars_;  // the line without whitespace
  std::vector<std::string> word_grams_;
  std::vector<Counter> orders_;
};

// sacreBLEU's _get_match_statistics, for every order.
Statistics match_statistics(const SentenceNgrams& hyp, const SentenceNgrams& ref) {
  Statistics stats;
  for (size_t o = 0; o < hyp.orders().size(); ++o) {
    const Counter& h = hyp.orders()[o];
    const Counter& r = ref.orders()[o];
    int64_t matches = 0;
    for (auto hi = h.counts.begin(), ri = r.counts.begin();
         hi != h.counts.end() && ri != r.counts.end();) {
      if (hi->first < ri->first) {
        ++hi;
      } else if (ri->first < hi->first) {
        ++ri;
      } else {
        matches += std::min(hi->second, ri->second);
        ++hi;
        ++ri;
      }
    }
    // A hypothesis n-gram of an order the reference lacks counts for nothing.
    stats.push_back({r.total == 0 ? 0 : h.total, r.total, matches});
  }
  return stats;
}

// sacreBLEU's _compute_f_score, in its order of operations.
double f_score(const Statistics& stats, const ChrfOptions& options) {
  constexpr double kEps = 1e-16;
  const double factor = static_cast<double>(options.beta) * options.beta;
  double eps_score = 0.0, avg_prec = 0.0, avg_rec = 0.0;
  int effective_order = 0;
  for (const auto& [n_hyp, n_ref, n_match] : stats) {
    const double prec =
        n_hyp > 0 ? static_cast<double>(n_match) / static_cast<double>(n_hyp) : kEps;
    const double rec = n_ref > 0 ? static_cast<double>(n_match) / static_cast<double>(n_ref) : kEps;
    const double denom = factor * prec + rec;
    eps_score += denom > 0 ? (1 + factor) * prec * rec / denom : kEps;
    if (n_hyp > 0 && n_ref > 0) {
      avg_prec += prec;
      avg_rec += rec;
      ++effective_order;
    }
  }
  if (options.eps_smoothing) return 100 * eps_score / static_cast<double>(stats.size());
  if (effective_order == 0) return 0.0;
  avg_prec /= effective_order;
  avg_rec /= effective_order;
  if (avg_prec + avg_rec == 0.0) return 0.0;
  double score = (1 + factor) * avg_prec * avg_rec;
  score /= factor * avg_prec + avg_rec;
  return 100 * score;
}

}  // namespace

ChrfScore corpus_chrf(const std::vector<std::string>& hypotheses,
                      const std::vector<std::vector<std::string>>& references,
                      const ChrfOptions& options) {
  check(options.char_order >= 1 && options.word_order >= 0 && options.beta >= 0,
        "chrF: the character order must be at least 1, the word order and beta at least 0");
  check_reference_streams("chrF", hypotheses.size(), references);
  ChrfScore chrf;
  chrf.name = "chrF" + std::to_string(options.beta) + std::string(options.word_order, '+');
  chrf.statistics.assign(options.char_order + options.word_order, {0, 0, 0});
  for (size_t i = 0; i < hypotheses.size(); ++i) {
    const SentenceNgrams hyp(hypotheses[i], options);
    Statistics best;
    double best_f = -1.0;
    for (const auto& stream : references) {
      Statistics stats = match_statistics(hyp, SentenceNgrams(stream[i], options));
      const double f = f_score(stats, options);
      if (f > best_f) {
        best_f = f;
        best = std::move(stats);
      }
    }
    for (size_t o = 0; o < best.size(); ++o) {
      for (size_t k = 0; k < 3; ++k) chrf.statistics[o][k] += best[o][k];
    }
  }
  chrf.score = f_score(chrf.statistics, options);
  return chrf;
}

std::string format_chrf(const ChrfScore& chrf) {
  char score[64];
  std::snprintf(score, sizeof score, "%.2f", chrf.score);
  return chrf.name + " = " + score;
}

}  // namespace tandem::eval
