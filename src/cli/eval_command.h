// `tandem eval`: scores a hypothesis file against one or more reference files.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

namespace tandem::cli {

struct EvalCommandOptions {
  std::string hypotheses;
  std::vector<std::string> references, metrics = {"bleu", "chrf"};
  bool json = false;
};

CLI::App* add_eval_command(CLI::App& app, EvalCommandOptions& o);

int run_eval(const EvalCommandOptions& o);

}  // namespace tandem::cli
