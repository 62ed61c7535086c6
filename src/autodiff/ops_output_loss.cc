// The output layer fused with its cross-entropy, row chunk by row chunk, so that no (N, V)
// logits, probabilities or logit gradients outlive one chunk.
#include <algorithm>
#include <string>

#include "autodiff/op_support.h"
#include "autodiff/ops.h"
#include "kernels/cpu/cross_entropy.h"
#include "kernels/cpu/elementwise.h"
#include "kernels/cpu/gemm.h"

namespace tandem::ops {

using namespace detail;

namespace {

// Target rows per chunk. A chunk's logits and probabilities are kChunkRows × V floats each,
// 8 MB at V = 8000, against the 164 MB of each full (N, V) tensor of a base batch (N = 64·80);
// and 256 rows keep the products large enough to run at the GEMM's full speed.
constexpr int64_t kChunkRows = 256;

// The loss is linear in its upstream gradient: the forward saved the gradients for dy = 1.
void linear_cross_entropy_backward(Graph& g, const Node& node) {
  const float dy = output_grad(g, node).item();
  for (int k = 0; k < node.num_in; ++k) {
    if (node.in[k] < 0) continue;
    const Tensor& made = node.saved[k];  // the gradient the forward made, for an upstream of 1
    if (g.adopt_grad(node.in[k], made))  // the features' gradient: no second (T·B, in) buffer
      kernels::scale(made.numel(), dy, made.data(), made.data());
    else if (float* dx = input_grad(g, node, k))
      kernels::scale_accumulate(made.numel(), dy, made.data(), dx);
  }
}

}  // namespace

Var linear_cross_entropy(Var features, Var weight, Var bias, std::span<const int32_t> targets,
                         int32_t ignore_index, float smoothing, Reduction reduction) {
  static constexpr const char* kOp = "linear_cross_entropy";
  Graph& g = graph_of({features, weight, bias}, kOp);
  const Shape& sf = features.shape();
  const Shape& sw = weight.shape();
  check_shape(sw.rank() == 2 && sf.rank() >= 1 && sf.cols() == sw[1], kOp, [&] {
    return "features " + sf.to_string() + " do not match weight " + sw.to_string() +
           " (expected (…, in) and (vocab, in))";
  });
  const int64_t rows = sf.rows(), in = sw[1], vocab = sw[0];
  check_shape(!bias.defined() || bias.shape() == Shape{vocab}, kOp, [&] {
    return "bias " + bias.shape().to_string() + " should be [" + std::to_string(vocab) + "]";
  });
  check_shape(static_cast<int64_t>(targets.size()) == rows, kOp, [&] {
    return "features " + sf.to_string() + " need one target per row, got " +
           std::to_string(targets.size()) + " targets";
  });
  check_shape(smoothing >= 0.0f && smoothing < 1.0f, kOp, [&] {
    return "label smoothing must be in [0, 1), got " + std::to_string(smoothing);
  });
  // Count the rows first: the mean's factor scales every chunk's gradients.
  int64_t counted = 0;
  for (int64_t r = 0; r < rows; ++r) {
    const int32_t t = targets[r];
    if (t == ignore_index) continue;
    check(t >= 0 && t < vocab, [&] {
      return std::string(kOp) + ": target id " + std::to_string(t) + " in row " +
             std::to_string(r) + " is outside the vocabulary [0, " + std::to_string(vocab) + ")";
    });
    ++counted;
  }
  const float factor = reduction == Reduction::kMean && counted > 0 ? 1.0f / counted : 1.0f;

  const bool need_f = g.recording() && features.requires_grad();
  const bool need_w = g.recording() && weight.requires_grad();
  const bool need_b = g.recording() && bias.defined() && bias.requires_grad();
  const bool grads = need_f || need_w || need_b;
  // The gradients for dy = 1, kept for the backward; ignored rows' features get zeros.
  Tensor d_features = need_f ? g.new_zeros(sf) : Tensor();
  Tensor d_weight = need_w ? g.new_zeros(sw) : Tensor();
  Tensor d_bias = need_b ? g.new_zeros(Shape{vocab}) : Tensor();
  Tensor loss = g.new_tensor(Shape{});

  // One chunk's scratch, dropped again before returning. Only counted rows are gathered into
  // a chunk: ignored (padding) rows cost no products at all.
  Arena& arena = g.arena();
  const Arena::Mark scratch = arena.mark();
  const int64_t chunk = std::min(kChunkRows, std::max<int64_t>(counted, 1));
  int32_t* row_of = arena.allocate_ints(chunk);  // chunk row → input row
  int32_t* chunk_targets = arena.allocate_ints(chunk);
  float* x = arena.allocate_floats(chunk * in);          // (chunk, in) gathered features
  float* logits = arena.allocate_floats(chunk * vocab);  // then the logits' gradient
  float* probs = arena.allocate_floats(chunk * vocab);
  float* dx = need_f ? arena.allocate_floats(chunk * in) : nullptr;

  const float* f = features.value().data();
  const float* b = bias.defined() ? bias.value().data() : nullptr;
  double total = 0.0;
  int64_t next = 0;  // the next input row to look at
  for (int64_t done = 0; done < counted;) {
    int64_t m = 0;
    for (; m < chunk && next < rows; ++next) {
      if (targets[next] == ignore_index) continue;
      row_of[m] = static_cast<int32_t>(next);
      chunk_targets[m] = targets[next];
      std::copy_n(f + next * in, in, x + m * in);
      ++m;
    }
    done += m;
    // logits = x·Wᵀ + b, as ops::linear computes them.
    float beta = 0.0f;
    if (b != nullptr) {
      kernels::broadcast_rows(m, vocab, b, logits);
      beta = 1.0f;
    }
    gemm_weight(g, weight.id, false, true, m, vocab, in, 1.0f, x, in, beta, logits, vocab);
    int64_t chunk_counted = 0;
    total += kernels::cross_entropy_forward(m, vocab, logits, chunk_targets, ignore_index,
                                            smoothing, probs, &chunk_counted);
    if (!grads) continue;
    // dlogits = factor·(p − q), over the logits, no longer needed.
    std::fill_n(logits, m * vocab, 0.0f);
    kernels::cross_entropy_backward(m, vocab, probs, chunk_targets, ignore_index, smoothing, factor,
                                    logits);
    if (need_f) {  // dx = dlogits·W, scattered back to the rows it came from
      gemm_weight(g, weight.id, false, false, m, in, vocab, 1.0f, logits, vocab, 0.0f, dx, in);
      for (int64_t i = 0; i < m; ++i)
        std::copy_n(dx + i * in, in, d_features.data() + int64_t{row_of[i]} * in);
    }
    if (need_w)  // dW += dlogitsᵀ·x
      kernels::gemm(true, false, vocab, in, m, 1.0f, logits, vocab, x, in, 1.0f, d_weight.data(),
                    in);
    if (need_b) kernels::sum_rows_accumulate(m, vocab, logits, d_bias.data());
  }
  arena.rewind(scratch);
  loss.data()[0] = static_cast<float>(total * factor);
  if (!grads) return g.add_value(loss, false);

  Node node;
  node.backward = linear_cross_entropy_backward;
  node.saved = {d_features, d_weight, d_bias};
  if (bias.defined()) return emit(g, loss, {features, weight, bias}, node);
  return emit(g, loss, {features, weight}, node);
}

}  // namespace tandem::ops
