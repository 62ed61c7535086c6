// `tandem translate`: its options, and a run that reads lines (a file, or a stream as it
// arrives) and writes their translations through a Translator.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace tandem::cli {

struct TranslateCommandOptions {
  std::string model_dir, input, output;
  bool attention = false, alignment = false, attention_json = false;
  // Unset: the model's decode.* settings; set, validated as those keys.
  std::optional<int64_t> beam, n_best;
  int threads = 0;  // TranslatorOptions::threads; 0: every core (OPENBLAS_NUM_THREADS)
  std::vector<std::string> sets;
};

CLI::App* add_translate_command(CLI::App& app, TranslateCommandOptions& o);

int run_translate(const TranslateCommandOptions& o);

}  // namespace tandem::cli
