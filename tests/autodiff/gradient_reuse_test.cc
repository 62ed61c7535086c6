// The backward sweep reuses the gradient buffers of op outputs it has finished with, so a long
// chain of steps holds a few gradients at a time instead of one per step.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "autodiff/ops.h"
#include "support/gradcheck.h"

namespace tandem {
namespace {

TEST(GradientReuse, AChainOfStepsHoldsAFewGradientsAtATime) {
  Rng rng(91);
  const Tensor x0 = testing::random_tensor({64, 64}, rng, -0.5f, 0.5f);
  const int64_t steps = 50, step_bytes = 64 * 64 * sizeof(float);
  Graph g;
  const Var input = g.leaf(x0);
  Var x = input;
  std::vector<Var> chain;
  for (int64_t t = 0; t < steps; ++t) chain.push_back(x = ops::tanh(x));
  Var loss = ops::sum(x);
  const size_t forward_bytes = g.arena().bytes_in_use();
  g.backward(loss);
  // Without reuse the sweep would add one gradient per step (50 · 16 KiB) to the forward's.
  EXPECT_LT(g.arena().peak_bytes(), forward_bytes + 4 * step_bytes);
  // The leaf's gradient is kept and right: d/dx0 of Σ tanh∘…∘tanh(x0), by the chain rule.
  ASSERT_TRUE(input.grad().defined());
  for (int64_t i = 0; i < x0.numel(); i += 97) {
    double grad = 1.0, v = x0.data()[i];
    for (int64_t t = 0; t < steps; ++t) {
      v = std::tanh(v);
      grad *= 1.0 - v * v;
    }
    EXPECT_NEAR(input.grad().data()[i], grad, 1e-5 + 1e-3 * std::fabs(grad));
  }
  // An op output's gradient is released once its op's backward has run.
  EXPECT_FALSE(chain[steps / 2].grad().defined());
}

}  // namespace
}  // namespace tandem
