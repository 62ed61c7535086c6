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

// The memory columns that query rows read (kernels::MemoryRows). Without a map, query row b
// reads column b, so the batches must agree. A map is for search only: the backward kernels
// read column b for row b, so a graph that records cannot take one.
kernels::MemoryRows memory_rows_of(Graph& g, const char* op, std::span<const int32_t> rows,
                                   int64_t query_batch, int64_t memory_batch) {
  if (rows.empty()) {
    check_shape(query_batch == memory_batch, op, [&] {
      return "the queries' batch (" + std::to_string(query_batch) + ") and the memory's (" +
             std::to_string(memory_batch) + ") differ";
    });
    return {};
  }
  check_shape(!g.recording(), op, [] { return std::string("memory rows are for inference only"); });
  check_shape(static_cast<int64_t>(rows.size()) == query_batch, op, [&] {
    return std::to_string(rows.size()) + " memory rows for " + std::to_string(query_batch) +
           " query rows";
  });
  for (const int32_t r : rows)
    check_shape(0 <= r && r < memory_batch, op, [&] {
      return "memory row " + std::to_string(r) + " outside [0, " + std::to_string(memory_batch) +
             ")";
    });
  return {memory_batch, rows.data()};
}

void check_mask(const Tensor& mask, int64_t batch, int64_t src_len, const char* op) {
  if (mask.defined())
    check_shape(mask.numel() == batch * src_len, op, [&] {
      return "mask " + mask.shape().to_string() + " should be " + Shape{batch, src_len}.to_string();
    });
}

}  // namespace

Var dot_scores(Var q, Var keys, const Tensor& mask, std::span<const int32_t> memory_rows) {
  Graph& g = graph_of({q, keys}, "dot_scores");
  const Shape &sq = q.shape(), &sk = keys.shape();
  check_shape(sk.rank() == 3 && sq.rank() == 2 && sq[1] == sk[2], "dot_scores", [&] {
    return "q " + sq.to_string() + " and keys " + sk.to_string() +
           " should be (B, D) and (S, B, D)";
  });
  const int64_t S = sk[0], B = sq[0];
  const kernels::MemoryRows memory = memory_rows_of(g, "dot_scores", memory_rows, B, sk[1]);
  check_mask(mask, B, S, "dot_scores");
  Tensor scores = g.new_tensor({B, S});
  kernels::dot_scores_forward(S, B, sk[2], q.value().data(), keys.value().data(),
                              mask.defined() ? mask.data() : nullptr, scores.data(), memory);
  Node node;
  node.backward = dot_scores_backward;
  node.saved[0] = mask;
  return emit(g, scores, {q, keys}, node);
}

Var additive_scores(Var q, Var keys, Var v, const Tensor& mask,
                    std::span<const int32_t> memory_rows) {
  Graph& g = graph_of({q, keys, v}, "additive_scores");
  const Shape &sq = q.shape(), &sk = keys.shape();
  check_shape(sk.rank() == 3, "additive_scores",
              [&] { return "keys must be (S, B, A), got " + sk.to_string(); });
  const int64_t S = sk[0], A = sk[2];
  const int64_t B = memory_rows.empty() ? sk[1] : static_cast<int64_t>(memory_rows.size());
  check_shape(sq == Shape{B, A}, "additive_scores", [&] {
    return "q " + sq.to_string() + " should be " + Shape{B, A}.to_string();
  });
  check_shape(v.shape() == Shape{A}, "additive_scores",
              [&] { return "v " + v.shape().to_string() + " should be " + Shape{A}.to_string(); });
  const kernels::MemoryRows memory = memory_rows_of(g, "additive_scores", memory_rows, B, sk[1]);
  check_mask(mask, B, S, "additive_scores");
  const bool needs =
      g.recording() && (q.requires_grad() || keys.requires_grad() || v.requires_grad());
  Tensor saved = needs ? g.new_tensor({B, S, A}) : Tensor();
  Tensor scores = g.new_tensor({B, S});
  kernels::additive_scores_forward(S, B, A, q.value().data(), keys.value().data(), v.value().data(),
                                   mask.defined() ? mask.data() : nullptr, scores.data(),
                                   needs ? saved.data() : nullptr, memory);
  Node node;
  node.backward = additive_scores_backward;
  node.saved = {saved, mask, Tensor()};
  return emit(g, scores, {q, keys, v}, node);
}

Var attention_context(Var weights, Var values, std::span<const int32_t> memory_rows) {
  Graph& g = graph_of({weights, values}, "attention_context");
  const Shape &sw = weights.shape(), &sv = values.shape();
  check_shape(sv.rank() == 3 && sw.rank() == 2 && sw[1] == sv[0], "attention_context", [&] {
    return "weights " + sw.to_string() + " and values " + sv.to_string() +
           " should be (B, S) and (S, B, D)";
  });
  const int64_t B = sw[0];
  const kernels::MemoryRows memory = memory_rows_of(g, "attention_context", memory_rows, B, sv[1]);
  Tensor context = g.new_tensor({B, sv[2]});
  kernels::attention_context_forward(sv[0], B, sv[2], weights.value().data(), values.value().data(),
                                     context.data(), memory);
  Node node;
  node.backward = attention_context_backward;
  return emit(g, context, {weights, values}, node);
}

}  // namespace tandem::ops
