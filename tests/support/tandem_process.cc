// Running the tandem command on pipes, with deadlines, for the CLI tests.
#include "support/tandem_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <stdexcept>

namespace tandem::testing {

namespace {

using Clock = std::chrono::steady_clock;

// Starts /bin/sh -c "TANDEM ARGS" with pipes on fds 0, 1 and 2; the test's ends are returned
// non-blocking and close-on-exec.
pid_t spawn(const std::string& args, int& in, int& out, int& err) {
  int p_in[2], p_out[2], p_err[2];
  if (pipe2(p_in, O_CLOEXEC) || pipe2(p_out, O_CLOEXEC) || pipe2(p_err, O_CLOEXEC))
    throw std::runtime_error("pipe failed");
  const std::string command = std::string(TANDEM_BINARY) + " " + args;
  const pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    dup2(p_in[0], 0);
    dup2(p_out[1], 1);
    dup2(p_err[1], 2);
    execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  close(p_in[0]);
  close(p_out[1]);
  close(p_err[1]);
  in = p_in[1];
  out = p_out[0];
  err = p_err[0];
  for (int fd : {in, out, err}) fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
  return pid;
}

// Reads what is waiting on `fd` into `buffer`; false at the end of the stream.
bool drain(int fd, std::string& buffer) {
  char chunk[65536];
  for (;;) {
    const ssize_t n = read(fd, chunk, sizeof chunk);
    if (n > 0) {
      buffer.append(chunk, static_cast<size_t>(n));
      continue;
    }
    if (n == 0) return false;
    if (errno == EINTR) continue;
    return errno == EAGAIN || errno == EWOULDBLOCK;  // nothing waiting: still open
  }
}

int remaining_ms(Clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  return left.count() > 0 ? static_cast<int>(left.count()) : 0;
}

// Waits for `pid` until the deadline, then kills it; the exit status, or -1.
int reap(pid_t pid, Clock::time_point deadline, bool& timed_out) {
  int status = 0;
  for (;;) {
    const pid_t done = waitpid(pid, &status, WNOHANG);
    if (done == pid) break;
    if (Clock::now() >= deadline) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      timed_out = true;
      return -1;
    }
    usleep(2000);
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace

ProcessResult run_tandem(const std::string& args, const std::string& input,
                         std::chrono::seconds timeout) {
  TandemCoprocess process(args);
  process.write(input);
  return process.finish(timeout);
}

TandemCoprocess::TandemCoprocess(const std::string& args) {
  signal(SIGPIPE, SIG_IGN);  // a process that exits early must not take the test with it
  pid_ = spawn(args, in_, out_, err_);
}

TandemCoprocess::~TandemCoprocess() {
  for (int fd : {in_, out_, err_})
    if (fd >= 0) close(fd);
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
}

void TandemCoprocess::write(const std::string& text) {
  size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(in_, text.data() + done, text.size() - done);
    if (n > 0) {
      done += static_cast<size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno != EAGAIN) return;  // the process has gone: its result tells why
    // The pipe is full: read its output meanwhile, so that it can go on.
    pollfd fds[3] = {{in_, POLLOUT, 0}, {out_, POLLIN, 0}, {err_, POLLIN, 0}};
    poll(fds, out_closed_ ? 1 : 3, 100);
    if (!out_closed_ && !drain(out_, out_buffer_)) out_closed_ = true;
    drain(err_, err_buffer_);
  }
}

std::optional<std::string> TandemCoprocess::read_line(std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    const size_t end = out_buffer_.find('\n');
    if (end != std::string::npos) {
      std::string line = out_buffer_.substr(0, end);
      out_buffer_.erase(0, end + 1);
      return line;
    }
    if (out_closed_ || Clock::now() >= deadline) return std::nullopt;
    pollfd fds[2] = {{out_, POLLIN, 0}, {err_, POLLIN, 0}};
    poll(fds, 2, remaining_ms(deadline));
    if (!drain(out_, out_buffer_)) out_closed_ = true;
    drain(err_, err_buffer_);
  }
}

ProcessResult TandemCoprocess::finish(std::chrono::seconds timeout) {
  const auto deadline = Clock::now() + timeout;
  close(in_);
  in_ = -1;
  bool err_open = true;
  while ((!out_closed_ || err_open) && Clock::now() < deadline) {
    pollfd fds[2] = {{out_, POLLIN, 0}, {err_, POLLIN, 0}};
    poll(fds, 2, std::min(remaining_ms(deadline), 100));
    if (!out_closed_ && !drain(out_, out_buffer_)) out_closed_ = true;
    if (err_open && !drain(err_, err_buffer_)) err_open = false;
  }
  ProcessResult r;
  r.status = reap(pid_, deadline, r.timed_out);
  pid_ = -1;
  r.out = std::move(out_buffer_);
  r.err = std::move(err_buffer_);
  return r;
}

}  // namespace tandem::testing
