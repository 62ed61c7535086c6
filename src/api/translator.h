// Translator: a loaded model folder and its workspaces, with its own thread count and GEMM
// precision; translates and scores lines, safe to call from several threads at once. The
// library's entry point for inference: the CLI, the server and the Python module use it.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "api/translation.h"
#include "io/model_dir.h"

namespace tandem {

struct TranslatorOptions {
  // Threads for this translator's work, at most kMaxThreads (io/options.h); 0: every core
  // (OPENBLAS_NUM_THREADS when set).
  int threads = 0;
  // "fp32" or "bf16"; "": the model's decode.precision. bf16 where the CPU has no AVX512_BF16
  // warns once and decodes in fp32.
  std::string precision;
  // What the hint of an error about another call's decode.precision calls this option.
  std::string precision_label = "TranslatorOptions::precision";
};

// One call's settings: decode.* keys ("beam_size", "n_best", "length_penalty", …; with or
// without the "decode." prefix) over the model's own, each validated as a config value is, an
// error naming the key (and `origin`, e.g. "--set" or "translate()"); and whether to keep the
// attention weights.
struct DecodeRequest {
  std::vector<std::pair<std::string, std::string>> settings;
  std::string origin = "translate()";
  bool attention = false;
};

// The model's log-probability of a given target for a source, by teacher forcing.
struct PairScore {
  std::vector<std::string> source_tokens;
  std::vector<std::string> target_tokens;  // ends with </s>
  std::vector<float> token_log_probs;      // one per target token, </s> included
  double log_prob = 0.0;                   // their sum
};

class Translator {
 public:
  // Loads the folder (load_model_dir's checks and messages).
  explicit Translator(const std::string& model_dir, TranslatorOptions options = {});
  ~Translator();
  // A moved-from Translator is an error to use (tandem::Error), not a crash.
  Translator(Translator&&) noexcept;
  Translator& operator=(Translator&&) noexcept;

  // The model's config (its decode.* settings are the defaults of every call).
  const Config& config() const;
  const LoadedModel& model() const;
  int threads() const;  // the resolved count (never 0)
  // The precision it decodes in: "fp32" or "bf16"; "fp32" where bf16 was asked for and the CPU
  // or build has none (decoding falls back, with a warning on stderr).
  std::string precision() const;

  // The settings a request resolves to: the model's decode.* with the request's over them.
  // Errors (an unknown key, a bad value, n_best above beam_size, attention asked of a model with
  // attention none, a decode.precision other than the translator's: the calls share its packed
  // weights) name the key and the request's origin.
  Config decode_config(const DecodeRequest& request) const;

  // Translates every line (see translate_lines). Lines must be valid UTF-8; an invalid one is an
  // error "lines: line N: …" (N from 1). Lines longer than decode.max_input_tokens are cut
  // (Translation::truncated_from).
  std::vector<Translation> translate(const std::vector<std::string>& lines,
                                     const DecodeRequest& request = {}) const;

  // Scores targets[i] as a translation of sources[i] (equal counts; UTF-8), decode.batch_size
  // pairs at a time; a source of more than decode.max_input_tokens tokens is an error naming its
  // line. Target tokens outside the vocabulary score as <unk>. The mean of −
  // token_log_probs over all tokens is the training loss of the same pairs (no dropout, no
  // label smoothing).
  std::vector<PairScore> score(const std::vector<std::string>& sources,
                               const std::vector<std::string>& targets) const;

 private:
  struct State;
  const State& state() const;  // *state_, or an error once moved from
  std::unique_ptr<State> state_;
};

}  // namespace tandem
