// glibc's mmap threshold, fixed once per process.
#include "api/process_memory.h"

#include <malloc.h>

#include <mutex>

namespace tandem {

void tune_process_memory() {
  static std::once_flag done;
  std::call_once(done, [] {
    // Buffers of 1 MiB and more (arena blocks while the arena warms up, packing buffers) come
    // from mmap and go back to the system when freed. glibc's default raises this threshold
    // each time such a buffer is freed, after which the next ones come from the heap and linger
    // there once freed: base training's peak resident memory was 54 MiB higher
    // (bench/RESULTS.md).
    mallopt(M_MMAP_THRESHOLD, 1 << 20);
  });
}

}  // namespace tandem
