// Server metrics (requests, errors, latency, batch sizes, queue depth) and their rendering in
// the Prometheus text exposition format for GET /metrics.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace tandem::server {

// A cumulative histogram with fixed upper bounds, as Prometheus expects (le="…" buckets).
class Histogram {
 public:
  explicit Histogram(std::vector<double> bounds);
  void observe(double value);
  // The `name_bucket`, `name_sum` and `name_count` lines.
  std::string render(const std::string& name) const;

 private:
  std::vector<double> bounds_;
  std::vector<uint64_t> counts_;  // per bucket, not cumulative; one more for +Inf
  double sum_ = 0.0;
  uint64_t count_ = 0;
};

// Everything /metrics reports. Thread-safe: HTTP threads and the batch worker all write here.
class Metrics {
 public:
  Metrics();
  // One finished HTTP request: its route ("/v1/translate", or "other" for unknown paths, so that
  // random paths cannot grow the label set), status and latency.
  void record_request(const std::string& route, int status, double seconds);
  // One decoded batch of this many sentences.
  void record_batch(int64_t sentences);
  void record_queue_rejection();
  void set_queue_depth(int64_t sentences);

  std::string render() const;

 private:
  mutable std::mutex mutex_;
  std::map<std::pair<std::string, int>, uint64_t> requests_;  // (route, status) → count
  Histogram latency_;
  Histogram batch_sentences_;
  uint64_t rejected_ = 0;
  int64_t queue_depth_ = 0;
};

}  // namespace tandem::server
