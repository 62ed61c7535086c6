// Optimisers: SGD (with momentum), Adam and AdamW, updating a ParameterStore from its gradients.
#pragma once

#include <deque>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "nn/parameter_store.h"

namespace tandem {

class Optimizer {
 public:
  virtual ~Optimizer() = default;

  // One update from the parameters' current gradients. Gradients are left as they are: the
  // training loop zeroes them (ParameterStore::zero_grad) before the next backward.
  virtual void step() = 0;

  float learning_rate() const { return lr_; }
  void set_learning_rate(float lr) { lr_ = lr; }
  int64_t steps() const { return steps_; }

  // The optimiser's state by name ("adam.m.<parameter>", …), heap tensors that a checkpoint
  // saves and restore_state() copies back, so a resumed run continues exactly.
  std::vector<std::pair<std::string, Tensor>> state() const;
  void restore_state(const std::vector<std::pair<std::string, Tensor>>& state);

 protected:
  Optimizer(ParameterStore& params, float lr) : params_(params), lr_(lr) {}
  // Adds one zero-filled state tensor per parameter, named prefix + parameter name.
  std::vector<Tensor>& add_slot(const std::string& prefix);

  ParameterStore& params_;
  float lr_;
  int64_t steps_ = 0;

 private:
  // A deque: add_slot hands out references that must survive later add_slot calls.
  std::deque<std::pair<std::string, std::vector<Tensor>>> slots_;
};

// Plain SGD, optionally with heavy-ball momentum (v = μ·v + g; p −= lr·v, as PyTorch) and L2
// weight decay added to the gradient.
class Sgd : public Optimizer {
 public:
  Sgd(ParameterStore& params, float lr, float momentum = 0.0f, float weight_decay = 0.0f);
  void step() override;

 private:
  float momentum_, weight_decay_;
  std::vector<Tensor>* velocity_ = nullptr;
};

struct AdamOptions {
  float lr = 1e-3f;
  float beta1 = 0.9f;
  float beta2 = 0.999f;
  float eps = 1e-8f;
  float weight_decay = 0.0f;
  // false: Adam's L2 penalty, added to the gradient (Kingma & Ba 2015 with L2).
  // true: AdamW's decoupled decay, p −= lr·λ·p before the update (Loshchilov & Hutter 2019).
  bool decoupled_weight_decay = false;
};

// Adam (Kingma & Ba 2015, Algorithm 1) with bias correction; AdamW via the option above.
class Adam : public Optimizer {
 public:
  Adam(ParameterStore& params, const AdamOptions& options = {});
  void step() override;

 private:
  AdamOptions options_;
  std::vector<Tensor>* m_ = nullptr;
  std::vector<Tensor>* v_ = nullptr;
};

// AdamW: Adam with decoupled weight decay (default λ = 0.01, as PyTorch).
std::unique_ptr<Adam> make_adamw(ParameterStore& params, AdamOptions options = {});

}  // namespace tandem
