// Beam search on a trained toy model: K = 1 is greedy, K > 1 never scores worse, n-best lists
// are sorted and distinct, results do not depend on the batch, the constraints hold, and every
// sentence gets an output whatever the length settings.
#include "decode/beam.h"

#include <gtest/gtest.h>

#include <limits>
#include <set>

#include "data/vocab.h"
#include "support/reverse_task.h"
#include "train/optimizer.h"

namespace tandem {
namespace {

// A reverse-task model trained briefly: good enough that outputs are structured, poor enough
// that search has choices to make.
class BeamSearch : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    Rng rng(61);
    ModelConfig config;
    config.cell = CellType::kGru;
    config.attention = AttentionType::kLuongGeneral;
    config.input_feeding = true;
    config.source_vocab = config.target_vocab = 4 + 6;
    config.embedding_size = 8;
    config.encoder_hidden = 16;
    config.decoder_hidden = 32;
    config.dropout = 0.0f;
    model_ = new Seq2Seq(config, rng);
    Adam adam(model_->params(), AdamOptions{.lr = 0.01f});
    Rng data(62);
    for (int s = 0; s < 80; ++s) {
      testing::ReverseBatch batch = testing::make_reverse_batch(data, 32, 1, 7, 6);
      Graph g;
      model_->params().zero_grad();
      g.backward(model_->loss(g, batch.source_view(), batch.target_view(), LossOptions{}, rng));
      adam.step();
    }
    Rng held_out(63);
    test_ = new testing::ReverseBatch(testing::make_reverse_batch(held_out, 24, 1, 7, 6));
  }
  static void TearDownTestSuite() {
    delete model_;
    delete test_;
  }
  static Seq2Seq* model_;
  static testing::ReverseBatch* test_;
};
Seq2Seq* BeamSearch::model_ = nullptr;
testing::ReverseBatch* BeamSearch::test_ = nullptr;

TEST(SearchOutputs, NeverContainPadOrStartTokens) {
  // A model whose output layer strongly prefers <pad> and <s>: searches must pick other tokens.
  Rng rng(71);
  ModelConfig config;
  config.source_vocab = config.target_vocab = 4 + 6;
  config.embedding_size = 4;
  config.encoder_hidden = 4;
  config.decoder_hidden = 8;
  Seq2Seq model(config, rng);
  float* bias = model.params().get("decoder.output.b").value.data();
  bias[data::Vocab::kPad] = 100.0f;
  bias[data::Vocab::kBos] = 90.0f;
  Rng data(72);
  const testing::ReverseBatch batch = testing::make_reverse_batch(data, 5, 1, 6, 6);
  for (int64_t beam : {1, 3}) {
    BeamOptions o;
    o.beam_size = beam;
    Graph g;
    for (const auto& hypotheses : search(model, g, batch.source_view(), o))
      for (const Hypothesis& h : hypotheses)
        for (int32_t id : h.tokens) {
          EXPECT_NE(id, data::Vocab::kPad) << "beam " << beam;
          EXPECT_NE(id, data::Vocab::kBos) << "beam " << beam;
        }
  }
}

TEST_F(BeamSearch, BeamOfOneIsGreedy) {
  Graph g1, g2;
  BeamOptions o;
  o.beam_size = 1;
  o.length_penalty = LengthPenalty::kNone;
  o.search.keep_attention = true;
  const auto beam = beam_search(*model_, g1, test_->source_view(), o);
  const auto greedy = greedy_search(*model_, g2, test_->source_view(), o.search);
  for (int64_t b = 0; b < test_->batch; ++b) {
    ASSERT_EQ(beam[b].size(), 1u);
    EXPECT_EQ(beam[b][0].tokens, greedy[b].tokens) << "row " << b;
    EXPECT_NEAR(beam[b][0].log_prob, greedy[b].log_prob, 1e-5) << "row " << b;
    EXPECT_EQ(beam[b][0].attention.size(), greedy[b].attention.size());
  }
}

TEST_F(BeamSearch, WiderBeamNeverScoresWorseThanGreedy) {
  Graph g1, g2;
  BeamOptions o;
  o.beam_size = 5;
  o.length_penalty = LengthPenalty::kNone;  // compare raw model scores
  const auto beam = beam_search(*model_, g1, test_->source_view(), o);
  const auto greedy = greedy_search(*model_, g2, test_->source_view(), o.search);
  int better = 0;
  for (int64_t b = 0; b < test_->batch; ++b) {
    EXPECT_GE(beam[b][0].log_prob, greedy[b].log_prob - 1e-5) << "row " << b;
    better += beam[b][0].log_prob > greedy[b].log_prob + 1e-5;
  }
  std::printf("beam 5 found a better-scoring output than greedy for %d of %lld sentences\n", better,
              static_cast<long long>(test_->batch));
}

TEST_F(BeamSearch, NBestListsAreSortedAndDistinct) {
  Graph g;
  BeamOptions o;
  o.beam_size = 6;
  o.n_best = 4;
  for (LengthPenalty lp : {LengthPenalty::kNone, LengthPenalty::kAverage, LengthPenalty::kGnmt}) {
    o.length_penalty = lp;
    const auto out = beam_search(*model_, g, test_->source_view(), o);
    for (const auto& list : out) {
      EXPECT_EQ(list.size(), 4u);
      std::set<std::vector<int32_t>> distinct;
      for (size_t i = 0; i < list.size(); ++i) {
        distinct.insert(list[i].tokens);
        if (i > 0) {
          EXPECT_GE(list[i - 1].score, list[i].score);
        }
      }
      EXPECT_EQ(distinct.size(), list.size());
    }
  }
}

TEST_F(BeamSearch, SameOutputWhateverTheBatch) {
  BeamOptions o;
  o.beam_size = 4;
  o.n_best = 2;
  Graph g;
  const auto together = beam_search(*model_, g, test_->source_view(), o);
  // Each sentence alone, and the batch in reverse order.
  std::vector<std::vector<int32_t>> rs(test_->sources.rbegin(), test_->sources.rend());
  std::vector<std::vector<int32_t>> rt(test_->targets.rbegin(), test_->targets.rend());
  const testing::ReverseBatch reversed = testing::pad_batch(rs, rt);
  const auto backwards = beam_search(*model_, g, reversed.source_view(), o);
  for (int64_t b = 0; b < test_->batch; ++b) {
    const testing::ReverseBatch one = testing::pad_batch({test_->sources[b]}, {test_->targets[b]});
    const auto alone = beam_search(*model_, g, one.source_view(), o);
    for (size_t i = 0; i < together[b].size(); ++i) {
      EXPECT_EQ(together[b][i].tokens, alone[0][i].tokens) << "row " << b;
      EXPECT_EQ(together[b][i].tokens, backwards[test_->batch - 1 - b][i].tokens) << "row " << b;
      EXPECT_NEAR(together[b][i].score, alone[0][i].score, 1e-5);
    }
  }
}

TEST_F(BeamSearch, ConstraintsHold) {
  Graph g;
  BeamOptions o;
  o.beam_size = 3;
  o.min_length = 9;  // longer than any reversal here
  o.no_repeat_ngram = 2;
  const auto out = search(*model_, g, test_->source_view(), o);
  for (const auto& list : out) {
    const std::vector<int32_t>& t = list[0].tokens;
    EXPECT_GE(t.size(), 9u);
    std::set<std::pair<int32_t, int32_t>> bigrams;
    for (size_t i = 0; i + 1 < t.size(); ++i)
      EXPECT_TRUE(bigrams.insert({t[i], t[i + 1]}).second) << "a bigram repeats";
  }
}

// Whatever the length settings, every sentence ends with a hypothesis no longer than its limit:
// the limit wins over min_length, no_repeat_ngram cannot leave a sentence with nothing, and
// huge settings neither overflow nor run away.
TEST_F(BeamSearch, EverySentenceEndsWithAHypothesisWhateverTheLengthSettings) {
  struct Setting {
    const char* name;
    int64_t min_length, no_repeat_ngram, offset;
    float ratio;
  };
  const Setting settings[] = {
      {"min_length beyond every limit", 100, 0, 10, 2.0f},
      {"min_length beyond the limit of short sentences", 12, 0, 2, 1.0f},
      {"no_repeat_ngram bans every token before min_length", 100, 1, 10, 2.0f},
      {"infinite ratio", 3, 0, 10, std::numeric_limits<float>::infinity()},
      {"largest offset", 3, 0, std::numeric_limits<int64_t>::max(), 2.0f},
  };
  for (const Setting& setting : settings)
    for (int64_t beam : {1, 2, 3}) {
      BeamOptions o;
      o.beam_size = beam;
      o.n_best = beam;
      o.min_length = setting.min_length;
      o.no_repeat_ngram = setting.no_repeat_ngram;
      o.search.max_length_ratio = setting.ratio;
      o.search.max_length_offset = setting.offset;
      Graph g;
      const auto out = search(*model_, g, test_->source_view(), o);
      const std::vector<int64_t> limit = output_length_limits(test_->source_view(), o.search);
      ASSERT_EQ(out.size(), static_cast<size_t>(test_->batch));
      for (int64_t b = 0; b < test_->batch; ++b) {
        ASSERT_FALSE(out[b].empty()) << setting.name << ", beam " << beam << ", sentence " << b;
        for (const Hypothesis& h : out[b])
          EXPECT_LE(static_cast<int64_t>(h.tokens.size()), limit[b]) << setting.name;
      }
    }
}

// The searches compact the decoder state after every step: a search four times as long peaks
// at about the same arena size instead of four times the steps' values.
TEST_F(BeamSearch, ArenaHoldsOneStepAtATime) {
  auto peak = [&](int64_t length, int64_t beam) {
    Graph g;
    BeamOptions o;
    o.beam_size = beam;
    o.min_length = length;  // every hypothesis runs this long
    o.search.max_length_offset = length + 2;
    const auto out = search(*model_, g, test_->source_view(), o);
    EXPECT_GE(out.at(0).at(0).tokens.size(), static_cast<size_t>(length));
    return g.arena().peak_bytes();
  };
  for (int64_t beam : {2, 4}) {
    const size_t short_run = peak(10, beam), long_run = peak(40, beam);
    EXPECT_LT(long_run, short_run * 5 / 4)
        << "beam " << beam << ": " << short_run << " bytes for 10 steps, " << long_run << " for 40";
  }
}

}  // namespace
}  // namespace tandem
