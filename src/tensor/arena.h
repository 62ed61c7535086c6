// Arena: a bump allocator for the tensors of one step (training or decoding), reset between steps.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace tandem {

// Everything a step creates (activations, gradients, saved values, masks) comes from here, so a
// step allocates nothing from the heap once the arena has grown to the step's peak: reset()
// merges the blocks of the first steps into one block of twice the peak size, and later steps
// reuse it. Parameters and optimiser state live outside the arena.
class Arena {
 public:
  static constexpr size_t kAlignment = 64;  // a cache line; enough for any SIMD load

  explicit Arena(size_t initial_bytes = size_t{1} << 20);
  Arena(const Arena&) = delete;
  Arena& operator=(const Arena&) = delete;

  // Uninitialised, kAlignment-aligned storage for n values, valid until reset().
  float* allocate_floats(int64_t n) { return static_cast<float*>(allocate_bytes(n * 4)); }
  int32_t* allocate_ints(int64_t n) { return static_cast<int32_t*>(allocate_bytes(n * 4)); }
  void* allocate_bytes(size_t bytes);

  // Forgets every allocation. Pointers handed out before are invalid afterwards.
  void reset();

  // A point to come back to: rewind(mark) forgets what was allocated after it (the blocks stay
  // for reuse), so a loop can drop each iteration's scratch — a search step's output layer over
  // a large vocabulary, say — while keeping what came before. Valid until reset().
  struct Mark {
    size_t block, offset, used_before;
  };
  Mark mark() const { return {current_, offset_, used_before_current_}; }
  void rewind(const Mark& m) {
    current_ = m.block;
    offset_ = m.offset;
    used_before_current_ = m.used_before;
  }

  size_t bytes_in_use() const { return used_before_current_ + offset_; }
  size_t peak_bytes() const { return peak_; }
  // How many times the arena asked the heap for a block, since construction.
  size_t heap_allocations() const { return heap_allocations_; }

 private:
  struct FreeDeleter {
    void operator()(void* p) const;
  };
  using Block = std::unique_ptr<std::byte, FreeDeleter>;

  void add_block(size_t bytes);

  std::vector<Block> blocks_;
  std::vector<size_t> block_sizes_;
  size_t current_ = 0;              // index of the block being filled
  size_t offset_ = 0;               // bytes used in the current block
  size_t used_before_current_ = 0;  // bytes used in the blocks before it
  size_t peak_ = 0;
  size_t heap_allocations_ = 0;
};

}  // namespace tandem
