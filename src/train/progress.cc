// Progress reporting: rates over a window of steps, an ETA from the average step time.
#include "train/progress.h"

#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstring>

#include "tensor/error.h"

namespace tandem {

namespace {

std::string format_duration(double seconds) {
  const long s = static_cast<long>(seconds);
  char out[32];
  if (s >= 3600)
    std::snprintf(out, sizeof out, "%ldh%02ldm", s / 3600, s / 60 % 60);
  else
    std::snprintf(out, sizeof out, "%ldm%02lds", s / 60, s % 60);
  return out;
}

}  // namespace

Progress::Progress(const std::string& log_path, bool resume, int64_t max_steps, int64_t log_every)
    : terminal_(isatty(fileno(stderr)) != 0),
      max_steps_(max_steps),
      log_every_(std::max<int64_t>(log_every, 1)) {
  start_ = window_start_ = last_draw_ = std::chrono::steady_clock::now();
  if (log_path.empty()) return;
  log_ = std::fopen(log_path.c_str(), resume ? "a" : "w");
  check(log_ != nullptr,
        [&] { return "cannot write the training log " + log_path + ": " + std::strerror(errno); });
  if (!resume || std::ftell(log_) == 0)
    std::fprintf(log_,
                 "step\tepoch\tlearning_rate\ttrain_loss\ttrain_perplexity\ttarget_tokens_per_s\t"
                 "dev_loss\tdev_perplexity\tdev_exact_match\n");
}

Progress::~Progress() {
  if (line_open_) std::fputc('\n', stderr);
  if (log_) std::fclose(log_);
}

void Progress::on_step(int64_t step, int64_t epoch, double epoch_fraction, double loss,
                       int64_t tokens, double lr) {
  ++steps_done_;
  ++window_steps_;
  window_tokens_ += tokens;
  window_loss_ += loss * tokens;
  last_epoch_ = epoch;
  last_lr_ = lr;
  const auto now = std::chrono::steady_clock::now();
  const double window_seconds = std::chrono::duration<double>(now - window_start_).count();
  const bool log_now = step % log_every_ == 0;
  const bool draw_now = terminal_ && std::chrono::duration<double>(now - last_draw_).count() > 0.2;
  if (!log_now && !draw_now) return;

  last_loss_ = window_tokens_ ? window_loss_ / window_tokens_ : loss;
  last_tokens_per_second_ = window_seconds > 0 ? window_tokens_ / window_seconds : 0.0;
  const double per_step =
      std::chrono::duration<double>(now - start_).count() / std::max<int64_t>(steps_done_, 1);
  const std::string eta = format_duration(per_step * std::max<int64_t>(max_steps_ - step, 0));
  char line[256];
  std::snprintf(line, sizeof line,
                "step %lld | epoch %lld %3.0f%% | loss %.4f | ppl %.2f | %.0f tok/s | lr %.2e | "
                "ETA %s",
                static_cast<long long>(step), static_cast<long long>(epoch + 1),
                100.0 * epoch_fraction, last_loss_, std::exp(last_loss_), last_tokens_per_second_,
                lr, eta.c_str());
  if (terminal_) {
    std::fprintf(stderr, "\r\033[K%s", line);
    line_open_ = true;
    last_draw_ = now;
  }
  if (log_now) {
    if (!terminal_) std::fprintf(stderr, "%s\n", line);
    write_log_row(step, epoch, lr, std::nullopt);
    window_start_ = now;
    window_tokens_ = window_steps_ = 0;
    window_loss_ = 0.0;
  }
}

void Progress::on_validation(int64_t step, const Validation& v, bool best) {
  char metric[64] = "";
  if (!v.metric.empty())
    std::snprintf(metric, sizeof metric, " | %s %.2f", v.metric.c_str(), v.metric_value);
  char line[256];
  std::snprintf(line, sizeof line, "step %lld | dev loss %.4f | ppl %.2f | exact match %.2f%%%s%s",
                static_cast<long long>(step), v.loss, v.perplexity, 100.0 * v.exact_match, metric,
                best ? " | best so far, saved" : "");
  message(line);
  write_log_row(step, last_epoch_, last_lr_, v);
}

void Progress::message(const std::string& text) {
  if (line_open_) std::fprintf(stderr, "\r\033[K");
  line_open_ = false;
  std::fprintf(stderr, "%s\n", text.c_str());
}

void Progress::write_log_row(int64_t step, int64_t epoch, double lr,
                             const std::optional<Validation>& v) {
  if (!log_) return;
  std::fprintf(log_, "%lld\t%lld\t%.6g\t", static_cast<long long>(step),
               static_cast<long long>(epoch + 1), lr);
  if (v)
    std::fprintf(log_, "\t\t\t%.6f\t%.4f\t%.4f\n", v->loss, v->perplexity, v->exact_match);
  else
    std::fprintf(log_, "%.6f\t%.4f\t%.1f\t\t\t\n", last_loss_, std::exp(last_loss_),
                 last_tokens_per_second_);
  std::fflush(log_);
}

}  // namespace tandem
