// Optimisers: per-parameter update loops the compiler vectorises; state lives on the heap.
#include "train/optimizer.h"

#include <cmath>

#include "kernels/cpu/multiversion.h"
#include "kernels/cpu/work_sharing.h"
#include "tensor/error.h"

namespace tandem {

std::vector<Tensor>& Optimizer::add_slot(const std::string& prefix) {
  std::vector<Tensor> tensors;
  for (const Parameter& p : params_) tensors.push_back(Tensor::zeros(p.value.shape()));
  slots_.emplace_back(prefix, std::move(tensors));
  return slots_.back().second;
}

std::vector<std::pair<std::string, Tensor>> Optimizer::state() const {
  std::vector<std::pair<std::string, Tensor>> out;
  Tensor steps = Tensor::zeros({1});
  steps.data()[0] = static_cast<float>(steps_);  // exact up to 2^24 steps
  out.emplace_back("optimizer.steps", steps);
  for (const auto& [prefix, tensors] : slots_) {
    size_t k = 0;
    for (const Parameter& p : params_) out.emplace_back(prefix + p.name, tensors[k++]);
  }
  return out;
}

void Optimizer::restore_state(const std::vector<std::pair<std::string, Tensor>>& state) {
  auto find = [&](const std::string& name) -> const Tensor& {
    for (const auto& [n, t] : state)
      if (n == name) return t;
    throw Error("optimizer state has no tensor '" + name + "'");
  };
  const float steps = find("optimizer.steps").item();
  // Check every tensor before changing anything.
  for (const auto& [prefix, tensors] : slots_) {
    size_t k = 0;
    for (const Parameter& p : params_) {
      const Tensor& t = find(prefix + p.name);
      check(t.shape() == tensors[k++].shape(), [&] {
        return "optimizer state '" + prefix + p.name + "' has shape " + t.shape().to_string() +
               ", expected " + p.value.shape().to_string();
      });
    }
  }
  for (auto& [prefix, tensors] : slots_) {
    size_t k = 0;
    for (const Parameter& p : params_) tensors[k++].copy_from(find(prefix + p.name));
  }
  steps_ = static_cast<int64_t>(steps);
}

Sgd::Sgd(ParameterStore& params, float lr, float momentum, float weight_decay)
    : Optimizer(params, lr), momentum_(momentum), weight_decay_(weight_decay) {
  if (momentum_ != 0.0f) velocity_ = &add_slot("sgd.velocity.");
}

void Sgd::step() {
  size_t k = 0;
  for (Parameter& p : params_) {
    float* w = p.value.data();
    const float* g = p.grad.data();
    const int64_t n = p.value.numel();
    if (velocity_) {
      float* v = (*velocity_)[k].data();
      for (int64_t i = 0; i < n; ++i) {
        v[i] = momentum_ * v[i] + g[i] + weight_decay_ * w[i];
        w[i] -= lr_ * v[i];
      }
    } else {
      for (int64_t i = 0; i < n; ++i) w[i] -= lr_ * (g[i] + weight_decay_ * w[i]);
    }
    ++k;
  }
  ++steps_;
}

Adam::Adam(ParameterStore& params, const AdamOptions& options)
    : Optimizer(params, options.lr), options_(options) {
  m_ = &add_slot("adam.m.");
  v_ = &add_slot("adam.v.");
}

namespace {

// One Adam step's constants (Adam::step).
struct AdamUpdate {
  float b1, b2, eps, l2, decay, step_size, sqrt_correction2;
};

// The update of n weights, compiled for each instruction set (kernels/cpu/multiversion.h): a
// free function, as a lambda's body cannot be cloned.
TANDEM_MULTIVERSION void adam_update(const AdamUpdate& u, int64_t n, const float* g, float* w,
                                     float* m, float* v) {
  for (int64_t i = 0; i < n; ++i) {
    const float gi = g[i] + u.l2 * w[i];
    m[i] = u.b1 * m[i] + (1.0f - u.b1) * gi;
    v[i] = u.b2 * v[i] + (1.0f - u.b2) * gi * gi;
    w[i] = w[i] * u.decay - u.step_size * m[i] / (std::sqrt(v[i]) / u.sqrt_correction2 + u.eps);
  }
}

}  // namespace

void Adam::step() {
  ++steps_;
  const float b1 = options_.beta1, b2 = options_.beta2, eps = options_.eps;
  const float wd = options_.weight_decay;
  const double t = static_cast<double>(steps_);
  // Bias corrections folded into the step size and the denominator, as PyTorch does.
  const float correction1 = static_cast<float>(1.0 - std::pow(b1, t));
  const float sqrt_correction2 = static_cast<float>(std::sqrt(1.0 - std::pow(b2, t)));
  const float step_size = lr_ / correction1;
  const float l2 = options_.decoupled_weight_decay ? 0.0f : wd;
  const float decay = options_.decoupled_weight_decay ? 1.0f - lr_ * wd : 1.0f;
  size_t k = 0;
  for (Parameter& p : params_) {
    float* w = p.value.data();
    const float* g = p.grad.data();
    float* m = (*m_)[k].data();
    float* v = (*v_)[k].data();
    const int64_t n = p.value.numel();
    // Element-wise over 15 M values (base): on the training's threads, not one.
    const AdamUpdate update{b1, b2, eps, l2, decay, step_size, sqrt_correction2};
    kernels::run_rows(n, n, [&](int64_t begin, int64_t end) {
      adam_update(update, end - begin, g + begin, w + begin, m + begin, v + begin);
    });
    ++k;
  }
}

std::unique_ptr<Adam> make_adamw(ParameterStore& params, AdamOptions options) {
  options.decoupled_weight_decay = true;
  if (options.weight_decay == 0.0f) options.weight_decay = 0.01f;
  return std::make_unique<Adam>(params, options);
}

}  // namespace tandem
