// The tandem command: `tandem train`, `translate`, `eval`, `plot-attention`, `vocab` and `serve`,
// each in a file of its own. Errors become "error: …" on stderr and exit status 1, never a crash.
#include <CLI/CLI.hpp>

#include <algorithm>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "api/version.h"
#include "cli/eval_command.h"
#include "cli/plot_command.h"
#include "cli/train_command.h"
#include "cli/translate_command.h"
#include "cli/vocab_command.h"
#include "eval/edit_distance.h"
#include "server/serve_command.h"
#include "tensor/error.h"

using namespace tandem;

namespace {

// The subcommand nearest to a mistyped one by edit distance over characters, or "" when none
// is within a third of its length (at least 1): a suggestion far off would only mislead.
std::string nearest_command(const CLI::App& app, std::string_view typed) {
  auto characters = [](std::string_view s) {
    std::vector<std::string_view> out;
    for (size_t i = 0; i < s.size(); ++i) out.push_back(s.substr(i, 1));
    return out;
  };
  std::string best;
  size_t best_distance = std::max<size_t>(1, typed.size() / 3) + 1;
  for (const CLI::App* command : app.get_subcommands({})) {
    const size_t d = eval::edit_distance(characters(typed), characters(command->get_name()));
    if (d < best_distance) {
      best_distance = d;
      best = command->get_name();
    }
  }
  return best;
}

bool is_command(const CLI::App& app, std::string_view word) {
  for (const CLI::App* command : app.get_subcommands({}))
    if (command->get_name() == word) return true;
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"tandem: RNN sequence-to-sequence models with attention"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("tandem ") + version());

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

  // CLI11 would say only that the word was not expected.
  if (argc > 1 && argv[1][0] != '-' && !is_command(app, argv[1])) {
    const std::string near = nearest_command(app, argv[1]);
    std::string commands;
    for (const CLI::App* command : app.get_subcommands({}))
      commands += (commands.empty() ? "" : ", ") + command->get_name();
    if (near.empty())
      std::fprintf(stderr, "error: unknown command '%s'; the commands are %s\n", argv[1],
                   commands.c_str());
    else
      std::fprintf(stderr, "error: unknown command '%s'; did you mean '%s'?\n", argv[1],
                   near.c_str());
    return 1;
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
