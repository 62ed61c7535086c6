// Beam search over the decoder's step API: B sentences × K beams in one batch; per step, the
// best 2K extensions of each sentence become its next K beams or finished hypotheses.
#include "decode/beam.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "autodiff/ops.h"
#include "decode/state_rows.h"

namespace tandem {

namespace {

constexpr double kDead = -std::numeric_limits<double>::infinity();

double normalise(double log_prob, int64_t length, const BeamOptions& o) {
  switch (o.length_penalty) {
    case LengthPenalty::kNone:
      return log_prob;
    case LengthPenalty::kAverage:
      return log_prob / std::max<int64_t>(length, 1);
    case LengthPenalty::kGnmt:
      return log_prob / std::pow((5.0 + length) / 6.0, o.alpha);
  }
  return log_prob;
}

// Tokens that would repeat an n-gram of `history` (Paulus et al. 2018's trigram blocking,
// for any n).
std::vector<int32_t> banned_tokens(const std::vector<int32_t>& history, int64_t n) {
  std::vector<int32_t> banned;
  const int64_t L = static_cast<int64_t>(history.size());
  if (n <= 0 || L < n - 1) return banned;
  for (int64_t i = 0; i + n - 1 < L; ++i)
    if (std::equal(history.begin() + i, history.begin() + i + n - 1, history.end() - (n - 1)))
      banned.push_back(history[i + n - 1]);
  return banned;
}

struct Candidate {
  double score;
  int32_t beam;  // row in the B·K batch
  int32_t token;
};

}  // namespace

std::vector<std::vector<Hypothesis>> beam_search(const Seq2Seq& model, Graph& g,
                                                 const SourceBatch& source, const BeamOptions& o) {
  NoGradGuard no_grad(g);
  Rng unused(0);
  const int64_t B = source.batch, K = std::max<int64_t>(o.beam_size, 1);
  std::vector<std::vector<Hypothesis>> finished(B);
  if (B == 0) return finished;
  const SearchOptions& so = o.search;
  // The state of B sentences becomes that of B·K rows, sentence b as rows b·K … b·K + K − 1:
  // every beam reads its own sentence's memory.
  DecoderState state =
      model.decoder().initial_state(g, model.encoder().encode(g, source, unused, false));
  std::vector<int32_t> rows(B * K);
  for (int64_t i = 0; i < B * K; ++i) rows[i] = static_cast<int32_t>(i / K);
  select_state_rows(g, state, rows);

  const std::vector<int64_t> limit = output_length_limits(source, so);
  const int64_t longest = *std::max_element(limit.begin(), limit.end());
  // Only beam 0 of each sentence is alive at first: K copies of one start would fill the beam
  // with duplicates.
  std::vector<double> score(B * K, kDead);
  for (int64_t b = 0; b < B; ++b) score[b * K] = 0.0;
  std::vector<std::vector<int32_t>> tokens(B * K);
  std::vector<std::vector<std::vector<float>>> attention(B * K);
  std::vector<int32_t> previous(B * K, so.bos_id), parent(B * K), next_token(B * K);
  std::vector<double> next_score(B * K);
  std::vector<bool> done(B, false);
  std::vector<Candidate> candidates;
  // Sentence s of the decoder's batch (rows s·K … s·K + K − 1) is source sentence sentence[s].
  // Done sentences leave the batch once they are a quarter of it, as in greedy search.
  std::vector<int32_t> sentence(B);
  for (int64_t b = 0; b < B; ++b) sentence[b] = static_cast<int32_t>(b);
  auto drop_done_sentences = [&] {
    rows.clear();
    int64_t kept = 0;
    for (size_t s = 0; s < sentence.size(); ++s) {
      if (done[sentence[s]]) continue;
      for (int64_t k = 0; k < K; ++k) rows.push_back(static_cast<int32_t>(s * K + k));
      sentence[kept++] = sentence[s];
    }
    sentence.resize(kept);
    select_state_rows(g, state, rows);
    for (size_t i = 0; i < rows.size(); ++i) {
      if (static_cast<size_t>(rows[i]) == i) continue;  // (a self-move would empty a vector)
      score[i] = score[rows[i]];
      tokens[i] = std::move(tokens[rows[i]]);
      attention[i] = std::move(attention[rows[i]]);
      previous[i] = previous[rows[i]];
    }
    for (auto* v : {&score, &next_score}) v->resize(rows.size());
    tokens.resize(rows.size());
    attention.resize(rows.size());
    for (auto* v : {&previous, &parent, &next_token}) v->resize(rows.size());
  };
  auto finish = [&](int64_t b, int32_t beam, double log_prob, int64_t t,
                    const Decoder::Step& step) {
    Hypothesis h;
    h.tokens = tokens[beam];
    h.log_prob = log_prob;
    h.score = normalise(log_prob, t + 1, o);
    if (so.keep_attention && step.attention.defined()) {
      h.attention = attention[beam];
      const float* w = step.attention.value()[beam].data();
      h.attention.emplace_back(w, w + source.lengths[b]);
    }
    finished[b].push_back(std::move(h));
  };

  const Arena::Mark steps_start = g.arena().mark();
  std::vector<float> spare;
  for (int64_t t = 0; t <= longest; ++t) {
    int64_t n = static_cast<int64_t>(sentence.size());
    int64_t done_here = 0;
    for (const int32_t b : sentence) done_here += done[b];
    if (4 * done_here >= n) {
      drop_done_sentences();
      n = static_cast<int64_t>(sentence.size());
    }
    const Decoder::Step step = model.decoder().step(g, previous, state, unused, false);
    // The output layer's values (B·K × V, each step) die once the candidates are chosen.
    const Arena::Mark scratch = g.arena().mark();
    const Tensor log_probs = next_token_log_probs(model, g, step, so);
    const int64_t V = log_probs.dim(1);
    for (int64_t i = 0; i < n * K; ++i) {
      parent[i] = static_cast<int32_t>(i);
      next_token[i] = so.eos_id;
      next_score[i] = kDead;
    }
    bool any_alive = false;
    for (int64_t s = 0; s < n; ++s) {
      const int32_t b = sentence[s];
      if (done[b]) continue;
      // The best 2K extensions over the sentence's live beams: enough to refill K beams even
      // if K of them end the hypothesis.
      auto collect = [&](bool may_end) {
        candidates.clear();
        for (int64_t k = 0; k < K; ++k) {
          const int32_t beam = static_cast<int32_t>(s * K + k);
          if (score[beam] == kDead) continue;
          const float* row = log_probs[beam].data();
          const std::vector<int32_t> banned = banned_tokens(tokens[beam], o.no_repeat_ngram);
          for (int32_t v = 0; v < V; ++v) {
            if (v == so.eos_id) {
              if (may_end) candidates.push_back({score[beam] + row[v], beam, v});
              continue;
            }
            // Out of room: only </s>. A −∞ extension (<pad>, <s>) is a dead beam, not a choice.
            if (t == limit[b] || row[v] == -std::numeric_limits<float>::infinity()) continue;
            if (!banned.empty() && std::find(banned.begin(), banned.end(), v) != banned.end())
              continue;
            candidates.push_back({score[beam] + row[v], beam, v});
          }
        }
      };
      // </s> waits for min_length, but the length limit wins over it.
      collect(t >= o.min_length || t == limit[b]);
      // no_repeat_ngram can ban every other token before min_length: then </s> after all, since
      // every sentence must end with at least one hypothesis.
      if (candidates.empty() && finished[b].empty()) collect(true);
      const size_t keep = std::min<size_t>(candidates.size(), 2 * K);
      // Ties broken by beam then token, so the result never depends on sort internals.
      std::partial_sort(candidates.begin(), candidates.begin() + keep, candidates.end(),
                        [](const Candidate& x, const Candidate& y) {
                          if (x.score != y.score) return x.score > y.score;
                          return x.beam != y.beam ? x.beam < y.beam : x.token < y.token;
                        });
      int64_t filled = 0;
      for (size_t c = 0; c < keep && filled < K; ++c) {
        const Candidate& cand = candidates[c];
        if (cand.token == so.eos_id) {
          if (static_cast<int64_t>(finished[b].size()) < K)
            finish(b, cand.beam, cand.score, t, step);
          continue;
        }
        const int64_t slot = s * K + filled++;
        parent[slot] = cand.beam;
        next_token[slot] = cand.token;
        next_score[slot] = cand.score;
      }
      // A sentence is done once it has K finished hypotheses or nothing left to extend.
      if (static_cast<int64_t>(finished[b].size()) >= K || filled == 0)
        done[b] = true;
      else
        any_alive = true;
    }
    g.arena().rewind(scratch);
    if (!any_alive) break;
    // Reorder every per-row piece of state by parent: the decoder state, histories, scores.
    select_recurrent_rows(g, state, parent);
    std::vector<std::vector<int32_t>> new_tokens(n * K);
    std::vector<std::vector<std::vector<float>>> new_attention(n * K);
    for (int64_t i = 0; i < n * K; ++i) {
      if (next_score[i] == kDead) continue;
      new_tokens[i] = tokens[parent[i]];
      new_tokens[i].push_back(next_token[i]);
      if (so.keep_attention && step.attention.defined()) {
        new_attention[i] = attention[parent[i]];
        const float* w = step.attention.value()[parent[i]].data();
        new_attention[i].emplace_back(w, w + source.lengths[sentence[i / K]]);
      }
    }
    tokens.swap(new_tokens);
    attention.swap(new_attention);
    score = next_score;
    previous = next_token;
    compact_state(g, state, steps_start, spare);
  }
  for (auto& list : finished) {
    std::stable_sort(list.begin(), list.end(),
                     [](const Hypothesis& x, const Hypothesis& y) { return x.score > y.score; });
    if (static_cast<int64_t>(list.size()) > o.n_best) list.resize(o.n_best);
  }
  return finished;
}

std::vector<std::vector<Hypothesis>> search(const Seq2Seq& model, Graph& g,
                                            const SourceBatch& source, const BeamOptions& o) {
  if (o.beam_size > 1 || o.min_length > 0 || o.no_repeat_ngram > 0)
    return beam_search(model, g, source, o);
  std::vector<Hypothesis> best = greedy_search(model, g, source, o.search);
  std::vector<std::vector<Hypothesis>> out(best.size());
  for (size_t i = 0; i < best.size(); ++i) {
    best[i].score = normalise(best[i].log_prob, static_cast<int64_t>(best[i].tokens.size()) + 1, o);
    out[i].push_back(std::move(best[i]));
  }
  return out;
}

}  // namespace tandem
