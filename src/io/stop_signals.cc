// The signal pipe: handler writes a byte, the watcher thread reads it; a 0 byte ends the watcher.
#include "io/stop_signals.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>

#include "tensor/error.h"

namespace tandem::io {

namespace {

int stop_pipe[2] = {-1, -1};

extern "C" void on_stop_signal(int signal) {
  const int saved_errno = errno;  // the interrupted code may be about to read it
  const char c = static_cast<char>(signal);
  [[maybe_unused]] const ssize_t n = write(stop_pipe[1], &c, 1);
  errno = saved_errno;
}

}  // namespace

StopSignals::StopSignals(std::function<void(int signal)> on_signal) {
  check(stop_pipe[0] < 0, "one StopSignals at a time");
  check(pipe2(stop_pipe, O_CLOEXEC) == 0, "cannot create a pipe for signal handling");
  watcher_ = std::thread([on_signal = std::move(on_signal)] {
    for (;;) {
      char signal = 0;
      const ssize_t n = read(stop_pipe[0], &signal, 1);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0 || signal == 0) return;  // the destructor's wake-up
      on_signal(signal);
    }
  });
  struct sigaction action {};
  action.sa_handler = on_stop_signal;
  action.sa_flags = SA_RESTART;
  sigemptyset(&action.sa_mask);
  for (size_t i = 0; i < kSignals.size(); ++i) {
    sigaction(kSignals[i], nullptr, &previous_[i]);
    // A signal ignored from the start stays ignored: a shell runs background jobs with SIGINT
    // ignored, and Ctrl+C at the terminal is not meant for them.
    if (previous_[i].sa_handler != SIG_IGN) sigaction(kSignals[i], &action, nullptr);
  }
}

StopSignals::~StopSignals() {
  for (size_t i = 0; i < kSignals.size(); ++i) sigaction(kSignals[i], &previous_[i], nullptr);
  const char done = 0;
  [[maybe_unused]] const ssize_t n = write(stop_pipe[1], &done, 1);
  watcher_.join();
  close(stop_pipe[0]);
  close(stop_pipe[1]);
  stop_pipe[0] = stop_pipe[1] = -1;
}

}  // namespace tandem::io
