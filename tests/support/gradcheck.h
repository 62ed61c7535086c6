// Finite-difference gradient checking for ops and models built on the tape.
#pragma once

#include <functional>
#include <span>
#include <vector>

#include <gtest/gtest.h>

#include "autodiff/graph.h"
#include "tensor/rng.h"

namespace tandem::testing {

// Tolerances for float32. With central differences of step h the truncation error is
// O(h²·f‴) ≈ 1e-4 for the smooth ops here at h = 1e-2, and the rounding error is about
// ε_f32·|L|/h ≈ 6e-8·|L|/1e-2 ≈ 1e-5 for the losses of these small tests (|L| ≲ 10); fast_exp's
// relative error (2e-7) adds the same order. An analytic gradient g passes against the
// numeric n when |g − n| ≤ atol + rtol·|n|: 2e-3 absolute, 2% relative leaves a margin of ten
// over those errors, while a wrong gradient (a missing term, a transposed product, a sign) is
// off by O(|n|) and fails.
struct GradCheckOptions {
  float step = 1e-2f;
  float atol = 2e-3f;
  float rtol = 2e-2f;
};

// Builds `f` on leaves holding `inputs`, reduces its output y to L = Σ w ⊙ y with fixed random
// weights w (so every output element matters, with distinct weights), and compares dL/dx from
// Graph::backward with central differences for every element of every input.
::testing::AssertionResult check_gradients(const std::function<Var(std::span<const Var>)>& f,
                                           std::vector<Tensor> inputs,
                                           const GradCheckOptions& options = {});

// A heap tensor of the given shape with values uniform in [low, high), from a seeded Rng.
Tensor random_tensor(const Shape& shape, Rng& rng, float low = -1.0f, float high = 1.0f);

}  // namespace tandem::testing
