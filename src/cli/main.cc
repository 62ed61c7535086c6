// The tandem command: `tandem train`, `translate`, `eval`, `plot-attention`, `vocab` and `serve`,
// each in a file of its own. Errors become "error: …" on stderr and exit status 1, never a crash.
#include <CLI/CLI.hpp>

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "cli/command_line.h"
#include "cli/eval_command.h"
#include "cli/plot_command.h"
#include "cli/train_command.h"
#include "cli/translate_command.h"
#include "cli/vocab_command.h"
#include "server/serve_command.h"
#include "tensor/error.h"

using namespace tandem;

int main(int argc, char** argv) {
  CLI::App app{"tandem: RNN sequence-to-sequence models with attention"};
  app.require_subcommand(1);
  app.set_version_flag(
      "--version", [] { return cli::version_text(); },
      "print the version and the kernels this CPU runs, then exit");

  cli::TrainCommandOptions train;
  train.program = argv[0];
  CLI::App* train_cmd = cli::add_train_command(app, train);
  cli::TranslateCommandOptions translate;
  CLI::App* translate_cmd = cli::add_translate_command(app, translate);
  cli::PlotCommandOptions plot;
  CLI::App* plot_cmd = cli::add_plot_command(app, plot);
  cli::EvalCommandOptions eval;
  CLI::App* eval_cmd = cli::add_eval_command(app, eval);
  cli::VocabCommandOptions vocab;
  CLI::App* vocab_cmd = cli::add_vocab_command(app, vocab);
  server::ServeCommandOptions serve;
  CLI::App* serve_cmd = server::add_serve_command(app, serve);

  // A mistyped command gets the nearest one named, not CLI11's "argument was not expected".
  if (argc > 1 && argv[1][0] != '-') {
    std::vector<std::string> commands;
    for (const CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; }))
      commands.push_back(sub->get_name());
    if (std::find(commands.begin(), commands.end(), argv[1]) == commands.end()) {
      const auto nearest = cli::nearest_command(argv[1], commands);
      std::fprintf(stderr, "error: '%s' is not a tandem command%s (tandem --help lists them)\n",
                   argv[1], nearest ? ("; did you mean '" + *nearest + "'?").c_str() : "");
      return 1;
    }
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  try {
    if (*train_cmd) return cli::run_train(train);
    if (*translate_cmd) return cli::run_translate(translate);
    if (*plot_cmd) return cli::run_plot(plot);
    if (*eval_cmd) return cli::run_eval(eval);
    if (*vocab_cmd) return cli::run_vocab(vocab);
    if (*serve_cmd) return server::run_serve(serve);
  } catch (const Error& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
  } catch (const std::bad_alloc&) {  // "std::bad_alloc" alone does not say what to change
    std::fprintf(stderr,
                 "error: out of memory: the model or a batch is too large for this machine "
                 "(model.* sizes, train.batch_size, decode.batch_size, --beam)\n");
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
  }
  return 1;
}
