// The connection loop of DeadlineServer: keep-alive, a buffered socket stream whose reads wait
// at most until the request's deadline and stop at its byte limits, whose writes stop at the
// response's deadline, and the answer for a request that could not be read whole.
#include "server/deadline_server.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <limits>
#include <optional>
#include <string>

#include "server/api.h"

namespace tandem::server {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// Waits up to `wait` for `events` on `fd`; false on timeout or error.
bool wait_for(int fd, short events, milliseconds wait) {
  pollfd p{fd, events, 0};
  const auto end = Clock::now() + wait;
  while (true) {
    const auto left = std::chrono::duration_cast<milliseconds>(end - Clock::now());
    const int n = ::poll(&p, 1, static_cast<int>(std::max<int64_t>(left.count(), 0)));
    if (n < 0 && errno == EINTR) continue;
    return n > 0;
  }
}

void address_of(int fd, bool peer, std::string& ip, int& port) {
  sockaddr_storage addr{};
  socklen_t len = sizeof addr;
  const int rc = peer ? ::getpeername(fd, reinterpret_cast<sockaddr*>(&addr), &len)
                      : ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  if (rc != 0) return;
  std::array<char, NI_MAXHOST> host{};
  std::array<char, NI_MAXSERV> service{};
  if (::getnameinfo(reinterpret_cast<sockaddr*>(&addr), len, host.data(), host.size(),
                    service.data(), service.size(), NI_NUMERICHOST | NI_NUMERICSERV) == 0) {
    ip = host.data();
    port = std::atoi(service.data());
  }
}

// Why a request's reading stopped short.
enum class Failure { kNone, kTimedOut, kLineTooLarge, kHeadTooLarge, kBodyTooLarge };

// A socket stream with a read buffer (the library reads request lines byte by byte) whose reads
// give up at the current request's deadline or byte limits, and whose writes give up at the
// current response's deadline.
class DeadlineStream : public httplib::Stream {
 public:
  DeadlineStream(int fd, const ConnectionLimits& limits)
      : fd_(fd), limits_(limits), body_limit_(body_wire_limit(limits.max_body_bytes)) {}

  void start_request() {
    deadline_ = Clock::now() + limits_.request;
    write_deadline_ = Clock::time_point::max();
    failure_ = Failure::kNone;
    read_failed_ = write_failed_ = close_requested_ = false;
    written_ = head_bytes_ = body_bytes_ = line_bytes_ = 0;
    head_done_ = false;
    first_line_ = true;
    previous_ = 0;
  }
  const ConnectionLimits& limits() const { return limits_; }
  bool buffered() const { return begin_ < end_; }
  Failure failure() const { return failure_; }
  // The connection cannot carry another request: what follows on it cannot be told apart from
  // the rest of this one, or the client stopped reading.
  bool broken() const { return read_failed_ || write_failed_; }
  bool write_failed() const { return write_failed_; }
  size_t written() const { return written_; }
  bool close_requested() const { return close_requested_; }
  void request_close() { close_requested_ = true; }

  bool is_readable() const override {
    if (buffered()) return true;
    const auto left = std::chrono::ceil<milliseconds>(deadline_ - Clock::now());
    if (left.count() > 0 && wait_for(fd_, POLLIN, std::min(left, limits_.idle_read))) return true;
    read_failed_ = true;
    if (left <= limits_.idle_read && failure_ == Failure::kNone) failure_ = Failure::kTimedOut;
    return false;
  }
  // A response has until its deadline, counted from its first byte: a client reading a few
  // bytes at a time cannot hold the thread longer than one that sends its request so.
  bool is_writable() const override {
    const auto end = write_deadline_ == Clock::time_point::max() ? Clock::now() + limits_.request
                                                                 : write_deadline_;
    const auto left = std::chrono::ceil<milliseconds>(end - Clock::now());
    if (left.count() > 0 && wait_for(fd_, POLLOUT, std::min(left, limits_.write))) return true;
    write_failed_ = true;
    return false;
  }

  ssize_t read(char* out, size_t size) override {
    const size_t allowed =
        head_done_ ? body_limit_ - body_bytes_ : limits_.max_head_bytes - head_bytes_;
    if (allowed == 0) {
      read_failed_ = true;
      if (failure_ == Failure::kNone)
        failure_ = head_done_    ? Failure::kBodyTooLarge
                   : first_line_ ? Failure::kLineTooLarge
                                 : Failure::kHeadTooLarge;
      return -1;
    }
    if (!buffered()) {
      if (!is_readable()) return -1;
      ssize_t n;
      do {
        n = ::recv(fd_, buffer_.data(), buffer_.size(), 0);
      } while (n < 0 && errno == EINTR);
      if (n <= 0) return n;
      begin_ = 0;
      end_ = static_cast<size_t>(n);
    }
    const size_t n = std::min({size, end_ - begin_, allowed});
    std::memcpy(out, buffer_.data() + begin_, n);
    begin_ += n;
    count(out, n);
    return static_cast<ssize_t>(n);
  }

  // Writes all of `data` or fails: the library ignores the count when it writes the headers.
  ssize_t write(const char* data, size_t size) override {
    if (write_deadline_ == Clock::time_point::max())
      write_deadline_ = Clock::now() + limits_.request;
    size_t sent = 0;
    while (sent < size) {
      if (!is_writable()) return -1;
      // Not blocking: a blocking send would wait for the client beyond the deadline.
      const ssize_t n = ::send(fd_, data + sent, size - sent, MSG_NOSIGNAL | MSG_DONTWAIT);
      if (n < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)) continue;
      if (n <= 0) {
        write_failed_ = true;
        return -1;
      }
      sent += static_cast<size_t>(n);
      written_ += static_cast<size_t>(n);
    }
    return static_cast<ssize_t>(size);
  }

  void get_remote_ip_and_port(std::string& ip, int& port) const override {
    address_of(fd_, true, ip, port);
  }
  void get_local_ip_and_port(std::string& ip, int& port) const override {
    address_of(fd_, false, ip, port);
  }
  socket_t socket() const override { return fd_; }

 private:
  // Counts the bytes handed to the library, watching for the blank line that ends the headers
  // (CRLF, or a bare LF: at worst the library reads a few more header lines within the body's
  // limit).
  void count(const char* data, size_t n) {
    for (size_t i = 0; i < n; ++i) {
      if (head_done_) {
        body_bytes_ += n - i;
        return;
      }
      ++head_bytes_;
      const char c = data[i];
      if (c == '\n') {
        const bool blank = line_bytes_ == 0 || (line_bytes_ == 1 && previous_ == '\r');
        head_done_ = blank && !first_line_;
        first_line_ = false;
        line_bytes_ = 0;
      } else {
        ++line_bytes_;
      }
      previous_ = c;
    }
  }

  int fd_;
  const ConnectionLimits& limits_;
  const size_t body_limit_;
  Clock::time_point deadline_ = Clock::time_point::max();        // of the request
  Clock::time_point write_deadline_ = Clock::time_point::max();  // of the response, once begun
  mutable Failure failure_ = Failure::kNone;
  mutable bool read_failed_ = false;   // a read failed (deadline, idle timeout or byte limit)
  mutable bool write_failed_ = false;  // a write failed (deadline, idle timeout or error)
  size_t written_ = 0;
  bool close_requested_ = false;
  // The request so far: the bytes of its request line and headers, of its body, of the header
  // line being read, and that line's last byte.
  size_t head_bytes_ = 0, body_bytes_ = 0, line_bytes_ = 0;
  bool head_done_ = false, first_line_ = true;
  char previous_ = 0;
  std::array<char, 4096> buffer_{};
  size_t begin_ = 0, end_ = 0;
};

// The stream of the request being served on this thread (each connection stays on one).
thread_local DeadlineStream* current_stream = nullptr;

std::optional<Refusal> refusal_for(Failure failure, const ConnectionLimits& limits) {
  switch (failure) {
    case Failure::kTimedOut:
      return Refusal{408, request_too_slow_message(limits.request)};
    case Failure::kLineTooLarge:
      return Refusal{414, head_too_large_message(limits.max_head_bytes)};
    case Failure::kHeadTooLarge:
      return Refusal{431, head_too_large_message(limits.max_head_bytes)};
    case Failure::kBodyTooLarge:
      return Refusal{413, body_too_large_message(limits.max_body_bytes)};
    case Failure::kNone:
      break;
  }
  return std::nullopt;
}

const char* reason(int status) {
  switch (status) {
    case 408:
      return "Request Timeout";
    case 413:
      return "Payload Too Large";
    case 414:
      return "URI Too Long";
    default:
      return "Request Header Fields Too Large";
  }
}

// For a request the library gave up on without a response (e.g. a request line that never
// finished or never ended).
void write_refusal(DeadlineStream& stream, const Refusal& r) {
  const std::string body = error_body(r.status, r.message);
  const std::string response = "HTTP/1.1 " + std::to_string(r.status) + " " + reason(r.status) +
                               "\r\nConnection: close\r\nContent-Type: application/json\r\n"
                               "Content-Length: " +
                               std::to_string(body.size()) + "\r\n\r\n" + body;
  stream.write(response.data(), response.size());
}

// Closes the connection. When the client may still be sending the rest of a request that was cut
// short (too large, too slow, unread), first stops writing and reads what it sends for a moment:
// closing with unread data resets the connection, and a reset can make the client fail its
// writes or discard the answer before reading it.
void close_connection(int fd, bool linger) {
  if (linger && ::shutdown(fd, SHUT_WR) == 0) {
    constexpr size_t kMostBytes = 256 * 1024;
    const auto end = Clock::now() + milliseconds(250);
    std::array<char, 4096> sink{};
    for (size_t drained = 0; drained < kMostBytes;) {
      const auto left = std::chrono::ceil<milliseconds>(end - Clock::now());
      if (left.count() <= 0 || !wait_for(fd, POLLIN, left)) break;
      const ssize_t n = ::recv(fd, sink.data(), sink.size(), 0);
      if (n <= 0) break;  // the client is done (or gone)
      drained += static_cast<size_t>(n);
    }
  }
  ::shutdown(fd, SHUT_RDWR);
  ::close(fd);
}

}  // namespace

size_t body_wire_limit(size_t max_body_bytes) {
  constexpr size_t kFraming = 64 * 1024;
  const size_t most = std::numeric_limits<size_t>::max();
  return max_body_bytes > (most - kFraming) / 2 ? most : 2 * max_body_bytes + kFraming;
}

std::string request_too_slow_message(milliseconds limit) {
  return "the request was not received within " + std::to_string(limit.count()) +
         " ms; the connection is closed";
}

std::string body_too_large_message(size_t max_body_bytes) {
  return "the request body is larger than " + std::to_string(max_body_bytes) + " bytes";
}

std::string head_too_large_message(size_t max_head_bytes) {
  return "the request line and headers are larger than " + std::to_string(max_head_bytes) +
         " bytes; the connection is closed";
}

std::optional<Refusal> DeadlineServer::refusal() {
  if (!current_stream) return std::nullopt;
  return refusal_for(current_stream->failure(), current_stream->limits());
}

DeadlineServer::DeadlineServer(ConnectionLimits limits) : limits_(limits) {
  // Only for the Keep-Alive header the library writes; the loop below applies them.
  set_keep_alive_timeout(std::chrono::ceil<std::chrono::seconds>(limits.keep_alive).count());
  set_keep_alive_max_count(limits.keep_alive_max_requests);
}

void DeadlineServer::close_after_response(httplib::Response& res) {
  res.set_header("Connection", "close");
  if (current_stream) current_stream->request_close();
}

bool DeadlineServer::process_and_close_socket(socket_t sock) {
  DeadlineStream stream(sock, limits_);
  current_stream = &stream;
  bool ok = false;
  bool cut_short = false;  // the loop ended with part of a request perhaps unread
  for (size_t left = limits_.keep_alive_max_requests; left > 0; --left) {
    // Wait for the next request in short slices, so that stop() need not wait out idle
    // keep-alive connections.
    bool ready = stream.buffered();
    for (auto end = Clock::now() + limits_.keep_alive; !ready && Clock::now() < end;) {
      if (svr_sock_ == INVALID_SOCKET) break;
      ready = wait_for(sock, POLLIN, milliseconds(50));
    }
    if (!ready || svr_sock_ == INVALID_SOCKET) break;
    stream.start_request();
    bool closed = false;
    ok = process_request(stream, left == 1, closed, nullptr);
    if (const auto r = refusal_for(stream.failure(), limits_); r && !ok && stream.written() == 0)
      write_refusal(stream, *r);
    if (!ok || closed || stream.close_requested() || stream.broken()) {
      cut_short = !stream.write_failed() && (!ok || stream.close_requested() || stream.broken());
      break;
    }
  }
  current_stream = nullptr;
  close_connection(sock, cut_short);
  return ok;
}

}  // namespace tandem::server
