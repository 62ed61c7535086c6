// Tensor: a float32, row-major, contiguous array of up to 4 dimensions, owned or borrowed.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "tensor/arena.h"
#include "tensor/shape.h"

namespace tandem {

// A Tensor is a pointer, a shape and an optional owner. Heap tensors (parameters, optimiser
// state) own their storage through a shared pointer; arena tensors and views borrow theirs and
// cost nothing to copy. Copying a Tensor never copies data: use copy_from() for that.
class Tensor {
 public:
  Tensor() = default;

  // Heap-owned, zero-filled.
  static Tensor zeros(const Shape& shape);
  // Heap-owned copy of `values`, which must hold shape.numel() numbers.
  static Tensor from(const Shape& shape, std::span<const float> values);
  // Arena-backed, uninitialised / zero-filled; valid until the arena is reset.
  static Tensor empty(Arena& arena, const Shape& shape);
  static Tensor zeros(Arena& arena, const Shape& shape);
  // Borrows `data` (which must outlive the tensor).
  static Tensor wrap(float* data, const Shape& shape);

  bool defined() const { return data_ != nullptr || shape_.numel() == 0; }
  float* data() const { return data_; }
  const Shape& shape() const { return shape_; }
  int rank() const { return shape_.rank(); }
  int64_t dim(int axis) const { return shape_[axis]; }
  int64_t numel() const { return shape_.numel(); }
  int64_t rows() const { return shape_.rows(); }
  int64_t cols() const { return shape_.cols(); }
  std::span<float> values() const { return {data_, static_cast<size_t>(numel())}; }
  float item() const;  // the value of a one-element tensor

  // Views along axis 0 (no copy): rows [begin, end), or one index with that axis dropped.
  Tensor slice(int64_t begin, int64_t end) const;
  Tensor operator[](int64_t index) const;
  // The same data with another shape of equal size.
  Tensor reshape(const Shape& shape) const;

  void fill(float value) const;
  void copy_from(const Tensor& other) const;  // shapes must have the same number of elements
  Tensor clone() const;                       // heap-owned deep copy

 private:
  std::shared_ptr<float> owner_;
  float* data_ = nullptr;
  Shape shape_;
};

}  // namespace tandem
