// The padded / reverse batches both RNN sequence-op tests run (lstm_sequence, gru_sequence), and
// their element-wise comparison.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "tensor/tensor.h"

namespace tandem::testing {

struct SequenceCase {
  int64_t T, B, H;
  std::vector<int64_t> lengths;  // empty: no padding
  bool reverse;
};

inline const std::vector<SequenceCase> kSequenceCases = {
    {1, 1, 3, {}, false},          {5, 2, 4, {}, false},       {5, 2, 4, {}, true},
    {4, 3, 5, {4, 2, 1}, false},   {4, 3, 5, {4, 2, 1}, true}, {6, 4, 8, {3, 6, 1, 6}, true},
    {6, 4, 8, {3, 6, 1, 6}, false}};

inline void expect_close(const Tensor& a, const Tensor& b, const char* what) {
  ASSERT_EQ(a.shape(), b.shape()) << what;
  for (int64_t i = 0; i < a.numel(); ++i)
    ASSERT_NEAR(a.data()[i], b.data()[i], 1e-5f) << what << " element " << i;
}

}  // namespace tandem::testing
