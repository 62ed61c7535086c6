// WorkSharing: a generation-tagged chunk counter shared by the caller and a few helper threads.
#include "kernels/cpu/work_sharing.h"

#include <atomic>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace tandem::kernels {

namespace {

inline void cpu_relax() {
#if defined(__x86_64__)
  _mm_pause();
#endif
}

// One job at a time. `ticket` packs the job's generation (bits 40–63), its number of chunks
// (20–39) and the next chunk to take (0–19), so that one compare-and-swap both checks that the
// job is still the one a helper woke for and claims a chunk of it: a helper that wakes late
// cannot take a chunk of a later job. The job's function and context are read only after a
// successful claim, and the caller changes them only once every claimed chunk is done.
class Pool {
 public:
  static constexpr int64_t kMaxChunks = (int64_t{1} << 20) - 1;

  void run(int threads, int64_t chunks, ChunkFunction f, const void* context) {
    std::lock_guard<std::mutex> one_job(job_mutex_);
    ensure_helpers(threads - 1);
    f_ = f;
    context_ = context;
    done_.store(0, std::memory_order_relaxed);
    const uint64_t generation = ((ticket_.load(std::memory_order_relaxed) >> 40) + 1) & 0xFFFFFF;
    active_helpers_.store(threads - 1, std::memory_order_relaxed);
    ticket_.store(generation << 40 | static_cast<uint64_t>(chunks) << 20,
                  std::memory_order_release);
    wake_.fetch_add(1, std::memory_order_release);
    if (sleeping_.load(std::memory_order_acquire) > 0) wake_.notify_all();
    work(generation);
    // Only chunks that a helper has claimed can still be running; if its thread was
    // descheduled, yield the core it may be waiting for.
    for (int spins = 0; done_.load(std::memory_order_acquire) < chunks; ++spins)
      if (spins < 4096)
        cpu_relax();
      else
        std::this_thread::yield();
  }

  ~Pool() {
    stop_.store(true);
    wake_.fetch_add(1);
    wake_.notify_all();
    for (std::thread& t : helpers_) t.join();
  }

 private:
  // Claims and runs chunks of job `generation` until none is left.
  void work(uint64_t generation) {
    uint64_t ticket = ticket_.load(std::memory_order_acquire);
    for (;;) {
      if ((ticket >> 40) != generation) return;  // a later job: ours is over
      const uint64_t chunk = ticket & 0xFFFFF, chunks = (ticket >> 20) & 0xFFFFF;
      if (chunk >= chunks) return;
      if (!ticket_.compare_exchange_weak(ticket, ticket + 1, std::memory_order_acq_rel))
        continue;  // ticket reloaded: someone else moved it
      f_(context_, static_cast<int64_t>(chunk));
      done_.fetch_add(1, std::memory_order_release);
      ticket = ticket_.load(std::memory_order_acquire);
    }
  }

  void helper(int index) {
    uint32_t seen = wake_.load(std::memory_order_acquire);
    while (!stop_.load(std::memory_order_acquire)) {
      // Spin a little for the next job (products come in quick succession), then sleep.
      uint32_t now = seen;
      for (int spin = 0; spin < 20000 && now == seen; ++spin) {
        cpu_relax();
        now = wake_.load(std::memory_order_acquire);
      }
      if (now == seen) {
        sleeping_.fetch_add(1, std::memory_order_acq_rel);
        wake_.wait(seen, std::memory_order_acquire);
        sleeping_.fetch_sub(1, std::memory_order_acq_rel);
        now = wake_.load(std::memory_order_acquire);
      }
      seen = now;
      if (stop_.load(std::memory_order_acquire)) return;
      if (index < active_helpers_.load(std::memory_order_relaxed))
        work(ticket_.load(std::memory_order_acquire) >> 40);
    }
  }

  void ensure_helpers(int wanted) {
    while (static_cast<int>(helpers_.size()) < wanted) {
      const int index = static_cast<int>(helpers_.size());
      helpers_.emplace_back([this, index] { helper(index); });
    }
  }

  std::mutex job_mutex_;
  std::vector<std::thread> helpers_;
  std::atomic<uint64_t> ticket_{0};
  std::atomic<int64_t> done_{0};
  std::atomic<uint32_t> wake_{0};
  std::atomic<int> sleeping_{0};
  std::atomic<bool> stop_{false};
  ChunkFunction f_ = nullptr;
  const void* context_ = nullptr;
  std::atomic<int> active_helpers_{0};  // helpers that take part in the current job
};

}  // namespace

void run_chunks(int threads, int64_t chunks, ChunkFunction f, const void* context) {
  if (threads <= 1 || chunks <= 1 || chunks > Pool::kMaxChunks) {
    for (int64_t i = 0; i < chunks; ++i) f(context, i);
    return;
  }
  static Pool pool;  // helpers are made on first use and live as long as the process
  pool.run(threads, chunks, f, context);
}

}  // namespace tandem::kernels
