// The fused GRU and LSTM cell ops against the same maths as separate ops: values and gradients,
// at sizes too large for finite differences.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "autodiff/unfused_cells.h"
#include "support/gradcheck.h"

namespace tandem {
namespace {

using testing::random_tensor;

// Both paths run the same float32 maths in a different order (fused: one pass; unfused: GEMM
// then separate activations), so they agree to rounding: 1e-5 absolute on O(1) values.
void expect_close(const Tensor& a, const Tensor& b, const char* what) {
  ASSERT_EQ(a.shape(), b.shape()) << what;
  float worst = 0.0f;
  for (int64_t i = 0; i < a.numel(); ++i)
    worst = std::max(worst, std::abs(a.data()[i] - b.data()[i]));
  EXPECT_LT(worst, 1e-5f) << what;
}

struct Sizes {
  int64_t batch, hidden;
};

class FusedCells : public ::testing::TestWithParam<Sizes> {};

TEST_P(FusedCells, GruMatchesSeparateOps) {
  const auto [B, H] = GetParam();
  Rng rng(21);
  Tensor xg = random_tensor({B, 3 * H}, rng), h = random_tensor({B, H}, rng);
  Tensor w = random_tensor({3 * H, H}, rng, -0.3f, 0.3f), b = random_tensor({3 * H}, rng);
  Tensor out_weights = random_tensor({B, H}, rng);
  Graph g1, g2;
  Var in1[] = {g1.leaf(xg), g1.leaf(h), g1.leaf(w), g1.leaf(b)};
  Var in2[] = {g2.leaf(xg), g2.leaf(h), g2.leaf(w), g2.leaf(b)};
  Var y1 = ops::gru_cell(in1[0], in1[1], in1[2], in1[3]);
  Var y2 = ops::gru_cell_unfused(in2[0], in2[1], in2[2], in2[3]);
  expect_close(y1.value(), y2.value(), "h'");
  g1.backward(ops::sum(ops::mul(y1, g1.constant(out_weights))));
  g2.backward(ops::sum(ops::mul(y2, g2.constant(out_weights))));
  const char* names[] = {"dxg", "dh", "dW_hh", "db_hh"};
  for (int k = 0; k < 4; ++k) expect_close(in1[k].grad(), in2[k].grad(), names[k]);
  EXPECT_EQ(g1.num_nodes(), 3u);  // the cell, mul, sum: the cell is one node
}

TEST_P(FusedCells, LstmMatchesSeparateOps) {
  const auto [B, H] = GetParam();
  Rng rng(22);
  Tensor xg = random_tensor({B, 4 * H}, rng), h = random_tensor({B, H}, rng),
         c = random_tensor({B, H}, rng);
  Tensor w = random_tensor({4 * H, H}, rng, -0.3f, 0.3f);
  Tensor wh = random_tensor({B, H}, rng), wc = random_tensor({B, H}, rng);
  Graph g1, g2;
  Var in1[] = {g1.leaf(xg), g1.leaf(h), g1.leaf(c), g1.leaf(w)};
  Var in2[] = {g2.leaf(xg), g2.leaf(h), g2.leaf(c), g2.leaf(w)};
  // lstm_cell consumes its xg, so it gets an op's output (a copy), not the leaf itself.
  ops::LstmState s1 = ops::lstm_cell(ops::scale(in1[0], 1.0f), in1[1], in1[2], in1[3]);
  ops::LstmState s2 = ops::lstm_cell_unfused(in2[0], in2[1], in2[2], in2[3]);
  expect_close(s1.h.value(), s2.h.value(), "h'");
  expect_close(s1.c.value(), s2.c.value(), "c'");
  auto loss = [&](Graph& g, ops::LstmState s) {
    return ops::add(ops::sum(ops::mul(s.h, g.constant(wh))),
                    ops::sum(ops::mul(s.c, g.constant(wc))));
  };
  g1.backward(loss(g1, s1));
  g2.backward(loss(g2, s2));
  const char* names[] = {"dxg", "dh", "dc", "dW_hh"};
  for (int k = 0; k < 4; ++k) expect_close(in1[k].grad(), in2[k].grad(), names[k]);
}

INSTANTIATE_TEST_SUITE_P(Sizes, FusedCells,
                         ::testing::Values(Sizes{1, 1}, Sizes{1, 17}, Sizes{7, 33}, Sizes{64, 256}),
                         [](const ::testing::TestParamInfo<Sizes>& info) {
                           // Appended, not "B" + …: GCC 12 warns wrongly on that (-Wrestrict).
                           std::string name = "B";
                           name += std::to_string(info.param.batch);
                           name += "_H";
                           name += std::to_string(info.param.hidden);
                           return name;
                         });

}  // namespace
}  // namespace tandem
