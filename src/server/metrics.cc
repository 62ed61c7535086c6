// Prometheus text format: https://prometheus.io/docs/instrumenting/exposition_formats/
#include "server/metrics.h"

#include <cstdio>

namespace tandem::server {
namespace {

std::string number(double v) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.9g", v);
  return buffer;
}

}  // namespace

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)), counts_(bounds_.size() + 1, 0) {}

void Histogram::observe(double value) {
  size_t i = 0;
  while (i < bounds_.size() && value > bounds_[i]) ++i;
  ++counts_[i];
  sum_ += value;
  ++count_;
}

std::string Histogram::render(const std::string& name) const {
  std::string out;
  uint64_t cumulative = 0;
  for (size_t i = 0; i < bounds_.size(); ++i) {
    cumulative += counts_[i];
    out += name + "_bucket{le=\"" + number(bounds_[i]) + "\"} " + std::to_string(cumulative) + "\n";
  }
  out += name + "_bucket{le=\"+Inf\"} " + std::to_string(count_) + "\n";
  out += name + "_sum " + number(sum_) + "\n";
  out += name + "_count " + std::to_string(count_) + "\n";
  return out;
}

Metrics::Metrics()
    : latency_({0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}),
      batch_sentences_({1, 2, 4, 8, 16, 32, 64, 128, 256}) {}

void Metrics::record_request(const std::string& route, int status, double seconds) {
  std::lock_guard lock(mutex_);
  ++requests_[{route, status}];
  latency_.observe(seconds);
}

void Metrics::record_batch(int64_t sentences) {
  std::lock_guard lock(mutex_);
  batch_sentences_.observe(static_cast<double>(sentences));
}

void Metrics::record_queue_rejection() {
  std::lock_guard lock(mutex_);
  ++rejected_;
}

void Metrics::set_queue_depth(int64_t sentences) {
  std::lock_guard lock(mutex_);
  queue_depth_ = sentences;
}

std::string Metrics::render() const {
  std::lock_guard lock(mutex_);
  std::string out;
  out += "# HELP tandem_http_requests_total HTTP requests by route and status code.\n";
  out += "# TYPE tandem_http_requests_total counter\n";
  uint64_t errors = 0;
  for (const auto& [key, count] : requests_) {
    out += "tandem_http_requests_total{route=\"" + key.first + "\",code=\"" +
           std::to_string(key.second) + "\"} " + std::to_string(count) + "\n";
    if (key.second >= 400) errors += count;
  }
  out += "# HELP tandem_http_errors_total HTTP responses with a status of 400 or more.\n";
  out += "# TYPE tandem_http_errors_total counter\n";
  out += "tandem_http_errors_total " + std::to_string(errors) + "\n";
  out += "# HELP tandem_http_request_duration_seconds Time from routing to response.\n";
  out += "# TYPE tandem_http_request_duration_seconds histogram\n";
  out += latency_.render("tandem_http_request_duration_seconds");
  out += "# HELP tandem_batch_sentences Sentences decoded together in one batch.\n";
  out += "# TYPE tandem_batch_sentences histogram\n";
  out += batch_sentences_.render("tandem_batch_sentences");
  out +=
      "# HELP tandem_queue_rejected_total Requests refused with 503 because the queue was full.\n";
  out += "# TYPE tandem_queue_rejected_total counter\n";
  out += "tandem_queue_rejected_total " + std::to_string(rejected_) + "\n";
  out += "# HELP tandem_queue_sentences Sentences waiting to be decoded.\n";
  out += "# TYPE tandem_queue_sentences gauge\n";
  out += "tandem_queue_sentences " + std::to_string(queue_depth_) + "\n";
  return out;
}

}  // namespace tandem::server
