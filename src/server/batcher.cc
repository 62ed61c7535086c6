// The batching worker: wait for the first request, give later ones until batch_wait (or a full
// batch) to join it, decode them together, hand each caller its slice.
#include "server/batcher.h"

#include "tensor/error.h"

namespace tandem::server {

Batcher::Batcher(TranslateFn translate, BatcherOptions options, Metrics* metrics)
    : translate_(std::move(translate)), options_(options), metrics_(metrics) {
  check(options_.max_batch >= 1, "max batch must be at least 1");
  check(options_.max_queue >= 1, "max queue must be at least 1");
  worker_ = std::thread([this] { run(); });
}

Batcher::~Batcher() { stop(); }

std::future<BatchResult> Batcher::submit(std::vector<std::string> lines,
                                         const SearchSettings& settings) {
  Job job{std::move(lines), settings, std::chrono::steady_clock::now(), {}};
  std::future<BatchResult> result = job.done.get_future();
  {
    std::lock_guard lock(mutex_);
    check(!stopping_, "the server is shutting down");
    const auto n = static_cast<int64_t>(job.lines.size());
    if (queued_sentences_ + n > options_.max_queue) throw QueueFull();
    queued_sentences_ += n;
    queue_.push_back(std::move(job));
    if (metrics_) metrics_->set_queue_depth(queued_sentences_);
  }
  wake_.notify_one();
  return result;
}

void Batcher::drain() {
  {
    std::lock_guard lock(mutex_);
    draining_ = true;
  }
  wake_.notify_one();
}

void Batcher::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = draining_ = true;
  }
  wake_.notify_one();
  if (worker_.joinable()) worker_.join();
}

int64_t Batcher::queued_sentences() const {
  std::lock_guard lock(mutex_);
  return queued_sentences_;
}

int64_t Batcher::batchable_with_head() const {
  int64_t n = 0;
  for (const Job& job : queue_)
    if (job.settings.batches_with(queue_.front().settings))
      n += static_cast<int64_t>(job.lines.size());
  return n;
}

std::vector<Batcher::Job> Batcher::take_batch() {
  std::vector<Job> jobs;
  const SearchSettings head = queue_.front().settings;
  int64_t sentences = 0;
  for (auto it = queue_.begin(); it != queue_.end();) {
    const auto n = static_cast<int64_t>(it->lines.size());
    if (!it->settings.batches_with(head) || (!jobs.empty() && sentences + n > options_.max_batch)) {
      ++it;
      continue;
    }
    sentences += n;
    jobs.push_back(std::move(*it));
    it = queue_.erase(it);
    if (sentences >= options_.max_batch) break;
  }
  queued_sentences_ -= sentences;
  return jobs;
}

void Batcher::run() {
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stopping, and nothing left to do
    // Company for the head request: whatever arrives before its deadline. When draining, no
    // one else is coming, so there is nothing to wait for.
    const auto deadline = queue_.front().arrival + options_.batch_wait;
    wake_.wait_until(lock, deadline,
                     [&] { return draining_ || batchable_with_head() >= options_.max_batch; });
    std::vector<Job> jobs = take_batch();
    if (metrics_) metrics_->set_queue_depth(queued_sentences_);
    lock.unlock();
    decode(jobs);
    lock.lock();
  }
}

void Batcher::decode(std::vector<Job>& jobs) {
  std::vector<std::string> lines;
  SearchSettings settings = jobs.front().settings;
  for (const Job& job : jobs) {
    lines.insert(lines.end(), job.lines.begin(), job.lines.end());
    settings.attention = settings.attention || job.settings.attention;
  }
  const auto total = static_cast<int64_t>(lines.size());
  std::vector<Translation> out;
  try {
    out = translate_(lines, settings);
    check(out.size() == lines.size(), "the translator returned a wrong number of translations");
  } catch (...) {
    for (Job& job : jobs) job.done.set_exception(std::current_exception());
    return;
  }
  if (metrics_) metrics_->record_batch(total);
  size_t begin = 0;
  for (Job& job : jobs) {
    BatchResult r;
    r.batch_sentences = total;
    for (size_t i = 0; i < job.lines.size(); ++i)
      r.translations.push_back(std::move(out[begin + i]));
    begin += job.lines.size();
    job.done.set_value(std::move(r));
  }
}

}  // namespace tandem::server
