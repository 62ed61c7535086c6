// `tandem train`: its options, and a run that Ctrl+C or SIGTERM stops with a checkpoint.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

namespace tandem::cli {

struct TrainCommandOptions {
  std::string program;  // argv[0], for the command that resumes an interrupted run
  std::string config_path;
  std::vector<std::string> overrides;
  bool resume = false, overwrite = false;
};

CLI::App* add_train_command(CLI::App& app, TrainCommandOptions& o);

// Trains through api/training.h; returns 0, or 128 + the signal that stopped the run.
int run_train(const TrainCommandOptions& o);

}  // namespace tandem::cli
