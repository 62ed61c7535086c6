// The differentiable ops: each runs its forward kernel now and records one node for backward.
#pragma once

#include <cstdint>
#include <span>

#include "autodiff/graph.h"
#include "tensor/rng.h"

namespace tandem::ops {

// Shapes: "(…, n)" means any leading dimensions, flattened into rows by row-major order.

// ---- products (ops_linear.cc) ----
// op(a)·op(b) for 2-D a and b.
Var matmul(Var a, Var b, bool trans_a = false, bool trans_b = false);
// x (…, in) · Wᵀ (W: (out, in)) + bias (out) → (…, out). bias may be undefined (no bias).
Var linear(Var x, Var weight, Var bias = {});
// linear(concat(parts), weight, bias) without forming the concatenation — which a recurrent
// step would otherwise keep for its backward: parts (rows, n_k), weight (out, Σ n_k) → (rows, out).
// At most Node::kMaxInputs − 2 parts.
Var linear_parts(std::span<const Var> parts, Var weight, Var bias = {});

// ---- element-wise (ops_elementwise.cc) ----
Var add(Var a, Var b);  // same shapes
Var sub(Var a, Var b);
Var mul(Var a, Var b);
Var scale(Var a, float alpha);
Var add_bias(Var x, Var bias);  // x (…, n) + bias (n), broadcast over rows
Var tanh(Var x);
Var sigmoid(Var x);
Var relu(Var x);

// ---- shapes and reductions (ops_shape.cc) ----
Var concat(std::span<const Var> parts);  // along the last axis; leading shapes must agree
Var slice_last(Var x, int64_t begin, int64_t width);  // columns [begin, begin + width)
Var reshape(Var x, const Shape& shape);               // same data, another shape of equal size
// Index t of axis 0 — a time step of a (T, B, H) sequence — as a view (no copy).
Var select(Var seq, int64_t t);
// The inverse: equal-shaped parts stacked along a new axis 0, any number of them.
Var stack(std::span<const Var> parts);
// Row-wise select by a 0/1 vector keep (rows): keep[r] ? a[r] : b[r] (a, b of equal shapes).
Var blend_rows(Var a, Var b, const Tensor& keep);
Var sum(Var x);   // → scalar
Var mean(Var x);  // → scalar

// ---- normalisation, regularisation (ops_norm.cc) ----
// softmax over the last axis where mask (same shape as x, 1 = keep, 0 = masked; may be
// undefined) allows; masked entries are 0.
Var masked_softmax(Var x, const Tensor& mask = {});
// log softmax over the last axis (no mask).
Var log_softmax(Var x);
// Layer norm over the last axis with gain gamma (n) and bias beta (n).
Var layer_norm(Var x, Var gamma, Var beta, float eps = 1e-5f);
// Inverted dropout with drop probability p in [0, 1); p = 0 returns x itself. Draws from rng.
Var dropout(Var x, float p, Rng& rng);

// ---- lookups and losses (ops_embedding.cc, ops_loss.cc) ----
// table (V, D) rows for ids → (ids.size(), D). Throws tandem::Error for an id outside [0, V).
Var embedding(Var table, std::span<const int32_t> ids);
enum class Reduction { kSum, kMean };  // kMean: divided by the number of counted targets
// Cross-entropy of logits (N, V) against targets (N), rows with ignore_index skipped, label
// smoothing ε (see kernels/cpu/cross_entropy.h) → scalar.
Var cross_entropy(Var logits, std::span<const int32_t> targets, int32_t ignore_index = -1,
                  float smoothing = 0.0f, Reduction reduction = Reduction::kMean);
// (ops_output_loss.cc) The same loss of linear(features, weight, bias): features (…, in),
// weight (V, in), bias (V) or undefined, one target per row. Computed over chunks of rows, so
// the (rows, V) logits, probabilities and their gradient are never held whole: training's
// output layer over every target position at once.
Var linear_cross_entropy(Var features, Var weight, Var bias, std::span<const int32_t> targets,
                         int32_t ignore_index = -1, float smoothing = 0.0f,
                         Reduction reduction = Reduction::kMean);
struct OutputLossOptions {
  int32_t ignore_index = -1;
  float smoothing = 0.0f;
  Reduction reduction = Reduction::kMean;
  // Inverted dropout on the features, drawn from *rng as ops::dropout draws over the rows in
  // order; no dropped copy or mask outlives a chunk.
  float dropout = 0.0f;
  Rng* rng = nullptr;
  // The caller's promise that the loss is the root of the backward (an upstream gradient of
  // exactly 1; the backward checks it): the weight's and bias's gradients are then added to
  // theirs in the forward instead of kept whole for the backward — a (V, in) tensor less.
  bool root = false;
};
// The same over features given as blocks of rows (a decoder's steps, each (B, in), without
// stacking them), each block's rows following the previous block's.
Var linear_cross_entropy(std::span<const Var> blocks, Var weight, Var bias,
                         std::span<const int32_t> targets, const OutputLossOptions& options);

// ---- recurrent cells and attention (ops_rnn.cc, ops_attention.cc) ----
// One GRU step (kernels/cpu/gru_cell.h): xg (B, 3H) = the input projection of this step,
// h (B, H), W_hh (3H, H), b_hh (3H) → h' (B, H).
Var gru_cell(Var xg, Var h, Var w_hh, Var b_hh);
// One LSTM step (kernels/cpu/lstm_cell.h): xg (B, 4H) with the biases, h, c (B, H),
// W_hh (4H, H) → (h', c'). While the tape records, xg is consumed as by lstm_sequence below:
// its storage becomes the saved gates, so nothing may read xg afterwards.
struct LstmState {
  Var h, c;
};
LstmState lstm_cell(Var xg, Var h, Var c, Var w_hh);
// A whole LSTM layer in one direction over a padded time-major batch, as one node
// (ops_rnn_sequence.cc): xg (T ≥ 1, B, 4H) the input projections of every step with the biases,
// W_hh (4H, H), lengths (B) each row's real steps (empty: all T real). The state starts at
// zero, and through padding a row carries its state unchanged (the forward direction its state
// after its last real step, the reverse one its zero initial state) → outputs (T, B, H), each
// step's h, and last_c (B, H), each row's cell state after its last real step; its last h is
// outputs[T − 1] (outputs[0] when reverse).
// xg is consumed: its storage becomes the saved gates, so nothing may read xg afterwards (an
// input projection's own backward reads only its input) — half the memory a layer would keep
// otherwise. The backward forms dW_hh as one product over all steps.
struct LstmSequence {
  Var outputs, last_c;
};
LstmSequence lstm_sequence(Var xg, Var w_hh, std::span<const int64_t> lengths, bool reverse);
// The same for a GRU layer-direction: xg (T ≥ 1, B, 3H) with b_ih, W_hh (3H, H), b_hh (3H) →
// outputs (T, B, H), each step's h; a row's last h is outputs[T − 1] (outputs[0] when reverse).
// xg is read, not consumed. The backward forms dW_hh and db_hh once over all steps.
Var gru_sequence(Var xg, Var w_hh, Var b_hh, std::span<const int64_t> lengths, bool reverse);
// The attention ops read a time-major memory (S, B, …). With memory_rows (inference only: the
// graph must not record), query row b reads memory column memory_rows[b] instead of column b,
// the memory then being (S, B_mem, …) for any B_mem (kernels/cpu/memory_rows.h).
// Additive attention scores (kernels/cpu/additive_attention.h): q (B, A), keys (S, B, A),
// v (A), mask (B, S) or undefined → scores (B, S), −∞ where masked.
Var additive_scores(Var q, Var keys, Var v, const Tensor& mask = {},
                    std::span<const int32_t> memory_rows = {});
// Dot-product scores (kernels/cpu/dot_attention.h): q (B, D), keys (S, B, D), mask (B, S) or
// undefined → (B, S), −∞ where masked.
Var dot_scores(Var q, Var keys, const Tensor& mask = {}, std::span<const int32_t> memory_rows = {});
// The context vectors: weights (B, S), values (S, B, D) → (B, D), Σ_s weights[b, s]·values[s, b].
Var attention_context(Var weights, Var values, std::span<const int32_t> memory_rows = {});

}  // namespace tandem::ops
