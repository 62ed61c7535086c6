// cpp-httplib's Server with a deadline for receiving each request: the library's own read
// timeout restarts with every byte, so a client trickling its headers could hold a pool thread
// (and with a few such clients, every thread) for as long as it liked.
#pragma once

#include <httplib.h>

#include <chrono>
#include <cstddef>

namespace tandem::server {

struct ConnectionTimeouts {
  // From the first byte of a request to the end of its body; slower clients get 408 and are
  // disconnected.
  std::chrono::milliseconds request{10000};
  std::chrono::milliseconds idle_read{5000};   // the longest wait for any single read
  std::chrono::milliseconds write{5000};       // the longest wait for any single write
  std::chrono::milliseconds keep_alive{2000};  // an idle connection's wait for its next request
  size_t keep_alive_max_requests = 1000;
};

class DeadlineServer : public httplib::Server {
 public:
  explicit DeadlineServer(ConnectionTimeouts timeouts);

  // For handlers, on the thread that serves the request: whether its deadline has passed (a
  // read that failed for it should answer 408).
  static bool request_timed_out();
  // For handlers: close the connection after this response (and say so in it), e.g. because
  // an unread or partly read body is still on it.
  static void close_after_response(httplib::Response& res);

 private:
  // Replaces the library's per-connection loop (the library calls it on a pool thread for
  // every accepted socket); reads go through a stream that enforces the deadline.
  bool process_and_close_socket(socket_t sock) override;

  ConnectionTimeouts timeouts_;
};

}  // namespace tandem::server
