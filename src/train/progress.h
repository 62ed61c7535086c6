// Progress reporting: a live line on a terminal, plain lines otherwise, and a TSV log to plot.
#pragma once

#include <chrono>
#include <cstdio>
#include <optional>
#include <string>

namespace tandem {

struct Validation {
  double loss = 0.0;  // mean cross-entropy per target token
  double perplexity = 0.0;
  double exact_match = 0.0;   // greedy outputs equal to the reference, as a fraction
  std::string metric;         // train.valid_metric when it is not loss or exact: "bleu", …
  double metric_value = 0.0;  // its score (0–100)
};

class Progress {
 public:
  // log_path: the TSV log (appended to when resuming, else started anew with a header);
  // "" for none. The live line goes to stderr when it is a terminal.
  Progress(const std::string& log_path, bool resume, int64_t max_steps, int64_t log_every);
  ~Progress();

  // After each update: the step, the epoch and how far into it, the batch's mean loss and
  // target tokens, and the learning rate.
  void on_step(int64_t step, int64_t epoch, double epoch_fraction, double loss, int64_t tokens,
               double lr);
  void on_validation(int64_t step, const Validation& v, bool best);
  void message(const std::string& text);  // a line of its own, clearing the live line

 private:
  void write_log_row(int64_t step, int64_t epoch, double lr, const std::optional<Validation>& v);

  std::FILE* log_ = nullptr;
  bool terminal_;
  int64_t max_steps_, log_every_;
  std::chrono::steady_clock::time_point start_, window_start_, last_draw_;
  int64_t steps_done_ = 0, window_tokens_ = 0, window_steps_ = 0;
  double window_loss_ = 0.0;  // token-weighted
  double last_loss_ = 0.0, last_tokens_per_second_ = 0.0;
  int64_t last_epoch_ = 0;
  double last_lr_ = 0.0;
  bool line_open_ = false;
};

}  // namespace tandem
