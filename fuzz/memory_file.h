// An in-memory file with a path, for fuzzing readers that take a file name (no disk writes).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace tandem::fuzz {

class MemoryFile {
 public:
  MemoryFile(const uint8_t* data, size_t size);  // aborts if the kernel refuses a memfd
  ~MemoryFile();
  MemoryFile(const MemoryFile&) = delete;
  MemoryFile& operator=(const MemoryFile&) = delete;
  const std::string& path() const { return path_; }  // /proc/self/fd/N

 private:
  int fd_;
  std::string path_;
};

}  // namespace tandem::fuzz
