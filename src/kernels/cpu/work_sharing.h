// WorkSharing: runs the chunks of one job on the calling thread and on helper threads that take
// chunks from a shared counter; the caller never waits for a helper that has not started.
#pragma once

#include <cstdint>

namespace tandem::kernels {

// run(n, f) calls f(context, i) once for every chunk i in [0, n), on the calling thread and on
// up to threads − 1 helper threads, and returns when all are done. A helper takes a chunk only
// when it is running, and the caller takes every chunk no helper has taken, so a helper the OS
// has descheduled (another process on its core) delays the job by at most the chunk it holds —
// unlike a fork-join barrier (OpenMP, OpenBLAS), which waits for every thread to arrive.
// Idle helpers spin briefly, then sleep on a futex (std::atomic::wait). Calls from several
// threads at once are serialised.
using ChunkFunction = void (*)(const void* context, int64_t chunk);
void run_chunks(int threads, int64_t chunks, ChunkFunction f, const void* context);

}  // namespace tandem::kernels
