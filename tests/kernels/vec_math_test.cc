// The vectorisable exp, sigmoid and tanh against the C library, over their whole useful range.
#include "kernels/cpu/vec_math.h"

#include <gtest/gtest.h>

#include <cmath>

#include "kernels/cpu/elementwise.h"

namespace tandem::kernels {
namespace {

TEST(VecMath, ExpRelativeErrorBelowThreeUlps) {
  double worst = 0.0;
  for (float x = -87.0f; x <= 88.0f; x += 0.00137f) {
    const double want = std::exp(static_cast<double>(x));
    worst = std::max(worst, std::abs(fast_exp(x) - want) / want);
  }
  EXPECT_LT(worst, 3.6e-7);  // 3 ulp of float32 (2^-23 ≈ 1.19e-7)
  EXPECT_EQ(fast_exp(0.0f), 1.0f);
  EXPECT_TRUE(std::isfinite(fast_exp(1000.0f)));  // clamped, not inf
  EXPECT_GE(fast_exp(-1000.0f), 0.0f);
}

TEST(VecMath, SigmoidAndTanhAbsoluteErrorBelow1e6) {
  double worst_sigmoid = 0.0, worst_tanh = 0.0;
  for (float x = -30.0f; x <= 30.0f; x += 0.000731f) {
    const double xd = x;
    worst_sigmoid =
        std::max(worst_sigmoid, std::abs(fast_sigmoid(x) - 1.0 / (1.0 + std::exp(-xd))));
    worst_tanh = std::max(worst_tanh, std::abs(fast_tanh(x) - std::tanh(xd)));
  }
  EXPECT_LT(worst_sigmoid, 1e-6);
  EXPECT_LT(worst_tanh, 1e-6);
  // Odd symmetry and exact zero keep gradients at 0 unbiased.
  EXPECT_EQ(fast_tanh(0.0f), 0.0f);
  EXPECT_EQ(fast_tanh(-0.3f), -fast_tanh(0.3f));
}

TEST(VecMath, TanhRelativeErrorSmallNearZero) {
  for (float x : {1e-8f, 1e-5f, 1e-3f, 0.03f, 0.05f}) {
    EXPECT_NEAR(fast_tanh(x) / std::tanh(static_cast<double>(x)), 1.0, 1e-6) << x;
  }
}

TEST(VecMath, ArrayKernelsMatchScalarFunctions) {
  // Odd length: exercises the vector body and the scalar tail alike.
  std::vector<float> x(1001), y(1001);
  for (size_t i = 0; i < x.size(); ++i) x[i] = -10.0f + 0.02f * static_cast<float>(i);
  tanh_forward(static_cast<int64_t>(x.size()), x.data(), y.data());
  for (size_t i = 0; i < x.size(); ++i) ASSERT_EQ(y[i], fast_tanh(x[i])) << i;
  sigmoid_forward(static_cast<int64_t>(x.size()), x.data(), y.data());
  for (size_t i = 0; i < x.size(); ++i) ASSERT_EQ(y[i], fast_sigmoid(x[i])) << i;
}

}  // namespace
}  // namespace tandem::kernels
