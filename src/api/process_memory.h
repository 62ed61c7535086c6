// The allocator setting the library makes once per process, for translating and training alike.
#pragma once

namespace tandem {

// Sets glibc's mmap threshold (once per process; later calls do nothing). Called by the
// Translator constructor and train(), so that every front end gets it.
void tune_process_memory();

}  // namespace tandem
