// Translator::score: teacher-forced log-probabilities that agree with the training loss, and
// errors naming the argument and line.
#include <gtest/gtest.h>

#include <cmath>

#include "api/translator.h"
#include "data/batch.h"
#include "support/temp_dir.h"
#include "support/tiny_api_model.h"
#include "train/training_data.h"

namespace tandem {
namespace {

using testing::error_message;
using testing::TempDir;

TEST(Score, MeanNegativeLogProbabilityIsTheTrainingLoss) {
  TempDir dir;
  const Translator translator(testing::train_tiny_api_model(dir));
  std::vector<std::string> sources, targets;
  for (const auto& [s, t] : testing::tiny_api_pairs()) {
    sources.push_back(s);
    targets.push_back(t);
  }
  targets[1] = "";                 // an empty target scores its </s>
  targets[2] = "zz" + targets[2];  // characters outside the vocabulary score as <unk>
  const std::vector<PairScore> scores = translator.score(sources, targets);
  ASSERT_EQ(scores.size(), sources.size());
  double sum = 0.0;
  size_t tokens = 0;
  for (const PairScore& s : scores) {
    ASSERT_EQ(s.token_log_probs.size(), s.target_tokens.size());
    EXPECT_EQ(s.target_tokens.back(), "</s>");
    double pair_sum = 0.0;
    for (float p : s.token_log_probs) {
      EXPECT_LE(p, 0.0f);
      pair_sum += p;
    }
    EXPECT_NEAR(s.log_prob, pair_sum, 1e-9);
    sum -= pair_sum;
    tokens += s.token_log_probs.size();
  }
  EXPECT_EQ(scores[1].target_tokens, std::vector<std::string>{"</s>"});
  EXPECT_GE(scores[0].source_tokens.size(), 2u);

  // The loss of the same pairs in one batch: no dropout, no label smoothing.
  const LoadedModel& m = translator.model();
  std::vector<data::Example> examples(sources.size());
  std::vector<const data::Example*> rows;
  for (size_t i = 0; i < sources.size(); ++i) {
    examples[i].source = m.source_vocab.encode(m.source_tokenizer->encode(sources[i]));
    examples[i].target = m.target_vocab.encode(m.target_tokenizer->encode(targets[i]));
    rows.push_back(&examples[i]);
  }
  const data::Batch batch = data::make_batch(rows);
  Graph g;
  Rng rng(0);
  LossOptions options;
  options.training = false;
  const double loss =
      m.model->loss(g, source_view(batch), target_view(batch), options, rng).value().item();
  EXPECT_EQ(static_cast<int64_t>(tokens), batch.target_tokens);
  EXPECT_NEAR(sum / tokens, loss, 1e-5 * loss);
}

// Each pair scored alone scores as it does among the others, with decode.batch_size 8 so that
// the 64 pairs span 8 batches (sorted by length: a pair's batch is not its input neighbours').
TEST(Score, EachPairScoresAsItDoesAloneAcrossBatches) {
  TempDir dir;
  TrainRequest request;
  request.config_text = testing::tiny_api_config(dir, "model");
  request.overrides = {"decode.batch_size=8"};
  train(request);
  const Translator translator(dir.file("model"));
  ASSERT_EQ(translator.config().get_int("decode.batch_size"), 8);
  std::vector<std::string> sources, targets;
  for (const auto& [s, t] : testing::tiny_api_pairs()) {
    sources.push_back(s);
    targets.push_back(t);
  }
  std::swap(targets[3], targets[40]);  // some pairs that are not translations
  const std::vector<PairScore> batched = translator.score(sources, targets);
  ASSERT_EQ(batched.size(), sources.size());
  for (size_t i = 0; i < sources.size(); ++i) {
    const std::vector<PairScore> alone = translator.score({sources[i]}, {targets[i]});
    ASSERT_EQ(alone.size(), 1u);
    EXPECT_EQ(alone[0].source_tokens, batched[i].source_tokens) << i;
    EXPECT_EQ(alone[0].target_tokens, batched[i].target_tokens) << i;
    ASSERT_EQ(alone[0].token_log_probs.size(), batched[i].token_log_probs.size()) << i;
    for (size_t k = 0; k < alone[0].token_log_probs.size(); ++k)
      EXPECT_NEAR(alone[0].token_log_probs[k], batched[i].token_log_probs[k], 1e-5)
          << i << " " << k;
    EXPECT_NEAR(alone[0].log_prob, batched[i].log_prob, 1e-4) << i;
  }
}

TEST(Score, ErrorsNameTheArgumentAndTheLine) {
  TempDir dir;
  const Translator translator(testing::train_tiny_api_model(dir));
  const std::string counts = error_message([&] { translator.score({"ab", "cd"}, {"ba"}); });
  EXPECT_NE(counts.find("2 sources and 1 targets"), std::string::npos) << counts;
  const std::string source = error_message([&] { translator.score({"ab", "c\xfe"}, {"a", "b"}); });
  EXPECT_NE(source.find("sources: line 2: invalid UTF-8"), std::string::npos) << source;
  const std::string target = error_message([&] { translator.score({"ab"}, {"\xc3"}); });
  EXPECT_NE(target.find("targets: line 1: invalid UTF-8"), std::string::npos) << target;
  const std::string empty = error_message([&] { translator.score({"ab", ""}, {"a", "b"}); });
  EXPECT_NE(empty.find("sources: line 2: empty"), std::string::npos) << empty;
  EXPECT_TRUE(translator.score({}, {}).empty());
}

}  // namespace
}  // namespace tandem
