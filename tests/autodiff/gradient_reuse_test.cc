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

// A decoder's output side: per-step features stacked, dropped out, into the fused loss. The loss
// lends its forward-made gradient to the dropout's output, the dropout its output's gradient
// to the stack's, the stack a slice of it to each step — no new buffer on the way. The same
// gradients come out when every value already has a gradient and the ops must add instead.
TEST(GradientReuse, OpsLendTheirGradientBuffersToInputsThatHaveNone) {
  const int64_t T = 6, B = 16, F = 32, V = 11;
  const size_t full_bytes = T * B * F * sizeof(float);
  Rng rng(17);
  std::vector<Tensor> parts;
  for (int64_t t = 0; t < T; ++t) parts.push_back(testing::random_tensor({B, F}, rng));
  const Tensor w = testing::random_tensor({V, F}, rng);
  std::vector<int32_t> targets(T * B);
  for (int64_t i = 0; i < T * B; ++i) targets[i] = static_cast<int32_t>((i * 7) % V);
  auto run = [&](bool values_have_gradients, size_t& backward_bytes) {
    Graph g;
    Rng dropout_rng(5);
    std::vector<Var> leaves, steps;
    for (const Tensor& p : parts) {
      leaves.push_back(g.leaf(p));
      steps.push_back(ops::scale(leaves.back(), 1.0f));
    }
    Var stacked = ops::reshape(ops::stack(steps), {T * B, F});
    Var dropped = ops::dropout(stacked, 0.5f, dropout_rng);
    Var weight = g.leaf(w);
    Var loss = ops::linear_cross_entropy(dropped, weight, Var{}, targets);
    if (values_have_gradients) {  // recorded later, run first: every value has a gradient
      Var zero = ops::scale(ops::sum(dropped), 0.0f);
      zero = ops::add(zero, ops::scale(ops::sum(stacked), 0.0f));
      for (const Var& step : steps) zero = ops::add(zero, ops::scale(ops::sum(step), 0.0f));
      loss = ops::add(loss, zero);
    }
    const size_t before = g.arena().bytes_in_use();
    g.backward(loss);
    backward_bytes = g.arena().bytes_in_use() - before;
    std::vector<float> grads(weight.grad().data(), weight.grad().data() + weight.grad().numel());
    for (const Var& leaf : leaves)
      grads.insert(grads.end(), leaf.grad().data(), leaf.grad().data() + leaf.grad().numel());
    return grads;
  };
  size_t lent_bytes = 0, added_bytes = 0;
  const std::vector<float> lent = run(false, lent_bytes), added = run(true, added_bytes);
  ASSERT_EQ(lent.size(), added.size());
  for (size_t i = 0; i < lent.size(); ++i) ASSERT_FLOAT_EQ(lent[i], added[i]) << "element " << i;
  // Lending, the sweep allocates the leaves' gradients (one full buffer) and the weight's; the
  // three (T·B, F) buffers of the dropout's input, the stack's parts and the loss's input come
  // from the ops.
  EXPECT_LT(lent_bytes, 2 * full_bytes);
}

}  // namespace
}  // namespace tandem
