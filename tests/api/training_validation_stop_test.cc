// A callback that throws on a validation event: the run ends with a checkpoint of that step,
// the exception is rethrown, and a resumed run continues from the next step, validating where
// an uninterrupted run does and reaching the same validation losses.
#include <gtest/gtest.h>

#include <stdexcept>

#include "api/training.h"
#include "support/temp_dir.h"
#include "support/tiny_api_model.h"

namespace tandem {
namespace {

using testing::TempDir;

std::string with_dev(const TempDir& dir, const std::string& name) {
  return testing::tiny_api_config(
      dir, name, "bahdanau", ", valid_every: 5, checkpoint_every: 100",
      ", dev_source: " + dir.file("train.src") + ", dev_target: " + dir.file("train.tgt"));
}

TEST(TrainingValidationStop, ThrowingOnAValidationResumesFromTheNextStep) {
  TempDir dir;
  // The uninterrupted run's validations.
  std::vector<std::pair<int64_t, double>> whole;
  TrainRequest request;
  request.config_text = with_dev(dir, "whole");
  request.options.on_event = [&](const TrainEvent& e) {
    if (e.kind == TrainEvent::Kind::kValidation) whole.emplace_back(e.step, e.validation.loss);
  };
  train(request);
  ASSERT_EQ(whole.size(), 4u);

  request.config_text = with_dev(dir, "stopped");
  request.options.on_event = [](const TrainEvent& e) {
    if (e.kind == TrainEvent::Kind::kValidation && e.step == 10)
      throw std::runtime_error("stop at the validation");
  };
  EXPECT_THROW(train(request), std::runtime_error);

  std::vector<int64_t> steps;
  std::vector<std::pair<int64_t, double>> validations;
  request.options.resume = true;
  request.options.on_event = [&](const TrainEvent& e) {
    if (e.kind == TrainEvent::Kind::kStep) steps.push_back(e.step);
    if (e.kind == TrainEvent::Kind::kValidation)
      validations.emplace_back(e.step, e.validation.loss);
  };
  const TrainSummary summary = train(request);
  EXPECT_EQ(summary.steps, 20);
  ASSERT_FALSE(steps.empty());
  EXPECT_EQ(steps.front(), 11);  // step 10 and its validation are not done again
  EXPECT_EQ(steps.size(), 10u);
  ASSERT_EQ(validations.size(), 2u);
  EXPECT_EQ(validations[0].first, 15);
  EXPECT_EQ(validations[1].first, 20);
  EXPECT_EQ(validations[0].second, whole[2].second);
  EXPECT_EQ(validations[1].second, whole[3].second);
}

}  // namespace
}  // namespace tandem
