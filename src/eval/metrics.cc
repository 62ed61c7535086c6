// Evaluation by metric name: input checks with stream names, dispatch, and the two output forms.
#include "eval/metrics.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "data/utf8.h"
#include "eval/bleu.h"
#include "eval/chrf.h"
#include "eval/wer.h"
#include "tensor/error.h"

namespace tandem::eval {
namespace {

std::string fixed(double value, int decimals) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
  return buffer;
}

std::string hypothesis_name(const StreamNames& names) {
  return names.hypotheses.empty() ? "the hypotheses" : names.hypotheses;
}

std::string reference_name(const StreamNames& names, size_t stream, size_t streams) {
  if (names.references.size() == streams && !names.references[stream].empty()) {
    return names.references[stream];
  }
  return streams == 1 ? "the references" : "reference stream " + std::to_string(stream + 1);
}

void check_utf8(const std::vector<std::string>& stream, const std::string& name) {
  for (size_t i = 0; i < stream.size(); ++i) {
    const size_t bad = data::find_invalid_utf8(stream[i]);
    check(bad == std::string_view::npos, [&] {
      return name + ", line " + std::to_string(i + 1) + ": " +
             data::describe_invalid_utf8(stream[i], bad);
    });
  }
}

void check_inputs(const std::vector<std::string>& hypotheses,
                  const std::vector<std::vector<std::string>>& references,
                  const std::vector<std::string>& metrics, const StreamNames& names) {
  const auto valid = [] {
    std::string list;
    for (const std::string& id : metric_ids()) list += (list.empty() ? "" : ", ") + id;
    return list;
  };
  check(!metrics.empty(), [&] { return "no metric requested; choose from " + valid(); });
  for (size_t m = 0; m < metrics.size(); ++m) {
    const bool known =
        std::find(metric_ids().begin(), metric_ids().end(), metrics[m]) != metric_ids().end();
    check(known, [&] { return "unknown metric '" + metrics[m] + "'; valid metrics: " + valid(); });
    check(std::find(metrics.begin(), metrics.begin() + static_cast<ptrdiff_t>(m), metrics[m]) ==
              metrics.begin() + static_cast<ptrdiff_t>(m),
          [&] { return "metric '" + metrics[m] + "' is requested twice"; });
  }
  check(!references.empty(), "no references given: evaluation needs at least one reference stream");
  for (size_t k = 0; k < references.size(); ++k) {
    check(references[k].size() == hypotheses.size(), [&] {
      return "line counts differ: " + std::to_string(hypotheses.size()) + " in " +
             hypothesis_name(names) + ", " + std::to_string(references[k].size()) + " in " +
             reference_name(names, k, references.size()) +
             " (each reference stream needs one line per hypothesis)";
    });
  }
  check(!hypotheses.empty(), [&] {
    return "nothing to evaluate: " + hypothesis_name(names) + " and the references are empty";
  });
  check_utf8(hypotheses, hypothesis_name(names));
  for (size_t k = 0; k < references.size(); ++k) {
    check_utf8(references[k], reference_name(names, k, references.size()));
  }
}

MetricResult bleu_result(const BleuScore& bleu) {
  MetricResult result{"BLEU", bleu.score, bleu_details(bleu), {}};
  for (size_t n = 0; n < bleu.precisions.size(); ++n) {
    result.statistics.emplace_back("precision_" + std::to_string(n + 1), bleu.precisions[n]);
  }
  result.statistics.emplace_back("bp", bleu.bp);
  result.statistics.emplace_back("ratio", bleu.ratio);
  result.statistics.emplace_back("hyp_len", static_cast<double>(bleu.hyp_len));
  result.statistics.emplace_back("ref_len", static_cast<double>(bleu.ref_len));
  return result;
}

MetricResult chrf_result(const ChrfScore& chrf, const ChrfOptions& options) {
  return {chrf.name,
          chrf.score,
          "",
          {{"char_order", options.char_order},
           {"word_order", options.word_order},
           {"beta", options.beta}}};
}

MetricResult error_rate_result(const char* name, const ErrorRate& rate) {
  return {name,
          100.0 * rate.rate,
          "(errors = " + std::to_string(rate.errors) +
              " ref_tokens = " + std::to_string(rate.ref_tokens) + ")",
          {{"errors", static_cast<double>(rate.errors)},
           {"ref_tokens", static_cast<double>(rate.ref_tokens)}}};
}

MetricResult exact_result(const ExactMatch& exact) {
  // Appended piecewise: GCC 12 warns falsely (-Wrestrict) on "(" + std::string.
  std::string details = "(";
  details += std::to_string(exact.correct) + "/" + std::to_string(exact.total) + " lines)";
  return {"Exact",
          100.0 * exact.accuracy,
          details,
          {{"correct", static_cast<double>(exact.correct)},
           {"total", static_cast<double>(exact.total)}}};
}

}  // namespace

const std::vector<std::string>& metric_ids() {
  static const std::vector<std::string> ids = {"bleu", "chrf", "chrf++", "wer", "per", "exact"};
  return ids;
}

std::vector<MetricResult> evaluate(const std::vector<std::string>& hypotheses,
                                   const std::vector<std::vector<std::string>>& references,
                                   const std::vector<std::string>& metrics,
                                   const StreamNames& names) {
  check_inputs(hypotheses, references, metrics, names);
  std::vector<MetricResult> results;
  for (const std::string& metric : metrics) {
    if (metric == "bleu") {
      results.push_back(bleu_result(corpus_bleu(hypotheses, references)));
    } else if (metric == "chrf" || metric == "chrf++") {
      ChrfOptions options;
      options.word_order = metric == "chrf" ? 0 : 2;
      results.push_back(chrf_result(corpus_chrf(hypotheses, references, options), options));
    } else if (metric == "wer") {
      results.push_back(error_rate_result("WER", corpus_wer(hypotheses, references)));
    } else if (metric == "per") {
      results.push_back(error_rate_result("PER", corpus_per(hypotheses, references)));
    } else {
      results.push_back(exact_result(exact_match(hypotheses, references)));
    }
  }
  return results;
}

std::string format_result(const MetricResult& result) {
  std::string line = result.name + " = " + fixed(result.value, 2);
  if (!result.details.empty()) line += " " + result.details;
  return line + "\n";
}

std::string format_results(const std::vector<MetricResult>& results) {
  std::string text;
  for (const MetricResult& result : results) text += format_result(result);
  return text;
}

std::string to_json(const std::vector<MetricResult>& results) {
  nlohmann::ordered_json array = nlohmann::ordered_json::array();
  for (const MetricResult& result : results) {
    nlohmann::ordered_json object;
    object["name"] = result.name;
    object["score"] = result.value;
    object["details"] = result.details;
    for (const auto& [key, value] : result.statistics) {
      // Counts are held as doubles; written as integers they read as the counts they are.
      const bool whole = value == std::floor(value) && std::fabs(value) < 1e15;
      object[key] = whole ? nlohmann::ordered_json(static_cast<int64_t>(value))
                          : nlohmann::ordered_json(value);
    }
    array.push_back(std::move(object));
  }
  return array.dump(2) + "\n";
}

}  // namespace tandem::eval
