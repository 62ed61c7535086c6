// `tandem plot-attention`: translates one sentence and draws its best output's attention as SVG.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <optional>
#include <string>

namespace tandem::cli {

struct PlotCommandOptions {
  std::string model_dir, text, output;
  std::optional<int64_t> beam;
};

CLI::App* add_plot_command(CLI::App& app, PlotCommandOptions& o);

int run_plot(const PlotCommandOptions& o);

}  // namespace tandem::cli
