// Learning-rate schedules: the rate formulas, plateau bookkeeping, and the factory.
#include "train/lr_schedule.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "tensor/error.h"

namespace tandem {

namespace {

void check_step(int64_t step) {
  check(step >= 1,
        [&] { return "LrSchedule::rate: steps count from 1, got " + std::to_string(step); });
}

// min(1, step/warmup): the linear warm-up, reaching 1 at step == warmup.
double warmup_factor(int64_t step, int64_t warmup) {
  if (warmup <= 0 || step >= warmup) return 1.0;
  return static_cast<double>(step) / static_cast<double>(warmup);
}

void check_rate(float lr, const char* what) {
  check(std::isfinite(lr) && lr > 0.0f, [&] {
    return std::string(what) + ": the learning rate must be positive, got " + std::to_string(lr);
  });
}

void check_warmup(int64_t warmup, const char* what) {
  check(warmup >= 0, [&] {
    return std::string(what) + ": warm-up steps must be >= 0, got " + std::to_string(warmup);
  });
}

bool is_count(float x) { return x >= 0.0f && x == std::floor(x) && x < 16777216.0f; }

}  // namespace

void LrSchedule::restore(const std::vector<float>& state) {
  check(state.empty(), [&] {
    return "LrSchedule::restore: this schedule keeps no state, but the checkpoint has " +
           std::to_string(state.size()) + " values";
  });
}

ConstantSchedule::ConstantSchedule(float lr, int64_t warmup_steps)
    : lr_(lr), warmup_(warmup_steps) {
  check_rate(lr, "ConstantSchedule");
  check_warmup(warmup_steps, "ConstantSchedule");
}

float ConstantSchedule::rate(int64_t step) const {
  check_step(step);
  return static_cast<float>(lr_ * warmup_factor(step, warmup_));
}

InverseSqrtSchedule::InverseSqrtSchedule(float lr, int64_t warmup_steps, float min_lr)
    : lr_(lr), warmup_(warmup_steps), min_lr_(min_lr) {
  check_rate(lr, "InverseSqrtSchedule");
  check_warmup(warmup_steps, "InverseSqrtSchedule");
  check(min_lr >= 0.0f && min_lr <= lr, "InverseSqrtSchedule: min_lr must be in [0, lr]");
}

float InverseSqrtSchedule::rate(int64_t step) const {
  check_step(step);
  if (warmup_ == 0) return lr_;
  if (step <= warmup_) return static_cast<float>(lr_ * warmup_factor(step, warmup_));
  const double decayed = lr_ * std::sqrt(static_cast<double>(warmup_) / static_cast<double>(step));
  return static_cast<float>(std::max(decayed, static_cast<double>(min_lr_)));
}

PlateauSchedule::PlateauSchedule(const PlateauOptions& options) : options_(options) {
  check_rate(options.lr, "PlateauSchedule");
  check_warmup(options.warmup_steps, "PlateauSchedule");
  check(options.factor > 0.0f && options.factor <= 1.0f,
        "PlateauSchedule: the factor must be in (0, 1]");
  check(options.patience >= 1, "PlateauSchedule: the patience must be >= 1");
  check(options.min_lr >= 0.0f && options.min_lr <= options.lr,
        "PlateauSchedule: min_lr must be in [0, lr]");
}

float PlateauSchedule::rate(int64_t step) const {
  check_step(step);
  const double decayed = options_.lr * std::pow(static_cast<double>(options_.factor),
                                                static_cast<double>(reductions_));
  const double floored = std::max(decayed, static_cast<double>(options_.min_lr));
  return static_cast<float>(floored * warmup_factor(step, options_.warmup_steps));
}

void PlateauSchedule::on_validation(double metric) {
  const float m = static_cast<float>(metric);
  if (!std::isnan(m) && (!has_best_ || m < best_)) {
    has_best_ = true;
    best_ = m;
    bad_validations_ = 0;
    return;
  }
  if (++bad_validations_ >= options_.patience) {
    ++reductions_;
    bad_validations_ = 0;
  }
}

std::vector<float> PlateauSchedule::state() const {
  return {has_best_ ? 1.0f : 0.0f, best_, static_cast<float>(bad_validations_),
          static_cast<float>(reductions_)};
}

void PlateauSchedule::restore(const std::vector<float>& state) {
  check(state.size() == 4, [&] {
    return "PlateauSchedule::restore: expected 4 values (has best, best, bad validations, "
           "cuts), got " +
           std::to_string(state.size());
  });
  check((state[0] == 0.0f || state[0] == 1.0f) && is_count(state[2]) && is_count(state[3]),
        "PlateauSchedule::restore: the state is corrupt (counts must be whole numbers >= 0)");
  has_best_ = state[0] == 1.0f;
  best_ = state[1];
  bad_validations_ = static_cast<int64_t>(state[2]);
  reductions_ = static_cast<int64_t>(state[3]);
}

std::unique_ptr<LrSchedule> make_lr_schedule(const Config& config) {
  const std::string& kind = config.get_string("train.lr_schedule");
  const auto lr = static_cast<float>(config.get_float("train.learning_rate"));
  const int64_t warmup = config.get_int("train.warmup_steps");
  const auto min_lr = static_cast<float>(config.get_float("train.min_learning_rate"));
  check(min_lr <= lr, [&] {
    return "train.min_learning_rate (" + config.get_text("train.min_learning_rate") + ", from " +
           config.origin("train.min_learning_rate") + ") is above train.learning_rate (" +
           config.get_text("train.learning_rate") + ", from " +
           config.origin("train.learning_rate") + ")";
  });
  if (kind == "constant") return std::make_unique<ConstantSchedule>(lr, warmup);
  if (kind == "inverse-sqrt") return std::make_unique<InverseSqrtSchedule>(lr, warmup, min_lr);
  if (kind == "plateau") {
    PlateauOptions options;
    options.lr = lr;
    options.warmup_steps = warmup;
    options.factor = static_cast<float>(config.get_float("train.plateau_factor"));
    options.patience = config.get_int("train.plateau_patience");
    options.min_lr = min_lr;
    return std::make_unique<PlateauSchedule>(options);
  }
  throw Error("train.lr_schedule: unknown schedule '" + kind +
              "'; valid choices: constant, inverse-sqrt, plateau");
}

}  // namespace tandem
