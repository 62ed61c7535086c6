// ops::linear_cross_entropy over blocks of rows with its own dropout, against dropout over the
// stacked blocks followed by the one-tensor form; and its `root` option.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "autodiff/ops.h"
#include "support/gradcheck.h"
#include "tensor/error.h"

namespace tandem {
namespace {

using testing::random_tensor;

constexpr int64_t kSteps = 5, kBatch = 60, kIn = 8;  // 300 rows: two chunks of 256
constexpr int32_t kVocab = 13, kIgnore = 0;

struct Outcome {
  float loss = 0.0f;
  std::vector<std::vector<float>> step_grads;
  std::vector<float> dw, db;
  float next_draw = 0.0f;  // the dropout Rng's next number: both forms draw equally many
};

std::vector<float> values_of(const Tensor& t) { return {t.data(), t.data() + t.numel()}; }

// `blocks`: the fused op takes the steps as blocks and drops out itself; otherwise the steps
// are stacked, dropped out by ops::dropout and given to the op as one tensor.
Outcome run(bool blocks, const std::vector<Tensor>& steps, const Tensor& w, const Tensor& b,
            const std::vector<int32_t>& targets) {
  Graph g;
  Rng dropout_rng(9);
  std::vector<Var> leaves, features;
  for (const Tensor& s : steps) {
    leaves.push_back(g.leaf(s));
    features.push_back(ops::scale(leaves.back(), 1.0f));
  }
  Var vw = g.leaf(w), vb = g.leaf(b);
  Var loss;
  if (blocks) {
    ops::OutputLossOptions options;
    options.ignore_index = kIgnore;
    options.smoothing = 0.1f;
    options.dropout = 0.3f;
    options.rng = &dropout_rng;
    loss = ops::linear_cross_entropy(features, vw, vb, targets, options);
  } else {
    Var stacked = ops::reshape(ops::stack(features), {kSteps * kBatch, kIn});
    loss = ops::linear_cross_entropy(ops::dropout(stacked, 0.3f, dropout_rng), vw, vb, targets,
                                     kIgnore, 0.1f);
  }
  g.backward(loss);
  Outcome out;
  out.loss = loss.value().item();
  for (const Var& leaf : leaves) out.step_grads.push_back(values_of(leaf.grad()));
  out.dw = values_of(vw.grad());
  out.db = values_of(vb.grad());
  out.next_draw = dropout_rng.uniform();
  return out;
}

void expect_near(const std::vector<float>& a, const std::vector<float>& b,
                 const std::string& what) {
  ASSERT_EQ(a.size(), b.size()) << what;
  for (size_t i = 0; i < a.size(); ++i) ASSERT_NEAR(a[i], b[i], 1e-6f) << what << " element " << i;
}

TEST(LinearCrossEntropyBlocks, OwnDropoutEqualsDropoutOverTheStackedBlocks) {
  Rng rng(61);
  std::vector<Tensor> steps;
  for (int64_t t = 0; t < kSteps; ++t) steps.push_back(random_tensor({kBatch, kIn}, rng));
  const Tensor w = random_tensor({kVocab, kIn}, rng), b = random_tensor({kVocab}, rng);
  // Every fifth row padding, and the whole last step: rows after the last counted one must
  // still draw their masks.
  std::vector<int32_t> targets(kSteps * kBatch);
  for (size_t r = 0; r < targets.size(); ++r)
    targets[r] = r % 5 == 3 || r >= (kSteps - 1) * kBatch ? kIgnore : 1 + r % (kVocab - 1);
  const Outcome fused = run(true, steps, w, b, targets);
  const Outcome stacked = run(false, steps, w, b, targets);
  EXPECT_NEAR(fused.loss, stacked.loss, 1e-6f);
  for (int64_t t = 0; t < kSteps; ++t)
    expect_near(fused.step_grads[t], stacked.step_grads[t], "step " + std::to_string(t));
  expect_near(fused.dw, stacked.dw, "dW");
  expect_near(fused.db, stacked.db, "db");
  EXPECT_EQ(fused.next_draw, stacked.next_draw);
  // Dropout did something: some kept feature's gradient is larger than without the 1/(1−p).
  bool some_zero = false;
  for (float v : fused.step_grads[0]) some_zero |= v == 0.0f;
  EXPECT_TRUE(some_zero);
}

TEST(LinearCrossEntropyBlocks, RootAddsTheWeightGradientInTheForwardAndChecksTheUpstream) {
  Rng rng(62);
  const Tensor x = random_tensor({kBatch, kIn}, rng);
  const Tensor w = random_tensor({kVocab, kIn}, rng), b = random_tensor({kVocab}, rng);
  std::vector<int32_t> targets(kBatch);
  for (int64_t r = 0; r < kBatch; ++r) targets[r] = static_cast<int32_t>(r % kVocab);
  auto gradients = [&](bool root, float upstream) {
    Graph g;
    Var vx = ops::scale(g.leaf(x), 1.0f), vw = g.leaf(w), vb = g.leaf(b);
    ops::OutputLossOptions options;
    options.root = root;
    Var loss = ops::linear_cross_entropy(std::span<const Var>(&vx, 1), vw, vb, targets, options);
    if (root) {  // already there before the backward
      EXPECT_TRUE(vw.grad().defined());
      EXPECT_TRUE(vb.grad().defined());
    }
    g.backward(upstream == 1.0f ? loss : ops::scale(loss, upstream));
    return std::vector<std::vector<float>>{values_of(vw.grad()), values_of(vb.grad())};
  };
  const auto kept = gradients(false, 1.0f), added = gradients(true, 1.0f);
  expect_near(added[0], kept[0], "dW");
  expect_near(added[1], kept[1], "db");
  try {
    gradients(true, 2.0f);
    ADD_FAILURE() << "an upstream gradient of 2 with root set was not refused";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("root"), std::string::npos) << e.what();
  }
}

TEST(LinearCrossEntropyBlocks, BadBlocksAndDropoutAreClearErrors) {
  Rng rng(63);
  Graph g;
  Var a = g.leaf(random_tensor({4, kIn}, rng)), wrong = g.leaf(random_tensor({4, kIn + 1}, rng));
  Var w = g.leaf(random_tensor({kVocab, kIn}, rng));
  const std::vector<int32_t> targets(8, 1);
  auto message = [&](std::vector<Var> blocks, ops::OutputLossOptions options) {
    try {
      ops::linear_cross_entropy(blocks, w, Var{}, targets, options);
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  EXPECT_NE(message({a, wrong}, {}).find("(block 1) do not match weight"), std::string::npos);
  EXPECT_NE(message({a}, {}).find("features of 4 rows need one target per row, got 8"),
            std::string::npos);
  ops::OutputLossOptions no_rng;
  no_rng.dropout = 0.5f;
  EXPECT_NE(message({a, a}, no_rng).find("with an Rng"), std::string::npos);
}

}  // namespace
}  // namespace tandem
