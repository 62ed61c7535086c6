// Recurrent cells on the tape: one node per GRU or LSTM step (a GEMM plus the fused kernel).
#include "autodiff/op_support.h"
#include "autodiff/ops.h"
#include "kernels/cpu/elementwise.h"
#include "kernels/cpu/gemm.h"
#include "kernels/cpu/gru_cell.h"
#include "kernels/cpu/lstm_cell.h"

namespace tandem::ops {

using namespace detail;

namespace {

// The recurrent product's backward, shared by both cells: from dgates (B, G·H),
// dW_hh += dgatesᵀ·h and dh += dgates·W_hh.
void recurrent_gemm_backward(Graph& g, const Node& node, int h_input, int w_input,
                             const float* dgates) {
  const Tensor& h = input_value(g, node, h_input);
  const Tensor& w = input_value(g, node, w_input);
  const int64_t B = h.dim(0), H = h.dim(1), G = w.dim(0);
  if (float* dw = input_grad(g, node, w_input))
    kernels::gemm(true, false, G, H, B, 1.0f, dgates, h.data(), 1.0f, dw);
  if (float* dh = input_grad(g, node, h_input))
    gemm_weight(g, node.in[w_input], false, false, B, H, G, 1.0f, dgates, G, 1.0f, dh, H);
}

// Inputs: xg, h, W_hh, b_hh. Saved: (r, z, n, hg_n).
void gru_cell_backward(Graph& g, const Node& node) {
  const Tensor& h = input_value(g, node, 1);
  const int64_t B = h.dim(0), H = h.dim(1);
  float* dhg = g.scratch(B * 3 * H);
  kernels::gru_cell_backward(B, H, h.data(), node.saved[0].data(), output_grad(g, node).data(), dhg,
                             input_grad(g, node, 0), input_grad(g, node, 1));
  if (float* db = input_grad(g, node, 3)) kernels::sum_rows_accumulate(B, 3 * H, dhg, db);
  recurrent_gemm_backward(g, node, 1, 2, dhg);
}

// Inputs: xg, h, c, W_hh. Outputs: h', c'. Saved: the gates (i, f, g, o), in xg's storage.
void lstm_cell_backward(Graph& g, const Node& node) {
  const Tensor& h = input_value(g, node, 1);
  const int64_t B = h.dim(0), H = h.dim(1);
  const Tensor& dh = output_grad(g, node, 0);
  const Tensor& dc = output_grad(g, node, 1);
  // The gates (xg's storage, lstm_cell's contract) turn into dgates in place and become xg's
  // gradient when it has none yet; otherwise dgates are added into the one it has.
  const Tensor& gates = node.saved[0];
  float* dxg = g.adopt_grad(node.in[0], gates) ? nullptr : input_grad(g, node, 0);
  float* dgates = gates.data();
  kernels::lstm_cell_backward(B, H, input_value(g, node, 2).data(), g.value(node.out[1]).data(),
                              gates.data(), dh.data(), dc.data(), dgates, dxg,
                              input_grad(g, node, 2));
  recurrent_gemm_backward(g, node, 1, 3, dgates);
}

void check_cell(Var xg, Var h, Var w_hh, int gates, const char* op) {
  const Shape &sx = xg.shape(), &sh = h.shape(), &sw = w_hh.shape();
  check_shape(sh.rank() == 2, op, [&] { return "h must be (B, H), got " + sh.to_string(); });
  const int64_t B = sh[0], H = sh[1];
  check_shape(sx == Shape{B, gates * H}, op, [&] {
    return "xg " + sx.to_string() + " should be " + Shape{B, gates * H}.to_string();
  });
  check_shape(sw == Shape{gates * H, H}, op, [&] {
    return "W_hh " + sw.to_string() + " should be " + Shape{gates * H, H}.to_string();
  });
}

}  // namespace

Var gru_cell(Var xg, Var h, Var w_hh, Var b_hh) {
  Graph& g = graph_of({xg, h, w_hh, b_hh}, "gru_cell");
  check_cell(xg, h, w_hh, 3, "gru_cell");
  const int64_t B = h.shape()[0], H = h.shape()[1];
  check_shape(b_hh.shape() == Shape{3 * H}, "gru_cell", [&] {
    return "b_hh " + b_hh.shape().to_string() + " should be [" + std::to_string(3 * H) + "]";
  });
  float* hg = g.scratch(B * 3 * H);
  kernels::broadcast_rows(B, 3 * H, b_hh.value().data(), hg);
  gemm_weight(g, w_hh.id, false, true, B, 3 * H, H, 1.0f, h.value().data(), H, 1.0f, hg, 3 * H);
  const bool needs = g.recording() && (xg.requires_grad() || h.requires_grad() ||
                                       w_hh.requires_grad() || b_hh.requires_grad());
  Tensor saved = needs ? g.new_tensor({B, 4 * H}) : Tensor();
  Tensor h_next = g.new_tensor({B, H});
  kernels::gru_cell_forward(B, H, xg.value().data(), hg, h.value().data(), h_next.data(),
                            needs ? saved.data() : nullptr);
  Node node;
  node.backward = gru_cell_backward;
  node.saved[0] = saved;
  return emit(g, h_next, {xg, h, w_hh, b_hh}, node);
}

LstmState lstm_cell(Var xg, Var h, Var c, Var w_hh) {
  Graph& g = graph_of({xg, h, c, w_hh}, "lstm_cell");
  check_cell(xg, h, w_hh, 4, "lstm_cell");
  const int64_t B = h.shape()[0], H = h.shape()[1];
  check_shape(c.shape() == h.shape(), "lstm_cell", [&] {
    return "c " + c.shape().to_string() + " should match h " + h.shape().to_string();
  });
  float* hg = g.scratch(B * 4 * H);
  gemm_weight(g, w_hh.id, false, true, B, 4 * H, H, 1.0f, h.value().data(), H, 0.0f, hg, 4 * H);
  const bool needs = g.recording() && (xg.requires_grad() || h.requires_grad() ||
                                       c.requires_grad() || w_hh.requires_grad());
  if (needs) consume_check(g, xg, "lstm_cell");  // its storage becomes the saved gates
  const Tensor saved = needs ? xg.value() : Tensor();
  Tensor h_next = g.new_tensor({B, H});
  Tensor c_next = g.new_tensor({B, H});
  kernels::lstm_cell_forward(B, H, xg.value().data(), hg, c.value().data(), h_next.data(),
                             c_next.data(), needs ? saved.data() : nullptr);
  Var out_h = g.add_value(h_next, needs);
  Var out_c = g.add_value(c_next, needs);
  if (needs) {
    Node node;
    node.backward = lstm_cell_backward;
    node.saved[0] = saved;
    node.in = {xg.id, h.id, c.id, w_hh.id};
    node.num_in = 4;
    node.out = {out_h.id, out_c.id};
    node.num_out = 2;
    g.record(node);
  }
  return {out_h, out_c};
}

}  // namespace tandem::ops
