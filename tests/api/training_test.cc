// train(TrainRequest): config from a file or text with overrides, progress events, and a
// callback's exception ending the run with a checkpoint to resume from.
#include "api/training.h"

#include <gtest/gtest.h>

#include <stdexcept>

#include "support/temp_dir.h"
#include "support/tiny_api_model.h"

namespace tandem {
namespace {

using testing::error_message;
using testing::TempDir;

std::string with_dev(const TempDir& dir, const std::string& name) {
  return testing::tiny_api_config(
      dir, name, "bahdanau", ", valid_every: 5, checkpoint_every: 100",
      ", dev_source: " + dir.file("train.src") + ", dev_target: " + dir.file("train.tgt"));
}

TEST(Training, EventsAfterEveryStepAndValidation) {
  TempDir dir;
  std::vector<TrainEvent> events;
  TrainRequest request;
  request.config_text = with_dev(dir, "m");
  request.options.on_event = [&](const TrainEvent& e) { events.push_back(e); };
  const TrainSummary summary = train(request);
  EXPECT_EQ(summary.steps, 20);
  int64_t steps = 0, validations = 0, bests = 0;
  for (const TrainEvent& e : events) {
    EXPECT_EQ(e.max_steps, 20);
    if (e.kind == TrainEvent::Kind::kStep) {
      EXPECT_EQ(e.step, ++steps);  // one per step, in order
      EXPECT_GT(e.loss, 0.0);
      EXPECT_GT(e.tokens, 0);
      EXPECT_GT(e.learning_rate, 0.0);
      EXPECT_GE(e.epoch_fraction, 0.0);
      EXPECT_LE(e.epoch_fraction, 1.0);
    } else {
      ++validations;
      EXPECT_EQ(e.step, 5 * validations);  // after the step it follows
      EXPECT_EQ(e.step, steps);
      EXPECT_GT(e.validation.loss, 0.0);
      bests += e.best;
      if (validations == 1) {
        EXPECT_TRUE(e.best);  // the first validation's model is the best so far
      }
    }
  }
  EXPECT_EQ(steps, 20);
  EXPECT_EQ(validations, 4);
  EXPECT_GE(bests, 1);
  EXPECT_TRUE(summary.validated);
}

TEST(Training, ACallbacksExceptionEndsTheRunWithACheckpointAndIsRethrown) {
  TempDir dir;
  TrainRequest request;
  request.config_text = with_dev(dir, "m");
  request.options.on_event = [](const TrainEvent& e) {
    if (e.kind == TrainEvent::Kind::kStep && e.step == 7) throw std::runtime_error("enough");
  };
  EXPECT_THROW(
      {
        try {
          train(request);
        } catch (const std::runtime_error& e) {
          EXPECT_STREQ(e.what(), "enough");
          throw;
        }
      },
      std::runtime_error);
  // The run resumes where it stopped: its first step is step 8.
  std::vector<int64_t> steps;
  request.options.resume = true;
  request.options.on_event = [&](const TrainEvent& e) {
    if (e.kind == TrainEvent::Kind::kStep) steps.push_back(e.step);
  };
  const TrainSummary summary = train(request);
  EXPECT_EQ(summary.steps, 20);
  ASSERT_FALSE(steps.empty());
  EXPECT_EQ(steps.front(), 8);
  EXPECT_EQ(steps.size(), 13u);
}

TEST(Training, ConfigErrorsNameTheirSource) {
  TempDir dir;
  TrainRequest none;
  EXPECT_NE(error_message([&] { train(none); }).find("exactly one of config_path"),
            std::string::npos);
  TrainRequest both;
  both.config_path = dir.file("c.yaml");
  both.config_text = "train: {}";
  EXPECT_NE(error_message([&] { train(both); }).find("exactly one of config_path"),
            std::string::npos);
  TrainRequest missing;
  missing.config_path = dir.file("missing.yaml");
  EXPECT_NE(error_message([&] { train(missing); }).find("missing.yaml"), std::string::npos);
  TrainRequest text;
  text.config_text = "model: {cel: gru}\n";
  const std::string bad_key = error_message([&] { train(text); });
  EXPECT_NE(bad_key.find("<config>"), std::string::npos) << bad_key;
  TrainRequest overridden;
  overridden.config_text = testing::tiny_api_config(dir, "m");
  overridden.overrides = {"train.max_steps=zero"};
  const std::string bad_override = error_message([&] { train(overridden); });
  EXPECT_NE(bad_override.find("--set"), std::string::npos) << bad_override;
  EXPECT_NE(bad_override.find("train.max_steps"), std::string::npos) << bad_override;
}

}  // namespace
}  // namespace tandem
