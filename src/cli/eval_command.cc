// tandem eval: "-" is standard input, for one of the streams: it can be read once only.
#include "cli/eval_command.h"

#include <algorithm>
#include <iostream>

#include "cli/line_source.h"
#include "data/corpus.h"
#include "eval/metrics.h"
#include "tensor/error.h"

namespace tandem::cli {

CLI::App* add_eval_command(CLI::App& app, EvalCommandOptions& o) {
  CLI::App* cmd = app.add_subcommand(
      "eval", "score hypotheses against references (BLEU and chrF as sacreBLEU computes them)");
  cmd->add_option("--hypotheses,-i", o.hypotheses, "one output per line (-: stdin)")->required();
  cmd->add_option("--references,-r", o.references,
                  "one or more reference files, line by line parallel to the hypotheses (one "
                  "may be -: stdin)")
      ->required();
  cmd->add_option("--metrics,-m", o.metrics,
                  "any of bleu, chrf, chrf++, wer, per, exact (default: bleu chrf)");
  cmd->add_flag("--json", o.json, "print JSON instead of sacreBLEU-style lines");
  return cmd;
}

int run_eval(const EvalCommandOptions& o) {
  const auto from_stdin =
      std::count(o.references.begin(), o.references.end(), "-") + (o.hypotheses == "-" ? 1 : 0);
  check(from_stdin <= 1,
        "-i/-r -: standard input can give the hypotheses or one reference stream, not two");
  auto name = [](const std::string& path) { return path == "-" ? std::string("<stdin>") : path; };
  auto read = [](const std::string& path) {
    return path == "-" ? LineSource(path).read_all() : data::read_lines(path);
  };
  eval::StreamNames names{name(o.hypotheses), {}};
  std::vector<std::vector<std::string>> streams;
  for (const std::string& r : o.references) {
    names.references.push_back(name(r));
    streams.push_back(read(r));
  }
  const auto results = eval::evaluate(read(o.hypotheses), streams, o.metrics, names);
  std::cout << (o.json ? eval::to_json(results) + "\n" : eval::format_results(results));
  return 0;
}

}  // namespace tandem::cli
