// Tests for Arena: alignment, growth while warming up, and no heap use once warm.
#include "tensor/arena.h"

#include <gtest/gtest.h>

#include <cstring>

#include "tensor/tensor.h"

namespace tandem {
namespace {

TEST(Arena, AllocationsAreAlignedAndDisjoint) {
  Arena arena(256);
  float* a = arena.allocate_floats(3);
  float* b = arena.allocate_floats(17);
  int32_t* c = arena.allocate_ints(1);
  for (void* p : {static_cast<void*>(a), static_cast<void*>(b), static_cast<void*>(c)})
    EXPECT_EQ(reinterpret_cast<uintptr_t>(p) % Arena::kAlignment, 0u);
  std::memset(a, 0, 3 * sizeof(float));
  std::memset(b, 0xff, 17 * sizeof(float));
  EXPECT_EQ(a[2], 0.0f);  // b did not overlap a
}

TEST(Arena, GrowsWhileWarmingUpThenReusesOneBlock) {
  Arena arena(1024);
  auto step = [&] {
    for (int i = 0; i < 100; ++i) arena.allocate_floats(100 + i);  // ≈ 80 KB, far over 1 KB
    arena.reset();
  };
  step();
  const size_t after_first = arena.heap_allocations();
  EXPECT_GT(after_first, 1u);  // it had to grow
  step();                      // reset merged the blocks into one of the peak size
  const size_t after_second = arena.heap_allocations();
  for (int s = 0; s < 10; ++s) step();
  EXPECT_EQ(arena.heap_allocations(), after_second);
  EXPECT_GE(arena.peak_bytes(), 100 * 100 * sizeof(float));
}

TEST(Arena, ResetForgetsEverything) {
  Arena arena(4096);
  arena.allocate_floats(100);
  EXPECT_GT(arena.bytes_in_use(), 0u);
  arena.reset();
  EXPECT_EQ(arena.bytes_in_use(), 0u);
}

// A loop that rewinds each iteration's scratch keeps what came before and stays at one
// iteration's size, across block boundaries too.
TEST(Arena, RewindDropsOnlyWhatCameAfterTheMark) {
  Arena arena(1024);
  float* kept = arena.allocate_floats(64);
  std::memset(kept, 0, 64 * sizeof(float));
  const Arena::Mark mark = arena.mark();
  const size_t in_use = arena.bytes_in_use();
  float* first = nullptr;
  for (int i = 0; i < 20; ++i) {
    float* scratch = arena.allocate_floats(2000);  // past the first block
    std::memset(scratch, 0xff, 2000 * sizeof(float));
    if (i == 0) first = scratch;
    EXPECT_EQ(scratch, first);  // the same memory every time
    arena.rewind(mark);
    EXPECT_EQ(arena.bytes_in_use(), in_use);
  }
  EXPECT_EQ(kept[63], 0.0f);  // never overwritten
  EXPECT_LT(arena.peak_bytes(), 2 * (in_use + 2000 * sizeof(float)));
}

TEST(Arena, LargerRequestThanAnyBlock) {
  Arena arena(64);
  Tensor t = Tensor::zeros(arena, {1000, 10});
  EXPECT_EQ(t.data()[9999], 0.0f);
}

}  // namespace
}  // namespace tandem
