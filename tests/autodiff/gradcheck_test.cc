// Tests that the gradient checker itself fails on wrong gradients (a check that cannot fail
// proves nothing).
#include <gtest/gtest.h>

#include "autodiff/op_support.h"
#include "autodiff/ops.h"
#include "kernels/cpu/elementwise.h"
#include "support/gradcheck.h"

namespace tandem {
namespace {

// tanh forward with a backward that forgets the (1 − y²) factor.
void wrong_tanh_backward(Graph& g, const Node& node) {
  const Tensor& dy = g.grad(node.out[0]);
  if (float* dx = g.grad_data(node.in[0])) kernels::accumulate(dy.numel(), dy.data(), dx);
}

Var wrong_tanh(Var x) {
  Graph& g = *x.graph;
  Tensor y = g.new_tensor(x.shape());
  kernels::tanh_forward(y.numel(), x.value().data(), y.data());
  Node node;
  node.backward = wrong_tanh_backward;
  return ops::detail::emit(g, y, {x}, node);
}

TEST(GradCheck, RejectsAWrongBackward) {
  Rng rng(1);
  Tensor x = testing::random_tensor({3, 4}, rng, -2.0f, 2.0f);
  EXPECT_FALSE(
      testing::check_gradients([](std::span<const Var> v) { return wrong_tanh(v[0]); }, {x}));
  EXPECT_TRUE(
      testing::check_gradients([](std::span<const Var> v) { return ops::tanh(v[0]); }, {x}));
}

TEST(GradCheck, RejectsAGradientThatIsOffByTwoPercent) {
  // A scaled-gradient op: forward 1·x, backward 1.03·dy. The check must see 3%.
  Rng rng(2);
  Tensor x = testing::random_tensor({2, 3}, rng, 1.0f, 2.0f);
  auto f = [](std::span<const Var> v) {
    Graph& g = *v[0].graph;
    Tensor y = g.new_tensor(v[0].shape());
    y.copy_from(v[0].value());
    Node node;
    node.backward = [](Graph& graph, const Node& n) {
      const Tensor& dy = graph.grad(n.out[0]);
      if (float* dx = graph.grad_data(n.in[0]))
        kernels::scale_accumulate(dy.numel(), 1.03f, dy.data(), dx);
    };
    return ops::detail::emit(g, y, {v[0]}, node);
  };
  EXPECT_FALSE(testing::check_gradients(f, {x}));
}

}  // namespace
}  // namespace tandem
