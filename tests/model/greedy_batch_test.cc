// Greedy search gives each sentence the same output whatever batch it is decoded in: padding,
// masks and finished rows leaving the batch leave no trace; its length limits stay sane.
#include <gtest/gtest.h>

#include <limits>

#include "decode/greedy.h"
#include "support/reverse_task.h"
#include "train/optimizer.h"

namespace tandem {
namespace {

TEST(GreedySearch, BatchEqualsOneSentenceAtATime) {
  for (AttentionType attention : {AttentionType::kBahdanau, AttentionType::kNone,
                                  AttentionType::kLuongDot, AttentionType::kLuongGeneral}) {
    Rng rng(41);
    ModelConfig config;
    config.cell = CellType::kLstm;
    config.attention = attention;
    config.source_vocab = config.target_vocab = 10;
    config.embedding_size = 8;
    config.encoder_hidden = 16;
    config.decoder_hidden = 32;  // = the bidirectional encoder's output, as luong-dot needs
    config.input_feeding = true;
    config.dropout = 0.0f;
    Seq2Seq model(config, rng);
    // A little training so that outputs are neither constant nor random.
    Adam adam(model.params(), AdamOptions{.lr = 0.01f});
    Rng data(42);
    for (int s = 0; s < 60; ++s) {
      testing::ReverseBatch batch = testing::make_reverse_batch(data, 16, 1, 8, 6);
      Graph g;
      model.params().zero_grad();
      g.backward(model.loss(g, batch.source_view(), batch.target_view(), LossOptions{}, rng));
      adam.step();
    }
    Rng held_out(43);
    const testing::ReverseBatch test = testing::make_reverse_batch(held_out, 9, 1, 8, 6);
    SearchOptions options;
    options.keep_attention = true;
    Graph g;
    const std::vector<Hypothesis> together = greedy_search(model, g, test.source_view(), options);
    for (int64_t b = 0; b < test.batch; ++b) {
      const testing::ReverseBatch one = testing::pad_batch({test.sources[b]}, {test.targets[b]});
      Graph g1;
      const Hypothesis alone = greedy_search(model, g1, one.source_view(), options)[0];
      EXPECT_EQ(together[b].tokens, alone.tokens) << "row " << b;
      EXPECT_NEAR(together[b].score, alone.score, 1e-4) << "row " << b;
      ASSERT_EQ(together[b].attention.size(), alone.attention.size());
      for (size_t t = 0; t < alone.attention.size(); ++t)
        for (size_t s = 0; s < alone.attention[t].size(); ++s)
          EXPECT_NEAR(together[b].attention[t][s], alone.attention[t][s], 1e-5);
    }
  }
}

TEST(GreedySearch, StopsAtTheLengthLimitAndOnEmptyBatch) {
  Rng rng(44);
  ModelConfig config;
  config.source_vocab = config.target_vocab = 10;
  config.embedding_size = 4;
  config.encoder_hidden = config.decoder_hidden = 8;
  Seq2Seq model(config, rng);  // untrained: it may never say </s>
  const testing::ReverseBatch test = testing::pad_batch({{4, 5, 6}}, {{6, 5, 4}});
  SearchOptions options;
  options.max_length_ratio = 1.0f;
  options.max_length_offset = 2;
  Graph g;
  EXPECT_LE(greedy_search(model, g, test.source_view(), options)[0].tokens.size(), 5u);
  SourceBatch empty;
  EXPECT_TRUE(greedy_search(model, g, empty, options).empty());
}

// The limit is ratio·length + offset, clamped: huge settings neither overflow (a negative limit
// decoded nothing) nor run for ever.
TEST(GreedySearch, LengthLimitsAreClampedInsteadOfOverflowing) {
  const testing::ReverseBatch test = testing::pad_batch({{4, 5, 6}, {4}}, {{6, 5, 4}, {4}});
  SearchOptions options;
  options.max_length_ratio = 1.5f;
  options.max_length_offset = 2;
  EXPECT_EQ(output_length_limits(test.source_view(), options), (std::vector<int64_t>{6, 3}));
  options.max_length_offset = std::numeric_limits<int64_t>::max();
  EXPECT_EQ(output_length_limits(test.source_view(), options)[0], kMaxOutputLength);
  options.max_length_offset = 0;
  options.max_length_ratio = std::numeric_limits<float>::infinity();
  EXPECT_EQ(output_length_limits(test.source_view(), options)[1], kMaxOutputLength);
  options.max_length_ratio = 0.0f;
  EXPECT_EQ(output_length_limits(test.source_view(), options), (std::vector<int64_t>{0, 0}));
}

}  // namespace
}  // namespace tandem
