// Translator's bounds and error labels: the thread count's upper bound, score() against
// decode.max_input_tokens, line errors labelled by what the lines are (not by the settings'
// origin), and a moved-from Translator.
#include <gtest/gtest.h>

#include "api/translator.h"
#include "io/options.h"
#include "support/temp_dir.h"
#include "support/tiny_api_model.h"

namespace tandem {
namespace {

using testing::error_message;
using testing::TempDir;


TEST(TranslatorLimits, ThreadsAreBoundedAsOnTheCommandLine) {
  TempDir dir;
  const std::string model = testing::train_tiny_api_model(dir);
  const std::string message =
      error_message([&] { Translator t(model, {.threads = 100000, .precision = ""}); });
  EXPECT_CONTAINS(message, "threads");
  EXPECT_CONTAINS(message, "at most " + std::to_string(kMaxThreads));
  EXPECT_CONTAINS(message, "100000");
  EXPECT_EQ(Translator(model, {.threads = kMaxThreads, .precision = ""}).threads(), kMaxThreads);
}

// A tiny model with `overrides` ("key=value") in its saved config.
std::string tiny_model_with(const TempDir& dir, const std::string& name,
                            std::vector<std::string> overrides) {
  TrainRequest request;
  request.config_text = testing::tiny_api_config(dir, name);
  request.overrides = std::move(overrides);
  train(request);
  return dir.file(name);
}

// Translation cuts a longer line (with a warning); a score of a cut source would be the score of
// another pair, so score() refuses it, naming the line and the limit.
TEST(TranslatorLimits, ScoreRefusesSourcesBeyondMaxInputTokens) {
  TempDir dir;
  const Translator translator(tiny_model_with(dir, "short", {"decode.max_input_tokens=3"}));
  EXPECT_CONTAINS(error_message([&] {
                    translator.score({"ab", "abcd"}, {"ba", "dcba"});
                  }),
                  "sources: line 2: 4 tokens, at most 3 (decode.max_input_tokens)");
  EXPECT_EQ(translator.score({"abc"}, {"cba"}).size(), 1u);
}

TEST(TranslatorLimits, AMovedFromTranslatorIsAnErrorNotACrash) {
  TempDir dir;
  Translator from(testing::train_tiny_api_model(dir));
  const Translator to(std::move(from));
  EXPECT_EQ(to.translate({"ab"}).size(), 1u);
  for (const std::string& m :
       {error_message([&] { from.translate({"ab"}); }), error_message([&] { from.config(); }),
        error_message([&] { from.score({"ab"}, {"ba"}); }), error_message([&] { from.threads(); }),
        error_message([&] { from.model(); }), error_message([&] { from.decode_config({}); })})
    EXPECT_CONTAINS(m, "moved from");
}

}  // namespace
}  // namespace tandem
