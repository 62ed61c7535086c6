// Finite-difference gradient checking: the analytic sweep once, then two forwards per element.
#include "support/gradcheck.h"

#include <cmath>
#include <sstream>

#include "autodiff/ops.h"

namespace tandem::testing {

Tensor random_tensor(const Shape& shape, Rng& rng, float low, float high) {
  Tensor t = Tensor::zeros(shape);
  for (float& x : t.values()) x = rng.uniform(low, high);
  return t;
}

namespace {

// L = Σ w ⊙ f(inputs), in double where it is ours to sum.
double evaluate(Graph& g, const std::function<Var(std::span<const Var>)>& f,
                const std::vector<Tensor>& inputs, const Tensor& weights) {
  g.reset();
  NoGradGuard no_grad(g);
  std::vector<Var> leaves;
  for (const Tensor& t : inputs) leaves.push_back(g.constant(t));
  const Tensor& y = f(leaves).value();
  double total = 0.0;
  for (int64_t i = 0; i < y.numel(); ++i)
    if (std::isfinite(y.data()[i])) total += static_cast<double>(weights.data()[i]) * y.data()[i];
  return total;
}

}  // namespace

::testing::AssertionResult check_gradients(const std::function<Var(std::span<const Var>)>& f,
                                           std::vector<Tensor> inputs,
                                           const GradCheckOptions& options) {
  Graph g;
  std::vector<Var> leaves;
  for (const Tensor& t : inputs) leaves.push_back(g.leaf(t));
  Var y = f(leaves);
  Rng rng(1234);
  Tensor weights = random_tensor(y.shape(), rng, 0.5f, 1.5f);
  // −∞ entries (masked attention scores) carry no gradient: weight them out. (The loss value
  // is then NaN, −∞·0, but backward only needs the weights.)
  for (int64_t i = 0; i < weights.numel(); ++i)
    if (!std::isfinite(y.value().data()[i])) weights.data()[i] = 0.0f;
  Var loss = ops::sum(ops::mul(y, g.constant(weights)));
  g.backward(loss);

  std::vector<Tensor> analytic;
  for (const Var& v : leaves)
    analytic.push_back(v.grad().data() ? v.grad().clone() : Tensor::zeros(v.shape()));

  Graph eval_graph;
  int failures = 0;
  std::ostringstream report;
  for (size_t k = 0; k < inputs.size(); ++k) {
    Tensor& x = inputs[k];
    for (int64_t i = 0; i < x.numel(); ++i) {
      const float original = x.data()[i];
      x.data()[i] = original + options.step;
      const double plus = evaluate(eval_graph, f, inputs, weights);
      x.data()[i] = original - options.step;
      const double minus = evaluate(eval_graph, f, inputs, weights);
      x.data()[i] = original;
      const double numeric = (plus - minus) / (2.0 * options.step);
      const double got = analytic[k].data()[i];
      if (std::abs(got - numeric) > options.atol + options.rtol * std::abs(numeric)) {
        if (++failures <= 10)
          report << "\n  input " << k << " " << x.shape().to_string() << " element " << i
                 << ": analytic " << got << ", numeric " << numeric;
      }
    }
  }
  if (failures == 0) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << failures << " gradient element(s) differ:" << report.str();
}

}  // namespace tandem::testing
