// Atomic file writing: write beside the target, flush to disk, then rename over it.
#pragma once

#include <functional>
#include <ostream>
#include <string>

namespace tandem::io {

// Writes the file at `path` through `write`, so that `path` afterwards holds either its old
// contents or the complete new ones, never a half-written file (a crash or a full disk during a
// checkpoint must not destroy the previous checkpoint). The bytes go to a uniquely named
// temporary file in the same directory ("<path>.tmp.<pid>.<n>"), which is flushed, fsync'ed and
// renamed over `path`.
//
// On failure the temporary file is removed and `path` is untouched. Failures of the file system
// (cannot create, write, sync or rename; `write` leaving the stream in a failed state) throw
// tandem::Error naming `path` and the reason; an exception thrown by `write` itself propagates
// unchanged.
void write_file_atomically(const std::string& path,
                           const std::function<void(std::ostream&)>& write);

}  // namespace tandem::io
