// The tandem command: `tandem train` and `tandem translate`. Errors become "error: …" on stderr
// and exit status 1, never a crash.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <fstream>
#include <iostream>

#include "cli/translate.h"
#include "data/corpus.h"
#include "data/utf8.h"
#include "io/atomic_file.h"
#include "io/config.h"
#include "tensor/error.h"
#include "train/trainer.h"

using namespace tandem;

namespace {

int run_train(const std::string& config_path, const std::vector<std::string>& overrides,
              bool resume) {
  const Config config = load_config(config_path, overrides);
  const TrainSummary s = train(config, resume);
  std::fprintf(stderr, "done: %lld steps, last training loss %.4f", static_cast<long long>(s.steps),
               s.last_loss);
  if (s.validated)
    std::fprintf(stderr, ", best dev loss %.4f (exact match %.2f%%)", s.best_dev_loss,
                 100.0 * s.best_dev_exact_match);
  std::fprintf(stderr, "; model in %s\n", s.model_dir.c_str());
  return 0;
}

std::vector<std::string> read_input(const std::string& path) {
  if (!path.empty() && path != "-") return data::read_lines(path);
  std::vector<std::string> lines;
  std::string line;
  for (int64_t n = 1; std::getline(std::cin, line); ++n) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    check(data::is_valid_utf8(line),
          [&] { return "<stdin>:" + std::to_string(n) + ": invalid UTF-8"; });
    lines.push_back(line);
  }
  return lines;
}

int run_translate(const std::string& model_dir, const std::string& input, const std::string& output,
                  bool attention, const std::vector<std::string>& sets) {
  LoadedModel model = load_model_dir(model_dir);
  apply_overrides(model.config, sets);
  SearchOptions options;
  options.max_length_ratio = static_cast<float>(model.config.get_float("decode.max_length_ratio"));
  options.max_length_offset = model.config.get_int("decode.max_length_offset");
  options.keep_attention = attention;
  const std::vector<std::string> lines = read_input(input);
  const std::vector<Translation> out =
      translate_lines(model, lines, model.config.get_int("decode.batch_size"), options);
  auto write = [&](std::ostream& os) {
    for (const Translation& t : out) {
      os << t.text << '\n';
      if (attention) os << format_attention(t) << '\n';
    }
  };
  if (output.empty() || output == "-") {
    write(std::cout);
  } else {
    io::write_file_atomically(output, write);
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"tandem: RNN sequence-to-sequence models with attention"};
  app.require_subcommand(1);

  std::string config_path;
  std::vector<std::string> overrides;
  bool resume = false;
  CLI::App* train_cmd = app.add_subcommand("train", "train a model described by a YAML config");
  train_cmd->add_option("--config", config_path, "the YAML config (keys: docs/config.md)")
      ->required();
  train_cmd->add_option("--set", overrides, "override a config key: --set key=value (repeatable)");
  train_cmd->add_flag("--resume", resume, "continue from the newest checkpoint in train.model_dir");

  std::string model_dir, input, output;
  bool attention = false;
  std::vector<std::string> decode_sets;
  CLI::App* translate_cmd = app.add_subcommand("translate", "translate lines with a trained model");
  translate_cmd->add_option("--model", model_dir, "the model folder written by tandem train")
      ->required();
  translate_cmd->add_option("--input", input, "input file, one sentence per line (default: stdin)");
  translate_cmd->add_option("--output", output,
                            "output file (default: stdout), written atomically");
  translate_cmd->add_flag("--attention", attention, "print each output's attention matrix");
  translate_cmd->add_option("--set", decode_sets, "override a decode.* key: --set key=value");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  try {
    if (*train_cmd) return run_train(config_path, overrides, resume);
    return run_translate(model_dir, input, output, attention, decode_sets);
  } catch (const Error& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
  }
  return 1;
}
