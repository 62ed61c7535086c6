// Attention scores on the tape: the fused additive (Bahdanau) score kernel, one node per step.
#include "autodiff/op_support.h"
#include "autodiff/ops.h"
#include "kernels/cpu/additive_attention.h"
#include "kernels/cpu/attention_context.h"
#include "kernels/cpu/dot_attention.h"

namespace tandem::ops {

using namespace detail;

namespace {

// Inputs: q (B, A), keys (S, B, A), v (A). Saved: tanh(q + k) (B, S, A), the mask.
void additive_scores_backward(Graph& g, const Node& node) {
  const Tensor& keys = input_value(g, node, 1);
  const int64_t S = keys.dim(0), B = keys.dim(1), A = keys.dim(2);
  const Tensor& mask = node.saved[1];
  kernels::additive_scores_backward(S, B, A, input_value(g, node, 2).data(),
                                    mask.defined() ? mask.data() : nullptr, node.saved[0].data(),
                                    output_grad(g, node).data(), input_grad(g, node, 0),
                                    input_grad(g, node, 1), input_grad(g, node, 2));
}

// Inputs: weights (B, S), values (S, B, D).
void attention_context_backward(Graph& g, const Node& node) {
  const Tensor& values = input_value(g, node, 1);
  kernels::attention_context_backward(
      values.dim(0), values.dim(1), values.dim(2), input_value(g, node, 0).data(), values.data(),
      output_grad(g, node).data(), input_grad(g, node, 0), input_grad(g, node, 1));
}

// Inputs: q (B, D), keys (S, B, D). Saved: the mask.
void dot_scores_backward(Graph& g, const Node& node) {
  const Tensor& keys = input_value(g, node, 1);
  const Tensor& mask = node.saved[0];
  kernels::dot_scores_backward(keys.dim(0), keys.dim(1), keys.dim(2),
                               input_value(g, node, 0).data(), keys.data(),
                               mask.defined() ? mask.data() : nullptr, output_grad(g, node).data(),
                               input_grad(g, node, 0), input_grad(g, node, 1));
}

}  // namespace

Var dot_scores(Var q, Var keys, const Tensor& mask) {
  Graph& g = graph_of({q, keys}, "dot_scores");
  const Shape &sq = q.shape(), &sk = keys.shape();
  check_shape(sk.rank() == 3 && sq == Shape{sk[1], sk[2]}, "dot_scores", [&] {
    return "q " + sq.to_string() + " and keys " + sk.to_string() +
           " should be (B, D) and (S, B, D)";
  });
  if (mask.defined())
    check_shape(mask.numel() == sk[0] * sk[1], "dot_scores", [&] {
      return "mask " + mask.shape().to_string() + " should be " + Shape{sk[1], sk[0]}.to_string();
    });
  Tensor scores = g.new_tensor({sk[1], sk[0]});
  kernels::dot_scores_forward(sk[0], sk[1], sk[2], q.value().data(), keys.value().data(),
                              mask.defined() ? mask.data() : nullptr, scores.data());
  Node node;
  node.backward = dot_scores_backward;
  node.saved[0] = mask;
  return emit(g, scores, {q, keys}, node);
}

Var additive_scores(Var q, Var keys, Var v, const Tensor& mask) {
  Graph& g = graph_of({q, keys, v}, "additive_scores");
  const Shape &sq = q.shape(), &sk = keys.shape();
  check_shape(sk.rank() == 3, "additive_scores",
              [&] { return "keys must be (S, B, A), got " + sk.to_string(); });
  const int64_t S = sk[0], B = sk[1], A = sk[2];
  check_shape(sq == Shape{B, A}, "additive_scores", [&] {
    return "q " + sq.to_string() + " should be " + Shape{B, A}.to_string();
  });
  check_shape(v.shape() == Shape{A}, "additive_scores",
              [&] { return "v " + v.shape().to_string() + " should be " + Shape{A}.to_string(); });
  if (mask.defined())
    check_shape(mask.numel() == B * S, "additive_scores", [&] {
      return "mask " + mask.shape().to_string() + " should be " + Shape{B, S}.to_string();
    });
  const bool needs =
      g.recording() && (q.requires_grad() || keys.requires_grad() || v.requires_grad());
  Tensor saved = needs ? g.new_tensor({B, S, A}) : Tensor();
  Tensor scores = g.new_tensor({B, S});
  kernels::additive_scores_forward(S, B, A, q.value().data(), keys.value().data(), v.value().data(),
                                   mask.defined() ? mask.data() : nullptr, scores.data(),
                                   needs ? saved.data() : nullptr);
  Node node;
  node.backward = additive_scores_backward;
  node.saved = {saved, mask, Tensor()};
  return emit(g, scores, {q, keys, v}, node);
}

Var attention_context(Var weights, Var values) {
  Graph& g = graph_of({weights, values}, "attention_context");
  const Shape &sw = weights.shape(), &sv = values.shape();
  check_shape(sv.rank() == 3 && sw == Shape{sv[1], sv[0]}, "attention_context", [&] {
    return "weights " + sw.to_string() + " and values " + sv.to_string() +
           " should be (B, S) and (S, B, D)";
  });
  Tensor context = g.new_tensor({sv[1], sv[2]});
  kernels::attention_context_forward(sv[0], sv[1], sv[2], weights.value().data(),
                                     values.value().data(), context.data());
  Node node;
  node.backward = attention_context_backward;
  return emit(g, context, {weights, values}, node);
}

}  // namespace tandem::ops
