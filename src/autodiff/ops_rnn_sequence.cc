// A whole LSTM or GRU layer-direction as one node: the time loop in the forward and in the
// backward.
#include <algorithm>
#include <cstring>

#include "autodiff/op_support.h"
#include "autodiff/ops.h"
#include "kernels/cpu/elementwise.h"
#include "kernels/cpu/gemm.h"
#include "kernels/cpu/gru_cell.h"
#include "kernels/cpu/lstm_cell.h"

namespace tandem::ops {

using namespace detail;

namespace {

// The order the forward visits the steps: step k of the loop is time t.
int64_t time_of(int64_t k, int64_t T, bool reverse) { return reverse ? T - 1 - k : k; }

// Row b is padding at time t (its state passes through unchanged).
bool padded(const int32_t* lengths, int64_t b, int64_t t) {
  return lengths != nullptr && t >= lengths[b];
}

// Node: in (xg, W_hh), out (outputs, last_c); saved[0] the gates (T, B, 4H) — xg's own
// storage, which the backward turns into xg's gradient —, saved[1] every step's cell state (T, B,
// H); ids the lengths or nullptr; i[0] = reverse.
void lstm_sequence_backward(Graph& g, const Node& node) {
  const Tensor& gates = node.saved[0];
  const Tensor& cells = node.saved[1];
  const Tensor& outputs = g.value(node.out[0]);
  const int64_t T = gates.dim(0), B = gates.dim(1), H = cells.dim(2), G = 4 * H;
  const bool reverse = node.i[0] != 0;
  const int32_t* lengths = node.ids;
  const float* d_outputs = output_grad(g, node, 0).data();  // (T, B, H), or null
  const float* d_last_c = output_grad(g, node, 1).data();   // (B, H), or null
  // Each step's dgates replace the gates they were made from, so the gates' storage — xg's,
  // which has no other reader (lstm_sequence's contract) — becomes xg's gradient: no second
  // (T, B, 4H) buffer (35 MiB per direction at the base configuration's longest batch).
  float* dgates = gates.data();
  const float* zero = g.new_zeros({B, H}).data();
  float* dh = g.new_zeros({B, H}).data();
  float* dh_prev = g.new_tensor({B, H}).data();
  float* dc = g.new_zeros({B, H}).data();
  float* dc_prev = g.new_tensor({B, H}).data();
  if (d_last_c) std::memcpy(dc, d_last_c, sizeof(float) * B * H);
  for (int64_t k = T - 1; k >= 0; --k) {
    const int64_t t = time_of(k, T, reverse);
    const float* c_prev = k > 0 ? cells[time_of(k - 1, T, reverse)].data() : zero;
    if (d_outputs)
      for (int64_t j = 0; j < B * H; ++j) dh[j] += d_outputs[t * B * H + j];
    float* dg = dgates + t * B * G;
    std::memset(dc_prev, 0, sizeof(float) * B * H);
    kernels::lstm_cell_backward(B, H, c_prev, cells[t].data(), dg, dh, dc, dg, nullptr, dc_prev);
    // Padding: no gate saw this row, and its state's gradient passes through to the step before.
    for (int64_t b = 0; b < B; ++b)
      if (padded(lengths, b, t)) {
        std::memset(dg + b * G, 0, sizeof(float) * G);
        std::memcpy(dc_prev + b * H, dc + b * H, sizeof(float) * H);
      }
    if (k > 0) {  // the initial state is a constant zero: no gradient to pass on
      gemm_weight(g, node.in[1], false, false, B, H, G, 1.0f, dg, G, 0.0f, dh_prev, H);
      for (int64_t b = 0; b < B; ++b)
        if (padded(lengths, b, t)) std::memcpy(dh_prev + b * H, dh + b * H, sizeof(float) * H);
    }
    std::swap(dh, dh_prev);
    std::swap(dc, dc_prev);
  }
  if (!g.adopt_grad(node.in[0], gates))
    if (float* dxg = input_grad(g, node, 0)) kernels::accumulate(gates.numel(), dgates, dxg);
  // dW_hh = Σ_t dgates_tᵀ·h_(t−1) as one product over every step but the first (whose h is
  // zero): the steps' h are the outputs one step earlier in the loop's order, a contiguous
  // block. Padding rows contribute nothing: their dgates are zero.
  if (float* dw = input_grad(g, node, 1); dw != nullptr && T > 1) {
    const float* later_dgates = dgates + (reverse ? 0 : B * G);
    const float* earlier_h = outputs.data() + (reverse ? B * H : 0);
    kernels::gemm(true, false, G, H, (T - 1) * B, 1.0f, later_dgates, G, earlier_h, H, 1.0f, dw, H);
  }
}

// Node: in (xg, W_hh, b_hh), out (outputs); saved[0] every step's (r, z, n, hg_n) (T, B, 4H);
// ids the lengths or nullptr; i[0] = reverse.
void gru_sequence_backward(Graph& g, const Node& node) {
  const Tensor& saved = node.saved[0];
  const Tensor& outputs = g.value(node.out[0]);
  const int64_t T = saved.dim(0), B = saved.dim(1), H = outputs.dim(2), G = 3 * H;
  const bool reverse = node.i[0] != 0;
  const int32_t* lengths = node.ids;
  const float* d_outputs = output_grad(g, node, 0).data();  // (T, B, H), or null
  float* dxg = input_grad(g, node, 0);
  // Every step's dhg, kept for dW_hh and db_hh as one product and one sum over all steps.
  Tensor dhg = g.new_tensor({T, B, G});
  const float* zero = g.new_zeros({B, H}).data();
  float* dh = g.new_zeros({B, H}).data();
  float* dh_prev = g.new_tensor({B, H}).data();
  float* passed = g.new_tensor({B, H}).data();  // padding rows' dh, which skips the step
  for (int64_t k = T - 1; k >= 0; --k) {
    const int64_t t = time_of(k, T, reverse);
    const float* h_prev = k > 0 ? outputs[time_of(k - 1, T, reverse)].data() : zero;
    if (d_outputs)
      for (int64_t j = 0; j < B * H; ++j) dh[j] += d_outputs[t * B * H + j];
    // Padding: the row's state went through the step unchanged, so its gradient does too, and
    // the step's gates get none (a zero dh gives zero dhg and dxg in the kernel).
    for (int64_t b = 0; b < B; ++b)
      if (padded(lengths, b, t)) {
        std::memcpy(passed + b * H, dh + b * H, sizeof(float) * H);
        std::memset(dh + b * H, 0, sizeof(float) * H);
      }
    float* dg = dhg[t].data();
    std::memset(dh_prev, 0, sizeof(float) * B * H);
    kernels::gru_cell_backward(B, H, h_prev, saved[t].data(), dh, dg,
                               dxg != nullptr ? dxg + t * B * G : nullptr, dh_prev);
    if (k > 0) {  // the initial state is a constant zero: no gradient to pass on
      gemm_weight(g, node.in[1], false, false, B, H, G, 1.0f, dg, G, 1.0f, dh_prev, H);
      for (int64_t b = 0; b < B; ++b)
        if (padded(lengths, b, t)) std::memcpy(dh_prev + b * H, passed + b * H, sizeof(float) * H);
    }
    std::swap(dh, dh_prev);
  }
  if (float* db = input_grad(g, node, 2)) kernels::sum_rows_accumulate(T * B, G, dhg.data(), db);
  // dW_hh = Σ_t dhg_tᵀ·h_(t−1), as in lstm_sequence_backward.
  if (float* dw = input_grad(g, node, 1); dw != nullptr && T > 1) {
    const float* later_dhg = dhg.data() + (reverse ? 0 : B * G);
    const float* earlier_h = outputs.data() + (reverse ? B * H : 0);
    kernels::gemm(true, false, G, H, (T - 1) * B, 1.0f, later_dhg, G, earlier_h, H, 1.0f, dw, H);
  }
}

// The lengths clamped to [0, T] in the arena, or nullptr for none.
const int32_t* copy_lengths(Graph& g, std::span<const int64_t> lengths, int64_t T) {
  if (lengths.empty()) return nullptr;
  int32_t* copy = g.arena().allocate_ints(static_cast<int64_t>(lengths.size()));
  for (size_t b = 0; b < lengths.size(); ++b)
    copy[b] = static_cast<int32_t>(std::clamp<int64_t>(lengths[b], 0, T));
  return copy;
}

// Checks xg (T ≥ 1, B, G·H), W_hh (G·H, H) and the lengths; returns H.
int64_t check_sequence(Var xg, Var w_hh, std::span<const int64_t> lengths, int64_t gates,
                       const char* op) {
  const Shape& sx = xg.shape();
  check_shape(sx.rank() == 3 && sx[0] >= 1, op, [&] {
    return "xg must be (T, B, " + std::to_string(gates) + "H) with T ≥ 1, got " + sx.to_string();
  });
  const int64_t B = sx[1], G = sx[2], H = G / gates;
  check_shape(G % gates == 0 && w_hh.shape() == Shape{G, H}, op, [&] {
    return "W_hh " + w_hh.shape().to_string() + " should be " + Shape{G, H}.to_string() +
           " for xg " + sx.to_string();
  });
  check_shape(lengths.empty() || static_cast<int64_t>(lengths.size()) == B, op, [&] {
    return std::to_string(lengths.size()) + " lengths for a batch of " + std::to_string(B);
  });
  return H;
}

}  // namespace

Var gru_sequence(Var xg, Var w_hh, Var b_hh, std::span<const int64_t> lengths, bool reverse) {
  Graph& g = graph_of({xg, w_hh, b_hh}, "gru_sequence");
  const int64_t H = check_sequence(xg, w_hh, lengths, 3, "gru_sequence");
  const int64_t T = xg.shape()[0], B = xg.shape()[1], G = 3 * H;
  check_shape(b_hh.shape() == Shape{G}, "gru_sequence", [&] {
    return "b_hh " + b_hh.shape().to_string() + " should be [" + std::to_string(G) + "]";
  });
  const bool needs =
      g.recording() && (xg.requires_grad() || w_hh.requires_grad() || b_hh.requires_grad());
  const int32_t* row_lengths = copy_lengths(g, lengths, T);
  Tensor outputs = g.new_tensor({T, B, H});
  Tensor saved = needs ? g.new_tensor({T, B, 4 * H}) : Tensor();
  const float* zero = g.new_zeros({B, H}).data();
  float* hg = g.scratch(B * G);
  for (int64_t k = 0; k < T; ++k) {
    const int64_t t = time_of(k, T, reverse);
    const float* h_prev = k > 0 ? outputs[time_of(k - 1, T, reverse)].data() : zero;
    kernels::broadcast_rows(B, G, b_hh.value().data(), hg);
    if (k > 0)  // the initial state is zero: hg is the bias alone
      gemm_weight(g, w_hh.id, false, true, B, G, H, 1.0f, h_prev, H, 1.0f, hg, G);
    kernels::gru_cell_forward(B, H, xg.value()[t].data(), hg, h_prev, outputs[t].data(),
                              needs ? saved[t].data() : nullptr);
    for (int64_t b = 0; b < B; ++b)
      if (padded(row_lengths, b, t))
        std::memcpy(outputs[t].data() + b * H, h_prev + b * H, sizeof(float) * H);
  }
  Var result = g.add_value(outputs, needs);
  if (needs) {
    Node node;
    node.backward = gru_sequence_backward;
    node.in = {xg.id, w_hh.id, b_hh.id};
    node.num_in = 3;
    node.out = {result.id, -1};
    node.num_out = 1;
    node.saved[0] = saved;
    node.ids = row_lengths;
    node.i[0] = reverse ? 1 : 0;
    g.record(node);
  }
  return result;
}

LstmSequence lstm_sequence(Var xg, Var w_hh, std::span<const int64_t> lengths, bool reverse) {
  Graph& g = graph_of({xg, w_hh}, "lstm_sequence");
  const int64_t H = check_sequence(xg, w_hh, lengths, 4, "lstm_sequence");
  const int64_t T = xg.shape()[0], B = xg.shape()[1], G = 4 * H;
  const bool needs = g.recording() && (xg.requires_grad() || w_hh.requires_grad());
  if (needs) consume_check(g, xg, "lstm_sequence");
  const int32_t* row_lengths = copy_lengths(g, lengths, T);
  const Tensor& gates = xg.value();  // becomes the saved gates, step by step
  Tensor outputs = g.new_tensor({T, B, H});
  Tensor cells = g.new_tensor({T, B, H});
  const float* zero = g.new_zeros({B, H}).data();
  float* hg = g.scratch(B * G);
  for (int64_t k = 0; k < T; ++k) {
    const int64_t t = time_of(k, T, reverse);
    const float* h_prev = k > 0 ? outputs[time_of(k - 1, T, reverse)].data() : zero;
    const float* c_prev = k > 0 ? cells[time_of(k - 1, T, reverse)].data() : zero;
    if (k > 0)
      gemm_weight(g, w_hh.id, false, true, B, G, H, 1.0f, h_prev, H, 0.0f, hg, G);
    else  // the initial state is zero
      std::memset(hg, 0, sizeof(float) * B * G);
    float* x = gates[t].data();
    kernels::lstm_cell_forward(B, H, x, hg, c_prev, outputs[t].data(), cells[t].data(),
                               needs ? x : nullptr);
    for (int64_t b = 0; b < B; ++b)
      if (padded(row_lengths, b, t)) {
        std::memcpy(outputs[t].data() + b * H, h_prev + b * H, sizeof(float) * H);
        std::memcpy(cells[t].data() + b * H, c_prev + b * H, sizeof(float) * H);
      }
  }
  Tensor last_c = g.new_tensor({B, H});
  last_c.copy_from(cells[time_of(T - 1, T, reverse)]);
  LstmSequence result{g.add_value(outputs, needs), g.add_value(last_c, needs)};
  if (needs) {
    Node node;
    node.backward = lstm_sequence_backward;
    node.in = {xg.id, w_hh.id};
    node.num_in = 2;
    node.out = {result.outputs.id, result.last_c.id};
    node.num_out = 2;
    node.saved[0] = gates;
    node.saved[1] = cells;
    node.ids = row_lengths;
    node.i[0] = reverse ? 1 : 0;
    g.record(node);
  }
  return result;
}

}  // namespace tandem::ops
