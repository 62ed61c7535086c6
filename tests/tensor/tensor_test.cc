// Tests for Tensor: ownership, views along axis 0, reshape, copies, bad indices.
#include "tensor/tensor.h"

#include <gtest/gtest.h>

#include "tensor/error.h"

namespace tandem {
namespace {

TEST(Tensor, ZerosAreZeroAndAligned) {
  Tensor t = Tensor::zeros({3, 5});
  EXPECT_EQ(t.numel(), 15);
  for (float x : t.values()) EXPECT_EQ(x, 0.0f);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(t.data()) % Arena::kAlignment, 0u);
}

TEST(Tensor, TimeStepOfASequenceIsAViewSharingData) {
  Tensor seq = Tensor::zeros({4, 2, 3});  // (T, B, H)
  for (int64_t i = 0; i < seq.numel(); ++i) seq.data()[i] = static_cast<float>(i);
  Tensor step = seq[2];
  EXPECT_EQ(step.shape(), (Shape{2, 3}));
  EXPECT_EQ(step.data(), seq.data() + 12);
  step.data()[0] = -1.0f;  // writes through
  EXPECT_EQ(seq.data()[12], -1.0f);
  Tensor window = seq.slice(1, 3);
  EXPECT_EQ(window.shape(), (Shape{2, 2, 3}));
  EXPECT_EQ(window.data(), seq.data() + 6);
  EXPECT_EQ(seq.slice(4, 4).numel(), 0);
}

TEST(Tensor, ViewKeepsHeapStorageAlive) {
  Tensor view;
  {
    Tensor owner = Tensor::from({2, 2}, std::vector<float>{1, 2, 3, 4});
    view = owner[1];
  }
  EXPECT_EQ(view.data()[1], 4.0f);  // ASan would flag a use after free here
}

TEST(Tensor, ReshapeCopyAndClone) {
  Tensor a = Tensor::from({2, 3}, std::vector<float>{1, 2, 3, 4, 5, 6});
  Tensor r = a.reshape({3, 2});
  EXPECT_EQ(r.data(), a.data());
  Tensor c = a.clone();
  EXPECT_NE(c.data(), a.data());
  c.data()[0] = 9.0f;
  EXPECT_EQ(a.data()[0], 1.0f);
  Tensor b = Tensor::zeros({6});
  b.copy_from(a);
  EXPECT_EQ(b.data()[5], 6.0f);
  EXPECT_FLOAT_EQ(Tensor::from({1}, std::vector<float>{2.5f}).item(), 2.5f);
}

TEST(Tensor, BadIndicesAndShapesAreErrors) {
  Tensor a = Tensor::zeros({2, 3});
  EXPECT_THROW(a[2], Error);
  EXPECT_THROW(a[-1], Error);
  EXPECT_THROW(a.slice(1, 3), Error);
  EXPECT_THROW(a.reshape({4, 2}), Error);
  EXPECT_THROW(a.item(), Error);
  EXPECT_THROW(Tensor::zeros({4}).copy_from(a), Error);
  EXPECT_THROW(Tensor::from({2}, std::vector<float>{1}), Error);
  EXPECT_THROW(Tensor::zeros(Shape{})[0], Error);
}

}  // namespace
}  // namespace tandem
