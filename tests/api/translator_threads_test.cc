// One Translator called from several threads at once: each call gives what it gives alone
// (the calls share the model's workspace, packed weights and graph; one gets the model's graph,
// the others their own).
#include <gtest/gtest.h>

#include <thread>

#include "api/translator.h"
#include "support/temp_dir.h"
#include "support/tiny_api_model.h"

namespace tandem {
namespace {

using testing::TempDir;

TEST(TranslatorThreads, ConcurrentCallsGiveTheSingleThreadOutputs) {
  TempDir dir;
  const Translator translator(testing::train_tiny_api_model(dir), {.threads = 2, .precision = ""});
  std::vector<std::string> lines;
  for (const auto& [source, target] : testing::tiny_api_pairs()) lines.push_back(source);
  // Batches of 4: 16 batches per call, decoded on two workers within each call too.
  const DecodeRequest request{.settings = {{"batch_size", "4"}, {"beam_size", "2"}},
                              .attention = true};
  const std::vector<Translation> alone = translator.translate(lines, request);
  const std::vector<PairScore> scored_alone = translator.score(lines, lines);
  for (int callers : {2, 4}) {
    std::vector<std::vector<Translation>> got(callers);
    std::vector<std::vector<PairScore>> scored(callers);
    std::vector<std::thread> threads;
    for (int c = 0; c < callers; ++c)
      threads.emplace_back([&, c] {
        got[c] = translator.translate(lines, request);
        scored[c] = translator.score(lines, lines);
      });
    for (std::thread& t : threads) t.join();
    for (int c = 0; c < callers; ++c) {
      ASSERT_EQ(got[c].size(), alone.size());
      ASSERT_EQ(scored[c].size(), scored_alone.size());
      for (size_t i = 0; i < alone.size(); ++i) {
        ASSERT_EQ(got[c][i].outputs.size(), alone[i].outputs.size()) << i;
        for (size_t k = 0; k < alone[i].outputs.size(); ++k) {
          EXPECT_EQ(got[c][i].outputs[k].tokens, alone[i].outputs[k].tokens) << c << " " << i;
          EXPECT_EQ(got[c][i].outputs[k].score, alone[i].outputs[k].score) << c << " " << i;
          EXPECT_EQ(got[c][i].outputs[k].attention, alone[i].outputs[k].attention) << i;
        }
        EXPECT_EQ(scored[c][i].token_log_probs, scored_alone[i].token_log_probs) << c << " " << i;
      }
    }
  }
}

}  // namespace
}  // namespace tandem
