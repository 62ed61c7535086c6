// Tensor: construction, views and copies.
#include "tensor/tensor.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <new>

#include "tensor/error.h"

namespace tandem {

namespace {

std::shared_ptr<float> allocate_heap(int64_t n) {
  size_t bytes = (static_cast<size_t>(n) * sizeof(float) + Arena::kAlignment - 1) /
                 Arena::kAlignment * Arena::kAlignment;
  if (bytes == 0) bytes = Arena::kAlignment;
  void* p = std::aligned_alloc(Arena::kAlignment, bytes);
  if (!p) throw std::bad_alloc();
  return std::shared_ptr<float>(static_cast<float*>(p), [](float* q) { std::free(q); });
}

}  // namespace

Tensor Tensor::zeros(const Shape& shape) {
  Tensor t;
  t.owner_ = allocate_heap(shape.numel());
  t.data_ = t.owner_.get();
  t.shape_ = shape;
  t.fill(0.0f);
  return t;
}

Tensor Tensor::from(const Shape& shape, std::span<const float> values) {
  check(static_cast<int64_t>(values.size()) == shape.numel(), [&] {
    return "Tensor::from: shape " + shape.to_string() + " needs " + std::to_string(shape.numel()) +
           " values, got " + std::to_string(values.size());
  });
  Tensor t = zeros(shape);
  std::copy(values.begin(), values.end(), t.data_);
  return t;
}

Tensor Tensor::empty(Arena& arena, const Shape& shape) {
  Tensor t;
  t.data_ = arena.allocate_floats(shape.numel());
  t.shape_ = shape;
  return t;
}

Tensor Tensor::zeros(Arena& arena, const Shape& shape) {
  Tensor t = empty(arena, shape);
  t.fill(0.0f);
  return t;
}

Tensor Tensor::wrap(float* data, const Shape& shape) {
  Tensor t;
  t.data_ = data;
  t.shape_ = shape;
  return t;
}

float Tensor::item() const {
  check(numel() == 1,
        [&] { return "item() needs a one-element tensor, got shape " + shape_.to_string(); });
  return data_[0];
}

Tensor Tensor::slice(int64_t begin, int64_t end) const {
  check(rank() > 0, "cannot slice a scalar");
  check(0 <= begin && begin <= end && end <= dim(0), [&] {
    return "slice [" + std::to_string(begin) + ", " + std::to_string(end) + ") out of range for " +
           shape_.to_string();
  });
  Tensor t = *this;
  t.data_ = data_ + begin * (numel() / std::max<int64_t>(dim(0), 1));
  t.shape_ = shape_.with_first(end - begin);
  return t;
}

Tensor Tensor::operator[](int64_t index) const {
  check(rank() > 0, "cannot index a scalar");
  check(0 <= index && index < dim(0), [&] {
    return "index " + std::to_string(index) + " out of range for " + shape_.to_string();
  });
  Tensor t = *this;
  Shape rest = shape_.drop_first();
  t.data_ = data_ + index * rest.numel();
  t.shape_ = rest;
  return t;
}

Tensor Tensor::reshape(const Shape& shape) const {
  check(shape.numel() == numel(), [&] {
    return "cannot reshape " + shape_.to_string() + " to " + shape.to_string() + ": sizes differ";
  });
  Tensor t = *this;
  t.shape_ = shape;
  return t;
}

void Tensor::fill(float value) const { std::fill(data_, data_ + numel(), value); }

void Tensor::copy_from(const Tensor& other) const {
  check(other.numel() == numel(), [&] {
    return "copy_from: " + other.shape().to_string() + " into " + shape_.to_string() +
           ": sizes differ";
  });
  if (numel()) std::memcpy(data_, other.data_, numel() * sizeof(float));
}

Tensor Tensor::clone() const {
  Tensor t = zeros(shape_);
  t.copy_from(*this);
  return t;
}

}  // namespace tandem
