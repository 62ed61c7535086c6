// WorkSharing: runs the chunks of one job on the calling thread and on helper threads that take
// chunks from a shared counter; the caller never waits for a helper that has not started.
#pragma once

#include <algorithm>
#include <cstdint>

#include "kernels/cpu/gemm.h"

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

// f(part, begin, end) over `parts` equal ranges of [0, n) through run_chunks — element-wise work
// that a single thread would otherwise do while the other core idles. The split depends on `parts`
// alone, so sums made per range and added in order do not change with the thread count.
template <typename F>
void run_ranges(int threads, int64_t n, int64_t parts, const F& f) {
  if (threads <= 1 || parts <= 1) {
    for (int64_t i = 0; i < parts; ++i) f(i, n * i / parts, n * (i + 1) / parts);
    return;
  }
  struct Job {
    const F* f;
    int64_t n, parts;
  } job{&f, n, parts};
  run_chunks(
      threads, parts,
      [](const void* context, int64_t i) {
        const Job& j = *static_cast<const Job*>(context);
        (*j.f)(i, j.n * i / j.parts, j.n * (i + 1) / j.parts);
      },
      &job);
}

// Rows [0, rows) in ranges over the GEMM's threads (kernels::gemm_threads) when the job does at
// least kParallelWork units of work (multiply-adds, elements), else on the calling thread:
// f(begin, end).
inline constexpr int64_t kParallelWork = int64_t{1} << 16;
template <typename F>
void run_rows(int64_t rows, int64_t work, const F& f) {
  const int64_t parts = work >= kParallelWork ? std::min<int64_t>(gemm_threads(), rows) : 1;
  run_ranges(static_cast<int>(parts), rows, std::max<int64_t>(parts, 1),
             [&](int64_t, int64_t begin, int64_t end) { f(begin, end); });
}

}  // namespace tandem::kernels
