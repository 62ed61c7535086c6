// A warmed-up training step allocates nothing from the heap: every activation, gradient and
// saved value comes from the graph's arena (docs/architecture.md, performance rule 3).
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>

#include "support/tiny_gru_classifier.h"
#include "train/clip.h"
#include "train/optimizer.h"

namespace {
// Counts operator new calls while `counting` is set. Replacing the global operator new is the
// one way to see allocations made anywhere in the step, including inside the library.
std::atomic<bool> counting{false};
std::atomic<long> allocations{0};
}  // namespace

// Every replaceable form that other code may pair with another (e.g. libstdc++'s temporary
// buffers use the nothrow form and the plain delete): all go through malloc/free, so no pairing
// can mismatch — AddressSanitizer checks that.
void* counted_malloc(std::size_t size) {
  if (counting.load(std::memory_order_relaxed)) allocations.fetch_add(1);
  return std::malloc(size == 0 ? 1 : size);
}
void* operator new(std::size_t size) {
  if (void* p = counted_malloc(size)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t size) { return operator new(size); }
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
  return counted_malloc(size);
}
void* operator new[](std::size_t size, const std::nothrow_t&) noexcept {
  return counted_malloc(size);
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }

namespace tandem {
namespace {

TEST(StepAllocation, WarmTrainingStepMakesNoHeapAllocation) {
  Rng rng(9);
  const int64_t vocab = 11, steps = 9, batch = 5;
  testing::TinyGruClassifier model(vocab, 6, 12, rng);
  Adam adam(model.params());
  Graph g;
  std::vector<int32_t> tokens, labels;
  auto train_step = [&] {
    g.reset();
    model.params().zero_grad();
    Var loss = model.loss(g, tokens, steps, batch, labels);
    g.backward(loss);
    clip_grad_norm(model.params(), 1.0);
    adam.step();
  };
  testing::make_first_token_batch(rng, vocab, steps, batch, tokens, labels);
  for (int warm = 0; warm < 3; ++warm) train_step();
  const size_t arena_blocks = g.arena().heap_allocations();

  allocations = 0;
  counting = true;
  for (int s = 0; s < 5; ++s) train_step();
  counting = false;
  EXPECT_EQ(allocations.load(), 0) << "heap allocations in 5 warm steps";
  EXPECT_EQ(g.arena().heap_allocations(), arena_blocks) << "the arena grew after warm-up";
}

}  // namespace
}  // namespace tandem
