// Learning-rate schedules: constant, inverse square root and reduce-on-plateau, each with warm-up.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "io/options.h"

namespace tandem {

// The learning rate of each optimiser step. The training loop sets
// optimizer.set_learning_rate(schedule.rate(step)) before step `step` (counting from 1) and
// reports each validation's loss to on_validation().
class LrSchedule {
 public:
  virtual ~LrSchedule() = default;

  virtual float rate(int64_t step) const = 0;       // step counts from 1
  virtual void on_validation(double /*metric*/) {}  // lower is better; for plateau

  // What a checkpoint must save so that a resumed run gets the same rates: empty for schedules
  // that depend on the step alone. restore() throws tandem::Error on a state of the wrong form.
  virtual std::vector<float> state() const { return {}; }
  virtual void restore(const std::vector<float>& state);
};

// lr, linearly warmed up: lr·min(1, step/warmup_steps) (no warm-up for warmup_steps = 0).
class ConstantSchedule : public LrSchedule {
 public:
  ConstantSchedule(float lr, int64_t warmup_steps = 0);
  float rate(int64_t step) const override;

 private:
  float lr_;
  int64_t warmup_;
};

// Vaswani et al. 2017 (§5.3) shape with the peak at lr: lr·min(step/warmup, √(warmup/step)), a
// linear warm-up to lr and then decay ∝ 1/√step, not below min_lr. With warmup_steps = 0 there
// is no step to scale the decay from, so the rate stays lr.
class InverseSqrtSchedule : public LrSchedule {
 public:
  InverseSqrtSchedule(float lr, int64_t warmup_steps, float min_lr = 0.0f);
  float rate(int64_t step) const override;

 private:
  float lr_;
  int64_t warmup_;
  float min_lr_;
};

struct PlateauOptions {
  float lr = 1e-3f;
  int64_t warmup_steps = 0;
  float factor = 0.5f;   // in (0, 1]
  int64_t patience = 2;  // ≥ 1
  float min_lr = 0.0f;
};

// Reduce on plateau: the rate is max(lr·factor^k, min_lr), times the linear warm-up factor,
// where k counts the cuts so far. A cut happens when `patience` validations in a row have not
// improved on the best metric (strictly lower); the count then starts again. A NaN metric
// never improves. Metrics are compared as floats, so that state() restores them exactly.
class PlateauSchedule : public LrSchedule {
 public:
  explicit PlateauSchedule(const PlateauOptions& options);
  float rate(int64_t step) const override;
  void on_validation(double metric) override;
  // {has best (0/1), best metric, validations without improvement, cuts}.
  std::vector<float> state() const override;
  void restore(const std::vector<float>& state) override;

  int64_t reductions() const { return reductions_; }

 private:
  PlateauOptions options_;
  bool has_best_ = false;
  float best_ = 0.0f;
  int64_t bad_validations_ = 0;
  int64_t reductions_ = 0;
};

// The schedule that the config's train.lr_schedule names, from train.learning_rate,
// train.warmup_steps, train.min_learning_rate and (plateau) train.plateau_factor and
// train.plateau_patience. Throws tandem::Error when min_learning_rate exceeds learning_rate.
std::unique_ptr<LrSchedule> make_lr_schedule(const Config& config);

}  // namespace tandem
