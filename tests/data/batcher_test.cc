// Tests for make_batch and Batcher: padding, masks, shifts, epoch plans, token budgets, limits.
#include "data/batcher.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "data/vocab.h"
#include "tensor/error.h"
#include "tensor/rng.h"

namespace tandem::data {
namespace {

using Ids = std::vector<int32_t>;
constexpr int32_t P = Vocab::kPad, S = Vocab::kBos, E = Vocab::kEos;

// `n` examples with source lengths drawn uniformly from [1, max_length]; ids are irrelevant
// here. Target lengths are independent, or like a translation's close to the source's.
std::vector<Example> random_corpus(int64_t n, int64_t max_length, uint64_t seed,
                                   bool correlated = false) {
  Rng rng(seed);
  std::vector<Example> examples;
  for (int64_t i = 0; i < n; ++i) {
    Example e;
    e.source.assign(1 + rng.below(static_cast<uint64_t>(max_length)), 7);
    e.target.assign(correlated ? e.source.size() + rng.below(4)
                               : 1 + rng.below(static_cast<uint64_t>(max_length)),
                    8);
    e.index = i;
    examples.push_back(std::move(e));
  }
  return examples;
}

// Each kept example appears in exactly one batch of the plan.
void expect_each_once(const std::vector<std::vector<int64_t>>& plan, int64_t n) {
  std::vector<int> seen(static_cast<size_t>(n), 0);
  for (const auto& batch : plan) {
    EXPECT_FALSE(batch.empty());
    for (int64_t p : batch) {
      ASSERT_TRUE(p >= 0 && p < n) << p;
      ++seen[static_cast<size_t>(p)];
    }
  }
  for (int64_t i = 0; i < n; ++i) EXPECT_EQ(seen[static_cast<size_t>(i)], 1) << "example " << i;
}

// Padded positions / all positions of the source and target matrices over a plan.
double padding_ratio(const Batcher& batcher, const std::vector<std::vector<int64_t>>& plan) {
  int64_t padded = 0, total = 0;
  for (const auto& entry : plan) {
    int64_t longest_source = 0, longest_target = 0, real = 0;
    for (int64_t p : entry) {
      const Example& e = batcher.examples()[static_cast<size_t>(p)];
      longest_source = std::max<int64_t>(longest_source, static_cast<int64_t>(e.source.size()));
      longest_target = std::max<int64_t>(longest_target, static_cast<int64_t>(e.target.size()));
      real += static_cast<int64_t>(e.source.size() + e.target.size());
    }
    const auto all = static_cast<int64_t>(entry.size()) * (longest_source + longest_target);
    padded += all - real;
    total += all;
  }
  return static_cast<double>(padded) / static_cast<double>(total);
}

TEST(BatcherMakeBatch, PadsTimeMajorAndShiftsTargets) {
  Example a{{5, 6, 7}, {8, 9}, 7};
  Example b{{10}, {11, 12, 13}, 3};
  Batch batch = make_batch({&a, &b});
  EXPECT_EQ(batch.size, 2);
  EXPECT_EQ(batch.source_length, 3);
  EXPECT_EQ(batch.target_length, 4);
  EXPECT_EQ(batch.source, (Ids{5, 10, 6, P, 7, P}));  // (S, B)
  EXPECT_EQ(batch.target_in, (Ids{S, S, 8, 11, 9, 12, P, 13}));
  EXPECT_EQ(batch.target_out, (Ids{8, 11, 9, 12, E, 13, P, E}));
  EXPECT_EQ(batch.source_mask.shape(), (Shape{2, 3}));
  EXPECT_EQ(
      std::vector<float>(batch.source_mask.values().begin(), batch.source_mask.values().end()),
      (std::vector<float>{1, 1, 1, 1, 0, 0}));
  EXPECT_EQ(batch.source_lengths, (std::vector<int64_t>{3, 1}));
  EXPECT_EQ(batch.indices, (std::vector<int64_t>{7, 3}));
  EXPECT_EQ(batch.target_tokens, 7);
}

TEST(BatcherMakeBatch, EmptyTargetsForTranslation) {
  Example a{{5, 6}, {}, 0};
  Example b{{7}, {}, 1};
  Batch batch = make_batch({&a, &b});
  EXPECT_EQ(batch.target_length, 1);
  EXPECT_EQ(batch.target_in, (Ids{S, S}));
  EXPECT_EQ(batch.target_out, (Ids{E, E}));
  EXPECT_EQ(batch.target_tokens, 2);
  EXPECT_THROW(make_batch({}), Error);
}

TEST(Batcher, EveryExampleOncePerEpochInBothModes) {
  for (bool by_tokens : {false, true}) {
    BatchOptions options;
    options.batch_size = by_tokens ? 200 : 16;
    options.by_tokens = by_tokens;
    options.pool_batches = 4;
    Batcher batcher(random_corpus(1000, 30, 1), options, 42);
    EXPECT_EQ(batcher.num_examples(), 1000);
    EXPECT_EQ(batcher.dropped(), 0);
    for (int64_t epoch : {0, 1, 7}) expect_each_once(batcher.epoch_plan(epoch), 1000);
  }
}

TEST(Batcher, SentenceBatchesHoldBatchSizeExamples) {
  BatchOptions options;
  options.batch_size = 16;
  options.pool_batches = 4;
  Batcher batcher(random_corpus(1000, 30, 1), options, 42);
  int64_t full = 0;
  for (const auto& entry : batcher.epoch_plan(0)) {
    EXPECT_LE(entry.size(), 16u);
    full += entry.size() == 16u;
  }
  EXPECT_GE(full, 1000 / 16 - 1000 / 64);  // at most one partial batch per pool
}

TEST(Batcher, PlanDependsOnlyOnSeedAndEpoch) {
  BatchOptions options;
  options.batch_size = 8;
  Batcher one(random_corpus(300, 20, 2), options, 99);
  Batcher two(random_corpus(300, 20, 2), options, 99);
  (void)one.epoch_plan(0);  // earlier epochs leave no trace
  (void)one.epoch_plan(1);
  EXPECT_EQ(one.epoch_plan(3), two.epoch_plan(3));
  EXPECT_NE(one.epoch_plan(3), one.epoch_plan(4));
  Batcher other_seed(random_corpus(300, 20, 2), options, 100);
  EXPECT_NE(one.epoch_plan(3), other_seed.epoch_plan(3));
}

TEST(Batcher, BatchBuildsThePlannedRows) {
  BatchOptions options;
  options.batch_size = 8;
  Batcher batcher(random_corpus(50, 10, 3), options, 1);
  const auto plan = batcher.epoch_plan(0);
  Batch batch = batcher.batch(plan[0]);
  ASSERT_EQ(batch.size, static_cast<int64_t>(plan[0].size()));
  for (size_t b = 0; b < plan[0].size(); ++b) {
    const Example& e = batcher.examples()[static_cast<size_t>(plan[0][b])];
    EXPECT_EQ(batch.indices[b], e.index);
    EXPECT_EQ(batch.source_lengths[b], static_cast<int64_t>(e.source.size()));
  }
  EXPECT_THROW(batcher.batch({}), Error);
  EXPECT_THROW(batcher.batch({50}), Error);
  EXPECT_THROW(batcher.batch({-1}), Error);
}

TEST(Batcher, TokenBudgetIsRespectedExceptBySingleLongExamples) {
  std::vector<Example> examples = random_corpus(500, 40, 4);
  Example long_one{std::vector<int32_t>(150, 7), {8}, 500};
  examples.push_back(long_one);
  BatchOptions options;
  options.batch_size = 120;
  options.by_tokens = true;
  options.pool_batches = 8;
  Batcher batcher(std::move(examples), options, 5);
  bool found_long = false;
  for (const auto& entry : batcher.epoch_plan(0)) {
    Batch batch = batcher.batch(entry);
    const int64_t cost = batch.size * std::max(batch.source_length, batch.target_length);
    if (batch.size > 1) {
      EXPECT_LE(cost, 120);
    } else if (batch.indices[0] == 500) {
      found_long = true;
      EXPECT_EQ(cost, 150);
    }
  }
  EXPECT_TRUE(found_long);
}

TEST(Batcher, LengthLimitsAndEmptinessDropAndCount) {
  std::vector<Example> examples = {
      {{1, 2}, {3}, 0},       {{1, 2, 3, 4}, {3}, 1},  // source too long
      {{1}, {3, 3, 3}, 2},                             // target too long
      {{}, {3}, 3},           {{1}, {}, 4},            // empty
      {{1, 2, 3}, {3, 3}, 5},
  };
  BatchOptions options;
  options.max_source_length = 3;
  options.max_target_length = 2;
  Batcher batcher(examples, options, 0);
  EXPECT_EQ(batcher.dropped(), 4);
  ASSERT_EQ(batcher.num_examples(), 2);
  EXPECT_EQ(batcher.examples()[0].index, 0);
  EXPECT_EQ(batcher.examples()[1].index, 5);

  options = BatchOptions{};
  options.drop_empty = false;
  Batcher keep_empty(examples, options, 0);
  EXPECT_EQ(keep_empty.dropped(), 0);
  expect_each_once(keep_empty.epoch_plan(0), 6);
}

TEST(Batcher, SortingWithinPoolsCutsPadding) {
  BatchOptions options;
  options.batch_size = 16;
  options.pool_batches = 1;  // a pool of one batch: sorting cannot change which rows go together
  Batcher unsorted(random_corpus(2000, 50, 6, true), options, 7);
  options.pool_batches = 32;
  Batcher sorted(random_corpus(2000, 50, 6, true), options, 7);
  const double random_padding = padding_ratio(unsorted, unsorted.epoch_plan(0));
  const double sorted_padding = padding_ratio(sorted, sorted.epoch_plan(0));
  EXPECT_GT(random_padding, 0.3);
  EXPECT_LT(sorted_padding, random_padding / 4) << sorted_padding << " vs " << random_padding;
}

TEST(Batcher, BadOptionsAreErrors) {
  BatchOptions options;
  options.batch_size = 0;
  EXPECT_THROW(Batcher({}, options, 0), Error);
  options = BatchOptions{};
  options.pool_batches = 0;
  EXPECT_THROW(Batcher({}, options, 0), Error);
  options = BatchOptions{};
  options.max_source_length = -1;
  EXPECT_THROW(Batcher({}, options, 0), Error);
  Batcher empty({}, BatchOptions{}, 0);
  EXPECT_TRUE(empty.epoch_plan(0).empty());
}

}  // namespace
}  // namespace tandem::data
