// Batcher: filtering by length, then per epoch shuffling, pooled sorting and cutting into batches.
#include "data/batcher.h"

#include <algorithm>
#include <limits>
#include <numeric>
#include <string>
#include <tuple>
#include <utility>

#include "tensor/error.h"
#include "tensor/rng.h"

namespace tandem::data {

namespace {

// splitmix64's finaliser: a bijective mix so that nearby (seed, epoch) pairs give unrelated
// streams.
uint64_t mix(uint64_t z) {
  z += 0x9e3779b97f4a7c15ULL;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

int64_t saturating_multiply(int64_t a, int64_t b) {  // both >= 1
  return a > std::numeric_limits<int64_t>::max() / b ? std::numeric_limits<int64_t>::max() : a * b;
}

int64_t source_length(const Example& e) { return static_cast<int64_t>(e.source.size()); }
int64_t target_length(const Example& e) { return static_cast<int64_t>(e.target.size()) + 1; }

}  // namespace

Batcher::Batcher(std::vector<Example> examples, BatchOptions options, uint64_t seed)
    : options_(options), seed_(seed) {
  check(options.batch_size >= 1,
        [&] { return "batch size must be at least 1, got " + std::to_string(options.batch_size); });
  check(options.pool_batches >= 1, [&] {
    return "the sorting pool must hold at least 1 batch, got " +
           std::to_string(options.pool_batches);
  });
  check(options.max_source_length >= 0 && options.max_target_length >= 0,
        "length limits must be 0 (no limit) or positive");
  const auto keep = [&](const Example& e) {
    if (options.drop_empty && !has_both_sides(e)) return false;
    if (options.max_source_length > 0 &&
        static_cast<int64_t>(e.source.size()) > options.max_source_length) {
      return false;
    }
    return options.max_target_length == 0 ||
           static_cast<int64_t>(e.target.size()) <= options.max_target_length;
  };
  examples_.reserve(examples.size());
  for (Example& e : examples) {
    if (keep(e)) {
      examples_.push_back(std::move(e));
    } else {
      ++dropped_;
    }
  }
}

std::vector<std::vector<int64_t>> Batcher::epoch_plan(int64_t epoch) const {
  Rng rng(mix(seed_ ^ mix(static_cast<uint64_t>(epoch))));
  std::vector<int64_t> order(examples_.size());
  std::iota(order.begin(), order.end(), int64_t{0});
  rng.shuffle(order);

  const int64_t pool_budget = saturating_multiply(options_.pool_batches, options_.batch_size);
  std::vector<std::vector<int64_t>> plan;
  std::vector<int64_t> pool;  // the current pool, sorted
  const int64_t* begin = order.data();
  const int64_t* const end = order.data() + order.size();
  while (begin < end) {
    const int64_t* pool_end = begin;
    if (options_.by_tokens) {
      int64_t tokens = 0;
      while (pool_end < end && tokens < pool_budget) {
        const Example& e = examples_[static_cast<size_t>(*pool_end++)];
        tokens += std::max(source_length(e), target_length(e));
      }
    } else {
      pool_end += std::min<int64_t>(pool_budget, end - begin);
    }
    // Sort by (source length, target length), equal lengths in their shuffled order. The key is
    // a total order, so std::sort gives the same result on every standard library. (Not
    // std::stable_sort: libstdc++ 12's temporary buffer trips AddressSanitizer's
    // alloc-dealloc-mismatch check.)
    std::vector<std::tuple<size_t, size_t, int64_t>> keys;
    keys.reserve(static_cast<size_t>(pool_end - begin));
    for (const int64_t* p = begin; p < pool_end; ++p) {
      const Example& e = examples_[static_cast<size_t>(*p)];
      keys.emplace_back(e.source.size(), e.target.size(), p - begin);
    }
    std::sort(keys.begin(), keys.end());
    pool.clear();
    for (const auto& key : keys) pool.push_back(begin[std::get<2>(key)]);
    cut_pool(pool.data(), pool.data() + pool.size(), plan);
    begin = pool_end;
  }
  rng.shuffle(plan);
  return plan;
}

void Batcher::cut_pool(const int64_t* begin, const int64_t* end,
                       std::vector<std::vector<int64_t>>& plan) const {
  std::vector<int64_t> current;
  int64_t longest = 0;  // max(S, T) of `current`
  for (const int64_t* p = begin; p < end; ++p) {
    const Example& e = examples_[static_cast<size_t>(*p)];
    const int64_t with = std::max({longest, source_length(e), target_length(e)});
    const auto rows = static_cast<int64_t>(current.size()) + 1;
    const bool full = options_.by_tokens ? saturating_multiply(rows, with) > options_.batch_size
                                         : rows > options_.batch_size;
    if (!current.empty() && full) {
      plan.push_back(std::move(current));
      current.clear();
      longest = 0;
    }
    current.push_back(*p);
    longest = std::max({longest, source_length(e), target_length(e)});
  }
  if (!current.empty()) plan.push_back(std::move(current));
}

Batch Batcher::batch(const std::vector<int64_t>& plan_entry) const {
  check(!plan_entry.empty(), "a batch needs at least one example");
  std::vector<const Example*> rows;
  rows.reserve(plan_entry.size());
  for (int64_t position : plan_entry) {
    check(position >= 0 && position < num_examples(), [&] {
      return "example position " + std::to_string(position) + " is out of range for " +
             std::to_string(num_examples()) + " examples";
    });
    rows.push_back(&examples_[static_cast<size_t>(position)]);
  }
  return make_batch(rows);
}

}  // namespace tandem::data
