// Helpers shared by the op implementations: argument checks and recording an op's node.
#pragma once

#include <initializer_list>
#include <span>
#include <string>

#include "autodiff/graph.h"
#include "kernels/cpu/gemm.h"
#include "tensor/error.h"

namespace tandem::ops::detail {

// The graph of the first defined input; every defined input must share it.
inline Graph& graph_of(std::initializer_list<Var> inputs, const char* op) {
  Graph* g = nullptr;
  for (const Var& v : inputs) {
    if (!v.defined()) continue;
    if (!g) g = v.graph;
    check(v.graph == g, [&] { return std::string(op) + ": inputs belong to different graphs"; });
  }
  check(g != nullptr, [&] { return std::string(op) + ": no input"; });
  return *g;
}

// Throws "op: what" unless ok; `what` is a string or a callable that builds one on failure.
template <typename What>
inline void check_shape(bool ok, const char* op, What&& what) {
  if (ok) return;
  if constexpr (std::is_invocable_v<What>)
    throw Error(std::string(op) + ": " + std::string(what()));
  else
    throw Error(std::string(op) + ": " + std::string(what));
}

// Adds `value` as the op's output; when the tape records and some input needs a gradient,
// fills in the node's inputs and output and records it.
inline Var emit(Graph& g, const Tensor& value, std::span<const Var> inputs, Node node) {
  bool needs = false;
  for (const Var& v : inputs) needs |= v.defined() && v.requires_grad();
  Var out = g.add_value(value, needs);
  if (!needs) return out;
  node.num_in = 0;
  for (const Var& v : inputs) node.in[node.num_in++] = v.defined() ? v.id : -1;
  node.out[0] = out.id;
  node.num_out = 1;
  g.record(node);
  return out;
}
inline Var emit(Graph& g, const Tensor& value, std::initializer_list<Var> inputs, Node node) {
  return emit(g, value, std::span<const Var>(inputs.begin(), inputs.size()), node);
}

// An op that overwrites its input `x` (see ops::lstm_sequence) refuses the caller's own storage.
inline void consume_check(Graph& g, Var x, const char* op) {
  check(!g.caller_owned(x.id), [&] {
    return std::string(op) +
           ": its projected input is overwritten, so it must be an op's output, not a "
           "parameter, leaf or constant";
  });
}

// The gradient buffer of input k of a node, or nullptr if it needs none (or is absent).
inline float* input_grad(Graph& g, const Node& node, int k) {
  return node.in[k] >= 0 ? g.grad_data(node.in[k]) : nullptr;
}
inline const Tensor& input_value(Graph& g, const Node& node, int k) { return g.value(node.in[k]); }
inline const Tensor& output_grad(Graph& g, const Node& node, int k = 0) {
  return g.grad(node.out[k]);
}

// C = alpha · op(A) · op(W) + beta · C, where W (stored rows × cols, row-major) is the value
// `w_id`: from its packed copy when it is a parameter and the graph keeps packed weights,
// else through kernels::gemm. One row (batch-1 decoding) takes the packed copy too: 15% faster
// than sgemv in fp32, and in bf16 half the bytes — such a step streams every weight once, so
// it is bound by their size (bench/RESULTS.md).
inline void gemm_weight(Graph& g, int32_t w_id, bool trans_a, bool trans_w, int64_t m, int64_t n,
                        int64_t k, float alpha, const float* a, int64_t lda, float beta, float* c,
                        int64_t ldc) {
  const Tensor& w = g.value(w_id);
  const kernels::PackedMatrix* packed = g.packed(w_id, trans_w);
  if (packed != nullptr)
    kernels::gemm_packed(trans_a, m, alpha, a, lda, *packed, beta, c, ldc, kernels::gemm_threads());
  else
    kernels::gemm(trans_a, trans_w, m, n, k, alpha, a, lda, w.data(), w.dim(1), beta, c, ldc);
}

// As gemm_weight for W's input columns [begin, end) alone (ops::linear_parts, the decoder's
// inference products): C = alpha·A·W[:, begin:end]ᵀ + beta·C when trans_w (A m × (end − begin),
// C m × rows of W), else C = alpha·A·W[:, begin:end] + beta·C (A m × rows, C m × (end − begin)).
inline void gemm_weight_columns(Graph& g, int32_t w_id, bool trans_w, int64_t begin, int64_t end,
                                int64_t m, float alpha, const float* a, int64_t lda, float beta,
                                float* c, int64_t ldc) {
  const Tensor& w = g.value(w_id);
  const int64_t rows = w.dim(0), cols = w.dim(1), width = end - begin;
  if (const kernels::PackedMatrix* packed = g.packed_columns(w_id, trans_w, begin, end))
    kernels::gemm_packed(false, m, alpha, a, lda, *packed, beta, c, ldc, kernels::gemm_threads());
  else if (trans_w)
    kernels::gemm(false, true, m, rows, width, alpha, a, lda, w.data() + begin, cols, beta, c, ldc);
  else
    kernels::gemm(false, false, m, width, rows, alpha, a, lda, w.data() + begin, cols, beta, c,
                  ldc);
}

}  // namespace tandem::ops::detail
