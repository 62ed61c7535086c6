// Dynamic batching: requests queued together are decoded together, up to max_batch sentences,
// only with the same search settings; each caller gets its own lines back, in order; a full
// queue refuses; stop() finishes what is queued.
#include "server/batcher.h"

#include <gtest/gtest.h>

#include <thread>

#include "server_fixture.h"

namespace tandem::server {
namespace {

using namespace std::chrono_literals;
using testing::FakeTranslator;

std::vector<std::string> texts(const BatchResult& r) {
  std::vector<std::string> out;
  for (const Translation& t : r.translations) out.push_back(t.outputs.at(0).text);
  return out;
}

BatcherOptions options(int64_t max_batch, std::chrono::microseconds wait, int64_t max_queue = 100) {
  BatcherOptions o;
  o.max_batch = max_batch;
  o.batch_wait = wait;
  o.max_queue = max_queue;
  return o;
}

TEST(ServeBatcher, RequestsQueuedTogetherShareABatchAndGetTheirOwnLines) {
  FakeTranslator fake;
  fake.hold();
  Batcher batcher(fake.fn(), options(6, 0us));
  auto first = batcher.submit({"x"}, {});
  fake.wait_for_calls(1);  // the worker is busy with the first; the next three queue up
  auto a = batcher.submit({"ab", "cd"}, {});
  auto b = batcher.submit({"ef"}, {});
  auto c = batcher.submit({"gh", "ij", "kl"}, {});
  EXPECT_EQ(batcher.queued_sentences(), 6);
  fake.release();
  EXPECT_EQ(texts(first.get()), std::vector<std::string>({"x"}));
  const BatchResult ra = a.get(), rb = b.get(), rc = c.get();
  EXPECT_EQ(texts(ra), std::vector<std::string>({"ba", "dc"}));
  EXPECT_EQ(texts(rb), std::vector<std::string>({"fe"}));
  EXPECT_EQ(texts(rc), std::vector<std::string>({"hg", "ji", "lk"}));
  EXPECT_EQ(ra.batch_sentences, 6);
  EXPECT_EQ(fake.batches(), std::vector<int64_t>({1, 6}));
}

TEST(ServeBatcher, BatchesHoldAtMostMaxBatchSentencesExceptOneLargeRequest) {
  FakeTranslator fake;
  fake.hold();
  Batcher batcher(fake.fn(), options(4, 0us));
  auto first = batcher.submit({"x"}, {});
  fake.wait_for_calls(1);
  std::vector<std::future<BatchResult>> f;
  for (int i = 0; i < 3; ++i) f.push_back(batcher.submit({"a", "b"}, {}));
  f.push_back(batcher.submit({"1", "2", "3", "4", "5"}, {}));  // alone, even above max_batch
  fake.release();
  for (auto& x : f) x.get();
  EXPECT_EQ(fake.batches(), std::vector<int64_t>({1, 4, 2, 5}));
}

TEST(ServeBatcher, MaxBatchOneDecodesEachRequestAlone) {
  FakeTranslator fake;
  fake.hold();
  Batcher batcher(fake.fn(), options(1, 10ms));
  auto first = batcher.submit({"x"}, {});
  fake.wait_for_calls(1);
  auto a = batcher.submit({"a"}, {});
  auto b = batcher.submit({"b"}, {});
  fake.release();
  EXPECT_EQ(texts(b.get()), std::vector<std::string>({"b"}));
  a.get();
  EXPECT_EQ(fake.batches(), std::vector<int64_t>({1, 1, 1}));
}

TEST(ServeBatcher, WaitsForCompanyUntilTheDeadline) {
  FakeTranslator fake;
  Batcher batcher(fake.fn(), options(8, 60s));
  auto a = batcher.submit({"a"}, {});
  auto b = batcher.submit({"b"}, {});
  // Within the 60 s window nothing is decoded yet; a full batch does not wait that long.
  EXPECT_EQ(a.wait_for(50ms), std::future_status::timeout);
  std::vector<std::future<BatchResult>> rest;
  for (int i = 0; i < 6; ++i) rest.push_back(batcher.submit({"c"}, {}));  // fills the batch
  EXPECT_EQ(a.wait_for(30s), std::future_status::ready);
  EXPECT_EQ(fake.batches(), std::vector<int64_t>({8}));
  // Draining (a shutdown) ends the wait at once.
  auto d = batcher.submit({"d"}, {});
  EXPECT_EQ(d.wait_for(50ms), std::future_status::timeout);
  batcher.drain();
  EXPECT_EQ(d.wait_for(30s), std::future_status::ready);
  EXPECT_EQ(fake.batches(), std::vector<int64_t>({8, 1}));
}

TEST(ServeBatcher, OnlyRequestsWithTheSameBeamAndNBestShareABatch) {
  FakeTranslator fake;
  fake.hold();
  Batcher batcher(fake.fn(), options(8, 0us));
  auto first = batcher.submit({"x"}, {});
  fake.wait_for_calls(1);
  auto greedy = batcher.submit({"a"}, {.beam = 1, .n_best = 1, .attention = false});
  auto beam = batcher.submit({"b"}, {.beam = 4, .n_best = 2, .attention = false});
  auto greedy_attention = batcher.submit({"c"}, {.beam = 1, .n_best = 1, .attention = true});
  fake.release();
  EXPECT_EQ(beam.get().translations.at(0).outputs.size(), 2u);
  greedy.get();
  greedy_attention.get();
  EXPECT_EQ(fake.batches(), std::vector<int64_t>({1, 2, 1}));
  const auto s = fake.settings();
  EXPECT_TRUE(s[1].attention);  // kept for the batch, since one request in it wants it
  EXPECT_EQ(s[2].beam, 4);
}

TEST(ServeBatcher, AFullQueueRefusesAndStopFinishesWhatIsQueued) {
  FakeTranslator fake;
  fake.hold();
  Batcher batcher(fake.fn(), options(8, 0us, 3));
  auto first = batcher.submit({"x"}, {});
  fake.wait_for_calls(1);
  auto a = batcher.submit({"a", "b"}, {});
  EXPECT_THROW(batcher.submit({"c", "d"}, {}), QueueFull);
  auto b = batcher.submit({"c"}, {});
  std::thread stopper([&] { batcher.stop(); });
  fake.release();
  stopper.join();
  EXPECT_EQ(texts(a.get()), std::vector<std::string>({"a", "b"}));
  EXPECT_EQ(texts(b.get()), std::vector<std::string>({"c"}));
  EXPECT_THROW(batcher.submit({"late"}, {}), Error);
}

TEST(ServeBatcher, ADecodingErrorReachesEveryCallerOfTheBatch) {
  FakeTranslator fake;
  fake.fail();
  Batcher batcher(fake.fn(), options(8, 20ms));
  auto a = batcher.submit({"a"}, {});
  auto b = batcher.submit({"b"}, {});
  EXPECT_THROW(a.get(), std::runtime_error);
  EXPECT_THROW(b.get(), std::runtime_error);
}

TEST(ServeBatcher, ConcurrentCallersEachGetTheirOwnAnswers) {
  FakeTranslator fake;
  Batcher batcher(fake.fn(), options(16, 1ms));
  std::vector<std::thread> threads;
  std::atomic<int> wrong{0};
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 40; ++i) {
        // Appended, not "t" + …: GCC 12 warns wrongly on that (-Wrestrict).
        std::string a = "t";
        a += std::to_string(t) + "i" + std::to_string(i);
        const std::string b = a + "x";
        const auto out = texts(batcher.submit({a, b}, {}).get());
        if (out != std::vector<std::string>{std::string(a.rbegin(), a.rend()),
                                            std::string(b.rbegin(), b.rend())})
          ++wrong;
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(wrong, 0);
  int64_t total = 0;
  for (int64_t n : fake.batches()) total += n;
  EXPECT_EQ(total, 8 * 40 * 2);
}

}  // namespace
}  // namespace tandem::server
