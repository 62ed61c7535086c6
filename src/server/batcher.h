// Dynamic batching: requests that arrive close together are decoded as one batch by a single
// worker thread, and each caller gets back exactly its own translations, in order.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <future>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "api/translation.h"
#include "server/metrics.h"

namespace tandem::server {

// What a request asks of the search. Requests are batched only with requests of the same beam
// size and n-best count (one search call takes one BeamOptions); attention is kept for the whole
// batch when any request in it wants it.
struct SearchSettings {
  int64_t beam = 1;
  int64_t n_best = 1;
  bool attention = false;

  bool batches_with(const SearchSettings& o) const { return beam == o.beam && n_best == o.n_best; }
};

// Decodes lines as one batch; the server's is Translator::translate (model_translator), which
// is thread-safe; tests give their own. Called from the worker thread only.
using TranslateFn = std::function<std::vector<Translation>(const std::vector<std::string>& lines,
                                                           const SearchSettings& settings)>;

struct BatcherOptions {
  int64_t max_batch = 32;                   // sentences per batch; 1 turns batching off
  std::chrono::microseconds batch_wait{0};  // extra wait of the first request for company
  int64_t max_queue = 1024;                 // sentences waiting; more is refused (QueueFull)
};

struct BatchResult {
  std::vector<Translation> translations;  // one per submitted line, in order
  int64_t batch_sentences = 0;            // the size of the batch they were decoded in
};

// Thrown by submit() when the queue holds max_queue sentences: the caller should retry later.
class QueueFull : public std::runtime_error {
 public:
  QueueFull() : std::runtime_error("the translation queue is full") {}
};

class Batcher {
 public:
  Batcher(TranslateFn translate, BatcherOptions options, Metrics* metrics = nullptr);
  ~Batcher();  // stop()
  Batcher(const Batcher&) = delete;
  Batcher& operator=(const Batcher&) = delete;

  // Queues the lines; the future holds their translations, or the exception decoding threw.
  // Throws QueueFull when they do not fit, and Error after stop().
  std::future<BatchResult> submit(std::vector<std::string> lines, const SearchSettings& settings);

  // From now on no request waits for company: batches are decoded as soon as the worker is free
  // (for a shutdown, where no company is coming). Requests are still accepted.
  void drain();
  // Decodes everything already queued, then ends the worker. Idempotent.
  void stop();

  int64_t queued_sentences() const;

 private:
  struct Job {
    std::vector<std::string> lines;
    SearchSettings settings;
    std::chrono::steady_clock::time_point arrival;
    std::promise<BatchResult> done;
  };

  void run();
  // Takes the head job and the queued jobs that batch with it, up to max_batch sentences (the
  // head always, even when it alone has more). Requires the lock.
  std::vector<Job> take_batch();
  // Sentences queued that could join the head's batch. Requires the lock.
  int64_t batchable_with_head() const;
  void decode(std::vector<Job>& jobs);

  TranslateFn translate_;
  BatcherOptions options_;
  Metrics* metrics_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Job> queue_;
  int64_t queued_sentences_ = 0;
  bool stopping_ = false;
  bool draining_ = false;
  std::thread worker_;  // last: started once everything above exists
};

}  // namespace tandem::server
