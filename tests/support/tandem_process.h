// Test helpers that run the built `tandem` command: through pipes on all three streams (input
// fed while output is read, so neither side can block the other), with a deadline, and as a
// coprocess that is written to and read from line by line.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>

namespace tandem::testing {

struct ProcessResult {
  int status = -1;  // the exit status; -1 when killed by a signal or at the deadline
  std::string out, err;
  bool timed_out = false;
};

// Runs `tandem ARGS` (ARGS through /bin/sh, so redirections work), writes `input` to its
// standard input through a pipe and closes it; kills the process at the deadline.
ProcessResult run_tandem(const std::string& args, const std::string& input = "",
                         std::chrono::seconds deadline = std::chrono::seconds(60));

// `tandem ARGS` with its standard input and output on pipes held by the test, stderr collected.
class TandemCoprocess {
 public:
  explicit TandemCoprocess(const std::string& args);
  ~TandemCoprocess();  // kills the process if it still runs
  TandemCoprocess(const TandemCoprocess&) = delete;
  TandemCoprocess& operator=(const TandemCoprocess&) = delete;

  void write(const std::string& text);
  // The next output line (without '\n'), or nothing when none came within `timeout` or the
  // output ended.
  std::optional<std::string> read_line(std::chrono::milliseconds timeout);
  // Closes its standard input and waits (at most `timeout`, then kills) for it to exit; the
  // output not yet read and all of stderr are in the result.
  ProcessResult finish(std::chrono::seconds timeout = std::chrono::seconds(60));

 private:
  pid_t pid_ = -1;
  int in_ = -1, out_ = -1, err_ = -1;
  std::string out_buffer_, err_buffer_;
  bool out_closed_ = false;
};

}  // namespace tandem::testing
