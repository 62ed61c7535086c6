// Shape ops and reductions on the tape: concat, column slices, reshape, sum and mean.
#include "autodiff/op_support.h"
#include "autodiff/ops.h"
#include "kernels/cpu/concat.h"
#include "kernels/cpu/elementwise.h"
#include "kernels/cpu/reduce.h"

namespace tandem::ops {

using namespace detail;

namespace {

void concat_backward(Graph& g, const Node& node) {
  const Tensor& dy = output_grad(g, node);
  std::array<float*, Node::kMaxInputs> parts{};
  std::array<int64_t, Node::kMaxInputs> cols{};
  for (int k = 0; k < node.num_in; ++k) {
    parts[k] = input_grad(g, node, k);
    cols[k] = input_value(g, node, k).cols();
  }
  kernels::split_last_accumulate(dy.rows(), node.num_in, dy.data(), cols.data(), parts.data());
}

void slice_last_backward(Graph& g, const Node& node) {
  const Tensor& dy = output_grad(g, node);
  if (float* dx = input_grad(g, node, 0))
    kernels::add_into_columns(dy.rows(), dy.cols(), dy.data(), dx, input_value(g, node, 0).cols(),
                              node.i[0]);
}

void reshape_backward(Graph& g, const Node& node) {
  const Tensor& dy = output_grad(g, node);
  if (float* dx = input_grad(g, node, 0)) kernels::accumulate(dy.numel(), dy.data(), dx);
}

void select_backward(Graph& g, const Node& node) {
  const Tensor& dy = output_grad(g, node);
  if (float* dseq = input_grad(g, node, 0))
    kernels::accumulate(dy.numel(), dy.data(), dseq + node.i[0] * dy.numel());
}

// Inputs: any number, their ids kept in the arena (node.ids, node.i[0] of them).
void stack_backward(Graph& g, const Node& node) {
  const Tensor& dy = output_grad(g, node);
  const int64_t part = dy.numel() / node.i[0];
  for (int64_t k = 0; k < node.i[0]; ++k) {
    // A part without a gradient yet takes its slice of dy as one (a decoder's steps: no second
    // (T, B, H) buffer).
    if (g.adopt_grad(node.ids[k], dy[k]))
      g.lend_output_grad(node.out[0]);
    else if (float* dx = g.grad_data(node.ids[k]))
      kernels::accumulate(part, dy.data() + k * part, dx);
  }
}

// Inputs: a, b. Saved: keep.
void blend_rows_backward(Graph& g, const Node& node) {
  const Tensor& dy = output_grad(g, node);
  kernels::blend_rows_backward(dy.rows(), dy.cols(), node.saved[0].data(), dy.data(),
                               input_grad(g, node, 0), input_grad(g, node, 1));
}

void sum_backward(Graph& g, const Node& node) {
  const float dy = output_grad(g, node).item() * node.f[0];  // f[0]: 1, or 1/n for mean
  if (float* dx = input_grad(g, node, 0))
    kernels::broadcast_accumulate(input_value(g, node, 0).numel(), dy, dx);
}

Var reduce(Var x, bool mean, const char* name) {
  Graph& g = graph_of({x}, name);
  const int64_t n = x.value().numel();
  const float factor = mean ? 1.0f / static_cast<float>(std::max<int64_t>(n, 1)) : 1.0f;
  Tensor y = g.new_tensor(Shape{});
  y.data()[0] = static_cast<float>(kernels::sum(n, x.value().data()) * factor);
  Node node;
  node.backward = sum_backward;
  node.f[0] = factor;
  return emit(g, y, {x}, node);
}

}  // namespace

Var concat(std::span<const Var> parts) {
  check_shape(!parts.empty() && parts.size() <= Node::kMaxInputs, "concat", [&] {
    return "takes 1 to " + std::to_string(Node::kMaxInputs) + " parts, got " +
           std::to_string(parts.size());
  });
  Graph& g = graph_of({parts[0]}, "concat");
  const Shape& first = parts[0].shape();
  std::array<const float*, Node::kMaxInputs> data{};
  std::array<int64_t, Node::kMaxInputs> cols{};
  int64_t total = 0;
  for (size_t k = 0; k < parts.size(); ++k) {
    const Shape& s = parts[k].shape();
    check_shape(parts[k].graph == &g, "concat", "inputs belong to different graphs");
    check_shape(s.rank() == first.rank() && s.with_last(1) == first.with_last(1), "concat", [&] {
      return "part " + std::to_string(k) + " has shape " + s.to_string() + ", incompatible with " +
             first.to_string();
    });
    data[k] = parts[k].value().data();
    cols[k] = s.cols();
    total += cols[k];
  }
  Tensor y = g.new_tensor(first.with_last(total));
  kernels::concat_last(y.rows(), static_cast<int>(parts.size()), data.data(), cols.data(),
                       y.data());
  Node node;
  node.backward = concat_backward;
  return emit(g, y, parts, node);
}

Var slice_last(Var x, int64_t begin, int64_t width) {
  Graph& g = graph_of({x}, "slice_last");
  const int64_t cols = x.shape().cols();
  check_shape(begin >= 0 && width >= 0 && begin + width <= cols, "slice_last", [&] {
    return "columns [" + std::to_string(begin) + ", " + std::to_string(begin + width) +
           ") out of range for " + x.shape().to_string();
  });
  Tensor y = g.new_tensor(x.shape().with_last(width));
  kernels::copy_columns(y.rows(), width, x.value().data(), cols, begin, y.data());
  Node node;
  node.backward = slice_last_backward;
  node.i[0] = begin;
  return emit(g, y, {x}, node);
}

Var reshape(Var x, const Shape& shape) {
  Graph& g = graph_of({x}, "reshape");
  Tensor y = x.value().reshape(shape);  // a view: no copy
  Node node;
  node.backward = reshape_backward;
  return emit(g, y, {x}, node);
}

Var select(Var seq, int64_t t) {
  Graph& g = graph_of({seq}, "select");
  check_shape(seq.shape().rank() >= 1 && t >= 0 && t < seq.shape()[0], "select", [&] {
    return "index " + std::to_string(t) + " out of range for " + seq.shape().to_string();
  });
  Node node;
  node.backward = select_backward;
  node.i[0] = t;
  return emit(g, seq.value()[t], {seq}, node);
}

Var stack(std::span<const Var> parts) {
  check_shape(!parts.empty(), "stack", "needs at least one part");
  Graph& g = graph_of({parts[0]}, "stack");
  const Shape& part = parts[0].shape();
  Tensor y = g.new_tensor(part.prepend(static_cast<int64_t>(parts.size())));
  bool needs = false;
  for (size_t k = 0; k < parts.size(); ++k) {
    check_shape(parts[k].graph == &g && parts[k].shape() == part, "stack", [&] {
      return "part " + std::to_string(k) + " has shape " + parts[k].shape().to_string() +
             ", expected " + part.to_string();
    });
    y[static_cast<int64_t>(k)].copy_from(parts[k].value());
    needs |= parts[k].requires_grad();
  }
  Var out = g.add_value(y, needs);
  if (needs) {  // more inputs than Node::in holds: their ids go to the arena
    int32_t* ids = g.arena().allocate_ints(static_cast<int64_t>(parts.size()));
    for (size_t k = 0; k < parts.size(); ++k) ids[k] = parts[k].id;
    Node node;
    node.backward = stack_backward;
    node.ids = ids;
    node.i[0] = static_cast<int64_t>(parts.size());
    node.out[0] = out.id;
    node.num_out = 1;
    g.record(node);
  }
  return out;
}

Var blend_rows(Var a, Var b, const Tensor& keep) {
  Graph& g = graph_of({a, b}, "blend_rows");
  check_shape(a.shape() == b.shape() && keep.numel() == a.value().rows(), "blend_rows", [&] {
    return "a " + a.shape().to_string() + ", b " + b.shape().to_string() + " and keep " +
           keep.shape().to_string() + " do not match";
  });
  Tensor y = g.new_tensor(a.shape());
  kernels::blend_rows(y.rows(), y.cols(), keep.data(), a.value().data(), b.value().data(),
                      y.data());
  Node node;
  node.backward = blend_rows_backward;
  node.saved[0] = keep;
  return emit(g, y, {a, b}, node);
}

Var sum(Var x) { return reduce(x, false, "sum"); }
Var mean(Var x) { return reduce(x, true, "mean"); }

}  // namespace tandem::ops
