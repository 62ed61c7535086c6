// Normalising and regularising ops on the tape: masked softmax, layer norm, dropout.
#include "autodiff/op_support.h"
#include "autodiff/ops.h"
#include "kernels/cpu/dropout.h"
#include "kernels/cpu/elementwise.h"
#include "kernels/cpu/layer_norm.h"
#include "kernels/cpu/softmax.h"

namespace tandem::ops {

using namespace detail;

namespace {

void masked_softmax_backward(Graph& g, const Node& node) {
  const Tensor& dy = output_grad(g, node);
  const Tensor& y = node.saved[0];
  if (float* dx = input_grad(g, node, 0))
    kernels::masked_softmax_backward(y.rows(), y.cols(), y.data(), dy.data(), dx);
}

void log_softmax_backward(Graph& g, const Node& node) {
  const Tensor& y = node.saved[0];
  if (float* dx = input_grad(g, node, 0))
    kernels::log_softmax_backward(y.rows(), y.cols(), y.data(), output_grad(g, node).data(), dx);
}

void layer_norm_backward(Graph& g, const Node& node) {
  const Tensor& x = input_value(g, node, 0);
  const Tensor& dy = output_grad(g, node);
  kernels::layer_norm_backward(x.rows(), x.cols(), x.data(), input_value(g, node, 1).data(),
                               node.saved[0].data(), node.saved[1].data(), dy.data(),
                               input_grad(g, node, 0), input_grad(g, node, 1),
                               input_grad(g, node, 2));
}

void dropout_backward(Graph& g, const Node& node) {
  const Tensor& dy = output_grad(g, node);
  if (g.adopt_grad(node.in[0], dy)) {  // dx = dy ⊙ mask in dy's own buffer
    kernels::mul(dy.numel(), dy.data(), node.saved[0].data(), dy.data());
    g.lend_output_grad(node.out[0]);
  } else if (float* dx = input_grad(g, node, 0)) {
    kernels::mul_accumulate(dy.numel(), dy.data(), node.saved[0].data(), dx);
  }
}

}  // namespace

Var masked_softmax(Var x, const Tensor& mask) {
  Graph& g = graph_of({x}, "masked_softmax");
  if (mask.defined())
    check_shape(mask.numel() == x.value().numel(), "masked_softmax", [&] {
      return "mask " + mask.shape().to_string() + " does not match " + x.shape().to_string();
    });
  Tensor y = g.new_tensor(x.shape());
  kernels::masked_softmax_forward(y.rows(), y.cols(), x.value().data(),
                                  mask.defined() ? mask.data() : nullptr, y.data());
  Node node;
  node.backward = masked_softmax_backward;
  node.saved[0] = y;
  return emit(g, y, {x}, node);
}

Var log_softmax(Var x) {
  Graph& g = graph_of({x}, "log_softmax");
  Tensor y = g.new_tensor(x.shape());
  kernels::log_softmax_forward(y.rows(), y.cols(), x.value().data(), y.data());
  Node node;
  node.backward = log_softmax_backward;
  node.saved[0] = y;
  return emit(g, y, {x}, node);
}

Var layer_norm(Var x, Var gamma, Var beta, float eps) {
  Graph& g = graph_of({x, gamma, beta}, "layer_norm");
  const Shape n{x.shape().cols()};
  check_shape(gamma.shape() == n && beta.shape() == n, "layer_norm", [&] {
    return "gamma " + gamma.shape().to_string() + " and beta " + beta.shape().to_string() +
           " must both be " + n.to_string();
  });
  Tensor y = g.new_tensor(x.shape());
  Tensor mean = g.new_tensor({y.rows()});
  Tensor rstd = g.new_tensor({y.rows()});
  kernels::layer_norm_forward(y.rows(), y.cols(), x.value().data(), gamma.value().data(),
                              beta.value().data(), eps, y.data(), mean.data(), rstd.data());
  Node node;
  node.backward = layer_norm_backward;
  node.saved = {mean, rstd, Tensor()};
  return emit(g, y, {x, gamma, beta}, node);
}

Var dropout(Var x, float p, Rng& rng) {
  Graph& g = graph_of({x}, "dropout");
  check_shape(p >= 0.0f && p < 1.0f, "dropout",
              [&] { return "probability must be in [0, 1), got " + std::to_string(p); });
  if (p == 0.0f) return x;
  Tensor mask = g.new_tensor(x.shape());
  kernels::dropout_mask(mask.numel(), p, rng, mask.data());
  Tensor y = g.new_tensor(x.shape());
  kernels::dropout_apply(y.numel(), x.value().data(), mask.data(), y.data());
  Node node;
  node.backward = dropout_backward;
  node.saved[0] = mask;
  return emit(g, y, {x}, node);
}

}  // namespace tandem::ops
