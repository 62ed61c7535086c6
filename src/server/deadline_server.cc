// The connection loop of DeadlineServer: keep-alive, a buffered socket stream whose reads wait
// at most until the request's deadline, and a 408 for a request line that never finished.
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

// A socket stream with a read buffer (the library reads request lines byte by byte) whose reads
// give up at the current request's deadline.
class DeadlineStream : public httplib::Stream {
 public:
  DeadlineStream(int fd, const ConnectionTimeouts& t) : fd_(fd), timeouts_(t) {}

  void start_request() {
    deadline_ = Clock::now() + timeouts_.request;
    timed_out_ = false;
    read_failed_ = false;
    written_ = 0;
    close_requested_ = false;
  }
  bool buffered() const { return begin_ < end_; }
  bool timed_out() const { return timed_out_; }
  bool read_failed() const { return read_failed_; }
  size_t written() const { return written_; }
  bool close_requested() const { return close_requested_; }
  void request_close() { close_requested_ = true; }

  bool is_readable() const override {
    if (buffered()) return true;
    const auto left = std::chrono::ceil<milliseconds>(deadline_ - Clock::now());
    if (left.count() > 0 && wait_for(fd_, POLLIN, std::min(left, timeouts_.idle_read))) return true;
    // Either way the rest of the request is not coming: what follows on the connection
    // cannot be told apart from it.
    read_failed_ = true;
    timed_out_ = timed_out_ || left <= timeouts_.idle_read;
    return false;
  }
  bool is_writable() const override { return wait_for(fd_, POLLOUT, timeouts_.write); }

  ssize_t read(char* out, size_t size) override {
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
    const size_t n = std::min(size, end_ - begin_);
    std::memcpy(out, buffer_.data() + begin_, n);
    begin_ += n;
    return static_cast<ssize_t>(n);
  }

  ssize_t write(const char* data, size_t size) override {
    if (!is_writable()) return -1;
    ssize_t n;
    do {
      n = ::send(fd_, data, size, MSG_NOSIGNAL);
    } while (n < 0 && errno == EINTR);
    if (n > 0) written_ += static_cast<size_t>(n);
    return n;
  }

  void get_remote_ip_and_port(std::string& ip, int& port) const override {
    address_of(fd_, true, ip, port);
  }
  void get_local_ip_and_port(std::string& ip, int& port) const override {
    address_of(fd_, false, ip, port);
  }
  socket_t socket() const override { return fd_; }

 private:
  int fd_;
  const ConnectionTimeouts& timeouts_;
  Clock::time_point deadline_ = Clock::time_point::max();
  mutable bool timed_out_ = false;    // a read failed at the request's deadline
  mutable bool read_failed_ = false;  // a read failed (deadline or idle timeout)
  size_t written_ = 0;
  bool close_requested_ = false;
  std::array<char, 4096> buffer_{};
  size_t begin_ = 0, end_ = 0;
};

// The stream of the request being served on this thread (each connection stays on one).
thread_local DeadlineStream* current_stream = nullptr;

// For a client that never finished its request line: the library gives up without a response.
void write_request_timeout(DeadlineStream& stream, milliseconds limit) {
  const std::string body =
      error_body(408, "the request was not received within " + std::to_string(limit.count()) +
                          " ms; the connection is closed");
  const std::string response =
      "HTTP/1.1 408 Request Timeout\r\nConnection: close\r\nContent-Type: application/json\r\n"
      "Content-Length: " +
      std::to_string(body.size()) + "\r\n\r\n" + body;
  stream.write(response.data(), response.size());
}

}  // namespace

bool DeadlineServer::request_timed_out() { return current_stream && current_stream->timed_out(); }

DeadlineServer::DeadlineServer(ConnectionTimeouts timeouts) : timeouts_(timeouts) {
  // Only for the Keep-Alive header the library writes; the loop below applies them.
  set_keep_alive_timeout(std::chrono::ceil<std::chrono::seconds>(timeouts.keep_alive).count());
  set_keep_alive_max_count(timeouts.keep_alive_max_requests);
}

void DeadlineServer::close_after_response(httplib::Response& res) {
  res.set_header("Connection", "close");
  if (current_stream) current_stream->request_close();
}

bool DeadlineServer::process_and_close_socket(socket_t sock) {
  DeadlineStream stream(sock, timeouts_);
  current_stream = &stream;
  bool ok = false;
  for (size_t left = timeouts_.keep_alive_max_requests; left > 0; --left) {
    // Wait for the next request in short slices, so that stop() need not wait out idle
    // keep-alive connections.
    bool ready = stream.buffered();
    for (auto end = Clock::now() + timeouts_.keep_alive; !ready && Clock::now() < end;) {
      if (svr_sock_ == INVALID_SOCKET) break;
      ready = wait_for(sock, POLLIN, milliseconds(50));
    }
    if (!ready || svr_sock_ == INVALID_SOCKET) break;
    stream.start_request();
    bool closed = false;
    ok = process_request(stream, left == 1, closed, nullptr);
    if (!ok && stream.timed_out() && stream.written() == 0)
      write_request_timeout(stream, timeouts_.request);
    if (!ok || closed || stream.close_requested() || stream.read_failed()) break;
  }
  current_stream = nullptr;
  ::shutdown(sock, SHUT_RDWR);
  ::close(sock);
  return ok;
}

}  // namespace tandem::server
