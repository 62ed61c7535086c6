// The input lines of translate and eval: a file read whole, or a pipe or terminal read as its
// lines arrive, so that another program can write a line and wait for its answer.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace tandem::cli {

class LineSource {
 public:
  // `path` empty or "-": standard input. Lines are checked and cleaned as data::for_each_line
  // does files (UTF-8, a trailing '\r', a byte order mark); errors name the file or <stdin>
  // and the line. Opening a missing or unreadable path is an error naming it.
  explicit LineSource(const std::string& path);
  ~LineSource();
  LineSource(const LineSource&) = delete;
  LineSource& operator=(const LineSource&) = delete;

  // "<stdin>" or the path: what error messages and warnings name.
  const std::string& name() const { return name_; }

  // The next lines; none at the end of the input. A regular file gives all of its lines at
  // once. A stream waits for one whole line (or the end), then takes every further line that
  // has already arrived, up to `max_lines`, without waiting for more. An invalid line ends the
  // lines before it; the call after that throws its error.
  std::vector<std::string> next(size_t max_lines);
  // The 1-based line number of the first line the last next() returned.
  int64_t first_number() const { return first_number_; }

  // Every line to the end (eval reads the whole of its inputs).
  std::vector<std::string> read_all();

 private:
  bool input_waiting() const;
  void read_more();  // blocks until bytes or the end arrive
  // Moves the first whole line (or, at the end, the last partial one) of buffer_ to `lines`;
  // false when there is none, or when it is invalid (then error_ holds the message).
  bool take_line(std::vector<std::string>& lines);

  std::string name_;
  int fd_ = -1;  // -1: a regular file named by its path, whose lines wait in file_lines_
  bool close_fd_ = false, stream_ = false;
  std::vector<std::string> file_lines_;
  bool file_given_ = false;
  std::string buffer_;  // bytes read; those from start_ on are not yet given out as lines
  size_t start_ = 0;
  size_t scanned_ = 0;  // buffer_ up to here holds no '\n' after start_
  bool at_end_ = false;
  int64_t lines_read_ = 0, first_number_ = 1;
  std::optional<std::string> error_;
};

}  // namespace tandem::cli
