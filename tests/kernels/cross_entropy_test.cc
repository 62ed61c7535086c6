// The cross-entropy kernels against the definition computed in double precision: the separate
// forward and backward, and the in-place pass the fused output loss uses.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "kernels/cpu/cross_entropy.h"
#include "tensor/rng.h"

namespace tandem {
namespace {

constexpr int64_t kRows = 5, kVocab = 37;

struct Reference {
  double loss = 0.0;
  std::vector<double> gradient;  // scale·(p − q) per row
};

// loss_r = −(1 − ε)·log p_t − (ε / V)·Σ_v log p_v, with p the softmax of the row.
Reference reference(const std::vector<float>& logits, const std::vector<int32_t>& targets,
                    float smoothing, float scale) {
  Reference out{0.0, std::vector<double>(logits.size())};
  for (int64_t r = 0; r < kRows; ++r) {
    const float* x = logits.data() + r * kVocab;
    double max = x[0], sum = 0.0;
    for (int64_t v = 0; v < kVocab; ++v) max = std::max(max, double{x[v]});
    for (int64_t v = 0; v < kVocab; ++v) sum += std::exp(x[v] - max);
    for (int64_t v = 0; v < kVocab; ++v) {
      const double log_p = x[v] - max - std::log(sum);
      const double q = (v == targets[r] ? 1.0 - smoothing : 0.0) + smoothing / kVocab;
      out.loss -= q * log_p;
      out.gradient[r * kVocab + v] = scale * (std::exp(log_p) - q);
    }
  }
  return out;
}

TEST(CrossEntropyKernels, ForwardBackwardAndTheInPlacePassMatchTheDefinition) {
  Rng rng(8);
  std::vector<float> logits(kRows * kVocab);
  for (float& x : logits) x = rng.uniform(-6.0f, 6.0f);
  const std::vector<int32_t> targets = {0, 36, 5, 5, 17};
  const float scale = 0.25f;
  for (float smoothing : {0.0f, 0.1f}) {
    SCOPED_TRACE("smoothing " + std::to_string(smoothing));
    const Reference want = reference(logits, targets, smoothing, scale);

    std::vector<float> probs(logits.size()), gradient(logits.size(), 0.0f);
    int64_t counted = 0;
    const double loss = kernels::cross_entropy_forward(kRows, kVocab, logits.data(), targets.data(),
                                                       -1, smoothing, probs.data(), &counted);
    kernels::cross_entropy_backward(kRows, kVocab, probs.data(), targets.data(), -1, smoothing,
                                    scale, gradient.data());
    EXPECT_EQ(counted, kRows);
    EXPECT_NEAR(loss, want.loss, 1e-5 * want.loss);
    for (size_t i = 0; i < gradient.size(); ++i) ASSERT_NEAR(gradient[i], want.gradient[i], 1e-6);

    std::vector<float> in_place = logits;
    EXPECT_NEAR(kernels::cross_entropy_to_gradient(kRows, kVocab, in_place.data(), targets.data(),
                                                   smoothing, false, scale),
                want.loss, 1e-5 * want.loss);
    EXPECT_EQ(in_place, logits);  // no gradient asked: the logits stay
    EXPECT_NEAR(kernels::cross_entropy_to_gradient(kRows, kVocab, in_place.data(), targets.data(),
                                                   smoothing, true, scale),
                want.loss, 1e-5 * want.loss);
    for (size_t i = 0; i < in_place.size(); ++i) ASSERT_NEAR(in_place[i], want.gradient[i], 1e-6);
  }
}

}  // namespace
}  // namespace tandem
