// Tests for the learning-rate schedules against hand-computed rates, and their exact resume.
#include "train/lr_schedule.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "io/config.h"
#include "tensor/error.h"

namespace tandem {
namespace {

TEST(LrSchedule, ConstantWithoutWarmup) {
  ConstantSchedule schedule(0.01f);
  EXPECT_FLOAT_EQ(schedule.rate(1), 0.01f);
  EXPECT_FLOAT_EQ(schedule.rate(1000000), 0.01f);
  EXPECT_TRUE(schedule.state().empty());
}

TEST(LrSchedule, ConstantWithLinearWarmup) {
  ConstantSchedule schedule(0.01f, 4);
  // lr·step/4 up to step 4, then lr.
  EXPECT_FLOAT_EQ(schedule.rate(1), 0.0025f);
  EXPECT_FLOAT_EQ(schedule.rate(2), 0.005f);
  EXPECT_FLOAT_EQ(schedule.rate(3), 0.0075f);
  EXPECT_FLOAT_EQ(schedule.rate(4), 0.01f);
  EXPECT_FLOAT_EQ(schedule.rate(5), 0.01f);
  EXPECT_FLOAT_EQ(schedule.rate(500), 0.01f);
  schedule.on_validation(1.0);  // no effect
  EXPECT_FLOAT_EQ(schedule.rate(500), 0.01f);
}

TEST(LrSchedule, InverseSqrtPeaksAtTheEndOfWarmup) {
  InverseSqrtSchedule schedule(0.001f, 4);
  // lr·min(step/4, √(4/step)).
  EXPECT_FLOAT_EQ(schedule.rate(1), 0.00025f);
  EXPECT_FLOAT_EQ(schedule.rate(2), 0.0005f);
  EXPECT_FLOAT_EQ(schedule.rate(3), 0.00075f);
  EXPECT_FLOAT_EQ(schedule.rate(4), 0.001f);          // the peak
  EXPECT_FLOAT_EQ(schedule.rate(9), 0.001f * 2 / 3);  // √(4/9) = 2/3
  EXPECT_FLOAT_EQ(schedule.rate(16), 0.0005f);        // √(4/16) = 1/2
  EXPECT_FLOAT_EQ(schedule.rate(100), 0.0002f);       // √(4/100) = 1/5
  EXPECT_FLOAT_EQ(schedule.rate(40000), 0.00001f);    // √(4/40000) = 1/100
  for (int64_t step = 5; step < 200; ++step)
    EXPECT_LT(schedule.rate(step), schedule.rate(step - 1));
}

TEST(LrSchedule, InverseSqrtFloorAndNoWarmup) {
  InverseSqrtSchedule floored(0.001f, 4, 0.0003f);
  EXPECT_FLOAT_EQ(floored.rate(1), 0.00025f);  // warm-up is not floored
  EXPECT_FLOAT_EQ(floored.rate(16), 0.0005f);
  EXPECT_FLOAT_EQ(floored.rate(100), 0.0003f);  // 0.0002 floored
  InverseSqrtSchedule constant(0.001f, 0);
  EXPECT_FLOAT_EQ(constant.rate(1), 0.001f);
  EXPECT_FLOAT_EQ(constant.rate(10000), 0.001f);
}

TEST(LrSchedule, PlateauCutsAfterPatienceValidationsWithoutImprovement) {
  PlateauSchedule schedule(
      {.lr = 0.1f, .warmup_steps = 0, .factor = 0.5f, .patience = 2, .min_lr = 0.02f});
  const auto validate = [&](double loss, float expected_rate) {
    schedule.on_validation(loss);
    EXPECT_FLOAT_EQ(schedule.rate(1000), expected_rate) << "after loss " << loss;
  };
  EXPECT_FLOAT_EQ(schedule.rate(1), 0.1f);
  validate(1.0, 0.1f);     // first: the best
  validate(0.9, 0.1f);     // better
  validate(0.95, 0.1f);    // 1 without improvement
  validate(0.9, 0.05f);    // 2 (equal is no improvement): cut, 0.1·0.5
  validate(0.8, 0.05f);    // new best
  validate(0.85, 0.05f);   // 1
  validate(0.85, 0.025f);  // 2: cut, 0.1·0.25
  validate(0.9, 0.025f);   // 1
  validate(std::numeric_limits<double>::quiet_NaN(), 0.02f);  // 2: 0.0125 floored at 0.02
  validate(0.7, 0.02f);
  EXPECT_EQ(schedule.reductions(), 3);
}

TEST(LrSchedule, PlateauWarmsUp) {
  PlateauSchedule schedule({.lr = 0.1f, .warmup_steps = 10, .factor = 0.5f, .patience = 1});
  EXPECT_FLOAT_EQ(schedule.rate(1), 0.01f);
  EXPECT_FLOAT_EQ(schedule.rate(5), 0.05f);
  schedule.on_validation(2.0);
  schedule.on_validation(3.0);                // cut
  EXPECT_FLOAT_EQ(schedule.rate(5), 0.025f);  // 0.1·0.5·5/10
  EXPECT_FLOAT_EQ(schedule.rate(10), 0.05f);
  EXPECT_FLOAT_EQ(schedule.rate(11), 0.05f);
}

TEST(LrSchedule, PlateauResumesExactly) {
  const PlateauOptions options{.lr = 0.1f, .factor = 0.5f, .patience = 2};
  PlateauSchedule original(options);
  for (double loss : {1.0, 0.9123456789, 0.95, 0.97, 0.93}) original.on_validation(loss);
  PlateauSchedule resumed(options);
  resumed.restore(original.state());
  EXPECT_EQ(resumed.state(), original.state());
  for (double loss : {0.9123456789, 0.91, 0.92, 0.93, 0.8, 0.85, 0.86}) {
    original.on_validation(loss);
    resumed.on_validation(loss);
    EXPECT_EQ(resumed.rate(100), original.rate(100));
  }
  EXPECT_EQ(resumed.reductions(), original.reductions());
  EXPECT_EQ(original.reductions(), 4);
}

TEST(LrSchedule, BadStatesAndStepsAreErrors) {
  PlateauSchedule plateau({});
  EXPECT_THROW(plateau.restore({1.0f, 0.5f}), Error);
  EXPECT_THROW(plateau.restore({1.0f, 0.5f, -1.0f, 0.0f}), Error);
  EXPECT_THROW(plateau.restore({1.0f, 0.5f, 0.5f, 0.0f}), Error);
  EXPECT_THROW(plateau.restore({2.0f, 0.5f, 0.0f, 0.0f}), Error);
  ConstantSchedule constant(0.1f);
  EXPECT_NO_THROW(constant.restore({}));
  EXPECT_THROW(constant.restore({1.0f}), Error);
  EXPECT_THROW(constant.rate(0), Error);
  EXPECT_THROW(ConstantSchedule(0.0f), Error);
  EXPECT_THROW(InverseSqrtSchedule(0.1f, -1), Error);
  EXPECT_THROW(PlateauSchedule({.lr = 0.1f, .patience = 0}), Error);
}

TEST(LrSchedule, FactoryReadsTheConfig) {
  auto schedule = make_lr_schedule(Config());
  EXPECT_NE(dynamic_cast<ConstantSchedule*>(schedule.get()), nullptr);
  EXPECT_FLOAT_EQ(schedule->rate(1), 0.001f);

  Config config = load_config_string(
      "train:\n  lr_schedule: inverse-sqrt\n  learning_rate: 0.002\n"
      "  warmup_steps: 100\n  min_learning_rate: 0.0005\n");
  schedule = make_lr_schedule(config);
  ASSERT_NE(dynamic_cast<InverseSqrtSchedule*>(schedule.get()), nullptr);
  EXPECT_FLOAT_EQ(schedule->rate(50), 0.001f);
  EXPECT_FLOAT_EQ(schedule->rate(100), 0.002f);
  EXPECT_FLOAT_EQ(schedule->rate(400), 0.001f);
  EXPECT_FLOAT_EQ(schedule->rate(1600), 0.0005f);  // 0.0005 exactly
  EXPECT_FLOAT_EQ(schedule->rate(6400), 0.0005f);  // 0.00025 floored

  config = load_config_string("", "x",
                              {"train.lr_schedule=plateau", "train.learning_rate=0.4",
                               "train.plateau_factor=0.25", "train.plateau_patience=1"});
  schedule = make_lr_schedule(config);
  ASSERT_NE(dynamic_cast<PlateauSchedule*>(schedule.get()), nullptr);
  schedule->on_validation(1.0);
  schedule->on_validation(1.0);
  EXPECT_FLOAT_EQ(schedule->rate(1), 0.1f);

  config.set("train.min_learning_rate", "1", "--set");
  std::string message;
  try {
    make_lr_schedule(config);
  } catch (const Error& e) {
    message = e.what();
  }
  EXPECT_NE(message.find("train.min_learning_rate (1.0, from --set) is above "
                         "train.learning_rate (0.4, from --set)"),
            std::string::npos)
      << message;
}

}  // namespace
}  // namespace tandem
