// Finite-difference gradient tests for every op, at several shapes (batch 1 and odd sizes).
// Tolerances: GradCheckOptions' defaults, justified in tests/support/gradcheck.h.
#include <gtest/gtest.h>

#include "autodiff/ops.h"
#include "support/gradcheck.h"

namespace tandem {
namespace {

using testing::check_gradients;
using testing::random_tensor;

// Row counts and column counts exercised by the element-wise and matrix tests.
const std::vector<std::pair<int64_t, int64_t>> kShapes = {{1, 1}, {1, 7}, {3, 5}, {4, 16}};

TEST(OpGradients, Matmul) {
  Rng rng(1);
  for (bool ta : {false, true})
    for (bool tb : {false, true})
      for (auto [m, n] : kShapes) {
        const int64_t k = 3;
        Tensor a = random_tensor(ta ? Shape{k, m} : Shape{m, k}, rng);
        Tensor b = random_tensor(tb ? Shape{n, k} : Shape{k, n}, rng);
        EXPECT_TRUE(check_gradients(
            [&](std::span<const Var> v) { return ops::matmul(v[0], v[1], ta, tb); }, {a, b}))
            << "trans_a=" << ta << " trans_b=" << tb << " m=" << m << " n=" << n;
      }
}

TEST(OpGradients, LinearWithAndWithoutBias) {
  Rng rng(2);
  for (auto [rows, out] : kShapes) {
    Tensor x = random_tensor({rows, 5}, rng);
    Tensor w = random_tensor({out, 5}, rng);
    Tensor b = random_tensor({out}, rng);
    EXPECT_TRUE(check_gradients(
        [](std::span<const Var> v) { return ops::linear(v[0], v[1], v[2]); }, {x, w, b}));
    EXPECT_TRUE(
        check_gradients([](std::span<const Var> v) { return ops::linear(v[0], v[1]); }, {x, w}));
  }
  // A 3-D input is flattened into rows.
  Tensor x3 = random_tensor({2, 3, 4}, rng);
  Tensor w = random_tensor({5, 4}, rng);
  EXPECT_TRUE(
      check_gradients([](std::span<const Var> v) { return ops::linear(v[0], v[1]); }, {x3, w}));
}

TEST(OpGradients, Arithmetic) {
  Rng rng(3);
  for (auto [r, c] : kShapes) {
    Tensor a = random_tensor({r, c}, rng), b = random_tensor({r, c}, rng);
    Tensor bias = random_tensor({c}, rng);
    EXPECT_TRUE(
        check_gradients([](std::span<const Var> v) { return ops::add(v[0], v[1]); }, {a, b}));
    EXPECT_TRUE(
        check_gradients([](std::span<const Var> v) { return ops::sub(v[0], v[1]); }, {a, b}));
    EXPECT_TRUE(
        check_gradients([](std::span<const Var> v) { return ops::mul(v[0], v[1]); }, {a, b}));
    EXPECT_TRUE(
        check_gradients([](std::span<const Var> v) { return ops::scale(v[0], -2.5f); }, {a}));
    EXPECT_TRUE(check_gradients([](std::span<const Var> v) { return ops::add_bias(v[0], v[1]); },
                                {a, bias}));
  }
}

TEST(OpGradients, SameInputTwiceAccumulates) {
  Rng rng(4);
  Tensor a = random_tensor({3, 4}, rng);
  EXPECT_TRUE(check_gradients([](std::span<const Var> v) { return ops::mul(v[0], v[0]); }, {a}));
}

TEST(OpGradients, Activations) {
  Rng rng(5);
  for (auto [r, c] : kShapes) {
    Tensor x = random_tensor({r, c}, rng, -3.0f, 3.0f);
    EXPECT_TRUE(check_gradients([](std::span<const Var> v) { return ops::tanh(v[0]); }, {x}));
    EXPECT_TRUE(check_gradients([](std::span<const Var> v) { return ops::sigmoid(v[0]); }, {x}));
    // relu has a kink at 0: keep every input at least 0.1 (> the step) away from it.
    Tensor away = random_tensor({r, c}, rng, 0.1f, 2.0f);
    for (int64_t i = 0; i < away.numel(); i += 2) away.data()[i] = -away.data()[i];
    EXPECT_TRUE(check_gradients([](std::span<const Var> v) { return ops::relu(v[0]); }, {away}));
  }
}

TEST(OpGradients, ConcatAndSlice) {
  Rng rng(6);
  for (int64_t rows : {1, 3}) {
    Tensor a = random_tensor({rows, 2}, rng), b = random_tensor({rows, 5}, rng),
           c = random_tensor({rows, 1}, rng);
    EXPECT_TRUE(check_gradients([](std::span<const Var> v) { return ops::concat(v); }, {a, b, c}));
    EXPECT_TRUE(
        check_gradients([](std::span<const Var> v) { return ops::slice_last(v[0], 1, 3); }, {b}));
  }
  // Leading dimensions beyond the first are flattened alike.
  Tensor a = random_tensor({2, 3, 2}, rng), b = random_tensor({2, 3, 4}, rng);
  EXPECT_TRUE(check_gradients([](std::span<const Var> v) { return ops::concat(v); }, {a, b}));
}

TEST(OpGradients, ReshapeSumMean) {
  Rng rng(7);
  Tensor x = random_tensor({3, 4}, rng);
  EXPECT_TRUE(check_gradients(
      [](std::span<const Var> v) {
        return ops::reshape(v[0], Shape{2, 6});
      },
      {x}));
  EXPECT_TRUE(check_gradients([](std::span<const Var> v) { return ops::sum(v[0]); }, {x}));
  EXPECT_TRUE(check_gradients([](std::span<const Var> v) { return ops::mean(v[0]); }, {x}));
}

TEST(OpGradients, MaskedSoftmax) {
  Rng rng(8);
  for (auto [r, c] : kShapes) {
    Tensor x = random_tensor({r, c}, rng, -2.0f, 2.0f);
    EXPECT_TRUE(
        check_gradients([](std::span<const Var> v) { return ops::masked_softmax(v[0]); }, {x}));
    Tensor mask = Tensor::zeros({r, c});
    for (int64_t i = 0; i < mask.numel(); ++i) mask.data()[i] = (i % 3 == 2) ? 0.0f : 1.0f;
    EXPECT_TRUE(check_gradients(
        [&](std::span<const Var> v) { return ops::masked_softmax(v[0], mask); }, {x}));
  }
}

TEST(OpGradients, LayerNorm) {
  Rng rng(9);
  for (auto [r, c] : std::vector<std::pair<int64_t, int64_t>>{{1, 2}, {3, 5}, {2, 16}}) {
    Tensor x = random_tensor({r, c}, rng, -2.0f, 2.0f);
    Tensor gamma = random_tensor({c}, rng, 0.5f, 1.5f), beta = random_tensor({c}, rng);
    EXPECT_TRUE(
        check_gradients([](std::span<const Var> v) { return ops::layer_norm(v[0], v[1], v[2]); },
                        {x, gamma, beta}));
  }
}

TEST(OpGradients, DropoutUsesTheSameMaskForwardAndBackward) {
  Rng data(10);
  Tensor x = random_tensor({4, 6}, data);
  // Each evaluation re-seeds, so every forward draws the same mask, as one training step does.
  EXPECT_TRUE(check_gradients(
      [](std::span<const Var> v) {
        Rng rng(77);
        return ops::dropout(v[0], 0.3f, rng);
      },
      {x}));
}

TEST(OpGradients, Embedding) {
  Rng rng(11);
  Tensor table = random_tensor({5, 3}, rng);
  const std::vector<int32_t> ids = {4, 0, 4, 2};  // a repeated id accumulates
  EXPECT_TRUE(
      check_gradients([&](std::span<const Var> v) { return ops::embedding(v[0], ids); }, {table}));
}

TEST(OpGradients, CrossEntropyWithSmoothingAndPadding) {
  Rng rng(12);
  for (float smoothing : {0.0f, 0.1f})
    for (auto reduction : {ops::Reduction::kMean, ops::Reduction::kSum})
      for (int64_t rows : {1, 5}) {
        Tensor logits = random_tensor({rows, 7}, rng, -2.0f, 2.0f);
        std::vector<int32_t> targets;
        for (int64_t r = 0; r < rows; ++r) targets.push_back(r == 2 ? 0 : int32_t(r % 7));
        EXPECT_TRUE(check_gradients(
            [&](std::span<const Var> v) {
              return ops::cross_entropy(v[0], targets, /*ignore_index=*/0, smoothing, reduction);
            },
            {logits}))
            << "smoothing=" << smoothing << " rows=" << rows;
      }
}

TEST(OpGradients, GruCell) {
  Rng rng(13);
  for (auto [batch, hidden] : std::vector<std::pair<int64_t, int64_t>>{{1, 1}, {1, 4}, {3, 5}}) {
    Tensor xg = random_tensor({batch, 3 * hidden}, rng);
    Tensor h = random_tensor({batch, hidden}, rng);
    Tensor w = random_tensor({3 * hidden, hidden}, rng);
    Tensor b = random_tensor({3 * hidden}, rng);
    EXPECT_TRUE(check_gradients(
        [](std::span<const Var> v) { return ops::gru_cell(v[0], v[1], v[2], v[3]); },
        {xg, h, w, b}))
        << "batch=" << batch << " hidden=" << hidden;
  }
}

TEST(OpGradients, LstmCellBothOutputs) {
  Rng rng(14);
  for (auto [batch, hidden] : std::vector<std::pair<int64_t, int64_t>>{{1, 1}, {1, 4}, {3, 5}}) {
    Tensor xg = random_tensor({batch, 4 * hidden}, rng);
    Tensor h = random_tensor({batch, hidden}, rng);
    Tensor c = random_tensor({batch, hidden}, rng);
    Tensor w = random_tensor({4 * hidden, hidden}, rng);
    auto both = [](std::span<const Var> v) {
      ops::LstmState s = ops::lstm_cell(ops::scale(v[0], 1.0f), v[1], v[2], v[3]);
      const Var parts[] = {s.h, s.c};
      return ops::concat(parts);
    };
    EXPECT_TRUE(check_gradients(both, {xg, h, c, w})) << "batch=" << batch << " hidden=" << hidden;
    // Only h' used: c' receives no gradient and the backward must cope.
    EXPECT_TRUE(check_gradients(
        [](std::span<const Var> v) {
          return ops::lstm_cell(ops::scale(v[0], 1.0f), v[1], v[2], v[3]).h;
        },
        {xg, h, c, w}));
  }
}

TEST(OpGradients, AdditiveScoresWithMask) {
  Rng rng(15);
  for (auto [src_len, batch, dim] :
       std::vector<std::tuple<int64_t, int64_t, int64_t>>{{1, 1, 1}, {3, 1, 4}, {5, 3, 7}}) {
    Tensor q = random_tensor({batch, dim}, rng);
    Tensor keys = random_tensor({src_len, batch, dim}, rng);
    Tensor v = random_tensor({dim}, rng);
    Tensor mask = Tensor::zeros({batch, src_len});
    for (int64_t b = 0; b < batch; ++b)
      for (int64_t s = 0; s < src_len; ++s) mask.data()[b * src_len + s] = s <= src_len - 1 - b;
    EXPECT_TRUE(check_gradients(
        [&](std::span<const Var> in) { return ops::additive_scores(in[0], in[1], in[2], mask); },
        {q, keys, v}));
    // Through the masked softmax, as attention uses it.
    EXPECT_TRUE(check_gradients(
        [&](std::span<const Var> in) {
          return ops::masked_softmax(ops::additive_scores(in[0], in[1], in[2], mask), mask);
        },
        {q, keys, v}));
  }
}

TEST(OpGradients, SelectAndStack) {
  Rng rng(16);
  Tensor seq = random_tensor({4, 3, 2}, rng);
  // Two views of the same step and one of another: gradients accumulate into the right rows.
  EXPECT_TRUE(check_gradients(
      [](std::span<const Var> v) {
        return ops::add(ops::select(v[0], 2), ops::mul(ops::select(v[0], 2), ops::select(v[0], 0)));
      },
      {seq}));
  Tensor a = random_tensor({3, 2}, rng), b = random_tensor({3, 2}, rng);
  // More parts than a node has input slots, with repeats.
  EXPECT_TRUE(check_gradients(
      [](std::span<const Var> v) {
        std::vector<Var> parts;
        for (int k = 0; k < 11; ++k) parts.push_back(v[k % 2]);
        return ops::stack(parts);
      },
      {a, b}));
}

TEST(OpGradients, AttentionContext) {
  Rng rng(17);
  for (auto [src_len, batch, dim] :
       std::vector<std::tuple<int64_t, int64_t, int64_t>>{{1, 1, 1}, {4, 1, 3}, {5, 3, 7}}) {
    Tensor weights = random_tensor({batch, src_len}, rng, 0.0f, 1.0f);
    Tensor values = random_tensor({src_len, batch, dim}, rng);
    EXPECT_TRUE(
        check_gradients([](std::span<const Var> v) { return ops::attention_context(v[0], v[1]); },
                        {weights, values}));
  }
}

TEST(OpGradients, LogSoftmax) {
  Rng rng(18);
  for (auto [r, c] : kShapes) {
    Tensor x = random_tensor({r, c}, rng, -2.0f, 2.0f);
    EXPECT_TRUE(
        check_gradients([](std::span<const Var> v) { return ops::log_softmax(v[0]); }, {x}));
  }
}

TEST(OpGradients, DotScoresWithMask) {
  Rng rng(19);
  for (auto [src_len, batch, dim] :
       std::vector<std::tuple<int64_t, int64_t, int64_t>>{{1, 1, 1}, {3, 1, 4}, {5, 3, 7}}) {
    Tensor q = random_tensor({batch, dim}, rng);
    Tensor keys = random_tensor({src_len, batch, dim}, rng);
    Tensor mask = Tensor::zeros({batch, src_len});
    for (int64_t b = 0; b < batch; ++b)
      for (int64_t s = 0; s < src_len; ++s) mask.data()[b * src_len + s] = s <= src_len - 1 - b;
    EXPECT_TRUE(check_gradients(
        [&](std::span<const Var> in) { return ops::dot_scores(in[0], in[1], mask); }, {q, keys}));
  }
}

TEST(OpGradients, BlendRows) {
  Rng rng(20);
  Tensor a = random_tensor({4, 3}, rng), b = random_tensor({4, 3}, rng);
  const Tensor keep = Tensor::from({4}, std::vector<float>{1, 0, 0, 1});
  EXPECT_TRUE(check_gradients(
      [&](std::span<const Var> v) { return ops::blend_rows(v[0], v[1], keep); }, {a, b}));
}

}  // namespace
}  // namespace tandem
