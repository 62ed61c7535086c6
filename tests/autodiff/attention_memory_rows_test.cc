// The attention ops with a map of query rows to memory columns (search's beams and dropped
// sentences, kernels/cpu/memory_rows.h) equal the same ops on the memory gathered by that map.
#include <gtest/gtest.h>

#include <vector>

#include "autodiff/ops.h"
#include "support/gradcheck.h"
#include "tensor/error.h"

namespace tandem {
namespace {

using testing::random_tensor;

// memory (S, B_mem, D) with column rows[b] as its column b: (S, rows.size(), D).
Tensor gather_columns(const Tensor& memory, const std::vector<int32_t>& rows) {
  const int64_t S = memory.dim(0), Bm = memory.dim(1), D = memory.dim(2);
  const int64_t B = static_cast<int64_t>(rows.size());
  Tensor out = Tensor::zeros({S, B, D});
  for (int64_t s = 0; s < S; ++s)
    for (int64_t b = 0; b < B; ++b)
      for (int64_t d = 0; d < D; ++d)
        out.data()[(s * B + b) * D + d] = memory.data()[(s * Bm + rows[b]) * D + d];
  return out;
}

void expect_equal(const Tensor& want, const Tensor& got, const char* what) {
  ASSERT_EQ(want.shape(), got.shape()) << what;
  for (int64_t i = 0; i < want.numel(); ++i)
    EXPECT_FLOAT_EQ(want.data()[i], got.data()[i]) << what << " element " << i;
}

TEST(AttentionMemoryRows, EqualTheOpsOnTheGatheredMemory) {
  Rng rng(81);
  const int64_t S = 4, Bm = 3, D = 5;
  const std::vector<int32_t> rows = {2, 2, 0, 1, 2, 0, 0};  // beams of sentences, reordered
  const int64_t B = static_cast<int64_t>(rows.size());
  const Tensor memory = random_tensor({S, Bm, D}, rng);
  const Tensor gathered = gather_columns(memory, rows);
  const Tensor q = random_tensor({B, D}, rng), v = random_tensor({D}, rng);
  Tensor mask = Tensor::zeros({B, S});
  for (int64_t b = 0; b < B; ++b)
    for (int64_t s = 0; s <= b % S; ++s) mask.data()[b * S + s] = 1.0f;
  Graph g;
  NoGradGuard no_grad(g);
  const Var vm = g.constant(memory), vg = g.constant(gathered), vq = g.constant(q);
  expect_equal(ops::additive_scores(vq, vg, g.constant(v), mask).value(),
               ops::additive_scores(vq, vm, g.constant(v), mask, rows).value(), "additive");
  expect_equal(ops::dot_scores(vq, vg, mask).value(), ops::dot_scores(vq, vm, mask, rows).value(),
               "dot");
  const Var weights = ops::masked_softmax(ops::dot_scores(vq, vg, mask), mask);
  expect_equal(ops::attention_context(weights, vg).value(),
               ops::attention_context(weights, vm, rows).value(), "context");
}

TEST(AttentionMemoryRows, ARecordingGraphOrABadMapIsAnError) {
  Rng rng(82);
  const Tensor memory = random_tensor({2, 3, 4}, rng), q = random_tensor({2, 4}, rng);
  const std::vector<int32_t> rows = {0, 2}, outside = {0, 3}, short_map = {1};
  Graph g;
  const Var vm = g.constant(memory), vq = g.leaf(q);
  EXPECT_THROW(ops::dot_scores(vq, vm, {}, rows), Error);  // the backward reads column b
  NoGradGuard no_grad(g);
  EXPECT_THROW(ops::dot_scores(vq, vm, {}, outside), Error);
  EXPECT_THROW(ops::dot_scores(vq, vm, {}, short_map), Error);
  EXPECT_THROW(ops::dot_scores(vq, vm), Error);  // without a map the batches must agree
  EXPECT_NO_THROW(ops::dot_scores(vq, vm, {}, rows));
}

}  // namespace
}  // namespace tandem
