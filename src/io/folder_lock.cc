// The model folder's lock: flock(2) on train.lock, with the holder described inside the file.
#include "io/folder_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <ctime>
#include <filesystem>
#include <system_error>

#include "io/model_dir.h"
#include "tensor/error.h"

namespace tandem::io {

namespace fs = std::filesystem;

namespace {

std::string reason(int err) { return std::error_code(err, std::generic_category()).message(); }

// The holder's description as the lock file holds it, on one line.
std::string read_holder(int fd) {
  char buffer[512];
  const ssize_t n = pread(fd, buffer, sizeof buffer - 1, 0);
  std::string text(buffer, n > 0 ? static_cast<size_t>(n) : 0);
  while (!text.empty() && text.back() == '\n') text.pop_back();
  return text.empty() ? "a process that has not yet written its details" : text;
}

std::string this_process() {
  char host[256] = "unknown";
  gethostname(host, sizeof host - 1);
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char when[64];
  std::strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S UTC", &utc);
  return "pid " + std::to_string(getpid()) + " on host " + host + ", since " + when + "\n";
}

}  // namespace

FolderLock::FolderLock(const std::string& dir)
    : dir_(dir), path_((fs::path(dir) / kModelFolderLock).string()) {
  std::error_code ec;
  made_dir_ = fs::create_directories(dir, ec);
  check(!ec, [&] { return "cannot create the model folder " + dir + ": " + ec.message(); });
  // A holder unlinks the file before it unlocks; a process that opened the old file meanwhile
  // and then got its lock holds a file no longer in the folder, so it checks and tries again.
  for (;;) {
    fd_ = open(path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    check(fd_ >= 0, [&] { return "cannot create the lock file " + path_ + ": " + reason(errno); });
    if (flock(fd_, LOCK_EX | LOCK_NB) != 0) {
      const int err = errno;
      if (err == ENOLCK || err == EOPNOTSUPP) {
        close(fd_);
        fd_ = -1;
        unlink(path_.c_str());
        unlocked_reason_ = "the model folder " + dir + " cannot be locked (" + reason(err) +
                           ": its file system has no flock); training without the guard against a "
                           "second training into it";
        return;
      }
      const std::string holder = err == EWOULDBLOCK ? read_holder(fd_) : "";
      close(fd_);
      fd_ = -1;
      check(err != EWOULDBLOCK, [&] {
        return "the model folder " + dir + " is in use by another training (" + holder +
               "): wait for it to end, or train into another folder (train.model_dir)";
      });
      throw Error("cannot lock the model folder " + dir + " (" + path_ + "): " + reason(err));
    }
    struct stat held {
    }, named{};
    if (fstat(fd_, &held) == 0 && stat(path_.c_str(), &named) == 0 && held.st_ino == named.st_ino &&
        held.st_dev == named.st_dev)
      break;
    close(fd_);
  }
  const std::string me = this_process();
  // The details only make a second training's message better: a failure to write them is no error.
  [[maybe_unused]] const bool written =
      ftruncate(fd_, 0) == 0 && pwrite(fd_, me.data(), me.size(), 0) >= 0;
}

FolderLock::~FolderLock() {
  if (fd_ >= 0) {
    unlink(path_.c_str());  // before the unlock: see the constructor
    close(fd_);
  }
  std::error_code ec;
  if (made_dir_ && fs::is_empty(dir_, ec)) fs::remove(dir_, ec);
}

std::string folder_lock_holder(const std::string& dir) {
  const std::string path = (fs::path(dir) / kModelFolderLock).string();
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return "";
  std::string holder;
  if (flock(fd, LOCK_SH | LOCK_NB) != 0)
    holder = read_holder(fd);
  else
    flock(fd, LOCK_UN);
  close(fd);
  return holder;
}

}  // namespace tandem::io
