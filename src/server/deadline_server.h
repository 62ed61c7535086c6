// cpp-httplib's Server with a deadline and a byte limit for each request and a deadline for each
// response: the library's own timeouts restart with every byte and it grows a header line or an
// unframed body without bound, so a client trickling its request, reading its response a few
// bytes at a time, or pushing endless headers could hold a pool thread (and with a few such
// clients, every thread) or the memory for as long as it liked.
#pragma once

#include <httplib.h>

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>

namespace tandem::server {

struct ConnectionLimits {
  // From the first byte of a request to the end of its body, and again from the first byte of
  // a response to its last: slower clients are disconnected (a request gets 408 first).
  std::chrono::milliseconds request{10000};
  std::chrono::milliseconds idle_read{5000};   // the longest wait for any single read
  std::chrono::milliseconds write{5000};       // the longest wait for any single write
  std::chrono::milliseconds keep_alive{2000};  // an idle connection's wait for its next request
  size_t keep_alive_max_requests = 1000;
  // The request line and headers together (the library limits a single header line to 8 KiB,
  // but only once it has read the whole line, and not their number); more: 414 or 431.
  size_t max_head_bytes = 64 * 1024;
  // Bytes of body on the wire after the headers: the handlers' body limit plus room for a
  // chunked body's framing (see body_wire_limit). More: 413.
  size_t max_body_bytes = 1 << 20;
};

// The longest body on the wire a request may send for a body limit of `max_body_bytes`: twice
// the limit and 64 KiB, so that the framing of chunks of a few bytes each still fits.
size_t body_wire_limit(size_t max_body_bytes);

// The messages of the refusals below, one place for each wording.
std::string request_too_slow_message(std::chrono::milliseconds limit);  // 408
std::string body_too_large_message(size_t max_body_bytes);              // 413
std::string head_too_large_message(size_t max_head_bytes);              // 414, 431

// Why the request could not be read whole: its status and message.
struct Refusal {
  int status;
  std::string message;
};

class DeadlineServer : public httplib::Server {
 public:
  explicit DeadlineServer(ConnectionLimits limits);

  // For handlers, on the thread that serves the request: when a read failed because the
  // request ran past its deadline or its byte limits, the answer to give (the connection is
  // closed after it).
  static std::optional<Refusal> refusal();
  // For handlers: close the connection after this response (and say so in it), e.g. because
  // an unread or partly read body is still on it.
  static void close_after_response(httplib::Response& res);

 private:
  // Replaces the library's per-connection loop (the library calls it on a pool thread for
  // every accepted socket); reads and writes go through a stream that enforces the limits.
  bool process_and_close_socket(socket_t sock) override;

  ConnectionLimits limits_;
};

}  // namespace tandem::server
