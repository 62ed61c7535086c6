// ops::linear_parts: finite differences, and equality with linear(concat(parts)) with and
// without packed weights (whose column slices it reads in both directions).
#include <gtest/gtest.h>

#include <vector>

#include "autodiff/ops.h"
#include "autodiff/packed_weights.h"
#include "support/gradcheck.h"
#include "tensor/error.h"

namespace tandem {
namespace {

using testing::check_gradients;
using testing::random_tensor;

TEST(LinearParts, MatchesFiniteDifferences) {
  Rng rng(5);
  const Tensor a = random_tensor({3, 2}, rng), b = random_tensor({3, 5}, rng),
               c = random_tensor({3, 1}, rng);
  const Tensor w = random_tensor({4, 8}, rng), bias = random_tensor({4}, rng);
  EXPECT_TRUE(check_gradients(
      [](std::span<const Var> v) { return ops::linear_parts(v.subspan(0, 3), v[3], v[4]); },
      {a, b, c, w, bias}));
  EXPECT_TRUE(check_gradients(
      [](std::span<const Var> v) { return ops::linear_parts(v.subspan(0, 1), v[1]); },
      {random_tensor({2, 6}, rng), random_tensor({3, 6}, rng)}));
}

// Values and every gradient of linear_parts against linear on the concatenation, the weight
// and bias being parameters; with packed weights the op reads W's column slices in both layouts.
void expect_same_as_concat(bool packed_weights, const std::vector<int64_t>& widths) {
  SCOPED_TRACE(packed_weights ? "packed weights" : "per-call packing");
  Rng rng(9);
  const int64_t rows = 13, out = 37;
  int64_t in = 0;
  for (int64_t n : widths) in += n;
  Parameter w("W", {out, in}), bias("b", {out});
  w.value.copy_from(random_tensor({out, in}, rng));
  bias.value.copy_from(random_tensor({out}, rng));
  std::vector<Tensor> inputs;
  for (int64_t n : widths) inputs.push_back(random_tensor({rows, n}, rng));
  const Tensor loss_weights = random_tensor({rows, out}, rng);

  auto run = [&](bool parts, std::vector<Tensor>& grads) {
    PackedWeights packed;
    Graph g;
    if (packed_weights) g.set_packed_weights(&packed);
    w.zero_grad();
    bias.zero_grad();
    std::vector<Var> xs;
    for (const Tensor& t : inputs) xs.push_back(g.leaf(t));
    Var y = parts ? ops::linear_parts(xs, g.parameter(w), g.parameter(bias))
                  : ops::linear(ops::concat(xs), g.parameter(w), g.parameter(bias));
    g.backward(ops::sum(ops::mul(y, g.constant(loss_weights))));
    grads = {Tensor::zeros(y.shape()), Tensor::zeros(w.grad.shape()), Tensor::zeros({out})};
    grads[0].copy_from(y.value());
    grads[1].copy_from(w.grad);
    grads[2].copy_from(bias.grad);
    for (const Var& x : xs) {
      grads.push_back(Tensor::zeros(x.shape()));
      grads.back().copy_from(x.grad());
    }
  };
  std::vector<Tensor> a, b;
  run(true, a);
  run(false, b);
  ASSERT_EQ(a.size(), b.size());
  const char* names[] = {"y", "dW", "db"};
  for (size_t k = 0; k < a.size(); ++k)
    for (int64_t i = 0; i < a[k].numel(); ++i)
      ASSERT_NEAR(a[k].data()[i], b[k].data()[i], 1e-4f)
          << (k < 3 ? names[k] : "d part") << " " << k << " element " << i;
}

TEST(LinearParts, EqualsLinearOnTheConcatenation) {
  for (bool packed : {false, true}) {
    expect_same_as_concat(packed, {40, 7});  // widths across and within a 32-wide panel
    expect_same_as_concat(packed, {3, 64, 33});
  }
}

TEST(LinearParts, RejectsMismatchedParts) {
  Graph g;
  Var w = g.leaf(Tensor::zeros({4, 5}));
  const Var rows_differ[] = {g.leaf(Tensor::zeros({2, 2})), g.leaf(Tensor::zeros({3, 3}))};
  EXPECT_THROW(ops::linear_parts(rows_differ, w), Error);
  const Var too_narrow[] = {g.leaf(Tensor::zeros({2, 2})), g.leaf(Tensor::zeros({2, 2}))};
  EXPECT_THROW(ops::linear_parts(too_narrow, w), Error);
  EXPECT_THROW(ops::linear_parts({}, w), Error);
  const Var fits[] = {g.leaf(Tensor::zeros({2, 2})), g.leaf(Tensor::zeros({2, 3}))};
  EXPECT_THROW(ops::linear_parts(fits, w, g.leaf(Tensor::zeros({5}))), Error);
  EXPECT_NO_THROW(ops::linear_parts(fits, w, g.leaf(Tensor::zeros({4}))));
}

}  // namespace
}  // namespace tandem
