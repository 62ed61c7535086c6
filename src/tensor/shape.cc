// Shape: construction, comparison and printing.
#include "tensor/shape.h"

#include "tensor/error.h"

namespace tandem {

Shape::Shape(std::initializer_list<int64_t> dims) {
  check(dims.size() <= kMaxRank,
        [&] { return "a tensor has at most 4 dimensions, got " + std::to_string(dims.size()); });
  for (int64_t d : dims) {
    check(d >= 0,
          [&] { return "tensor dimensions must be non-negative, got " + std::to_string(d); });
    dims_[rank_++] = d;
  }
}

int64_t Shape::numel() const {
  int64_t n = 1;
  for (int i = 0; i < rank_; ++i) n *= dims_[i];
  return n;
}

int64_t Shape::rows() const {
  int64_t n = 1;  // not numel() / cols(): a last dimension of 0 must not divide by zero
  for (int i = 0; i + 1 < rank_; ++i) n *= dims_[i];
  return n;
}

Shape Shape::drop_first() const {
  check(rank_ > 0, "cannot drop the first axis of a scalar");
  Shape s;
  for (int i = 1; i < rank_; ++i) s.dims_[s.rank_++] = dims_[i];
  return s;
}

Shape Shape::with_first(int64_t n) const {
  check(rank_ > 0, "a scalar has no first axis");
  Shape s = *this;
  s.dims_[0] = n;
  return s;
}

Shape Shape::with_last(int64_t n) const {
  check(rank_ > 0, "a scalar has no last axis");
  Shape s = *this;
  s.dims_[rank_ - 1] = n;
  return s;
}

Shape Shape::prepend(int64_t n) const {
  check(rank_ < kMaxRank, [&] { return "cannot add an axis to " + to_string() + ": at most 4"; });
  check(n >= 0, "tensor dimensions must be non-negative");
  Shape s;
  s.dims_[s.rank_++] = n;
  for (int i = 0; i < rank_; ++i) s.dims_[s.rank_++] = dims_[i];
  return s;
}

bool Shape::operator==(const Shape& other) const {
  if (rank_ != other.rank_) return false;
  for (int i = 0; i < rank_; ++i)
    if (dims_[i] != other.dims_[i]) return false;
  return true;
}

std::string Shape::to_string() const {
  std::string s = "[";
  for (int i = 0; i < rank_; ++i) {
    if (i) s += ", ";
    s += std::to_string(dims_[i]);
  }
  return s + "]";
}

}  // namespace tandem
