// Shape: the dimensions of a tensor (rank 0 to 4), stored inline.
#pragma once

#include <array>
#include <cstdint>
#include <initializer_list>
#include <string>

namespace tandem {

class Shape {
 public:
  static constexpr int kMaxRank = 4;

  Shape() = default;  // rank 0: a scalar
  Shape(std::initializer_list<int64_t> dims);

  int rank() const { return rank_; }
  int64_t operator[](int axis) const { return dims_[axis]; }
  int64_t numel() const;
  // Product of all dimensions but the last: the number of rows of the row-major matrix view.
  int64_t rows() const;
  // The last dimension (1 for a scalar).
  int64_t cols() const { return rank_ == 0 ? 1 : dims_[rank_ - 1]; }
  // The shape without its first axis.
  Shape drop_first() const;
  // The same shape with axis 0 replaced.
  Shape with_first(int64_t n) const;
  Shape with_last(int64_t n) const;
  // A new first axis of size n in front: (n, dims…). Throws if that makes more than 4 axes.
  Shape prepend(int64_t n) const;

  bool operator==(const Shape& other) const;
  bool operator!=(const Shape& other) const { return !(*this == other); }
  std::string to_string() const;  // "[2, 3]"

 private:
  std::array<int64_t, kMaxRank> dims_{};
  int rank_ = 0;
};

}  // namespace tandem
