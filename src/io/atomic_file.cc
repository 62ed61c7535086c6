// Atomic file writing: a temporary file written through a POSIX descriptor, synced and renamed.
#include "io/atomic_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <streambuf>
#include <system_error>
#include <vector>

#include "tensor/error.h"

namespace tandem::io {

namespace {

// strerror's text, without strerror's thread-safety caveats.
std::string reason(int err) { return std::error_code(err, std::generic_category()).message(); }

// An output streambuf over a file descriptor. std::ofstream cannot create a file exclusively
// (O_EXCL), cannot fsync, and forgets errno when a write fails; this can.
class FdStreambuf : public std::streambuf {
 public:
  explicit FdStreambuf(int fd) : fd_(fd), buffer_(kBufferSize) { reset_buffer(); }
  int error() const { return error_; }  // errno of the first failed write, or 0

 protected:
  int_type overflow(int_type ch) override {
    if (!flush_buffer()) return traits_type::eof();
    if (!traits_type::eq_int_type(ch, traits_type::eof())) {
      *pptr() = traits_type::to_char_type(ch);
      pbump(1);
    }
    return traits_type::not_eof(ch);
  }

  std::streamsize xsputn(const char* s, std::streamsize n) override {
    // Tensor data comes in large blocks: write those straight through instead of copying.
    if (n < static_cast<std::streamsize>(kBufferSize)) return std::streambuf::xsputn(s, n);
    if (!flush_buffer() || !write_all(s, static_cast<size_t>(n))) return 0;
    return n;
  }

  int sync() override { return flush_buffer() ? 0 : -1; }

 private:
  static constexpr size_t kBufferSize = size_t{1} << 16;

  void reset_buffer() { setp(buffer_.data(), buffer_.data() + buffer_.size()); }

  bool flush_buffer() {
    bool ok = write_all(pbase(), static_cast<size_t>(pptr() - pbase()));
    reset_buffer();
    return ok;
  }

  bool write_all(const char* p, size_t n) {
    if (error_ != 0) return false;
    while (n > 0) {
      ssize_t written = ::write(fd_, p, n);
      if (written < 0) {
        if (errno == EINTR) continue;
        error_ = errno;
        return false;
      }
      p += written;
      n -= static_cast<size_t>(written);
    }
    return true;
  }

  int fd_;
  int error_ = 0;
  std::vector<char> buffer_;
};

// Closes the descriptor and removes the temporary file unless the rename has happened, whichever
// way the function is left.
struct TempFile {
  std::string path;
  int fd = -1;
  bool renamed = false;

  ~TempFile() {
    if (fd >= 0) ::close(fd);
    if (!renamed) ::unlink(path.c_str());
  }
};

// Makes the rename itself durable. Best effort: the new contents are already in place, and some
// file systems refuse to sync a directory.
void sync_parent_directory(const std::string& path) {
  std::filesystem::path parent = std::filesystem::path(path).parent_path();
  if (parent.empty()) parent = ".";
  int fd = ::open(parent.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  (void)::fsync(fd);
  ::close(fd);
}

}  // namespace

void write_file_atomically(const std::string& path,
                           const std::function<void(std::ostream&)>& write) {
  // pid + counter keeps concurrent writers (threads or processes) off each other's temp files;
  // O_EXCL makes sure of it.
  static std::atomic<uint64_t> counter{0};
  const std::string prefix = "cannot write '" + path + "': ";
  TempFile temp;
  temp.path = path + ".tmp." + std::to_string(::getpid()) + "." + std::to_string(counter++);

  temp.fd = ::open(temp.path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
  if (temp.fd < 0) {
    int err = errno;
    std::string hint = err == ENOENT ? " (does the directory exist?)" : "";
    temp.renamed = true;  // nothing was created, so there is nothing to remove
    throw Error(prefix + "cannot create the temporary file '" + temp.path + "': " + reason(err) +
                hint);
  }

  {
    FdStreambuf buffer(temp.fd);
    std::ostream out(&buffer);
    write(out);
    out.flush();
    if (!out) {
      int err = buffer.error();
      throw Error(prefix + "writing failed: " +
                  (err != 0 ? reason(err) : std::string("the output stream reported an error")));
    }
  }
  if (::fsync(temp.fd) != 0) throw Error(prefix + "cannot sync it to disk: " + reason(errno));
  int closed = ::close(temp.fd);
  temp.fd = -1;
  if (closed != 0) throw Error(prefix + "cannot close it: " + reason(errno));
  if (std::rename(temp.path.c_str(), path.c_str()) != 0) {
    throw Error(prefix + "cannot move the temporary file '" + temp.path +
                "' over it: " + reason(errno));
  }
  temp.renamed = true;
  sync_parent_directory(path);
}

}  // namespace tandem::io
