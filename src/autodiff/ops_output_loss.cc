// The output layer fused with its cross-entropy, row chunk by row chunk, so that no (N, V)
// logits, probabilities or logit gradients outlive one chunk.
#include <algorithm>
#include <string>

#include "autodiff/op_support.h"
#include "autodiff/ops.h"
#include "kernels/cpu/cross_entropy.h"
#include "kernels/cpu/dropout.h"
#include "kernels/cpu/elementwise.h"
#include "kernels/cpu/gemm.h"
#include "kernels/cpu/packed_gemm.h"
#include "kernels/cpu/work_sharing.h"

namespace tandem::ops {

using namespace detail;

namespace {

// Target rows per chunk. A chunk's logits (then their gradient) are kChunkRows × V floats,
// 8 MB at V = 8000, against the 164 MB of each full (N, V) tensor of a base batch (N = 64·80);
// and 256 rows keep the products large enough to run at the GEMM's full speed.
constexpr int64_t kChunkRows = 256;
// A chunk's softmax rows are shared among threads in this many ranges.
constexpr int64_t kLossParts = 8;

// Node: in (weight, bias or −1); ids the feature blocks' ids, i[0] how many; saved[0] the
// features' gradient for dy = 1 (rows, in), saved[1] and saved[2] the weight's and bias's
// unless f[0] (OutputLossOptions::root) put those into their gradients in the forward.
void linear_cross_entropy_backward(Graph& g, const Node& node) {
  static constexpr const char* kOp = "linear_cross_entropy";
  const float dy = output_grad(g, node).item();
  check(node.f[0] == 0.0f || dy == 1.0f, [&] {
    return std::string(kOp) + ": made with options.root, it added its weight's gradient in the " +
           "forward for an upstream gradient of 1, but the backward brings " + std::to_string(dy) +
           " (scale the loss before, not after, or leave root off)";
  });
  // The loss is linear in its upstream gradient: the forward saved the gradients for dy = 1.
  const auto hand_on = [&](int32_t id, float* made, int64_t n) {
    if (g.adopt_grad(id, Tensor::wrap(made, g.value(id).shape()))) {  // no second buffer
      if (dy != 1.0f) kernels::scale(n, dy, made, made);
    } else if (float* dx = g.grad_data(id)) {
      kernels::scale_accumulate(n, dy, made, dx);
    }
  };
  if (const Tensor& made = node.saved[0]; made.defined()) {
    int64_t offset = 0;
    for (int64_t k = 0; k < node.i[0]; ++k) {
      const int64_t n = g.value(node.ids[k]).numel();
      hand_on(node.ids[k], made.data() + offset, n);
      offset += n;
    }
  }
  for (int k = 0; k < 2; ++k)
    if (node.in[k] >= 0 && node.saved[k + 1].defined())
      hand_on(node.in[k], node.saved[k + 1].data(), node.saved[k + 1].numel());
}

// The rows of the feature blocks in order, one at a time.
class RowCursor {
 public:
  RowCursor(std::span<const Var> blocks, int64_t in) : blocks_(blocks), in_(in) {}
  const float* next() {
    while (row_ * in_ >= blocks_[block_].value().numel()) ++block_, row_ = 0;
    return blocks_[block_].value().data() + in_ * row_++;
  }

 private:
  std::span<const Var> blocks_;
  int64_t in_, block_ = 0, row_ = 0;
};

}  // namespace

Var linear_cross_entropy(std::span<const Var> blocks, Var weight, Var bias,
                         std::span<const int32_t> targets, const OutputLossOptions& options) {
  static constexpr const char* kOp = "linear_cross_entropy";
  check_shape(!blocks.empty(), kOp, "needs at least one block of features");
  Graph& g = graph_of({blocks[0], weight, bias}, kOp);
  const Shape& sw = weight.shape();
  check_shape(sw.rank() == 2, kOp,
              [&] { return "weight " + sw.to_string() + " should be (vocab, in)"; });
  const int64_t in = sw[1], vocab = sw[0];
  int64_t rows = 0;
  bool need_f = false;
  for (size_t k = 0; k < blocks.size(); ++k) {
    const Shape& sf = blocks[k].shape();
    check_shape(blocks[k].graph == &g && sf.rank() >= 1 && sf.cols() == in, kOp, [&] {
      return "features " + sf.to_string() +
             (blocks.size() > 1 ? " (block " + std::to_string(k) + ")" : "") +
             " do not match weight " + sw.to_string() + " (expected (…, in) and (vocab, in))";
    });
    rows += sf.rows();
    need_f |= blocks[k].requires_grad();
  }
  check_shape(!bias.defined() || bias.shape() == Shape{vocab}, kOp, [&] {
    return "bias " + bias.shape().to_string() + " should be [" + std::to_string(vocab) + "]";
  });
  check_shape(static_cast<int64_t>(targets.size()) == rows, kOp, [&] {
    return "features of " + std::to_string(rows) + " rows need one target per row, got " +
           std::to_string(targets.size()) + " targets";
  });
  const float smoothing = options.smoothing, p = options.dropout;
  const int32_t ignore_index = options.ignore_index;
  check_shape(smoothing >= 0.0f && smoothing < 1.0f, kOp, [&] {
    return "label smoothing must be in [0, 1), got " + std::to_string(smoothing);
  });
  check_shape(p >= 0.0f && p < 1.0f && (p == 0.0f || options.rng != nullptr), kOp, [&] {
    return "dropout must be in [0, 1) with an Rng to draw from, got " + std::to_string(p);
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
  const float factor = options.reduction == Reduction::kMean && counted > 0 ? 1.0f / counted : 1.0f;

  need_f = g.recording() && need_f;
  const bool need_w = g.recording() && weight.requires_grad();
  const bool need_b = g.recording() && bias.defined() && bias.requires_grad();
  const bool grads = need_f || need_w || need_b;
  // The gradients for dy = 1: the features' kept for the backward (ignored rows get zeros);
  // the weight's and bias's kept too, or with options.root added to their gradients now.
  Tensor d_features = need_f ? g.new_zeros({rows, in}) : Tensor();
  Tensor d_weight = need_w && !options.root ? g.new_zeros(sw) : Tensor();
  Tensor d_bias = need_b && !options.root ? g.new_zeros(Shape{vocab}) : Tensor();
  float* dw = need_w ? (options.root ? g.grad_data(weight.id) : d_weight.data()) : nullptr;
  float* db = need_b ? (options.root ? g.grad_data(bias.id) : d_bias.data()) : nullptr;
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
  float* dx = need_f ? arena.allocate_floats(chunk * in) : nullptr;
  // Dropout draws a mask for every row, ignored or not, in order: the draws ops::dropout makes
  // over the stacked features. A counted row's mask stays for its gradient.
  float* masks = p > 0.0f ? arena.allocate_floats(chunk * in) : nullptr;
  float* unused_mask = p > 0.0f ? arena.allocate_floats(in) : nullptr;
  // W packed for this op alone, in its scratch, for the products by Wᵀ (the logits) and by W
  // (the features' gradient) of every chunk: here its pages are ones the arena holds anyway,
  // where the graph's PackedWeights would keep both copies beside the arena (27 MiB at the
  // base configuration's vocabulary).
  const bool packs = kernels::has_packed_gemm();
  const bool bf16 = kernels::gemm_precision() == kernels::GemmPrecision::kBfloat16;
  const float* w = weight.value().data();
  kernels::PackedMatrix w_transposed, w_plain;
  if (packs) {
    kernels::pack_right_into(true, in, vocab, w, in,
                             arena.allocate_floats(kernels::packed_words(in, vocab, bf16)),
                             w_transposed, bf16);
    if (need_f)
      kernels::pack_right_into(false, vocab, in, w, in,
                               arena.allocate_floats(kernels::packed_words(vocab, in, bf16)),
                               w_plain, bf16);
  }

  const float* b = bias.defined() ? bias.value().data() : nullptr;
  RowCursor features(blocks, in);
  double total = 0.0;
  int64_t next = 0;  // the next input row to look at
  for (int64_t done = 0; done < counted;) {
    int64_t m = 0;
    for (; m < chunk && next < rows; ++next) {
      const float* f = features.next();
      if (targets[next] == ignore_index) {
        if (p > 0.0f) kernels::dropout_mask(in, p, *options.rng, unused_mask);
        continue;
      }
      row_of[m] = static_cast<int32_t>(next);
      chunk_targets[m] = targets[next];
      if (p > 0.0f) {
        kernels::dropout_mask(in, p, *options.rng, masks + m * in);
        kernels::dropout_apply(in, f, masks + m * in, x + m * in);
      } else {
        std::copy_n(f, in, x + m * in);
      }
      ++m;
    }
    done += m;
    // logits = x·Wᵀ + b, as ops::linear computes them.
    float beta = 0.0f;
    if (b != nullptr) {
      kernels::broadcast_rows(m, vocab, b, logits);
      beta = 1.0f;
    }
    if (packs)
      kernels::gemm_packed(false, m, 1.0f, x, in, w_transposed, beta, logits, vocab,
                           kernels::gemm_threads());
    else
      kernels::gemm(false, true, m, vocab, in, 1.0f, x, in, w, in, beta, logits, vocab);
    // The chunk's loss and, over its logits, their gradient factor·(p − q): by ranges of rows on
    // the GEMM's threads, the ranges' sums added in a fixed order.
    double part_loss[kLossParts];
    kernels::run_ranges(
        kernels::gemm_threads(), m, kLossParts, [&](int64_t part, int64_t begin, int64_t end) {
          part_loss[part] =
              kernels::cross_entropy_to_gradient(end - begin, vocab, logits + begin * vocab,
                                                 chunk_targets + begin, smoothing, grads, factor);
        });
    for (double l : part_loss) total += l;
    if (!grads) continue;
    if (need_f) {  // dx = (dlogits·W) ⊙ mask, scattered back to the rows it came from
      if (packs)
        kernels::gemm_packed(false, m, 1.0f, logits, vocab, w_plain, 0.0f, dx, in,
                             kernels::gemm_threads());
      else
        kernels::gemm(false, false, m, in, vocab, 1.0f, logits, vocab, w, in, 0.0f, dx, in);
      for (int64_t i = 0; i < m; ++i) {
        float* row = d_features.data() + int64_t{row_of[i]} * in;
        if (p > 0.0f)
          kernels::dropout_apply(in, dx + i * in, masks + i * in, row);
        else
          std::copy_n(dx + i * in, in, row);
      }
    }
    if (need_w)  // dW += dlogitsᵀ·x
      kernels::gemm(true, false, vocab, in, m, 1.0f, logits, vocab, x, in, 1.0f, dw, in);
    if (need_b) kernels::sum_rows_accumulate(m, vocab, logits, db);
  }
  // Rows after the last counted one still draw their masks, as ops::dropout would.
  if (p > 0.0f)
    for (; next < rows; ++next) kernels::dropout_mask(in, p, *options.rng, unused_mask);
  arena.rewind(scratch);
  loss.data()[0] = static_cast<float>(total * factor);
  Var out = g.add_value(loss, grads);
  if (!grads) return out;

  Node node;
  node.backward = linear_cross_entropy_backward;
  node.in = {weight.id, bias.defined() ? bias.id : -1};
  node.num_in = 2;
  node.out[0] = out.id;
  node.num_out = 1;
  int32_t* ids = arena.allocate_ints(static_cast<int64_t>(blocks.size()));
  for (size_t k = 0; k < blocks.size(); ++k) ids[k] = blocks[k].id;
  node.ids = ids;
  node.i[0] = static_cast<int64_t>(blocks.size());
  node.saved = {d_features, d_weight, d_bias};
  node.f[0] = options.root ? 1.0f : 0.0f;
  g.record(node);
  return out;
}

Var linear_cross_entropy(Var features, Var weight, Var bias, std::span<const int32_t> targets,
                         int32_t ignore_index, float smoothing, Reduction reduction) {
  OutputLossOptions options;
  options.ignore_index = ignore_index;
  options.smoothing = smoothing;
  options.reduction = reduction;
  return linear_cross_entropy(std::span<const Var>(&features, 1), weight, bias, targets, options);
}

}  // namespace tandem::ops
