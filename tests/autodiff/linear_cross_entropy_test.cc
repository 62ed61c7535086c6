// ops::linear_cross_entropy: finite-difference gradients, equality with the unfused
// cross_entropy(linear(…)) over several row chunks, scaling, no-grad mode, shape errors, and
// Seq2Seq's loss against the unfused formulation built by hand.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "autodiff/ops.h"
#include "support/gradcheck.h"
#include "support/reverse_task.h"
#include "tensor/error.h"

namespace tandem {
namespace {

using testing::check_gradients;
using testing::random_tensor;

// Targets in [0, vocab) with every `ignore_every`-th row set to ignore_index.
std::vector<int32_t> make_targets(int64_t rows, int32_t vocab, int32_t ignore_index,
                                  int64_t ignore_every, Rng& rng) {
  std::vector<int32_t> targets(rows);
  for (int64_t r = 0; r < rows; ++r)
    targets[r] = r % ignore_every == 1 ? ignore_index
                                       : static_cast<int32_t>(rng.uniform(0.0f, 1.0f) * vocab);
  for (int32_t& t : targets) t = std::min(t, vocab - 1);
  return targets;
}

// max |a − b| ≤ rel · max |b|: a relative bound on the whole tensor, so that near-zero
// elements are held to the tensor's scale rather than to their own.
::testing::AssertionResult close(const Tensor& a, const Tensor& b, double rel) {
  if (a.shape() != b.shape())
    return ::testing::AssertionFailure()
           << "shapes " << a.shape().to_string() << " and " << b.shape().to_string();
  double scale = 0.0, worst = 0.0;
  int64_t at = 0;
  for (int64_t i = 0; i < a.numel(); ++i) {
    scale = std::max(scale, std::abs(double{b.data()[i]}));
    const double diff = std::abs(double{a.data()[i]} - b.data()[i]);
    if (diff > worst) worst = diff, at = i;
  }
  if (scale == 0.0 || worst > rel * scale)
    return ::testing::AssertionFailure() << "element " << at << ": " << a.data()[at] << " vs "
                                         << b.data()[at] << " (scale " << scale << ")";
  return ::testing::AssertionSuccess();
}

TEST(LinearCrossEntropy, GradientsMatchFiniteDifferences) {
  Rng rng(41);
  for (float smoothing : {0.0f, 0.1f})
    for (auto reduction : {ops::Reduction::kMean, ops::Reduction::kSum})
      for (int64_t rows : {1, 5}) {
        Tensor x = random_tensor({rows, 4}, rng);
        Tensor w = random_tensor({7, 4}, rng);
        Tensor b = random_tensor({7}, rng);
        std::vector<int32_t> targets = make_targets(rows, 7, /*ignore_index=*/-1, 3, rng);
        if (rows == 1) targets[0] = 3;  // a single row must count, or nothing is checked
        auto f = [&](std::span<const Var> v) {
          return ops::linear_cross_entropy(v[0], v[1], v.size() > 2 ? v[2] : Var{}, targets, -1,
                                           smoothing, reduction);
        };
        EXPECT_TRUE(check_gradients(f, {x, w, b})) << "smoothing=" << smoothing << " rows=" << rows;
        EXPECT_TRUE(check_gradients(f, {x, w})) << "no bias, rows=" << rows;
      }
  // Leading dimensions are flattened into rows, as ops::linear does.
  Tensor x3 = random_tensor({2, 3, 4}, rng);
  Tensor w = random_tensor({5, 4}, rng);
  const std::vector<int32_t> targets = {0, 4, 2, 2, 1, 3};
  EXPECT_TRUE(check_gradients(
      [&](std::span<const Var> v) {
        return ops::linear_cross_entropy(v[0], v[1], {}, targets, -1, 0.1f, ops::Reduction::kMean);
      },
      {x3, w}));
}

struct Gradients {
  float loss = 0.0f;
  Tensor dx, dw, db;
};

// Loss and input gradients of `loss_of` on leaves x, w and (if defined) b, after scaling the
// loss by `upstream` with ops::scale (an upstream gradient ≠ 1 when upstream ≠ 1).
template <typename LossOf>
Gradients run(const Tensor& x, const Tensor& w, const Tensor& b, float upstream, LossOf loss_of) {
  Graph g;
  Var vx = g.leaf(x), vw = g.leaf(w), vb = b.defined() ? g.leaf(b) : Var{};
  Var loss = loss_of(vx, vw, vb);
  Var top = upstream == 1.0f ? loss : ops::scale(loss, upstream);
  g.backward(top);
  Gradients out;
  out.loss = loss.value().item();
  out.dx = vx.grad().clone();
  out.dw = vw.grad().clone();
  if (b.defined()) out.db = vb.grad().clone();
  return out;
}

TEST(LinearCrossEntropy, EqualsTheUnfusedOpsOverSeveralChunks) {
  Rng rng(42);
  // 589 rows: more than two chunks of 256 and not a multiple of it, a seventh of them ignored.
  const int64_t rows = 589, in = 16;
  const int32_t vocab = 50, ignore = 0;
  Tensor x = random_tensor({rows, in}, rng);
  Tensor w = random_tensor({vocab, in}, rng);
  Tensor b = random_tensor({vocab}, rng);
  const std::vector<int32_t> targets = make_targets(rows, vocab, ignore, 7, rng);
  for (bool with_bias : {true, false})
    for (float smoothing : {0.0f, 0.1f})
      for (auto reduction : {ops::Reduction::kMean, ops::Reduction::kSum}) {
        const Tensor bias = with_bias ? b : Tensor();
        Gradients fused = run(x, w, bias, 1.0f, [&](Var vx, Var vw, Var vb) {
          return ops::linear_cross_entropy(vx, vw, vb, targets, ignore, smoothing, reduction);
        });
        Gradients plain = run(x, w, bias, 1.0f, [&](Var vx, Var vw, Var vb) {
          return ops::cross_entropy(ops::linear(vx, vw, vb), targets, ignore, smoothing, reduction);
        });
        SCOPED_TRACE("bias=" + std::to_string(with_bias) +
                     " smoothing=" + std::to_string(smoothing) +
                     " mean=" + std::to_string(reduction == ops::Reduction::kMean));
        EXPECT_NEAR(fused.loss, plain.loss, 1e-5 * std::abs(plain.loss));
        EXPECT_TRUE(close(fused.dx, plain.dx, 1e-5));
        EXPECT_TRUE(close(fused.dw, plain.dw, 1e-5));
        if (with_bias) {
          EXPECT_TRUE(close(fused.db, plain.db, 1e-5));
        }
        // Ignored rows' features get no gradient.
        for (int64_t r = 0; r < rows; ++r) {
          if (targets[r] != ignore) continue;
          for (int64_t c = 0; c < in; ++c) ASSERT_EQ(fused.dx.data()[r * in + c], 0.0f);
        }
      }
}

TEST(LinearCrossEntropy, UpstreamGradientScalesEveryGradient) {
  Rng rng(43);
  const int64_t rows = 300, in = 6;
  const int32_t vocab = 11;
  Tensor x = random_tensor({rows, in}, rng), w = random_tensor({vocab, in}, rng),
         b = random_tensor({vocab}, rng);
  const std::vector<int32_t> targets = make_targets(rows, vocab, -1, 5, rng);
  auto loss_of = [&](Var vx, Var vw, Var vb) {
    return ops::linear_cross_entropy(vx, vw, vb, targets, -1, 0.1f, ops::Reduction::kMean);
  };
  const Gradients once = run(x, w, b, 1.0f, loss_of);
  const Gradients thrice = run(x, w, b, 3.0f, loss_of);
  EXPECT_EQ(thrice.loss, once.loss);
  for (auto [got, base] : {std::pair{&thrice.dx, &once.dx}, std::pair{&thrice.dw, &once.dw},
                           std::pair{&thrice.db, &once.db}}) {
    Tensor expected = base->clone();
    for (float& v : expected.values()) v *= 3.0f;
    EXPECT_TRUE(close(*got, expected, 1e-6));
  }
}

TEST(LinearCrossEntropy, WithoutRecordingGivesTheSameLossAndRecordsNothing) {
  Rng rng(44);
  const int64_t rows = 520, in = 5;
  const int32_t vocab = 9;
  Tensor x = random_tensor({rows, in}, rng), w = random_tensor({vocab, in}, rng),
         b = random_tensor({vocab}, rng);
  const std::vector<int32_t> targets = make_targets(rows, vocab, 2, 4, rng);
  Graph g;
  Var vx = g.leaf(x), vw = g.leaf(w), vb = g.leaf(b);
  const float recorded =
      ops::linear_cross_entropy(vx, vw, vb, targets, 2, 0.1f, ops::Reduction::kMean).value().item();
  EXPECT_EQ(g.num_nodes(), 1u);
  {
    // Inputs that need gradients, but the tape is off (validation): only the loss.
    NoGradGuard no_grad(g);
    Var loss = ops::linear_cross_entropy(vx, vw, vb, targets, 2, 0.1f, ops::Reduction::kMean);
    EXPECT_EQ(loss.value().item(), recorded);
    EXPECT_FALSE(loss.requires_grad());
    EXPECT_EQ(g.num_nodes(), 1u);
  }
  Graph off;
  NoGradGuard no_grad(off);
  Var loss = ops::linear_cross_entropy(off.constant(x), off.constant(w), off.constant(b), targets,
                                       2, 0.1f, ops::Reduction::kMean);
  EXPECT_EQ(loss.value().item(), recorded);
  EXPECT_EQ(off.num_nodes(), 0u);
}

TEST(LinearCrossEntropy, AllRowsIgnoredGiveZero) {
  Rng rng(45);
  Tensor x = random_tensor({3, 4}, rng), w = random_tensor({6, 4}, rng);
  const std::vector<int32_t> targets = {0, 0, 0};
  const Gradients got = run(x, w, Tensor(), 1.0f, [&](Var vx, Var vw, Var) {
    return ops::linear_cross_entropy(vx, vw, {}, targets, 0, 0.1f, ops::Reduction::kMean);
  });
  EXPECT_EQ(got.loss, 0.0f);
  for (float v : got.dx.values()) EXPECT_EQ(v, 0.0f);
  for (float v : got.dw.values()) EXPECT_EQ(v, 0.0f);
}

// The message of the tandem::Error `f` throws, or "" if it throws none.
template <typename F>
std::string error_of(F f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(LinearCrossEntropy, BadShapesAndTargetsAreClearErrors) {
  Rng rng(46);
  Graph g;
  Var x = g.leaf(random_tensor({4, 5}, rng));
  Var w = g.leaf(random_tensor({7, 5}, rng));
  Var b = g.leaf(random_tensor({7}, rng));
  const std::vector<int32_t> targets = {1, 2, 3, 4};
  auto expect = [](const std::string& message, const std::string& part) {
    EXPECT_NE(message.find("linear_cross_entropy: "), std::string::npos) << message;
    EXPECT_NE(message.find(part), std::string::npos) << message;
  };
  Var wrong_w = g.leaf(random_tensor({7, 6}, rng));
  expect(error_of([&] { ops::linear_cross_entropy(x, wrong_w, b, targets, -1, 0.0f, {}); }),
         "features [4, 5] do not match weight [7, 6]");
  Var wrong_b = g.leaf(random_tensor({6}, rng));
  expect(error_of([&] { ops::linear_cross_entropy(x, w, wrong_b, targets, -1, 0.0f, {}); }),
         "should be [7]");
  const std::vector<int32_t> three = {1, 2, 3};
  expect(error_of([&] { ops::linear_cross_entropy(x, w, b, three, -1, 0.0f, {}); }),
         "got 3 targets");
  const std::vector<int32_t> outside = {1, 2, 7, 4};
  expect(error_of([&] { ops::linear_cross_entropy(x, w, b, outside, -1, 0.0f, {}); }),
         "target id 7 in row 2");
  expect(error_of([&] { ops::linear_cross_entropy(x, w, b, targets, -1, 1.0f, {}); }),
         "label smoothing");
}

// Seq2Seq::loss (teacher forcing, the fused op) against the same loss built by hand from the
// public encoder and decoder with the unfused output layer and cross_entropy: equal values
// and parameter gradients, with dropout on (the same seed draws the same masks in both).
TEST(LinearCrossEntropy, Seq2SeqLossMatchesTheUnfusedFormulation) {
  for (bool tie : {false, true}) {
    ModelConfig config;
    config.cell = CellType::kLstm;
    config.attention = AttentionType::kLuongGeneral;
    config.input_feeding = true;
    config.tie_embeddings = tie;
    config.source_vocab = config.target_vocab = 4 + 60;
    config.embedding_size = 8;
    config.encoder_hidden = 8;
    config.decoder_hidden = 8;
    config.attention_size = 8;
    config.dropout = 0.2f;
    Rng init(47);
    Seq2Seq model(config, init);
    // 48 rows of 1–14 symbols: T·B = 15·48 = 720 target positions, three chunks, with padding.
    Rng data(48);
    const testing::ReverseBatch batch = testing::make_reverse_batch(data, 48, 1, 14, 60);
    LossOptions options;
    options.label_smoothing = 0.1f;

    auto gradients = [&](auto build) {
      model.params().zero_grad();
      Graph g;
      Rng rng(49);
      Var loss = build(g, rng);
      g.backward(loss);
      std::vector<Tensor> grads;
      for (Parameter& p : model.params()) grads.push_back(p.grad.clone());
      return std::pair{loss.value().item(), grads};
    };
    auto [fused_loss, fused] = gradients([&](Graph& g, Rng& rng) {
      return model.loss(g, batch.source_view(), batch.target_view(), options, rng);
    });
    auto [plain_loss, plain] = gradients([&](Graph& g, Rng& rng) {
      const TargetBatch target = batch.target_view();
      const int64_t T = target.length, B = batch.batch;
      EncoderOutput encoded = model.encoder().encode(g, batch.source_view(), rng, true);
      DecoderState state = model.decoder().initial_state(g, encoded);
      std::vector<Var> features;
      for (int64_t t = 0; t < T; ++t) {
        const std::vector<int32_t> previous(target.input.begin() + t * B,
                                            target.input.begin() + (t + 1) * B);
        features.push_back(model.decoder().step(g, previous, state, rng, true).features);
      }
      Var logits = model.decoder().logits(g, ops::stack(features), rng, true);
      logits = ops::reshape(logits, {T * B, config.target_vocab});
      return ops::cross_entropy(logits, target.output, options.pad_id, options.label_smoothing);
    });
    EXPECT_GT(batch.target_length * batch.batch, 2 * 256);
    EXPECT_NEAR(fused_loss, plain_loss, 1e-5 * plain_loss) << "tie=" << tie;
    size_t k = 0;
    for (Parameter& p : model.params()) {
      EXPECT_TRUE(close(fused[k], plain[k], 1e-5)) << p.name << " tie=" << tie;
      ++k;
    }
  }
}

}  // namespace
}  // namespace tandem
