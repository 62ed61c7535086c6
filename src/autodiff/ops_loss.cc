// Cross-entropy on the tape: the fused log-softmax + loss kernel, one node.
#include "autodiff/op_support.h"
#include "autodiff/ops.h"
#include "kernels/cpu/cross_entropy.h"

namespace tandem::ops {

using namespace detail;

namespace {

void cross_entropy_backward(Graph& g, const Node& node) {
  const float dy = output_grad(g, node).item() * node.f[1];  // f[1]: the reduction's factor
  const Tensor& probs = node.saved[0];
  if (float* dx = input_grad(g, node, 0))
    kernels::cross_entropy_backward(probs.rows(), probs.cols(), probs.data(), node.ids,
                                    static_cast<int32_t>(node.i[0]), node.f[0], dy, dx);
}

}  // namespace

Var cross_entropy(Var logits, std::span<const int32_t> targets, int32_t ignore_index,
                  float smoothing, Reduction reduction) {
  Graph& g = graph_of({logits}, "cross_entropy");
  const Shape& s = logits.shape();
  check_shape(s.rank() == 2 && s[0] == static_cast<int64_t>(targets.size()), "cross_entropy", [&] {
    return "logits " + s.to_string() + " need one target per row, got " +
           std::to_string(targets.size()) + " targets";
  });
  check_shape(smoothing >= 0.0f && smoothing < 1.0f, "cross_entropy", [&] {
    return "label smoothing must be in [0, 1), got " + std::to_string(smoothing);
  });
  Tensor probs = g.new_tensor(s);
  int64_t counted = 0;
  const double total =
      kernels::cross_entropy_forward(s[0], s[1], logits.value().data(), targets.data(),
                                     ignore_index, smoothing, probs.data(), &counted);
  const float factor = reduction == Reduction::kMean && counted > 0 ? 1.0f / counted : 1.0f;
  Tensor loss = g.new_tensor(Shape{});
  loss.data()[0] = static_cast<float>(total * factor);
  Node node;
  node.backward = cross_entropy_backward;
  node.saved[0] = probs;
  node.f = {smoothing, factor, 0.0f, 0.0f};
  node.i[0] = ignore_index;
  if (g.recording() && logits.requires_grad()) node.ids = g.copy_ids(targets).data();
  return emit(g, loss, {logits}, node);
}

}  // namespace tandem::ops
