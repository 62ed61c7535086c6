// Greedy search: argmax of the log-probabilities per row and step; rows finish on </s>.
#include "decode/greedy.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "autodiff/ops.h"
#include "decode/state_rows.h"

namespace tandem {

std::vector<int64_t> output_length_limits(const SourceBatch& source, const SearchOptions& options) {
  std::vector<int64_t> limit(source.batch);
  for (int64_t b = 0; b < source.batch; ++b) {
    // In double, clamped before the conversion: an int64 sum or cast could overflow (UB).
    const double wanted = std::floor(options.max_length_ratio * source.lengths[b]) +
                          static_cast<double>(options.max_length_offset);
    limit[b] = wanted < kMaxOutputLength ? std::max<int64_t>(0, static_cast<int64_t>(wanted))
                                         : kMaxOutputLength;  // NaN too
  }
  return limit;
}

Tensor next_token_log_probs(const Seq2Seq& model, Graph& g, const Decoder::Step& step,
                            const SearchOptions& options) {
  Rng unused(0);  // no dropout in inference
  Tensor log_probs =
      ops::log_softmax(model.decoder().logits(g, step.features, unused, false)).value();
  const int64_t V = log_probs.dim(1);
  for (int64_t b = 0; b < log_probs.dim(0); ++b)
    for (const int32_t id : {options.pad_id, options.bos_id})
      if (id >= 0 && id < V) log_probs.data()[b * V + id] = -std::numeric_limits<float>::infinity();
  return log_probs;
}

std::vector<Hypothesis> greedy_search(const Seq2Seq& model, Graph& g, const SourceBatch& source,
                                      const SearchOptions& options) {
  NoGradGuard no_grad(g);
  Rng unused(0);  // no dropout in inference, so nothing is drawn
  const int64_t B = source.batch;
  std::vector<Hypothesis> out(B);
  if (B == 0) return out;
  EncoderOutput encoded = model.encoder().encode(g, source, unused, false);
  DecoderState state = model.decoder().initial_state(g, encoded);

  const std::vector<int64_t> limit = output_length_limits(source, options);
  const int64_t longest = *std::max_element(limit.begin(), limit.end());
  // Row r of the decoder's batch is sentence alive[r]. Finished rows are dropped once they are
  // a quarter of the batch: decoding them on would waste 22% of the steps on the g2p dev set
  // (sorted batches of 64), and the selection costs a copy of the recurrent state.
  std::vector<int32_t> alive(B), previous(B, options.bos_id), keep;
  for (int64_t b = 0; b < B; ++b) alive[b] = static_cast<int32_t>(b);
  std::vector<bool> done(B, false);
  int64_t remaining = B;
  const Arena::Mark steps_start = g.arena().mark();
  std::vector<float> spare;
  for (int64_t t = 0; t <= longest && remaining > 0; ++t) {
    if (4 * (static_cast<int64_t>(alive.size()) - remaining) >=
        static_cast<int64_t>(alive.size())) {
      keep.clear();
      for (size_t r = 0; r < alive.size(); ++r)
        if (!done[alive[r]]) keep.push_back(static_cast<int32_t>(r));
      select_state_rows(g, state, keep);
      for (size_t i = 0; i < keep.size(); ++i) {
        alive[i] = alive[keep[i]];
        previous[i] = previous[keep[i]];
      }
      alive.resize(keep.size());
      previous.resize(keep.size());
    }
    Decoder::Step step = model.decoder().step(g, previous, state, unused, false);
    // The output layer's values (B × V, each step) die with the step.
    const Arena::Mark scratch = g.arena().mark();
    const Tensor log_probs = next_token_log_probs(model, g, step, options);
    for (size_t r = 0; r < alive.size(); ++r) {
      const int32_t b = alive[r];
      if (done[b]) continue;
      const float* row = log_probs[static_cast<int64_t>(r)].data();
      int32_t best = static_cast<int32_t>(std::max_element(row, row + log_probs.dim(1)) - row);
      if (t == limit[b]) best = options.eos_id;  // out of room: end here
      Hypothesis& h = out[b];
      h.score += row[best];
      h.log_prob = h.score;
      if (options.keep_attention && step.attention.defined()) {
        const float* w = step.attention.value()[static_cast<int64_t>(r)].data();
        h.attention.emplace_back(w, w + source.lengths[b]);
      }
      if (best == options.eos_id) {
        done[b] = true;
        --remaining;
      } else {
        h.tokens.push_back(best);
      }
      previous[r] = best;
    }
    g.arena().rewind(scratch);
    compact_state(g, state, steps_start, spare);
  }
  return out;
}

}  // namespace tandem
