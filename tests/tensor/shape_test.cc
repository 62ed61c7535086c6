// Tests for Shape: sizes, derived shapes, comparison, bad dimensions.
#include "tensor/shape.h"

#include <gtest/gtest.h>

#include "tensor/error.h"

namespace tandem {
namespace {

TEST(Shape, ScalarHasOneElement) {
  Shape s;
  EXPECT_EQ(s.rank(), 0);
  EXPECT_EQ(s.numel(), 1);
  EXPECT_EQ(s.to_string(), "[]");
}

TEST(Shape, SizesAndDerivedShapes) {
  Shape s{2, 3, 5};
  EXPECT_EQ(s.numel(), 30);
  EXPECT_EQ(s.rows(), 6);
  EXPECT_EQ(s.cols(), 5);
  EXPECT_EQ(s.drop_first(), (Shape{3, 5}));
  EXPECT_EQ(s.with_first(7), (Shape{7, 3, 5}));
  EXPECT_EQ(s.with_last(1), (Shape{2, 3, 1}));
  EXPECT_NE(s, (Shape{2, 3}));
  EXPECT_EQ(s.to_string(), "[2, 3, 5]");
}

TEST(Shape, RowsOfAnEmptyLastAxis) {
  EXPECT_EQ((Shape{2, 0}).rows(), 2);  // once a division by zero
  EXPECT_EQ((Shape{0, 3}).rows(), 0);
  EXPECT_EQ((Shape{4}).rows(), 1);
}

TEST(Shape, RejectsTooManyOrNegativeDimensions) {
  EXPECT_THROW((Shape{1, 2, 3, 4, 5}), Error);
  EXPECT_THROW((Shape{2, -1}), Error);
}

}  // namespace
}  // namespace tandem
