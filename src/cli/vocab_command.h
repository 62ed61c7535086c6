// `tandem vocab`: trains a SentencePiece model on text files and writes it atomically.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "data/spm_trainer.h"

namespace tandem::cli {

struct VocabCommandOptions {
  std::vector<std::string> inputs;
  std::string output;
  data::SpmTrainOptions spm;
};

CLI::App* add_vocab_command(CLI::App& app, VocabCommandOptions& o);

int run_vocab(const VocabCommandOptions& o);

}  // namespace tandem::cli
