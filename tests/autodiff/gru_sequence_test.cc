// ops::gru_sequence against the same layer written step by step (gru_cell, blend_rows for
// padding, stack), and against finite differences.
#include <gtest/gtest.h>

#include <vector>

#include "autodiff/ops.h"
#include "support/gradcheck.h"
#include "support/rnn_sequence_cases.h"
#include "tensor/error.h"

namespace tandem {
namespace {

using testing::check_gradients;
using testing::random_tensor;

using Case = testing::SequenceCase;
using testing::expect_close;
const std::vector<Case>& kCases = testing::kSequenceCases;

// The layer as the encoder spelled it before the sequence op: one node per step, padding rows
// keep their state through blend_rows. Returns {outputs, last h}.
std::vector<Var> stepwise(Graph& g, Var xg, Var w, Var bias, const Case& c) {
  Var h = g.constant(g.new_zeros({c.B, c.H}));
  std::vector<Var> steps(c.T);
  for (int64_t k = 0; k < c.T; ++k) {
    const int64_t t = c.reverse ? c.T - 1 - k : k;
    Var next = ops::gru_cell(ops::select(xg, t), h, w, bias);
    if (!c.lengths.empty()) {
      Tensor keep = g.new_tensor({c.B});
      for (int64_t b = 0; b < c.B; ++b) keep.data()[b] = t < c.lengths[b] ? 1.0f : 0.0f;
      next = ops::blend_rows(next, h, keep);
    }
    h = next;
    steps[t] = h;
  }
  return {ops::stack(steps), h};
}

std::vector<Var> fused(Var xg, Var w, Var bias, const Case& c) {
  Var outputs = ops::gru_sequence(xg, w, bias, c.lengths, c.reverse);
  return {outputs, ops::select(outputs, c.reverse ? 0 : c.T - 1)};
}

struct Inputs {
  Tensor xg, w, bias;
  explicit Inputs(const Case& c, Rng& rng)
      : xg(random_tensor({c.T, c.B, 3 * c.H}, rng)),
        w(random_tensor({3 * c.H, c.H}, rng, -0.5f, 0.5f)),
        bias(random_tensor({3 * c.H}, rng)) {}
};

TEST(GruSequence, EqualsTheStepwiseLayerInValuesAndGradients) {
  Rng rng(7);
  for (const Case& c : kCases) {
    SCOPED_TRACE("T=" + std::to_string(c.T) + " B=" + std::to_string(c.B) +
                 (c.lengths.empty() ? " unpadded" : " padded") + (c.reverse ? " reverse" : ""));
    const Inputs in(c, rng);
    std::vector<Tensor> weights;  // a loss that weighs every output element differently
    Graph g1, g2;
    Var x1 = g1.leaf(in.xg), w1 = g1.leaf(in.w), b1 = g1.leaf(in.bias);
    Var x2 = g2.leaf(in.xg), w2 = g2.leaf(in.w), b2 = g2.leaf(in.bias);
    const std::vector<Var> a = fused(x1, w1, b1, c), b = stepwise(g2, x2, w2, b2, c);
    const char* names[] = {"outputs", "last h"};
    for (int k = 0; k < 2; ++k) {
      expect_close(a[k].value(), b[k].value(), names[k]);
      weights.push_back(random_tensor(a[k].shape(), rng));
    }
    auto loss = [&](Graph& g, const std::vector<Var>& out) {
      return ops::add(ops::sum(ops::mul(out[0], g.constant(weights[0]))),
                      ops::sum(ops::mul(out[1], g.constant(weights[1]))));
    };
    g1.backward(loss(g1, a));
    g2.backward(loss(g2, b));
    expect_close(x1.grad(), x2.grad(), "dxg");
    expect_close(w1.grad(), w2.grad(), "dW_hh");
    expect_close(b1.grad(), b2.grad(), "db_hh");
  }
}

TEST(GruSequence, MatchesFiniteDifferences) {
  Rng rng(11);
  for (const Case& c : {kCases[1], kCases[4], kCases[6]}) {
    const Inputs in(c, rng);
    EXPECT_TRUE(check_gradients(
        [&](std::span<const Var> v) {
          return ops::reshape(fused(v[0], v[1], v[2], c)[0], {c.T * c.B * c.H});
        },
        {in.xg, in.w, in.bias}))
        << "T=" << c.T << " reverse=" << c.reverse;
  }
}

TEST(GruSequence, InferenceGivesTheSameValuesWithoutATape) {
  Rng rng(3);
  const Case& c = kCases[5];
  const Inputs in(c, rng);
  Graph g1, g2;
  const std::vector<Var> a = fused(g1.leaf(in.xg), g1.leaf(in.w), g1.leaf(in.bias), c);
  std::vector<Var> b;
  {
    NoGradGuard no_grad(g2);
    b = fused(g2.leaf(in.xg), g2.leaf(in.w), g2.leaf(in.bias), c);
    EXPECT_EQ(g2.num_nodes(), 0u);
  }
  for (int k = 0; k < 2; ++k) expect_close(a[k].value(), b[k].value(), "inference");
}

TEST(GruSequence, RejectsMismatchedShapes) {
  Graph g;
  Var xg = g.leaf(Tensor::zeros({3, 2, 6}));
  Var w = g.leaf(Tensor::zeros({6, 2})), bias = g.leaf(Tensor::zeros({6}));
  EXPECT_NO_THROW(ops::gru_sequence(xg, w, bias, {}, false));
  EXPECT_THROW(ops::gru_sequence(xg, g.leaf(Tensor::zeros({6, 3})), bias, {}, false), Error);
  EXPECT_THROW(ops::gru_sequence(xg, w, g.leaf(Tensor::zeros({4})), {}, false), Error);
  const std::vector<int64_t> three = {1, 2, 3};
  EXPECT_THROW(ops::gru_sequence(xg, w, bias, three, false), Error);
  EXPECT_THROW(ops::gru_sequence(g.leaf(Tensor::zeros({0, 2, 6})), w, bias, {}, false), Error);
}

}  // namespace
}  // namespace tandem
