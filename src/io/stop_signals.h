// SIGINT and SIGTERM turned into ordinary calls, for commands that stop cleanly (train writes a
// checkpoint, serve finishes the requests in flight).
#pragma once

#include <signal.h>

#include <array>
#include <functional>
#include <thread>

namespace tandem::io {

// While it lives, SIGINT and SIGTERM call on_signal(signal) on a watcher thread, once per signal
// received. The handler itself only writes the signal's number into a pipe, which is
// async-signal-safe and works whichever thread the kernel picks (OpenBLAS starts threads before
// main); on_signal is ordinary code. One at a time per process.
class StopSignals {
 public:
  explicit StopSignals(std::function<void(int signal)> on_signal);
  // Restores the handlers there were before and ends the watcher.
  ~StopSignals();
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;

 private:
  static constexpr std::array<int, 2> kSignals = {SIGINT, SIGTERM};
  std::array<struct sigaction, 2> previous_{};
  std::thread watcher_;
};

}  // namespace tandem::io
