// End to end: the engine learns. Adam drives the loss of two tiny tasks down by orders of
// magnitude, deterministically, in well under a second each.
#include <gtest/gtest.h>

#include "autodiff/ops.h"
#include "nn/init.h"
#include "support/tiny_gru_classifier.h"
#include "train/clip.h"
#include "train/optimizer.h"

namespace tandem {
namespace {

// XOR by a 2–8–1 tanh network, squared error: not linearly separable, so the hidden layer
// must learn.
double train_xor(int steps) {
  Rng rng(3);
  ParameterStore store;
  init::xavier_uniform(store.create("l1.W", {8, 2}).value, rng);
  store.create("l1.b", {8});
  init::xavier_uniform(store.create("l2.W", {1, 8}).value, rng);
  store.create("l2.b", {1});
  Adam adam(store, AdamOptions{.lr = 0.02f});
  const Tensor x = Tensor::from({4, 2}, std::vector<float>{0, 0, 0, 1, 1, 0, 1, 1});
  const Tensor y = Tensor::from({4, 1}, std::vector<float>{0, 1, 1, 0});
  Graph g;
  double loss_value = 0.0;
  for (int s = 0; s < steps; ++s) {
    g.reset();
    store.zero_grad();
    auto p = [&](const char* n) { return g.parameter(store.get(n)); };
    Var h = ops::tanh(ops::linear(g.constant(x), p("l1.W"), p("l1.b")));
    Var err = ops::sub(ops::linear(h, p("l2.W"), p("l2.b")), g.constant(y));
    Var loss = ops::mean(ops::mul(err, err));
    loss_value = loss.value().item();
    g.backward(loss);
    adam.step();
  }
  return loss_value;
}

TEST(Learning, XorLossFallsByFourOrdersOfMagnitude) {
  const double initial = train_xor(1);
  const double trained = train_xor(1500);
  EXPECT_GT(initial, 0.1);
  EXPECT_LT(trained, initial * 1e-4) << "initial " << initial;
  EXPECT_EQ(train_xor(300), train_xor(300));  // deterministic, bit for bit
}

// The first-token task through embedding, GRU, additive attention and cross-entropy, with
// gradient clipping: every heavy op of a seq2seq step.
TEST(Learning, GruWithAttentionLearnsTheFirstToken) {
  Rng rng(5);
  const int64_t vocab = 6, steps = 7, batch = 16;
  testing::TinyGruClassifier model(vocab, 8, 16, rng);
  Adam adam(model.params(), AdamOptions{.lr = 0.01f});
  Graph g;
  std::vector<int32_t> tokens, labels;
  auto batch_loss = [&](bool train) {
    testing::make_first_token_batch(rng, vocab, steps, batch, tokens, labels);
    g.reset();
    model.params().zero_grad();
    Var loss = model.loss(g, tokens, steps, batch, labels);
    if (train) {
      g.backward(loss);
      clip_grad_norm(model.params(), 5.0);
      adam.step();
    }
    return loss.value().item();
  };
  const float initial = batch_loss(false);  // about log(6) = 1.79 before training
  for (int s = 0; s < 400; ++s) batch_loss(true);
  float final_loss = 0.0f;
  for (int s = 0; s < 5; ++s) final_loss += batch_loss(false) / 5;
  EXPECT_GT(initial, 1.5f);
  EXPECT_LT(final_loss, initial * 0.01f) << "initial " << initial;
}

}  // namespace
}  // namespace tandem
