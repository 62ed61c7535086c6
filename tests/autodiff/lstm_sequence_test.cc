// ops::lstm_sequence against the same layer written step by step (lstm_cell, blend_rows for
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
// keep their state through blend_rows. Returns {outputs, last h, last c}.
std::vector<Var> stepwise(Graph& g, Var xg, Var w, const Case& c) {
  xg = ops::scale(xg, 1.0f);  // lstm_cell consumes its steps of xg; the leaf must stay intact
  Var h = g.constant(g.new_zeros({c.B, c.H})), cs = g.constant(g.new_zeros({c.B, c.H}));
  std::vector<Var> steps(c.T);
  for (int64_t k = 0; k < c.T; ++k) {
    const int64_t t = c.reverse ? c.T - 1 - k : k;
    ops::LstmState next = ops::lstm_cell(ops::select(xg, t), h, cs, w);
    if (!c.lengths.empty()) {
      Tensor keep = g.new_tensor({c.B});
      for (int64_t b = 0; b < c.B; ++b) keep.data()[b] = t < c.lengths[b] ? 1.0f : 0.0f;
      next.h = ops::blend_rows(next.h, h, keep);
      next.c = ops::blend_rows(next.c, cs, keep);
    }
    h = next.h;
    cs = next.c;
    steps[t] = h;
  }
  return {ops::stack(steps), h, cs};
}

std::vector<Var> fused(Var xg, Var w, const Case& c) {
  // A fresh value for the op to consume, as an input projection would be.
  ops::LstmSequence s = ops::lstm_sequence(ops::scale(xg, 1.0f), w, c.lengths, c.reverse);
  return {s.outputs, ops::select(s.outputs, c.reverse ? 0 : c.T - 1), s.last_c};
}

TEST(LstmSequence, EqualsTheStepwiseLayerInValuesAndGradients) {
  Rng rng(7);
  for (const Case& c : kCases) {
    SCOPED_TRACE("T=" + std::to_string(c.T) + " B=" + std::to_string(c.B) +
                 (c.lengths.empty() ? " unpadded" : " padded") + (c.reverse ? " reverse" : ""));
    const Tensor xg = random_tensor({c.T, c.B, 4 * c.H}, rng);
    const Tensor w = random_tensor({4 * c.H, c.H}, rng, -0.5f, 0.5f);
    std::vector<Tensor> weights;  // a loss that weighs every output element differently
    Graph g1, g2;
    Var x1 = g1.leaf(xg), w1 = g1.leaf(w), x2 = g2.leaf(xg), w2 = g2.leaf(w);
    const std::vector<Var> a = fused(x1, w1, c), b = stepwise(g2, x2, w2, c);
    const char* names[] = {"outputs", "last h", "last c"};
    for (int k = 0; k < 3; ++k) {
      expect_close(a[k].value(), b[k].value(), names[k]);
      weights.push_back(random_tensor(a[k].shape(), rng));
    }
    auto loss = [&](Graph& g, const std::vector<Var>& out) {
      Var total = ops::sum(ops::mul(out[0], g.constant(weights[0])));
      for (int k = 1; k < 3; ++k)
        total = ops::add(total, ops::sum(ops::mul(out[k], g.constant(weights[k]))));
      return total;
    };
    g1.backward(loss(g1, a));
    g2.backward(loss(g2, b));
    expect_close(x1.grad(), x2.grad(), "dxg");
    expect_close(w1.grad(), w2.grad(), "dW_hh");
  }
}

TEST(LstmSequence, MatchesFiniteDifferences) {
  Rng rng(11);
  for (const Case& c : {kCases[1], kCases[4], kCases[6]}) {
    const Tensor xg = random_tensor({c.T, c.B, 4 * c.H}, rng);
    const Tensor w = random_tensor({4 * c.H, c.H}, rng, -0.5f, 0.5f);
    EXPECT_TRUE(check_gradients(
        [&](std::span<const Var> v) {
          const std::vector<Var> out = fused(v[0], v[1], c);
          const Var parts[] = {ops::reshape(out[0], {c.T * c.B * c.H}),
                               ops::reshape(out[2], {c.B * c.H})};
          return ops::concat(parts);
        },
        {xg, w}))
        << "T=" << c.T << " reverse=" << c.reverse;
  }
}

TEST(LstmSequence, InferenceGivesTheSameValuesWithoutATape) {
  Rng rng(3);
  const Case& c = kCases[5];
  const Tensor xg = random_tensor({c.T, c.B, 4 * c.H}, rng);
  const Tensor w = random_tensor({4 * c.H, c.H}, rng, -0.5f, 0.5f);
  Graph g1, g2;
  const std::vector<Var> a = fused(g1.leaf(xg), g1.leaf(w), c);
  std::vector<Var> b;
  {
    NoGradGuard no_grad(g2);
    b = fused(g2.leaf(xg), g2.leaf(w), c);
    EXPECT_EQ(g2.num_nodes(), 0u);
  }
  for (int k = 0; k < 3; ++k) expect_close(a[k].value(), b[k].value(), "inference");
}

// Both ops overwrite their projected input while recording, so the caller's own tensors are
// refused; without a tape nothing is overwritten and a leaf is fine.
TEST(LstmSequence, RefusesToConsumeTheCallersStorage) {
  Graph g;
  Var xg = g.leaf(Tensor::zeros({3, 2, 8}));
  Var w = g.leaf(Tensor::zeros({8, 2}));
  Var state = g.leaf(Tensor::zeros({2, 2}));
  EXPECT_THROW(ops::lstm_sequence(xg, w, {}, false), Error);
  EXPECT_THROW(ops::lstm_cell(g.leaf(Tensor::zeros({2, 8})), state, state, w), Error);
  EXPECT_NO_THROW(ops::lstm_sequence(ops::scale(xg, 1.0f), w, {}, false));
  NoGradGuard no_grad(g);
  EXPECT_NO_THROW(ops::lstm_sequence(xg, w, {}, false));
}

TEST(LstmSequence, RejectsMismatchedShapes) {
  Graph g;
  Var xg = g.leaf(Tensor::zeros({3, 2, 8}));
  EXPECT_THROW(ops::lstm_sequence(xg, g.leaf(Tensor::zeros({8, 3})), {}, false), Error);
  const std::vector<int64_t> three = {1, 2, 3};
  EXPECT_THROW(ops::lstm_sequence(xg, g.leaf(Tensor::zeros({8, 2})), three, false), Error);
  EXPECT_THROW(ops::lstm_sequence(g.leaf(Tensor::zeros({0, 2, 8})), g.leaf(Tensor::zeros({8, 2})),
                                  {}, false),
               Error);
}

}  // namespace
}  // namespace tandem
