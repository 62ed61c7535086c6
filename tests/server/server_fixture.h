// Helpers for the server tests: a Server running on a free loopback port in a thread, a fake
// translator whose first calls can be held back, and a tiny model trained in the test.
#pragma once

#include <gtest/gtest.h>
#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "api/translate_lines.h"
#include "io/config.h"
#include "server/server.h"
#include "support/temp_dir.h"
#include "train/trainer.h"

namespace tandem::server::testing {

// Translates by reversing the bytes of each line (ASCII in the tests), so every answer is known;
// records each batch's size. While held, calls wait until release().
class FakeTranslator {
 public:
  TranslateFn fn() {
    return [this](const std::vector<std::string>& lines, const SearchSettings& s) {
      std::unique_lock lock(mutex_);
      ++calls_started_;
      changed_.notify_all();
      changed_.wait(lock, [&] { return !held_; });
      batches_.push_back(static_cast<int64_t>(lines.size()));
      settings_.push_back(s);
      lock.unlock();
      if (fail_) throw std::runtime_error("the model broke");
      std::vector<Translation> out;
      for (const std::string& line : lines) {
        Translation t;
        Output o;
        o.text = std::string(line.rbegin(), line.rend());
        for (char c : o.text) o.tokens.push_back(std::string(1, c));
        o.tokens.push_back("</s>");
        for (char c : line) t.source_tokens.push_back(std::string(1, c));
        if (s.attention) o.attention.assign(o.tokens.size(), std::vector<float>(line.size(), 1.0f));
        for (int64_t k = 0; k < s.n_best; ++k) t.outputs.push_back(o);
        out.push_back(std::move(t));
      }
      return out;
    };
  }
  void hold() {
    std::lock_guard lock(mutex_);
    held_ = true;
  }
  void release() {
    {
      std::lock_guard lock(mutex_);
      held_ = false;
    }
    changed_.notify_all();
  }
  void fail() { fail_ = true; }
  // Blocks until `n` translate calls have begun (held or not).
  void wait_for_calls(int n) {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return calls_started_ >= n; });
  }
  std::vector<int64_t> batches() {
    std::lock_guard lock(mutex_);
    return batches_;
  }
  std::vector<SearchSettings> settings() {
    std::lock_guard lock(mutex_);
    return settings_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  bool held_ = false;
  std::atomic<bool> fail_{false};
  int calls_started_ = 0;
  std::vector<int64_t> batches_;
  std::vector<SearchSettings> settings_;
};

// A Server on 127.0.0.1 and a free port, serving from a thread until destroyed.
class RunningServer {
 public:
  RunningServer(TranslateFn fn, ServerOptions options, nlohmann::json info = {{"version", "test"}})
      : server_(std::move(fn), std::move(info), with_free_port(std::move(options))) {
    port_ = server_.bind();
    thread_ = std::thread([this] { server_.run(); });
  }
  ~RunningServer() { stop_and_join(); }
  // A fresh client per call: tests use them from several threads.
  httplib::Client client() const {
    httplib::Client c("127.0.0.1", port_);
    c.set_read_timeout(30, 0);
    return c;
  }
  Server& server() { return server_; }
  // Stops and waits for run() to return (the destructor then has nothing left to do).
  void stop_and_join() {
    server_.stop();
    if (thread_.joinable()) thread_.join();
  }

 private:
  static ServerOptions with_free_port(ServerOptions o) {
    o.host = "127.0.0.1";
    o.port = 0;
    if (o.access_log == stderr) o.access_log = nullptr;  // keep test output readable
    return o;
  }
  Server server_;
  int port_ = 0;
  std::thread thread_;
};

// Trains a tiny character model (reverse a few letters and Chinese characters) into `dir`
// within a fraction of a second; its outputs are not good, only well-formed.
inline std::string train_tiny_model(const tandem::testing::TempDir& dir) {
  const std::string symbols[] = {"a", "b", "c", "d", "你", "好", "世", "界"};
  std::string src, tgt;
  for (int i = 0; i < 64; ++i) {
    std::vector<std::string> s;
    for (int k = 0; k < 2 + i % 4; ++k) s.push_back(symbols[(i * 7 + k * 3) % 8]);
    for (const auto& x : s) src += x;
    for (auto it = s.rbegin(); it != s.rend(); ++it) tgt += *it;
    src += "\n";
    tgt += "\n";
  }
  dir.write("train.src", src);
  dir.write("train.tgt", tgt);
  const std::string model = dir.file("model");
  train(load_config_string("data: {train_source: " + dir.file("train.src") +
                               ", train_target: " + dir.file("train.tgt") +
                               ", source_tokenizer: char, target_tokenizer: char}\n"
                               "model: {embedding_size: 8, encoder: {hidden_size: 8}, "
                               "decoder: {hidden_size: 16}, attention: bahdanau}\n"
                               "train: {model_dir: " +
                               model + ", batch_size: 16, max_steps: 20, log_every: 1000}\n",
                           "tiny.yaml"),
        false);
  return model;
}

}  // namespace tandem::server::testing
