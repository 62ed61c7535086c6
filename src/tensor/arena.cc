// Arena: block management and the bump allocation itself.
#include "tensor/arena.h"

#include <cstdlib>
#include <new>

namespace tandem {

namespace {
size_t round_up(size_t n, size_t to) { return (n + to - 1) / to * to; }
}  // namespace

void Arena::FreeDeleter::operator()(void* p) const { std::free(p); }

Arena::Arena(size_t initial_bytes) {
  blocks_.reserve(16);
  block_sizes_.reserve(16);
  add_block(round_up(initial_bytes, kAlignment));
}

void Arena::add_block(size_t bytes) {
  void* p = std::aligned_alloc(kAlignment, bytes);
  if (!p) throw std::bad_alloc();
  blocks_.emplace_back(static_cast<std::byte*>(p));
  block_sizes_.push_back(bytes);
  ++heap_allocations_;
}

void* Arena::allocate_bytes(size_t bytes) {
  bytes = round_up(bytes == 0 ? 1 : bytes, kAlignment);
  if (offset_ + bytes > block_sizes_[current_]) {
    used_before_current_ += offset_;
    offset_ = 0;
    ++current_;
    if (current_ == blocks_.size()) {
      // Grow geometrically so that a step needs few blocks while the arena warms up.
      add_block(std::max(bytes, block_sizes_.back() * 2));
    }
    while (bytes > block_sizes_[current_]) {  // a later, smaller block: skip it
      ++current_;
      if (current_ == blocks_.size()) add_block(std::max(bytes, block_sizes_.back() * 2));
    }
  }
  void* p = blocks_[current_].get() + offset_;
  offset_ += bytes;
  peak_ = std::max(peak_, used_before_current_ + offset_);
  return p;
}

void Arena::reset() {
  if (blocks_.size() > 1) {
    // The last step spilled over: replace all blocks by one that holds twice the peak. Steps
    // that keep growing (search over batches sorted by length) would otherwise spill and merge
    // again and again, each new block faulting in every page afresh (9% of beam search's time
    // with an eighth of headroom); pages a step never touches cost no resident memory.
    size_t total = round_up(2 * peak_, kAlignment);
    blocks_.clear();
    block_sizes_.clear();
    add_block(total);
  }
  current_ = 0;
  offset_ = 0;
  used_before_current_ = 0;
}

}  // namespace tandem
