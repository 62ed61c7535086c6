// An exclusive lock on a model folder while a training writes into it (flock(2) on the folder's
// train.lock), so that two trainings cannot mix their files or rotate away each other's
// checkpoints. The kernel releases the lock when the process ends, kill -9 included, so a lock
// is never stale; the file itself may stay behind and means nothing then.
#pragma once

#include <string>

namespace tandem::io {

class FolderLock {
 public:
  // Creates `dir` if missing and locks it, writing this process's pid, host and start time into
  // the lock file. A folder another process holds is an error naming the folder and the holder.
  explicit FolderLock(const std::string& dir);
  // Removes the lock file and releases the lock; a folder the constructor made and that holds
  // nothing else then is removed too (a run that failed early leaves no empty model folder).
  ~FolderLock();
  FolderLock(const FolderLock&) = delete;
  FolderLock& operator=(const FolderLock&) = delete;

  // Why the folder could not be locked on a file system without flock (some NFS and FUSE
  // mounts), where training goes ahead unprotected rather than not at all; "" when it is locked.
  const std::string& unlocked_reason() const { return unlocked_reason_; }

 private:
  std::string dir_, path_, unlocked_reason_;
  int fd_ = -1;
  bool made_dir_ = false;
};

// Who holds `dir`'s lock ("pid 123 on host h, since …"), or "" when no training holds it. Reads
// only; for messages.
std::string folder_lock_holder(const std::string& dir);

}  // namespace tandem::io
