// ParameterStore: every trainable tensor of a model, by scoped name, in creation order.
#pragma once

#include <deque>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "autodiff/parameter.h"

namespace tandem {

// Layers create their parameters here under scoped names ("decoder.attention.W_query"); the
// optimiser, gradient clipping and checkpoints walk the same list. Parameters never move once
// created (a deque keeps references stable), so layers may hold Parameter&.
class ParameterStore {
 public:
  ParameterStore() = default;
  ParameterStore(const ParameterStore&) = delete;
  ParameterStore& operator=(const ParameterStore&) = delete;

  // Creates a zero-filled parameter; throws tandem::Error if the name is taken or empty.
  Parameter& create(const std::string& name, const Shape& shape);
  // Throws tandem::Error naming the parameter if it does not exist.
  // string_view lookups build no std::string, so looking a name up allocates nothing.
  Parameter& get(std::string_view name);
  const Parameter& get(std::string_view name) const;
  bool contains(std::string_view name) const { return index_.find(name) != index_.end(); }

  size_t size() const { return params_.size(); }
  int64_t num_values() const;  // total number of scalars
  auto begin() { return params_.begin(); }
  auto end() { return params_.end(); }
  auto begin() const { return params_.begin(); }
  auto end() const { return params_.end(); }
  std::vector<std::string> names() const;

  void zero_grad();

  // Whether layers fill new parameters with their random initial values. A model about to be
  // overwritten by loaded weights turns this off: the orthogonal initialiser alone was most of
  // the start-up time of a `tandem translate` call.
  bool initialises() const { return initialises_; }
  void set_initialises(bool on) { initialises_ = on; }

 private:
  bool initialises_ = true;
  std::deque<Parameter> params_;
  std::map<std::string, size_t, std::less<>> index_;
};

}  // namespace tandem
