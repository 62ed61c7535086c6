// ParameterStore: creation, lookup by name, and whole-store operations.
#include "nn/parameter_store.h"

#include "tensor/error.h"

namespace tandem {

Parameter& ParameterStore::create(const std::string& name, const Shape& shape) {
  check(!name.empty(), "a parameter needs a name");
  check(!contains(name), [&] { return "parameter '" + name + "' already exists"; });
  index_[name] = params_.size();
  return params_.emplace_back(name, shape);
}

Parameter& ParameterStore::get(std::string_view name) {
  auto it = index_.find(name);
  check(it != index_.end(), [&] { return "no parameter named '" + std::string(name) + "'"; });
  return params_[it->second];
}

const Parameter& ParameterStore::get(std::string_view name) const {
  return const_cast<ParameterStore*>(this)->get(name);
}

int64_t ParameterStore::num_values() const {
  int64_t n = 0;
  for (const Parameter& p : params_) n += p.value.numel();
  return n;
}

std::vector<std::string> ParameterStore::names() const {
  std::vector<std::string> out;
  out.reserve(params_.size());
  for (const Parameter& p : params_) out.push_back(p.name);
  return out;
}

void ParameterStore::zero_grad() {
  for (Parameter& p : params_) p.zero_grad();
}

}  // namespace tandem
