// Matrix products on the tape: matmul and linear (x·Wᵀ + b), each one GEMM forward.
#include "autodiff/op_support.h"
#include "autodiff/ops.h"
#include "kernels/cpu/elementwise.h"
#include "kernels/cpu/gemm.h"

namespace tandem::ops {

using namespace detail;

namespace {

// C = op(A)·op(B) with A stored (ra, ca), B stored (rb, cb).
void matmul_backward(Graph& g, const Node& node) {
  const bool ta = node.i[0], tb = node.i[1];
  const Tensor& a = input_value(g, node, 0);
  const Tensor& b = input_value(g, node, 1);
  const Tensor& dc = output_grad(g, node);
  const int64_t m = dc.dim(0), n = dc.dim(1), k = ta ? a.dim(0) : a.dim(1);
  if (float* da = input_grad(g, node, 0)) {
    // dop(A) = dC·op(B)ᵀ (m×k); A = op(A) or its transpose.
    if (!ta)
      gemm_weight(g, node.in[1], false, !tb, m, k, n, 1.0f, dc.data(), n, 1.0f, da, k);
    else  // dA = (dC·op(B)ᵀ)ᵀ = op(B)·dCᵀ (k×m)
      kernels::gemm(tb, true, k, m, n, 1.0f, b.data(), b.dim(1), dc.data(), n, 1.0f, da, m);
  }
  if (float* db = input_grad(g, node, 1)) {
    // dop(B) = op(A)ᵀ·dC (k×n).
    if (!tb)
      kernels::gemm(!ta, false, k, n, m, 1.0f, a.data(), a.dim(1), dc.data(), n, 1.0f, db, n);
    else  // dB = dCᵀ·op(A) (n×k)
      kernels::gemm(true, ta, n, k, m, 1.0f, dc.data(), n, a.data(), a.dim(1), 1.0f, db, k);
  }
}

void linear_backward(Graph& g, const Node& node) {
  const Tensor& x = input_value(g, node, 0);
  const Tensor& w = input_value(g, node, 1);
  const Tensor& dy = output_grad(g, node);
  const int64_t rows = x.rows(), in = w.dim(1), out = w.dim(0);
  if (float* dx = input_grad(g, node, 0))
    gemm_weight(g, node.in[1], false, false, rows, in, out, 1.0f, dy.data(), out, 1.0f, dx, in);
  if (float* dw = input_grad(g, node, 1))
    kernels::gemm(true, false, out, in, rows, 1.0f, dy.data(), x.data(), 1.0f, dw);
  if (node.num_in > 2)
    if (float* db = input_grad(g, node, 2)) kernels::sum_rows_accumulate(rows, out, dy.data(), db);
}

// Inputs: the parts (node.i[0] of them), W, bias (or −1). Part k meets W's columns from the
// sum of the widths before it.
void linear_parts_backward(Graph& g, const Node& node) {
  const int parts = static_cast<int>(node.i[0]);
  const Tensor& w = input_value(g, node, parts);
  const Tensor& dy = output_grad(g, node);
  const int64_t rows = dy.rows(), in = w.dim(1), out = w.dim(0);
  int64_t begin = 0;
  for (int k = 0; k < parts; ++k) {
    const Tensor& x = input_value(g, node, k);
    const int64_t width = x.cols(), end = begin + width;
    if (float* dx = input_grad(g, node, k))  // dx = dY·W[:, begin:end]
      gemm_weight_columns(g, node.in[parts], false, begin, end, rows, 1.0f, dy.data(), out, 1.0f,
                          dx, width);
    if (float* dw = input_grad(g, node, parts))  // dW[:, begin:end] += dYᵀ·x
      kernels::gemm(true, false, out, width, rows, 1.0f, dy.data(), out, x.data(), width, 1.0f,
                    dw + begin, in);
    begin = end;
  }
  if (float* db = input_grad(g, node, parts + 1))
    kernels::sum_rows_accumulate(rows, out, dy.data(), db);
}

}  // namespace

Var matmul(Var a, Var b, bool trans_a, bool trans_b) {
  Graph& g = graph_of({a, b}, "matmul");
  const Shape &sa = a.shape(), &sb = b.shape();
  check_shape(sa.rank() == 2 && sb.rank() == 2, "matmul", [&] {
    return "needs 2-D operands, got " + sa.to_string() + " and " + sb.to_string();
  });
  const int64_t m = trans_a ? sa[1] : sa[0], k = trans_a ? sa[0] : sa[1];
  const int64_t kb = trans_b ? sb[1] : sb[0], n = trans_b ? sb[0] : sb[1];
  check_shape(k == kb, "matmul",
              [&] { return "inner sizes differ: " + sa.to_string() + " and " + sb.to_string(); });
  Tensor c = g.new_tensor({m, n});
  gemm_weight(g, b.id, trans_a, trans_b, m, n, k, 1.0f, a.value().data(), sa[1], 0.0f, c.data(), n);
  Node node;
  node.backward = matmul_backward;
  node.i = {trans_a, trans_b, 0, 0};
  return emit(g, c, {a, b}, node);
}

Var linear(Var x, Var weight, Var bias) {
  Graph& g = graph_of({x, weight, bias}, "linear");
  const Shape& sx = x.shape();
  const Shape& sw = weight.shape();
  check_shape(sw.rank() == 2 && sx.rank() >= 1 && sx.cols() == sw[1], "linear", [&] {
    return "input " + sx.to_string() + " does not match weight " + sw.to_string() +
           " (expected (…, in) and (out, in))";
  });
  const int64_t rows = sx.rows(), in = sw[1], out = sw[0];
  Tensor y = g.new_tensor(sx.with_last(out));
  float beta = 0.0f;
  if (bias.defined()) {
    check_shape(bias.shape() == Shape{out}, "linear", [&] {
      return "bias " + bias.shape().to_string() + " should be [" + std::to_string(out) + "]";
    });
    kernels::broadcast_rows(rows, out, bias.value().data(), y.data());
    beta = 1.0f;
  }
  gemm_weight(g, weight.id, false, true, rows, out, in, 1.0f, x.value().data(), in, beta, y.data(),
              out);
  Node node;
  node.backward = linear_backward;
  if (bias.defined()) return emit(g, y, {x, weight, bias}, node);
  return emit(g, y, {x, weight}, node);
}

Var linear_parts(std::span<const Var> parts, Var weight, Var bias) {
  check_shape(!parts.empty() && parts.size() <= Node::kMaxInputs - 2, "linear_parts", [&] {
    return "needs 1 to " + std::to_string(Node::kMaxInputs - 2) + " parts, got " +
           std::to_string(parts.size());
  });
  Graph& g = graph_of({parts[0], weight, bias}, "linear_parts");
  const Shape& sw = weight.shape();
  const int64_t rows = parts[0].shape().rows();
  int64_t in = 0;
  for (const Var& x : parts) {
    check_shape(x.graph == &g && x.shape().rank() == 2 && x.shape()[0] == rows, "linear_parts",
                [&] {
                  return "parts must be (rows, n) with the same rows, got " +
                         x.shape().to_string() + " and " + parts[0].shape().to_string();
                });
    in += x.shape()[1];
  }
  check_shape(sw.rank() == 2 && sw[1] == in, "linear_parts", [&] {
    return "the parts' widths add up to " + std::to_string(in) + ", the weight is " +
           sw.to_string() + " (expected (out, in))";
  });
  const int64_t out = sw[0];
  check_shape(!bias.defined() || bias.shape() == Shape{out}, "linear_parts", [&] {
    return "bias " + bias.shape().to_string() + " should be [" + std::to_string(out) + "]";
  });
  Tensor y = g.new_tensor({rows, out});
  if (bias.defined())
    kernels::broadcast_rows(rows, out, bias.value().data(), y.data());
  else
    y.fill(0.0f);
  int64_t begin = 0;
  for (const Var& x : parts) {  // y += x·W[:, begin:end]ᵀ
    const int64_t width = x.shape()[1], end = begin + width;
    gemm_weight_columns(g, weight.id, true, begin, end, rows, 1.0f, x.value().data(), width, 1.0f,
                        y.data(), out);
    begin = end;
  }
  Var inputs[Node::kMaxInputs];
  std::copy(parts.begin(), parts.end(), inputs);
  inputs[parts.size()] = weight;
  inputs[parts.size() + 1] = bias;
  Node node;
  node.backward = linear_parts_backward;
  node.i[0] = static_cast<int64_t>(parts.size());
  return emit(g, y, std::span<const Var>(inputs, parts.size() + 2), node);
}

}  // namespace tandem::ops
