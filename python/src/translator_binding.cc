// tandem._tandem.Translator: the library's Translator with the GIL released while it works (so
// Python threads translating at once use the cores), and its results as Python objects built
// once, with attention weights as NumPy arrays.
#include <nanobind/nanobind.h>
#include <nanobind/ndarray.h>
#include <nanobind/stl/pair.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "api/translator.h"
#include "bindings.h"

namespace nb = nanobind;

namespace tandem::python {
namespace {

// One source line's result. Its lists are made once, with the GIL held, when the call returns:
// reading an attribute then costs nothing and gives the same object each time.
struct TranslationResult {
  nb::list hypotheses, tokens, source_tokens;
  nb::object scores, log_probs, attention;  // None unless asked for
  size_t truncated_from = 0;
};

struct ScoreResult {
  nb::list source_tokens, tokens, token_log_probs;
  double log_prob = 0.0;
};

nb::list string_list(const std::vector<std::string>& strings) {
  nb::list out;
  for (const std::string& s : strings) out.append(nb::str(s.data(), s.size()));
  return out;
}

// A (rows, columns) float32 NumPy array that owns a copy of the weights.
nb::object attention_array(const std::vector<std::vector<float>>& weights, size_t columns) {
  if (!weights.empty()) columns = weights.front().size();
  const size_t rows = weights.size();
  auto* data = new float[std::max<size_t>(rows * columns, 1)];
  for (size_t r = 0; r < rows; ++r)
    std::copy(weights[r].begin(), weights[r].end(), data + r * columns);
  nb::capsule owner(data, [](void* p) noexcept { delete[] static_cast<float*>(p); });
  return nb::cast(nb::ndarray<nb::numpy, float, nb::ndim<2>>(data, {rows, columns}, owner));
}

TranslationResult to_result(const Translation& t, bool scores, bool attention) {
  TranslationResult r;
  r.source_tokens = string_list(t.source_tokens);
  r.truncated_from = t.truncated_from;
  nb::list score_list, log_prob_list, attention_list;
  for (const Output& o : t.outputs) {
    r.hypotheses.append(nb::str(o.text.data(), o.text.size()));
    r.tokens.append(string_list(o.tokens));
    score_list.append(o.score);
    log_prob_list.append(o.log_prob);
    if (attention) attention_list.append(attention_array(o.attention, t.source_tokens.size()));
  }
  r.scores = scores ? nb::object(score_list) : nb::none();
  r.log_probs = scores ? nb::object(log_prob_list) : nb::none();
  r.attention = attention ? nb::object(attention_list) : nb::none();
  return r;
}

ScoreResult to_result(const PairScore& s) {
  ScoreResult r;
  r.source_tokens = string_list(s.source_tokens);
  r.tokens = string_list(s.target_tokens);
  for (float p : s.token_log_probs) r.token_log_probs.append(static_cast<double>(p));
  r.log_prob = s.log_prob;
  return r;
}

using Settings = std::vector<std::pair<std::string, std::string>>;

nb::list translate(const Translator& translator, const std::vector<std::string>& lines,
                   const Settings& settings, bool scores, bool attention) {
  const DecodeRequest request{
      .settings = settings, .origin = "translate()", .attention = attention};
  std::vector<Translation> out;
  {
    nb::gil_scoped_release release;
    out = translator.translate(lines, request);
  }
  nb::list results;
  for (const Translation& t : out) results.append(nb::cast(to_result(t, scores, attention)));
  return results;
}

nb::list score(const Translator& translator, const std::vector<std::string>& sources,
               const std::vector<std::string>& targets) {
  std::vector<PairScore> out;
  {
    nb::gil_scoped_release release;
    out = translator.score(sources, targets);
  }
  nb::list results;
  for (const PairScore& s : out) results.append(nb::cast(to_result(s)));
  return results;
}

}  // namespace

void bind_translator(nb::module_& m) {
  nb::class_<TranslationResult>(m, "TranslationResult",
                                "What translating one source line gives: its n-best outputs, "
                                "best first.")
      .def_ro("hypotheses", &TranslationResult::hypotheses,
              "The n-best output texts, best first (one empty string for an empty line).")
      .def_ro("tokens", &TranslationResult::tokens,
              "Each hypothesis's output tokens, ending with '</s>'.")
      .def_ro("source_tokens", &TranslationResult::source_tokens,
              "The source line's tokens as the model read them.")
      .def_ro("scores", &TranslationResult::scores,
              "Each hypothesis's length-normalised search score (what `tandem translate "
              "--n-best` prints), or None unless return_scores=True.")
      .def_ro("log_probs", &TranslationResult::log_probs,
              "Each hypothesis's log-probability (the sum over its tokens), or None unless "
              "return_scores=True.")
      .def_ro("attention", &TranslationResult::attention,
              "Each hypothesis's attention weights as a float32 NumPy array of shape (output "
              "tokens, source tokens), rows summing to 1, or None unless return_attention=True.")
      .def_ro("truncated_from", &TranslationResult::truncated_from,
              "The line's token count when it had more than decode.max_input_tokens and only "
              "the first that many were translated; 0 when nothing was cut.")
      .def("__repr__", [](const TranslationResult& r) {
        return nb::str("TranslationResult(hypotheses={!r})").format(r.hypotheses);
      });

  nb::class_<ScoreResult>(m, "ScoreResult",
                          "The model's log-probability of a target given its source.")
      .def_ro("source_tokens", &ScoreResult::source_tokens, "The source's tokens.")
      .def_ro("tokens", &ScoreResult::tokens,
              "The target's tokens, ending with '</s>' (tokens outside the vocabulary are "
              "scored as '<unk>').")
      .def_ro("token_log_probs", &ScoreResult::token_log_probs,
              "The log-probability of each target token, '</s>' included.")
      .def_ro("log_prob", &ScoreResult::log_prob, "Their sum: the target's log-probability.")
      .def("__repr__", [](const ScoreResult& r) {
        return nb::str("ScoreResult(log_prob={!r}, tokens={!r})").format(r.log_prob, r.tokens);
      });

  nb::class_<Translator>(m, "Translator", "A loaded model folder (see tandem.Translator).")
      .def(
          "__init__",
          [](Translator* self, const std::string& model_dir, int threads,
             const std::string& precision) {
            nb::gil_scoped_release release;
            new (self) Translator(
                model_dir, TranslatorOptions{.threads = threads,
                                             .precision = precision,
                                             .precision_label = "Translator(precision=...)"});
          },
          nb::arg("model_dir"), nb::arg("threads"), nb::arg("precision"))
      .def_prop_ro("threads", &Translator::threads)
      .def_prop_ro("precision", &Translator::precision)
      .def_prop_ro("wanted_precision",
                   [](const Translator& t) { return t.config().get_string("decode.precision"); })
      .def(
          "batch_size",
          [](const Translator& t, const Settings& settings, bool attention) {
            const DecodeRequest request{
                .settings = settings, .origin = "translate()", .attention = attention};
            return t.decode_config(request).get_int("decode.batch_size");
          },
          nb::arg("settings"), nb::arg("attention"),
          "Checks a call's settings (as translate does) and returns its decode.batch_size.")
      .def("translate", &translate, nb::arg("lines"), nb::arg("settings"), nb::arg("scores"),
           nb::arg("attention"))
      .def("score", &score, nb::arg("sources"), nb::arg("targets"));
}

}  // namespace tandem::python
