// SIGINT and SIGTERM ask the run to stop after its current step with a checkpoint (exit status
// 130 or 143, and the command that resumes it); a second one stops at once.
#include "cli/train_command.h"

#include <signal.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>

#include "api/training.h"
#include "io/stop_signals.h"

namespace tandem::cli {
namespace {

// An argument as the shell reads it back: as is when it is plain, else in single quotes.
std::string shell_quoted(const std::string& arg) {
  const bool plain = !arg.empty() && arg.find_first_not_of(
                                         "abcdefghijklmnopqrstuvwxyz"
                                         "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                         "0123456789_-+=.,/:@%") == std::string::npos;
  if (plain) return arg;
  std::string out = "'";
  for (char c : arg) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

}  // namespace

CLI::App* add_train_command(CLI::App& app, TrainCommandOptions& o) {
  CLI::App* cmd = app.add_subcommand("train", "train a model described by a YAML config");
  cmd->add_option("--config", o.config_path, "the YAML config (keys: docs/config.md)")->required();
  cmd->add_option("--set", o.overrides, "override a config key: --set key=value (repeatable)");
  cmd->add_flag("--resume", o.resume, "continue from the newest checkpoint in train.model_dir");
  cmd->add_flag("--overwrite", o.overwrite,
                "start anew in a train.model_dir that holds an earlier run, removing that "
                "run's files (model, checkpoints, log)");
  return cmd;
}

int run_train(const TrainCommandOptions& a) {
  std::atomic<bool> stop = false;
  std::atomic<int> stop_signal = 0;
  TrainSummary s;
  {
    const io::StopSignals signals([&](int signal) {
      const char* name = signal == SIGINT ? "SIGINT (Ctrl+C)" : "SIGTERM";
      if (stop_signal.exchange(signal) != 0) {
        std::fprintf(stderr,
                     "\n%s again: stopping at once; the steps since the last checkpoint "
                     "are lost\n",
                     name);
        std::_Exit(128 + signal);
      }
      std::fprintf(stderr,
                   "\n%s: stopping after the current step, with a checkpoint to resume "
                   "from (once more stops at once)\n",
                   name);
      stop = true;
    });
    TrainRequest request;
    request.config_path = a.config_path;
    request.overrides = a.overrides;
    request.options = {.resume = a.resume, .overwrite = a.overwrite, .stop = &stop};
    s = train(request);
  }
  std::fprintf(stderr, "%s: %lld steps, last training loss %.4f",
               s.interrupted ? "interrupted" : "done", static_cast<long long>(s.steps),
               s.last_loss);
  if (s.validated && s.best_known)
    std::fprintf(stderr, ", best model: dev loss %.4f, exact match %.2f%%", s.best_dev_loss,
                 100.0 * s.best_dev_exact_match);
  else if (s.validated)
    std::fprintf(stderr,
                 ", best model: from before the resume (this older checkpoint does not "
                 "record its dev figures)");
  std::fprintf(stderr, "; model in %s\n", s.model_dir.c_str());
  if (!s.interrupted) return 0;
  if (s.checkpoint.empty()) {
    std::fprintf(stderr, "stopped before the first step: there is no checkpoint to resume from\n");
  } else {
    std::string command =
        shell_quoted(a.program) + " train --config " + shell_quoted(a.config_path);
    for (const std::string& o : a.overrides) command += " --set " + shell_quoted(o);
    std::fprintf(stderr, "checkpoint: %s\nto resume: %s --resume\n", s.checkpoint.c_str(),
                 command.c_str());
  }
  return 128 + (stop_signal ? stop_signal.load() : SIGINT);
}

}  // namespace tandem::cli
