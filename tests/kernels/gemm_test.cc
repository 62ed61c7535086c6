// The GEMM wrapper against a plain triple loop: every transpose, strides, alpha/beta, the
// one-row (matrix–vector) path, empty products and the batched form.
#include "kernels/cpu/gemm.h"
#include "kernels/cpu/packed_gemm.h"

#include <gtest/gtest.h>

#include <vector>

#include "tensor/rng.h"

namespace tandem::kernels {
namespace {

// C = alpha·op(A)·op(B) + beta·C, the obvious way, in double.
void reference_gemm(bool ta, bool tb, int64_t m, int64_t n, int64_t k, float alpha, const float* a,
                    int64_t lda, const float* b, int64_t ldb, float beta, float* c, int64_t ldc) {
  for (int64_t i = 0; i < m; ++i)
    for (int64_t j = 0; j < n; ++j) {
      double sum = 0.0;
      for (int64_t p = 0; p < k; ++p)
        sum += static_cast<double>(ta ? a[p * lda + i] : a[i * lda + p]) *
               (tb ? b[j * ldb + p] : b[p * ldb + j]);
      c[i * ldc + j] =
          static_cast<float>(alpha * sum + (beta == 0.0f ? 0.0 : beta * c[i * ldc + j]));
    }
}

std::vector<float> random_values(size_t n, Rng& rng) {
  std::vector<float> v(n);
  for (float& x : v) x = rng.uniform(-1.0f, 1.0f);
  return v;
}

TEST(Gemm, MatchesTheTripleLoopForEveryTransposeAndShape) {
  Rng rng(71);
  for (bool ta : {false, true})
    for (bool tb : {false, true})
      for (auto [m, n, k] : std::vector<std::tuple<int64_t, int64_t, int64_t>>{
               {1, 1, 1}, {1, 7, 5}, {1, 64, 33}, {3, 5, 7}, {16, 9, 40}, {64, 48, 32}})
        for (auto [alpha, beta] :
             std::vector<std::pair<float, float>>{{1, 0}, {0.5f, 1}, {-2, 0.25f}}) {
          // Row strides wider than the rows: a slice of a bigger matrix.
          const int64_t lda = (ta ? m : k) + 2, ldb = (tb ? k : n) + 3, ldc = n + 1;
          const auto a = random_values((ta ? k : m) * lda, rng);
          const auto b = random_values((tb ? n : k) * ldb, rng);
          auto c = random_values(m * ldc, rng);
          auto want = c;
          gemm(ta, tb, m, n, k, alpha, a.data(), lda, b.data(), ldb, beta, c.data(), ldc);
          reference_gemm(ta, tb, m, n, k, alpha, a.data(), lda, b.data(), ldb, beta, want.data(),
                         ldc);
          for (int64_t i = 0; i < m; ++i)
            for (int64_t j = 0; j < n; ++j)
              // float accumulation over k ≤ 40 terms of size ≤ 1: error ≤ ~40·6e-8·|α|.
              ASSERT_NEAR(c[i * ldc + j], want[i * ldc + j], 2e-5)
                  << "ta=" << ta << " tb=" << tb << " m=" << m << " n=" << n << " k=" << k;
        }
}

TEST(Gemm, EmptyProductScalesByBeta) {
  std::vector<float> c = {1, 2, 3, 4};
  gemm(false, false, 2, 2, 0, 1.0f, nullptr, 1, nullptr, 2, 0.5f, c.data(), 2);
  EXPECT_EQ(c, (std::vector<float>{0.5f, 1, 1.5f, 2}));
  gemm(false, false, 2, 2, 0, 1.0f, nullptr, 1, nullptr, 2, 0.0f, c.data(), 2);
  EXPECT_EQ(c, (std::vector<float>{0, 0, 0, 0}));
}

TEST(Gemm, BatchedEqualsOneCallPerEntry) {
  Rng rng(72);
  const int64_t batch = 3, m = 2, n = 4, k = 5;
  const auto a = random_values(batch * m * k, rng), b = random_values(batch * k * n, rng);
  std::vector<float> c(batch * m * n, 0.0f), want(batch * m * n, 0.0f);
  gemm_batched(false, false, m, n, k, 1.0f, a.data(), k, m * k, b.data(), n, k * n, 0.0f, c.data(),
               n, m * n, batch);
  for (int64_t i = 0; i < batch; ++i)
    reference_gemm(false, false, m, n, k, 1.0f, a.data() + i * m * k, k, b.data() + i * k * n, n,
                   0.0f, want.data() + i * m * n, n);
  for (size_t i = 0; i < c.size(); ++i) EXPECT_NEAR(c[i], want[i], 1e-5);
}

// multiply_adds_done counts each product once, whichever path runs it: the one-row matrix–vector
// product, a product packing B per call (which goes on to gemm_packed), a kept packed operand.
TEST(Gemm, CountsTheMultiplyAddsOfEveryProductOnce) {
  Rng rng(73);
  const int64_t m = 6, n = 5, k = 4;
  const auto a = random_values(m * k, rng), b = random_values(k * n, rng);
  std::vector<float> c(m * n);
  int64_t before = multiply_adds_done();
  gemm(false, false, m, n, k, 1.0f, a.data(), b.data(), 0.0f, c.data());
  EXPECT_EQ(multiply_adds_done() - before, m * n * k);
  before = multiply_adds_done();
  gemm(false, false, 1, n, k, 1.0f, a.data(), b.data(), 0.0f, c.data());
  EXPECT_EQ(multiply_adds_done() - before, n * k);
  if (has_packed_gemm()) {
    PackedMatrix packed;
    pack_right(false, k, n, b.data(), n, packed, false);
    before = multiply_adds_done();
    gemm_packed(false, m, 1.0f, a.data(), k, packed, 0.0f, c.data(), n, 1);
    EXPECT_EQ(multiply_adds_done() - before, m * n * k);
  }
}

}  // namespace
}  // namespace tandem::kernels
