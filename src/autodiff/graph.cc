// Graph: leaves, gradient buffers and the reverse sweep.
#include "autodiff/graph.h"

#include <algorithm>
#include <cstring>

#include "tensor/error.h"

namespace tandem {

const Tensor& Var::value() const { return graph->value(id); }
const Tensor& Var::grad() const { return graph->grad(id); }
bool Var::requires_grad() const { return graph->requires_grad(id); }

Graph::Graph(size_t arena_bytes) : arena_(arena_bytes) {
  values_.reserve(1024);
  nodes_.reserve(1024);
}

Var Graph::parameter(Parameter& p) {
  values_.push_back({p.value, recording_ ? p.grad : Tensor(), recording_, &p, true});
  return {this, static_cast<int32_t>(values_.size() - 1)};
}

Var Graph::leaf(const Tensor& value) {
  Var v = add_value(value, true);
  values_.back().caller_owned = true;
  return v;
}

Var Graph::constant(const Tensor& value) {
  Var v = add_value(value, false);
  values_.back().caller_owned = true;
  return v;
}

Var Graph::add_value(const Tensor& value, bool requires_grad) {
  values_.push_back({value, Tensor(), requires_grad && recording_});
  return {this, static_cast<int32_t>(values_.size() - 1)};
}

std::span<int32_t> Graph::copy_ids(std::span<const int32_t> ids) {
  int32_t* p = arena_.allocate_ints(static_cast<int64_t>(ids.size()));
  if (!ids.empty()) std::memcpy(p, ids.data(), ids.size() * sizeof(int32_t));
  return {p, ids.size()};
}

float* Graph::grad_data(int32_t id) {
  Slot& s = values_[id];
  if (!s.requires_grad) return nullptr;
  if (s.grad.defined() && s.grad.data() != nullptr) return s.grad.data();
  auto spare = spare_grads_.find(s.value.numel());
  if (spare != spare_grads_.end() && !spare->second.empty()) {
    float* p = spare->second.back();
    spare->second.pop_back();
    std::memset(p, 0, sizeof(float) * s.value.numel());
    s.grad = Tensor::wrap(p, s.value.shape());
  } else {
    s.grad = new_zeros(s.value.shape());
  }
  return s.grad.data();
}

bool Graph::adopt_grad(int32_t id, const Tensor& grad) {
  Slot& s = values_[id];
  if (!s.requires_grad || s.grad.data() != nullptr || grad.numel() != s.value.numel()) return false;
  s.grad = Tensor::wrap(grad.data(), s.value.shape());
  return true;
}

void Graph::backward(Var loss) {
  check(loss.graph == this, "backward: the loss belongs to another graph");
  check(loss.value().numel() == 1, [&] {
    return "backward: the loss must have one element, got shape " + loss.shape().to_string();
  });
  check(requires_grad(loss.id),
        "backward: the loss does not depend on anything that needs a gradient");
  float* seed = grad_data(loss.id);
  seed[0] += 1.0f;
  for (auto it = nodes_.rbegin(); it != nodes_.rend(); ++it) {
    const Node& node = *it;
    bool reached = false;
    for (int k = 0; k < node.num_out; ++k) reached |= values_[node.out[k]].grad.data() != nullptr;
    if (!reached) continue;
    node.backward(*this, node);
    for (int k = 0; k < node.num_out; ++k) {  // nothing reads these gradients any more
      Slot& out = values_[node.out[k]];
      if (out.grad.data() == nullptr) continue;
      if (!out.grad_lent) spare_grads_[out.grad.numel()].push_back(out.grad.data());
      out.grad_lent = false;
      out.grad = Tensor();
    }
  }
}

void Graph::reset() {
  nodes_.clear();
  values_.clear();
  for (auto& [size, buffers] : spare_grads_) buffers.clear();  // (their capacity stays)
  arena_.reset();
}

}  // namespace tandem
