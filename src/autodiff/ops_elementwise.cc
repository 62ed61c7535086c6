// Element-wise ops on the tape: arithmetic, bias broadcast and activations.
#include "autodiff/op_support.h"
#include "autodiff/ops.h"
#include "kernels/cpu/elementwise.h"

namespace tandem::ops {

using namespace detail;

namespace {

void check_same_shape(Var a, Var b, const char* op) {
  check_shape(a.shape() == b.shape(), op, [&] {
    return "shapes differ: " + a.shape().to_string() + " and " + b.shape().to_string();
  });
}

void add_backward(Graph& g, const Node& node) {
  const Tensor& dy = output_grad(g, node);
  const float sign_b = node.f[0];  // +1 for add, −1 for sub
  if (float* da = input_grad(g, node, 0)) kernels::accumulate(dy.numel(), dy.data(), da);
  if (float* db = input_grad(g, node, 1))
    kernels::scale_accumulate(dy.numel(), sign_b, dy.data(), db);
}

void mul_backward(Graph& g, const Node& node) {
  const Tensor& dy = output_grad(g, node);
  const Tensor& a = input_value(g, node, 0);
  const Tensor& b = input_value(g, node, 1);
  if (float* da = input_grad(g, node, 0))
    kernels::mul_accumulate(dy.numel(), dy.data(), b.data(), da);
  if (float* db = input_grad(g, node, 1))
    kernels::mul_accumulate(dy.numel(), dy.data(), a.data(), db);
}

void scale_backward(Graph& g, const Node& node) {
  const Tensor& dy = output_grad(g, node);
  if (float* dx = input_grad(g, node, 0))
    kernels::scale_accumulate(dy.numel(), node.f[0], dy.data(), dx);
}

void add_bias_backward(Graph& g, const Node& node) {
  const Tensor& dy = output_grad(g, node);
  if (float* dx = input_grad(g, node, 0)) kernels::accumulate(dy.numel(), dy.data(), dx);
  if (float* db = input_grad(g, node, 1))
    kernels::sum_rows_accumulate(dy.rows(), dy.cols(), dy.data(), db);
}

// Activations save their output: each backward is a function of y alone.
template <void (*Backward)(int64_t, const float*, const float*, float*)>
void activation_backward(Graph& g, const Node& node) {
  const Tensor& dy = output_grad(g, node);
  if (float* dx = input_grad(g, node, 0)) Backward(dy.numel(), node.saved[0].data(), dy.data(), dx);
}

template <void (*Forward)(int64_t, const float*, float*),
          void (*Backward)(int64_t, const float*, const float*, float*)>
Var activation(Var x, const char* name) {
  Graph& g = graph_of({x}, name);
  Tensor y = g.new_tensor(x.shape());
  Forward(y.numel(), x.value().data(), y.data());
  Node node;
  node.backward = activation_backward<Backward>;
  node.saved[0] = y;
  return emit(g, y, {x}, node);
}

Var add_or_sub(Var a, Var b, float sign_b, const char* name) {
  Graph& g = graph_of({a, b}, name);
  check_same_shape(a, b, name);
  Tensor y = g.new_tensor(a.shape());
  (sign_b > 0 ? kernels::add : kernels::sub)(y.numel(), a.value().data(), b.value().data(),
                                             y.data());
  Node node;
  node.backward = add_backward;
  node.f[0] = sign_b;
  return emit(g, y, {a, b}, node);
}

}  // namespace

Var add(Var a, Var b) { return add_or_sub(a, b, 1.0f, "add"); }
Var sub(Var a, Var b) { return add_or_sub(a, b, -1.0f, "sub"); }

Var mul(Var a, Var b) {
  Graph& g = graph_of({a, b}, "mul");
  check_same_shape(a, b, "mul");
  Tensor y = g.new_tensor(a.shape());
  kernels::mul(y.numel(), a.value().data(), b.value().data(), y.data());
  Node node;
  node.backward = mul_backward;
  return emit(g, y, {a, b}, node);
}

Var scale(Var a, float alpha) {
  Graph& g = graph_of({a}, "scale");
  Tensor y = g.new_tensor(a.shape());
  kernels::scale(y.numel(), alpha, a.value().data(), y.data());
  Node node;
  node.backward = scale_backward;
  node.f[0] = alpha;
  return emit(g, y, {a}, node);
}

Var add_bias(Var x, Var bias) {
  Graph& g = graph_of({x, bias}, "add_bias");
  check_shape(bias.shape() == Shape{x.shape().cols()}, "add_bias", [&] {
    return "bias " + bias.shape().to_string() + " does not match the last axis of " +
           x.shape().to_string();
  });
  Tensor y = g.new_tensor(x.shape());
  kernels::add_row_broadcast(y.rows(), y.cols(), x.value().data(), bias.value().data(), y.data());
  Node node;
  node.backward = add_bias_backward;
  return emit(g, y, {x, bias}, node);
}

Var tanh(Var x) { return activation<kernels::tanh_forward, kernels::tanh_backward>(x, "tanh"); }
Var sigmoid(Var x) {
  return activation<kernels::sigmoid_forward, kernels::sigmoid_backward>(x, "sigmoid");
}
Var relu(Var x) { return activation<kernels::relu_forward, kernels::relu_backward>(x, "relu"); }

}  // namespace tandem::ops
