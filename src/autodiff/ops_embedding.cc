// Embedding lookup on the tape: a gather forward, a scatter-add backward.
#include "autodiff/op_support.h"
#include "autodiff/ops.h"
#include "kernels/cpu/embedding.h"

namespace tandem::ops {

using namespace detail;

namespace {

void embedding_backward(Graph& g, const Node& node) {
  const Tensor& dy = output_grad(g, node);
  if (float* dtable = input_grad(g, node, 0))
    kernels::embedding_scatter_add(node.i[0], dy.cols(), dy.data(), node.ids, dtable);
}

}  // namespace

Var embedding(Var table, std::span<const int32_t> ids) {
  Graph& g = graph_of({table}, "embedding");
  check_shape(table.shape().rank() == 2, "embedding",
              [&] { return "the table must be (vocab, dim), got " + table.shape().to_string(); });
  const int64_t vocab = table.shape()[0], dim = table.shape()[1];
  for (size_t k = 0; k < ids.size(); ++k)
    check_shape(ids[k] >= 0 && ids[k] < vocab, "embedding", [&] {
      return "id " + std::to_string(ids[k]) + " at position " + std::to_string(k) +
             " is outside the vocabulary [0, " + std::to_string(vocab) + ")";
    });
  const int64_t n = static_cast<int64_t>(ids.size());
  Tensor y = g.new_tensor({n, dim});
  kernels::embedding_gather(n, dim, table.value().data(), ids.data(), y.data());
  Node node;
  node.backward = embedding_backward;
  node.i[0] = n;
  if (g.recording() && table.requires_grad()) node.ids = g.copy_ids(ids).data();
  return emit(g, y, {table}, node);
}

}  // namespace tandem::ops
