// Optimisers against PyTorch's trajectories (tests/reference/make_optimizer_reference.py),
// state save/restore, and gradient clipping on hand-computed cases.
#include "train/optimizer.h"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>

#include "tensor/error.h"
#include "train/clip.h"

namespace tandem {
namespace {

nlohmann::json load_reference() {
  std::ifstream in(TANDEM_REFERENCE_DIR "/optimizer_reference.json");
  return nlohmann::json::parse(in);
}

std::unique_ptr<Optimizer> make(const std::string& name, ParameterStore& store) {
  if (name == "sgd") return std::make_unique<Sgd>(store, 0.1f);
  if (name == "sgd_momentum_wd") return std::make_unique<Sgd>(store, 0.1f, 0.9f, 0.01f);
  if (name == "adam") return std::make_unique<Adam>(store, AdamOptions{.lr = 0.01f});
  if (name == "adam_l2")
    return std::make_unique<Adam>(
        store, AdamOptions{
                   .lr = 0.01f, .beta1 = 0.8f, .beta2 = 0.99f, .eps = 1e-6f, .weight_decay = 0.1f});
  if (name == "adamw") return make_adamw(store, AdamOptions{.lr = 0.01f, .weight_decay = 0.1f});
  throw Error("unknown setting " + name);
}

// Both sides compute in float32 with the same formulas but not the same operation order, so
// they differ by a few ulps per step; after four steps 1e-6 absolute on O(1) values is ample,
// while a wrong formula (bias correction, decay placement) is off by 1e-3 or more.
TEST(Optimizers, MatchPyTorchTrajectories) {
  const nlohmann::json ref = load_reference();
  for (const auto& [name, steps] : ref["trajectories"].items()) {
    ParameterStore store;
    Parameter& p = store.create("w", {6});
    for (int i = 0; i < 6; ++i) p.value.data()[i] = ref["initial"][i].get<float>();
    auto opt = make(name, store);
    for (size_t s = 0; s < steps.size(); ++s) {
      for (int i = 0; i < 6; ++i) p.grad.data()[i] = ref["grads"][s][i].get<float>();
      opt->step();
      for (int i = 0; i < 6; ++i)
        EXPECT_NEAR(p.value.data()[i], steps[s][i].get<float>(), 1e-6)
            << name << " step " << s + 1 << " element " << i;
    }
  }
}

TEST(Optimizers, RestoredStateContinuesIdentically) {
  auto run = [](int steps_before, bool restart) {
    ParameterStore store;
    Parameter& p = store.create("w", {3});
    p.value.fill(1.0f);
    Adam adam(store, AdamOptions{.lr = 0.1f});
    for (int s = 0; s < steps_before; ++s) {
      p.grad.fill(0.5f + s);
      adam.step();
    }
    if (restart) {  // a new optimiser restored from the old one's state
      Adam fresh(store, AdamOptions{.lr = 0.1f});
      fresh.restore_state(adam.state());
      p.grad.fill(-2.0f);
      fresh.step();
      EXPECT_EQ(fresh.steps(), steps_before + 1);
    } else {
      p.grad.fill(-2.0f);
      adam.step();
    }
    return p.value.clone();
  };
  Tensor a = run(3, false), b = run(3, true);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(a.data()[i], b.data()[i]);  // bit for bit
}

TEST(Optimizers, RestoreRejectsMissingOrMisshapenState) {
  ParameterStore store;
  store.create("w", {3});
  Adam adam(store);
  auto state = adam.state();
  state[1].second = Tensor::zeros({4});
  EXPECT_THROW(adam.restore_state(state), Error);
  state.pop_back();
  EXPECT_THROW(adam.restore_state(state), Error);
}

TEST(ClipGradNorm, ScalesOnlyAboveTheThreshold) {
  ParameterStore store;
  Parameter& a = store.create("a", {2});
  Parameter& b = store.create("b", {1});
  a.grad.data()[0] = 3.0f;
  a.grad.data()[1] = 0.0f;
  b.grad.data()[0] = 4.0f;  // global norm 5
  EXPECT_DOUBLE_EQ(clip_grad_norm(store, 10.0), 5.0);
  EXPECT_EQ(b.grad.data()[0], 4.0f);  // untouched below the threshold
  EXPECT_DOUBLE_EQ(clip_grad_norm(store, 1.0), 5.0);
  EXPECT_FLOAT_EQ(a.grad.data()[0], 0.6f);
  EXPECT_FLOAT_EQ(b.grad.data()[0], 0.8f);
  EXPECT_NEAR(clip_grad_norm(store, 1.0), 1.0, 1e-6);
}

TEST(ClipGradNorm, NonFiniteNormIsReportedAndNothingScaled) {
  ParameterStore store;
  Parameter& a = store.create("a", {2});
  a.grad.data()[0] = INFINITY;
  a.grad.data()[1] = 1.0f;
  EXPECT_FALSE(std::isfinite(clip_grad_norm(store, 1.0)));
  EXPECT_EQ(a.grad.data()[1], 1.0f);
}

}  // namespace
}  // namespace tandem
