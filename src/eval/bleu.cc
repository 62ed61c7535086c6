// Corpus BLEU: per-sentence clipped n-gram statistics summed over the corpus, then sacreBLEU's
// formula.
#include "eval/bleu.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string_view>
#include <unordered_map>

#include "eval/streams.h"
#include "eval/text.h"
#include "eval/tokenizer_13a.h"

namespace tandem::eval {
namespace {

// An n-gram as the ids of its tokens (interned per sentence), unused slots kNone: fixed-size keys
// hash fast and need no string building.
constexpr uint32_t kNone = UINT32_MAX;
using NgramKey = std::array<uint32_t, kBleuMaxOrder>;

struct NgramKeyHash {
  size_t operator()(const NgramKey& key) const {
    uint64_t h = 1469598103934665603ULL;
    for (uint32_t id : key) h = (h ^ id) * 1099511628211ULL;
    return static_cast<size_t>(h);
  }
};
using NgramCounts = std::unordered_map<NgramKey, int64_t, NgramKeyHash>;

// The tokens of one sentence after sacreBLEU's preprocessing, as interned ids.
class Interner {
 public:
  std::vector<uint32_t> ids(const std::string& tokenized) {
    std::vector<uint32_t> out;
    for (std::string_view token : split_whitespace(tokenized)) {
      auto [it, added] = ids_.try_emplace(token, static_cast<uint32_t>(ids_.size()));
      out.push_back(it->second);
    }
    return out;
  }

 private:
  std::unordered_map<std::string_view, uint32_t> ids_;  // views into strings the caller keeps
};

NgramCounts count_ngrams(const std::vector<uint32_t>& tokens) {
  NgramCounts counts;
  for (size_t n = 1; n <= kBleuMaxOrder; ++n) {
    for (size_t i = 0; i + n <= tokens.size(); ++i) {
      NgramKey key;
      key.fill(kNone);
      for (size_t j = 0; j < n; ++j) key[j] = tokens[i + j];
      ++counts[key];
    }
  }
  return counts;
}

size_t order_of(const NgramKey& key) {
  size_t n = 0;
  while (n < key.size() && key[n] != kNone) ++n;
  return n;
}

// sacreBLEU's _get_closest_ref_len: the smallest |hyp - ref|, ties to the shorter reference.
int64_t closest_ref_len(int64_t hyp_len, const std::vector<int64_t>& ref_lens) {
  int64_t best_diff = -1, best_len = -1;
  for (int64_t len : ref_lens) {
    const int64_t diff = std::llabs(hyp_len - len);
    if (best_diff == -1 || diff < best_diff || (diff == best_diff && len < best_len)) {
      best_diff = diff;
      best_len = len;
    }
  }
  return best_len;
}

std::string preprocess(const std::string& line) { return tokenize_13a(rstrip_whitespace(line)); }

// sacreBLEU's my_log: log floored at -9999999999 for a zero precision.
double floored_log(double x) { return x == 0.0 ? -9999999999.0 : std::log(x); }

std::string fixed(double value, int decimals) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
  return buffer;
}

}  // namespace

BleuScore corpus_bleu(const std::vector<std::string>& hypotheses,
                      const std::vector<std::vector<std::string>>& references) {
  check_reference_streams("BLEU", hypotheses.size(), references);
  BleuScore bleu;
  for (size_t i = 0; i < hypotheses.size(); ++i) {
    std::vector<std::string> refs;  // outlive the interner, which holds views into them
    for (const auto& stream : references) refs.push_back(preprocess(stream[i]));
    const std::string hyp = preprocess(hypotheses[i]);
    Interner interner;
    NgramCounts ref_counts;  // per n-gram, the largest count in any one reference
    std::vector<int64_t> ref_lens;
    for (const std::string& ref : refs) {
      const std::vector<uint32_t> tokens = interner.ids(ref);
      ref_lens.push_back(static_cast<int64_t>(tokens.size()));
      for (const auto& [key, count] : count_ngrams(tokens)) {
        int64_t& best = ref_counts[key];
        if (count > best) best = count;
      }
    }
    const std::vector<uint32_t> hyp_tokens = interner.ids(hyp);
    const auto hyp_len = static_cast<int64_t>(hyp_tokens.size());
    bleu.hyp_len += hyp_len;
    bleu.ref_len += closest_ref_len(hyp_len, ref_lens);
    for (const auto& [key, count] : count_ngrams(hyp_tokens)) {
      const size_t n = order_of(key) - 1;
      bleu.totals[n] += count;
      auto it = ref_counts.find(key);
      if (it != ref_counts.end()) bleu.counts[n] += std::min(count, it->second);
    }
  }

  // sacreBLEU's compute_bleu with smooth_method="exp", in its order of operations so that the
  // result agrees to the last bit.
  bleu.ratio = bleu.ref_len != 0
                   ? static_cast<double>(bleu.hyp_len) / static_cast<double>(bleu.ref_len)
                   : 0.0;
  bleu.bp = 1.0;
  if (bleu.hyp_len < bleu.ref_len) {
    bleu.bp =
        bleu.hyp_len > 0
            ? std::exp(1.0 - static_cast<double>(bleu.ref_len) / static_cast<double>(bleu.hyp_len))
            : 0.0;
  }
  bool any_match = false;
  for (int64_t count : bleu.counts) any_match = any_match || count != 0;
  if (!any_match) return bleu;  // score and precisions stay 0 (sacreBLEU issue #141)

  double smooth = 1.0;
  for (int n = 0; n < kBleuMaxOrder; ++n) {
    const auto total = static_cast<double>(bleu.totals[n]);
    if (bleu.totals[n] == 0) break;  // this and higher orders keep precision 0
    if (bleu.counts[n] == 0) {
      smooth *= 2.0;
      bleu.precisions[n] = 100.0 / (smooth * total);
    } else {
      bleu.precisions[n] = 100.0 * static_cast<double>(bleu.counts[n]) / total;
    }
  }
  double log_sum = 0.0;
  for (double p : bleu.precisions) log_sum += floored_log(p);
  bleu.score = bleu.bp * std::exp(log_sum / kBleuMaxOrder);
  return bleu;
}

std::string bleu_details(const BleuScore& bleu) {
  std::string out;
  for (size_t n = 0; n < bleu.precisions.size(); ++n) {
    if (n > 0) out += '/';
    out += fixed(bleu.precisions[n], 1);
  }
  out += " (BP = " + fixed(bleu.bp, 3) + " ratio = " + fixed(bleu.ratio, 3) +
         " hyp_len = " + std::to_string(bleu.hyp_len) +
         " ref_len = " + std::to_string(bleu.ref_len) + ")";
  return out;
}

std::string format_bleu(const BleuScore& bleu) {
  return "BLEU = " + fixed(bleu.score, 2) + " " + bleu_details(bleu);
}

}  // namespace tandem::eval
