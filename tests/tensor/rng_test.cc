// Tests for Rng: reproducibility, state save/restore, and the distributions' moments.
#include "tensor/rng.h"

#include <gtest/gtest.h>

#include <cmath>

namespace tandem {
namespace {

TEST(Rng, SameSeedSameStreamDifferentSeedDifferentStream) {
  Rng a(42), b(42), c(43);
  for (int i = 0; i < 100; ++i) {
    const uint64_t x = a.next_u64();
    EXPECT_EQ(x, b.next_u64());
    EXPECT_NE(x, c.next_u64());
  }
}

TEST(Rng, KnownFirstValuesPinThePlatformIndependentStream) {
  // If these change, every seeded run (initialisation, dropout, shuffling) changes: the stream
  // is part of the reproducibility contract. The value was checked against an independent
  // Python transcription of Vigna's reference xoshiro256** and splitmix64.
  Rng rng(0);
  const uint64_t first = rng.next_u64();
  Rng again(0);
  EXPECT_EQ(first, again.next_u64());
  EXPECT_EQ(first, 0x99ec5f36cb75f2b4ULL);
}

TEST(Rng, StateRestoreReplaysTheStream) {
  Rng rng(7);
  rng.normal();
  const Rng::State saved = rng.state();
  const float x = rng.uniform(), y = rng.normal();
  rng.set_state(saved);
  EXPECT_EQ(rng.uniform(), x);
  EXPECT_EQ(rng.normal(), y);
}

TEST(Rng, DistributionMoments) {
  Rng rng(1);
  const int n = 200000;
  double su = 0, su2 = 0, sn = 0, sn2 = 0;
  float lo = 1, hi = 0;
  for (int i = 0; i < n; ++i) {
    const float u = rng.uniform();
    lo = std::min(lo, u);
    hi = std::max(hi, u);
    su += u;
    su2 += u * u;
    const float z = rng.normal(2.0f, 3.0f);
    sn += z;
    sn2 += (z - 2.0) * (z - 2.0);
  }
  EXPECT_GE(lo, 0.0f);
  EXPECT_LT(hi, 1.0f);
  // Standard errors: uniform mean 0.29/sqrt(n) ≈ 6.5e-4; normal mean 3/sqrt(n) ≈ 6.7e-3.
  EXPECT_NEAR(su / n, 0.5, 4e-3);
  EXPECT_NEAR(su2 / n - (su / n) * (su / n), 1.0 / 12, 2e-3);
  EXPECT_NEAR(sn / n, 2.0, 0.04);
  EXPECT_NEAR(std::sqrt(sn2 / n), 3.0, 0.04);
}

TEST(Rng, BelowIsUniformAndShuffleIsAPermutation) {
  Rng rng(3);
  std::vector<int> counts(7, 0);
  for (int i = 0; i < 70000; ++i) ++counts[rng.below(7)];
  for (int c : counts) EXPECT_NEAR(c, 10000, 500);  // ±5 standard deviations
  std::vector<int> items = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
  rng.shuffle(items);
  std::vector<int> sorted = items;
  std::sort(sorted.begin(), sorted.end());
  for (int i = 0; i < 10; ++i) EXPECT_EQ(sorted[i], i);
  EXPECT_NE(items, sorted);  // 1 in 3.6 million to fail by chance for a fixed seed: it's fixed
}

}  // namespace
}  // namespace tandem
