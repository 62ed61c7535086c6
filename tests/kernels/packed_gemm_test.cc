// The packed AVX-512 GEMM against plain loops: every row-tile remainder, narrow and partial
// panels, inner blocks, both threads counts, fp32 and bf16 (whose reference rounds the operands
// to bf16 first, so the check is tight); and PackedWeights on a graph changes no result.
#include "kernels/cpu/packed_gemm.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <tuple>
#include <vector>

#include "autodiff/graph.h"
#include "autodiff/ops.h"
#include "kernels/cpu/gemm.h"
#include "tensor/rng.h"

namespace tandem::kernels {
namespace {

// Round to nearest even, as the hardware does (no NaNs here).
float round_to_bf16(float x) {
  uint32_t u;
  std::memcpy(&u, &x, 4);
  u = (u + 0x7FFFu + ((u >> 16) & 1u)) & 0xFFFF0000u;
  std::memcpy(&x, &u, 4);
  return x;
}

// C = alpha·op(A)·op(B) + beta·C in double, optionally from bf16-rounded operands.
std::vector<float> reference(bool ta, bool tb, int64_t m, int64_t n, int64_t k, float alpha,
                             const std::vector<float>& a, const std::vector<float>& b, float beta,
                             std::vector<float> c, bool bf16) {
  auto r = [&](float x) { return bf16 ? round_to_bf16(x) : x; };
  for (int64_t i = 0; i < m; ++i)
    for (int64_t j = 0; j < n; ++j) {
      double sum = 0.0;
      for (int64_t p = 0; p < k; ++p)
        sum += static_cast<double>(r(ta ? a[p * m + i] : a[i * k + p])) *
               r(tb ? b[j * k + p] : b[p * n + j]);
      c[i * n + j] = static_cast<float>(alpha * sum + (beta == 0.0f ? 0.0 : beta * c[i * n + j]));
    }
  return c;
}

std::vector<float> random_values(size_t n, Rng& rng) {
  std::vector<float> v(n);
  for (float& x : v) x = rng.uniform(-1.0f, 1.0f);
  return v;
}

void check_products(bool bf16) {
  Rng rng(5);
  // m: below, at and past a row tile (12) with every kind of remainder; n: narrow (≤ 16) and
  // partial 32-column panels; k: odd (a half-empty bf16 pair) and past one inner block (512).
  const std::vector<std::tuple<int64_t, int64_t, int64_t>> shapes = {
      {1, 1, 1},   {2, 5, 3},     {11, 16, 7},    {12, 17, 32},  {13, 33, 31},
      {25, 64, 2}, {64, 96, 513}, {37, 45, 1030}, {100, 70, 64}, {5, 768, 256}};
  for (bool ta : {false, true})
    for (bool tb : {false, true})
      for (auto [m, n, k] : shapes)
        for (int threads : {1, 2}) {
          const float alpha = 0.75f, beta = (m % 2) ? 0.0f : 0.5f;
          const std::vector<float> a = random_values(m * k, rng), b = random_values(k * n, rng);
          std::vector<float> c = random_values(m * n, rng);
          if (beta == 0.0f) std::fill(c.begin(), c.end(), std::nanf(""));  // must not be read
          const std::vector<float> want =
              reference(ta, tb, m, n, k, alpha, a, b, beta,
                        beta == 0.0f ? std::vector<float>(m * n) : c, bf16);
          PackedMatrix packed;
          pack_right(tb, k, n, b.data(), tb ? k : n, packed, bf16);
          gemm_packed(ta, m, alpha, a.data(), ta ? m : k, packed, beta, c.data(), n, threads);
          for (int64_t i = 0; i < m * n; ++i)
            ASSERT_NEAR(c[i], want[i], 2e-5 * (1.0 + std::sqrt(static_cast<double>(k))))
                << "ta " << ta << " tb " << tb << " m " << m << " n " << n << " k " << k
                << " threads " << threads << " element " << i;
        }
}

TEST(PackedGemm, Fp32MatchesTheTripleLoop) {
  if (!has_packed_gemm()) GTEST_SKIP() << "no AVX-512 kernel in this build";
  check_products(false);
}

TEST(PackedGemm, Bf16MatchesTheTripleLoopOnRoundedOperands) {
  if (!has_packed_gemm() || !has_bf16_gemm()) GTEST_SKIP() << "no AVX512_BF16 here";
  check_products(true);
}

// Chunks split C, never a dot product: any thread count gives the same bits, in both the
// column-panel and the row-tile split.
TEST(PackedGemm, SameBitsWhateverTheThreadCount) {
  if (!has_packed_gemm()) GTEST_SKIP() << "no AVX-512 kernel in this build";
  Rng rng(13);
  for (auto [m, n] : std::vector<std::pair<int64_t, int64_t>>{{64, 768}, {600, 40}}) {
    const int64_t k = 700;
    const std::vector<float> a = random_values(m * k, rng), b = random_values(k * n, rng);
    PackedMatrix packed;
    pack_right(true, k, n, b.data(), k, packed);
    std::vector<float> one(m * n), many(m * n);
    gemm_packed(false, m, 1.0f, a.data(), k, packed, 0.0f, one.data(), n, 1);
    for (int threads : {2, 3, 5}) {
      gemm_packed(false, m, 1.0f, a.data(), k, packed, 0.0f, many.data(), n, threads);
      EXPECT_EQ(one, many) << m << "×" << n << ", " << threads << " threads";
    }
  }
}

// bf16 is an approximation of the fp32 product, within bf16's 2⁻⁹ relative rounding.
TEST(PackedGemm, Bf16StaysCloseToFp32) {
  if (!has_packed_gemm() || !has_bf16_gemm()) GTEST_SKIP() << "no AVX512_BF16 here";
  Rng rng(9);
  const int64_t m = 64, n = 96, k = 256;
  const std::vector<float> a = random_values(m * k, rng), b = random_values(k * n, rng);
  std::vector<float> c(m * n);
  const std::vector<float> exact = reference(false, true, m, n, k, 1.0f, a, b, 0.0f, c, false);
  PackedMatrix packed;
  pack_right(true, k, n, b.data(), k, packed, true);
  gemm_packed(false, m, 1.0f, a.data(), k, packed, 0.0f, c.data(), n, 1);
  double worst = 0.0, different = 0.0;
  for (int64_t i = 0; i < m * n; ++i) {
    worst = std::max(worst, std::abs(static_cast<double>(c[i]) - exact[i]));
    different += c[i] != exact[i];
  }
  EXPECT_LT(worst, 0.05);             // |terms| ≤ 1, 256 of them, each off by ≤ 2·2⁻⁹
  EXPECT_GT(different, 0.5 * m * n);  // and it really is a different (rounded) product
}

TEST(PackedGemm, GemmRunsAtTheChosenPrecision) {
  if (!has_packed_gemm() || !has_bf16_gemm()) {
    EXPECT_FALSE(bf16_gemm_available());
    const ScopedGemmSettings bf16(0, GemmPrecision::kBfloat16);
    EXPECT_EQ(gemm_precision(), GemmPrecision::kFloat32);  // bf16 where unavailable: fp32
    GTEST_SKIP() << "no AVX512_BF16 here";
  }
  Rng rng(3);
  const int64_t m = 20, n = 40, k = 50;
  const std::vector<float> a = random_values(m * k, rng), b = random_values(k * n, rng);
  for (GemmPrecision precision : {GemmPrecision::kFloat32, GemmPrecision::kBfloat16}) {
    const ScopedGemmSettings settings(0, precision);
    ASSERT_EQ(gemm_precision(), precision);
    const bool bf16 = precision == GemmPrecision::kBfloat16;
    std::vector<float> c(m * n);
    gemm(false, false, m, n, k, 1.0f, a.data(), b.data(), 0.0f, c.data());
    const std::vector<float> want = reference(false, false, m, n, k, 1.0f, a, b, 0.0f, c, bf16);
    for (int64_t i = 0; i < m * n; ++i) ASSERT_NEAR(c[i], want[i], 1e-4) << "bf16 " << bf16;
  }
  EXPECT_EQ(gemm_precision(), GemmPrecision::kFloat32);  // the settings end with their scope
}

// A training step's loss and gradients are the same whether the graph keeps packed weights
// or packs per call; after clear(), a changed parameter is packed again.
TEST(PackedWeights, ChangeNoResultAndFollowClear) {
  Rng rng(11);
  Parameter w("w", {48, 40}), u("u", {40, 40});
  for (Parameter* p : {&w, &u})
    for (int64_t i = 0; i < p->value.numel(); ++i) p->value.data()[i] = rng.uniform(-0.5f, 0.5f);
  Tensor x = Tensor::zeros({16, 40});
  for (int64_t i = 0; i < x.numel(); ++i) x.data()[i] = rng.uniform(-1.0f, 1.0f);
  PackedWeights packed;
  auto run = [&](bool use_packed) {
    Graph g;
    if (use_packed) g.set_packed_weights(&packed);
    w.zero_grad();
    u.zero_grad();
    Var h = ops::tanh(ops::linear(g.constant(x), g.parameter(u), Var()));
    Var loss = ops::sum(ops::linear(h, g.parameter(w), Var()));
    g.backward(loss);
    return std::make_tuple(loss.value().item(),
                           std::vector<float>(w.grad.data(), w.grad.data() + w.grad.numel()),
                           std::vector<float>(u.grad.data(), u.grad.data() + u.grad.numel()));
  };
  const auto plain = run(false);
  const auto with_packs = run(true);
  EXPECT_EQ(plain, with_packs);
  u.value.data()[0] += 1.0f;  // as an optimiser step would
  packed.clear();
  EXPECT_EQ(run(false), run(true));
  EXPECT_NE(std::get<0>(run(true)), std::get<0>(plain));
}

// The trainer's policy: nothing packed on a weight's first use after a clear, a copy from the
// second on; results the same either way.
TEST(PackedWeights, FromSecondUsePacksOnlyWeightsUsedTwice) {
  if (!has_packed_gemm()) GTEST_SKIP() << "no packed GEMM in this build";
  Parameter w("w", {8, 4});
  PackedWeights packed(/*from_second_use=*/true);
  EXPECT_EQ(packed.get(w, true), nullptr);
  const PackedMatrix* second = packed.get(w, true);
  ASSERT_NE(second, nullptr);
  EXPECT_EQ(packed.get(w, true), second);
  EXPECT_EQ(packed.get(w, false), nullptr);  // each layout counts its own uses
  packed.clear();
  EXPECT_EQ(packed.get(w, true), nullptr);
  EXPECT_NE(packed.get(w, true), nullptr);
  PackedWeights eager;
  EXPECT_NE(eager.get(w, true), nullptr);
}

// A weight's two layouts share one buffer in a training step's order (Wᵀ, then W, clear, again),
// and each product is right; a weight whose layouts alternate keeps two copies instead of
// repacking on every call.
TEST(PackedWeights, TheTwoLayoutsShareOneBufferUnlessTheyAlternate) {
  if (!has_packed_gemm()) GTEST_SKIP() << "no packed GEMM in this build";
  Parameter w("w", {40, 24});  // (out, in)
  Rng rng(3);
  for (int64_t i = 0; i < w.value.numel(); ++i) w.value.data()[i] = rng.uniform(-1.0f, 1.0f);
  const int64_t m = 3;
  std::vector<float> x(m * 24), dy(m * 40);
  for (float& v : x) v = rng.uniform(-1.0f, 1.0f);
  for (float& v : dy) v = rng.uniform(-1.0f, 1.0f);
  auto expect_products = [&](PackedWeights& packed, bool transposed) {
    const int64_t n = transposed ? 40 : 24, k = transposed ? 24 : 40;
    const float* a = transposed ? x.data() : dy.data();
    std::vector<float> want(m * n), got(m * n);
    gemm(false, transposed, m, n, k, 1.0f, a, k, w.value.data(), 24, 0.0f, want.data(), n);
    gemm_packed(false, m, 1.0f, a, k, *packed.get(w, transposed), 0.0f, got.data(), n, 1);
    for (int64_t i = 0; i < m * n; ++i) ASSERT_NEAR(got[i], want[i], 1e-4f) << i;
  };
  PackedWeights packed;
  expect_products(packed, true);  // a forward
  const size_t one_copy = packed.bytes();
  EXPECT_GT(one_copy, 0u);
  expect_products(packed, false);  // its backward
  EXPECT_EQ(packed.bytes(), one_copy);
  for (int step = 0; step < 2; ++step) {
    packed.clear();
    expect_products(packed, true);
    expect_products(packed, false);
    EXPECT_EQ(packed.bytes(), one_copy);
  }
  expect_products(packed, true);  // Wᵀ again in the same step: its own copy from now on
  EXPECT_EQ(packed.bytes(), 2 * one_copy);
  const PackedMatrix* plain = packed.get(w, false);
  const PackedMatrix* transposed = packed.get(w, true);
  EXPECT_EQ(packed.get(w, false), plain);  // no repacking, no moving
  EXPECT_EQ(packed.get(w, true), transposed);
  expect_products(packed, false);
}

}  // namespace
}  // namespace tandem::kernels
