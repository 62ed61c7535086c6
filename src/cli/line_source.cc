// Input lines from a regular file (all at once) or a stream (as they arrive, read(2) and
// poll(2) on its descriptor).
#include "cli/line_source.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string_view>

#include "data/corpus.h"
#include "data/line_reader.h"
#include "tensor/error.h"

namespace tandem::cli {

namespace {

constexpr size_t kReadSize = 1 << 16;
// A line is held whole until its '\n' comes: without a bound, input with no line ends (a binary
// file, /dev/zero) would grow it until memory ran out. Far above decode.max_input_tokens' reach.
constexpr size_t kMaxLineBytes = 16 << 20;

bool is_regular_file(int fd) {
  struct stat st {};
  return fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
}

}  // namespace

LineSource::LineSource(const std::string& path) {
  if (path.empty() || path == "-") {
    name_ = "<stdin>";
    fd_ = 0;
    stream_ = !is_regular_file(0);
    return;
  }
  name_ = path;
  struct stat st {};
  // Regular files, directories and missing paths get the file reader and its messages.
  if (stat(path.c_str(), &st) != 0 || S_ISREG(st.st_mode) || S_ISDIR(st.st_mode)) {
    file_lines_ = data::read_lines(path);
    return;
  }
  fd_ = open(path.c_str(), O_RDONLY | O_CLOEXEC);  // a named pipe, a device, a socket
  check(fd_ >= 0, [&] { return "cannot open '" + path + "': " + std::strerror(errno); });
  close_fd_ = true;
  stream_ = true;
}

LineSource::~LineSource() {
  if (close_fd_) close(fd_);
}

std::vector<std::string> LineSource::next(size_t max_lines) {
  if (error_) throw Error(*error_);
  first_number_ = lines_read_ + 1;
  std::vector<std::string> lines;
  if (fd_ < 0) {
    if (!file_given_) lines = std::move(file_lines_);
    file_given_ = true;
  } else if (!stream_) {
    while (!at_end_) read_more();
    while (take_line(lines)) {
    }
    if (error_) throw Error(*error_);  // as for a file named by its path: nothing translated
  } else {
    max_lines = std::max<size_t>(max_lines, 1);
    for (;;) {
      while (lines.size() < max_lines && take_line(lines)) {
      }
      if (error_ || lines.size() >= max_lines || at_end_) break;
      // What has arrived is answered now; waiting for more would hold it back.
      if (!lines.empty() && !input_waiting()) break;
      read_more();
    }
  }
  if (lines.empty() && error_) throw Error(*error_);
  lines_read_ += static_cast<int64_t>(lines.size());
  return lines;
}

std::vector<std::string> LineSource::read_all() {
  std::vector<std::string> all;
  for (std::vector<std::string> lines; !(lines = next(SIZE_MAX)).empty();)
    all.insert(all.end(), std::make_move_iterator(lines.begin()),
               std::make_move_iterator(lines.end()));
  return all;
}

bool LineSource::input_waiting() const {
  pollfd p{fd_, POLLIN, 0};
  int n;
  while ((n = poll(&p, 1, 0)) < 0 && errno == EINTR) {
  }
  return n > 0;  // readable, or hung up or failed: the read says which
}

void LineSource::read_more() {
  buffer_.erase(0, start_);  // what was given out already
  scanned_ -= std::min(scanned_, start_);
  start_ = 0;
  const size_t old_size = buffer_.size();
  buffer_.resize(old_size + kReadSize);
  ssize_t n;
  while ((n = read(fd_, buffer_.data() + old_size, kReadSize)) < 0 && errno == EINTR) {
  }
  const int err = errno;
  buffer_.resize(old_size + static_cast<size_t>(std::max<ssize_t>(n, 0)));
  check(n >= 0, [&] { return "cannot read " + name_ + ": " + std::strerror(err); });
  if (n == 0) at_end_ = true;
}

bool LineSource::take_line(std::vector<std::string>& lines) {
  if (error_) return false;
  const size_t newline = buffer_.find('\n', std::max(scanned_, start_));
  size_t end = newline, next_start = newline + 1;
  const int64_t number = lines_read_ + static_cast<int64_t>(lines.size()) + 1;
  if ((newline == std::string::npos ? buffer_.size() : newline) - start_ > kMaxLineBytes) {
    error_ = data::file_location(name_, number) + "a line longer than " +
             std::to_string(kMaxLineBytes >> 20) + " MiB (is the input text?)";
    return false;
  }
  if (newline == std::string::npos) {
    scanned_ = buffer_.size();
    if (!at_end_ || start_ == buffer_.size()) return false;
    end = next_start = buffer_.size();  // the last line, without '\n'
  }
  const std::string_view raw(buffer_.data() + start_, end - start_);
  std::string_view line;
  if (std::string error = data::clean_line(raw, number, name_, line); !error.empty()) {
    error_ = std::move(error);
    return false;
  }
  lines.emplace_back(line);
  start_ = scanned_ = next_start;
  return true;
}

}  // namespace tandem::cli
