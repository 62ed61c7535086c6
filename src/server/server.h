// The HTTP service: routes, limits, access log and metrics around a Batcher. The HTTP library
// stays inside server.cc.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "server/api.h"
#include "server/batcher.h"
#include "server/metrics.h"

namespace httplib {
class Server;
struct Request;
struct Response;
class ContentReader;
}  // namespace httplib

namespace tandem::server {

struct ServerOptions {
  std::string host = "127.0.0.1";  // loopback: exposing it is the user's decision
  int port = 8080;                 // 0: any free port (see Server::port())
  int http_threads = 64;           // connections served at once; each waiting request holds one
  int64_t max_body_bytes = 1 << 20;
  // From a request's first byte to the end of its body, and from a response's first byte to its
  // last; a slower client is disconnected (with a 408 for its request), so that trickling
  // clients cannot hold the HTTP threads.
  std::chrono::milliseconds request_timeout{10000};
  BatcherOptions batching;
  ApiLimits limits;
  SearchSettings defaults;    // beam and n_best when a request names none
  FILE* access_log = stderr;  // nullptr: no access log
};

class Server {
 public:
  // `model_info` is served as GET /v1/model (with the server's limits added).
  Server(TranslateFn translate, nlohmann::json model_info, ServerOptions options);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds the socket; throws Error naming the address when it cannot. Returns the port.
  int bind();
  // Serves until stop(); then finishes the requests in flight and the queued batches. Requires
  // bind() first.
  void run();
  // From any thread (the signal watcher, a test): stop accepting, let run() drain and return.
  void stop();

  int port() const { return port_; }
  const Metrics& metrics() const { return metrics_; }

 private:
  void add_routes();
  void add_logging_and_errors();
  // POST /v1/translate: reads the body itself (see server.cc), decodes, answers.
  void translate(const httplib::Request& req, httplib::Response& res,
                 const httplib::ContentReader& read_body);
  std::string body_too_large() const;  // the 413 message

  ServerOptions options_;
  nlohmann::json model_info_;
  Metrics metrics_;
  Batcher batcher_;
  std::unique_ptr<httplib::Server> http_;
  int port_ = -1;
  enum class Listen { kNotYet, kStarting, kDone };
  std::atomic<Listen> listen_{Listen::kNotYet};
  std::atomic<bool> stop_requested_{false};
};

}  // namespace tandem::server
